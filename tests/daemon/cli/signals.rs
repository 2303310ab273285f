//! Stopping the binary mid-work: SIGKILL in the middle of a burst (the restart loses and
//! duplicates nothing) and SIGTERM in the middle of a batch (stops within ten seconds).

use std::time::Duration;

use sea_orm::{DatabaseConnection, EntityTrait};

use super::{assert_no_panic, daemon_command, free_port, start_polling, Daemon};
use crate::fake_tg::{FakeTelegram, FakeUser};
use crate::helpers::*;

/// What a scenario injected for one topic: where, and the ids of the customer's messages.
struct Topic {
    chat: i64,
    thread: i32,
    messages: Vec<i32>,
}

async fn bot_said(tg: &FakeTelegram, chat: i64, needle: &str) {
    let what = format!("the bot to say {needle:?} in chat {chat}");
    tg.wait_until(WAIT, &what, |tg| {
        tg.bot_messages_in(chat, None)
            .iter()
            .any(|m| m.text.contains(needle))
    })
    .await;
}

/// Olga, who creates the workspace Acme by talking to the running daemon.
async fn acme_owner(tg: &FakeTelegram) -> FakeUser {
    let owner = tg.add_user("Olga", Some("olga"));
    tg.private_text(&owner, "/newworkspace Acme");
    bot_said(tg, owner.id, "created").await;
    owner
}

/// A forum `owner` created and connected through the running daemon.
async fn connected_forum(tg: &FakeTelegram, owner: &FakeUser, title: &str) -> i64 {
    let chat = tg.add_forum_owned_by(title, owner);
    tg.group_text(chat, None, owner, "/connect");
    bot_said(tg, chat, "is connected").await;
    chat
}

/// Ticket cards the bot posted into a topic.
fn cards_in(tg: &FakeTelegram, chat: i64, thread: i32) -> usize {
    tg.bot_messages_in(chat, Some(thread))
        .iter()
        .filter(|m| m.text.contains("Ticket #"))
        .count()
}

async fn pending_work(db: &DatabaseConnection) -> (u64, u64) {
    let inbox = topicdesk::store::inbox::count_pending(db)
        .await
        .expect("inbox");
    let outbox = topicdesk::store::outbox::count_pending(db)
        .await
        .expect("outbox");
    (inbox, outbox)
}

#[tokio::test]
async fn sigkill_mid_stream_then_restart_loses_nothing_and_duplicates_nothing() {
    const GROUPS: usize = 6;
    const TOPICS: usize = 30;
    let tg = FakeTelegram::start().await;
    let database = fresh_database().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let command = daemon_command(dir.path(), &tg, &database.url, port);
    let mut daemon = start_polling(command, dir.path(), "first", &tg).await;

    let owner = acme_owner(&tg).await;
    let mut chats = Vec::new();
    for g in 0..GROUPS {
        chats.push(connected_forum(&tg, &owner, &format!("Acme Support {g}")).await);
    }

    // A burst: 30 customers open topics (spread over the groups, since Telegram lets a bot post
    // about one message a second into one chat) and write in them at once.
    let customers: Vec<FakeUser> = (0..TOPICS)
        .map(|i| tg.add_user(&format!("Customer{i}"), None))
        .collect();
    let mut topics: Vec<Topic> = customers
        .iter()
        .enumerate()
        .map(|(i, customer)| {
            let chat = chats[i % GROUPS];
            let thread = tg.create_topic(chat, customer, &format!("Problem {i}"));
            let message = tg.group_text(
                chat,
                Some(thread),
                customer,
                &format!("Details of problem {i}"),
            );
            Topic {
                chat,
                thread,
                messages: vec![message],
            }
        })
        .collect();

    tg.wait_until(WAIT, "the first cards to be posted", |tg| {
        topics
            .iter()
            .filter(|t| cards_in(tg, t.chat, t.thread) > 0)
            .count()
            >= 3
    })
    .await;
    daemon.crash().await;
    let cards_before_crash = topics
        .iter()
        .filter(|t| cards_in(&tg, t.chat, t.thread) > 0)
        .count();
    assert!(
        cards_before_crash < TOPICS,
        "the crash came mid-stream ({cards_before_crash} cards)"
    );

    // Customers keep writing while the daemon is down.
    for (i, t) in topics.iter_mut().enumerate().step_by(5) {
        let message = tg.group_text(t.chat, Some(t.thread), &customers[i], "Anyone there?");
        t.messages.push(message);
    }

    let mut daemon = Daemon::start(
        daemon_command(dir.path(), &tg, &database.url, port),
        dir.path(),
        "second",
    );
    let db = topicdesk::store::connect(&database.url)
        .await
        .expect("test connection");
    // The burst is small; once restarted, the daemon has well under 45 s of work left, even on
    // PostgreSQL where the dead daemon's outbox leases (20 s) must expire first.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(45);
    loop {
        let tickets = entity::tickets::Entity::find()
            .all(&db)
            .await
            .expect("tickets")
            .len();
        let (inbox, outbox) = pending_work(&db).await;
        let uncarded = topics
            .iter()
            .filter(|t| cards_in(&tg, t.chat, t.thread) == 0)
            .count();
        if tickets >= TOPICS && inbox == 0 && outbox == 0 && uncarded == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "45 s after the restart: {tickets} tickets, {inbox} updates and {outbox} Telegram effects \
             pending, {uncarded} of {TOPICS} topics still without a card ({cards_before_crash} had one \
             at the crash)"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let tickets = entity::tickets::Entity::find()
        .all(&db)
        .await
        .expect("tickets");
    assert_eq!(tickets.len(), TOPICS, "one ticket per topic");
    let mut numbers: Vec<i64> = tickets.iter().map(|t| t.number).collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=TOPICS as i64).collect::<Vec<_>>(),
        "numbers without gaps or repeats"
    );

    let logged = entity::ticket_messages::Entity::find()
        .all(&db)
        .await
        .expect("messages");
    let mut repeated_cards = 0;
    for t in &topics {
        let ticket = tickets
            .iter()
            .find(|k| (k.chat_id, k.thread_id) == (t.chat, t.thread))
            .unwrap_or_else(|| panic!("no ticket for topic {} in {}", t.thread, t.chat));
        let mut ids: Vec<i32> = logged
            .iter()
            .filter(|m| m.ticket_id == ticket.id)
            .map(|m| m.tg_message_id)
            .collect();
        ids.sort_unstable();
        assert_eq!(
            ids, t.messages,
            "ticket #{}: every message logged once",
            ticket.number
        );
        let cards = cards_in(&tg, t.chat, t.thread);
        assert!(
            (1..=2).contains(&cards),
            "ticket #{} has its card, repeated at most once: {cards}",
            ticket.number
        );
        repeated_cards += cards - 1;
    }
    // The dispatcher keeps one send in flight per chat; a crash repeats at most those.
    assert!(
        repeated_cards <= GROUPS,
        "a crash may repeat only the send in flight in each of the {GROUPS} chats, but \
         {repeated_cards} cards were repeated"
    );

    db.close().await.expect("close");
    let status = daemon.terminate().await;
    assert_eq!(status.code(), Some(0), "log:\n{}", daemon.log());
}

/// SIGTERM while a chat is flood-limited, another is held back by its send rate and rows are in
/// hand: the daemon still stops within 10 s, cleanly, and the restarted one sends what was owed.
#[tokio::test]
async fn sigterm_in_the_middle_of_a_batch_stops_within_ten_seconds() {
    let tg = FakeTelegram::start().await;
    let database = fresh_database().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    // One message a minute into a group: most cards of a burst have to wait for their turn.
    let mut cmd = daemon_command(dir.path(), &tg, &database.url, port);
    cmd.env("TOPICDESK_TG_GROUP_PER_MINUTE", "1");
    let mut daemon = start_polling(cmd, dir.path(), "first", &tg).await;
    let owner = acme_owner(&tg).await;
    let paced = connected_forum(&tg, &owner, "Paced").await;
    let flooded = connected_forum(&tg, &owner, "Flooded").await;
    tg.flood(flooded, 600);
    let customer = tg.add_user("Carl", None);
    for i in 0..5 {
        tg.create_topic(paced, &customer, &format!("Paced {i}"));
        tg.create_topic(flooded, &customer, &format!("Flooded {i}"));
    }
    let db = topicdesk::store::connect(&database.url)
        .await
        .expect("connect");
    eventually(WAIT, "the burst to be handled", async || {
        (topicdesk::store::inbox::count_pending(&db).await.ok()? == 0
            && entity::tickets::Entity::find().all(&db).await.ok()?.len() == 10)
            .then_some(())
    })
    .await;

    let started = std::time::Instant::now();
    let status = daemon.terminate().await;
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(status.code(), Some(0), "log:\n{}", daemon.log());
    assert_no_panic(&daemon.log());
    let owed = topicdesk::store::outbox::count_pending(&db)
        .await
        .expect("outbox");
    assert!(owed > 0, "cards were still owed when it stopped");

    // The restarted daemon (no limits now, the flood over) delivers every card once their
    // waits are over (moved to now here, rather than waiting ten minutes).
    tg.unflood(flooded);
    use sea_orm::ConnectionTrait;
    db.execute_unprepared("UPDATE outbox SET next_attempt_at = created_at")
        .await
        .expect("move the waits");
    let mut daemon = Daemon::start(
        daemon_command(dir.path(), &tg, &database.url, port),
        dir.path(),
        "second",
    );
    for chat in [paced, flooded] {
        tg.wait_until(WAIT, "every card posted", |tg| {
            tg.all_messages(chat)
                .iter()
                .filter(|m| m.is_from_bot() && m.text.contains("Ticket #"))
                .count()
                >= 5
        })
        .await;
    }
    let status = daemon.terminate().await;
    assert_eq!(status.code(), Some(0));
    for chat in [paced, flooded] {
        let mut cards: Vec<String> = tg
            .all_messages(chat)
            .into_iter()
            .filter(|m| m.is_from_bot() && m.text.contains("Ticket #"))
            .map(|m| m.text.lines().next().unwrap_or_default().to_owned())
            .collect();
        cards.sort();
        let before = cards.len();
        cards.dedup();
        assert_eq!((before, cards.len()), (5, 5), "one card per ticket");
    }
}
