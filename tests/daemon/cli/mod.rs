//! The real `topicdesk` binary as an operator runs it: configuration errors, migrations, a
//! daemon with nothing but a token, graceful SIGTERM, and a SIGKILL in the middle of a burst.
//!
//! This file holds the process helpers both halves share; the scenarios are in `startup` and
//! `signals`.

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Output, Stdio};
use std::time::Duration;

use tokio::process::{Child, Command};

use crate::fake_tg::{FakeTelegram, BOT_TOKEN};
use crate::helpers::*;

mod signals;
mod startup;

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

/// Starts the daemon and waits until it polls Telegram.
async fn start_polling(cmd: Command, dir: &Path, name: &str, tg: &FakeTelegram) -> Daemon {
    let daemon = Daemon::start(cmd, dir, name);
    tg.wait_until(WAIT, "the daemon polls getUpdates", |tg| {
        tg.request_count("getupdates") > 0
    })
    .await;
    daemon
}
