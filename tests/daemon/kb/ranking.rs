//! Ranked full-text search on a fixed corpus: SQLite's FTS5 (`bm25`) and PostgreSQL's
//! `tsvector` (`ts_rank`) must put the same article first for every query, and the same three
//! on top where three clearly belong there. The same test runs on both backends (CI runs the
//! suite on each), so the expectations below are what both must produce.

use migration::MigratorTrait;
use topicdesk::domain::kb::{query_terms, Article};
use topicdesk::store::kb;

use crate::helpers::fresh_database;

/// (title, body, tags)
const CORPUS: &[(&str, &str, &[&str])] = &[
    ("Reset your password", "Open Settings, choose Security and press Reset password. We email you a link that works for one hour.", &["account", "login"]),
    ("Change your email address", "Go to Profile and edit the email field. Confirm the new address from the message we send.", &["account"]),
    ("Enable two-factor authentication", "Protect your account with an authenticator app. Scan the QR code under Security.", &["security", "login"]),
    ("Request a refund", "Refunds are possible within 30 days of purchase. Write to billing with your invoice number.", &["billing", "refund"]),
    ("Download an invoice", "Invoices are listed under Billing. Press the download icon next to each invoice to get a PDF.", &["billing"]),
    ("Update a credit card", "Replace the card on file under Billing, Payment methods. The old card is removed.", &["billing", "payment"]),
    ("Cancel a subscription", "You can cancel at any time under Billing, Plan. Access continues until the period ends.", &["billing", "subscription"]),
    ("Upgrade your plan", "Choose a larger plan under Billing, Plan; the difference is prorated.", &["billing", "subscription"]),
    ("Export your data", "Export all projects as a ZIP archive from Settings, Data. Large exports are emailed.", &["data", "privacy"]),
    ("Delete your account", "Deleting an account removes every project permanently after 14 days.", &["account", "privacy"]),
    ("Invite a teammate", "Send invitations from Team, Invite. Each teammate needs a seat.", &["team"]),
    ("Remove a teammate", "Owners remove members from Team, Members; their projects stay.", &["team"]),
    ("Install the desktop app", "Download the installer for Windows, macOS or Linux and follow the wizard.", &["desktop", "install"]),
    ("Install the mobile app", "Get the app from the App Store or Google Play and sign in.", &["mobile", "install"]),
    ("Sync is not working", "Check your internet connection, then sign out and in again to force a sync.", &["sync", "troubleshooting"]),
    ("The app crashes on start", "Update to the latest version. If it still crashes, send us the crash log from Help.", &["crash", "troubleshooting"]),
    ("Slow performance", "Close unused projects and clear the cache under Settings, Advanced to speed things up.", &["performance"]),
    ("Connect the calendar integration", "Link Google Calendar or Outlook under Integrations to see deadlines.", &["integrations", "calendar"]),
    ("Use the API", "Create an API key under Developer settings and send it as a bearer token.", &["api", "developer"]),
    ("Webhooks for developers", "Subscribe to events and receive signed POST requests at your URL.", &["api", "webhooks"]),
    ("Keyboard shortcuts", "Press the question mark anywhere to see every shortcut. Ctrl K opens the command palette.", &["productivity"]),
    ("Dark mode", "Switch the theme under Settings, Appearance; dark mode follows your system by default.", &["appearance", "theme"]),
    ("Change the language", "Pick a language under Settings, Language. Twelve languages are available.", &["language"]),
    ("Notification settings", "Choose which emails and push notifications you receive under Settings, Notifications.", &["notifications", "email"]),
    ("Import from a spreadsheet", "Upload a CSV file under Data, Import; columns are matched to fields.", &["data", "import"]),
    ("Share a project", "Share a project with a link or invite people by email with view or edit rights.", &["sharing"]),
    ("Restore a deleted project", "Deleted projects stay in the Trash for 30 days and can be restored from there.", &["trash", "data"]),
    ("Storage limits", "Each plan includes storage; uploads beyond the limit are refused until space is freed.", &["storage", "billing"]),
    ("Offline mode", "Projects you opened recently are available offline and sync when you reconnect.", &["offline", "sync"]),
    ("Printing a project", "Use File, Print or export to PDF for a printable version.", &["print"]),
    ("Accessibility features", "Screen readers, high contrast and larger text are supported.", &["accessibility"]),
    ("Security and encryption", "Data is encrypted at rest and in transit; we undergo yearly audits.", &["security"]),
];

/// (query, the title both backends rank first)
const TOP: &[(&str, &str)] = &[
    ("reset password", "Reset your password"),
    ("refund", "Request a refund"),
    ("How do I get my money back? refund", "Request a refund"),
    ("download invoice pdf", "Download an invoice"),
    ("cancel subscription", "Cancel a subscription"),
    (
        "two-factor authentication",
        "Enable two-factor authentication",
    ),
    ("app crashes", "The app crashes on start"),
    ("export data", "Export your data"),
    ("dark theme", "Dark mode"),
    ("calendar", "Connect the calendar integration"),
    ("api key", "Use the API"),
    ("delete account", "Delete your account"),
    ("invite teammate", "Invite a teammate"),
    ("install mobile", "Install the mobile app"),
    ("storage", "Storage limits"),
    ("csv import", "Import from a spreadsheet"),
    ("print", "Printing a project"),
    ("webhooks", "Webhooks for developers"),
    ("keyboard shortcuts", "Keyboard shortcuts"),
    ("language", "Change the language"),
    (r#""refund* NEAR(x : y) OR -- "#, "Request a refund"),
];

/// (query, the three titles both backends rank on top, in any order)
const TOP_THREE: &[(&str, [&str; 3])] = &[
    (
        "account",
        [
            "Delete your account",
            "Reset your password",
            "Change your email address",
        ],
    ),
    (
        "data",
        [
            "Export your data",
            "Import from a spreadsheet",
            "Restore a deleted project",
        ],
    ),
];

async fn titles(db: &sea_orm::DatabaseConnection, ws: i64, query: &str, n: u64) -> Vec<String> {
    kb::search(db, ws, &query_terms(query), n)
        .await
        .unwrap_or_else(|e| panic!("search {query:?}: {e}"))
        .into_iter()
        .map(|h| h.title)
        .collect()
}

#[tokio::test]
async fn both_backends_rank_the_same_articles_first() {
    let database = fresh_database().await;
    let db = topicdesk::store::connect(&database.url)
        .await
        .expect("connect");
    migration::Migrator::up(&db, None).await.expect("migrate");
    let now = chrono::Utc::now();
    let (ours, theirs) = (1, 2);
    for (title, body, tags) in CORPUS {
        let a = Article {
            title: (*title).into(),
            body: (*body).into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            url: None,
        };
        kb::insert(&db, ours, &a, now).await.expect("insert");
    }
    assert!(CORPUS.len() >= 30);
    // Another workspace's article, a perfect match for the first query, is never found.
    let decoy = Article {
        title: "Reset your password reset password".into(),
        body: "Reset password reset password".into(),
        tags: vec!["password".into()],
        url: None,
    };
    let decoy = kb::insert(&db, theirs, &decoy, now).await.expect("decoy");

    let mut wrong = Vec::new();
    for (query, first) in TOP {
        let got = titles(&db, ours, query, 5).await;
        if got.first().map(String::as_str) != Some(*first) {
            wrong.push(format!("{query:?}: want {first:?} first, got {got:?}"));
        }
    }
    for (query, three) in TOP_THREE {
        let mut got = titles(&db, ours, query, 3).await;
        got.sort();
        let mut want: Vec<String> = three.iter().map(|t| (*t).to_owned()).collect();
        want.sort();
        if got != want {
            wrong.push(format!("{query:?}: want {want:?} on top, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // Nothing matches nonsense or stop words alone, and nothing is an error.
    for query in [
        "zebra quantum",
        "the and of",
        "",
        "\"",
        "*",
        "NEAR",
        ":",
        "'",
        "\\",
    ] {
        assert_eq!(
            titles(&db, ours, query, 5).await,
            Vec::<String>::new(),
            "{query:?}"
        );
    }
    let found = kb::search(&db, theirs, &query_terms("reset password"), 5)
        .await
        .expect("search");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, decoy.id);

    // The index follows edits and deletes in the same transaction as the article.
    let refund = kb::search(&db, ours, &query_terms("refund"), 1)
        .await
        .expect("search")[0]
        .id;
    let renamed = Article {
        title: "Money back guarantee".into(),
        body: "Write to billing within 30 days.".into(),
        tags: vec!["billing".into()],
        url: None,
    };
    assert!(
        kb::update(&db, theirs, refund, &renamed, now)
            .await
            .expect("update")
            .is_none(),
        "another workspace cannot edit it"
    );
    kb::update(&db, ours, refund, &renamed, now)
        .await
        .expect("update")
        .expect("ours");
    assert_eq!(titles(&db, ours, "refund", 5).await, Vec::<String>::new());
    assert_eq!(
        titles(&db, ours, "guarantee", 5).await,
        vec!["Money back guarantee".to_owned()]
    );
    assert!(kb::delete(&db, theirs, refund)
        .await
        .expect("delete")
        .is_none());
    kb::delete(&db, ours, refund)
        .await
        .expect("delete")
        .expect("ours");
    assert_eq!(
        titles(&db, ours, "guarantee", 5).await,
        Vec::<String>::new()
    );
    db.close().await.expect("close");
}
