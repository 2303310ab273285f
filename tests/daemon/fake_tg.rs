//! `FakeTelegram`: a small, stateful, in-process fake of the Telegram Bot API.
//!
//! Why it exists: the daemon is tested as a black box. It talks to "Telegram" only over HTTP, so
//! the tests point its API URL at this fake, inject what users do (messages, topics, button
//! presses) as updates, and then assert on what the daemon did (messages sent, topics edited,
//! callbacks answered) through the fake's state and request log.
//!
//! The fake answers like the real Bot API as far as teloxide 0.17 / teloxide-core 0.13 can tell:
//! every response body is shaped so that teloxide deserializes it into the right types, and the
//! error descriptions are the real ones wherever teloxide maps them onto a specific
//! `ApiError` variant (so the daemon's error handling is exercised for real).
//!
//! Conventions used throughout:
//! * Chat ids: private chat id == user id (positive); supergroups are `-100…` ids.
//! * Thread ids: a forum topic's thread id is the message id of its `forum_topic_created` service
//!   message, allocated from the chat's message counter, exactly like Telegram. The General topic
//!   is thread 1 conceptually, but its messages carry no `message_thread_id`; in this fake
//!   `thread: None` means "General topic or a private chat", and a request with
//!   `message_thread_id: 1` in a forum is accepted as the General topic.
//! * Every service message the *bot* causes through the API in a group (topic created / edited /
//!   closed / reopened, message pinned) is stored and also delivered to the bot as a `message`
//!   update with `from` = the bot, as real Telegram does for bots that see all group messages.
//!   The daemon must therefore ignore its own service messages.
//! * Updates are never forgotten (see [`FakeTelegram::redeliver`]).
//!
//! All state is per [`FakeTelegram`] instance; there are no process-wide statics.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use tokio::sync::Notify;

/// The fake bot's user id (also the numeric prefix of [`BOT_TOKEN`]).
pub const BOT_ID: i64 = 7_000_000_001;
/// The fake bot's username (without `@`).
pub const BOT_USERNAME: &str = "topicdesk_test_bot";
/// The fake bot's first name.
pub const BOT_FIRST_NAME: &str = "topicdesk";
/// A token of the right shape; the fake accepts any token, this one is just convenient.
pub const BOT_TOKEN: &str = "7000000001:AAFakeTokenForTopicdeskTests";

const FIRST_USER_ID: i64 = 100_001;
/// Supergroup ids must lie within -1997852516352..=-1000000000000; we count down from here.
const FIRST_GROUP_ID: i64 = -1_001_000_000_001;
/// Update ids must fit teloxide's `UpdateId(u32)` and the `i32` `offset` it sends back.
const FIRST_UPDATE_ID: i64 = 500_000_001;
/// Long polls are never held longer than this, whatever `timeout` the client asks for, so
/// that a test never waits on a poll that the client has long given up on.
const MAX_LONG_POLL: Duration = Duration::from_secs(9);
/// The six icon colours Telegram allows for forum topics.
pub const TOPIC_COLORS: [u32; 6] = [0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F];
/// Limits enforced like Telegram does (in UTF-16 code units after entity parsing).
const MAX_TEXT_LEN: usize = 4096;
const MAX_CAPTION_LEN: usize = 1024;
const MAX_TOPIC_NAME_LEN: usize = 128;

// ---------------------------------------------------------------------------------------------
// Public value types
// ---------------------------------------------------------------------------------------------

/// A user known to the fake. It is a snapshot handle: mutable per-user state (started the bot,
/// blocked it) lives inside the fake; query it with [`FakeTelegram::has_started`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeUser {
    pub id: i64,
    pub first_name: String,
    pub username: Option<String>,
}

impl FakeUser {
    /// The id of the private chat between this user and the bot (equal to the user id).
    pub fn chat_id(&self) -> i64 {
        self.id
    }
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

    fn manage_topics(&self) -> bool {
        self.is_admin && self.can_manage_topics
    }

    fn delete_messages(&self) -> bool {
        self.is_admin && self.can_delete_messages
    }

    fn pin_messages(&self) -> bool {
        self.is_admin && self.can_pin_messages
    }
}

/// A failure injected with [`FakeTelegram::fail_next`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 429 "Too Many Requests: retry after N" with `parameters.retry_after = N`
    /// (teloxide: `RequestError::RetryAfter`).
    RetryAfter(u32),
    /// 500 "Internal Server Error". Note: teloxide sleeps 10 s before parsing any 5xx
    /// response, so a daemon using teloxide will be slow to observe this one.
    ServerError,
    /// 400 "Bad Request: message thread not found".
    ThreadNotFound,
    /// 403 "Forbidden: bot was blocked by the user" (teloxide: `ApiError::BotBlocked`).
    Forbidden,
    /// 400 "Bad Request: chat not found" (teloxide: `ApiError::ChatNotFound`).
    ChatNotFound,
    /// Anything else; `code` is used both as HTTP status and `error_code`.
    Custom { code: u16, description: String },
}

/// How a logged request ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestOutcome {
    /// Still being processed (a long poll in progress).
    InFlight,
    /// The client disconnected before the answer (e.g. teloxide dropped a long poll on
    /// shutdown); nothing was handed out.
    Abandoned,
    Ok,
    Failed {
        code: u16,
        description: String,
    },
}

/// One entry of the request log.
#[derive(Clone, Debug)]
pub struct LoggedRequest {
    /// Arrival order, starting at 1, shared by all methods.
    pub seq: u64,
    pub at: Instant,
    /// Method name lower-cased (`sendmessage`).
    pub method: String,
    /// The request parameters as a JSON object (multipart/form fields are converted, files are
    /// shown as `{"file_name", "size", "content_type"}`).
    pub params: Value,
    /// The call failed because of [`FakeTelegram::fail_next`] (and changed no state).
    pub faulted: bool,
    pub outcome: RequestOutcome,
}

/// A message as stored by the fake (any sender: users via injection, the bot via the API).
#[derive(Clone, Debug)]
pub struct FakeMessage {
    pub chat_id: i64,
    pub id: i32,
    pub from_id: i64,
    /// Forum topic thread id; `None` for the General topic and private chats.
    pub thread: Option<i32>,
    /// The text (or media caption) as Telegram renders it, i.e. with markup removed;
    /// empty for service messages and media without caption.
    pub text: String,
    /// The text exactly as the bot submitted it (with markup), for bot messages.
    pub sent_text: Option<String>,
    pub parse_mode: Option<String>,
    /// Entities computed from the markup (Telegram JSON shape).
    pub entities: Vec<Value>,
    /// The `reply_markup` as submitted (any keyboard type), `None` when absent/removed.
    pub reply_markup: Option<Value>,
    /// Explicitly replied-to message id (not the implicit topic root).
    pub reply_to: Option<i32>,
    /// Service message kind, e.g. `forum_topic_created`, `forum_topic_closed`, `pinned_message`.
    pub service: Option<String>,
    /// Media kind, e.g. `document`, `photo`, `invoice`, `successful_payment`.
    pub media: Option<String>,
    pub pinned: bool,
    pub deleted: bool,
    /// Previous rendered texts, oldest first; one entry per edit (also for markup-only edits).
    pub edits: Vec<String>,
    /// Previous reply markups, parallel to `edits`.
    pub markup_history: Vec<Option<Value>>,
    /// The message as the fake would serialize it right now (with `reply_to_message`).
    pub raw: Value,
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

    /// Inline keyboard layout: rows of button texts.
    pub fn button_rows(&self) -> Vec<Vec<String>> {
        let Some(rows) = self
            .reply_markup
            .as_ref()
            .and_then(|m| m.get("inline_keyboard"))
            .and_then(Value::as_array)
        else {
            return Vec::new();
        };
        rows.iter()
            .map(|row| {
                row.as_array()
                    .map(|r| {
                        r.iter()
                            .filter_map(|b| b.get("text").and_then(Value::as_str))
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default()
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
    pub icon_custom_emoji_id: Option<String>,
    pub closed: bool,
    pub deleted: bool,
    /// User id (or [`BOT_ID`]) of the creator.
    pub created_by: i64,
}

// ---------------------------------------------------------------------------------------------
// Internal state
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct ApiErr {
    code: u16,
    description: String,
    retry_after: Option<u32>,
}

fn bad(desc: &str) -> ApiErr {
    ApiErr {
        code: 400,
        description: format!("Bad Request: {desc}"),
        retry_after: None,
    }
}

fn forbidden(desc: &str) -> ApiErr {
    ApiErr {
        code: 403,
        description: format!("Forbidden: {desc}"),
        retry_after: None,
    }
}

fn not_found() -> ApiErr {
    ApiErr {
        code: 404,
        description: "Not Found".to_owned(),
        retry_after: None,
    }
}

impl Fault {
    fn to_err(&self) -> ApiErr {
        match self {
            Fault::RetryAfter(secs) => ApiErr {
                code: 429,
                description: format!("Too Many Requests: retry after {secs}"),
                retry_after: Some(*secs),
            },
            Fault::ServerError => ApiErr {
                code: 500,
                description: "Internal Server Error".to_owned(),
                retry_after: None,
            },
            Fault::ThreadNotFound => bad("message thread not found"),
            Fault::Forbidden => forbidden("bot was blocked by the user"),
            Fault::ChatNotFound => bad("chat not found"),
            Fault::Custom { code, description } => ApiErr {
                code: *code,
                description: description.clone(),
                retry_after: None,
            },
        }
    }
}

#[derive(Clone, Debug)]
struct UserRec {
    id: i64,
    first_name: String,
    username: Option<String>,
    language_code: Option<String>,
    started: bool,
    blocked: bool,
}

#[derive(Clone, Debug)]
enum ChatKind {
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
struct TopicRec {
    name: String,
    icon_color: u32,
    icon_custom_emoji_id: Option<String>,
    closed: bool,
    deleted: bool,
    created_by: i64,
}

#[derive(Clone, Debug)]
struct MsgRec {
    id: i32,
    from: i64,
    date: i64,
    thread: Option<i32>,
    reply_to: Option<i32>,
    /// Rendered text or caption.
    text: Option<String>,
    is_caption: bool,
    sent_text: Option<String>,
    parse_mode: Option<String>,
    entities: Vec<Value>,
    /// Kind-specific JSON fields copied verbatim into the message object.
    content: Map<String, Value>,
    service: Option<String>,
    media: Option<String>,
    reply_markup: Option<Value>,
    /// World sequence number of the pin, `None` when not pinned.
    pinned_at: Option<u64>,
    deleted: bool,
    edit_date: Option<i64>,
    history: Vec<(String, Option<Value>)>,
}

impl MsgRec {
    fn new(id: i32, from: i64, thread: Option<i32>) -> Self {
        MsgRec {
            id,
            from,
            date: now(),
            thread,
            reply_to: None,
            text: None,
            is_caption: false,
            sent_text: None,
            parse_mode: None,
            entities: Vec::new(),
            content: Map::new(),
            service: None,
            media: None,
            reply_markup: None,
            pinned_at: None,
            deleted: false,
            edit_date: None,
            history: Vec::new(),
        }
    }
}

#[derive(Clone, Debug)]
struct ChatRec {
    id: i64,
    kind: ChatKind,
    next_msg: i32,
    messages: BTreeMap<i32, MsgRec>,
    topics: BTreeMap<i32, TopicRec>,
}

impl ChatRec {
    fn is_forum(&self) -> bool {
        matches!(self.kind, ChatKind::Supergroup { is_forum: true, .. })
    }

    fn is_group(&self) -> bool {
        matches!(self.kind, ChatKind::Supergroup { .. })
    }

    fn live_msg(&self, id: i32) -> Option<&MsgRec> {
        self.messages.get(&id).filter(|m| !m.deleted)
    }

    fn live_topic(&self, thread: i32) -> Option<&TopicRec> {
        self.topics.get(&thread).filter(|t| !t.deleted)
    }
}

#[derive(Clone, Debug)]
struct QueueEntry {
    id: i64,
    /// Put back by `redeliver`: survives offset acknowledgement until handed out once.
    redelivered: bool,
    handed_out: bool,
}

#[derive(Clone, Debug)]
struct CommandSet {
    scope_type: String,
    scope_key: String,
    scope: Value,
    language: String,
    commands: Vec<Value>,
}

struct World {
    seq: u64,
    log: Vec<LoggedRequest>,
    users: BTreeMap<i64, UserRec>,
    next_user: i64,
    chats: BTreeMap<i64, ChatRec>,
    next_group: i64,
    updates: BTreeMap<i64, Value>,
    queue: Vec<QueueEntry>,
    next_update: i64,
    delivered: HashMap<i64, usize>,
    last_offset: Option<i64>,
    poll_gen: u64,
    /// Set when updates were queued; the owner of the lock wakes long polls after unlocking.
    wake: bool,
    faults: HashMap<String, VecDeque<Fault>>,
    callbacks: HashMap<String, Option<(Option<String>, bool)>>,
    pre_checkouts: HashMap<String, Option<(bool, Option<String>)>>,
    next_query: u64,
    commands: Vec<CommandSet>,
    webhook: Option<String>,
    /// Chats under a flood limit: every message sent into them gets 429 with this `retry_after`.
    flooded: HashMap<i64, u32>,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

// ---------------------------------------------------------------------------------------------
// The handle
// ---------------------------------------------------------------------------------------------

struct Inner {
    world: Mutex<World>,
    notify: Notify,
    addr: SocketAddr,
}

/// The fake Telegram server plus its state. Cheap to clone (an `Arc` inside); all clones share
/// the same server and state.
#[derive(Clone)]
pub struct FakeTelegram {
    inner: Arc<Inner>,
}

impl FakeTelegram {
    /// Binds an HTTP server on `127.0.0.1:0` and serves the fake Bot API from a tokio task of the
    /// current runtime (it lives as long as that runtime).
    pub async fn start() -> FakeTelegram {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake_tg: cannot bind 127.0.0.1:0");
        let addr = listener
            .local_addr()
            .expect("fake_tg: listener has no local address");
        let fake = FakeTelegram {
            inner: Arc::new(Inner {
                world: Mutex::new(World::new()),
                notify: Notify::new(),
                addr,
            }),
        };
        let app = Router::new()
            .fallback(handle_http)
            .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
            .with_state(fake.clone());
        tokio::spawn(async move {
            // The server only stops when the runtime shuts down; errors have nowhere to go.
            let _ = axum::serve(listener, app).await;
        });
        fake
    }

    /// Base URL for `teloxide::Bot::set_api_url`; requests then go to `{base}bot{token}/{Method}`.
    pub fn api_url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}/", self.inner.addr))
            .expect("fake_tg: socket address is a valid URL host")
    }

    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// A teloxide bot pointed at this fake (token [`BOT_TOKEN`]).
    pub fn bot(&self) -> teloxide::Bot {
        teloxide::Bot::new(BOT_TOKEN).set_api_url(self.api_url())
    }

    pub fn bot_id(&self) -> i64 {
        BOT_ID
    }

    pub fn bot_username(&self) -> &'static str {
        BOT_USERNAME
    }

    fn world(&self) -> MutexGuard<'_, World> {
        self.inner
            .world
            .lock()
            .expect("fake_tg: state mutex poisoned")
    }

    /// Runs `f` under the state lock, then wakes long polls if `f` queued updates.
    /// The guard is dropped before anything else happens (never held across `.await`).
    fn mutate<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        let (r, wake) = {
            let mut w = self.world();
            let r = f(&mut w);
            let wake = std::mem::take(&mut w.wake);
            (r, wake)
        };
        if wake {
            self.inner.notify.notify_waiters();
        }
        r
    }

    // ----- users & chats -------------------------------------------------------------------

    /// Registers a user (ids 100001, 100002, …) and their private chat with the bot. The user
    /// has not started the bot yet; `language_code` is `"en"`.
    pub fn add_user(&self, first_name: &str, username: Option<&str>) -> FakeUser {
        self.mutate(|w| {
            let id = w.next_user;
            w.next_user += 1;
            w.users.insert(
                id,
                UserRec {
                    id,
                    first_name: first_name.to_owned(),
                    username: username.map(str::to_owned),
                    language_code: Some("en".to_owned()),
                    started: false,
                    blocked: false,
                },
            );
            w.chats.insert(id, ChatRec::new(id, ChatKind::Private, 1));
            FakeUser {
                id,
                first_name: first_name.to_owned(),
                username: username.map(str::to_owned),
            }
        })
    }

    /// Changes the `language_code` sent in the user's `from` objects.
    pub fn set_language(&self, user: &FakeUser, language_code: Option<&str>) {
        self.mutate(|w| w.user_mut(user.id).language_code = language_code.map(str::to_owned));
    }

    /// Marks the user as having started the bot (without sending anything).
    pub fn start_bot(&self, user: &FakeUser) {
        self.mutate(|w| {
            let u = w.user_mut(user.id);
            u.started = true;
            u.blocked = false;
        });
    }

    /// The user blocks the bot: sends to them fail with 403 "Forbidden: bot was blocked by the
    /// user" until they write to the bot again.
    pub fn block_bot(&self, user: &FakeUser) {
        self.mutate(|w| w.user_mut(user.id).blocked = true);
    }

    pub fn has_started(&self, user: &FakeUser) -> bool {
        self.world().users.get(&user.id).is_some_and(|u| u.started)
    }

    pub fn user(&self, id: i64) -> Option<FakeUser> {
        self.world().users.get(&id).map(|u| FakeUser {
            id: u.id,
            first_name: u.first_name.clone(),
            username: u.username.clone(),
        })
    }

    /// A forum supergroup (topics enabled). The bot is a plain member without rights until
    /// [`set_bot_rights`](Self::set_bot_rights) is called.
    pub fn add_forum_group(&self, title: &str) -> i64 {
        self.add_group(title, true)
    }

    /// A forum supergroup `creator` created, with the bot an administrator with every right it
    /// needs: a group ready for `/connect`.
    pub fn add_forum_owned_by(&self, title: &str, creator: &FakeUser) -> i64 {
        let chat = self.add_forum_group(title);
        self.set_creator(chat, creator);
        self.set_bot_rights(chat, BotRights::full());
        chat
    }

    /// A supergroup, forum or not. Ids count down from -1001000000001.
    pub fn add_group(&self, title: &str, is_forum: bool) -> i64 {
        self.mutate(|w| {
            let id = w.next_group;
            w.next_group -= 1;
            let kind = ChatKind::Supergroup {
                title: title.to_owned(),
                is_forum,
                rights: BotRights::none(),
                kicked: false,
                creator: None,
                admins: Vec::new(),
            };
            // Message 1 is conceptually the group's creation; ids for traffic start at 2.
            w.chats.insert(id, ChatRec::new(id, kind, 2));
            id
        })
    }

    /// Sets the bot's membership/rights in a group (also un-kicks it).
    pub fn set_bot_rights(&self, chat: i64, rights: BotRights) {
        self.mutate(|w| {
            if let ChatKind::Supergroup {
                rights: r, kicked, ..
            } = &mut w.chat_mut(chat).kind
            {
                *r = rights;
                *kicked = false;
            }
        });
    }

    pub fn bot_rights(&self, chat: i64) -> BotRights {
        self.world().rights(chat)
    }

    /// Removes the bot from the group: API calls on it fail with 403 "Forbidden: bot was kicked
    /// from the supergroup chat" and no updates from it are delivered.
    pub fn kick_bot(&self, chat: i64) {
        self.mutate(|w| {
            if let ChatKind::Supergroup { kicked, rights, .. } = &mut w.chat_mut(chat).kind {
                *kicked = true;
                *rights = BotRights::none();
            }
        });
    }

    /// A user removes the bot from the group: like [`kick_bot`](Self::kick_bot), and the bot
    /// gets the `my_chat_member` update Telegram sends (status `kicked`).
    pub fn remove_bot(&self, chat: i64, by: &FakeUser) {
        self.mutate(|w| {
            let old = match &w.chat(chat).kind {
                ChatKind::Supergroup { rights, .. } if rights.is_admin => {
                    w.admin_json(BOT_ID, *rights)
                }
                _ => json!({ "status": "member", "user": w.user_json(BOT_ID) }),
            };
            if let ChatKind::Supergroup { kicked, rights, .. } = &mut w.chat_mut(chat).kind {
                *kicked = true;
                *rights = BotRights::none();
            }
            let new = w.kicked_json(BOT_ID);
            w.push_my_chat_member(chat, by, old, new);
        });
    }

    /// A user adds the bot back as an administrator with `rights`; the bot gets the
    /// `my_chat_member` update.
    pub fn add_bot_back(&self, chat: i64, by: &FakeUser, rights: BotRights) {
        self.set_bot_rights(chat, rights);
        self.mutate(|w| {
            let (old, new) = (w.kicked_json(BOT_ID), w.admin_json(BOT_ID, rights));
            w.push_my_chat_member(chat, by, old, new);
        });
    }

    /// Telegram flood-limits the chat: every message the bot sends into it (`send*`, `copy*`,
    /// `forward*`) fails with 429 and `retry_after = secs`, again and again, until
    /// [`unflood`](Self::unflood). Edits, answers and other chats are not affected.
    pub fn flood(&self, chat: i64, secs: u32) {
        self.mutate(|w| {
            w.flooded.insert(chat, secs);
        });
    }

    pub fn unflood(&self, chat: i64) {
        self.mutate(|w| {
            w.flooded.remove(&chat);
        });
    }

    /// The id the next injected update gets. Telegram picks update ids at random again after a
    /// week without updates, so they may restart lower than the ones a bot has seen.
    pub fn set_next_update_id(&self, id: i64) {
        self.mutate(|w| w.next_update = id);
    }

    /// Makes `user` the group's creator (`getChatMember` status `creator`).
    pub fn set_creator(&self, chat: i64, user: &FakeUser) {
        self.mutate(|w| {
            if let ChatKind::Supergroup { creator, .. } = &mut w.chat_mut(chat).kind {
                *creator = Some(user.id);
            }
        });
    }

    /// Makes `user` an administrator with full rights.
    pub fn add_admin(&self, chat: i64, user: &FakeUser) {
        self.mutate(|w| {
            if let ChatKind::Supergroup { admins, .. } = &mut w.chat_mut(chat).kind {
                if !admins.contains(&user.id) {
                    admins.push(user.id);
                }
            }
        });
    }

    // ----- fault injection ------------------------------------------------------------------

    /// The next `times` calls of `method` (case-insensitive) fail with `fault`. Faulted calls are
    /// logged with `faulted: true` and change no state. Faults queue up per method.
    pub fn fail_next(&self, method: &str, times: usize, fault: Fault) {
        self.mutate(|w| {
            let q = w.faults.entry(method.to_ascii_lowercase()).or_default();
            q.extend(std::iter::repeat_n(fault, times));
        });
    }

    /// How many injected faults are still waiting for `method`.
    pub fn pending_faults(&self, method: &str) -> usize {
        self.world()
            .faults
            .get(&method.to_ascii_lowercase())
            .map_or(0, VecDeque::len)
    }

    pub fn clear_faults(&self) {
        self.mutate(|w| w.faults.clear());
    }

    /// A user deletes a topic in the Telegram app: topic and its messages are gone, the bot gets
    /// no update (Telegram sends none).
    pub fn delete_topic_silently(&self, chat: i64, thread: i32) {
        self.mutate(|w| w.delete_topic(chat, thread));
    }

    // ----- update injection -----------------------------------------------------------------

    /// A user writes to the bot in private. Marks them as having started the bot (and
    /// unblocks it). Returns the message id.
    pub fn private_text(&self, user: &FakeUser, text: &str) -> i32 {
        self.mutate(|w| {
            let u = w.user_mut(user.id);
            u.started = true;
            u.blocked = false;
            w.inject_text(user.id, None, None, user.id, text)
        })
    }

    /// A user writes in a group; `thread: None` (or `Some(1)`) is the General topic.
    /// Messages in a topic carry `message_thread_id`, `is_topic_message: true` and a
    /// `reply_to_message` pointing at the topic's creation message, like Telegram.
    pub fn group_text(&self, chat: i64, thread: Option<i32>, user: &FakeUser, text: &str) -> i32 {
        let thread = thread.filter(|t| *t != 1);
        self.mutate(|w| w.inject_text(chat, thread, None, user.id, text))
    }

    /// A user replies to a specific message (in its topic, if any).
    pub fn reply_text(&self, chat: i64, reply_to: i32, user: &FakeUser, text: &str) -> i32 {
        self.mutate(|w| {
            let thread = w
                .chat(chat)
                .messages
                .get(&reply_to)
                .unwrap_or_else(|| panic!("fake_tg: no message {reply_to} in chat {chat}"))
                .thread;
            w.inject_text(chat, thread, Some(reply_to), user.id, text)
        })
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
        self.mutate(|w| w.create_topic(chat, user.id, name, None, true))
    }

    /// Like [`create_topic`](Self::create_topic) but without an update: simulates topics that
    /// existed before the bot joined.
    pub fn create_topic_silently(&self, chat: i64, user: &FakeUser, name: &str) -> i32 {
        self.mutate(|w| w.create_topic(chat, user.id, name, None, false))
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
            let old_text = m.text.clone().unwrap_or_default();
            let old_markup = m.reply_markup.clone();
            m.history.push((old_text, old_markup));
            m.text = Some(rendered.text);
            m.entities = rendered.entities;
            m.edit_date = Some(now());
            if w.bot_sees(chat) {
                let j = w.msg_json_by_id(chat, message_id, true);
                w.push_update("edited_message", j);
            }
        });
    }

    /// A user presses an inline button: delivers a `callback_query` whose `message` is the
    /// current state of that message (an inaccessible message, `date: 0`, if it was deleted).
    /// Returns the callback query id.
    pub fn press_button(&self, user: &FakeUser, chat: i64, message_id: i32, data: &str) -> String {
        self.mutate(|w| {
            let message = match w.chat(chat).live_msg(message_id) {
                Some(_) => w.msg_json_by_id(chat, message_id, true),
                None => json!({
                    "message_id": message_id,
                    "chat": w.chat_json(w.chat(chat)),
                    "date": 0,
                }),
            };
            w.next_query += 1;
            let id = (4_422_000_000_000_000_000u64 + w.next_query).to_string();
            w.callbacks.insert(id.clone(), None);
            let payload = json!({
                "id": id,
                "from": w.user_json(user.id),
                "message": message,
                "chat_instance": chat_instance(chat),
                "data": data,
            });
            w.push_update("callback_query", payload);
            id
        })
    }

    /// Presses the callback button whose text is `button_text` (panics if there is none).
    pub fn press_button_text(
        &self,
        user: &FakeUser,
        chat: i64,
        message_id: i32,
        button_text: &str,
    ) -> String {
        let msg = self
            .message(chat, message_id)
            .unwrap_or_else(|| panic!("fake_tg: no message {message_id} in chat {chat}"));
        let data = msg
            .buttons()
            .into_iter()
            .find(|(t, _)| t == button_text)
            .map(|(_, d)| d)
            .unwrap_or_else(|| {
                panic!(
                    "fake_tg: message {message_id} has no callback button {button_text:?}; \
                     buttons: {:?}",
                    msg.buttons()
                )
            });
        self.press_button(user, chat, message_id, &data)
    }

    /// A user confirms a payment: delivers a `pre_checkout_query`. Returns its id.
    pub fn pre_checkout(
        &self,
        user: &FakeUser,
        currency: &str,
        total_amount: u32,
        invoice_payload: &str,
    ) -> String {
        self.mutate(|w| {
            w.next_query += 1;
            let id = (5_533_000_000_000_000_000u64 + w.next_query).to_string();
            w.pre_checkouts.insert(id.clone(), None);
            let payload = json!({
                "id": id,
                "from": w.user_json(user.id),
                "currency": currency,
                "total_amount": total_amount,
                "invoice_payload": invoice_payload,
            });
            w.push_update("pre_checkout_query", payload);
            id
        })
    }

    /// The `successful_payment` service message in the user's private chat. Returns its id.
    pub fn successful_payment(
        &self,
        user: &FakeUser,
        currency: &str,
        total_amount: u32,
        invoice_payload: &str,
    ) -> i32 {
        let charge = format!("tg_charge_{}_{}", user.id, total_amount);
        self.inject_message(
            user.id,
            None,
            user,
            json!({ "successful_payment": {
                "currency": currency,
                "total_amount": total_amount,
                "invoice_payload": invoice_payload,
                "telegram_payment_charge_id": charge,
                "provider_payment_charge_id": "",
            }}),
        )
    }

    /// Queues an arbitrary update (an `update_id` is added; a non-object is wrapped as
    /// `{"update_id": …, "garbage": value}`). A `callback_query`/`pre_checkout_query` in it is
    /// registered so the bot can answer it. Returns the update id.
    pub fn inject_raw(&self, update_without_id: Value) -> i64 {
        self.mutate(|w| {
            let id = w.next_update;
            w.next_update += 1;
            let update = match update_without_id {
                Value::Object(mut o) => {
                    o.insert("update_id".to_owned(), json!(id));
                    Value::Object(o)
                }
                other => json!({ "update_id": id, "garbage": other }),
            };
            // Queries injected raw can be answered like the ones from the typed helpers.
            let query_id = |kind: &str| {
                update
                    .get(kind)
                    .and_then(|q| q.get("id"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            if let Some(q) = query_id("callback_query") {
                w.callbacks.entry(q).or_insert(None);
            }
            if let Some(q) = query_id("pre_checkout_query") {
                w.pre_checkouts.entry(q).or_insert(None);
            }
            w.updates.insert(id, update);
            w.enqueue(id, false);
            id
        })
    }

    /// Puts an already delivered update (same id, same payload) back into the queue. The next
    /// `getUpdates` hands it out even though its id is below the acknowledged offset (that is
    /// what a redelivery looks like to a bot); a later `getUpdates` with a higher offset then
    /// acknowledges it again.
    pub fn redeliver(&self, update_id: i64) {
        self.mutate(|w| {
            assert!(
                w.updates.contains_key(&update_id),
                "fake_tg: unknown update {update_id}"
            );
            w.queue.retain(|e| e.id != update_id);
            w.enqueue(update_id, true);
        });
    }

    // ----- update queries -------------------------------------------------------------------

    /// Id of the most recently injected update.
    pub fn last_update_id(&self) -> Option<i64> {
        self.world().updates.keys().next_back().copied()
    }

    /// The full JSON of an update ever injected.
    pub fn update(&self, update_id: i64) -> Option<Value> {
        self.world().updates.get(&update_id).cloned()
    }

    /// Ids still waiting to be acknowledged, in delivery order.
    pub fn pending_update_ids(&self) -> Vec<i64> {
        let w = self.world();
        let mut ids: Vec<i64> = w.queue.iter().map(|e| e.id).collect();
        ids.sort_unstable();
        ids
    }

    /// `true` once the bot acknowledged the update (it is no longer queued).
    pub fn is_acked(&self, update_id: i64) -> bool {
        let w = self.world();
        w.updates.contains_key(&update_id) && !w.queue.iter().any(|e| e.id == update_id)
    }

    /// How many times `getUpdates` handed this update out.
    pub fn times_delivered(&self, update_id: i64) -> usize {
        self.world().delivered.get(&update_id).copied().unwrap_or(0)
    }

    /// The `offset` of the last `getUpdates` call that had one.
    pub fn last_offset(&self) -> Option<i64> {
        self.world().last_offset
    }

    pub fn webhook_url(&self) -> Option<String> {
        self.world().webhook.clone()
    }

    // ----- request log ----------------------------------------------------------------------

    /// Parameters of every call of `method` (case-insensitive), in order, including faulted and
    /// failed ones.
    pub fn requests(&self, method: &str) -> Vec<Value> {
        let m = method.to_ascii_lowercase();
        self.world()
            .log
            .iter()
            .filter(|r| r.method == m)
            .map(|r| r.params.clone())
            .collect()
    }

    /// Parameters of the calls of `method` that succeeded.
    pub fn successful_requests(&self, method: &str) -> Vec<Value> {
        let m = method.to_ascii_lowercase();
        self.world()
            .log
            .iter()
            .filter(|r| r.method == m && r.outcome == RequestOutcome::Ok)
            .map(|r| r.params.clone())
            .collect()
    }

    pub fn request_count(&self, method: &str) -> usize {
        let m = method.to_ascii_lowercase();
        self.world().log.iter().filter(|r| r.method == m).count()
    }

    pub fn last_request(&self, method: &str) -> Option<Value> {
        self.requests(method).pop()
    }

    /// The whole log except `getUpdates` calls (which would drown everything else).
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.world()
            .log
            .iter()
            .filter(|r| r.method != "getupdates")
            .cloned()
            .collect()
    }

    /// The whole log including `getUpdates`.
    pub fn full_request_log(&self) -> Vec<LoggedRequest> {
        self.world().log.clone()
    }

    pub fn clear_log(&self) {
        self.mutate(|w| w.log.clear());
    }

    // ----- state queries --------------------------------------------------------------------

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
            .map(|m| w.fake_message(c, m))
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
            .map(|m| w.fake_message(c, m))
            .collect()
    }

    /// A message by id, *including* deleted ones (check [`FakeMessage::deleted`]).
    pub fn message(&self, chat: i64, id: i32) -> Option<FakeMessage> {
        let w = self.world();
        let c = w.chats.get(&chat)?;
        c.messages.get(&id).map(|m| w.fake_message(c, m))
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

    /// `Some((text, show_alert))` once the bot answered the callback query.
    pub fn callback_answer(&self, id: &str) -> Option<(Option<String>, bool)> {
        self.world().callbacks.get(id).cloned().flatten()
    }

    /// `Some((ok, error_message))` once the bot answered the pre-checkout query.
    pub fn pre_checkout_answer(&self, id: &str) -> Option<(bool, Option<String>)> {
        self.world().pre_checkouts.get(id).cloned().flatten()
    }

    /// Command names last set (without language code) for a scope type such as `"default"`,
    /// `"all_private_chats"`, `"all_group_chats"`, `"chat"`, `"chat_administrators"`. For the
    /// per-chat scope types, the most recently set chat wins; use
    /// [`command_set`](Self::command_set) to pick a chat.
    pub fn commands(&self, scope_type: &str) -> Vec<String> {
        self.world()
            .commands
            .iter()
            .rev()
            .find(|s| s.scope_type == scope_type && s.language.is_empty())
            .map(|s| command_names(&s.commands))
            .unwrap_or_default()
    }

    /// `(command, description)` pairs for an exact scope (JSON as in the Bot API, e.g.
    /// `{"type":"chat","chat_id":-100…}`) and language code.
    pub fn command_set(
        &self,
        scope: &Value,
        language_code: Option<&str>,
    ) -> Option<Vec<(String, String)>> {
        let (_, key) = scope_key(scope);
        let lang = language_code.unwrap_or("");
        self.world()
            .commands
            .iter()
            .find(|s| s.scope_key == key && s.language == lang)
            .map(|s| {
                s.commands
                    .iter()
                    .map(|c| {
                        (
                            c.get("command")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_owned(),
                            c.get("description")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_owned(),
                        )
                    })
                    .collect()
            })
    }

    /// All scopes that currently have commands: `(scope JSON, language code)`.
    pub fn command_scopes(&self) -> Vec<(Value, String)> {
        self.world()
            .commands
            .iter()
            .map(|s| (s.scope.clone(), s.language.clone()))
            .collect()
    }

    // ----- waiting --------------------------------------------------------------------------

    /// Polls `f` every 20 ms until it returns true; panics with `what` (and a summary of recent
    /// requests) after `timeout`. The daemon is asynchronous, so tests wait for effects.
    pub async fn wait_until(
        &self,
        timeout: Duration,
        what: &str,
        f: impl Fn(&FakeTelegram) -> bool,
    ) {
        self.wait_for(timeout, what, |tg| f(tg).then_some(())).await
    }

    /// Polls `f` every 20 ms until it returns `Some`; panics with `what` after `timeout`.
    pub async fn wait_for<T>(
        &self,
        timeout: Duration,
        what: &str,
        f: impl Fn(&FakeTelegram) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(v) = f(self) {
                return v;
            }
            if Instant::now() >= deadline {
                panic!(
                    "fake_tg: timed out after {timeout:?} waiting for: {what}\n{}",
                    self.debug_summary()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The last 30 non-`getUpdates` requests with their outcome, for failure messages.
    pub fn debug_summary(&self) -> String {
        let log = self.request_log();
        let mut out = format!("recent Bot API requests ({} total):\n", log.len());
        for r in log.iter().rev().take(30).rev() {
            let outcome = match &r.outcome {
                RequestOutcome::Ok => "ok".to_owned(),
                RequestOutcome::InFlight => "in flight".to_owned(),
                RequestOutcome::Abandoned => "abandoned by the client".to_owned(),
                RequestOutcome::Failed { code, description } => format!("{code} {description}"),
            };
            let faulted = if r.faulted { " [faulted]" } else { "" };
            let mut params = r.params.to_string();
            if params.len() > 300 {
                let mut cut = 300;
                while !params.is_char_boundary(cut) {
                    cut -= 1;
                }
                params.truncate(cut);
                params.push('…');
            }
            out.push_str(&format!(
                "  #{} {} {params} -> {outcome}{faulted}\n",
                r.seq, r.method
            ));
        }
        out
    }

    // ----- HTTP plumbing --------------------------------------------------------------------

    fn dispatch(&self, method: &str, params: Value) -> Result<Value, ApiErr> {
        self.mutate(|w| {
            let sends = method.starts_with("send")
                || method.starts_with("copy")
                || method.starts_with("forward");
            // A flooded chat refuses every send before any injected fault is used up.
            let flood = p_i64(&params, "chat_id")
                .and_then(|c| w.flooded.get(&c).copied())
                .filter(|_| sends)
                .map(Fault::RetryAfter);
            if let Some(fault) = flood.or_else(|| w.take_fault(method)) {
                let err = fault.to_err();
                let seq = w.log_request(method, params, true);
                w.finish(seq, &Err(err.clone()));
                return Err(err);
            }
            let seq = w.log_request(method, params.clone(), false);
            let res = w.call(method, &params);
            w.finish(seq, &res);
            res
        })
    }

    async fn get_updates(&self, params: Value) -> Result<Value, ApiErr> {
        let limit = p_i64(&params, "limit").unwrap_or(100).clamp(1, 100) as usize;
        let timeout = Duration::from_secs(p_i64(&params, "timeout").unwrap_or(0).max(0) as u64)
            .min(MAX_LONG_POLL);
        let deadline = Instant::now() + timeout;
        let start = self.mutate(|w| {
            if let Some(fault) = w.take_fault("getupdates") {
                let err = fault.to_err();
                let seq = w.log_request("getupdates", params.clone(), true);
                w.finish(seq, &Err(err.clone()));
                return Err(err);
            }
            let seq = w.log_request("getupdates", params.clone(), false);
            if w.webhook.is_some() {
                let err = ApiErr {
                    code: 409,
                    description: "Conflict: can't use getUpdates method while webhook is active; \
                                  use deleteWebhook to delete the webhook first"
                        .to_owned(),
                    retry_after: None,
                };
                w.finish(seq, &Err(err.clone()));
                return Err(err);
            }
            if let Some(offset) = p_i64(&params, "offset") {
                if offset > w.next_update {
                    // An offset past every update id given out (ids restarted lower after a
                    // quiet week): like the real Bot API, confirm nothing and answer from the
                    // oldest update still queued.
                    w.last_offset = Some(offset);
                } else {
                    w.acknowledge(offset);
                }
            }
            w.poll_gen += 1;
            Ok((seq, w.poll_gen))
        });
        let (seq, generation) = start?;
        // If the client goes away, hyper drops this future; the guard records that.
        let _guard = AbandonGuard { fake: self, seq };
        // Wake older long polls so they notice they were superseded.
        self.inner.notify.notify_waiters();
        loop {
            let notified = self.inner.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let done = self.mutate(|w| {
                if w.poll_gen != generation {
                    let err = ApiErr {
                        code: 409,
                        description: "Conflict: terminated by other getUpdates request; make \
                                      sure that only one bot instance is running"
                            .to_owned(),
                        retry_after: None,
                    };
                    w.finish(seq, &Err(err.clone()));
                    return Some(Err(err));
                }
                let batch = w.take_batch(limit);
                if !batch.is_empty() || Instant::now() >= deadline {
                    let res = Ok(Value::Array(batch));
                    w.finish(seq, &res);
                    return Some(res);
                }
                None
            });
            if let Some(res) = done {
                return res;
            }
            tokio::select! {
                _ = &mut notified => {}
                _ = tokio::time::sleep_until(deadline.into()) => {}
            }
        }
    }
}

/// Marks a long poll as abandoned when its future is dropped before it answered.
struct AbandonGuard<'a> {
    fake: &'a FakeTelegram,
    seq: u64,
}

impl Drop for AbandonGuard<'_> {
    fn drop(&mut self) {
        // Never panic in drop: a poisoned lock just leaves the entry as it is.
        if let Ok(mut w) = self.fake.inner.world.lock() {
            if let Some(e) = w.log_entry(self.seq) {
                if e.outcome == RequestOutcome::InFlight {
                    e.outcome = RequestOutcome::Abandoned;
                }
            }
        }
    }
}

fn fake_topic(chat: i64, thread: i32, t: &TopicRec) -> FakeTopic {
    FakeTopic {
        chat_id: chat,
        thread_id: thread,
        name: t.name.clone(),
        icon_color: t.icon_color,
        icon_custom_emoji_id: t.icon_custom_emoji_id.clone(),
        closed: t.closed,
        deleted: t.deleted,
        created_by: t.created_by,
    }
}

fn command_names(commands: &[Value]) -> Vec<String> {
    commands
        .iter()
        .filter_map(|c| c.get("command").and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}

fn chat_instance(chat: i64) -> String {
    format!("{}", chat.wrapping_mul(2_654_435_761) ^ 0x5DEE_CE66_D1CE)
}

fn fake_photo_sizes(tag: &str, size: u64) -> Value {
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

fn fake_document(tag: &str, file_name: Option<&str>, size: u64, mime: Option<&str>) -> Value {
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

async fn handle_http(
    State(fake): State<FakeTelegram>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut params = parse_body(&headers, &body);
    if let (Some(q), Value::Object(o)) = (uri.query(), &mut params) {
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            o.entry(k.to_string()).or_insert_with(|| coerce(&k, &v));
        }
    }
    let segments: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
    let method = match segments.as_slice() {
        [token, method] if token.starts_with("bot") && !method.is_empty() => {
            method.to_ascii_lowercase()
        }
        _ => format!("<bad path {}>", uri.path()),
    };
    let res = if method == "getupdates" {
        fake.get_updates(params).await
    } else {
        fake.dispatch(&method, params)
    };
    respond(res)
}

fn respond(res: Result<Value, ApiErr>) -> Response {
    match res {
        Ok(v) => (StatusCode::OK, Json(json!({ "ok": true, "result": v }))).into_response(),
        Err(e) => {
            let mut body = json!({
                "ok": false,
                "error_code": e.code,
                "description": e.description,
            });
            // Only present when meaningful: teloxide fails to parse an empty `parameters`.
            if let Some(r) = e.retry_after {
                body["parameters"] = json!({ "retry_after": r });
            }
            let status = StatusCode::from_u16(e.code).unwrap_or(StatusCode::BAD_REQUEST);
            (status, Json(body)).into_response()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Request body parsing
// ---------------------------------------------------------------------------------------------

/// Parameters that are free text and must stay strings even when they look like numbers/JSON.
const TEXT_KEYS: &[&str] = &[
    "text",
    "caption",
    "name",
    "title",
    "description",
    "payload",
    "data",
    "callback_query_id",
    "pre_checkout_query_id",
    "currency",
    "start_parameter",
    "url",
    "language_code",
    "icon_custom_emoji_id",
    "error_message",
    "provider_token",
    "secret_token",
    "short_description",
];

fn coerce(key: &str, s: &str) -> Value {
    if TEXT_KEYS.contains(&key) {
        return Value::String(s.to_owned());
    }
    if let Ok(n) = s.trim().parse::<i64>() {
        return json!(n);
    }
    match s {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    let t = s.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        if let Ok(v) = serde_json::from_str(s) {
            return v;
        }
    }
    Value::String(s.to_owned())
}

fn parse_body(headers: &HeaderMap, body: &[u8]) -> Value {
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let lower = ctype.to_ascii_lowercase();
    if body.is_empty() {
        return Value::Object(Map::new());
    }
    if lower.starts_with("multipart/form-data") {
        let boundary = ctype.split(';').find_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| v.trim().trim_matches('"').to_owned())
        });
        return match boundary {
            Some(b) => Value::Object(parse_multipart(body, &b)),
            None => json!({ "_unparseable_body": String::from_utf8_lossy(body) }),
        };
    }
    if lower.starts_with("application/x-www-form-urlencoded") {
        let mut o = Map::new();
        for (k, v) in url::form_urlencoded::parse(body) {
            o.insert(k.to_string(), coerce(&k, &v));
        }
        return Value::Object(o);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => Value::Object(o),
        Ok(other) => json!({ "_non_object_body": other }),
        Err(_) => json!({ "_unparseable_body": String::from_utf8_lossy(body) }),
    }
}

fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| &hay[i..i + needle.len()] == needle)
}

/// Minimal multipart/form-data parser: text fields become (coerced) values, file parts become
/// `{"file_name", "size", "content_type"}`, and `attach://<name>` references are resolved.
fn parse_multipart(body: &[u8], boundary: &str) -> Map<String, Value> {
    let delim = format!("--{boundary}").into_bytes();
    let mut positions = Vec::new();
    let mut at = 0;
    while let Some(p) = find_from(body, &delim, at) {
        positions.push(p);
        at = p + delim.len();
    }
    let mut fields = Map::new();
    let mut files = Map::new();
    for pair in positions.windows(2) {
        let mut part = &body[pair[0] + delim.len()..pair[1]];
        if let Some(rest) = part.strip_prefix(b"\r\n") {
            part = rest;
        }
        if let Some(rest) = part.strip_suffix(b"\r\n") {
            part = rest;
        }
        let Some(split) = find_from(part, b"\r\n\r\n", 0) else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]).to_string();
        let content = &part[split + 4..];
        let mut name = None;
        let mut file_name = None;
        let mut content_type = None;
        for line in head.lines() {
            let Some((h, v)) = line.split_once(':') else {
                continue;
            };
            if h.trim().eq_ignore_ascii_case("content-disposition") {
                for param in v.split(';') {
                    if let Some((k, val)) = param.trim().split_once('=') {
                        let val = val.trim().trim_matches('"').to_owned();
                        match k.trim().to_ascii_lowercase().as_str() {
                            "name" => name = Some(val),
                            "filename" => file_name = Some(val),
                            _ => {}
                        }
                    }
                }
            } else if h.trim().eq_ignore_ascii_case("content-type") {
                content_type = Some(v.trim().to_owned());
            }
        }
        let Some(name) = name else {
            continue;
        };
        match file_name {
            Some(f) => {
                files.insert(
                    name,
                    json!({ "file_name": f, "size": content.len(), "content_type": content_type }),
                );
            }
            None => {
                let text = String::from_utf8_lossy(content);
                fields.insert(name.clone(), coerce(&name, &text));
            }
        }
    }
    let mut attached = Vec::new();
    for v in fields.values_mut() {
        if let Value::String(s) = v {
            if let Some(id) = s.strip_prefix("attach://") {
                if let Some(f) = files.get(id) {
                    attached.push(id.to_owned());
                    *v = f.clone();
                }
            }
        }
    }
    for (k, f) in files {
        if !attached.contains(&k) {
            fields.entry(k).or_insert(f);
        }
    }
    fields
}

// ---------------------------------------------------------------------------------------------
// Parameter helpers (lenient: JSON numbers or numeric strings, JSON objects or JSON strings)
// ---------------------------------------------------------------------------------------------

fn p_get<'a>(p: &'a Value, k: &str) -> Option<&'a Value> {
    p.get(k).filter(|v| !v.is_null())
}

fn p_i64(p: &Value, k: &str) -> Option<i64> {
    match p_get(p, k)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn p_str(p: &Value, k: &str) -> Option<String> {
    match p_get(p, k)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn p_bool(p: &Value, k: &str) -> bool {
    match p_get(p, k) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true" || s == "1",
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    }
}

fn p_json(p: &Value, k: &str) -> Option<Value> {
    match p_get(p, k)? {
        Value::String(s) => serde_json::from_str(s).ok(),
        v => Some(v.clone()),
    }
}

fn p_i32(p: &Value, k: &str) -> Option<i32> {
    p_i64(p, k).and_then(|v| i32::try_from(v).ok())
}

/// Keeps only a real inline keyboard (what Telegram echoes back in `Message.reply_markup`);
/// an empty keyboard counts as none.
fn inline_markup(markup: &Option<Value>) -> Option<Value> {
    let m = markup.as_ref()?;
    let rows = m.get("inline_keyboard")?.as_array()?;
    if rows
        .iter()
        .all(|r| r.as_array().is_none_or(|r| r.is_empty()))
    {
        return None;
    }
    Some(m.clone())
}

const BUTTON_ACTIONS: &[&str] = &[
    "callback_data",
    "url",
    "login_url",
    "web_app",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
];

/// Validates `reply_markup` like Telegram does for the mistakes a bot is likely to make.
fn check_markup(markup: Option<Value>) -> Result<Option<Value>, ApiErr> {
    let Some(m) = markup else {
        return Ok(None);
    };
    let Some(rows) = m.get("inline_keyboard") else {
        return Ok(Some(m));
    };
    let Some(rows) = rows.as_array() else {
        return Err(bad(
            "can't parse inline keyboard: field \"inline_keyboard\" must be an Array",
        ));
    };
    for row in rows {
        let Some(row) = row.as_array() else {
            return Err(bad("can't parse inline keyboard: rows must be Arrays"));
        };
        for b in row {
            if b.get("text").and_then(Value::as_str).is_none() {
                return Err(bad(
                    "can't parse inline keyboard button: Text must be a String",
                ));
            }
            if let Some(data) = b.get("callback_data") {
                let len = data.as_str().map_or(0, str::len);
                if !(1..=64).contains(&len) {
                    return Err(bad("BUTTON_DATA_INVALID"));
                }
            }
            if let Some(u) = b.get("url") {
                if u.as_str().and_then(|s| url::Url::parse(s).ok()).is_none() {
                    return Err(bad("BUTTON_URL_INVALID"));
                }
            }
            if !BUTTON_ACTIONS.iter().any(|a| b.get(*a).is_some()) {
                return Err(bad(
                    "can't parse inline keyboard button: Text buttons are unallowed in the \
                     inline keyboard",
                ));
            }
        }
    }
    Ok(Some(m))
}

fn scope_key(scope: &Value) -> (String, String) {
    let ty = scope
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("default")
        .to_owned();
    let chat = p_str(scope, "chat_id").unwrap_or_default();
    let user = p_str(scope, "user_id").unwrap_or_default();
    let key = format!("{ty}|{chat}|{user}");
    (ty, key)
}

// ---------------------------------------------------------------------------------------------
// World: state + Bot API semantics
// ---------------------------------------------------------------------------------------------

impl ChatRec {
    fn new(id: i64, kind: ChatKind, first_msg: i32) -> Self {
        ChatRec {
            id,
            kind,
            next_msg: first_msg,
            messages: BTreeMap::new(),
            topics: BTreeMap::new(),
        }
    }
}

impl World {
    fn new() -> Self {
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
            webhook: None,
            flooded: HashMap::new(),
        }
    }

    // ----- test-side accessors (panic on misuse: that is a bug in the test) ----------------

    fn user_mut(&mut self, id: i64) -> &mut UserRec {
        self.users
            .get_mut(&id)
            .unwrap_or_else(|| panic!("fake_tg: unknown user {id}"))
    }

    fn chat(&self, id: i64) -> &ChatRec {
        self.chats
            .get(&id)
            .unwrap_or_else(|| panic!("fake_tg: unknown chat {id}"))
    }

    fn chat_mut(&mut self, id: i64) -> &mut ChatRec {
        self.chats
            .get_mut(&id)
            .unwrap_or_else(|| panic!("fake_tg: unknown chat {id}"))
    }

    fn topic_mut(&mut self, chat: i64, thread: i32) -> &mut TopicRec {
        self.chat_mut(chat)
            .topics
            .get_mut(&thread)
            .filter(|t| !t.deleted)
            .unwrap_or_else(|| panic!("fake_tg: no live topic {thread} in chat {chat}"))
    }

    fn msg_mut(&mut self, chat: i64, id: i32) -> &mut MsgRec {
        self.chat_mut(chat)
            .messages
            .get_mut(&id)
            .filter(|m| !m.deleted)
            .unwrap_or_else(|| panic!("fake_tg: no live message {id} in chat {chat}"))
    }

    fn rights(&self, chat: i64) -> BotRights {
        match self.chats.get(&chat).map(|c| &c.kind) {
            Some(ChatKind::Supergroup { rights, .. }) => *rights,
            // In a private chat the bot may pin/delete/etc.
            Some(ChatKind::Private) => BotRights::full(),
            None => BotRights::none(),
        }
    }

    /// Whether the bot receives updates from this chat.
    fn bot_sees(&self, chat: i64) -> bool {
        !matches!(
            self.chats.get(&chat).map(|c| &c.kind),
            Some(ChatKind::Supergroup { kicked: true, .. })
        )
    }

    // ----- log, faults, updates -------------------------------------------------------------

    /// Appends to the request log and returns the entry's `seq` (entries are addressed by
    /// `seq`, not index, because `clear_log` may run while a long poll is in flight).
    fn log_request(&mut self, method: &str, params: Value, faulted: bool) -> u64 {
        self.seq += 1;
        self.log.push(LoggedRequest {
            seq: self.seq,
            at: Instant::now(),
            method: method.to_owned(),
            params,
            faulted,
            outcome: RequestOutcome::InFlight,
        });
        self.seq
    }

    fn log_entry(&mut self, seq: u64) -> Option<&mut LoggedRequest> {
        self.log.iter_mut().rev().find(|r| r.seq == seq)
    }

    fn finish(&mut self, seq: u64, res: &Result<Value, ApiErr>) {
        if let Some(entry) = self.log_entry(seq) {
            entry.outcome = match res {
                Ok(_) => RequestOutcome::Ok,
                Err(e) => RequestOutcome::Failed {
                    code: e.code,
                    description: e.description.clone(),
                },
            };
        }
    }

    fn take_fault(&mut self, method: &str) -> Option<Fault> {
        let q = self.faults.get_mut(method)?;
        let f = q.pop_front();
        if q.is_empty() {
            self.faults.remove(method);
        }
        f
    }

    fn push_update(&mut self, kind: &str, payload: Value) -> i64 {
        let id = self.next_update;
        self.next_update += 1;
        let mut o = Map::new();
        o.insert("update_id".to_owned(), json!(id));
        o.insert(kind.to_owned(), payload);
        self.updates.insert(id, Value::Object(o));
        self.enqueue(id, false);
        id
    }

    fn enqueue(&mut self, id: i64, redelivered: bool) {
        self.queue.push(QueueEntry {
            id,
            redelivered,
            handed_out: false,
        });
        self.wake = true;
    }

    /// `offset` semantics of getUpdates: a positive offset confirms every update below it
    /// (redelivered ones only after they were handed out again); a negative offset keeps only
    /// the last `-offset` updates.
    fn acknowledge(&mut self, offset: i64) {
        self.last_offset = Some(offset);
        if offset > 0 {
            self.queue
                .retain(|e| !(e.id < offset && (!e.redelivered || e.handed_out)));
        } else if offset < 0 {
            let keep = usize::try_from(offset.unsigned_abs()).unwrap_or(usize::MAX);
            self.queue.sort_by_key(|e| e.id);
            let drop = self.queue.len().saturating_sub(keep);
            self.queue.drain(..drop);
        }
    }

    fn take_batch(&mut self, limit: usize) -> Vec<Value> {
        self.queue.sort_by_key(|e| e.id);
        let mut out = Vec::new();
        for e in self.queue.iter_mut().take(limit) {
            e.handed_out = true;
            *self.delivered.entry(e.id).or_insert(0) += 1;
            if let Some(u) = self.updates.get(&e.id) {
                out.push(u.clone());
            }
        }
        out
    }

    // ----- JSON builders --------------------------------------------------------------------

    fn user_json(&self, id: i64) -> Value {
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

    fn chat_json(&self, chat: &ChatRec) -> Value {
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

    fn msg_json(&self, chat: &ChatRec, m: &MsgRec, with_reply: bool) -> Value {
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

    fn msg_json_by_id(&self, chat: i64, id: i32, with_reply: bool) -> Value {
        let c = self.chat(chat);
        match c.messages.get(&id) {
            Some(m) => self.msg_json(c, m, with_reply),
            None => Value::Null,
        }
    }

    fn fake_message(&self, chat: &ChatRec, m: &MsgRec) -> FakeMessage {
        FakeMessage {
            chat_id: chat.id,
            id: m.id,
            from_id: m.from,
            thread: m.thread,
            text: m.text.clone().unwrap_or_default(),
            sent_text: m.sent_text.clone(),
            parse_mode: m.parse_mode.clone(),
            entities: m.entities.clone(),
            reply_markup: m.reply_markup.clone(),
            reply_to: m.reply_to,
            service: m.service.clone(),
            media: m.media.clone(),
            pinned: m.pinned_at.is_some(),
            deleted: m.deleted,
            edits: m.history.iter().map(|(t, _)| t.clone()).collect(),
            markup_history: m.history.iter().map(|(_, mk)| mk.clone()).collect(),
            raw: self.msg_json(chat, m, true),
        }
    }

    fn me_json() -> Value {
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

    fn admin_json(&self, user: i64, rights: BotRights) -> Value {
        json!({
            "status": "administrator",
            "user": self.user_json(user),
            "can_be_edited": false,
            "is_anonymous": false,
            "can_manage_chat": true,
            "can_change_info": false,
            "can_delete_messages": rights.can_delete_messages,
            "can_manage_video_chats": false,
            "can_restrict_members": false,
            "can_promote_members": false,
            "can_invite_users": true,
            "can_post_stories": false,
            "can_edit_stories": false,
            "can_delete_stories": false,
            "can_pin_messages": rights.can_pin_messages,
            "can_manage_topics": rights.can_manage_topics,
        })
    }

    fn kicked_json(&self, user: i64) -> Value {
        json!({ "status": "kicked", "user": self.user_json(user), "until_date": 0 })
    }

    /// The `my_chat_member` update Telegram sends when `by` changes the bot's membership.
    fn push_my_chat_member(&mut self, chat: i64, by: &FakeUser, old: Value, new: Value) {
        let payload = json!({
            "chat": self.chat_json(self.chat(chat)),
            "from": self.user_json(by.id),
            "date": now(),
            "old_chat_member": old,
            "new_chat_member": new,
        });
        self.push_update("my_chat_member", payload);
    }

    fn member_json(&self, chat: &ChatRec, user: i64) -> Result<Value, ApiErr> {
        let member = |u: i64| json!({ "status": "member", "user": self.user_json(u) });
        match &chat.kind {
            ChatKind::Private => {
                if user == BOT_ID || user == chat.id {
                    Ok(member(user))
                } else {
                    Err(bad("user not found"))
                }
            }
            ChatKind::Supergroup {
                rights,
                kicked,
                creator,
                admins,
                ..
            } => {
                if user == BOT_ID {
                    if *kicked {
                        Ok(json!({
                            "status": "kicked",
                            "user": self.user_json(BOT_ID),
                            "until_date": 0,
                        }))
                    } else if rights.is_admin {
                        Ok(self.admin_json(BOT_ID, *rights))
                    } else {
                        Ok(member(BOT_ID))
                    }
                } else if *creator == Some(user) {
                    Ok(json!({
                        "status": "creator",
                        "user": self.user_json(user),
                        "is_anonymous": false,
                    }))
                } else if admins.contains(&user) {
                    Ok(self.admin_json(user, BotRights::full()))
                } else if self.users.contains_key(&user) {
                    Ok(member(user))
                } else {
                    Err(bad("user not found"))
                }
            }
        }
    }

    fn chat_full_json(&self, chat: &ChatRec) -> Value {
        let mut o = match &chat.kind {
            ChatKind::Private => self.chat_json(chat),
            ChatKind::Supergroup {
                title, is_forum, ..
            } => json!({
                "id": chat.id,
                "type": "supergroup",
                "title": title,
                "is_forum": is_forum,
                "permissions": {
                    "can_send_messages": true,
                    "can_send_audios": true,
                    "can_send_documents": true,
                    "can_send_photos": true,
                    "can_send_videos": true,
                    "can_send_video_notes": true,
                    "can_send_voice_notes": true,
                    "can_send_polls": true,
                    "can_send_other_messages": true,
                    "can_add_web_page_previews": true,
                    "can_change_info": false,
                    "can_invite_users": true,
                    "can_pin_messages": false,
                    "can_manage_topics": false,
                },
            }),
        };
        o["accepted_gift_types"] = json!({
            "unlimited_gifts": false,
            "limited_gifts": false,
            "unique_gifts": false,
            "premium_subscription": false,
        });
        o["max_reaction_count"] = json!(11);
        o["accent_color_id"] = json!(0);
        let pinned = chat
            .messages
            .values()
            .filter(|m| !m.deleted)
            .filter_map(|m| m.pinned_at.map(|at| (at, m)))
            .max_by_key(|(at, _)| *at);
        if let Some((_, m)) = pinned {
            o["pinned_message"] = self.msg_json(chat, m, false);
        }
        o
    }

    // ----- state changes shared by injection and the API -----------------------------------

    fn alloc_msg_id(&mut self, chat: i64) -> i32 {
        let c = self.chat_mut(chat);
        let id = c.next_msg;
        c.next_msg += 1;
        id
    }

    fn insert_msg(&mut self, chat: i64, m: MsgRec) {
        self.chat_mut(chat).messages.insert(m.id, m);
    }

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

    fn inject_text(
        &mut self,
        chat: i64,
        thread: Option<i32>,
        reply_to: Option<i32>,
        from: i64,
        text: &str,
    ) -> i32 {
        self.check_inject_thread(chat, thread);
        let id = self.alloc_msg_id(chat);
        let mut m = MsgRec::new(id, from, thread);
        let r = plain_render(text);
        m.text = Some(r.text);
        m.entities = r.entities;
        m.reply_to = reply_to;
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

    fn create_topic(
        &mut self,
        chat: i64,
        creator: i64,
        name: &str,
        icon_color: Option<u32>,
        deliver: bool,
    ) -> i32 {
        assert!(
            self.chat(chat).is_forum(),
            "fake_tg: chat {chat} is not a forum"
        );
        let id = self.alloc_msg_id(chat);
        let n = self.chat(chat).topics.len();
        let color = icon_color.unwrap_or(TOPIC_COLORS[n % TOPIC_COLORS.len()]);
        self.chat_mut(chat).topics.insert(
            id,
            TopicRec {
                name: name.to_owned(),
                icon_color: color,
                icon_custom_emoji_id: None,
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

    /// Stores a service message (from a user or the bot) and delivers it in groups.
    fn service_message(
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

    // ----- API-side checks ------------------------------------------------------------------

    fn chat_param(&self, p: &Value, key: &str) -> Result<i64, ApiErr> {
        let Some(v) = p_get(p, key) else {
            return Err(bad(&format!("{key} is empty")));
        };
        let id = match v {
            Value::Number(n) => n.as_i64(),
            // `@username` addressing only works for public chats; the fake has none.
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        match id {
            Some(id) if self.chats.contains_key(&id) => Ok(id),
            _ => Err(bad("chat not found")),
        }
    }

    /// The bot may act in the chat at all (not kicked).
    fn check_member(&self, chat: i64) -> Result<(), ApiErr> {
        match &self.chat(chat).kind {
            ChatKind::Supergroup { kicked: true, .. } => {
                Err(forbidden("bot was kicked from the supergroup chat"))
            }
            _ => Ok(()),
        }
    }

    /// The bot may send a new message to the chat.
    fn check_can_send(&self, chat: i64) -> Result<(), ApiErr> {
        self.check_member(chat)?;
        if let ChatKind::Private = self.chat(chat).kind {
            if let Some(u) = self.users.get(&chat) {
                if u.blocked {
                    return Err(forbidden("bot was blocked by the user"));
                }
                if !u.started {
                    return Err(forbidden("bot can't initiate conversation with a user"));
                }
            }
        }
        Ok(())
    }

    /// Resolves `message_thread_id` and `reply_parameters`/`reply_to_message_id` of a send
    /// request into `(thread, reply_to)`.
    fn target(&self, chat: i64, p: &Value) -> Result<(Option<i32>, Option<i32>), ApiErr> {
        let c = self.chat(chat);
        let explicit = p_i64(p, "message_thread_id");
        let mut thread = None;
        if let Some(t) = explicit {
            let t = i32::try_from(t).map_err(|_| bad("message thread not found"))?;
            if c.is_forum() && t == 1 {
                thread = None;
            } else if c.is_forum() && c.live_topic(t).is_some() {
                thread = Some(t);
            } else {
                return Err(bad("message thread not found"));
            }
        }
        let reply_params = p_json(p, "reply_parameters");
        let reply_id = reply_params
            .as_ref()
            .and_then(|r| p_i64(r, "message_id"))
            .or_else(|| p_i64(p, "reply_to_message_id"));
        let allow = reply_params
            .as_ref()
            .is_some_and(|r| p_bool(r, "allow_sending_without_reply"))
            || p_bool(p, "allow_sending_without_reply");
        let mut reply_to = None;
        if let Some(r) = reply_id {
            let found = i32::try_from(r).ok().and_then(|r| c.live_msg(r));
            match found {
                Some(m) => {
                    reply_to = Some(m.id);
                    if explicit.is_none() {
                        thread = m.thread;
                    }
                }
                None if allow => {}
                None => return Err(bad("message to be replied not found")),
            }
        }
        if let Some(t) = thread {
            let closed = c.live_topic(t).is_some_and(|tp| tp.closed);
            if closed && !self.rights(chat).manage_topics() {
                return Err(bad("TOPIC_CLOSED"));
            }
        }
        Ok((thread, reply_to))
    }

    fn message_id_param(p: &Value) -> Result<i32, ApiErr> {
        p_i32(p, "message_id").ok_or_else(|| bad("message identifier is not specified"))
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

    /// The bot may edit/close/reopen the topic: `can_manage_topics`, or it created the topic.
    fn check_topic_rights(&self, chat: i64, thread: i32) -> Result<(), ApiErr> {
        let created_by_bot = self
            .chat(chat)
            .live_topic(thread)
            .is_some_and(|t| t.created_by == BOT_ID);
        if self.rights(chat).manage_topics() || created_by_bot {
            Ok(())
        } else {
            Err(bad("not enough rights to manage topics"))
        }
    }

    // ----- dispatch -------------------------------------------------------------------------

    fn call(&mut self, method: &str, p: &Value) -> Result<Value, ApiErr> {
        match method {
            "getme" => Ok(World::me_json()),
            "getwebhookinfo" => Ok(json!({
                "url": self.webhook.clone().unwrap_or_default(),
                "has_custom_certificate": false,
                "pending_update_count": self.queue.len(),
            })),
            "setwebhook" => {
                let url = p_str(p, "url").unwrap_or_default();
                self.webhook = (!url.is_empty()).then_some(url);
                Ok(json!(true))
            }
            "deletewebhook" => {
                self.webhook = None;
                if p_bool(p, "drop_pending_updates") {
                    self.queue.clear();
                }
                Ok(json!(true))
            }
            "logout" | "close" => Ok(json!(true)),
            "sendmessage" => self.send_message(p),
            "editmessagetext" => self.edit_message_text(p),
            "editmessagereplymarkup" => self.edit_message_reply_markup(p),
            "editmessagecaption" => self.edit_message_caption(p),
            "setmessagereaction" => {
                let chat = self.chat_param(p, "chat_id")?;
                self.check_member(chat)?;
                let id = World::message_id_param(p)?;
                match self.chat(chat).live_msg(id) {
                    Some(_) => Ok(json!(true)),
                    None => Err(bad("MESSAGE_ID_INVALID")),
                }
            }
            "deletemessage" => self.delete_message(p),
            "deletemessages" => self.delete_messages(p),
            "copymessage" => self.copy_message(p),
            "senddocument" => self.send_media(p, "document"),
            "sendphoto" => self.send_media(p, "photo"),
            "sendinvoice" => self.send_invoice(p),
            "sendchataction" => {
                let chat = self.chat_param(p, "chat_id")?;
                self.check_can_send(chat)?;
                self.target(chat, p)?;
                Ok(json!(true))
            }
            "answercallbackquery" => self.answer_callback_query(p),
            "answerprecheckoutquery" => self.answer_pre_checkout_query(p),
            "pinchatmessage" => self.pin_chat_message(p),
            "unpinchatmessage" => self.unpin_chat_message(p),
            "unpinallchatmessages" => {
                let chat = self.chat_param(p, "chat_id")?;
                self.check_member(chat)?;
                self.check_pin_rights(chat)?;
                for m in self.chat_mut(chat).messages.values_mut() {
                    m.pinned_at = None;
                }
                Ok(json!(true))
            }
            "createforumtopic" => self.create_forum_topic(p),
            "editforumtopic" => self.edit_forum_topic(p),
            "closeforumtopic" => self.set_topic_closed(p, true),
            "reopenforumtopic" => self.set_topic_closed(p, false),
            "deleteforumtopic" => self.delete_forum_topic(p),
            "getchat" => {
                let chat = self.chat_param(p, "chat_id")?;
                self.check_member(chat)?;
                Ok(self.chat_full_json(self.chat(chat)))
            }
            "getchatmember" => {
                let chat = self.chat_param(p, "chat_id")?;
                let user = p_i64(p, "user_id").ok_or_else(|| bad("user_id is empty"))?;
                if user != BOT_ID {
                    self.check_member(chat)?;
                }
                self.member_json(self.chat(chat), user)
            }
            "getchatadministrators" => self.get_chat_administrators(p),
            "getchatmembercount" => {
                let chat = self.chat_param(p, "chat_id")?;
                self.check_member(chat)?;
                Ok(json!(if self.chat(chat).is_group() {
                    self.users.len() + 1
                } else {
                    2
                }))
            }
            "setmycommands" => self.set_my_commands(p),
            "deletemycommands" => {
                let scope = p_json(p, "scope").unwrap_or_else(|| json!({ "type": "default" }));
                let (_, key) = scope_key(&scope);
                let lang = p_str(p, "language_code").unwrap_or_default();
                self.commands
                    .retain(|s| !(s.scope_key == key && s.language == lang));
                Ok(json!(true))
            }
            "getmycommands" => {
                let scope = p_json(p, "scope").unwrap_or_else(|| json!({ "type": "default" }));
                let (_, key) = scope_key(&scope);
                let lang = p_str(p, "language_code").unwrap_or_default();
                let cmds = self
                    .commands
                    .iter()
                    .find(|s| s.scope_key == key && s.language == lang)
                    .map(|s| s.commands.clone())
                    .unwrap_or_default();
                Ok(Value::Array(cmds))
            }
            "setmydescription"
            | "setmyshortdescription"
            | "setmyname"
            | "setchatmenubutton"
            | "setmydefaultadministratorrights" => Ok(json!(true)),
            _ => Err(not_found()),
        }
    }

    fn send_message(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_can_send(chat)?;
        let (thread, reply_to) = self.target(chat, p)?;
        let text = p_str(p, "text").ok_or_else(|| bad("message text is empty"))?;
        let parse_mode = p_str(p, "parse_mode").filter(|s| !s.is_empty());
        let r = render(&text, parse_mode.as_deref(), p_json(p, "entities"))?;
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
        m.parse_mode = parse_mode;
        m.reply_markup = markup;
        self.insert_msg(chat, m);
        Ok(self.msg_json_by_id(chat, id, true))
    }

    /// The message the bot wants to edit: must exist and be the bot's own.
    fn editable(&self, chat: i64, p: &Value) -> Result<i32, ApiErr> {
        if p_get(p, "inline_message_id").is_some() {
            return Err(bad("message to edit not found"));
        }
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

    fn edit_message_text(&mut self, p: &Value) -> Result<Value, ApiErr> {
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
        let r = render(&text, parse_mode.as_deref(), p_json(p, "entities"))?;
        if r.text.trim().is_empty() {
            return Err(bad("message text is empty"));
        }
        if utf16_len(&r.text) > MAX_TEXT_LEN {
            return Err(bad("MESSAGE_TOO_LONG"));
        }
        let markup = check_markup(p_json(p, "reply_markup"))?;
        let m = self.msg_mut(chat, id);
        if m.is_caption || m.text.is_none() {
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
        let old = (m.text.clone().unwrap_or_default(), m.reply_markup.clone());
        m.history.push(old);
        m.text = Some(r.text);
        m.entities = r.entities;
        m.sent_text = Some(text);
        m.parse_mode = parse_mode;
        // Like Telegram: an edit without reply_markup removes the inline keyboard.
        m.reply_markup = markup;
        m.edit_date = Some(now());
        Ok(self.msg_json_by_id(chat, id, true))
    }

    fn edit_message_caption(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_member(chat)?;
        let id = self.editable(chat, p)?;
        let caption = p_str(p, "caption").unwrap_or_default();
        let parse_mode = p_str(p, "parse_mode").filter(|s| !s.is_empty());
        let r = render(
            &caption,
            parse_mode.as_deref(),
            p_json(p, "caption_entities"),
        )?;
        if utf16_len(&r.text) > MAX_CAPTION_LEN {
            return Err(bad("message caption is too long"));
        }
        let markup = check_markup(p_json(p, "reply_markup"))?;
        let m = self.msg_mut(chat, id);
        if m.media.is_none() {
            return Err(bad("there is no caption in the message to edit"));
        }
        let current = m.text.clone().unwrap_or_default();
        if current == r.text
            && m.entities == r.entities
            && inline_markup(&m.reply_markup) == inline_markup(&markup)
        {
            return Err(bad(
                "message is not modified: specified new message content and reply markup are \
                 exactly the same as a current content and reply markup of the message",
            ));
        }
        m.history.push((current, m.reply_markup.clone()));
        m.text = (!r.text.is_empty()).then_some(r.text);
        m.is_caption = true;
        m.entities = r.entities;
        m.sent_text = Some(caption);
        m.parse_mode = parse_mode;
        m.reply_markup = markup;
        m.edit_date = Some(now());
        Ok(self.msg_json_by_id(chat, id, true))
    }

    fn edit_message_reply_markup(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_member(chat)?;
        let id = self.editable(chat, p)?;
        let markup = check_markup(p_json(p, "reply_markup"))?;
        let m = self.msg_mut(chat, id);
        if inline_markup(&m.reply_markup) == inline_markup(&markup) {
            return Err(bad(
                "message is not modified: specified new message content and reply markup are \
                 exactly the same as a current content and reply markup of the message",
            ));
        }
        let old = (m.text.clone().unwrap_or_default(), m.reply_markup.clone());
        m.history.push(old);
        m.reply_markup = markup;
        m.edit_date = Some(now());
        Ok(self.msg_json_by_id(chat, id, true))
    }

    fn delete_message(&mut self, p: &Value) -> Result<Value, ApiErr> {
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
            // The root of a topic cannot be deleted on its own (use deleteForumTopic).
            return Err(bad("message can't be deleted"));
        }
        self.msg_mut(chat, id).deleted = true;
        Ok(json!(true))
    }

    fn delete_messages(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_member(chat)?;
        let ids = p_json(p, "message_ids")
            .and_then(|v| v.as_array().cloned())
            .ok_or_else(|| bad("message identifiers are not specified"))?;
        let may_delete_others = self.rights(chat).delete_messages() || !self.chat(chat).is_group();
        let c = self.chat_mut(chat);
        for id in ids.iter().filter_map(Value::as_i64) {
            let Ok(id) = i32::try_from(id) else { continue };
            if c.topics.contains_key(&id) {
                continue;
            }
            if let Some(m) = c.messages.get_mut(&id) {
                if m.from == BOT_ID || may_delete_others {
                    m.deleted = true;
                }
            }
        }
        Ok(json!(true))
    }

    fn copy_message(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let from_chat = self.chat_param(p, "from_chat_id")?;
        let src_id = World::message_id_param(p)?;
        let src = self
            .chat(from_chat)
            .live_msg(src_id)
            .cloned()
            .ok_or_else(|| bad("message to copy not found"))?;
        if src.service.is_some() || src.media.as_deref() == Some("invoice") {
            return Err(bad("message can't be copied"));
        }
        let chat = self.chat_param(p, "chat_id")?;
        self.check_can_send(chat)?;
        let (thread, reply_to) = self.target(chat, p)?;
        let markup = check_markup(p_json(p, "reply_markup"))?;
        let id = self.alloc_msg_id(chat);
        let mut m = MsgRec::new(id, BOT_ID, thread);
        m.reply_to = reply_to;
        m.text = src.text.clone();
        m.is_caption = src.is_caption;
        m.entities = src.entities.clone();
        m.content = src.content.clone();
        m.media = src.media.clone();
        if let Some(caption) = p_str(p, "caption") {
            let parse_mode = p_str(p, "parse_mode").filter(|s| !s.is_empty());
            let r = render(
                &caption,
                parse_mode.as_deref(),
                p_json(p, "caption_entities"),
            )?;
            if utf16_len(&r.text) > MAX_CAPTION_LEN {
                return Err(bad("message caption is too long"));
            }
            m.text = Some(r.text);
            m.entities = r.entities;
            m.is_caption = true;
            m.sent_text = Some(caption);
            m.parse_mode = parse_mode;
        }
        m.reply_markup = markup;
        self.insert_msg(chat, m);
        Ok(json!({ "message_id": id }))
    }

    fn send_media(&mut self, p: &Value, kind: &str) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_can_send(chat)?;
        let (thread, reply_to) = self.target(chat, p)?;
        let file = p_get(p, kind)
            .cloned()
            .ok_or_else(|| bad(&format!("there is no {kind} in the request")))?;
        let markup = check_markup(p_json(p, "reply_markup"))?;
        let id = self.alloc_msg_id(chat);
        let tag = format!("{}_{id}", chat.unsigned_abs());
        let (file_name, size, mime) = match &file {
            Value::Object(o) => (
                o.get("file_name")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                o.get("size").and_then(Value::as_u64).unwrap_or(0),
                o.get("content_type")
                    .and_then(Value::as_str)
                    .filter(|m| m.contains('/'))
                    .map(str::to_owned),
            ),
            _ => (None, 1024, None),
        };
        let mut m = MsgRec::new(id, BOT_ID, thread);
        m.reply_to = reply_to;
        let media = if kind == "photo" {
            fake_photo_sizes(&tag, size)
        } else {
            fake_document(&tag, file_name.as_deref(), size, mime.as_deref())
        };
        m.content.insert(kind.to_owned(), media);
        m.media = Some(kind.to_owned());
        if let Some(caption) = p_str(p, "caption") {
            let parse_mode = p_str(p, "parse_mode").filter(|s| !s.is_empty());
            let r = render(
                &caption,
                parse_mode.as_deref(),
                p_json(p, "caption_entities"),
            )?;
            if utf16_len(&r.text) > MAX_CAPTION_LEN {
                return Err(bad("message caption is too long"));
            }
            if !r.text.is_empty() {
                m.text = Some(r.text);
                m.is_caption = true;
                m.entities = r.entities;
            }
            m.sent_text = Some(caption);
            m.parse_mode = parse_mode;
        }
        m.reply_markup = markup;
        self.insert_msg(chat, m);
        Ok(self.msg_json_by_id(chat, id, true))
    }

    fn send_invoice(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_can_send(chat)?;
        let (thread, reply_to) = self.target(chat, p)?;
        let title = p_str(p, "title").ok_or_else(|| bad("title is empty"))?;
        let description = p_str(p, "description").ok_or_else(|| bad("description is empty"))?;
        p_str(p, "payload").ok_or_else(|| bad("payload is empty"))?;
        let currency = p_str(p, "currency").ok_or_else(|| bad("currency is empty"))?;
        let prices = p_json(p, "prices")
            .and_then(|v| v.as_array().cloned())
            .filter(|a| !a.is_empty())
            .ok_or_else(|| bad("INVOICE_PRICES_EMPTY"))?;
        let total: i64 = prices
            .iter()
            .filter_map(|pr| pr.get("amount").and_then(Value::as_i64))
            .sum();
        let markup = check_markup(p_json(p, "reply_markup"))?;
        let id = self.alloc_msg_id(chat);
        let mut m = MsgRec::new(id, BOT_ID, thread);
        m.reply_to = reply_to;
        m.media = Some("invoice".to_owned());
        m.content.insert(
            "invoice".to_owned(),
            json!({
                "title": title,
                "description": description,
                "start_parameter": p_str(p, "start_parameter").unwrap_or_default(),
                "currency": currency,
                "total_amount": total,
            }),
        );
        m.reply_markup = markup;
        self.insert_msg(chat, m);
        Ok(self.msg_json_by_id(chat, id, true))
    }

    fn answer_callback_query(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let id = p_str(p, "callback_query_id").unwrap_or_default();
        match self.callbacks.get_mut(&id) {
            Some(slot @ None) => {
                *slot = Some((p_str(p, "text"), p_bool(p, "show_alert")));
                Ok(json!(true))
            }
            _ => Err(bad(
                "query is too old and response timeout expired or query id is invalid",
            )),
        }
    }

    fn answer_pre_checkout_query(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let id = p_str(p, "pre_checkout_query_id").unwrap_or_default();
        let ok = p_bool(p, "ok");
        let error = p_str(p, "error_message");
        if !ok && error.as_deref().is_none_or(str::is_empty) {
            return Err(bad("ERROR_MESSAGE_EMPTY"));
        }
        match self.pre_checkouts.get_mut(&id) {
            Some(slot @ None) => {
                *slot = Some((ok, error));
                Ok(json!(true))
            }
            _ => Err(bad(
                "query is too old and response timeout expired or query id is invalid",
            )),
        }
    }

    fn check_pin_rights(&self, chat: i64) -> Result<(), ApiErr> {
        if self.chat(chat).is_group() && !self.rights(chat).pin_messages() {
            return Err(bad(
                "not enough rights to manage pinned messages in the chat",
            ));
        }
        Ok(())
    }

    fn pin_chat_message(&mut self, p: &Value) -> Result<Value, ApiErr> {
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

    fn unpin_chat_message(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_member(chat)?;
        self.check_pin_rights(chat)?;
        let target = match p_i32(p, "message_id") {
            Some(id) => {
                self.chat(chat)
                    .live_msg(id)
                    .ok_or_else(|| bad("message to unpin not found"))?;
                Some(id)
            }
            None => self
                .chat(chat)
                .messages
                .values()
                .filter(|m| !m.deleted)
                .filter_map(|m| m.pinned_at.map(|at| (at, m.id)))
                .max()
                .map(|(_, id)| id),
        };
        if let Some(id) = target {
            self.msg_mut(chat, id).pinned_at = None;
        }
        Ok(json!(true))
    }

    fn create_forum_topic(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_member(chat)?;
        if !self.chat(chat).is_forum() {
            return Err(bad("the chat is not a forum"));
        }
        if !self.rights(chat).manage_topics() {
            return Err(bad("not enough rights to create a topic"));
        }
        let name = p_str(p, "name").unwrap_or_default();
        check_topic_name(&name)?;
        let color = p_i64(p, "icon_color").and_then(|c| u32::try_from(c).ok());
        let emoji = p_str(p, "icon_custom_emoji_id").filter(|s| !s.is_empty());
        let id = self.create_topic(chat, BOT_ID, &name, color, true);
        let t = self.topic_mut(chat, id);
        t.icon_custom_emoji_id = emoji.clone();
        let mut topic = json!({
            "message_thread_id": id,
            "name": name,
            "icon_color": t.icon_color,
        });
        if let Some(e) = emoji {
            topic["icon_custom_emoji_id"] = json!(e);
        }
        Ok(topic)
    }

    fn edit_forum_topic(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_member(chat)?;
        let thread = self.forum_topic_param(chat, p)?;
        self.check_topic_rights(chat, thread)?;
        let name = p_str(p, "name");
        if let Some(n) = &name {
            check_topic_name(n)?;
        }
        let emoji = p_str(p, "icon_custom_emoji_id");
        let t = self.topic_mut(chat, thread);
        let mut edited = Map::new();
        if let Some(n) = name.filter(|n| *n != t.name) {
            t.name = n.clone();
            edited.insert("name".to_owned(), json!(n));
        }
        if let Some(e) = emoji {
            let new = (!e.is_empty()).then(|| e.clone());
            if new != t.icon_custom_emoji_id {
                t.icon_custom_emoji_id = new;
                edited.insert("icon_custom_emoji_id".to_owned(), json!(e));
            }
        }
        if edited.is_empty() {
            return Err(bad("TOPIC_NOT_MODIFIED"));
        }
        self.service_message(
            chat,
            Some(thread),
            BOT_ID,
            "forum_topic_edited",
            Value::Object(edited),
        );
        Ok(json!(true))
    }

    fn set_topic_closed(&mut self, p: &Value, close: bool) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_member(chat)?;
        let thread = self.forum_topic_param(chat, p)?;
        self.check_topic_rights(chat, thread)?;
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

    fn delete_forum_topic(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_member(chat)?;
        let thread = self.forum_topic_param(chat, p)?;
        if !self.rights(chat).delete_messages() {
            return Err(bad("not enough rights to delete a topic"));
        }
        self.delete_topic(chat, thread);
        Ok(json!(true))
    }

    fn get_chat_administrators(&self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_member(chat)?;
        let c = self.chat(chat);
        let ChatKind::Supergroup {
            rights,
            creator,
            admins,
            ..
        } = &c.kind
        else {
            return Err(bad("there are no administrators in the private chat"));
        };
        let mut out = Vec::new();
        if let Some(u) = creator {
            out.push(self.member_json(c, *u)?);
        }
        for u in admins.iter().filter(|u| Some(**u) != *creator) {
            out.push(self.admin_json(*u, BotRights::full()));
        }
        if rights.is_admin {
            out.push(self.admin_json(BOT_ID, *rights));
        }
        Ok(Value::Array(out))
    }

    fn set_my_commands(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let commands = p_json(p, "commands")
            .and_then(|v| v.as_array().cloned())
            .ok_or_else(|| bad("can't parse commands JSON object"))?;
        if commands.len() > 100 {
            return Err(bad("too many commands specified"));
        }
        for c in &commands {
            let name = c.get("command").and_then(Value::as_str).unwrap_or("");
            let valid = (1..=32).contains(&name.len())
                && name
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
            if !valid {
                return Err(bad("BOT_COMMAND_INVALID"));
            }
            let desc = c.get("description").and_then(Value::as_str).unwrap_or("");
            if !(1..=256).contains(&desc.chars().count()) {
                return Err(bad("BOT_COMMAND_DESCRIPTION_INVALID"));
            }
        }
        let scope = p_json(p, "scope").unwrap_or_else(|| json!({ "type": "default" }));
        if p_get(&scope, "chat_id").is_some() {
            self.chat_param(&scope, "chat_id")?;
        }
        let (scope_type, key) = scope_key(&scope);
        let lang = p_str(p, "language_code").unwrap_or_default();
        self.commands
            .retain(|s| !(s.scope_key == key && s.language == lang));
        if !commands.is_empty() {
            self.commands.push(CommandSet {
                scope_type,
                scope_key: key,
                scope,
                language: lang,
                commands,
            });
        }
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

// ---------------------------------------------------------------------------------------------
// Text rendering: parse_mode validation and entity extraction
// ---------------------------------------------------------------------------------------------

/// Text with markup removed plus the entities Telegram would report (offsets in UTF-16).
#[derive(Debug, Default)]
struct Rendered {
    text: String,
    len16: usize,
    entities: Vec<Value>,
}

impl Rendered {
    fn push(&mut self, c: char) {
        self.text.push(c);
        self.len16 += c.len_utf16();
    }

    fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            self.push(c);
        }
    }

    /// Adds an entity from `start` to the current end; empty entities are dropped like
    /// Telegram does.
    fn entity(&mut self, kind: &str, start: usize, extra: Option<(&str, Value)>) {
        if self.len16 <= start {
            return;
        }
        let mut e = json!({ "type": kind, "offset": start, "length": self.len16 - start });
        if let Some((k, v)) = extra {
            e[k] = v;
        }
        self.entities.push(e);
    }

    fn finish(mut self) -> Rendered {
        self.entities.sort_by_key(|e| {
            let off = e.get("offset").and_then(Value::as_u64).unwrap_or(0);
            let len = e.get("length").and_then(Value::as_u64).unwrap_or(0);
            (off, u64::MAX - len)
        });
        self
    }
}

/// How user-typed text arrives: no markup, but a `bot_command` entity for a leading command.
fn plain_render(text: &str) -> Rendered {
    let mut r = Rendered::default();
    r.push_str(text);
    if text.starts_with('/') {
        let cmd = text.split_whitespace().next().unwrap_or(text);
        r.entities
            .push(json!({ "type": "bot_command", "offset": 0, "length": utf16_len(cmd) }));
    }
    r
}

fn render(
    text: &str,
    parse_mode: Option<&str>,
    entities: Option<Value>,
) -> Result<Rendered, ApiErr> {
    let parsed = match parse_mode.map(str::to_ascii_lowercase).as_deref() {
        None => {
            let mut r = Rendered::default();
            r.push_str(text);
            if let Some(Value::Array(e)) = entities {
                r.entities = e;
            }
            Ok(r)
        }
        Some("markdownv2") => parse_markdown_v2(text),
        Some("html") => parse_html(text),
        Some("markdown") => parse_markdown_legacy(text),
        Some(_) => return Err(bad("unsupported parse_mode")),
    };
    parsed
        .map(Rendered::finish)
        .map_err(|e| bad(&format!("can't parse entities: {e}")))
}

const MD2_RESERVED: &str = "_*[]()~`>#+-=|{}.!";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MdKind {
    Bold,
    Italic,
    Underline,
    Strikethrough,
    Spoiler,
    TextUrl,
    CustomEmoji,
}

impl MdKind {
    fn name(self) -> &'static str {
        match self {
            MdKind::Bold => "Bold",
            MdKind::Italic => "Italic",
            MdKind::Underline => "Underline",
            MdKind::Strikethrough => "Strikethrough",
            MdKind::Spoiler => "Spoiler",
            MdKind::TextUrl => "TextUrl",
            MdKind::CustomEmoji => "CustomEmoji",
        }
    }

    fn entity_type(self) -> &'static str {
        match self {
            MdKind::Bold => "bold",
            MdKind::Italic => "italic",
            MdKind::Underline => "underline",
            MdKind::Strikethrough => "strikethrough",
            MdKind::Spoiler => "spoiler",
            MdKind::TextUrl => "text_link",
            MdKind::CustomEmoji => "custom_emoji",
        }
    }
}

/// Emits a link-like entity if the URL is usable (teloxide needs a parseable URL; Telegram
/// silently drops unusable links).
fn link_entity(r: &mut Rendered, kind: MdKind, start: usize, url: &str) {
    if kind == MdKind::CustomEmoji {
        let id = url
            .strip_prefix("tg://emoji?id=")
            .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()));
        if let Some(id) = id {
            r.entity("custom_emoji", start, Some(("custom_emoji_id", json!(id))));
        }
    } else if url::Url::parse(url).is_ok() {
        r.entity("text_link", start, Some(("url", json!(url))));
    }
}

/// MarkdownV2 as documented by Telegram: `*bold*`, `_italic_`, `__underline__`, `~strike~`,
/// `||spoiler||`, `[text](url)`, `![emoji](tg://emoji?id=…)`, `` `code` ``, ```` ```pre``` ````,
/// `>` blockquotes at line start; every other reserved character must be escaped with `\`.
fn parse_markdown_v2(s: &str) -> Result<Rendered, String> {
    struct Open {
        kind: MdKind,
        byte: usize,
        start: usize,
    }
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let n = chars.len();
    let at = |i: usize| chars.get(i).map(|(_, c)| *c);
    let mut r = Rendered::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut quote: Option<usize> = None;
    let mut i = 0;
    while i < n {
        let (b, c) = chars[i];
        let line_start = i == 0 || at(i - 1) == Some('\n');
        match c {
            '\\' => match at(i + 1) {
                Some(e) if (1..=126).contains(&(e as u32)) => {
                    r.push(e);
                    i += 2;
                }
                _ => {
                    r.push('\\');
                    i += 1;
                }
            },
            '*' | '~' | '_' => {
                let (kind, width) = match c {
                    '*' => (MdKind::Bold, 1),
                    '~' => (MdKind::Strikethrough, 1),
                    _ if at(i + 1) == Some('_') => (MdKind::Underline, 2),
                    _ => (MdKind::Italic, 1),
                };
                if let Some(pos) = stack.iter().rposition(|o| o.kind == kind) {
                    let o = stack.remove(pos);
                    r.entity(kind.entity_type(), o.start, None);
                } else {
                    stack.push(Open {
                        kind,
                        byte: b,
                        start: r.len16,
                    });
                }
                i += width;
            }
            '|' if at(i + 1) == Some('|') => {
                if let Some(pos) = stack.iter().rposition(|o| o.kind == MdKind::Spoiler) {
                    let o = stack.remove(pos);
                    r.entity("spoiler", o.start, None);
                } else {
                    stack.push(Open {
                        kind: MdKind::Spoiler,
                        byte: b,
                        start: r.len16,
                    });
                }
                i += 2;
            }
            '[' => {
                stack.push(Open {
                    kind: MdKind::TextUrl,
                    byte: b,
                    start: r.len16,
                });
                i += 1;
            }
            '!' if at(i + 1) == Some('[') => {
                stack.push(Open {
                    kind: MdKind::CustomEmoji,
                    byte: b,
                    start: r.len16,
                });
                i += 2;
            }
            ']' if stack
                .last()
                .is_some_and(|o| matches!(o.kind, MdKind::TextUrl | MdKind::CustomEmoji)) =>
            {
                if at(i + 1) != Some('(') {
                    return Err(
                        "Character ']' is reserved and must be escaped with the preceding '\\'"
                            .to_owned(),
                    );
                }
                let mut j = i + 2;
                let mut url = String::new();
                loop {
                    match at(j) {
                        None => return Err(format!("Can't find end of a URL at byte offset {b}")),
                        Some('\\') if at(j + 1).is_some() => {
                            url.extend(at(j + 1));
                            j += 2;
                        }
                        Some(')') => break,
                        Some(ch) => {
                            url.push(ch);
                            j += 1;
                        }
                    }
                }
                if let Some(o) = stack.pop() {
                    link_entity(&mut r, o.kind, o.start, &url);
                }
                i = j + 1;
            }
            '`' => {
                let pre = at(i + 1) == Some('`') && at(i + 2) == Some('`');
                let (open_w, close): (usize, &[char]) = if pre {
                    (3, &['`', '`', '`'])
                } else {
                    (1, &['`'])
                };
                let mut j = i + open_w;
                let mut body = String::new();
                loop {
                    match at(j) {
                        None => {
                            let kind = if pre { "Pre" } else { "Code" };
                            return Err(format!(
                                "Can't find end of {kind} entity at byte offset {b}"
                            ));
                        }
                        Some('\\') if at(j + 1).is_some() => {
                            body.extend(at(j + 1));
                            j += 2;
                        }
                        Some(_) if (0..close.len()).all(|k| at(j + k) == Some(close[k])) => break,
                        Some(ch) => {
                            body.push(ch);
                            j += 1;
                        }
                    }
                }
                let start = r.len16;
                if pre {
                    let (language, code) = match body.split_once('\n') {
                        Some((first, rest))
                            if !first.is_empty() && !first.contains(char::is_whitespace) =>
                        {
                            (Some(first.to_owned()), rest.to_owned())
                        }
                        Some(("", rest)) => (None, rest.to_owned()),
                        _ => (None, body.clone()),
                    };
                    r.push_str(&code);
                    r.entity("pre", start, language.map(|l| ("language", json!(l))));
                } else {
                    r.push_str(&body);
                    r.entity("code", start, None);
                }
                i = j + close.len();
            }
            '>' if line_start => {
                if quote.is_none() {
                    quote = Some(r.len16);
                }
                i += 1;
            }
            '\n' => {
                if let Some(q) = quote {
                    if at(i + 1) != Some('>') {
                        r.entity("blockquote", q, None);
                        quote = None;
                    }
                }
                r.push('\n');
                i += 1;
            }
            _ if MD2_RESERVED.contains(c) => {
                return Err(format!(
                    "Character '{c}' is reserved and must be escaped with the preceding '\\'"
                ));
            }
            _ => {
                r.push(c);
                i += 1;
            }
        }
    }
    if let Some(q) = quote {
        r.entity("blockquote", q, None);
    }
    if let Some(o) = stack.first() {
        return Err(format!(
            "Can't find end of {} entity at byte offset {}",
            o.kind.name(),
            o.byte
        ));
    }
    Ok(r)
}

/// Legacy `Markdown`: `*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ````, `[text](url)`;
/// only `_ * ` [` can be escaped.
fn parse_markdown_legacy(s: &str) -> Result<Rendered, String> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|(_, c)| *c);
    let mut r = Rendered::default();
    let mut i = 0;
    while i < chars.len() {
        let (b, c) = chars[i];
        let unterminated = || format!("Can't find end of the entity starting at byte offset {b}");
        match c {
            '\\' if matches!(at(i + 1), Some('_' | '*' | '`' | '[')) => {
                r.push(at(i + 1).unwrap_or('\\'));
                i += 2;
            }
            '*' | '_' => {
                let end = (i + 1..chars.len())
                    .find(|&j| at(j) == Some(c))
                    .ok_or_else(unterminated)?;
                let start = r.len16;
                for (_, ch) in &chars[i + 1..end] {
                    r.push(*ch);
                }
                r.entity(if c == '*' { "bold" } else { "italic" }, start, None);
                i = end + 1;
            }
            '`' => {
                let pre = at(i + 1) == Some('`') && at(i + 2) == Some('`');
                let w = if pre { 3 } else { 1 };
                let end = (i + w..chars.len())
                    .find(|&j| (0..w).all(|k| at(j + k) == Some('`')))
                    .ok_or_else(unterminated)?;
                let start = r.len16;
                for (_, ch) in &chars[i + w..end] {
                    r.push(*ch);
                }
                r.entity(if pre { "pre" } else { "code" }, start, None);
                i = end + w;
            }
            '[' => {
                let close = (i + 1..chars.len())
                    .find(|&j| at(j) == Some(']'))
                    .ok_or_else(unterminated)?;
                if at(close + 1) != Some('(') {
                    return Err(unterminated());
                }
                let end = (close + 2..chars.len())
                    .find(|&j| at(j) == Some(')'))
                    .ok_or_else(unterminated)?;
                let url: String = chars[close + 2..end].iter().map(|(_, c)| *c).collect();
                let start = r.len16;
                for (_, ch) in &chars[i + 1..close] {
                    r.push(*ch);
                }
                link_entity(&mut r, MdKind::TextUrl, start, &url);
                i = end + 1;
            }
            _ => {
                r.push(c);
                i += 1;
            }
        }
    }
    Ok(r)
}

/// Decodes one HTML entity starting at `s[0] == '&'`; returns the char and the bytes consumed.
fn html_entity(s: &str) -> Option<(char, usize)> {
    let end = s.char_indices().take(12).find(|(_, c)| *c == ';')?.0;
    let name = &s[1..end];
    let c = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

fn decode_html_attr(v: &str) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < v.len() {
        let rest = &v[i..];
        if rest.starts_with('&') {
            if let Some((c, used)) = html_entity(rest) {
                out.push(c);
                i += used;
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

fn parse_html_attrs(s: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            if let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let body = &after[1..];
                let end = body.find(q).unwrap_or(body.len());
                value = decode_html_attr(&body[..end]);
                rest = body.get(end + 1..).unwrap_or("").trim_start();
            } else {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                value = decode_html_attr(&after[..end]);
                rest = after[end..].trim_start();
            }
        }
        if !name.is_empty() {
            attrs.push((name, value));
        }
    }
    attrs
}

/// Telegram's HTML subset. Unknown tags, unbalanced tags, a `<` that does not start a tag and
/// an `&` that does not start `&lt;`/`&gt;`/`&amp;`/`&quot;`/a numeric entity are rejected.
fn parse_html(s: &str) -> Result<Rendered, String> {
    struct Open {
        tag: String,
        start: usize,
        /// `None` for tags that produce no entity of their own.
        kind: Option<&'static str>,
        extra: Option<(&'static str, Value)>,
    }
    let mut r = Rendered::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let c = rest.chars().next().unwrap_or(' ');
        if c == '&' {
            let (ch, used) = html_entity(rest).ok_or_else(|| {
                format!(
                    "Character '&' at byte offset {i} must be escaped as \"&amp;\" (unsupported \
                     HTML entity)"
                )
            })?;
            r.push(ch);
            i += used;
            continue;
        }
        if c != '<' {
            r.push(c);
            i += c.len_utf8();
            continue;
        }
        let end = rest
            .find('>')
            .ok_or_else(|| format!("Unclosed start tag at byte offset {i}"))?;
        let inner = &rest[1..end];
        if let Some(close) = inner.strip_prefix('/') {
            let name = close.trim().to_ascii_lowercase();
            let Some(open) = stack.pop() else {
                return Err(format!("Unexpected end tag at byte offset {i}"));
            };
            if open.tag != name {
                return Err(format!(
                    "Unmatched end tag at byte offset {i}, expected \"</{}>\", found \"</{name}>\"",
                    open.tag
                ));
            }
            if let Some(kind) = open.kind {
                r.entity(kind, open.start, open.extra);
            }
        } else {
            let name_end = inner
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-'))
                .unwrap_or(inner.len());
            let name = inner[..name_end].to_ascii_lowercase();
            let attrs = parse_html_attrs(&inner[name_end..]);
            let attr = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            let unsupported = || format!("Unsupported start tag \"{name}\" at byte offset {i}");
            type Kind = (Option<&'static str>, Option<(&'static str, Value)>);
            let (kind, extra): Kind = match name.as_str() {
                "b" | "strong" => (Some("bold"), None),
                "i" | "em" => (Some("italic"), None),
                "u" | "ins" => (Some("underline"), None),
                "s" | "strike" | "del" => (Some("strikethrough"), None),
                "tg-spoiler" => (Some("spoiler"), None),
                "span" if attr("class").as_deref() == Some("tg-spoiler") => (Some("spoiler"), None),
                "span" => {
                    return Err(format!(
                        "Tag \"span\" must have class \"tg-spoiler\" at byte offset {i}"
                    ))
                }
                "a" => match attr("href") {
                    Some(href) if url::Url::parse(&href).is_ok() => {
                        (Some("text_link"), Some(("url", json!(href))))
                    }
                    // Telegram keeps the text and drops a link it cannot use.
                    _ => (None, None),
                },
                "code" => {
                    let lang =
                        attr("class").and_then(|c| c.strip_prefix("language-").map(str::to_owned));
                    match stack.last_mut() {
                        // `<pre><code class="language-x">` sets the language of the pre block.
                        Some(pre) if pre.tag == "pre" => {
                            if let Some(l) = lang {
                                pre.extra = Some(("language", json!(l)));
                            }
                            (None, None)
                        }
                        _ => (Some("code"), None),
                    }
                }
                "pre" => (Some("pre"), None),
                "blockquote" if attr("expandable").is_some() => {
                    (Some("expandable_blockquote"), None)
                }
                "blockquote" => (Some("blockquote"), None),
                "tg-emoji" => match attr("emoji-id") {
                    Some(id) if !id.is_empty() => {
                        (Some("custom_emoji"), Some(("custom_emoji_id", json!(id))))
                    }
                    _ => return Err(unsupported()),
                },
                _ => return Err(unsupported()),
            };
            stack.push(Open {
                tag: name,
                start: r.len16,
                kind,
                extra,
            });
        }
        i += end + 1;
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "Can't find end tag corresponding to start tag \"{}\"",
            open.tag
        ));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md2(s: &str) -> Result<String, String> {
        parse_markdown_v2(s).map(|r| r.text)
    }

    #[test]
    fn markdown_v2_rules() {
        assert_eq!(md2("plain text"), Ok("plain text".to_owned()));
        assert!(md2("Hello.").is_err_and(|e| e.contains("Character '.' is reserved")));
        assert_eq!(md2("Hello\\."), Ok("Hello.".to_owned()));
        assert_eq!(
            md2("*bold* _it_ __u__ ~s~ ||sp||"),
            Ok("bold it u s sp".to_owned())
        );
        assert!(md2("*open").is_err_and(|e| e.contains("Can't find end of Bold entity")));
        assert_eq!(
            md2("[link](https://example.com/a\\)b)"),
            Ok("link".to_owned())
        );
        assert_eq!(md2("`a.b*c`"), Ok("a.b*c".to_owned()));
        assert_eq!(md2("```rust\nlet x = 1;```"), Ok("let x = 1;".to_owned()));
        assert_eq!(md2(">quoted\nnext"), Ok("quoted\nnext".to_owned()));
        assert!(md2("a > b").is_err());
        assert!(md2("1-2").is_err());
        let r = parse_markdown_v2("x *bold*").map(Rendered::finish);
        assert!(
            r.is_ok_and(|r| r.entities == vec![json!({"type": "bold", "offset": 2, "length": 4})])
        );
    }

    #[test]
    fn html_rules() {
        let ok = |s: &str| parse_html(s).map(|r| r.text);
        assert_eq!(
            ok("<b>x</b> &amp; &lt;y&gt; &#33;"),
            Ok("x & <y> !".to_owned())
        );
        assert!(ok("a < b").is_err());
        assert!(ok("fish & chips").is_err());
        assert!(ok("<b>x").is_err());
        assert!(ok("<b>x</i>").is_err());
        assert!(ok("<foo>x</foo>").is_err());
        assert_eq!(
            ok("<a href=\"https://e.com/?a=1&amp;b=2\">l</a> <span class=\"tg-spoiler\">s</span>"),
            Ok("l s".to_owned())
        );
        let r = parse_html("<pre><code class=\"language-rust\">fn</code></pre>");
        assert!(r.is_ok_and(|r| r.entities
            == vec![json!({"type": "pre", "offset": 0, "length": 2, "language": "rust"})]));
    }

    #[test]
    fn multipart_parsing() {
        let body = b"--XX\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n-100\r\n\
--XX\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n42\r\n\
--XX\r\nContent-Disposition: form-data; name=\"document\"\r\n\r\nattach://f1\r\n\
--XX\r\nContent-Disposition: form-data; name=\"f1\"; filename=\"a.txt\"\r\n\
Content-Type: text/plain\r\n\r\nhello\r\n--XX--\r\n";
        let m = parse_multipart(body, "XX");
        assert_eq!(m.get("chat_id"), Some(&json!(-100)));
        assert_eq!(m.get("caption"), Some(&json!("42")));
        assert_eq!(
            m.get("document"),
            Some(&json!({"file_name": "a.txt", "size": 5, "content_type": "text/plain"}))
        );
        assert!(m.get("f1").is_none());
    }
}
