//! Sending and editing: threads, keyboards and edits, `parse_mode` validation, and pins.

use teloxide::prelude::*;
use teloxide::types::{MessageEntityKind, MessageId, ParseMode, ReplyParameters};
use teloxide::{ApiError, RequestError};

use super::{drain, forum_setup, kb, only_message, thread};
use crate::fake_tg::{BotRights, FakeTelegram, BOT_ID};

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
    assert_eq!(stored.thread, Some(t));
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
        .edit_message_text(ChatId(chat), sent.id, "Ticket <b>closed</b>")
        .parse_mode(ParseMode::Html)
        .reply_markup(kb(&[&[("Reopen", "reopen:1")]]))
        .await
        .expect("edit");
    assert_eq!(edited.text(), Some("Ticket closed"));
    let stored = tg.message(chat, sent.id.0).expect("stored");
    assert_eq!(stored.text, "Ticket closed");
    assert_eq!(stored.sent_text.as_deref(), Some("Ticket <b>closed</b>"));
    assert_eq!(stored.edits, vec!["New ticket", "New ticket"]);
    assert_eq!(stored.entities.len(), 1);

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
async fn parse_mode_validation() {
    let tg = FakeTelegram::start().await;
    let bot = tg.bot();
    let erin = tg.add_user("Erin", None);
    tg.start_bot(&erin);
    let chat = ChatId(erin.id);

    let err = bot
        .send_message(chat, "a < b")
        .parse_mode(ParseMode::Html)
        .await
        .expect_err("bare <");
    match &err {
        RequestError::Api(ApiError::CantParseEntities(d)) => {
            assert!(d.starts_with("Bad Request: can't parse entities: "), "{d}")
        }
        other => panic!("unexpected {other:?}"),
    }
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
        .send_message(
            chat,
            "<b>x</b> &amp; <i>y</i> &lt;3 <a href=\"https://example.com\">z</a>",
        )
        .parse_mode(ParseMode::Html)
        .await
        .expect("valid html");
    assert_eq!(ok.text(), Some("x & y <3 z"));
    let kinds: Vec<_> = ok
        .entities()
        .unwrap_or_default()
        .iter()
        .map(|e| e.kind.clone())
        .collect();
    assert_eq!(kinds.len(), 3);
    assert_eq!(kinds[0], MessageEntityKind::Bold);

    let err = bot
        .edit_message_text(chat, ok.id, "fish & chips")
        .parse_mode(ParseMode::Html)
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
    // The bot's service message is not something it "said".
    assert_eq!(tg.bot_messages_in(chat, None).len(), 1);
    assert_eq!(tg.messages_in(chat, None).len(), 2);
}
