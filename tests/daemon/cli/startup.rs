//! Starting the binary: a missing token, bad database and API URLs, an unreachable database,
//! `migrate` up/status/down/fresh, and a daemon with only a token serving `/health`.

use std::process::Output;

use super::{
    assert_no_panic, finish, free_port, http_get, start_polling, stderr_of, stdout_of,
    the_one_line, topicdesk, COMMAND_TIMEOUT, REFUSAL_TIMEOUT,
};
use crate::fake_tg::{FakeTelegram, BOT_TOKEN};
use crate::helpers::*;

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
