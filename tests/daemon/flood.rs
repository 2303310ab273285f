//! A flaky, flood-limiting Telegram and a daemon that must not let one failure become many
//! (issue 8): one flooded chat delays only itself, a chat's effects keep their order across
//! retries, polling follows Telegram's offsets when ids restart lower, a panicking update or a
//! failing timer is set aside alone, a payment is never given up, and the lock order holds when
//! the inbox, routing and two schedulers run together.

use std::sync::Arc;

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use tokio_util::sync::CancellationToken;
use topicdesk::clock::Clock;

use crate::fake_tg::{FakeUser, Fault};
use crate::helpers::*;
use crate::routing::{set_strategy, team};
use crate::sla::{add_rule, advance, set_policy};
use crate::team::private_count;

fn chat_of(request: &serde_json::Value) -> Option<i64> {
    request.get("chat_id").and_then(serde_json::Value::as_i64)
}

async fn outbox_rows(app: &TestApp, chat: i64) -> Vec<entity::outbox::Model> {
    entity::outbox::Entity::find()
        .filter(entity::outbox::Column::ChatId.eq(chat))
        .all(&app.db)
        .await
        .expect("query outbox")
}

// ----- 4. a flood-limited chat delays only itself -------------------------------------------------

#[tokio::test]
async fn a_flood_limited_chat_delays_only_itself() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let flooded = app.connected_forum(&owner, "Busy Group").await;
    let calm = app.connected_forum(&owner, "Calm Group").await;
    app.settle().await;

    // Telegram answers every message into the busy group with 429, retry after ten minutes.
    app.tg.flood(flooded, 600);
    let customer = app.tg.add_user("Carl", Some("carl"));
    let stuck = app.tg.create_topic(flooded, &customer, "Stuck");
    app.tg
        .wait_until(WAIT, "the flooded card tried once", |tg| {
            tg.requests("sendmessage")
                .iter()
                .any(|r| chat_of(r) == Some(flooded))
        })
        .await;

    // Everything else goes out at once: another group's card, a button's answer, a checkout.
    let thread = app.open_ticket(calm, &customer, "Flows").await;
    let (card, claim) = app.card_button(calm, thread, "Claim").await;
    let (_, alert) = app.press(&owner, calm, card, &claim).await;
    assert!(!alert);
    app.card_shows(calm, thread, "Assignee: Olga").await;
    let query = app.tg.pre_checkout(&owner, "XTR", 2900, "not-our-payload");
    app.tg
        .wait_for(WAIT, "the pre-checkout answer", |tg| {
            tg.pre_checkout_answer(&query)
        })
        .await;

    // The 429 reached the outbox: the flooded chat's card waits its ten minutes, counted as
    // an attempt, and nothing behind it in that chat (the topic rename) overtook it.
    let rows = outbox_rows(&app, flooded).await;
    let card_row = rows
        .iter()
        .find(|r| r.effect.contains("post_card"))
        .expect("the card is still owed");
    assert_eq!(card_row.attempts, 1, "{card_row:?}");
    assert!(card_row.next_attempt_at > Utc::now() + Duration::seconds(550));
    assert!(card_row.dead_at.is_none());
    let tries = app
        .tg
        .request_log()
        .into_iter()
        .filter(|r| chat_of(&r.params) == Some(flooded) && r.method == "sendmessage" && r.faulted)
        .count();
    assert_eq!(tries, 1, "no retry loop hidden in the sender");
    assert!(app
        .tg
        .requests("editforumtopic")
        .iter()
        .all(|r| chat_of(r) != Some(flooded)));
    assert!(app
        .tg
        .topic(flooded, stuck)
        .is_some_and(|t| t.name == "Stuck"));
    app.stop().await;
}

#[tokio::test]
async fn a_chats_effects_keep_their_order_across_retries() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Order").await;
    app.tg.group_text(chat, Some(thread), &owner, "/resolve");
    app.wait_ticket(chat, thread, "resolved", |t| t.status == "resolved")
        .await;
    app.settle().await;

    // Closing the topic is flood-limited once; the reopen that follows must not overtake it.
    app.tg.fail_next("closeForumTopic", 1, Fault::RetryAfter(2));
    app.tg.group_text(chat, Some(thread), &owner, "/close");
    app.tg.group_text(chat, Some(thread), &owner, "/reopen");
    app.wait_ticket(chat, thread, "reopened", |t| t.status == "assigned")
        .await;
    app.settle().await;
    let moves: Vec<(String, bool)> = app
        .tg
        .full_request_log()
        .into_iter()
        .filter(|r| r.method == "closeforumtopic" || r.method == "reopenforumtopic")
        .map(|r| (r.method, r.faulted))
        .collect();
    assert_eq!(
        moves,
        [
            ("closeforumtopic".to_owned(), true),
            ("closeforumtopic".to_owned(), false),
            ("reopenforumtopic".to_owned(), false),
        ]
    );
    assert!(app.tg.topic(chat, thread).is_some_and(|t| !t.closed));
    app.stop().await;
}

// ----- 5. polling follows Telegram's offsets -----------------------------------------------------

#[tokio::test]
async fn update_ids_that_start_over_lower_are_handled_once_each() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    app.settle().await;
    let seen = app.tg.last_update_id().expect("updates");

    // A quiet week later Telegram numbers updates from a new, lower start.
    app.tg.set_next_update_id(1_000);
    let answers = || private_count(&app, &owner, "Your role");
    app.tg.private_text(&owner, "/help");
    app.tg
        .wait_until(WAIT, "the first low id handled", |_| answers() == 1)
        .await;
    app.tg.private_text(&owner, "/help");
    app.tg
        .wait_until(WAIT, "the second low id handled", |_| answers() == 2)
        .await;
    // Each batch was confirmed by its own last id (not the highest id ever seen, which
    // Telegram would take for an offset in the future and answer everything again).
    app.settle().await;
    app.tg
        .wait_until(WAIT, "a poll confirming the new ids", |tg| {
            tg.last_offset() == Some(1_002)
        })
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    for id in [1_000, 1_001] {
        assert_eq!(
            app.tg.times_delivered(id),
            1,
            "update {id} handed out again"
        );
    }
    assert!(seen > 1_002);

    // Where polling resumes survives a restart, with no refetch.
    let (tg, db) = app.stop().await;
    let app = spawn_app_with(tg, db).await;
    app.tg
        .wait_until(WAIT, "a poll after the restart", |tg| {
            tg.requests("getupdates")
                .last()
                .and_then(|r| r.get("offset").and_then(serde_json::Value::as_i64))
                == Some(1_002)
        })
        .await;
    assert_eq!(app.tg.times_delivered(1_001), 1);
    app.settle().await;
    assert_eq!(private_count(&app, &owner, "Your role"), 2);
    app.stop().await;
}

// ----- 7. one failure stays one failure -----------------------------------------------------------

#[tokio::test]
async fn a_panicking_update_is_set_aside_and_the_loop_goes_on() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    app.tg
        .private_text(&owner, topicdesk::telegram::inbox::PANIC_TRIGGER);
    let bomb = app.tg.last_update_id().expect("update");
    app.tg.private_text(&owner, "/help");
    app.wait_private(&owner, "Your role").await;
    app.settle().await;
    let row = entity::inbox::Entity::find_by_id(bomb)
        .one(&app.db)
        .await
        .expect("query")
        .expect("row");
    assert!(row.processed_at.is_some(), "set aside at once");
    assert_eq!(row.attempts, 1);
    assert!(
        row.last_error
            .as_deref()
            .unwrap_or_default()
            .contains("panicked"),
        "{row:?}"
    );
    // Its text is not kept, and a restart does not handle it (or panic) again.
    assert!(!row.payload.contains("fault-injection"));
    let (tg, db) = app.stop().await;
    let app = spawn_app_with(tg, db).await;
    app.tg.private_text(&owner, "/help");
    app.tg
        .wait_until(WAIT, "the second /help answered", |_| {
            private_count(&app, &owner, "Your role") == 2
        })
        .await;
    let row = entity::inbox::Entity::find_by_id(bomb)
        .one(&app.db)
        .await
        .expect("query")
        .expect("row");
    assert_eq!(row.attempts, 1);
    app.stop().await;
}

async fn rename_table(app: &TestApp, from: &str, to: &str) {
    app.db
        .execute_unprepared(&format!("ALTER TABLE {from} RENAME TO {to}"))
        .await
        .expect("rename table");
}

#[tokio::test]
async fn a_payment_is_never_set_aside_and_applies_once_the_database_takes_it() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    let payload = format!("seats:v1:{ws}:basic:1:1");
    // The payments table is away: applying the payment fails, again and again.
    rename_table(&app, "payments", "payments_away").await;
    app.tg.successful_payment(&owner, "XTR", 2900, &payload);
    let payment = app.tg.last_update_id().expect("update");
    let stored = async || {
        entity::inbox::Entity::find_by_id(payment)
            .one(&app.db)
            .await
            .expect("query")
    };
    for round in 1..=7 {
        // Let the retry come due, then wake the inbox with another update.
        app.clock.advance(Duration::minutes(5));
        app.tg.private_text(&owner, "/help");
        eventually(WAIT, "another failed attempt", async || {
            stored().await.filter(|r| r.attempts >= round)
        })
        .await;
    }
    let row = stored().await.expect("row");
    assert!(
        row.processed_at.is_none(),
        "a payment is never set aside: {row:?}"
    );
    assert!(row.attempts > 5);
    // The table is back: the payment applies, once.
    rename_table(&app, "payments_away", "payments").await;
    app.clock.advance(Duration::minutes(5));
    app.tg.private_text(&owner, "/help");
    app.wait_private(&owner, "Payment received").await;
    app.settle().await;
    let seats = entity::seats::Entity::find()
        .filter(entity::seats::Column::WorkspaceId.eq(ws))
        .all(&app.db)
        .await
        .expect("seats");
    assert_eq!(seats.len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn a_failing_timer_backs_off_alone_and_the_others_keep_their_time() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let first = app.open_ticket(chat, &customer, "Remind me").await;
    app.tg
        .group_text(chat, Some(first), &owner, "/remind 1h call Carl");
    app.wait_private(&owner, "I will remind you").await;
    let second = app.open_ticket(chat, &customer, "Close me").await;
    app.tg.group_text(chat, Some(second), &owner, "/resolve");
    app.wait_ticket(chat, second, "resolved", |t| t.status == "resolved")
        .await;
    app.settle().await;

    // The reminder's handling fails (its table is away); auto-close (72 h) must not wait.
    rename_table(&app, "reminders", "reminders_away").await;
    app.clock.advance(Duration::hours(73));
    app.wait_ticket(chat, second, "closed on time", |t| t.status == "closed")
        .await;
    let reminder_timer = eventually(WAIT, "the reminder timer to back off", async || {
        entity::timers::Entity::find()
            .filter(entity::timers::Column::Kind.eq("reminder"))
            .one(&app.db)
            .await
            .expect("query")
            .filter(|t| t.attempts >= 1)
    })
    .await;
    assert!(reminder_timer.due_at > app.clock.now());
    assert!(reminder_timer.last_error.is_some());
    assert_eq!(private_count(&app, &owner, "Reminder for ticket"), 0);

    // Once it can work again, it fires, once.
    rename_table(&app, "reminders_away", "reminders").await;
    advance(&app, Duration::hours(2)).await;
    app.wait_private(&owner, "Reminder for ticket #1").await;
    advance(&app, Duration::hours(2)).await;
    assert_eq!(private_count(&app, &owner, "Reminder for ticket"), 1);
    app.stop().await;
}

/// The inbox (new topics, claims, availability), routing's drain and two schedulers (the
/// daemon's and a second one on its own connections, as another replica) all take workspace and
/// ticket locks at once. With one lock order none of them ever waits on another in a circle:
/// on PostgreSQL a deadlock would be detected and show up as a failed attempt.
#[tokio::test]
async fn the_inbox_routing_and_the_schedulers_never_deadlock() {
    let app = spawn_app().await;
    let (owner, chat, agents) = team(&app, &["Ann", "Bob", "Cid"]).await;
    set_strategy(&app, &owner, "Round-robin", "round_robin").await;
    set_policy(&app, &owner, "normal", "normal", "1 3").await;
    add_rule(&app, &owner, "first_response_breach -> raise_priority").await;
    add_rule(&app, &owner, "unassigned 1 -> post").await;
    let second_forum = app.connected_forum(&owner, "Acme Two").await;
    app.settle().await;

    let db = topicdesk::store::connect(&app.database.url)
        .await
        .expect("second connection");
    let replica = topicdesk::app::context(db, Arc::new(app.clock.clone()));
    let stop = CancellationToken::new();
    let other = tokio::spawn(topicdesk::jobs::scheduler::run(replica, stop.clone()));

    let customers: Vec<FakeUser> = (0..6)
        .map(|i| app.tg.add_user(&format!("Cust{i}"), None))
        .collect();
    let mut threads = Vec::new();
    for round in 0..8 {
        for (i, c) in customers.iter().enumerate() {
            let forum = if i % 2 == 0 { chat } else { second_forum };
            threads.push((
                forum,
                app.tg.create_topic(forum, c, &format!("R{round} #{i}")),
            ));
        }
        // Agents come and go while tickets arrive and timers fall due.
        let agent = &agents[round % agents.len()];
        app.tg.private_text(agent, "/away");
        app.tg.private_text(agent, "/available");
        app.clock.advance(Duration::seconds(50));
        for (forum, thread) in threads.iter().rev().take(3) {
            app.tg.group_text(*forum, Some(*thread), &owner, "/claim");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.clock.advance(Duration::minutes(10));
    app.settle().await;
    eventually(WAIT, "every due timer fired", async || {
        let next = topicdesk::store::timers::next_due(&app.db)
            .await
            .expect("timers");
        next.is_none_or(|at| at > app.clock.now()).then_some(())
    })
    .await;
    stop.cancel();
    other.await.expect("the second scheduler stops");
    app.settle().await;

    assert_eq!(app.tickets().await.len(), threads.len());
    let deadlocked = |e: &Option<String>| {
        e.as_deref()
            .is_some_and(|e| e.to_lowercase().contains("deadlock"))
    };
    let inbox = entity::inbox::Entity::find()
        .all(&app.db)
        .await
        .expect("inbox");
    assert!(
        inbox.iter().all(|r| !deadlocked(&r.last_error)),
        "{inbox:?}"
    );
    let timers = entity::timers::Entity::find()
        .all(&app.db)
        .await
        .expect("timers");
    assert!(
        timers.iter().all(|t| !deadlocked(&t.last_error)),
        "{timers:?}"
    );
    if app.db.get_database_backend() == sea_orm::DbBackend::Postgres {
        // One server, many connections: every update and timer went through first time.
        assert!(inbox.iter().all(|r| r.attempts == 0), "{inbox:?}");
        assert!(timers.iter().all(|t| t.attempts == 0), "{timers:?}");
    }
    let routed = app
        .tickets()
        .await
        .iter()
        .filter(|t| t.assignee_id.is_some())
        .count();
    assert!(routed > 0);
    let postgres = app.db.get_database_backend() == sea_orm::DbBackend::Postgres;
    let (_tg, database) = app.stop().await;
    if postgres {
        // PostgreSQL counts the deadlocks it broke, whichever side lost and whatever it did
        // next. Its backends report them when they end: give them a moment after the stop.
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        let db = topicdesk::store::connect(&database.url)
            .await
            .expect("connect");
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()",
            ))
            .await
            .expect("query")
            .expect("row");
        let deadlocks: i64 = row.try_get_by_index(0).expect("deadlocks");
        assert_eq!(deadlocks, 0, "PostgreSQL broke {deadlocks} deadlock(s)");
    }
}
