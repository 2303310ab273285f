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
//! * Every service message the *bot* causes through the API in a group (topic renamed / closed /
//!   reopened, message pinned) is stored and also delivered to the bot as a `message`
//!   update with `from` = the bot, as real Telegram does for bots that see all group messages.
//!   The daemon must therefore ignore its own service messages.
//! * Updates are never forgotten (see [`FakeTelegram::redeliver`]).
//!
//! All state is per [`FakeTelegram`] instance; there are no process-wide statics.
//!
//! This file is the handle: starting the server, reaching the state and waiting for effects.
//! Everything else lives beside it in `fake_tg/`, one file per concern:
//! * `model`: the value types tests read (users, bot rights, messages, topics);
//! * `state`: the internal records and the `World` that holds them behind one lock;
//! * `json`: how records look on the wire (Bot API JSON) and to the tests;
//! * `setup`: building the world (users, groups, the bot's membership and rights);
//! * `inject`: what users do, delivered to the bot as updates;
//! * `updates`: the update queue and `getUpdates` long polling;
//! * `http`: the HTTP front (routing, body parsing, method dispatch, responses);
//! * `params`: reading request parameters, and the checks most methods share;
//! * `messages`, `topics`, `members`, `commands`, `callbacks`: the Bot API methods, by group;
//! * `faults`: injected failures and flood limits;
//! * `log`: the request log and what tests ask of it;
//! * `queries`: what tests read back about chats, messages and topics;
//! * `render`, `html`: `parse_mode` validation and entity extraction.
//!
//! The fake keeps only what the daemon uses: the Bot API methods it calls (`getMe`,
//! `deleteWebhook`, `getUpdates`, `sendMessage` and `editMessageText` in HTML, `pinChatMessage`,
//! `editForumTopic`, `closeForumTopic`, `reopenForumTopic`, `sendInvoice`, `answerCallbackQuery`,
//! `answerPreCheckoutQuery`, `setMyCommands`, `getChatMember`) with the parameters it sends,
//! plus the test side: what users do, faults, the request log and queries. Any other method
//! answers 404 like an unknown one, and code no test uses fails the build (the benchmark that
//! shares this file allows dead code where it includes it).

// Each submodule names its file: benches/worst_inputs.rs loads this file through `#[path]`, and
// rustc looks for the plain `mod x;` children of such a file beside it (tests/daemon/x.rs), not in
// tests/daemon/fake_tg/.
#[path = "fake_tg/callbacks.rs"]
mod callbacks;
#[path = "fake_tg/commands.rs"]
mod commands;
#[path = "fake_tg/faults.rs"]
mod faults;
#[path = "fake_tg/html.rs"]
mod html;
#[path = "fake_tg/http.rs"]
mod http;
#[path = "fake_tg/inject.rs"]
mod inject;
#[path = "fake_tg/json.rs"]
mod json;
#[path = "fake_tg/log.rs"]
mod log;
#[path = "fake_tg/members.rs"]
mod members;
#[path = "fake_tg/messages.rs"]
mod messages;
#[path = "fake_tg/model.rs"]
mod model;
#[path = "fake_tg/multipart.rs"]
mod multipart;
#[path = "fake_tg/params.rs"]
mod params;
#[path = "fake_tg/queries.rs"]
mod queries;
#[path = "fake_tg/render.rs"]
mod render;
#[path = "fake_tg/setup.rs"]
mod setup;
#[path = "fake_tg/state.rs"]
mod state;
#[path = "fake_tg/topics.rs"]
mod topics;
#[path = "fake_tg/updates.rs"]
mod updates;

pub use self::{
    faults::Fault,
    log::RequestOutcome,
    model::{BotRights, FakeMessage, FakeUser},
};

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tokio::sync::Notify;

use http::handle_http;
use state::World;

/// The fake bot's user id (also the numeric prefix of [`BOT_TOKEN`]).
pub const BOT_ID: i64 = 7_000_000_001;
/// The fake bot's username (without `@`).
pub const BOT_USERNAME: &str = "topicdesk_test_bot";
/// The fake bot's first name.
pub const BOT_FIRST_NAME: &str = "topicdesk";
/// A token of the right shape; the fake accepts any token, this one is just convenient.
pub const BOT_TOKEN: &str = "7000000001:AAFakeTokenForTopicdeskTests";

/// The six icon colours Telegram allows for forum topics.
pub const TOPIC_COLORS: [u32; 6] = [0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F];

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
        // Uploads (the daemon's CSV exports) may be larger than axum's default body limit.
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

    /// A teloxide bot pointed at this fake (token [`BOT_TOKEN`]).
    pub fn bot(&self) -> teloxide::Bot {
        teloxide::Bot::new(BOT_TOKEN).set_api_url(self.api_url())
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

    // ----- waiting -----------------------------------------------------------------------------

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
}
