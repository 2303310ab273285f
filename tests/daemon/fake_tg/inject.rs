//! What users do in Telegram, delivered to the bot as updates: private and group messages,
//! media, topics created, closed, reopened or renamed by hand, and edits. Button presses and
//! payments are in `callbacks`; raw updates and redelivery in `updates`.

use serde_json::{json, Map, Value};

use super::json::{fake_document, fake_photo_sizes};
use super::model::FakeUser;
use super::render::plain_render;
use super::state::{now, MsgRec, World};
use super::FakeTelegram;

impl FakeTelegram {
    /// A user writes to the bot in private. Marks them as having started the bot (and
    /// unblocks it). Returns the message id.
    pub fn private_text(&self, user: &FakeUser, text: &str) -> i32 {
        self.mutate(|w| {
            let u = w.user_mut(user.id);
            u.started = true;
            u.blocked = false;
            w.inject_text(user.id, None, user.id, text)
        })
    }

    /// A user writes in a group; `thread: None` (or `Some(1)`) is the General topic.
    /// Messages in a topic carry `message_thread_id`, `is_topic_message: true` and a
    /// `reply_to_message` pointing at the topic's creation message, like Telegram.
    pub fn group_text(&self, chat: i64, thread: Option<i32>, user: &FakeUser, text: &str) -> i32 {
        let thread = thread.filter(|t| *t != 1);
        self.mutate(|w| w.inject_text(chat, thread, user.id, text))
    }

    /// A user replies to a message (`reply_to`, in the same chat) with text; in a private chat
    /// this also marks them as having started the bot.
    pub fn reply_text(
        &self,
        chat: i64,
        thread: Option<i32>,
        user: &FakeUser,
        reply_to: i32,
        text: &str,
    ) -> i32 {
        let thread = thread.filter(|t| *t != 1);
        self.mutate(|w| {
            if chat == user.id {
                let u = w.user_mut(user.id);
                u.started = true;
                u.blocked = false;
            }
            assert!(
                w.chat(chat).live_msg(reply_to).is_some(),
                "fake_tg: no message {reply_to} to reply to in chat {chat}"
            );
            w.check_inject_thread(chat, thread);
            let id = w.alloc_msg_id(chat);
            let mut m = MsgRec::new(id, user.id, thread);
            let r = plain_render(text);
            m.text = Some(r.text);
            m.entities = r.entities;
            m.reply_to = Some(reply_to);
            w.deliver_new(chat, m)
        })
    }

    /// A user sends a photo (with fake file ids) into a group, optionally in a topic.
    pub fn group_photo(
        &self,
        chat: i64,
        thread: Option<i32>,
        user: &FakeUser,
        caption: Option<&str>,
    ) -> i32 {
        let mut content = json!({ "photo": fake_photo_sizes(&format!("g{}", user.id), 23456) });
        if let Some(c) = caption {
            content["caption"] = json!(c);
        }
        self.inject_message(chat, thread, user, content)
    }

    /// A user sends an arbitrary message whose kind-specific fields are given as a JSON object,
    /// e.g. `{"photo": [...], "caption": "hi"}` or `{"sticker": {...}}`. `text`/`caption` are
    /// recognised for [`FakeMessage::text`]; everything else is copied verbatim.
    pub fn inject_message(
        &self,
        chat: i64,
        thread: Option<i32>,
        user: &FakeUser,
        content: Value,
    ) -> i32 {
        let thread = thread.filter(|t| *t != 1);
        self.mutate(|w| {
            if chat == user.id {
                let u = w.user_mut(user.id);
                u.started = true;
                u.blocked = false;
            }
            w.inject_content(chat, thread, user.id, content)
        })
    }

    /// A user sends a photo (with fake file ids) to the bot in private.
    pub fn private_photo(&self, user: &FakeUser, caption: Option<&str>) -> i32 {
        let mut content = json!({ "photo": fake_photo_sizes(&format!("u{}", user.id), 12345) });
        if let Some(c) = caption {
            content["caption"] = json!(c);
        }
        self.inject_message(user.id, None, user, content)
    }

    /// A user sends a document (with a fake file id) to the bot in private.
    pub fn private_document(&self, user: &FakeUser, file_name: &str, caption: Option<&str>) -> i32 {
        let mut content = json!({
            "document": fake_document(&format!("u{}", user.id), Some(file_name), 2048, None)
        });
        if let Some(c) = caption {
            content["caption"] = json!(c);
        }
        self.inject_message(user.id, None, user, content)
    }

    /// A user creates a topic: the topic exists and the `forum_topic_created` service message
    /// (message id == thread id, `is_topic_message: true`) is delivered. Returns the thread id.
    pub fn create_topic(&self, chat: i64, user: &FakeUser, name: &str) -> i32 {
        self.mutate(|w| w.create_topic(chat, user.id, name, true))
    }

    /// Like [`create_topic`](Self::create_topic) but without an update: simulates topics that
    /// existed before the bot joined.
    pub fn create_topic_silently(&self, chat: i64, user: &FakeUser, name: &str) -> i32 {
        self.mutate(|w| w.create_topic(chat, user.id, name, false))
    }

    /// A user closes a topic; delivers `forum_topic_closed`. Returns the service message id.
    pub fn close_topic_by(&self, chat: i64, thread: i32, user: &FakeUser) -> i32 {
        self.mutate(|w| {
            w.topic_mut(chat, thread).closed = true;
            w.service_message(chat, Some(thread), user.id, "forum_topic_closed", json!({}))
        })
    }

    /// A user reopens a topic; delivers `forum_topic_reopened`. Returns the service message id.
    pub fn reopen_topic_by(&self, chat: i64, thread: i32, user: &FakeUser) -> i32 {
        self.mutate(|w| {
            w.topic_mut(chat, thread).closed = false;
            w.service_message(
                chat,
                Some(thread),
                user.id,
                "forum_topic_reopened",
                json!({}),
            )
        })
    }

    /// A user renames a topic; delivers `forum_topic_edited`. Returns the service message id.
    pub fn rename_topic_by(&self, chat: i64, thread: i32, user: &FakeUser, name: &str) -> i32 {
        self.mutate(|w| {
            w.topic_mut(chat, thread).name = name.to_owned();
            w.service_message(
                chat,
                Some(thread),
                user.id,
                "forum_topic_edited",
                json!({ "name": name }),
            )
        })
    }

    /// A user edits their message; delivers an `edited_message` update (with `edit_date`).
    pub fn edit_text(&self, chat: i64, message_id: i32, user: &FakeUser, new_text: &str) {
        self.mutate(|w| {
            let rendered = plain_render(new_text);
            let m = w.msg_mut(chat, message_id);
            assert_eq!(
                m.from, user.id,
                "fake_tg: users can only edit their own messages"
            );
            m.history.push(m.text.clone().unwrap_or_default());
            m.text = Some(rendered.text);
            m.entities = rendered.entities;
            m.edit_date = Some(now());
            if w.bot_sees(chat) {
                let j = w.msg_json_by_id(chat, message_id, true);
                w.push_update("edited_message", j);
            }
        });
    }
}

impl World {
    /// Stores a user message and delivers it (unless the bot cannot see the chat).
    fn deliver_new(&mut self, chat: i64, m: MsgRec) -> i32 {
        let id = m.id;
        self.insert_msg(chat, m);
        if self.bot_sees(chat) {
            let j = self.msg_json_by_id(chat, id, true);
            self.push_update("message", j);
        }
        id
    }

    fn check_inject_thread(&self, chat: i64, thread: Option<i32>) {
        let c = self.chat(chat);
        if let Some(t) = thread {
            assert!(
                c.live_topic(t).is_some(),
                "fake_tg: no live topic {t} in chat {chat}"
            );
        }
    }

    fn inject_text(&mut self, chat: i64, thread: Option<i32>, from: i64, text: &str) -> i32 {
        self.check_inject_thread(chat, thread);
        let id = self.alloc_msg_id(chat);
        let mut m = MsgRec::new(id, from, thread);
        let r = plain_render(text);
        m.text = Some(r.text);
        m.entities = r.entities;
        self.deliver_new(chat, m)
    }

    fn inject_content(&mut self, chat: i64, thread: Option<i32>, from: i64, content: Value) -> i32 {
        self.check_inject_thread(chat, thread);
        let id = self.alloc_msg_id(chat);
        let mut m = MsgRec::new(id, from, thread);
        let mut content = match content {
            Value::Object(o) => o,
            other => {
                let mut o = Map::new();
                o.insert("garbage".to_owned(), other);
                o
            }
        };
        if let Some(Value::String(t)) = content.remove("text") {
            let r = plain_render(&t);
            m.text = Some(r.text);
            m.entities = match content.remove("entities") {
                Some(Value::Array(e)) => e,
                _ => r.entities,
            };
        } else if let Some(Value::String(c)) = content.remove("caption") {
            m.text = Some(c);
            m.is_caption = true;
            if let Some(Value::Array(e)) = content.remove("caption_entities") {
                m.entities = e;
            }
        }
        m.media = content.keys().next().cloned();
        m.content = content;
        self.deliver_new(chat, m)
    }
}
