//! Retention: the daily job clears message bodies older than the workspace's
//! `message_retention_days` and keeps newer ones (and other workspaces' by their own
//! retention), audited once per run with the count; the Privacy screen changes the settings.

use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use topicdesk::telegram::callback::{CallbackData, PrivacyButton};

use crate::fake_tg::FakeUser;
use crate::helpers::*;
use crate::routing::{open_settings, tap, tap_exact};
use crate::sla::advance;
use crate::team::{ask, forged, join, NO_SUCH_MESSAGE};

async fn workspace(app: &TestApp, id: i64) -> entity::workspaces::Model {
    entity::workspaces::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("the workspace")
}

/// The workspace's audit rows with `action`, oldest first: (old, new).
async fn audited(app: &TestApp, ws: i64, action: &str) -> Vec<(Option<String>, Option<String>)> {
    entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::WorkspaceId.eq(ws))
        .filter(entity::audit_log::Column::Action.eq(action))
        .order_by_asc(entity::audit_log::Column::Id)
        .all(&app.db)
        .await
        .expect("audit")
        .into_iter()
        .map(|a| (a.old_value, a.new_value))
        .collect()
}

/// A customer writes `text` in the ticket's topic; waits until it is logged with its body.
async fn write(app: &TestApp, chat: i64, thread: i32, customer: &FakeUser, text: &str) {
    app.tg.group_text(chat, Some(thread), customer, text);
    let ticket = app.ticket(chat, thread).await.id;
    eventually(WAIT, "the message to be logged", async || {
        app.messages(ticket)
            .await
            .iter()
            .any(|m| m.body.as_deref() == Some(text))
            .then_some(())
    })
    .await;
}

/// The bodies of a ticket's logged messages, in order.
async fn bodies(app: &TestApp, chat: i64, thread: i32) -> Vec<Option<String>> {
    let ticket = app.ticket(chat, thread).await.id;
    app.messages(ticket)
        .await
        .into_iter()
        .map(|m| m.body)
        .collect()
}

#[tokio::test]
async fn the_purge_clears_older_bodies_and_keeps_newer_ones() {
    let app = spawn_app().await;
    let olga = app.owner("Olga", "Acme").await;
    let acme = app.workspace_of(&olga).await;
    let acme_chat = app.connected_forum(&olga, "Acme Support").await;
    let bea = app.owner("Bea", "Beta").await;
    let beta = app.workspace_of(&bea).await;
    let beta_chat = app.connected_forum(&bea, "Beta Support").await;

    // Acme keeps bodies 30 days; Beta keeps the default 365.
    open_settings(&app, &olga, "Privacy").await;
    tap_exact(&app, &olga, "30 days").await;
    eventually(WAIT, "the retention to be saved", async || {
        (workspace(&app, acme).await.message_retention_days == 30).then_some(())
    })
    .await;
    assert_eq!(workspace(&app, beta).await.message_retention_days, 365);

    let carl = app.tg.add_user("Carl", Some("carl"));
    let acme_thread = app.open_ticket(acme_chat, &carl, "Card problem").await;
    write(&app, acme_chat, acme_thread, &carl, "my card is 4111 old").await;
    let beta_thread = app.open_ticket(beta_chat, &carl, "Beta problem").await;
    write(&app, beta_chat, beta_thread, &carl, "beta secret old").await;

    advance(&app, Duration::days(20)).await;
    write(&app, acme_chat, acme_thread, &carl, "fresh words").await;
    // Nothing is 30 days old yet: every body is still there, and no purge was audited.
    assert!(bodies(&app, acme_chat, acme_thread)
        .await
        .iter()
        .any(|b| b.as_deref() == Some("my card is 4111 old")));
    assert!(audited(&app, acme, "privacy.purged_bodies")
        .await
        .is_empty());

    advance(&app, Duration::days(15)).await;
    let audit = eventually(WAIT, "the purge to be audited", async || {
        let rows = audited(&app, acme, "privacy.purged_bodies").await;
        (!rows.is_empty()).then_some(rows)
    })
    .await;
    let acme_bodies = bodies(&app, acme_chat, acme_thread).await;
    let cleared = acme_bodies.iter().filter(|b| b.is_none()).count();
    assert!(cleared >= 1, "{acme_bodies:?}");
    assert!(
        !acme_bodies
            .iter()
            .any(|b| b.as_deref() == Some("my card is 4111 old")),
        "{acme_bodies:?}"
    );
    // The newer message keeps its body.
    assert_eq!(acme_bodies.last(), Some(&Some("fresh words".to_owned())));
    // One audit row for the run, with the count.
    assert_eq!(audit, vec![(None, Some(cleared.to_string()))]);
    // Beta's retention is longer: its body stays, and nothing is audited there.
    assert!(bodies(&app, beta_chat, beta_thread)
        .await
        .iter()
        .any(|b| b.as_deref() == Some("beta secret old")));
    assert!(audited(&app, beta, "privacy.purged_bodies")
        .await
        .is_empty());

    // The next day's run finds nothing more to purge and audits nothing.
    advance(&app, Duration::days(1)).await;
    app.settle().await;
    assert_eq!(audited(&app, acme, "privacy.purged_bodies").await.len(), 1);
    assert_eq!(
        bodies(&app, acme_chat, acme_thread).await.last(),
        Some(&Some("fresh words".to_owned()))
    );
}

#[tokio::test]
async fn the_privacy_screen_changes_the_settings_and_refuses_bad_values() {
    let app = spawn_app().await;
    let olga = app.owner("Olga", "Acme").await;
    let acme = app.workspace_of(&olga).await;
    let chat = app.connected_forum(&olga, "Acme Support").await;

    open_settings(&app, &olga, "Privacy").await;
    let screen = app.wait_private(&olga, "Privacy of").await;
    assert!(screen.text.contains("365 days"), "{}", screen.text);
    assert!(
        screen.text.contains("Webhooks include message bodies: off"),
        "{}",
        screen.text
    );

    // A quick value.
    tap_exact(&app, &olga, "90 days").await;
    eventually(WAIT, "90 days saved", async || {
        (workspace(&app, acme).await.message_retention_days == 90).then_some(())
    })
    .await;

    // Custom…: 0 and 5000 are refused and the prompt stays; 180 is saved.
    tap(&app, &olga, "Custom").await;
    app.wait_private(&olga, "After how many days").await;
    for bad in ["0", "5000"] {
        let answer = ask(&app, &olga, bad).await;
        assert!(
            answer
                .text
                .contains("is not a number of days between 1 and 3650"),
            "{}",
            answer.text
        );
        assert_eq!(workspace(&app, acme).await.message_retention_days, 90);
    }
    let saved = ask(&app, &olga, "180").await;
    assert!(saved.text.contains("180 days"), "{}", saved.text);
    assert_eq!(workspace(&app, acme).await.message_retention_days, 180);
    assert_eq!(
        audited(&app, acme, "settings.message_retention_days").await,
        vec![
            (Some("365".into()), Some("90".into())),
            (Some("90".into()), Some("180".into())),
        ]
    );

    // The webhook toggle: stored, shown, audited.
    tap(&app, &olga, "Webhooks include bodies: turn on").await;
    eventually(WAIT, "the webhook toggle", async || {
        workspace(&app, acme)
            .await
            .webhook_include_bodies
            .then_some(())
    })
    .await;
    assert_eq!(
        audited(&app, acme, "settings.webhook_include_bodies").await,
        vec![(Some("false".into()), Some("true".into()))]
    );

    // A Member is refused, by command and by a forged press, and nothing changes.
    let ws = app.workspace_of(&olga).await;
    app.grant_seats(ws, 2, 0).await;
    let mia = join(&app, &olga, "Mia", false).await;
    let answer = ask(&app, &mia, "/settings").await;
    assert_eq!(answer.text, "Only Admins and the Owner can do this.");
    for data in [
        CallbackData::Privacy(PrivacyButton::PrivacyRetention { days: 30 }),
        CallbackData::Privacy(PrivacyButton::PrivacyToggleWebhook),
        CallbackData::Privacy(PrivacyButton::PrivacyToggleBodies),
    ] {
        let (text, alert) = app
            .press(&mia, mia.id, NO_SUCH_MESSAGE, &forged(data))
            .await;
        assert_eq!(
            (text.as_deref(), alert),
            (Some("Only Admins and the Owner can do this."), true)
        );
    }
    let after = workspace(&app, acme).await;
    assert_eq!(
        (
            after.message_retention_days,
            after.webhook_include_bodies,
            after.store_message_bodies
        ),
        (180, true, true)
    );

    // Storing turned off: the next run clears every body of the workspace, however new.
    let carl = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &carl, "Hello").await;
    write(&app, chat, thread, &carl, "kept until storing stops").await;
    tap(&app, &olga, "Store message bodies: turn off").await;
    eventually(WAIT, "bodies off", async || {
        (!workspace(&app, acme).await.store_message_bodies).then_some(())
    })
    .await;
    advance(&app, Duration::days(2)).await;
    eventually(WAIT, "every body cleared", async || {
        bodies(&app, chat, thread)
            .await
            .iter()
            .all(Option::is_none)
            .then_some(())
    })
    .await;
    assert_eq!(audited(&app, acme, "privacy.purged_bodies").await.len(), 1);
}

#[tokio::test]
async fn the_purge_works_in_batches_and_strips_waiting_updates() {
    use sea_orm::ActiveValue::Set;

    let app = spawn_app().await;
    let olga = app.owner("Olga", "Acme").await;
    let acme = app.workspace_of(&olga).await;
    let chat = app.connected_forum(&olga, "Acme Support").await;
    let carl = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &carl, "Old history").await;
    write(&app, chat, thread, &carl, "new enough").await;
    let ticket = app.ticket(chat, thread).await.id;

    // More than two batches of messages past the default 365 days…
    let old = topicdesk::clock::Clock::now(&app.clock) - Duration::days(400);
    const OLD: usize = 1201;
    let rows = (0..OLD).map(|i| entity::ticket_messages::ActiveModel {
        ticket_id: Set(ticket),
        tg_message_id: Set(100_000 + i32::try_from(i).expect("small")),
        sender_id: Set(carl.id),
        role: Set("customer".to_owned()),
        is_command: Set(false),
        body: Set(Some(format!("old secret {i}"))),
        created_at: Set(old),
        edited_at: Set(None),
        ..Default::default()
    });
    for chunk in rows.collect::<Vec<_>>().chunks(200) {
        entity::ticket_messages::Entity::insert_many(chunk.to_vec())
            .exec(&app.db)
            .await
            .expect("seed messages");
    }
    // …and an update that failed long ago and waits for a retry far away.
    let payload = serde_json::json!({
        "update_id": 7,
        "message": {"message_id": 1, "text": "stuck secret", "chat": {"id": chat, "type": "supergroup"}}
    });
    entity::inbox::Entity::insert(entity::inbox::ActiveModel {
        update_id: Set(7),
        payload: Set(payload.to_string()),
        received_at: Set(old),
        processed_at: Set(None),
        attempts: Set(1),
        retry_at: Set(Some(old + Duration::days(3000))),
        last_error: Set(Some("failed".to_owned())),
    })
    .exec(&app.db)
    .await
    .expect("seed the inbox");

    // (The stuck update never settles, so time moves without waiting for the daemon to idle.)
    app.clock.advance(Duration::days(1));
    let audit = eventually(WAIT, "the purge to be audited", async || {
        let rows = audited(&app, acme, "privacy.purged_bodies").await;
        (!rows.is_empty()).then_some(rows)
    })
    .await;
    assert_eq!(audit, vec![(None, Some(OLD.to_string()))]);
    let left = bodies(&app, chat, thread).await;
    assert_eq!(left.iter().filter(|b| b.is_none()).count(), OLD);
    assert!(left.iter().any(|b| b.as_deref() == Some("new enough")));
    let stuck = entity::inbox::Entity::find_by_id(7)
        .one(&app.db)
        .await
        .expect("query")
        .expect("the stuck update stays");
    assert!(!stuck.payload.contains("stuck secret"), "{}", stuck.payload);
    assert!(stuck.payload.contains("text_redacted"), "{}", stuck.payload);
}
