//! Updates as teloxide parses them (private, command, media and topic messages), offsets, long
//! polls, redelivery, competing and abandoned polls, and the calls a bot makes before polling.

use std::time::{Duration, Instant};

use serde_json::json;
use teloxide::prelude::*;
use teloxide::types::{MessageEntityKind, UpdateKind};
use teloxide::{ApiError, RequestError};

use super::{drain, forum_setup, only_message, take, thread, T};
use crate::fake_tg::{FakeTelegram, BOT_ID, BOT_USERNAME};

#[tokio::test]
async fn get_me_and_delete_webhook() {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let me = bot.get_me().await.expect("getMe");
    assert_eq!(me.id.0, BOT_ID as u64);
    assert!(me.is_bot);
    assert_eq!(me.username(), BOT_USERNAME);
    assert_eq!(me.first_name, "topicdesk");
    assert!(me.can_join_groups);
    bot.delete_webhook().await.expect("deleteWebhook");
    assert_eq!(tg.request_count("GETME"), 1);
    assert_eq!(tg.request_count("deleteWebhook"), 1);
}

#[tokio::test]
async fn private_text_and_command_updates() {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let bob = tg.add_user("Bob", None);
    assert!(!tg.has_started(&bob));
    let start_id = tg.private_text(&bob, "/start hello");
    assert!(tg.has_started(&bob));
    let mut offset = 0;
    let updates = take(&bot, &mut offset).await;
    let msg = only_message(&updates);
    assert_eq!(msg.id.0, start_id);
    assert!(msg.chat.is_private());
    assert_eq!(msg.chat.id.0, bob.id);
    assert_eq!(msg.text(), Some("/start hello"));
    assert_eq!(msg.thread_id, None);
    let from = msg.from.as_ref().expect("from");
    assert_eq!(from.id.0, bob.id as u64);
    assert!(!from.is_bot);
    assert_eq!(from.language_code.as_deref(), Some("en"));
    let entities = msg.entities().expect("entities");
    assert_eq!(entities.len(), 1);
    assert_eq!(entities[0].kind, MessageEntityKind::BotCommand);
    assert_eq!((entities[0].offset, entities[0].length), (0, 6));

    // Media injection parses as the right media kind.
    tg.private_photo(&bob, Some("look"));
    let updates = take(&bot, &mut offset).await;
    let msg = only_message(&updates);
    assert!(msg.photo().is_some_and(|p| p.len() == 2));
    assert_eq!(msg.caption(), Some("look"));
    tg.private_document(&bob, "log.txt", None);
    let updates = take(&bot, &mut offset).await;
    let doc = only_message(&updates).document().expect("document");
    assert_eq!(doc.file_name.as_deref(), Some("log.txt"));
}

#[tokio::test]
async fn topic_updates_parse_as_topic_messages() {
    let (tg, bot, chat, alice) = forum_setup().await;
    let mut offset = 0;

    let t = tg.create_topic(chat, &alice, "Printer on fire");
    let updates = take(&bot, &mut offset).await;
    let created = only_message(&updates);
    assert_eq!(created.id.0, t, "the creation message id is the thread id");
    assert_eq!(created.thread_id, Some(thread(t)));
    assert!(created.is_topic_message);
    let ftc = created.forum_topic_created().expect("forum_topic_created");
    assert_eq!(ftc.name, "Printer on fire");
    assert!(created.chat.is_supergroup());
    assert_eq!(created.chat.title(), Some("Support"));
    assert_eq!(
        tg.topic(chat, t).map(|t| t.name),
        Some("Printer on fire".into())
    );

    let m = tg.group_text(chat, Some(t), &alice, "it is still burning");
    let updates = take(&bot, &mut offset).await;
    let msg = only_message(&updates);
    assert_eq!(msg.id.0, m);
    assert_eq!(msg.thread_id, Some(thread(t)));
    assert!(msg.is_topic_message);
    let root = msg
        .reply_to_message()
        .expect("topic messages reply to the topic root");
    assert_eq!(root.id.0, t);
    assert!(root.forum_topic_created().is_some());
    assert_eq!(msg.text(), Some("it is still burning"));

    tg.group_text(chat, None, &alice, "hello general");
    let updates = take(&bot, &mut offset).await;
    let msg = only_message(&updates);
    assert_eq!(msg.thread_id, None);
    assert!(!msg.is_topic_message);
    assert!(msg.reply_to_message().is_none());

    tg.close_topic_by(chat, t, &alice);
    let updates = take(&bot, &mut offset).await;
    let msg = only_message(&updates);
    assert!(msg.forum_topic_closed().is_some());
    assert_eq!(msg.thread_id, Some(thread(t)));
    assert!(tg.topic(chat, t).is_some_and(|t| t.closed));

    tg.reopen_topic_by(chat, t, &alice);
    let updates = take(&bot, &mut offset).await;
    assert!(only_message(&updates).forum_topic_reopened().is_some());
    assert!(tg.topic(chat, t).is_some_and(|t| !t.closed));

    tg.rename_topic_by(chat, t, &alice, "Printer OK");
    let updates = take(&bot, &mut offset).await;
    let edited = only_message(&updates)
        .forum_topic_edited()
        .expect("forum_topic_edited");
    assert_eq!(edited.name.as_deref(), Some("Printer OK"));

    tg.edit_text(chat, m, &alice, "it stopped burning");
    let updates = take(&bot, &mut offset).await;
    assert_eq!(updates.len(), 1);
    let UpdateKind::EditedMessage(edited) = &updates[0].kind else {
        panic!("expected edited_message, got {:?}", updates[0].kind);
    };
    assert_eq!(edited.id.0, m);
    assert_eq!(edited.text(), Some("it stopped burning"));
    assert!(edited.edit_date().is_some());
    assert_eq!(
        tg.message(chat, m).map(|m| m.edits),
        Some(vec!["it is still burning".to_owned()])
    );

    // Silently created topics exist but produce no update.
    let quiet = tg.create_topic_silently(chat, &alice, "Old topic");
    assert!(take(&bot, &mut offset).await.is_empty());
    bot.send_message(ChatId(chat), "hi old topic")
        .message_thread_id(thread(quiet))
        .await
        .expect("send into silently created topic");
}

#[tokio::test]
async fn offsets_long_poll_and_redelivery() {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let gina = tg.add_user("Gina", None);
    tg.private_text(&gina, "one");
    let first = tg.last_update_id().expect("an update");
    tg.private_text(&gina, "two");
    let second = tg.last_update_id().expect("an update");
    assert_eq!(second, first + 1);

    let updates = drain(&bot).await;
    assert_eq!(updates.len(), 2);
    assert_eq!(i64::from(updates[0].id.0), first);
    // Not acknowledged yet: handed out again.
    assert_eq!(drain(&bot).await.len(), 2);
    assert_eq!(tg.times_delivered(first), 2);

    let offset = (second + 1) as i32;
    assert!(bot
        .get_updates()
        .offset(offset)
        .timeout(0)
        .await
        .expect("ack")
        .is_empty());
    assert!(tg.is_acked(first) && tg.is_acked(second));
    assert_eq!(tg.last_offset(), Some(second + 1));

    // A redelivered update comes back although its id is below the offset…
    tg.redeliver(first);
    let again = bot
        .get_updates()
        .offset(offset)
        .timeout(0)
        .await
        .expect("redelivery");
    assert_eq!(again.len(), 1);
    assert_eq!(i64::from(again[0].id.0), first);
    assert_eq!(again[0], updates[0], "same payload");
    // …and is acknowledged by the next call with that offset.
    assert!(bot
        .get_updates()
        .offset(offset)
        .timeout(0)
        .await
        .expect("ack")
        .is_empty());
    assert_eq!(tg.times_delivered(first), 3, "2 drains + redelivery");

    // Long poll wakes up as soon as something is injected.
    let (tg2, gina2) = (tg.clone(), gina.clone());
    let injector = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        tg2.private_text(&gina2, "three");
    });
    let started = Instant::now();
    let got = bot
        .get_updates()
        .offset(offset)
        .timeout(5)
        .await
        .expect("long poll");
    assert_eq!(got.len(), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
    injector.await.expect("injector");

    // Long poll with nothing to deliver returns empty after the timeout.
    let offset = got[0].id.as_offset();
    let started = Instant::now();
    let empty = bot
        .get_updates()
        .offset(offset)
        .timeout(1)
        .await
        .expect("empty poll");
    assert!(empty.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(900));

    // Raw callback queries can be answered.
    let raw_query = tg.inject_raw(json!({"callback_query": {
        "id": "777",
        "from": {"id": gina.id, "is_bot": false, "first_name": "Gina"},
        "chat_instance": "1",
        "data": "x",
    }}));
    let got = bot
        .get_updates()
        .offset(offset)
        .timeout(0)
        .await
        .expect("raw query");
    assert_eq!(i64::from(got[0].id.0), raw_query);
    let UpdateKind::CallbackQuery(q) = &got[0].kind else {
        panic!("expected callback_query, got {:?}", got[0].kind);
    };
    bot.answer_callback_query(q.id.clone())
        .await
        .expect("raw query answerable");
    assert_eq!(tg.callback_answer("777"), Some((None, false)));
    let offset = got[0].id.as_offset();

    // Garbage updates still carry their id (teloxide: UpdateKind::Error).
    let raw = tg.inject_raw(json!({"something_new": {"x": 1}}));
    let got = bot
        .get_updates()
        .offset(offset)
        .timeout(0)
        .await
        .expect("garbage");
    assert_eq!(i64::from(got[0].id.0), raw);
    assert!(matches!(got[0].kind, UpdateKind::Error(_)));
}

#[tokio::test]
async fn concurrent_long_polls_conflict() {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let bot2 = bot.clone();
    let older = tokio::spawn(async move { bot2.get_updates().timeout(5).await });
    tg.wait_until(T, "first long poll arrives", |tg| {
        tg.request_count("getupdates") == 1
    })
    .await;
    let newer = bot.get_updates().timeout(0).await.expect("newer poll");
    assert!(newer.is_empty());
    let err = older
        .await
        .expect("join")
        .expect_err("older poll is terminated");
    assert!(matches!(
        err,
        RequestError::Api(ApiError::TerminatedByOtherGetUpdates)
    ));
}

/// teloxide drops its in-flight long poll when it stops; the fake notices and hands nothing out.
#[tokio::test]
async fn abandoned_long_poll() {
    let tg = FakeTelegram::start().await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let url = format!("{}bot1:X/getUpdates", tg.api_url());
    let res = http.post(&url).json(&json!({"timeout": 5})).send().await;
    assert!(res.is_err(), "the client gives up first");
    tg.wait_until(T, "the poll is marked abandoned", |tg| {
        tg.full_request_log()
            .iter()
            .any(|r| r.outcome == crate::fake_tg::RequestOutcome::Abandoned)
    })
    .await;
    let user = tg.add_user("Jo", None);
    tg.private_text(&user, "hi");
    let id = tg.last_update_id().expect("update");
    assert_eq!(tg.times_delivered(id), 0);
    assert_eq!(tg.pending_update_ids(), vec![id]);
}
