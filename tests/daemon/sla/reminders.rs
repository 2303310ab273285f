//! Reminders: fired once across a restart, cancellable, and fired once even with two schedulers
//! on one database.

use std::sync::Arc;

use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio_util::sync::CancellationToken;
use topicdesk::clock::Clock;

use super::{advance, desk};
use crate::fake_tg::FakeMessage;
use crate::helpers::*;
use crate::routing::private;
use crate::team::private_count;

// ----- reminders --------------------------------------------------------------------------------

#[tokio::test]
async fn reminders_fire_once_after_a_restart_and_can_be_cancelled() {
    let app = spawn_app().await;
    let (owner, chat, _) = desk(&app).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Call me back").await;
    // The confirmation goes to the agent privately: the customer reads the topic.
    app.tg
        .group_text(chat, Some(thread), &owner, "/remind 1h call Carl back");
    app.wait_private(&owner, "I will remind you about ticket #1")
        .await;
    app.tg
        .group_text(chat, Some(thread), &owner, "/remind 2h send the invoice");
    app.tg
        .wait_until(WAIT, "the second reminder confirmed", |_| {
            private_count(&app, &owner, "I will remind you") == 2
        })
        .await;
    assert!(app
        .tg
        .bot_messages_in(chat, Some(thread))
        .iter()
        .all(|m| !m.text.contains("remind")));
    app.tg
        .group_text(chat, Some(thread), &owner, "/remind soon-ish do it");
    app.wait_bot_message(chat, Some(thread), "Use /remind")
        .await;

    // /mytickets lists both, with a cancel button each; cancel the second.
    let list = private(&app, &owner, "/mytickets", "Reminders").await;
    assert!(list.text.contains("call Carl back") && list.text.contains("send the invoice"));
    let (_, cancel) = list
        .buttons()
        .into_iter()
        .find(|(l, _)| l.contains("send the invoice"))
        .expect("cancel button");
    let (answer, _) = app.press(&owner, owner.id, list.id, &cancel).await;
    assert_eq!(answer.as_deref(), Some("Reminder cancelled."));

    let now = app.clock.now();
    let (tg, database) = app.stop().await;
    let app = spawn_app_at(tg, database, now).await;
    advance(&app, Duration::minutes(61)).await;
    let reminder = app.wait_private(&owner, "Reminder for ticket #1").await;
    assert!(reminder.text.contains("call Carl back"));
    assert!(reminder
        .url_buttons()
        .iter()
        .any(|(_, u)| u.contains("t.me/c/")));
    advance(&app, Duration::hours(3)).await;
    let all: Vec<FakeMessage> = app
        .tg
        .bot_messages_in(owner.id, None)
        .into_iter()
        .filter(|m| m.text.contains("Reminder for ticket"))
        .collect();
    assert_eq!(all.len(), 1, "{all:?}");
    app.stop().await;
}

/// A second scheduler on the same database (as another replica would run) races the daemon's
/// for every due timer: each reminder is still delivered exactly once.
#[tokio::test]
async fn two_schedulers_on_one_database_fire_each_timer_once() {
    let app = spawn_app().await;
    let (owner, chat, _) = desk(&app).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Many reminders").await;
    const N: usize = 12;
    for i in 0..N {
        app.tg.group_text(
            chat,
            Some(thread),
            &owner,
            &format!("/remind {}m check {i}", 10 + i),
        );
    }
    app.tg
        .wait_until(WAIT, "every reminder confirmed", |_| {
            private_count(&app, &owner, "I will remind you") == N
        })
        .await;

    let db = topicdesk::store::connect(&app.database.url)
        .await
        .expect("second connection");
    let second = topicdesk::app::context(db, Arc::new(app.clock.clone()));
    let stop = CancellationToken::new();
    let other = tokio::spawn(topicdesk::jobs::scheduler::run(second, stop.clone()));
    advance(&app, Duration::minutes(30)).await;
    app.tg
        .wait_until(WAIT, "every reminder delivered", |_| {
            private_count(&app, &owner, "Reminder for ticket") >= N
        })
        .await;
    advance(&app, Duration::minutes(30)).await;
    stop.cancel();
    other.await.expect("second scheduler stops");
    let texts: Vec<String> = app
        .tg
        .bot_messages_in(owner.id, None)
        .into_iter()
        .filter(|m| m.text.contains("Reminder for ticket"))
        .map(|m| m.text)
        .collect();
    assert_eq!(texts.len(), N, "{texts:?}");
    for i in 0..N {
        let needle = format!("check {i}");
        assert_eq!(
            texts.iter().filter(|t| t.ends_with(&needle)).count(),
            1,
            "{needle}: {texts:?}"
        );
    }
    let fired = entity::reminders::Entity::find()
        .filter(entity::reminders::Column::FiredAt.is_not_null())
        .all(&app.db)
        .await
        .expect("reminders");
    assert_eq!(fired.len(), N);
    app.stop().await;
}
