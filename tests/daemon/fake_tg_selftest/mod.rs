//! Proves that a real `teloxide::Bot` can talk to [`FakeTelegram`]: every response the fake
//! produces must deserialize into the teloxide type the daemon will see, and the fake's error
//! responses must surface as the teloxide error variants the daemon is going to match on.
//!
//! This file holds the shared setup; the checks are in `updates`, `messages`, `chats`,
//! `failures`, `callbacks` and `waiting`.

use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, MessageId, ThreadId, Update, UpdateKind,
};

use crate::fake_tg::{BotRights, FakeTelegram, FakeUser};

mod callbacks;
mod chats;
mod failures;
mod messages;
mod updates;
mod waiting;

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
