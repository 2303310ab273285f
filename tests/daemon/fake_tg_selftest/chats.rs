//! Groups: the members `getChatMember` reports (the bot kicked too), forum topic management, and
//! commands per scope.

use serde_json::json;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, ChatMemberKind, Recipient, UpdateKind};
use teloxide::{ApiError, RequestError};

use super::{forum_setup, take, thread};
use crate::fake_tg::{BotRights, FakeTelegram, BOT_ID};

#[tokio::test]
async fn chat_member_statuses() {
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

    let helper = tg.add_user("Helper", None);
    tg.add_admin(chat, &helper);
    let member = bot
        .get_chat_member(ChatId(chat), UserId(helper.id as u64))
        .await
        .expect("administrator");
    assert!(member.is_administrator());
    let stranger = bot
        .get_chat_member(ChatId(chat), UserId(1))
        .await
        .expect_err("unknown user");
    assert!(matches!(
        stranger,
        RequestError::Api(ApiError::UserNotFound)
    ));

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
    let t = tg.create_topic(chat, &alice, "Alice #1");
    assert_eq!(tg.topic(chat, t).map(|t| t.created_by), Some(alice.id));
    assert_eq!(
        tg.topic_by_name(chat, "Alice #1").map(|t| t.thread_id),
        Some(t)
    );
    take(&bot, &mut offset).await;

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

    // The bot's own service messages are delivered as updates (from = the bot).
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
        UpdateKind::Message(m) if m.from.as_ref().is_some_and(|f| f.id.0 == BOT_ID as u64)
            && m.thread_id == Some(thread(t)))));

    // Without can_manage_topics the bot may not manage topics.
    tg.close_topic_by(chat, t, &alice);
    tg.set_bot_rights(chat, BotRights::none());
    let err = bot
        .reopen_forum_topic(ChatId(chat), thread(t))
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
    bot.send_message(ChatId(chat), "x")
        .message_thread_id(thread(t))
        .await
        .expect("a topic manager may write into a closed topic");
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
        .scope(BotCommandScope::AllChatAdministrators)
        .await
        .expect("administrators' scope");
    bot.set_my_commands([BotCommand::new("stats", "Stats")])
        .scope(BotCommandScope::Chat {
            chat_id: Recipient::Id(ChatId(chat)),
        })
        .await
        .expect("chat scope");
    assert_eq!(tg.commands("default"), vec!["start", "help"]);
    assert_eq!(tg.commands("all_chat_administrators"), vec!["close"]);
    assert_eq!(tg.commands("chat"), vec!["stats"]);
    assert_eq!(
        tg.command_set(&json!({"type": "chat", "chat_id": chat})),
        Some(vec![("stats".to_owned(), "Stats".to_owned())])
    );
    assert_eq!(tg.command_scopes().len(), 3);

    // Setting a scope again replaces its menu; an empty list removes it.
    bot.set_my_commands([BotCommand::new("help", "Help")])
        .await
        .expect("default scope again");
    assert_eq!(tg.commands("default"), vec!["help"]);
    bot.set_my_commands(Vec::<BotCommand>::new())
        .scope(BotCommandScope::AllChatAdministrators)
        .await
        .expect("empty list");
    assert!(tg.commands("all_chat_administrators").is_empty());
    assert_eq!(tg.command_scopes().len(), 2);

    let err = bot
        .set_my_commands([BotCommand::new("Bad-Name", "x")])
        .await
        .expect_err("invalid command");
    assert!(
        matches!(&err, RequestError::Api(ApiError::Unknown(d)) if d == "Bad Request: BOT_COMMAND_INVALID")
    );
    assert_eq!(
        tg.commands("default"),
        vec!["help"],
        "a refused set changes nothing"
    );
}
