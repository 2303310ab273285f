//! What tests read back about chats: messages by thread or id (deleted ones too), what the bot
//! said, pins, and topics by id or name.

use super::json::{fake_message, fake_topic};
use super::model::{FakeMessage, FakeTopic};
use super::FakeTelegram;

impl FakeTelegram {
    /// Non-deleted messages (service messages included) of one thread, in order.
    /// `thread: None` = General topic or private chat.
    pub fn messages_in(&self, chat: i64, thread: Option<i32>) -> Vec<FakeMessage> {
        let thread = thread.filter(|t| *t != 1);
        let w = self.world();
        let Some(c) = w.chats.get(&chat) else {
            return Vec::new();
        };
        c.messages
            .values()
            .filter(|m| !m.deleted && m.thread == thread)
            .map(fake_message)
            .collect()
    }

    /// Like [`messages_in`](Self::messages_in) but only what the bot *said*: bot messages that
    /// are not service messages.
    pub fn bot_messages_in(&self, chat: i64, thread: Option<i32>) -> Vec<FakeMessage> {
        self.messages_in(chat, thread)
            .into_iter()
            .filter(|m| m.is_from_bot() && !m.is_service())
            .collect()
    }

    /// Every non-deleted message of a chat, all threads, in order.
    pub fn all_messages(&self, chat: i64) -> Vec<FakeMessage> {
        let w = self.world();
        let Some(c) = w.chats.get(&chat) else {
            return Vec::new();
        };
        c.messages
            .values()
            .filter(|m| !m.deleted)
            .map(fake_message)
            .collect()
    }

    /// A message by id, *including* deleted ones (check [`FakeMessage::deleted`]).
    pub fn message(&self, chat: i64, id: i32) -> Option<FakeMessage> {
        let w = self.world();
        let c = w.chats.get(&chat)?;
        c.messages.get(&id).map(fake_message)
    }

    /// The latest non-deleted, non-service message the bot sent to `chat` (any thread).
    pub fn last_bot_message_to(&self, chat: i64) -> Option<FakeMessage> {
        self.all_messages(chat)
            .into_iter()
            .rev()
            .find(|m| m.is_from_bot() && !m.is_service())
    }

    /// Ids of currently pinned messages, in pin order.
    pub fn pinned_messages(&self, chat: i64) -> Vec<i32> {
        let w = self.world();
        let Some(c) = w.chats.get(&chat) else {
            return Vec::new();
        };
        let mut pinned: Vec<(u64, i32)> = c
            .messages
            .values()
            .filter(|m| !m.deleted)
            .filter_map(|m| m.pinned_at.map(|at| (at, m.id)))
            .collect();
        pinned.sort_unstable();
        pinned.into_iter().map(|(_, id)| id).collect()
    }

    pub fn topic(&self, chat: i64, thread: i32) -> Option<FakeTopic> {
        let w = self.world();
        let t = w.chats.get(&chat)?.topics.get(&thread)?;
        Some(fake_topic(chat, thread, t))
    }

    /// All topics of a chat (deleted ones included), by thread id.
    pub fn topics(&self, chat: i64) -> Vec<FakeTopic> {
        let w = self.world();
        let Some(c) = w.chats.get(&chat) else {
            return Vec::new();
        };
        c.topics
            .iter()
            .map(|(id, t)| fake_topic(chat, *id, t))
            .collect()
    }

    /// The most recent non-deleted topic with this exact name.
    pub fn topic_by_name(&self, chat: i64, name: &str) -> Option<FakeTopic> {
        self.topics(chat)
            .into_iter()
            .rev()
            .find(|t| !t.deleted && t.name == name)
    }

    /// `(text, callback_data)` of the message's callback buttons.
    pub fn button_data(msg: &FakeMessage) -> Vec<(String, String)> {
        msg.buttons()
    }
}
