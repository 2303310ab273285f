//! Proves that a real `teloxide::Bot` can talk to [`FakeTelegram`]: every response the fake
//! produces must deserialize into the teloxide type the daemon will see, and the fake's error
//! responses must surface as the teloxide error variants the daemon is going to match on.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, BotCommandScope, ChatFullInfoKind, ChatFullInfoPublicKind, ChatMemberKind,
    InlineKeyboardButton, InlineKeyboardMarkup, InputFile, LabeledPrice, MessageEntityKind,
    MessageId, MessageKind, ParseMode, PreCheckoutQueryId, Recipient, ReplyParameters, ThreadId,
    Update, UpdateKind,
};
use teloxide::{ApiError, RequestError};

use crate::fake_tg::{BotRights, FakeTelegram, FakeUser, Fault, BOT_ID, BOT_USERNAME};

const T: Duration = Duration::from_secs(2);

fn thread(id: i32) -> ThreadId {
    ThreadId(MessageId(id))
}

fn kb(rows: &[&[(&str, &str)]]) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(rows.iter().map(|row| {
        row.iter()
            .map(|(text, data)| InlineKeyboardButton::callback(*text, *data))
            .collect::<Vec<_>>()
    }))
}

/// Fetches everything pending (no long poll) and acknowledges it on the next call.
async fn drain(bot: &Bot) -> Vec<Update> {
    bot.get_updates()
        .timeout(0)
        .await
        .expect("getUpdates must succeed")
}

/// Returns the pending updates and acknowledges them.
async fn take(bot: &Bot, offset: &mut i32) -> Vec<Update> {
    let updates = bot
        .get_updates()
        .offset(*offset)
        .timeout(0)
        .await
        .expect("getUpdates must succeed");
    if let Some(last) = updates.last() {
        *offset = last.id.as_offset();
    }
    updates
}

fn only_message(updates: &[Update]) -> &Message {
    assert_eq!(updates.len(), 1, "expected exactly one update: {updates:?}");
    match &updates[0].kind {
        UpdateKind::Message(m) => m,
        other => panic!("expected a message update, got {other:?}"),
    }
}

async fn forum_setup() -> (FakeTelegram, Bot, i64, FakeUser) {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let chat = tg.add_forum_group("Support");
    tg.set_bot_rights(chat, BotRights::full());
    let alice = tg.add_user("Alice", Some("alice"));
    (tg, bot, chat, alice)
}

#[tokio::test]
async fn get_me_and_webhook_info() {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let me = bot.get_me().await.expect("getMe");
    assert_eq!(me.id.0, BOT_ID as u64);
    assert!(me.is_bot);
    assert_eq!(me.username(), BOT_USERNAME);
    assert_eq!(me.first_name, "topicdesk");
    assert!(me.can_join_groups);
    let info = bot.get_webhook_info().await.expect("getWebhookInfo");
    assert!(info.url.is_none());
    bot.delete_webhook().await.expect("deleteWebhook");
    assert_eq!(tg.request_count("GETME"), 1);
    assert_eq!(tg.request_count("getWebhookInfo"), 1);
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
async fn send_message_with_thread_keyboard_and_edits() {
    let (tg, bot, chat, alice) = forum_setup().await;
    let t = tg.create_topic(chat, &alice, "Ticket");
    let keyboard = kb(&[&[("Close", "close:1"), ("Assign", "assign:1")]]);
    let sent = bot
        .send_message(ChatId(chat), "New ticket")
        .message_thread_id(thread(t))
        .reply_markup(keyboard.clone())
        .await
        .expect("sendMessage");
    assert_eq!(sent.thread_id, Some(thread(t)));
    assert!(sent.is_topic_message);
    assert_eq!(sent.from.as_ref().map(|u| u.id.0), Some(BOT_ID as u64));
    assert_eq!(sent.reply_markup(), Some(&keyboard));
    assert_eq!(sent.reply_to_message().map(|r| r.id.0), Some(t));

    let stored = tg.message(chat, sent.id.0).expect("stored");
    assert_eq!(
        stored.buttons(),
        vec![
            ("Close".to_owned(), "close:1".to_owned()),
            ("Assign".to_owned(), "assign:1".to_owned())
        ]
    );
    assert_eq!(FakeTelegram::button_data(&stored).len(), 2);
    assert_eq!(tg.bot_messages_in(chat, Some(t)).len(), 1);
    assert_eq!(
        tg.last_bot_message_to(chat).map(|m| m.text),
        Some("New ticket".to_owned())
    );

    // Same text, same keyboard: "message is not modified".
    let err = bot
        .edit_message_text(ChatId(chat), sent.id, "New ticket")
        .reply_markup(keyboard.clone())
        .await
        .expect_err("identical edit must fail");
    assert!(
        matches!(err, RequestError::Api(ApiError::MessageNotModified)),
        "{err:?}"
    );

    // Same text without keyboard is a modification (it removes the keyboard).
    let edited = bot
        .edit_message_text(ChatId(chat), sent.id, "New ticket")
        .await
        .expect("removing the keyboard is a change");
    assert!(edited.reply_markup().is_none());
    assert!(edited.edit_date().is_some());

    let edited = bot
        .edit_message_text(ChatId(chat), sent.id, "Ticket *closed*")
        .parse_mode(ParseMode::MarkdownV2)
        .reply_markup(kb(&[&[("Reopen", "reopen:1")]]))
        .await
        .expect("edit");
    assert_eq!(edited.text(), Some("Ticket closed"));
    let stored = tg.message(chat, sent.id.0).expect("stored");
    assert_eq!(stored.text, "Ticket closed");
    assert_eq!(stored.sent_text.as_deref(), Some("Ticket *closed*"));
    assert_eq!(stored.edits, vec!["New ticket", "New ticket"]);
    assert_eq!(stored.entities.len(), 1);

    let err = bot
        .edit_message_reply_markup(ChatId(chat), sent.id)
        .reply_markup(kb(&[&[("Reopen", "reopen:1")]]))
        .await
        .expect_err("same markup");
    assert!(matches!(
        err,
        RequestError::Api(ApiError::MessageNotModified)
    ));
    bot.edit_message_reply_markup(ChatId(chat), sent.id)
        .await
        .expect("remove markup");
    assert!(tg
        .message(chat, sent.id.0)
        .is_some_and(|m| m.reply_markup.is_none()));

    let err = bot
        .edit_message_text(ChatId(chat), MessageId(99_999), "x")
        .await
        .expect_err("unknown message");
    assert!(matches!(
        err,
        RequestError::Api(ApiError::MessageToEditNotFound)
    ));

    // Users' messages cannot be edited by the bot.
    let users_msg = tg.group_text(chat, Some(t), &alice, "mine");
    let err = bot
        .edit_message_text(ChatId(chat), MessageId(users_msg), "x")
        .await
        .expect_err("foreign message");
    assert!(matches!(
        err,
        RequestError::Api(ApiError::MessageCantBeEdited)
    ));

    // Replying to a message in a topic lands in that topic.
    let reply = bot
        .send_message(ChatId(chat), "answer")
        .reply_parameters(ReplyParameters::new(MessageId(users_msg)))
        .await
        .expect("reply");
    assert_eq!(reply.thread_id, Some(thread(t)));
    assert_eq!(reply.reply_to_message().map(|m| m.id.0), Some(users_msg));

    // Oversized callback data is rejected like Telegram does.
    let long = "x".repeat(65);
    let err = bot
        .send_message(ChatId(chat), "x")
        .reply_markup(kb(&[&[("b", long.as_str())]]))
        .await
        .expect_err("callback data > 64 bytes");
    assert!(matches!(
        err,
        RequestError::Api(ApiError::ButtonDataInvalid)
    ));
}

#[tokio::test]
async fn callback_query_roundtrip() {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let carol = tg.add_user("Carol", Some("carol"));
    tg.start_bot(&carol);
    let sent = bot
        .send_message(ChatId(carol.id), "Rate us")
        .reply_markup(kb(&[&[("👍", "rate:5"), ("👎", "rate:1")]]))
        .await
        .expect("send");
    let qid = tg.press_button_text(&carol, carol.id, sent.id.0, "👍");
    let updates = drain(&bot).await;
    assert_eq!(updates.len(), 1);
    let UpdateKind::CallbackQuery(q) = &updates[0].kind else {
        panic!("expected callback_query, got {:?}", updates[0].kind);
    };
    assert_eq!(q.id.0, qid);
    assert_eq!(q.data.as_deref(), Some("rate:5"));
    assert_eq!(q.from.id.0, carol.id as u64);
    let msg = q.regular_message().expect("accessible message");
    assert_eq!(msg.id, sent.id);
    assert_eq!(msg.text(), Some("Rate us"));
    assert!(msg.reply_markup().is_some());
    assert!(!q.chat_instance.is_empty());

    assert_eq!(tg.callback_answer(&qid), None);
    bot.answer_callback_query(q.id.clone())
        .text("Thanks!")
        .show_alert(true)
        .await
        .expect("answer");
    assert_eq!(
        tg.callback_answer(&qid),
        Some((Some("Thanks!".to_owned()), true))
    );
    let err = bot
        .answer_callback_query(q.id.clone())
        .await
        .expect_err("second answer");
    assert!(matches!(err, RequestError::Api(ApiError::InvalidQueryId)));

    // A button on a deleted message yields an inaccessible message.
    bot.delete_message(ChatId(carol.id), sent.id)
        .await
        .expect("delete");
    assert!(tg.message(carol.id, sent.id.0).is_some_and(|m| m.deleted));
    assert!(tg.messages_in(carol.id, None).is_empty());
    tg.press_button(&carol, carol.id, sent.id.0, "rate:1");
    let updates = drain(&bot).await;
    let UpdateKind::CallbackQuery(q) = &updates[1].kind else {
        panic!("expected callback_query");
    };
    assert!(q.regular_message().is_none());
    assert_eq!(q.message.as_ref().map(|m| m.id()), Some(sent.id));
}

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
async fn parse_mode_validation() {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let erin = tg.add_user("Erin", None);
    tg.start_bot(&erin);
    let chat = ChatId(erin.id);

    let err = bot
        .send_message(chat, "Hello.")
        .parse_mode(ParseMode::MarkdownV2)
        .await
        .expect_err("unescaped dot");
    match &err {
        RequestError::Api(ApiError::CantParseEntities(d)) => assert_eq!(
            d,
            "Bad Request: can't parse entities: Character '.' is reserved and must be escaped \
             with the preceding '\\'"
        ),
        other => panic!("unexpected {other:?}"),
    }
    let ok = bot
        .send_message(chat, "Hello\\. *bold* [link](https://example.com)")
        .parse_mode(ParseMode::MarkdownV2)
        .await
        .expect("escaped");
    assert_eq!(ok.text(), Some("Hello. bold link"));
    let kinds: Vec<_> = ok
        .entities()
        .unwrap_or_default()
        .iter()
        .map(|e| e.kind.clone())
        .collect();
    assert_eq!(kinds.len(), 2);
    assert_eq!(kinds[0], MessageEntityKind::Bold);

    let err = bot
        .send_message(chat, "a < b")
        .parse_mode(ParseMode::Html)
        .await
        .expect_err("bare <");
    assert!(matches!(
        err,
        RequestError::Api(ApiError::CantParseEntities(_))
    ));
    let err = bot
        .send_message(chat, "<b>unclosed")
        .parse_mode(ParseMode::Html)
        .await
        .expect_err("unclosed tag");
    assert!(matches!(
        err,
        RequestError::Api(ApiError::CantParseEntities(_))
    ));
    let ok = bot
        .send_message(chat, "<b>x</b> &amp; <i>y</i> &lt;3 <code>z</code>")
        .parse_mode(ParseMode::Html)
        .await
        .expect("valid html");
    assert_eq!(ok.text(), Some("x & y <3 z"));

    let err = bot
        .edit_message_text(chat, ok.id, "bad!")
        .parse_mode(ParseMode::MarkdownV2)
        .await
        .expect_err("edit is validated too");
    assert!(matches!(
        err,
        RequestError::Api(ApiError::CantParseEntities(_))
    ));

    let err = bot
        .send_message(chat, "x".repeat(4097))
        .await
        .expect_err("too long");
    assert!(matches!(err, RequestError::Api(ApiError::MessageIsTooLong)));
    let err = bot.send_message(chat, " ").await.expect_err("empty");
    assert!(matches!(
        err,
        RequestError::Api(ApiError::MessageTextIsEmpty)
    ));
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
    tg.fail_next(
        "getChat",
        1,
        Fault::Custom {
            code: 400,
            description: "Bad Request: group is deactivated".into(),
        },
    );
    let err = bot.get_chat(ChatId(chat)).await.expect_err("custom");
    assert!(matches!(err, RequestError::Api(ApiError::GroupDeactivated)));
    tg.fail_next("getChat", 5, Fault::ChatNotFound);
    tg.clear_faults();
    bot.get_chat(ChatId(chat)).await.expect("faults cleared");
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

    // Form-encoded and lower-case method names work too.
    let frank = tg.add_user("Frank", None);
    tg.start_bot(&frank);
    let resp = http
        .post(url("sendmessage"))
        .form(&[
            ("chat_id", frank.id.to_string()),
            ("text", "123".to_owned()),
        ])
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
async fn chat_member_chat_and_admins() {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let chat = tg.add_forum_group("Helpdesk");
    let boss = tg.add_user("Boss", Some("boss"));
    tg.set_creator(chat, &boss);

    let me = bot
        .get_chat_member(ChatId(chat), UserId(BOT_ID as u64))
        .await
        .expect("getChatMember");
    assert!(matches!(me.kind, ChatMemberKind::Member(_)), "{me:?}");

    tg.set_bot_rights(
        chat,
        BotRights {
            is_admin: true,
            can_manage_topics: true,
            can_delete_messages: false,
            can_pin_messages: true,
        },
    );
    let me = bot
        .get_chat_member(ChatId(chat), UserId(BOT_ID as u64))
        .await
        .expect("getChatMember");
    let ChatMemberKind::Administrator(admin) = &me.kind else {
        panic!("expected administrator, got {me:?}");
    };
    assert!(admin.can_manage_topics);
    assert!(admin.can_pin_messages);
    assert!(!admin.can_delete_messages);
    assert!(me.user.is_bot);

    let owner = bot
        .get_chat_member(ChatId(chat), UserId(boss.id as u64))
        .await
        .expect("creator");
    assert!(owner.is_owner());

    let full = bot.get_chat(ChatId(chat)).await.expect("getChat");
    assert!(full.is_supergroup());
    assert_eq!(full.title(), Some("Helpdesk"));
    let is_forum = match &full.kind {
        ChatFullInfoKind::Public(public) => matches!(
            &public.kind,
            ChatFullInfoPublicKind::Supergroup(sg) if sg.is_forum
        ),
        ChatFullInfoKind::Private(_) => false,
    };
    assert!(is_forum);

    let admins = bot
        .get_chat_administrators(ChatId(chat))
        .await
        .expect("admins");
    assert_eq!(admins.len(), 2);

    let private = bot
        .get_chat(ChatId(boss.id))
        .await
        .expect("private getChat");
    assert!(private.is_private());

    tg.kick_bot(chat);
    let err = bot
        .send_message(ChatId(chat), "x")
        .await
        .expect_err("kicked");
    assert!(matches!(
        err,
        RequestError::Api(ApiError::BotKickedFromSupergroup)
    ));
    let me = bot
        .get_chat_member(ChatId(chat), UserId(BOT_ID as u64))
        .await
        .expect("status of a kicked bot");
    assert!(me.is_banned());
}

#[tokio::test]
async fn forum_topic_management() {
    let (tg, bot, chat, alice) = forum_setup().await;
    let mut offset = 0;
    let topic = bot
        .create_forum_topic(ChatId(chat), "Alice #1")
        .await
        .expect("createForumTopic");
    let t = topic.thread_id.0 .0;
    assert_eq!(topic.name, "Alice #1");
    let stored = tg.topic(chat, t).expect("stored topic");
    assert_eq!(stored.created_by, BOT_ID);
    assert_eq!(
        tg.topic_by_name(chat, "Alice #1").map(|t| t.thread_id),
        Some(t)
    );
    // The bot's own service message is delivered as an update (from = the bot).
    let updates = take(&bot, &mut offset).await;
    let created = only_message(&updates);
    assert!(created.forum_topic_created().is_some());
    assert_eq!(created.from.as_ref().map(|u| u.id.0), Some(BOT_ID as u64));
    assert_eq!(created.thread_id, Some(thread(t)));

    bot.edit_forum_topic(ChatId(chat), thread(t))
        .name("Alice #1 (urgent)")
        .await
        .expect("edit");
    assert_eq!(
        tg.topic(chat, t).map(|t| t.name),
        Some("Alice #1 (urgent)".into())
    );
    let err = bot
        .edit_forum_topic(ChatId(chat), thread(t))
        .name("Alice #1 (urgent)")
        .await
        .expect_err("same name");
    assert!(
        matches!(&err, RequestError::Api(ApiError::Unknown(d)) if d == "Bad Request: TOPIC_NOT_MODIFIED")
    );

    bot.close_forum_topic(ChatId(chat), thread(t))
        .await
        .expect("close");
    assert!(tg.topic(chat, t).is_some_and(|t| t.closed));
    let err = bot
        .close_forum_topic(ChatId(chat), thread(t))
        .await
        .expect_err("already closed");
    assert!(
        matches!(&err, RequestError::Api(ApiError::Unknown(d)) if d == "Bad Request: TOPIC_NOT_MODIFIED")
    );
    bot.reopen_forum_topic(ChatId(chat), thread(t))
        .await
        .expect("reopen");
    let err = bot
        .reopen_forum_topic(ChatId(chat), thread(t))
        .await
        .expect_err("already open");
    assert!(
        matches!(&err, RequestError::Api(ApiError::Unknown(d)) if d == "Bad Request: TOPIC_NOT_MODIFIED")
    );

    let updates = take(&bot, &mut offset).await;
    let kinds: Vec<&str> = updates
        .iter()
        .map(|u| match &u.kind {
            UpdateKind::Message(m) if m.forum_topic_edited().is_some() => "edited",
            UpdateKind::Message(m) if m.forum_topic_closed().is_some() => "closed",
            UpdateKind::Message(m) if m.forum_topic_reopened().is_some() => "reopened",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["edited", "closed", "reopened"]);
    assert!(updates.iter().all(|u| matches!(&u.kind,
        UpdateKind::Message(m) if m.from.as_ref().is_some_and(|f| f.id.0 == BOT_ID as u64))));

    // Without can_manage_topics the bot may still manage the topics it created, but not others.
    tg.set_bot_rights(chat, BotRights::none());
    bot.close_forum_topic(ChatId(chat), thread(t))
        .await
        .expect("own topic");
    let users_topic = tg.create_topic(chat, &alice, "Alice's own");
    let err = bot
        .close_forum_topic(ChatId(chat), thread(users_topic))
        .await
        .expect_err("no rights");
    assert!(
        matches!(&err, RequestError::Api(ApiError::Unknown(d)) if d.contains("not enough rights"))
    );
    let err = bot
        .create_forum_topic(ChatId(chat), "x")
        .await
        .expect_err("no rights");
    assert!(
        matches!(&err, RequestError::Api(ApiError::Unknown(d)) if d.contains("not enough rights"))
    );

    // A closed topic rejects the bot's messages unless it can manage topics.
    let err = bot
        .send_message(ChatId(chat), "x")
        .message_thread_id(thread(t))
        .await
        .expect_err("closed topic");
    assert!(
        matches!(&err, RequestError::Api(ApiError::Unknown(d)) if d == "Bad Request: TOPIC_CLOSED")
    );

    tg.set_bot_rights(chat, BotRights::full());
    bot.delete_forum_topic(ChatId(chat), thread(t))
        .await
        .expect("delete topic");
    assert!(tg.topic(chat, t).is_some_and(|t| t.deleted));
}

#[tokio::test]
async fn pinning() {
    let (tg, bot, chat, _alice) = forum_setup().await;
    tg.set_bot_rights(
        chat,
        BotRights {
            can_pin_messages: false,
            ..BotRights::full()
        },
    );
    let sent = bot
        .send_message(ChatId(chat), "pin me")
        .await
        .expect("send");
    let err = bot
        .pin_chat_message(ChatId(chat), sent.id)
        .await
        .expect_err("no pin right");
    assert!(matches!(
        err,
        RequestError::Api(ApiError::NotEnoughRightsToManagePins)
    ));
    tg.set_bot_rights(chat, BotRights::full());
    bot.pin_chat_message(ChatId(chat), sent.id)
        .await
        .expect("pin");
    assert!(tg.message(chat, sent.id.0).is_some_and(|m| m.pinned));
    assert_eq!(tg.pinned_messages(chat), vec![sent.id.0]);
    let updates = drain(&bot).await;
    let pinned = only_message(&updates)
        .pinned_message()
        .expect("pinned_message");
    assert_eq!(pinned.id(), sent.id);
    let full = bot.get_chat(ChatId(chat)).await.expect("getChat");
    assert_eq!(full.pinned_message.as_ref().map(|m| m.id), Some(sent.id));
    // The bot's service message is not something it "said".
    assert_eq!(tg.bot_messages_in(chat, None).len(), 1);
    assert_eq!(tg.messages_in(chat, None).len(), 2);

    bot.unpin_chat_message(ChatId(chat))
        .message_id(sent.id)
        .await
        .expect("unpin");
    assert!(tg.pinned_messages(chat).is_empty());
}

#[tokio::test]
async fn commands_per_scope() {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let chat = tg.add_forum_group("Agents");
    bot.set_my_commands([
        BotCommand::new("start", "Start"),
        BotCommand::new("help", "Help"),
    ])
    .await
    .expect("default scope");
    bot.set_my_commands([BotCommand::new("close", "Close the ticket")])
        .scope(BotCommandScope::AllGroupChats)
        .await
        .expect("group scope");
    bot.set_my_commands([BotCommand::new("stats", "Stats")])
        .scope(BotCommandScope::Chat {
            chat_id: Recipient::Id(ChatId(chat)),
        })
        .language_code("de")
        .await
        .expect("chat scope");
    assert_eq!(tg.commands("default"), vec!["start", "help"]);
    assert_eq!(tg.commands("all_group_chats"), vec!["close"]);
    assert!(
        tg.commands("chat").is_empty(),
        "only set with a language code"
    );
    assert_eq!(
        tg.command_set(&json!({"type": "chat", "chat_id": chat}), Some("de")),
        Some(vec![("stats".to_owned(), "Stats".to_owned())])
    );
    let got = bot
        .get_my_commands()
        .scope(BotCommandScope::AllGroupChats)
        .await
        .expect("getMyCommands");
    assert_eq!(got, vec![BotCommand::new("close", "Close the ticket")]);
    bot.delete_my_commands()
        .scope(BotCommandScope::AllGroupChats)
        .await
        .expect("delete");
    assert!(tg.commands("all_group_chats").is_empty());
    let err = bot
        .set_my_commands([BotCommand::new("Bad-Name", "x")])
        .await
        .expect_err("invalid command");
    assert!(
        matches!(&err, RequestError::Api(ApiError::Unknown(d)) if d == "Bad Request: BOT_COMMAND_INVALID")
    );
    assert_eq!(tg.command_scopes().len(), 2);
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
    // limit
    let one = bot.get_updates().limit(1).timeout(0).await.expect("limit");
    assert_eq!(one.len(), 1);

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
    assert_eq!(
        tg.times_delivered(first),
        4,
        "2 drains + limit 1 + redelivery"
    );

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

    // Negative offset (teloxide's drop_pending_updates) keeps only the last update.
    tg.private_text(&gina, "four");
    tg.inject_raw(json!({"x": 1}));
    bot.get_updates()
        .offset(-1)
        .timeout(0)
        .await
        .expect("negative offset");
    assert_eq!(tg.pending_update_ids().len(), 1);
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

#[tokio::test]
async fn documents_photos_and_copies() {
    let (tg, bot, chat, alice) = forum_setup().await;
    let t = tg.create_topic(chat, &alice, "Files");
    let doc = bot
        .send_document(
            ChatId(chat),
            InputFile::memory(b"hello world".to_vec()).file_name("report.txt"),
        )
        .caption("the <b>report</b>")
        .parse_mode(ParseMode::Html)
        .message_thread_id(thread(t))
        .reply_markup(kb(&[&[("Ack", "ack")]]))
        .await
        .expect("sendDocument");
    let d = doc.document().expect("document");
    assert_eq!(d.file_name.as_deref(), Some("report.txt"));
    assert_eq!(d.file.size, 11);
    assert_eq!(doc.caption(), Some("the report"));
    assert_eq!(doc.thread_id, Some(thread(t)));
    let params = tg.last_request("sendDocument").expect("logged");
    assert_eq!(params["document"]["file_name"], json!("report.txt"));
    assert_eq!(params["chat_id"], json!(chat));
    assert_eq!(
        params["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        json!("ack")
    );
    let stored = tg.message(chat, doc.id.0).expect("stored");
    assert_eq!(stored.media.as_deref(), Some("document"));
    assert_eq!(stored.text, "the report");

    let recaptioned = bot
        .edit_message_caption(ChatId(chat), doc.id)
        .caption("final report")
        .await
        .expect("editMessageCaption");
    assert_eq!(recaptioned.caption(), Some("final report"));
    assert_eq!(
        tg.message(chat, doc.id.0).map(|m| m.edits),
        Some(vec!["the report".to_owned()])
    );
    bot.set_message_reaction(ChatId(chat), doc.id)
        .await
        .expect("setMessageReaction");

    let photo = bot
        .send_photo(
            ChatId(chat),
            InputFile::memory(vec![0u8; 100]).file_name("p.jpg"),
        )
        .await
        .expect("sendPhoto");
    assert!(photo.photo().is_some());

    // copyMessage: a user's private message relayed into a topic.
    tg.start_bot(&alice);
    let src = tg.private_text(&alice, "please help");
    let copied = bot
        .copy_message(ChatId(chat), ChatId(alice.id), MessageId(src))
        .message_thread_id(thread(t))
        .await
        .expect("copyMessage");
    let copy = tg.message(chat, copied.0).expect("copy stored");
    assert_eq!(copy.text, "please help");
    assert_eq!(copy.thread, Some(t));
    assert!(copy.is_from_bot());
    let err = bot
        .copy_message(ChatId(chat), ChatId(alice.id), MessageId(9_999))
        .await
        .expect_err("missing source");
    assert!(matches!(
        err,
        RequestError::Api(ApiError::MessageToCopyNotFound)
    ));
}

#[tokio::test]
async fn invoices_and_payments() {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let hank = tg.add_user("Hank", None);
    tg.start_bot(&hank);
    let inv = bot
        .send_invoice(
            ChatId(hank.id),
            "Priority support",
            "One month",
            "sub:1",
            "XTR",
            [LabeledPrice::new("Month", 250)],
        )
        .await
        .expect("sendInvoice");
    let invoice = inv.invoice().expect("invoice");
    assert_eq!(invoice.total_amount, 250);
    assert_eq!(invoice.currency, "XTR");

    let qid = tg.pre_checkout(&hank, "XTR", 250, "sub:1");
    let paid = tg.successful_payment(&hank, "XTR", 250, "sub:1");
    let updates = drain(&bot).await;
    assert_eq!(updates.len(), 2);
    let UpdateKind::PreCheckoutQuery(q) = &updates[0].kind else {
        panic!("expected pre_checkout_query, got {:?}", updates[0].kind);
    };
    assert_eq!(q.invoice_payload, "sub:1");
    assert_eq!(q.total_amount, 250);
    let UpdateKind::Message(m) = &updates[1].kind else {
        panic!("expected message");
    };
    assert_eq!(m.id.0, paid);
    assert!(matches!(m.kind, MessageKind::SuccessfulPayment(_)));
    assert_eq!(
        m.successful_payment().map(|p| p.invoice_payload.as_str()),
        Some("sub:1")
    );

    bot.answer_pre_checkout_query(PreCheckoutQueryId(qid.clone()), true)
        .await
        .expect("answer");
    assert_eq!(tg.pre_checkout_answer(&qid), Some((true, None)));
}

#[tokio::test]
async fn wait_helpers() {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let ivy = tg.add_user("Ivy", None);
    tg.start_bot(&ivy);
    let bot2 = bot.clone();
    let id = ivy.id;
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let _ = bot2.send_message(ChatId(id), "delayed").await;
    });
    let msg = tg
        .wait_for(T, "the delayed message", |tg| tg.last_bot_message_to(id))
        .await;
    assert_eq!(msg.text, "delayed");
    tg.wait_until(T, "one sendMessage", |tg| {
        tg.request_count("sendMessage") == 1
    })
    .await;
}

#[tokio::test]
#[should_panic(expected = "waiting for: something that never happens")]
async fn wait_until_panics_with_description() {
    let tg = FakeTelegram::start().await;
    tg.wait_until(
        Duration::from_millis(60),
        "something that never happens",
        |_| false,
    )
    .await;
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
