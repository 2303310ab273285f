//! CSV exports (SPEC §7): `/export audit|tickets [period]` sends a file to the asker's private
//! chat, with every formula-looking cell neutralized, at most once a minute per workspace, to
//! Owners and Admins (Members when the Owner allows), with nothing of another workspace.

use chrono::Duration;

use crate::fake_tg::{FakeMessage, FakeUser};
use crate::helpers::*;
use crate::routing::private;
use crate::team::{ask, button, join, screen};

/// Sends `/export …` and waits for the file (or fails).
async fn export_file(
    app: &TestApp,
    user: &FakeUser,
    command: &str,
) -> (FakeMessage, Vec<Vec<String>>) {
    app.settle().await;
    let before = app.tg.bot_messages_in(user.id, None).len();
    app.tg.private_text(user, command);
    let msg = app
        .tg
        .wait_for(WAIT, &format!("the file of {command:?}"), |tg| {
            tg.bot_messages_in(user.id, None)
                .into_iter()
                .skip(before)
                .find(|m| m.upload.is_some())
        })
        .await;
    let (_, content) = msg.upload.clone().expect("a file");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(content.as_bytes());
    let rows = reader
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect();
    (msg, rows)
}

fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let at = rows[0].iter().position(|h| h == name).expect("the column");
    rows[1..].iter().map(|r| r[at].clone()).collect()
}

#[tokio::test]
async fn exports_neutralize_formulas_and_come_once_a_minute() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("=cmd|' /C calc'!A0", Some("mallory"));
    let thread = app
        .open_ticket(
            chat,
            &customer,
            "=HYPERLINK(\"http://evil.example\",\"click\")",
        )
        .await;
    app.tg.group_text(chat, Some(thread), &owner, "/tag +vip");
    app.tg
        .group_text(chat, Some(thread), &owner, "/note @SUM(1+1) -2 +3");
    app.wait_private(&owner, "Internal comment saved").await;

    let (msg, rows) = export_file(&app, &owner, "/export tickets all").await;
    let (name, _) = msg.upload.clone().expect("file");
    assert!(
        name.starts_with("tickets-all-") && name.ends_with(".csv"),
        "{name}"
    );
    assert!(
        msg.text.contains("Tickets") && msg.text.contains("1 rows"),
        "{}",
        msg.text
    );
    assert_eq!(rows[0][0], "number");
    assert_eq!(
        column(&rows, "subject"),
        ["'=HYPERLINK(\"http://evil.example\",\"click\")"]
    );
    assert_eq!(
        column(&rows, "customer")[0],
        "'=cmd|' /C calc'!A0 (@mallory)"
    );
    assert_eq!(column(&rows, "tags"), ["vip"]);
    assert_eq!(column(&rows, "status"), ["open"]);

    // The second export within a minute, by anyone of the workspace, is refused with the wait.
    let refused = private(&app, &owner, "/export audit", "Try again in").await;
    let secs: i64 = refused
        .text
        .split("Try again in ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .expect("seconds");
    assert!((1..=60).contains(&secs), "{}", refused.text);

    app.clock.advance(Duration::seconds(61));
    let (msg, rows) = export_file(&app, &owner, "/export audit 7d").await;
    assert!(
        msg.text.contains("Audit log") && msg.text.contains("7 days"),
        "{}",
        msg.text
    );
    let actions = column(&rows, "action");
    for a in [
        "ticket.created",
        "ticket.tags",
        "comment.add",
        "export.tickets",
    ] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} missing from {actions:?}"
        );
    }
    let comment = rows
        .iter()
        .find(|r| r.iter().any(|c| c == "comment.add"))
        .expect("the comment row");
    assert!(
        comment.contains(&"'@SUM(1+1) -2 +3".to_owned()),
        "{comment:?}"
    );
    assert!(comment.contains(&"#1".to_owned()));
    // No cell of any export starts like a formula.
    for row in &rows[1..] {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "{cell:?} in {row:?}"
            );
        }
    }
    let usage = private(&app, &owner, "/export everything", "Use /export audit").await;
    assert!(usage.text.contains("7d"));
    app.stop().await;
}

#[tokio::test]
async fn members_export_only_when_allowed_and_only_their_workspace() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 1, 0).await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let mia = join(&app, &owner, "Mia", false).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    app.open_ticket(chat, &customer, "Acme only secret").await;

    private(&app, &mia, "/export tickets", "turned this off for Members").await;
    // In a group, the command is refused: files go to private chats only.
    app.tg.group_text(chat, None, &owner, "/export audit");
    app.wait_bot_message(chat, None, "in a private chat").await;

    let settings = ask(&app, &owner, "/settings").await;
    app.press(
        &owner,
        owner.id,
        settings.id,
        &button(&settings, "Permissions"),
    )
    .await;
    let perms = screen(&app, owner.id, settings.id, "Permissions for Members").await;
    let toggle = button(&perms, "Turn on: Members export data");
    app.press(&owner, owner.id, settings.id, &toggle).await;
    screen(&app, owner.id, settings.id, "✅ Members export data").await;
    let (_, rows) = export_file(&app, &mia, "/export tickets").await;
    assert_eq!(column(&rows, "subject"), ["Acme only secret"]);

    // Another workspace's export holds none of Acme's tickets or audit rows.
    let other = app.owner("Otto", "Other").await;
    let (_, rows) = export_file(&app, &other, "/export tickets all").await;
    assert_eq!(rows.len(), 1, "only the header: {rows:?}");
    app.clock.advance(Duration::seconds(61));
    let (_, rows) = export_file(&app, &other, "/export audit all").await;
    assert!(
        rows.iter().flatten().all(|c| !c.contains("Acme")),
        "{rows:?}"
    );
    assert!(column(&rows, "action")
        .iter()
        .all(|a| a != "ticket.created"));
    app.stop().await;
}
