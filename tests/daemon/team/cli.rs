//! The operator CLI on a team: granting seats, listing workspaces, refusing ambiguous or bad
//! input, and a CLI-granted seat expiring like any other. Runs the real binary.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::{audited, join, seats_of, whole_seconds};
use crate::helpers::*;

// ----- the operator CLI ------------------------------------------------------------------------

/// The binary with an empty environment but the database, like an operator runs it.
async fn topicdesk(dir: &Path, database_url: &str, args: &[&str]) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_topicdesk"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RUST_BACKTRACE", "1")
        .env("DATABASE_URL", database_url)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    tokio::time::timeout(Duration::from_secs(30), cmd.output())
        .await
        .unwrap_or_else(|_| panic!("topicdesk {args:?} did not finish"))
        .expect("the binary starts")
}

fn refused(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected a failure: {stderr}");
    assert!(stderr.contains(needle), "{needle:?} in {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("stack backtrace"),
        "{stderr}"
    );
}

#[tokio::test]
async fn cli_seats_grant_and_workspaces() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    let (_tg, database) = app.stop().await;
    let db = topicdesk::store::connect(&database.url)
        .await
        .expect("connect");
    let dir = tempfile::tempdir().expect("dir");
    let url = database.url.as_str();

    let out = topicdesk(
        dir.path(),
        url,
        &[
            "seats",
            "grant",
            "--workspace",
            "Acme",
            "--basic",
            "2",
            "--months",
            "1",
        ],
    )
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("granted 2 seat(s)"), "{stdout}");
    let seats = entity::seats::Entity::find()
        .filter(entity::seats::Column::WorkspaceId.eq(ws))
        .all(&db)
        .await
        .expect("query");
    assert_eq!(seats.len(), 2);
    for s in &seats {
        assert_eq!((s.tier.as_str(), s.holder_id), ("basic", None));
        let days = (s.paid_until - Utc::now()).num_days();
        assert!((27..=31).contains(&days), "a month: {days} days");
    }

    // By id, until a date.
    let until = whole_seconds(Utc::now() + chrono::Duration::days(90));
    let out = topicdesk(
        dir.path(),
        url,
        &[
            "seats",
            "grant",
            "--workspace",
            &ws.to_string(),
            "--pro",
            "1",
            "--until",
            &until.to_rfc3339(),
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pro = entity::seats::Entity::find()
        .filter(entity::seats::Column::Tier.eq("pro"))
        .one(&db)
        .await
        .expect("query")
        .expect("a Pro seat");
    assert_eq!(pro.paid_until, until);

    let out = topicdesk(dir.path(), url, &["workspaces"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = format!("{ws}\tAcme\t{}\t2\t1\t0", owner.id);
    assert!(stdout.lines().any(|l| l == line), "{line:?} in {stdout}");

    // Bad inputs: a clear line, no panic, nothing granted.
    let past = (Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    for (args, needle) in [
        (
            vec![
                "seats",
                "grant",
                "--workspace",
                "Nope",
                "--basic",
                "1",
                "--months",
                "1",
            ],
            "no workspace \"Nope\"",
        ),
        (
            vec!["seats", "grant", "--workspace", "Acme", "--basic", "1"],
            "--months",
        ),
        (
            vec![
                "seats",
                "grant",
                "--workspace",
                "Acme",
                "--basic",
                "1",
                "--until",
                &past,
            ],
            "in the past",
        ),
        (
            vec![
                "seats",
                "grant",
                "--workspace",
                "Acme",
                "--basic",
                "1",
                "--until",
                "tomorrow",
            ],
            "RFC 3339",
        ),
        (
            vec!["seats", "grant", "--workspace", "Acme", "--months", "1"],
            "nothing to grant",
        ),
        (
            vec![
                "seats",
                "grant",
                "--workspace",
                "Acme",
                "--basic",
                "1",
                "--months",
                "0",
            ],
            "--months",
        ),
        (
            vec![
                "seats",
                "grant",
                "--workspace",
                "Acme",
                "--basic",
                "4000000000",
                "--months",
                "1",
            ],
            "at most 1000 seats",
        ),
        (
            vec![
                "seats",
                "grant",
                "--workspace",
                "Acme",
                "--pro",
                "1",
                "--months",
                "4294967295",
            ],
            "at most 120 months",
        ),
        (
            vec![
                "seats",
                "grant",
                "--workspace",
                "Acme",
                "--pro",
                "1",
                "--until",
                "9999-12-31T00:00:00Z",
            ],
            "at most 120 months ahead",
        ),
    ] {
        let out = topicdesk(dir.path(), url, &args).await;
        refused(&out, needle);
    }
    let seats = entity::seats::Entity::find()
        .count(&db)
        .await
        .expect("count");
    assert_eq!(seats, 3);
    db.close().await.expect("close");
}

#[tokio::test]
async fn a_seat_granted_by_the_cli_expires_like_any_other() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.settle().await;

    // The operator grants a seat while the daemon runs (a separate process, same database).
    let dir = tempfile::tempdir().expect("dir");
    let until = whole_seconds(Utc::now() + chrono::Duration::days(2));
    let out = topicdesk(
        dir.path(),
        &app.database.url,
        &[
            "seats",
            "grant",
            "--workspace",
            "Acme",
            "--basic",
            "1",
            "--until",
            &until.to_rfc3339(),
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(seats_of(&app, ws).await.len(), 1);
    let mia = join(&app, &owner, "Mia", false).await;

    // Its period ends: the seat-expiry timer tells the Owner and the holder, as for any seat.
    app.clock.advance(chrono::Duration::days(3));
    app.wait_private(&owner, "A Basic seat expired on").await;
    app.wait_private(&mia, "A Basic seat expired on").await;
    assert_eq!(audited(&app, ws, "seat.expired").await.len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn cli_refuses_an_ambiguous_workspace_name() {
    // Workspace names are not unique: two customers can both call theirs "Acme".
    let app = spawn_app().await;
    let olga = app.owner("Olga", "Acme").await;
    let rita = app.owner("Rita", "Acme").await;
    let (first, second) = (app.workspace_of(&olga).await, app.workspace_of(&rita).await);
    assert_ne!(first, second);
    let (_tg, database) = app.stop().await;
    let db = topicdesk::store::connect(&database.url)
        .await
        .expect("connect");
    let dir = tempfile::tempdir().expect("dir");

    let out = topicdesk(
        dir.path(),
        &database.url,
        &[
            "seats",
            "grant",
            "--workspace",
            "Acme",
            "--basic",
            "1",
            "--months",
            "1",
        ],
    )
    .await;
    refused(&out, "Acme");
    assert_eq!(
        entity::seats::Entity::find()
            .count(&db)
            .await
            .expect("count"),
        0,
        "seats granted to whichever \"Acme\" came first"
    );

    // By id it is unambiguous.
    let out = topicdesk(
        dir.path(),
        &database.url,
        &[
            "seats",
            "grant",
            "--workspace",
            &second.to_string(),
            "--basic",
            "1",
            "--months",
            "1",
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seats = entity::seats::Entity::find().all(&db).await.expect("query");
    assert_eq!(
        seats.iter().map(|s| s.workspace_id).collect::<Vec<_>>(),
        [second]
    );
    db.close().await.expect("close");
}
