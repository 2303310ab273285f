//! Forum topics: users create and delete them (injection), the bot renames them with
//! `editForumTopic` and closes and reopens them, when its rights allow.

use serde_json::{json, Value};

use super::http::{bad, ApiErr};
use super::params::{p_i32, p_str};
use super::state::{MsgRec, TopicRec, World};
use super::{FakeTelegram, BOT_ID, TOPIC_COLORS};

const MAX_TOPIC_NAME_LEN: usize = 128;

impl FakeTelegram {
    /// A user deletes a topic in the Telegram app: topic and its messages are gone, the bot gets
    /// no update (Telegram sends none).
    pub fn delete_topic_silently(&self, chat: i64, thread: i32) {
        self.mutate(|w| w.delete_topic(chat, thread));
    }
}

impl World {
    pub(super) fn create_topic(
        &mut self,
        chat: i64,
        creator: i64,
        name: &str,
        deliver: bool,
    ) -> i32 {
        assert!(
            self.chat(chat).is_forum(),
            "fake_tg: chat {chat} is not a forum"
        );
        let id = self.alloc_msg_id(chat);
        let n = self.chat(chat).topics.len();
        let color = TOPIC_COLORS[n % TOPIC_COLORS.len()];
        self.chat_mut(chat).topics.insert(
            id,
            TopicRec {
                name: name.to_owned(),
                icon_color: color,
                closed: false,
                deleted: false,
                created_by: creator,
            },
        );
        let mut m = MsgRec::new(id, creator, Some(id));
        m.service = Some("forum_topic_created".to_owned());
        m.content.insert(
            "forum_topic_created".to_owned(),
            json!({ "name": name, "icon_color": color }),
        );
        self.insert_msg(chat, m);
        if deliver && self.bot_sees(chat) {
            let j = self.msg_json_by_id(chat, id, true);
            self.push_update("message", j);
        }
        id
    }

    fn delete_topic(&mut self, chat: i64, thread: i32) {
        let c = self.chat_mut(chat);
        if let Some(t) = c.topics.get_mut(&thread) {
            t.deleted = true;
        }
        for m in c.messages.values_mut() {
            if m.thread == Some(thread) {
                m.deleted = true;
            }
        }
    }

    fn forum_topic_param(&self, chat: i64, p: &Value) -> Result<i32, ApiErr> {
        if !self.chat(chat).is_forum() {
            return Err(bad("the chat is not a forum"));
        }
        let t = p_i32(p, "message_thread_id").ok_or_else(|| bad("TOPIC_ID_INVALID"))?;
        match self.chat(chat).live_topic(t) {
            Some(_) => Ok(t),
            None => Err(bad("TOPIC_ID_INVALID")),
        }
    }

    /// The bot may edit/close/reopen a topic (all made by users) only with `can_manage_topics`.
    fn check_topic_rights(&self, chat: i64) -> Result<(), ApiErr> {
        if self.rights(chat).manage_topics() {
            Ok(())
        } else {
            Err(bad("not enough rights to manage topics"))
        }
    }

    pub(super) fn edit_forum_topic(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_member(chat)?;
        let thread = self.forum_topic_param(chat, p)?;
        self.check_topic_rights(chat)?;
        // The daemon only renames topics; their icon is left as the user chose it.
        let name = p_str(p, "name");
        if let Some(n) = &name {
            check_topic_name(n)?;
        }
        let t = self.topic_mut(chat, thread);
        let Some(name) = name.filter(|n| *n != t.name) else {
            return Err(bad("TOPIC_NOT_MODIFIED"));
        };
        t.name = name.clone();
        self.service_message(
            chat,
            Some(thread),
            BOT_ID,
            "forum_topic_edited",
            json!({ "name": name }),
        );
        Ok(json!(true))
    }

    pub(super) fn set_topic_closed(&mut self, p: &Value, close: bool) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_member(chat)?;
        let thread = self.forum_topic_param(chat, p)?;
        self.check_topic_rights(chat)?;
        let t = self.topic_mut(chat, thread);
        if t.closed == close {
            return Err(bad("TOPIC_NOT_MODIFIED"));
        }
        t.closed = close;
        let kind = if close {
            "forum_topic_closed"
        } else {
            "forum_topic_reopened"
        };
        self.service_message(chat, Some(thread), BOT_ID, kind, json!({}));
        Ok(json!(true))
    }
}

fn check_topic_name(name: &str) -> Result<(), ApiErr> {
    if name.trim().is_empty() {
        return Err(bad("TOPIC_TITLE_EMPTY"));
    }
    if name.chars().count() > MAX_TOPIC_NAME_LEN {
        return Err(bad("TOPIC_TITLE_TOO_LONG"));
    }
    Ok(())
}
