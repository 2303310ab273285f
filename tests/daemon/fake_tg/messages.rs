//! The message methods the daemon calls: `sendMessage`, `sendDocument`, `editMessageText`,
//! `deleteMessage` and `pinChatMessage`, each with the checks and error texts of the real Bot
//! API.

use serde_json::{json, Value};

use super::http::{bad, forbidden, ApiErr};
use super::json::fake_document;
use super::params::{check_markup, inline_markup, p_json, p_str};
use super::render::render;
use super::state::{now, utf16_len, MsgRec, World};
use super::BOT_ID;

/// Limits enforced like Telegram does (in UTF-16 code units after entity parsing).
const MAX_TEXT_LEN: usize = 4096;
const MAX_CAPTION_LEN: usize = 1024;

impl World {
    pub(super) fn send_message(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_can_send(chat)?;
        let (thread, reply_to) = self.target(chat, p)?;
        let text = p_str(p, "text").ok_or_else(|| bad("message text is empty"))?;
        let parse_mode = p_str(p, "parse_mode").filter(|s| !s.is_empty());
        let r = render(&text, parse_mode.as_deref())?;
        if r.text.trim().is_empty() {
            return Err(bad("message text is empty"));
        }
        if utf16_len(&r.text) > MAX_TEXT_LEN {
            return Err(bad("message is too long"));
        }
        let markup = check_markup(p_json(p, "reply_markup"))?;
        let id = self.alloc_msg_id(chat);
        let mut m = MsgRec::new(id, BOT_ID, thread);
        m.reply_to = reply_to;
        m.text = Some(r.text);
        m.entities = r.entities;
        m.sent_text = Some(text);
        m.reply_markup = markup;
        self.insert_msg(chat, m);
        Ok(self.msg_json_by_id(chat, id, true))
    }

    /// The message the bot wants to edit: must exist and be the bot's own.
    fn editable(&self, chat: i64, p: &Value) -> Result<i32, ApiErr> {
        let id = World::message_id_param(p)?;
        let m = self
            .chat(chat)
            .live_msg(id)
            .ok_or_else(|| bad("message to edit not found"))?;
        if m.from != BOT_ID || m.service.is_some() {
            return Err(bad("message can't be edited"));
        }
        Ok(id)
    }

    pub(super) fn edit_message_text(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_member(chat)?;
        if let Some(u) = self.users.get(&chat) {
            if u.blocked {
                return Err(forbidden("bot was blocked by the user"));
            }
        }
        let id = self.editable(chat, p)?;
        let text = p_str(p, "text").ok_or_else(|| bad("message text is empty"))?;
        let parse_mode = p_str(p, "parse_mode").filter(|s| !s.is_empty());
        let r = render(&text, parse_mode.as_deref())?;
        if r.text.trim().is_empty() {
            return Err(bad("message text is empty"));
        }
        if utf16_len(&r.text) > MAX_TEXT_LEN {
            return Err(bad("MESSAGE_TOO_LONG"));
        }
        let markup = check_markup(p_json(p, "reply_markup"))?;
        let m = self.msg_mut(chat, id);
        if m.text.is_none() {
            return Err(bad("there is no text in the message to edit"));
        }
        let same = m.text.as_deref() == Some(r.text.as_str())
            && m.entities == r.entities
            && inline_markup(&m.reply_markup) == inline_markup(&markup);
        if same {
            return Err(bad(
                "message is not modified: specified new message content and reply markup are \
                 exactly the same as a current content and reply markup of the message",
            ));
        }
        m.history.push(m.text.clone().unwrap_or_default());
        m.text = Some(r.text);
        m.entities = r.entities;
        m.sent_text = Some(text);
        // Like Telegram: an edit without reply_markup removes the inline keyboard.
        m.reply_markup = markup;
        m.edit_date = Some(now());
        Ok(self.msg_json_by_id(chat, id, true))
    }

    /// An uploaded document (a file id is refused: the daemon only uploads what it wrote).
    pub(super) fn send_document(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_can_send(chat)?;
        let (thread, reply_to) = self.target(chat, p)?;
        let file = p_json(p, "document")
            .filter(Value::is_object)
            .ok_or_else(|| bad("there is no document in the request"))?;
        let name = file["file_name"].as_str().unwrap_or("file").to_owned();
        let content = file["content"].as_str().unwrap_or_default().to_owned();
        let size = file["size"].as_u64().unwrap_or(0);
        if size == 0 {
            return Err(bad("file must be non-empty"));
        }
        let markup = check_markup(p_json(p, "reply_markup"))?;
        let id = self.alloc_msg_id(chat);
        let mut m = MsgRec::new(id, BOT_ID, thread);
        m.reply_to = reply_to;
        let tag = format!("{}_{id}", chat.unsigned_abs());
        let mime = file["content_type"].as_str().filter(|c| c.contains('/'));
        let doc = fake_document(&tag, Some(&name), size, mime);
        m.content.insert("document".to_owned(), doc);
        m.media = Some("document".to_owned());
        if let Some(caption) = p_str(p, "caption") {
            let parse_mode = p_str(p, "parse_mode").filter(|s| !s.is_empty());
            let r = render(&caption, parse_mode.as_deref())?;
            if utf16_len(&r.text) > MAX_CAPTION_LEN {
                return Err(bad("message caption is too long"));
            }
            if !r.text.is_empty() {
                m.text = Some(r.text);
                m.is_caption = true;
                m.entities = r.entities;
            }
            m.sent_text = Some(caption);
        }
        m.reply_markup = markup;
        m.upload = Some((name, content));
        self.insert_msg(chat, m);
        Ok(self.msg_json_by_id(chat, id, true))
    }

    pub(super) fn delete_message(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_member(chat)?;
        let id = World::message_id_param(p)?;
        let c = self.chat(chat);
        let m = c
            .live_msg(id)
            .ok_or_else(|| bad("message to delete not found"))?;
        if c.is_group() && m.from != BOT_ID && !self.rights(chat).delete_messages() {
            return Err(bad("message can't be deleted"));
        }
        if c.topics.contains_key(&id) {
            // The root of a topic cannot be deleted on its own (deleteForumTopic does that).
            return Err(bad("message can't be deleted"));
        }
        self.msg_mut(chat, id).deleted = true;
        Ok(json!(true))
    }

    fn check_pin_rights(&self, chat: i64) -> Result<(), ApiErr> {
        if self.chat(chat).is_group() && !self.rights(chat).pin_messages() {
            return Err(bad(
                "not enough rights to manage pinned messages in the chat",
            ));
        }
        Ok(())
    }

    pub(super) fn pin_chat_message(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_member(chat)?;
        self.check_pin_rights(chat)?;
        let id = World::message_id_param(p)?;
        let m = self
            .chat(chat)
            .live_msg(id)
            .ok_or_else(|| bad("message to pin not found"))?;
        if m.pinned_at.is_some() {
            return Ok(json!(true));
        }
        let thread = m.thread;
        let pinned_json = self.msg_json(self.chat(chat), m, false);
        self.seq += 1;
        let at = self.seq;
        self.msg_mut(chat, id).pinned_at = Some(at);
        // Telegram posts a "pinned a message" service message (delivered in groups).
        self.service_message(chat, thread, BOT_ID, "pinned_message", pinned_json);
        Ok(json!(true))
    }
}
