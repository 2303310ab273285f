//! The harness: `spawn_app()` starts the real daemon (in-process) against a fresh fake Telegram
//! and a fresh database (a temporary SQLite file, or a new PostgreSQL database when
//! `TEST_DATABASE_URL` points at a server), with a clock the test moves by hand.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use topicdesk::clock::ManualClock;
use topicdesk::config::{LogFormat, Mode, Settings};
use topicdesk::startup::Application;

use crate::fake_tg::{FakeMessage, FakeTelegram, FakeUser, BOT_TOKEN};

/// The billing webhook secret every test daemon uses.
pub const BILLING_SECRET: &str = "test-billing-secret";

/// How long a test waits for the asynchronous daemon to do something.
pub const WAIT: Duration = Duration::from_secs(10);

/// A database for one test: its URL and what keeps it alive.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// A fresh, empty database: a SQLite file in a temp dir, or — with `TEST_DATABASE_URL` set to a
/// PostgreSQL admin URL — a newly created database on that server.
pub async fn fresh_database() -> TestDb {
    match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(admin) if admin.starts_with("postgres") => {
            let name = format!("topicdesk_test_{}", rand_suffix());
            let conn = sea_orm::Database::connect(admin.as_str())
                .await
                .expect("connect to TEST_DATABASE_URL");
            conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            conn.close().await.expect("close admin connection");
            let mut url = url::Url::parse(&admin).expect("TEST_DATABASE_URL is a URL");
            url.set_path(&format!("/{name}"));
            TestDb {
                url: url.to_string(),
                _dir: None,
            }
        }
        _ => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("topicdesk.db").display()
            );
            TestDb {
                url,
                _dir: Some(dir),
            }
        }
    }
}

fn rand_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{}_{}", std::process::id(), nanos)
}

/// Settings for a daemon talking to `tg`, with rate limits raised so tests are not throttled.
pub fn test_settings(tg: &FakeTelegram, database_url: &str) -> Settings {
    Settings {
        token: Some(BOT_TOKEN.to_owned().into()),
        api_url: Some(tg.api_url()),
        database_url: topicdesk::config::DatabaseUrl::new(database_url),
        http_addr: "127.0.0.1:0".parse().expect("address"),
        mode: Mode::Polling,
        log_format: LogFormat::Pretty,
        tg_group_per_minute: 6000,
        tg_global_per_second: 1000,
        poll_timeout: Duration::from_secs(1),
        billing_secret: Some(BILLING_SECRET.to_owned().into()),
        payment_provider_token: None,
        pricing: topicdesk::app::team::Pricing {
            currency: "XTR".into(),
            basic: 2900,
            pro: 3900,
        },
        // SQLite: the key file is made beside the test's database on first start (and read
        // again after a restart). PostgreSQL: a fixed key, so no key file lands in the
        // working directory.
        master_key: (!database_url.starts_with("sqlite")).then(|| {
            topicdesk::store::secrets::MasterKey::from_base64(TEST_MASTER_KEY)
                .expect("a valid test key")
        }),
        // The tests' external services (a KB search) listen on 127.0.0.1.
        allow_private_targets: true,
        fault_injection: true,
    }
}

/// The master key of the PostgreSQL test daemons (base64 of 32 bytes).
pub const TEST_MASTER_KEY: &str = "dG9waWNkZXNrLXRlc3QtbWFzdGVyLWtleS0zMmJ5dGU=";

/// A running daemon and everything a test needs to drive and observe it.
pub struct TestApp {
    pub tg: FakeTelegram,
    pub clock: ManualClock,
    pub http: SocketAddr,
    /// A separate connection to the daemon's database, for assertions.
    pub db: DatabaseConnection,
    pub database: TestDb,
    shutdown: CancellationToken,
    handle: Option<JoinHandle<anyhow::Result<()>>>,
}

pub async fn spawn_app() -> TestApp {
    let tg = FakeTelegram::start().await;
    let database = fresh_database().await;
    spawn_app_with(tg, database).await
}

/// Starts a daemon on an existing fake and database (a "restart").
pub async fn spawn_app_with(tg: FakeTelegram, database: TestDb) -> TestApp {
    spawn_app_at(tg, database, Utc::now()).await
}

/// Starts a daemon whose clock reads `start` (a restart after downtime).
pub async fn spawn_app_at(
    tg: FakeTelegram,
    database: TestDb,
    start: chrono::DateTime<Utc>,
) -> TestApp {
    topicdesk::startup::init_tracing(LogFormat::Pretty);
    let clock = ManualClock::new(start);
    let settings = test_settings(&tg, &database.url);
    let app = Application::build(settings, Arc::new(clock.clone()))
        .await
        .expect("daemon builds");
    let http = app.http_addr();
    let shutdown = CancellationToken::new();
    let handle = tokio::spawn(app.run_until_stopped(shutdown.clone()));
    let db = topicdesk::store::connect(&database.url)
        .await
        .expect("test connection");
    let test = TestApp {
        tg,
        clock,
        http,
        db,
        database,
        shutdown,
        handle: Some(handle),
    };
    test.tg
        .wait_until(WAIT, "the daemon polls getUpdates", |tg| {
            tg.request_count("getupdates") > 0
        })
        .await;
    test
}

impl TestApp {
    /// Stops the daemon gracefully and hands back the fake and the database for a restart.
    pub async fn stop(mut self) -> (FakeTelegram, TestDb) {
        self.shutdown.cancel();
        if let Some(h) = self.handle.take() {
            let res = tokio::time::timeout(WAIT, h)
                .await
                .expect("daemon stops in time")
                .expect("daemon task");
            res.expect("daemon exits cleanly");
        }
        let _ = self.db.clone().close().await;
        (self.tg, self.database)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.http, path)
    }

    // ----- people and places -----------------------------------------------------------------

    /// A user who created a workspace in the private chat and owns it.
    pub async fn owner(&self, first_name: &str, workspace: &str) -> FakeUser {
        let user = self
            .tg
            .add_user(first_name, Some(&first_name.to_lowercase()));
        self.tg
            .private_text(&user, &format!("/newworkspace {workspace}"));
        self.wait_private(&user, "created").await;
        user
    }

    /// Waits for the next bot message in `user`'s private chat whose text contains `needle`.
    pub async fn wait_private(&self, user: &FakeUser, needle: &str) -> FakeMessage {
        self.wait_bot_message(user.id, None, needle).await
    }

    /// Waits for a bot message in a chat/topic containing `needle`.
    pub async fn wait_bot_message(
        &self,
        chat: i64,
        thread: Option<i32>,
        needle: &str,
    ) -> FakeMessage {
        let what = format!("a bot message containing {needle:?} in chat {chat} thread {thread:?}");
        self.tg
            .wait_for(WAIT, &what, |tg| {
                tg.bot_messages_in(chat, thread)
                    .into_iter()
                    .rev()
                    .find(|m| m.text.contains(needle))
            })
            .await
    }

    /// A forum group with full bot rights, connected by `owner`.
    pub async fn connected_forum(&self, owner: &FakeUser, title: &str) -> i64 {
        let chat = self.tg.add_forum_owned_by(title, owner);
        self.tg.group_text(chat, None, owner, "/connect");
        self.wait_bot_message(chat, None, "is connected").await;
        chat
    }

    /// A group `owner` created and linked as the workspace's staff chat.
    pub async fn staff_chat(&self, owner: &FakeUser, title: &str) -> i64 {
        let staff = self.tg.add_group(title, false);
        self.tg.set_creator(staff, owner);
        self.tg.group_text(staff, None, owner, "/staffchat");
        self.wait_bot_message(staff, None, "staff notifications")
            .await;
        staff
    }

    /// A customer opens a topic; returns its thread once the ticket card is posted.
    pub async fn open_ticket(&self, chat: i64, customer: &FakeUser, subject: &str) -> i32 {
        let thread = self.tg.create_topic(chat, customer, subject);
        self.card(chat, thread).await;
        thread
    }

    /// The ticket card in a topic (waits until it exists).
    pub async fn card(&self, chat: i64, thread: i32) -> FakeMessage {
        self.tg
            .wait_for(WAIT, "the ticket card", |tg| {
                tg.bot_messages_in(chat, Some(thread))
                    .into_iter()
                    .find(|m| m.text.contains("Ticket #"))
            })
            .await
    }

    /// Waits until the card shows `needle` (cards are edited in place).
    pub async fn card_shows(&self, chat: i64, thread: i32, needle: &str) -> FakeMessage {
        let what = format!("the card of thread {thread} to show {needle:?}");
        self.tg
            .wait_for(WAIT, &what, |tg| {
                tg.bot_messages_in(chat, Some(thread))
                    .into_iter()
                    .find(|m| m.text.contains("Ticket #") && m.text.contains(needle))
            })
            .await
    }

    /// Callback data of the card button whose label contains `label`, waiting for it: a menu
    /// pressed a moment ago may not have been edited in yet.
    pub async fn card_button(&self, chat: i64, thread: i32, label: &str) -> (i32, String) {
        let card = self.card(chat, thread).await;
        let what = format!("a {label:?} button on the card of thread {thread}");
        self.tg
            .wait_for(WAIT, &what, |tg| {
                let now = tg
                    .bot_messages_in(chat, Some(thread))
                    .into_iter()
                    .find(|m| m.id == card.id)?;
                now.buttons()
                    .into_iter()
                    .find(|(t, _)| t.contains(label))
                    .map(|(_, data)| (card.id, data))
            })
            .await
    }

    /// Presses a card button and waits for the callback to be answered; returns the answer.
    pub async fn press(
        &self,
        user: &FakeUser,
        chat: i64,
        message: i32,
        data: &str,
    ) -> (Option<String>, bool) {
        let id = self.tg.press_button(user, chat, message, data);
        self.tg
            .wait_for(WAIT, "the callback answer", |tg| tg.callback_answer(&id))
            .await
    }

    // ----- database ---------------------------------------------------------------------------

    pub async fn ticket(&self, chat: i64, thread: i32) -> entity::tickets::Model {
        entity::tickets::Entity::find()
            .filter(entity::tickets::Column::ChatId.eq(chat))
            .filter(entity::tickets::Column::ThreadId.eq(thread))
            .one(&self.db)
            .await
            .expect("query ticket")
            .expect("ticket exists")
    }

    pub async fn tickets(&self) -> Vec<entity::tickets::Model> {
        entity::tickets::Entity::find()
            .order_by_asc(entity::tickets::Column::Id)
            .all(&self.db)
            .await
            .expect("query tickets")
    }

    /// Waits until the ticket of a topic satisfies `f`.
    pub async fn wait_ticket(
        &self,
        chat: i64,
        thread: i32,
        what: &str,
        f: impl Fn(&entity::tickets::Model) -> bool,
    ) -> entity::tickets::Model {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let t = entity::tickets::Entity::find()
                .filter(entity::tickets::Column::ChatId.eq(chat))
                .filter(entity::tickets::Column::ThreadId.eq(thread))
                .one(&self.db)
                .await
                .expect("query ticket");
            if let Some(t) = t {
                if f(&t) {
                    return t;
                }
                if tokio::time::Instant::now() >= deadline {
                    panic!("timed out waiting for ticket to be {what}: {t:?}");
                }
            } else if tokio::time::Instant::now() >= deadline {
                panic!("timed out waiting for ticket to be {what}: no ticket");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn audit(&self, ticket: i64) -> Vec<entity::audit_log::Model> {
        entity::audit_log::Entity::find()
            .filter(entity::audit_log::Column::TicketId.eq(ticket))
            .order_by_asc(entity::audit_log::Column::Id)
            .all(&self.db)
            .await
            .expect("query audit")
    }

    pub async fn messages(&self, ticket: i64) -> Vec<entity::ticket_messages::Model> {
        entity::ticket_messages::Entity::find()
            .filter(entity::ticket_messages::Column::TicketId.eq(ticket))
            .order_by_asc(entity::ticket_messages::Column::Id)
            .all(&self.db)
            .await
            .expect("query messages")
    }

    /// Waits until the inbox holds no unhandled update and the outbox is empty.
    pub async fn settle(&self) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            // Read in causal order: an update Telegram no longer holds was stored in the inbox
            // first; an inbox row marked handled enqueued its effects in the same transaction.
            let unacked = self.tg.pending_update_ids().len();
            let inbox = topicdesk::store::inbox::count_pending(&self.db)
                .await
                .expect("inbox");
            let outbox = topicdesk::store::outbox::count_pending(&self.db)
                .await
                .expect("outbox");
            // A send that finished between the first read and the last may have made Telegram
            // queue an update (a pin's service message): read the queue once more, last.
            if unacked == 0 && inbox == 0 && outbox == 0 && self.tg.pending_update_ids().is_empty()
            {
                return;
            }
            if tokio::time::Instant::now() >= deadline {
                panic!("daemon did not settle: {unacked} unacknowledged updates, inbox {inbox}, outbox {outbox}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Calls the async `check` every 20 ms until it returns `Some`; panics naming `what` after
/// `timeout`. For conditions the fake cannot see: database rows, HTTP answers, processes.
pub async fn eventually<T>(
    timeout: Duration,
    what: &str,
    mut check: impl AsyncFnMut() -> Option<T>,
) -> T {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("timed out after {timeout:?} waiting for: {what}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

impl TestApp {
    /// Posts a signed billing event; returns the HTTP status and body.
    pub async fn billing(
        &self,
        body: &serde_json::Value,
        secret: &str,
        at: i64,
    ) -> (u16, serde_json::Value) {
        use hmac::Mac;
        let raw = body.to_string();
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
        mac.update(format!("{at}.{raw}").as_bytes());
        let sig = format!("t={at},v1={}", hex::encode(mac.finalize().into_bytes()));
        let resp = reqwest::Client::new()
            .post(self.url("/api/v1/billing/webhook"))
            .header("X-Topicdesk-Signature", sig)
            .header("Content-Type", "application/json")
            .body(raw)
            .send()
            .await
            .expect("billing webhook answers");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// The id of the workspace `owner` created (their first).
    pub async fn workspace_of(&self, owner: &FakeUser) -> i64 {
        entity::workspaces::Entity::find()
            .filter(entity::workspaces::Column::OwnerId.eq(owner.id))
            .order_by_asc(entity::workspaces::Column::Id)
            .one(&self.db)
            .await
            .expect("query")
            .expect("workspace")
            .id
    }

    /// Buys seats through the signed billing webhook (as an installation billing elsewhere).
    pub async fn grant_seats(&self, workspace: i64, basic: u32, pro: u32) {
        let event = serde_json::json!({
            "id": format!("evt_{}_{}", workspace, rand_suffix()),
            "type": "seats.purchased",
            "created": Utc::now().timestamp(),
            "data": { "workspace_id": workspace, "basic": basic, "pro": pro,
                      "period_end": (Utc::now() + chrono::Duration::days(30)).to_rfc3339() }
        });
        let (status, body) = self
            .billing(&event, BILLING_SECRET, Utc::now().timestamp())
            .await;
        assert_eq!(status, 200, "{body}");
    }

    /// `owner` invites a new person on a free seat and they join with the deep link; returns them.
    pub async fn invite_agent(&self, owner: &FakeUser, first_name: &str, pro: bool) -> FakeUser {
        let tier = if pro { "pro" } else { "basic" };
        let before = self.tg.bot_messages_in(owner.id, None).len();
        self.tg.private_text(owner, &format!("/invite {tier}"));
        // The answer to this /invite, not an earlier link.
        let link = self
            .tg
            .wait_for(WAIT, "the invite link", |tg| {
                tg.bot_messages_in(owner.id, None)
                    .into_iter()
                    .skip(before)
                    .find(|m| m.text.contains("start=join_"))
            })
            .await;
        let token = link
            .text
            .split("start=join_")
            .nth(1)
            .expect("token")
            .split_whitespace()
            .next()
            .expect("token")
            .to_owned();
        let agent = self
            .tg
            .add_user(first_name, Some(&first_name.to_lowercase()));
        self.tg
            .private_text(&agent, &format!("/start join_{token}"));
        self.wait_private(&agent, "Welcome to").await;
        agent
    }
}
