//! Failures as the daemon meets them: private-chat errors, injected faults and the log, raw HTTP
//! shapes (5xx, unknown methods, lower-case names), thread and topic errors, flood limits, a
//! removed bot and update ids that start over.

use std::time::Duration;

use serde_json::{json, Value};
use teloxide::prelude::*;
use teloxide::types::{ChatMemberKind, UpdateKind};
use teloxide::{ApiError, RequestError};

use super::{forum_setup, take, thread};
use crate::fake_tg::{BotRights, FakeTelegram, Fault};

#[tokio::test]
async fn private_chat_errors() {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let dave = tg.add_user("Dave", None);
    let err = bot
        .send_message(ChatId(dave.id), "hi")
        .await
        .expect_err("user never started the bot");
    // teloxide has no variant for the current 403 wording; it is `Unknown(description)`.
    match &err {
        RequestError::Api(ApiError::Unknown(d)) => {
            assert_eq!(d, "Forbidden: bot can't initiate conversation with a user")
        }
        other => panic!("unexpected {other:?}"),
    }
    tg.private_text(&dave, "hi bot");
    bot.send_message(ChatId(dave.id), "hi")
        .await
        .expect("started now");
    tg.block_bot(&dave);
    let err = bot
        .send_message(ChatId(dave.id), "hi")
        .await
        .expect_err("blocked");
    assert!(matches!(err, RequestError::Api(ApiError::BotBlocked)));

    let err = bot
        .send_message(ChatId(-1_009_999_999_999), "hi")
        .await
        .expect_err("unknown chat");
    assert!(matches!(err, RequestError::Api(ApiError::ChatNotFound)));
    let failed = tg
        .request_log()
        .into_iter()
        .filter(|r| r.outcome != crate::fake_tg::RequestOutcome::Ok)
        .count();
    assert_eq!(failed, 3);
}

#[tokio::test]
async fn faults_retry_after_and_logging() {
    let (tg, bot, chat, _alice) = forum_setup().await;
    tg.fail_next("sendMessage", 1, Fault::RetryAfter(3));
    assert_eq!(tg.pending_faults("SENDMESSAGE"), 1);
    let err = bot.send_message(ChatId(chat), "hi").await.expect_err("429");
    match err {
        RequestError::RetryAfter(s) => assert_eq!(s.seconds(), 3),
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        tg.messages_in(chat, None).is_empty(),
        "faults change no state"
    );
    bot.send_message(ChatId(chat), "hi")
        .await
        .expect("second try");
    assert_eq!(tg.request_count("sendmessage"), 2);
    assert_eq!(tg.successful_requests("sendmessage").len(), 1);
    let log = tg.request_log();
    assert!(log[0].faulted && !log[1].faulted);
    assert!(log[0].seq < log[1].seq);
    assert_eq!(tg.requests("SendMessage")[1]["text"], json!("hi"));

    tg.fail_next("sendMessage", 2, Fault::Forbidden);
    for _ in 0..2 {
        let err = bot.send_message(ChatId(chat), "x").await.expect_err("403");
        assert!(matches!(err, RequestError::Api(ApiError::BotBlocked)));
    }
    let me = UserId(crate::fake_tg::BOT_ID as u64);
    tg.fail_next(
        "getChatMember",
        1,
        Fault::Custom {
            code: 400,
            description: "Bad Request: group is deactivated".into(),
        },
    );
    let err = bot
        .get_chat_member(ChatId(chat), me)
        .await
        .expect_err("custom");
    assert!(matches!(err, RequestError::Api(ApiError::GroupDeactivated)));
    tg.fail_next("getChatMember", 5, Fault::ChatNotFound);
    tg.clear_faults();
    bot.get_chat_member(ChatId(chat), me)
        .await
        .expect("faults cleared");
}

/// 5xx and unknown methods are checked with plain HTTP: teloxide sleeps 10 s on any 5xx.
#[tokio::test]
async fn raw_http_shapes() {
    let tg = FakeTelegram::start().await;
    let http = reqwest::Client::new();
    let base = tg.api_url();
    let url = |m: &str| format!("{base}bot123456:TEST/{m}");

    tg.fail_next("getMe", 1, Fault::ServerError);
    let resp = http.post(url("getMe")).send().await.expect("http");
    assert_eq!(resp.status().as_u16(), 500);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 500, "description": "Internal Server Error"})
    );

    tg.fail_next("getMe", 1, Fault::RetryAfter(7));
    let resp = http.post(url("getme")).send().await.expect("http");
    assert_eq!(resp.status().as_u16(), 429);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["parameters"], json!({"retry_after": 7}));
    assert_eq!(
        body["description"],
        json!("Too Many Requests: retry after 7")
    );

    let resp = http.post(url("noSuchMethod")).send().await.expect("http");
    assert_eq!(resp.status().as_u16(), 404);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 404, "description": "Not Found"})
    );
    assert_eq!(tg.request_count("nosuchmethod"), 1);

    // Method names are case-insensitive.
    let frank = tg.add_user("Frank", None);
    tg.start_bot(&frank);
    let resp = http
        .post(url("sendmessage"))
        .json(&json!({ "chat_id": frank.id, "text": "123" }))
        .send()
        .await
        .expect("http");
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["ok"], json!(true), "{body}");
    assert_eq!(body["result"]["text"], json!("123"));
    assert_eq!(
        tg.last_request("sendMessage").map(|p| p["chat_id"].clone()),
        Some(json!(frank.id))
    );
}

#[tokio::test]
async fn threads_and_topic_errors() {
    let (tg, bot, chat, alice) = forum_setup().await;
    let err = bot
        .send_message(ChatId(chat), "x")
        .message_thread_id(thread(999))
        .await
        .expect_err("no such thread");
    match &err {
        RequestError::Api(ApiError::Unknown(d)) => {
            assert_eq!(d, "Bad Request: message thread not found")
        }
        other => panic!("unexpected {other:?}"),
    }
    let t = tg.create_topic(chat, &alice, "Doomed");
    bot.send_message(ChatId(chat), "x")
        .message_thread_id(thread(t))
        .await
        .expect("live topic");
    tg.fail_next("sendMessage", 1, Fault::ThreadNotFound);
    let err = bot
        .send_message(ChatId(chat), "x")
        .message_thread_id(thread(t))
        .await
        .expect_err("injected");
    assert!(
        matches!(&err, RequestError::Api(ApiError::Unknown(d)) if d.contains("thread not found"))
    );

    // General topic: thread id 1 is accepted as General.
    let general = bot
        .send_message(ChatId(chat), "in general")
        .message_thread_id(thread(1))
        .await
        .expect("general");
    assert_eq!(general.thread_id, None);

    tg.delete_topic_silently(chat, t);
    assert!(tg.topic(chat, t).is_some_and(|t| t.deleted));
    assert!(tg.messages_in(chat, Some(t)).is_empty());
    let err = bot
        .send_message(ChatId(chat), "x")
        .message_thread_id(thread(t))
        .await
        .expect_err("deleted topic");
    assert!(
        matches!(&err, RequestError::Api(ApiError::Unknown(d)) if d.contains("thread not found"))
    );
    for res in [
        bot.edit_forum_topic(ChatId(chat), thread(t))
            .name("x")
            .await,
        bot.close_forum_topic(ChatId(chat), thread(t)).await,
        bot.reopen_forum_topic(ChatId(chat), thread(t)).await,
    ] {
        let err = res.expect_err("deleted topic");
        assert!(
            matches!(&err, RequestError::Api(ApiError::Unknown(d)) if d == "Bad Request: TOPIC_ID_INVALID"),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn flood_limits_remove_bot_and_ids_that_start_over() {
    let (tg, bot, chat, user) = forum_setup().await;
    let mut offset = 0;
    take(&bot, &mut offset).await;

    // A flooded chat answers every message with 429; edits and other chats are not affected.
    let other = tg.add_forum_group("Other");
    tg.set_bot_rights(other, BotRights::full());
    tg.flood(chat, 600);
    for _ in 0..3 {
        match bot.send_message(ChatId(chat), "hi").await {
            Err(RequestError::RetryAfter(s)) => assert_eq!(s.duration(), Duration::from_secs(600)),
            other => panic!("expected 429, got {other:?}"),
        }
    }
    bot.send_message(ChatId(other), "fine")
        .await
        .expect("another chat is not flooded");
    tg.unflood(chat);
    bot.send_message(ChatId(chat), "hi again")
        .await
        .expect("the flood is over");

    // Removing the bot delivers my_chat_member with status kicked, as Telegram does.
    tg.remove_bot(chat, &user);
    let updates = take(&bot, &mut offset).await;
    let UpdateKind::MyChatMember(m) = &updates[0].kind else {
        panic!("expected my_chat_member: {updates:?}");
    };
    assert!(matches!(m.new_chat_member.kind, ChatMemberKind::Banned(_)));
    assert!(bot.send_message(ChatId(chat), "gone").await.is_err());
    tg.add_bot_back(chat, &user, BotRights::full());
    let updates = take(&bot, &mut offset).await;
    let UpdateKind::MyChatMember(m) = &updates[0].kind else {
        panic!("expected my_chat_member: {updates:?}");
    };
    assert!(matches!(
        m.new_chat_member.kind,
        ChatMemberKind::Administrator(_)
    ));

    // Ids that start over lower: an offset past every id handed out is ignored, like the
    // real Bot API does, so nothing is confirmed by it and the batch comes again.
    assert!(
        take(&bot, &mut offset).await.is_empty(),
        "everything confirmed"
    );
    tg.set_next_update_id(1_000);
    tg.private_text(&user, "low");
    let future = offset;
    let first = bot
        .get_updates()
        .offset(future)
        .timeout(0)
        .await
        .expect("getUpdates");
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].id.0, 1_000);
    let again = bot
        .get_updates()
        .offset(future)
        .timeout(0)
        .await
        .expect("getUpdates");
    assert_eq!(again.len(), 1, "an offset in the future confirms nothing");
    let after = bot
        .get_updates()
        .offset(1_001)
        .timeout(0)
        .await
        .expect("getUpdates");
    assert!(after.is_empty(), "the batch's last id + 1 confirms it");
}
