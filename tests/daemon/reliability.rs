//! §13 reliability: redelivered and duplicated updates, Telegram refusing (429, 5xx, a deleted
//! topic), restarts, and the operator's health endpoints — all against the in-process daemon.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::json;

use crate::fake_tg::{FakeTelegram, Fault};
use crate::helpers::*;

/// Longer than [`WAIT`] for what Telegram deliberately slows down (429 waits, 5xx delays).
const SLOW_WAIT: Duration = Duration::from_secs(25);

/// The id of the update the fake queued last. Injection is synchronous and the test runtime has
/// one thread, so right after an injection this is the update that injection queued.
fn last_update(tg: &FakeTelegram) -> i64 {
    tg.last_update_id().expect("an update was injected")
}

/// Every card ("Ticket #…") the bot has posted in a topic.
fn cards_in(tg: &FakeTelegram, chat: i64, thread: i32) -> usize {
    tg.bot_messages_in(chat, Some(thread))
        .iter()
        .filter(|m| m.text.contains("Ticket #"))
        .count()
}

/// Waits until `getUpdates` handed each update out at least `times` times and the daemon
/// acknowledged it again — so the daemon has seen (and stored or skipped) every copy.
async fn wait_delivered(tg: &FakeTelegram, updates: &[i64], times: usize) {
    tg.wait_until(
        WAIT,
        "the redelivered updates to be fetched and acknowledged",
        |tg| {
            updates
                .iter()
                .all(|&u| tg.times_delivered(u) >= times && tg.is_acked(u))
        },
    )
    .await;
}

/// Bot API calls with visible effects, counted per method.
fn effect_counts(tg: &FakeTelegram) -> Vec<(&'static str, usize)> {
    [
        "sendMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "answerCallbackQuery",
        "pinChatMessage",
        "editForumTopic",
        "closeForumTopic",
        "reopenForumTopic",
    ]
    .into_iter()
    .map(|m| (m, tg.request_count(m)))
    .collect()
}

#[tokio::test]
async fn redelivered_updates_change_nothing() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));

    let thread = app.tg.create_topic(chat, &customer, "Can't log in");
    let created = last_update(&app.tg);
    app.card(chat, thread).await;
    let hello = app
        .tg
        .group_text(chat, Some(thread), &customer, "Hello, I can't log in");
    let written = last_update(&app.tg);
    let (card, claim) = app.card_button(chat, thread, "Claim").await;
    let query = app.tg.press_button(&owner, chat, card, &claim);
    let pressed = last_update(&app.tg);
    app.tg
        .wait_for(WAIT, "the Claim press to be answered", |tg| {
            tg.callback_answer(&query)
        })
        .await;
    app.card_shows(chat, thread, "Assignee: Olga").await;
    app.settle().await;

    let ticket = app.ticket(chat, thread).await;
    let audit_before = app.audit(ticket.id).await.len();
    let effects_before = effect_counts(&app.tg);

    for update in [created, written, pressed] {
        app.tg.redeliver(update);
    }
    wait_delivered(&app.tg, &[created, written, pressed], 2).await;
    app.settle().await;

    let tickets = app.tickets().await;
    assert_eq!(tickets.len(), 1, "one topic, one ticket: {tickets:?}");
    let after = app.ticket(chat, thread).await;
    assert_eq!(
        (after.number, after.status.as_str(), after.assignee_id),
        (1, "assigned", Some(owner.id)),
        "the ticket did not move again"
    );
    let logged: Vec<i32> = app
        .messages(ticket.id)
        .await
        .iter()
        .map(|m| m.tg_message_id)
        .collect();
    assert_eq!(logged, vec![hello], "the customer's message is logged once");
    assert_eq!(
        app.audit(ticket.id).await.len(),
        audit_before,
        "no new audit rows"
    );
    assert_eq!(cards_in(&app.tg, chat, thread), 1, "no second card");
    assert_eq!(
        effect_counts(&app.tg),
        effects_before,
        "nothing more was said or done on Telegram"
    );
    let answers = app
        .tg
        .requests("answerCallbackQuery")
        .into_iter()
        .filter(|r| r["callback_query_id"] == json!(query))
        .count();
    assert_eq!(answers, 1, "the press was answered once");
    app.stop().await;
}

#[tokio::test]
async fn the_same_message_in_two_updates_is_logged_once() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Invoice wrong").await;

    let message = app
        .tg
        .group_text(chat, Some(thread), &customer, "The total is off by 10");
    let original = last_update(&app.tg);
    let payload = app.tg.update(original).expect("the update is stored")["message"].clone();
    assert_eq!(payload["message_id"], json!(message));
    let copy = app.tg.inject_raw(json!({ "message": payload }));
    assert_ne!(copy, original);
    wait_delivered(&app.tg, &[original, copy], 1).await;
    app.settle().await;

    let ticket = app.ticket(chat, thread).await;
    let rows = app.messages(ticket.id).await;
    let copies = rows.iter().filter(|m| m.tg_message_id == message).count();
    assert_eq!(copies, 1, "one Telegram message, one log row: {rows:?}");
    assert_eq!(rows.len(), 1, "{rows:?}");
    app.stop().await;
}

#[tokio::test]
async fn a_storm_of_429s_delays_but_loses_nothing() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    app.settle().await;

    app.tg.fail_next("sendMessage", 3, Fault::RetryAfter(1));
    app.tg.fail_next("editMessageText", 2, Fault::RetryAfter(1));
    app.tg.fail_next("getUpdates", 1, Fault::RetryAfter(1));
    let threads: Vec<i32> = (1..=3)
        .map(|i| {
            app.tg
                .create_topic(chat, &customer, &format!("Problem {i}"))
        })
        .collect();
    app.tg
        .wait_until(SLOW_WAIT, "every topic to get its card", |tg| {
            threads.iter().all(|&t| cards_in(tg, chat, t) >= 1)
        })
        .await;
    assert_eq!(
        app.tg.pending_faults("sendMessage"),
        0,
        "the storm hit the cards"
    );

    // Claiming edits the cards, which now meet the editMessageText storm.
    for &thread in &threads[..2] {
        let (card, claim) = app.card_button(chat, thread, "Claim").await;
        app.press(&owner, chat, card, &claim).await;
    }
    for &thread in &threads[..2] {
        app.tg
            .wait_until(SLOW_WAIT, "the claimed card to show its assignee", |tg| {
                tg.bot_messages_in(chat, Some(thread))
                    .iter()
                    .any(|m| m.text.contains("Ticket #") && m.text.contains("Assignee: Olga"))
            })
            .await;
    }
    assert_eq!(
        app.tg.pending_faults("editMessageText"),
        0,
        "the storm hit the edits"
    );
    assert_eq!(
        app.tg.pending_faults("getUpdates"),
        0,
        "the storm hit polling"
    );

    for &thread in &threads {
        assert_eq!(
            cards_in(&app.tg, chat, thread),
            1,
            "thread {thread} has exactly one card"
        );
    }
    let numbers: BTreeSet<i64> = app.tickets().await.iter().map(|t| t.number).collect();
    assert_eq!(numbers, BTreeSet::from([1, 2, 3]), "numbers are gapless");

    let later = app.open_ticket(chat, &customer, "After the storm").await;
    app.card_shows(chat, later, "Ticket #4").await;
    app.settle().await;
    app.stop().await;
}

#[tokio::test]
async fn a_deleted_topic_is_recorded_and_never_stops_the_loop() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    app.settle().await;

    // The topic is gone by the time the bot posts the card.
    app.tg.fail_next("sendMessage", 1, Fault::ThreadNotFound);
    let gone = app.tg.create_topic(chat, &customer, "Deleted at once");
    let ticket = app
        .wait_ticket(chat, gone, "marked as having lost its topic", |t| {
            t.topic_deleted_at.is_some()
        })
        .await;
    assert_eq!(ticket.number, 1);
    assert_eq!(cards_in(&app.tg, chat, gone), 0);

    let next = app.open_ticket(chat, &customer, "Still working?").await;
    app.card_shows(chat, next, "Ticket #2").await;
    assert!(app.ticket(chat, next).await.topic_deleted_at.is_none());
    app.settle().await;
    app.stop().await;
}

#[tokio::test]
async fn a_topic_deleted_by_hand_is_recorded_when_the_bot_next_acts_on_it() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Never mind").await;
    let (card, resolve) = app.card_button(chat, thread, "Resolve").await;
    app.press(&owner, chat, card, &resolve).await;
    app.wait_bot_message(chat, Some(thread), "How did we do?")
        .await;
    app.settle().await;

    // Telegram sends no update when a topic is deleted; the bot learns it when it next acts
    // there: here, closing the topic when the resolved ticket auto-closes.
    app.tg.delete_topic_silently(chat, thread);
    app.clock.advance(chrono::Duration::hours(73));
    let ticket = app
        .wait_ticket(
            chat,
            thread,
            "closed and marked as having lost its topic",
            |t| t.status == "closed" && t.topic_deleted_at.is_some(),
        )
        .await;
    assert_eq!(ticket.number, 1);

    let next = app.open_ticket(chat, &customer, "Another question").await;
    app.card_shows(chat, next, "Ticket #2").await;
    app.settle().await;
    app.stop().await;
}

/// Telegram shows a button's message as inaccessible (`date: 0`, no content) when it is too old
/// or gone; the press must still count and be answered.
#[tokio::test]
async fn a_press_on_a_card_telegram_no_longer_shows_still_works() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Old card").await;
    let (card, claim) = app.card_button(chat, thread, "Claim").await;

    let query = "4422999000000000001";
    let update = app.tg.inject_raw(json!({
        "callback_query": {
            "id": query,
            "from": {"id": owner.id, "is_bot": false, "first_name": "Olga", "username": "olga"},
            "message": {
                "message_id": card,
                "chat": {"id": chat, "title": "Acme Support", "type": "supergroup", "is_forum": true},
                "date": 0
            },
            "chat_instance": "-759118186888159871",
            "data": claim,
        }
    }));
    wait_delivered(&app.tg, &[update], 1).await;
    app.tg
        .wait_for(
            WAIT,
            "the press on the inaccessible card to be answered",
            |tg| tg.callback_answer(query),
        )
        .await;
    app.wait_ticket(chat, thread, "claimed by Olga", |t| {
        t.assignee_id == Some(owner.id)
    })
    .await;
    app.stop().await;
}

/// teloxide waits 10 s before it even reads a 5xx answer, so this test takes about 11 s.
#[tokio::test]
async fn a_5xx_from_telegram_is_retried() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    app.settle().await;

    app.tg.fail_next("sendMessage", 1, Fault::ServerError);
    let thread = app.tg.create_topic(chat, &customer, "Flaky Telegram");
    app.tg
        .wait_until(SLOW_WAIT, "the card to arrive after the 500", |tg| {
            cards_in(tg, chat, thread) == 1
        })
        .await;
    assert_eq!(
        app.tg.pending_faults("sendMessage"),
        0,
        "the card post met the 500"
    );
    // The fake answers the send before the outbox records the card's id: wait for the record.
    let ticket = app
        .wait_ticket(chat, thread, "the card's message id to be recorded", |t| {
            t.card_message_id.is_some()
        })
        .await;
    assert!(ticket.topic_deleted_at.is_none());
    app.settle().await;
    app.stop().await;
}

#[tokio::test]
async fn restart_keeps_numbering_and_state() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let first = app.open_ticket(chat, &customer, "Before the restart").await;
    let (card, claim) = app.card_button(chat, first, "Claim").await;
    app.press(&owner, chat, card, &claim).await;
    app.card_shows(chat, first, "Assignee: Olga").await;
    app.settle().await;
    let before = app.ticket(chat, first).await;
    let audit_before = app.audit(before.id).await.len();

    let (tg, database) = app.stop().await;
    let app = spawn_app_with(tg, database).await;

    let second = app.open_ticket(chat, &customer, "After the restart").await;
    app.card_shows(chat, second, "Ticket #2").await;
    app.settle().await;
    let after = app.ticket(chat, first).await;
    assert_eq!(
        (
            after.number,
            after.status.as_str(),
            after.assignee_id,
            after.card_message_id
        ),
        (1, "assigned", Some(owner.id), before.card_message_id),
        "the first ticket is as it was"
    );
    assert_eq!(
        app.audit(before.id).await.len(),
        audit_before,
        "nothing replayed"
    );
    assert_eq!(cards_in(&app.tg, chat, first), 1);
    assert_eq!(app.tickets().await.len(), 2);

    // The old card's buttons still work after the restart.
    let (card, resolve) = app.card_button(chat, first, "Resolve").await;
    app.press(&owner, chat, card, &resolve).await;
    app.wait_ticket(chat, first, "resolved", |t| t.status == "resolved")
        .await;
    app.stop().await;
}

/// The number after `name ` on its own line of a Prometheus text page.
fn metric(page: &str, name: &str) -> Option<f64> {
    page.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

#[tokio::test]
async fn healthz_readyz_and_metrics_answer() {
    let app = spawn_app().await;
    let http = reqwest::Client::new();

    let health = http
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("GET /healthz");
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.expect("body").trim(), "ok");

    let ready = http
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("GET /readyz");
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.expect("JSON body");
    assert_eq!(body["database"], json!(true), "{body}");
    assert_eq!(body["telegram"], json!(true), "{body}");

    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    app.open_ticket(chat, &customer, "Metrics please").await;

    let page = eventually(WAIT, "/metrics to count the ticket", async || {
        let page = http
            .get(app.url("/metrics"))
            .send()
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        (metric(&page, "topicdesk_tickets_created_total")? >= 1.0).then_some(page)
    })
    .await;
    let received = metric(&page, "topicdesk_updates_received_total").expect("updates counter");
    assert!(
        received >= 3.0,
        "/newworkspace, /connect and the topic were received:\n{page}"
    );
    assert!(
        page.contains("# TYPE topicdesk_tickets_created_total counter"),
        "{page}"
    );
    app.stop().await;
}

#[tokio::test]
async fn handled_updates_are_pruned_after_a_week_and_polling_resumes_where_it_was() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", None);
    app.open_ticket(chat, &customer, "Old news").await;
    app.settle().await;
    let stored = entity::inbox::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    assert!(stored >= 3, "updates were stored: {stored}");

    // The daily housekeeping runs; a week later every handled update goes. Where polling
    // resumes is kept apart from them.
    app.clock.advance(chrono::Duration::days(8));
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let left = entity::inbox::Entity::find()
            .count(&app.db)
            .await
            .expect("count");
        if left == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "inbox still has {left} rows"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let newest = app.tg.last_update_id().expect("updates were sent");
    assert_eq!(
        topicdesk::store::inbox::next_offset(&app.db)
            .await
            .expect("offset"),
        Some(newest + 1)
    );

    // After a restart polling resumes after the newest update: nothing is handled twice.
    let (tg, db) = app.stop().await;
    let app = spawn_app_with(tg, db).await;
    app.tg.group_text(chat, None, &owner, "/help");
    app.wait_bot_message(chat, None, "Your role").await;
    app.settle().await;
    assert_eq!(app.tickets().await.len(), 1);
    app.stop().await;
}
