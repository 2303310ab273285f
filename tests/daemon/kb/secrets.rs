//! The master key: a key file made beside the SQLite database on first start (owner-only),
//! read again after a restart; another key, a lost key file or a malformed variable stop the
//! daemon with one clear line, never with secrets read as garbage.

use std::sync::Arc;

use topicdesk::clock::ManualClock;
use topicdesk::startup::Application;
use topicdesk::store::secrets::MasterKey;

use crate::fake_tg::FakeTelegram;
use crate::helpers::*;

async fn build_error(tg: &FakeTelegram, database: &TestDb, key: Option<MasterKey>) -> String {
    let mut settings = test_settings(tg, &database.url);
    settings.master_key = key;
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    match Application::build(settings, clock).await {
        Ok(_) => panic!("the daemon started with the wrong master key"),
        Err(e) => format!("{e:#}"),
    }
}

#[tokio::test]
async fn a_wrong_or_lost_master_key_stops_the_daemon_with_a_clear_error() {
    let app = spawn_app().await;
    let key_file = topicdesk::store::secrets::key_file_for(&app.database.url)
        .filter(|_| app.database.url.starts_with("sqlite"));
    if let Some(path) = &key_file {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .expect("the key file beside the database")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
    }
    let (tg, database) = app.stop().await;
    // A restart reads the same key.
    let app = spawn_app_with(tg, database).await;
    let (tg, database) = app.stop().await;

    let wrong = build_error(&tg, &database, Some(MasterKey::generate())).await;
    assert!(
        wrong.contains("TOPICDESK_MASTER_KEY")
            && wrong.contains("stored secrets were encrypted with another master key"),
        "{wrong}"
    );
    if let Some(path) = &key_file {
        std::fs::remove_file(path).expect("lose the key file");
        let lost = build_error(&tg, &database, None).await;
        assert!(
            lost.contains("is missing") && lost.contains("TOPICDESK_MASTER_KEY"),
            "{lost}"
        );
        assert!(!path.exists(), "no new key is made up for old secrets");
    }
}

#[tokio::test]
async fn a_malformed_master_key_variable_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_topicdesk"))
        .args(["migrate", "status"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TOPICDESK_MASTER_KEY", "c2hvcnQ=")
        .current_dir(dir.path())
        .output()
        .await
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("TOPICDESK_MASTER_KEY: not a master key"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("c2hvcnQ"),
        "the value is not echoed: {stderr}"
    );
}
