//! The fake's internal records (users, chats, topics, messages) and the `World` that holds all
//! state behind the handle's one mutex, with the accessors and the state changes the Bot API
//! methods and the test-side injection share. Tests never see these types: `json` turns them into
//! Bot API JSON and into the snapshots of `model`.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde_json::{Map, Value};

use super::commands::CommandSet;
use super::faults::Fault;
use super::log::LoggedRequest;
use super::model::BotRights;
use super::updates::QueueEntry;

const FIRST_USER_ID: i64 = 100_001;
/// Supergroup ids must lie within -1997852516352..=-1000000000000; we count down from here.
const FIRST_GROUP_ID: i64 = -1_001_000_000_001;
/// Update ids must fit teloxide's `UpdateId(u32)` and the `i32` `offset` it sends back.
const FIRST_UPDATE_ID: i64 = 500_000_001;

#[derive(Clone, Debug)]
pub(super) struct UserRec {
    pub(super) id: i64,
    pub(super) first_name: String,
    pub(super) username: Option<String>,
    pub(super) language_code: Option<String>,
    pub(super) started: bool,
    pub(super) blocked: bool,
}

#[derive(Clone, Debug)]
pub(super) enum ChatKind {
    Private,
    Supergroup {
        title: String,
        is_forum: bool,
        rights: BotRights,
        kicked: bool,
        creator: Option<i64>,
        admins: Vec<i64>,
    },
}

#[derive(Clone, Debug)]
pub(super) struct TopicRec {
    pub(super) name: String,
    pub(super) icon_color: u32,
    pub(super) closed: bool,
    pub(super) deleted: bool,
    pub(super) created_by: i64,
}

#[derive(Clone, Debug)]
pub(super) struct MsgRec {
    pub(super) id: i32,
    pub(super) from: i64,
    pub(super) date: i64,
    pub(super) thread: Option<i32>,
    pub(super) reply_to: Option<i32>,
    /// Rendered text or caption.
    pub(super) text: Option<String>,
    pub(super) is_caption: bool,
    pub(super) sent_text: Option<String>,
    pub(super) entities: Vec<Value>,
    /// Kind-specific JSON fields copied verbatim into the message object.
    pub(super) content: Map<String, Value>,
    pub(super) service: Option<String>,
    pub(super) media: Option<String>,
    pub(super) reply_markup: Option<Value>,
    /// World sequence number of the pin, `None` when not pinned.
    pub(super) pinned_at: Option<u64>,
    pub(super) deleted: bool,
    pub(super) edit_date: Option<i64>,
    /// Earlier rendered texts, oldest first: one per edit (markup-only edits too).
    pub(super) history: Vec<String>,
    /// A file the bot uploaded: its name and content.
    pub(super) upload: Option<(String, String)>,
}

impl MsgRec {
    pub(super) fn new(id: i32, from: i64, thread: Option<i32>) -> Self {
        MsgRec {
            id,
            from,
            date: now(),
            thread,
            reply_to: None,
            text: None,
            is_caption: false,
            sent_text: None,
            entities: Vec::new(),
            content: Map::new(),
            service: None,
            media: None,
            reply_markup: None,
            pinned_at: None,
            deleted: false,
            edit_date: None,
            history: Vec::new(),
            upload: None,
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct ChatRec {
    pub(super) id: i64,
    pub(super) kind: ChatKind,
    pub(super) next_msg: i32,
    pub(super) messages: BTreeMap<i32, MsgRec>,
    pub(super) topics: BTreeMap<i32, TopicRec>,
}

impl ChatRec {
    pub(super) fn new(id: i64, kind: ChatKind, first_msg: i32) -> Self {
        ChatRec {
            id,
            kind,
            next_msg: first_msg,
            messages: BTreeMap::new(),
            topics: BTreeMap::new(),
        }
    }

    pub(super) fn is_forum(&self) -> bool {
        matches!(self.kind, ChatKind::Supergroup { is_forum: true, .. })
    }

    pub(super) fn is_group(&self) -> bool {
        matches!(self.kind, ChatKind::Supergroup { .. })
    }

    pub(super) fn live_msg(&self, id: i32) -> Option<&MsgRec> {
        self.messages.get(&id).filter(|m| !m.deleted)
    }

    pub(super) fn live_topic(&self, thread: i32) -> Option<&TopicRec> {
        self.topics.get(&thread).filter(|t| !t.deleted)
    }
}

pub(super) struct World {
    pub(super) seq: u64,
    pub(super) log: Vec<LoggedRequest>,
    pub(super) users: BTreeMap<i64, UserRec>,
    pub(super) next_user: i64,
    pub(super) chats: BTreeMap<i64, ChatRec>,
    pub(super) next_group: i64,
    pub(super) updates: BTreeMap<i64, Value>,
    pub(super) queue: Vec<QueueEntry>,
    pub(super) next_update: i64,
    pub(super) delivered: HashMap<i64, usize>,
    pub(super) last_offset: Option<i64>,
    pub(super) poll_gen: u64,
    /// Set when updates were queued; the owner of the lock wakes long polls after unlocking.
    pub(super) wake: bool,
    pub(super) faults: HashMap<String, VecDeque<Fault>>,
    pub(super) callbacks: HashMap<String, Option<(Option<String>, bool)>>,
    pub(super) pre_checkouts: HashMap<String, Option<(bool, Option<String>)>>,
    pub(super) next_query: u64,
    pub(super) commands: Vec<CommandSet>,
    /// Chats under a flood limit: every message sent into them gets 429 with this `retry_after`.
    pub(super) flooded: HashMap<i64, u32>,
}

impl World {
    pub(super) fn new() -> Self {
        World {
            seq: 0,
            log: Vec::new(),
            users: BTreeMap::new(),
            next_user: FIRST_USER_ID,
            chats: BTreeMap::new(),
            next_group: FIRST_GROUP_ID,
            updates: BTreeMap::new(),
            queue: Vec::new(),
            next_update: FIRST_UPDATE_ID,
            delivered: HashMap::new(),
            last_offset: None,
            poll_gen: 0,
            wake: false,
            faults: HashMap::new(),
            callbacks: HashMap::new(),
            pre_checkouts: HashMap::new(),
            next_query: 0,
            commands: Vec::new(),
            flooded: HashMap::new(),
        }
    }

    // ----- test-side accessors (panic on misuse: that is a bug in the test) ----------------

    pub(super) fn user_mut(&mut self, id: i64) -> &mut UserRec {
        self.users
            .get_mut(&id)
            .unwrap_or_else(|| panic!("fake_tg: unknown user {id}"))
    }

    pub(super) fn chat(&self, id: i64) -> &ChatRec {
        self.chats
            .get(&id)
            .unwrap_or_else(|| panic!("fake_tg: unknown chat {id}"))
    }

    pub(super) fn chat_mut(&mut self, id: i64) -> &mut ChatRec {
        self.chats
            .get_mut(&id)
            .unwrap_or_else(|| panic!("fake_tg: unknown chat {id}"))
    }

    pub(super) fn topic_mut(&mut self, chat: i64, thread: i32) -> &mut TopicRec {
        self.chat_mut(chat)
            .topics
            .get_mut(&thread)
            .filter(|t| !t.deleted)
            .unwrap_or_else(|| panic!("fake_tg: no live topic {thread} in chat {chat}"))
    }

    pub(super) fn msg_mut(&mut self, chat: i64, id: i32) -> &mut MsgRec {
        self.chat_mut(chat)
            .messages
            .get_mut(&id)
            .filter(|m| !m.deleted)
            .unwrap_or_else(|| panic!("fake_tg: no live message {id} in chat {chat}"))
    }

    pub(super) fn rights(&self, chat: i64) -> BotRights {
        match self.chats.get(&chat).map(|c| &c.kind) {
            Some(ChatKind::Supergroup { rights, .. }) => *rights,
            // In a private chat the bot may pin/delete/etc.
            Some(ChatKind::Private) => BotRights::full(),
            None => BotRights::none(),
        }
    }

    /// Whether the bot receives updates from this chat.
    pub(super) fn bot_sees(&self, chat: i64) -> bool {
        !matches!(
            self.chats.get(&chat).map(|c| &c.kind),
            Some(ChatKind::Supergroup { kicked: true, .. })
        )
    }

    // ----- state changes shared by injection and the API ---------------------------------------

    pub(super) fn alloc_msg_id(&mut self, chat: i64) -> i32 {
        let c = self.chat_mut(chat);
        let id = c.next_msg;
        c.next_msg += 1;
        id
    }

    pub(super) fn insert_msg(&mut self, chat: i64, m: MsgRec) {
        self.chat_mut(chat).messages.insert(m.id, m);
    }

    /// Stores a service message (from a user or the bot) and delivers it in groups.
    pub(super) fn service_message(
        &mut self,
        chat: i64,
        thread: Option<i32>,
        from: i64,
        kind: &str,
        payload: Value,
    ) -> i32 {
        let id = self.alloc_msg_id(chat);
        let mut m = MsgRec::new(id, from, thread);
        m.service = Some(kind.to_owned());
        m.content.insert(kind.to_owned(), payload);
        self.insert_msg(chat, m);
        if self.chat(chat).is_group() && self.bot_sees(chat) {
            let j = self.msg_json_by_id(chat, id, true);
            self.push_update("message", j);
        }
        id
    }
}

pub(super) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

pub(super) fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}
