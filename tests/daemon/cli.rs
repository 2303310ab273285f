//! The real `topicdesk` binary as an operator runs it: configuration errors, migrations, a
//! daemon with nothing but a token, graceful SIGTERM, and a SIGKILL in the middle of a burst.

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Output, Stdio};
use std::time::Duration;

use sea_orm::{DatabaseConnection, EntityTrait};
use tokio::process::{Child, Command};

use crate::fake_tg::{FakeTelegram, FakeUser, BOT_TOKEN};
use crate::helpers::*;

/// How long a one-shot command (`migrate`, a refused `run`) may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(20);
/// An operator waits this long at most to hear that the configuration is bad.
const REFUSAL_TIMEOUT: Duration = Duration::from_secs(10);

/// The binary with an empty environment (no inherited `TELOXIDE_TOKEN`, `DATABASE_URL`, …),
/// running in `dir`, so no stray `.env` is read and relative paths land in `dir`. A panic would
/// print a backtrace (`RUST_BACKTRACE=1`), which the tests check never happens.
fn topicdesk(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_topicdesk"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RUST_BACKTRACE", "1")
        .current_dir(dir)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    cmd
}

/// `topicdesk run` against a fake Telegram and a database, on `port`, polling quickly and with
/// send limits that do not slow a test down.
fn daemon_command(dir: &Path, tg: &FakeTelegram, database_url: &str, port: u16) -> Command {
    let mut cmd = topicdesk(dir, &["run"]);
    cmd.env("TELOXIDE_TOKEN", BOT_TOKEN)
        .env("TELOXIDE_API_URL", tg.api_url().as_str())
        .env("DATABASE_URL", database_url)
        .env("TOPICDESK_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env("TOPICDESK_POLL_TIMEOUT", "1")
        .env("TOPICDESK_TG_GROUP_PER_MINUTE", "6000")
        .env("TOPICDESK_TG_GLOBAL_PER_SECOND", "1000");
    cmd
}

/// Runs a command that is expected to end by itself within `timeout`.
async fn finish(mut cmd: Command, timeout: Duration) -> Output {
    let run = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).output();
    match tokio::time::timeout(timeout, run).await {
        Ok(out) => out.expect("the command starts"),
        Err(_) => {
            let args: Vec<_> = cmd.as_std().get_args().collect();
            panic!("topicdesk {args:?} did not exit within {timeout:?}")
        }
    }
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    l.local_addr().expect("local address").port()
}

/// A daemon process whose output goes to a log file (a pipe nobody reads would fill up).
struct Daemon {
    child: Child,
    log: PathBuf,
}

impl Daemon {
    fn start(mut cmd: Command, dir: &Path, name: &str) -> Daemon {
        let log = dir.join(format!("{name}.log"));
        let file = std::fs::File::create(&log).expect("create the log file");
        let out = file.try_clone().expect("clone the log file");
        let child = cmd
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(file))
            .spawn()
            .expect("the daemon starts");
        Daemon { child, log }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn pid(&self) -> u32 {
        self.child.id().expect("the daemon is running")
    }

    async fn wait(&mut self, timeout: Duration) -> ExitStatus {
        match tokio::time::timeout(timeout, self.child.wait()).await {
            Ok(status) => status.expect("wait for the daemon"),
            Err(_) => panic!(
                "the daemon did not exit within {timeout:?}; its log:\n{}",
                self.log()
            ),
        }
    }

    /// Sends SIGTERM (through kill(1): the crate forbids `unsafe`, so no libc::kill).
    async fn terminate(&mut self) -> ExitStatus {
        let pid = self.pid().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .expect("run kill");
        assert!(sent.success(), "kill -TERM {pid} failed");
        self.wait(Duration::from_secs(10)).await
    }

    /// SIGKILL: no chance to finish anything.
    async fn crash(&mut self) {
        self.child.start_kill().expect("send SIGKILL");
        let status = self.wait(Duration::from_secs(10)).await;
        assert!(
            !status.success(),
            "a killed daemon does not exit cleanly: {status:?}"
        );
    }
}

async fn http_get(url: &str) -> Option<(u16, String)> {
    let res = reqwest::get(url).await.ok()?;
    let status = res.status().as_u16();
    Some((status, res.text().await.ok()?))
}

fn assert_no_panic(stderr: &str) {
    assert!(
        !stderr.contains("panicked"),
        "the binary panicked:\n{stderr}"
    );
    assert!(
        !stderr.contains("stack backtrace"),
        "a backtrace was printed:\n{stderr}"
    );
}

/// The one non-empty line a refused start prints.
fn the_one_line(out: &Output) -> String {
    let stderr = stderr_of(out);
    assert_no_panic(&stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "exactly one line on stderr, got:\n{stderr}");
    lines[0].to_owned()
}

#[tokio::test]
async fn run_without_token_exits_nonzero_with_one_line_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = finish(topicdesk(dir.path(), &["run"]), REFUSAL_TIMEOUT).await;
    assert!(!out.status.success(), "{:?}", out.status);
    let line = the_one_line(&out);
    assert!(line.contains("TELOXIDE_TOKEN"), "{line}");
    assert!(
        !dir.path().join("topicdesk.db").exists(),
        "nothing is created before the configuration is valid"
    );
}

#[tokio::test]
async fn bad_database_url_and_bad_api_url_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");

    let mut cmd = topicdesk(dir.path(), &["run"]);
    cmd.env("TELOXIDE_TOKEN", BOT_TOKEN)
        .env("DATABASE_URL", "mysql://x");
    let out = finish(cmd, REFUSAL_TIMEOUT).await;
    assert!(!out.status.success(), "{:?}", out.status);
    let line = the_one_line(&out);
    assert!(line.contains("DATABASE_URL"), "{line}");

    let mut cmd = topicdesk(dir.path(), &["run"]);
    cmd.env("TELOXIDE_TOKEN", BOT_TOKEN)
        .env("TELOXIDE_API_URL", "not a url");
    let out = finish(cmd, REFUSAL_TIMEOUT).await;
    assert!(!out.status.success(), "{:?}", out.status);
    let line = the_one_line(&out);
    assert!(line.contains("TELOXIDE_API_URL"), "{line}");
}

#[tokio::test]
async fn unreachable_database_exits_nonzero_naming_database_url() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = topicdesk(dir.path(), &["run"]);
    cmd.env("TELOXIDE_TOKEN", BOT_TOKEN)
        .env(
            "DATABASE_URL",
            "postgres://nobody:hunter2-secret@127.0.0.1:1/x",
        )
        .env("TOPICDESK_HTTP_ADDR", format!("127.0.0.1:{}", free_port()));
    let out = finish(cmd, REFUSAL_TIMEOUT).await;
    assert!(!out.status.success(), "{:?}", out.status);
    let line = the_one_line(&out);
    assert!(line.contains("DATABASE_URL"), "{line}");
    assert!(
        !line.contains("hunter2-secret"),
        "the password leaked: {line}"
    );

    // A malformed URL is named without its password too.
    let mut cmd = topicdesk(dir.path(), &["run"]);
    cmd.env("TELOXIDE_TOKEN", BOT_TOKEN)
        .env("DATABASE_URL", "mysql://admin:hunter2-secret@db/x");
    let out = finish(cmd, REFUSAL_TIMEOUT).await;
    let line = the_one_line(&out);
    assert!(line.contains("DATABASE_URL"), "{line}");
    assert!(
        !line.contains("hunter2-secret"),
        "the password leaked: {line}"
    );
}

#[tokio::test]
async fn migrate_up_status_down_fresh() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = fresh_database().await;
    let migrate = |action: &str| {
        let mut cmd = topicdesk(dir.path(), &["migrate", action]);
        cmd.env("DATABASE_URL", &database.url);
        finish(cmd, COMMAND_TIMEOUT)
    };
    // The newest migration is the one `down` rolls back.
    let newest = {
        use migration::MigratorTrait;
        let all = migration::Migrator::migrations();
        all.last().map(|m| m.name().to_owned()).expect("migrations")
    };
    let status_line = |out: &Output| {
        stdout_of(out)
            .lines()
            .find(|l| l.contains(newest.as_str()))
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("status lists the newest migration:\n{}", stdout_of(out)))
    };

    for (action, expected) in [("up", "Applied"), ("down", "Pending"), ("fresh", "Applied")] {
        let out = migrate(action).await;
        assert!(
            out.status.success(),
            "migrate {action}: {:?}\n{}",
            out.status,
            stderr_of(&out)
        );
        assert_no_panic(&stderr_of(&out));
        let status = migrate("status").await;
        assert!(
            status.status.success(),
            "migrate status: {}",
            stderr_of(&status)
        );
        let line = status_line(&status);
        assert!(line.contains(expected), "after {action}: {line}");
        // `down` rolls back one migration only: the core schema stays.
        let core = stdout_of(&status)
            .lines()
            .find(|l| l.contains("m20261121_000001_create_core"))
            .map(str::to_owned);
        assert!(
            core.as_deref().is_some_and(|l| l.contains("Applied")),
            "after {action}: {core:?}"
        );
    }

    // `fresh` left a working schema: the daemon's own queries run on it.
    let db = topicdesk::store::connect(&database.url)
        .await
        .expect("connect");
    assert_eq!(
        topicdesk::store::inbox::count_pending(&db)
            .await
            .expect("inbox"),
        0
    );
    db.close().await.expect("close");
}

#[tokio::test]
async fn run_with_only_a_token_creates_topicdesk_db_and_serves_health() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    // No subcommand: `run` is the default.
    let mut cmd = topicdesk(dir.path(), &[]);
    cmd.env("TELOXIDE_TOKEN", BOT_TOKEN)
        .env("TELOXIDE_API_URL", tg.api_url().as_str())
        .env("TOPICDESK_HTTP_ADDR", format!("127.0.0.1:{port}"));
    let mut daemon = start_polling(cmd, dir.path(), "daemon", &tg).await;

    let health = format!("http://127.0.0.1:{port}/healthz");
    let body = eventually(WAIT, "/healthz to answer 200", async || {
        http_get(&health)
            .await
            .filter(|(code, _)| *code == 200)
            .map(|(_, body)| body)
    })
    .await;
    assert_eq!(body.trim(), "ok");
    assert!(
        dir.path().join("topicdesk.db").is_file(),
        "topicdesk.db in the current dir"
    );
    assert!(
        dir.path().join("topicdesk.db-wal").is_file(),
        "the database runs in WAL mode"
    );
    // Every conversation is in there: readable by its owner only.
    {
        use std::os::unix::fs::PermissionsExt;
        for file in ["topicdesk.db", "topicdesk.db-wal", "topicdesk.db-shm"] {
            let path = dir.path().join(file);
            if let Ok(meta) = std::fs::metadata(&path) {
                assert_eq!(
                    meta.permissions().mode() & 0o077,
                    0,
                    "{file} is readable by others: {:o}",
                    meta.permissions().mode()
                );
            }
        }
    }

    let status = daemon.terminate().await;
    assert_eq!(
        status.code(),
        Some(0),
        "SIGTERM is a clean exit; log:\n{}",
        daemon.log()
    );
    assert_no_panic(&daemon.log());
}

/// What a scenario injected for one topic: where, and the ids of the customer's messages.
struct Topic {
    chat: i64,
    thread: i32,
    messages: Vec<i32>,
}

async fn bot_said(tg: &FakeTelegram, chat: i64, needle: &str) {
    let what = format!("the bot to say {needle:?} in chat {chat}");
    tg.wait_until(WAIT, &what, |tg| {
        tg.bot_messages_in(chat, None)
            .iter()
            .any(|m| m.text.contains(needle))
    })
    .await;
}

/// Starts the daemon and waits until it polls Telegram.
async fn start_polling(cmd: Command, dir: &Path, name: &str, tg: &FakeTelegram) -> Daemon {
    let daemon = Daemon::start(cmd, dir, name);
    tg.wait_until(WAIT, "the daemon polls getUpdates", |tg| {
        tg.request_count("getupdates") > 0
    })
    .await;
    daemon
}

/// Olga, who creates the workspace Acme by talking to the running daemon.
async fn acme_owner(tg: &FakeTelegram) -> FakeUser {
    let owner = tg.add_user("Olga", Some("olga"));
    tg.private_text(&owner, "/newworkspace Acme");
    bot_said(tg, owner.id, "created").await;
    owner
}

/// A forum `owner` created and connected through the running daemon.
async fn connected_forum(tg: &FakeTelegram, owner: &FakeUser, title: &str) -> i64 {
    let chat = tg.add_forum_owned_by(title, owner);
    tg.group_text(chat, None, owner, "/connect");
    bot_said(tg, chat, "is connected").await;
    chat
}

/// Ticket cards the bot posted into a topic.
fn cards_in(tg: &FakeTelegram, chat: i64, thread: i32) -> usize {
    tg.bot_messages_in(chat, Some(thread))
        .iter()
        .filter(|m| m.text.contains("Ticket #"))
        .count()
}

async fn pending_work(db: &DatabaseConnection) -> (u64, u64) {
    let inbox = topicdesk::store::inbox::count_pending(db)
        .await
        .expect("inbox");
    let outbox = topicdesk::store::outbox::count_pending(db)
        .await
        .expect("outbox");
    (inbox, outbox)
}

#[tokio::test]
async fn sigkill_mid_stream_then_restart_loses_nothing_and_duplicates_nothing() {
    const GROUPS: usize = 6;
    const TOPICS: usize = 30;
    let tg = FakeTelegram::start().await;
    let database = fresh_database().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let command = daemon_command(dir.path(), &tg, &database.url, port);
    let mut daemon = start_polling(command, dir.path(), "first", &tg).await;

    let owner = acme_owner(&tg).await;
    let mut chats = Vec::new();
    for g in 0..GROUPS {
        chats.push(connected_forum(&tg, &owner, &format!("Acme Support {g}")).await);
    }

    // A burst: 30 customers open topics (spread over the groups, since Telegram lets a bot post
    // about one message a second into one chat) and write in them at once.
    let customers: Vec<FakeUser> = (0..TOPICS)
        .map(|i| tg.add_user(&format!("Customer{i}"), None))
        .collect();
    let mut topics: Vec<Topic> = customers
        .iter()
        .enumerate()
        .map(|(i, customer)| {
            let chat = chats[i % GROUPS];
            let thread = tg.create_topic(chat, customer, &format!("Problem {i}"));
            let message = tg.group_text(
                chat,
                Some(thread),
                customer,
                &format!("Details of problem {i}"),
            );
            Topic {
                chat,
                thread,
                messages: vec![message],
            }
        })
        .collect();

    tg.wait_until(WAIT, "the first cards to be posted", |tg| {
        topics
            .iter()
            .filter(|t| cards_in(tg, t.chat, t.thread) > 0)
            .count()
            >= 3
    })
    .await;
    daemon.crash().await;
    let cards_before_crash = topics
        .iter()
        .filter(|t| cards_in(&tg, t.chat, t.thread) > 0)
        .count();
    assert!(
        cards_before_crash < TOPICS,
        "the crash came mid-stream ({cards_before_crash} cards)"
    );

    // Customers keep writing while the daemon is down.
    for (i, t) in topics.iter_mut().enumerate().step_by(5) {
        let message = tg.group_text(t.chat, Some(t.thread), &customers[i], "Anyone there?");
        t.messages.push(message);
    }

    let mut daemon = Daemon::start(
        daemon_command(dir.path(), &tg, &database.url, port),
        dir.path(),
        "second",
    );
    let db = topicdesk::store::connect(&database.url)
        .await
        .expect("test connection");
    // The burst is small; once restarted, the daemon has well under 45 s of work left, even on
    // PostgreSQL where the dead daemon's outbox leases (20 s) must expire first.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(45);
    loop {
        let tickets = entity::tickets::Entity::find()
            .all(&db)
            .await
            .expect("tickets")
            .len();
        let (inbox, outbox) = pending_work(&db).await;
        let uncarded = topics
            .iter()
            .filter(|t| cards_in(&tg, t.chat, t.thread) == 0)
            .count();
        if tickets >= TOPICS && inbox == 0 && outbox == 0 && uncarded == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "45 s after the restart: {tickets} tickets, {inbox} updates and {outbox} Telegram effects \
             pending, {uncarded} of {TOPICS} topics still without a card ({cards_before_crash} had one \
             at the crash)"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let tickets = entity::tickets::Entity::find()
        .all(&db)
        .await
        .expect("tickets");
    assert_eq!(tickets.len(), TOPICS, "one ticket per topic");
    let mut numbers: Vec<i64> = tickets.iter().map(|t| t.number).collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=TOPICS as i64).collect::<Vec<_>>(),
        "numbers without gaps or repeats"
    );

    let logged = entity::ticket_messages::Entity::find()
        .all(&db)
        .await
        .expect("messages");
    let mut repeated_cards = 0;
    for t in &topics {
        let ticket = tickets
            .iter()
            .find(|k| (k.chat_id, k.thread_id) == (t.chat, t.thread))
            .unwrap_or_else(|| panic!("no ticket for topic {} in {}", t.thread, t.chat));
        let mut ids: Vec<i32> = logged
            .iter()
            .filter(|m| m.ticket_id == ticket.id)
            .map(|m| m.tg_message_id)
            .collect();
        ids.sort_unstable();
        assert_eq!(
            ids, t.messages,
            "ticket #{}: every message logged once",
            ticket.number
        );
        let cards = cards_in(&tg, t.chat, t.thread);
        assert!(
            (1..=2).contains(&cards),
            "ticket #{} has its card, repeated at most once: {cards}",
            ticket.number
        );
        repeated_cards += cards - 1;
    }
    // The dispatcher keeps one send in flight per chat; a crash repeats at most those.
    assert!(
        repeated_cards <= GROUPS,
        "a crash may repeat only the send in flight in each of the {GROUPS} chats, but \
         {repeated_cards} cards were repeated"
    );

    db.close().await.expect("close");
    let status = daemon.terminate().await;
    assert_eq!(status.code(), Some(0), "log:\n{}", daemon.log());
}

/// SIGTERM while a chat is flood-limited, another is held back by its send rate and rows are in
/// hand: the daemon still stops within 10 s, cleanly, and the restarted one sends what was owed.
#[tokio::test]
async fn sigterm_in_the_middle_of_a_batch_stops_within_ten_seconds() {
    let tg = FakeTelegram::start().await;
    let database = fresh_database().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    // One message a minute into a group: most cards of a burst have to wait for their turn.
    let mut cmd = daemon_command(dir.path(), &tg, &database.url, port);
    cmd.env("TOPICDESK_TG_GROUP_PER_MINUTE", "1");
    let mut daemon = start_polling(cmd, dir.path(), "first", &tg).await;
    let owner = acme_owner(&tg).await;
    let paced = connected_forum(&tg, &owner, "Paced").await;
    let flooded = connected_forum(&tg, &owner, "Flooded").await;
    tg.flood(flooded, 600);
    let customer = tg.add_user("Carl", None);
    for i in 0..5 {
        tg.create_topic(paced, &customer, &format!("Paced {i}"));
        tg.create_topic(flooded, &customer, &format!("Flooded {i}"));
    }
    let db = topicdesk::store::connect(&database.url)
        .await
        .expect("connect");
    eventually(WAIT, "the burst to be handled", async || {
        (topicdesk::store::inbox::count_pending(&db).await.ok()? == 0
            && entity::tickets::Entity::find().all(&db).await.ok()?.len() == 10)
            .then_some(())
    })
    .await;

    let started = std::time::Instant::now();
    let status = daemon.terminate().await;
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(status.code(), Some(0), "log:\n{}", daemon.log());
    assert_no_panic(&daemon.log());
    let owed = topicdesk::store::outbox::count_pending(&db)
        .await
        .expect("outbox");
    assert!(owed > 0, "cards were still owed when it stopped");

    // The restarted daemon (no limits now, the flood over) delivers every card once their
    // waits are over (moved to now here, rather than waiting ten minutes).
    tg.unflood(flooded);
    use sea_orm::ConnectionTrait;
    db.execute_unprepared("UPDATE outbox SET next_attempt_at = created_at")
        .await
        .expect("move the waits");
    let mut daemon = Daemon::start(
        daemon_command(dir.path(), &tg, &database.url, port),
        dir.path(),
        "second",
    );
    for chat in [paced, flooded] {
        tg.wait_until(WAIT, "every card posted", |tg| {
            tg.all_messages(chat)
                .iter()
                .filter(|m| m.is_from_bot() && m.text.contains("Ticket #"))
                .count()
                >= 5
        })
        .await;
    }
    let status = daemon.terminate().await;
    assert_eq!(status.code(), Some(0));
    for chat in [paced, flooded] {
        let mut cards: Vec<String> = tg
            .all_messages(chat)
            .into_iter()
            .filter(|m| m.is_from_bot() && m.text.contains("Ticket #"))
            .map(|m| m.text.lines().next().unwrap_or_default().to_owned())
            .collect();
        cards.sort();
        let before = cards.len();
        cards.dedup();
        assert_eq!((before, cards.len()), (5, 5), "one card per ticket");
    }
}
