//! The value types tests read: a user handle, the bot's rights in a group, and snapshots of
//! messages and topics. They are copies taken under the lock (see `json`), so a test can hold
//! them while the daemon keeps changing the fake.

use serde_json::Value;

use super::BOT_ID;

/// A user known to the fake. It is a snapshot handle: mutable per-user state (started the bot,
/// blocked it) lives inside the fake; query it with [`FakeTelegram::has_started`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeUser {
    pub id: i64,
    pub first_name: String,
    pub username: Option<String>,
}

/// The bot's membership/rights in a group, as reported by `getChatMember` and enforced by the
/// fake. Rights only count when `is_admin` is set (a plain member has no admin rights).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BotRights {
    pub is_admin: bool,
    pub can_manage_topics: bool,
    pub can_delete_messages: bool,
    pub can_pin_messages: bool,
}

impl BotRights {
    /// Administrator with every right the daemon may need.
    pub fn full() -> Self {
        BotRights {
            is_admin: true,
            can_manage_topics: true,
            can_delete_messages: true,
            can_pin_messages: true,
        }
    }

    /// Plain member without admin rights (the default for a new group).
    pub fn none() -> Self {
        BotRights::default()
    }

    pub(super) fn manage_topics(&self) -> bool {
        self.is_admin && self.can_manage_topics
    }

    pub(super) fn pin_messages(&self) -> bool {
        self.is_admin && self.can_pin_messages
    }

    pub(super) fn delete_messages(&self) -> bool {
        self.is_admin && self.can_delete_messages
    }
}

/// A message as stored by the fake (any sender: users via injection, the bot via the API).
#[derive(Clone, Debug)]
pub struct FakeMessage {
    pub id: i32,
    pub from_id: i64,
    /// Forum topic thread id; `None` for the General topic and private chats.
    pub thread: Option<i32>,
    /// The text (or media caption) as Telegram renders it, i.e. with markup removed;
    /// empty for service messages and media without caption.
    pub text: String,
    /// The text exactly as the bot submitted it (with markup), for bot messages.
    pub sent_text: Option<String>,
    /// Entities computed from the markup (Telegram JSON shape).
    pub entities: Vec<Value>,
    /// The `reply_markup` as submitted (any keyboard type), `None` when absent/removed.
    pub reply_markup: Option<Value>,
    /// Service message kind, e.g. `forum_topic_created`, `forum_topic_closed`, `pinned_message`.
    pub service: Option<String>,
    /// Media kind, e.g. `document`, `photo`, `invoice`, `successful_payment`.
    pub media: Option<String>,
    pub pinned: bool,
    pub deleted: bool,
    /// Previous rendered texts, oldest first; one entry per edit (also for markup-only edits).
    pub edits: Vec<String>,
    /// A document the bot uploaded (`sendDocument`): its file name and content.
    pub upload: Option<(String, String)>,
}

impl FakeMessage {
    pub fn is_from_bot(&self) -> bool {
        self.from_id == BOT_ID
    }

    pub fn is_service(&self) -> bool {
        self.service.is_some()
    }

    /// `(text, callback_data)` of every callback button, row by row.
    pub fn buttons(&self) -> Vec<(String, String)> {
        self.inline_buttons()
            .into_iter()
            .filter_map(|b| {
                let data = b.get("callback_data")?.as_str()?.to_owned();
                Some((b.get("text")?.as_str()?.to_owned(), data))
            })
            .collect()
    }

    /// `(text, url)` of every URL button, row by row.
    pub fn url_buttons(&self) -> Vec<(String, String)> {
        self.inline_buttons()
            .into_iter()
            .filter_map(|b| {
                let url = b.get("url")?.as_str()?.to_owned();
                Some((b.get("text")?.as_str()?.to_owned(), url))
            })
            .collect()
    }

    fn inline_buttons(&self) -> Vec<Value> {
        self.reply_markup
            .as_ref()
            .and_then(|m| m.get("inline_keyboard"))
            .and_then(Value::as_array)
            .map(|rows| {
                rows.iter()
                    .filter_map(Value::as_array)
                    .flatten()
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A forum topic as stored by the fake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeTopic {
    pub chat_id: i64,
    pub thread_id: i32,
    pub name: String,
    pub icon_color: u32,
    pub closed: bool,
    pub deleted: bool,
    /// User id of the creator.
    pub created_by: i64,
}
