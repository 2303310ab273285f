//! How stored records look on the wire (the Bot API JSON of users, chats, messages and the bot
//! itself, shaped so that teloxide deserializes them) and to the tests (`FakeMessage`,
//! `FakeTopic` snapshots), plus the fake file ids of photos and documents.

use serde_json::{json, Map, Value};

use super::model::{FakeMessage, FakeTopic};
use super::params::inline_markup;
use super::state::{ChatKind, ChatRec, MsgRec, TopicRec, World};
use super::{BOT_FIRST_NAME, BOT_ID, BOT_USERNAME};

impl World {
    pub(super) fn user_json(&self, id: i64) -> Value {
        if id == BOT_ID {
            return json!({
                "id": BOT_ID,
                "is_bot": true,
                "first_name": BOT_FIRST_NAME,
                "username": BOT_USERNAME,
            });
        }
        match self.users.get(&id) {
            Some(u) => {
                let mut o = Map::new();
                o.insert("id".to_owned(), json!(u.id));
                o.insert("is_bot".to_owned(), json!(false));
                o.insert("first_name".to_owned(), json!(u.first_name));
                if let Some(n) = &u.username {
                    o.insert("username".to_owned(), json!(n));
                }
                if let Some(l) = &u.language_code {
                    o.insert("language_code".to_owned(), json!(l));
                }
                Value::Object(o)
            }
            None => json!({ "id": id, "is_bot": false, "first_name": "Unknown" }),
        }
    }

    pub(super) fn chat_json(&self, chat: &ChatRec) -> Value {
        match &chat.kind {
            ChatKind::Private => {
                let mut o = Map::new();
                o.insert("id".to_owned(), json!(chat.id));
                o.insert("type".to_owned(), json!("private"));
                if let Some(u) = self.users.get(&chat.id) {
                    o.insert("first_name".to_owned(), json!(u.first_name));
                    if let Some(n) = &u.username {
                        o.insert("username".to_owned(), json!(n));
                    }
                }
                Value::Object(o)
            }
            ChatKind::Supergroup {
                title, is_forum, ..
            } => {
                let mut o = json!({ "id": chat.id, "type": "supergroup", "title": title });
                if *is_forum {
                    o["is_forum"] = json!(true);
                }
                o
            }
        }
    }

    pub(super) fn msg_json(&self, chat: &ChatRec, m: &MsgRec, with_reply: bool) -> Value {
        let mut o = Map::new();
        o.insert("message_id".to_owned(), json!(m.id));
        o.insert("from".to_owned(), self.user_json(m.from));
        o.insert("date".to_owned(), json!(m.date));
        o.insert("chat".to_owned(), self.chat_json(chat));
        if let Some(t) = m.thread {
            o.insert("message_thread_id".to_owned(), json!(t));
            o.insert("is_topic_message".to_owned(), json!(true));
        }
        if with_reply {
            // An explicit reply, or else (inside a topic) the topic's creation message.
            let target = m.reply_to.or(m.thread.filter(|t| *t != m.id));
            if let Some(r) = target.and_then(|r| chat.live_msg(r)) {
                o.insert("reply_to_message".to_owned(), self.msg_json(chat, r, false));
            }
        }
        if let Some(text) = &m.text {
            let (tk, ek) = if m.is_caption {
                ("caption", "caption_entities")
            } else {
                ("text", "entities")
            };
            o.insert(tk.to_owned(), json!(text));
            if !m.entities.is_empty() {
                o.insert(ek.to_owned(), json!(m.entities));
            }
        }
        for (k, v) in &m.content {
            o.insert(k.clone(), v.clone());
        }
        if let Some(d) = m.edit_date {
            o.insert("edit_date".to_owned(), json!(d));
        }
        if let Some(mk) = inline_markup(&m.reply_markup) {
            o.insert("reply_markup".to_owned(), mk);
        }
        Value::Object(o)
    }

    pub(super) fn msg_json_by_id(&self, chat: i64, id: i32, with_reply: bool) -> Value {
        let c = self.chat(chat);
        match c.messages.get(&id) {
            Some(m) => self.msg_json(c, m, with_reply),
            None => Value::Null,
        }
    }

    pub(super) fn me_json() -> Value {
        json!({
            "id": BOT_ID,
            "is_bot": true,
            "first_name": BOT_FIRST_NAME,
            "username": BOT_USERNAME,
            "can_join_groups": true,
            "can_read_all_group_messages": true,
            "supports_inline_queries": false,
            "can_connect_to_business": false,
            "has_main_web_app": false,
        })
    }
}

/// The snapshot tests read of a stored message.
pub(super) fn fake_message(m: &MsgRec) -> FakeMessage {
    FakeMessage {
        id: m.id,
        from_id: m.from,
        thread: m.thread,
        text: m.text.clone().unwrap_or_default(),
        sent_text: m.sent_text.clone(),
        entities: m.entities.clone(),
        reply_markup: m.reply_markup.clone(),
        service: m.service.clone(),
        media: m.media.clone(),
        pinned: m.pinned_at.is_some(),
        deleted: m.deleted,
        edits: m.history.clone(),
        upload: m.upload.clone(),
    }
}

pub(super) fn fake_topic(chat: i64, thread: i32, t: &TopicRec) -> FakeTopic {
    FakeTopic {
        chat_id: chat,
        thread_id: thread,
        name: t.name.clone(),
        icon_color: t.icon_color,
        closed: t.closed,
        deleted: t.deleted,
        created_by: t.created_by,
    }
}

pub(super) fn chat_instance(chat: i64) -> String {
    format!("{}", chat.wrapping_mul(2_654_435_761) ^ 0x5DEE_CE66_D1CE)
}

pub(super) fn fake_photo_sizes(tag: &str, size: u64) -> Value {
    json!([
        {
            "file_id": format!("AgACAgFakePhotoS_{tag}"),
            "file_unique_id": format!("AQADFakeS_{tag}"),
            "file_size": size / 10,
            "width": 90,
            "height": 67,
        },
        {
            "file_id": format!("AgACAgFakePhotoM_{tag}"),
            "file_unique_id": format!("AQADFakeM_{tag}"),
            "file_size": size,
            "width": 800,
            "height": 600,
        }
    ])
}

pub(super) fn fake_document(
    tag: &str,
    file_name: Option<&str>,
    size: u64,
    mime: Option<&str>,
) -> Value {
    let mut d = json!({
        "file_id": format!("BQACAgFakeDoc_{tag}"),
        "file_unique_id": format!("AgADFakeDoc_{tag}"),
        "file_size": size,
    });
    if let Some(n) = file_name {
        d["file_name"] = json!(n);
    }
    if let Some(m) = mime {
        d["mime_type"] = json!(m);
    }
    d
}
