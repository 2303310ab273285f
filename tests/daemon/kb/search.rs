//! `/kb` through buttons, suggestions in the staff chat, and the external search (one that
//! answers, one that is too slow).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::EntityTrait;

use super::{add_article, button, deleted, kb_answer, links};
use crate::helpers::*;
use crate::routing::{open_settings, tap};
use crate::sla::{desk, staff_posts};
use crate::team::audited;

const RESET: &str = "Reset your password\nOpen Settings and press Reset.\ntags: login\nurl: https://help.example.com/reset";
const REFUND: &str = "Request a refund\nWrite to billing within 30 days.\ntags: billing";

#[tokio::test]
async fn kb_in_a_topic_is_deleted_answered_privately_and_posts_the_picked_article() {
    let app = spawn_app().await;
    let (owner, chat, _) = desk(&app).await;
    let reset = add_article(&app, &owner, RESET).await;
    add_article(&app, &owner, REFUND).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Help me").await;
    let ticket = app.ticket(chat, thread).await;

    let before = app.tg.bot_messages_in(owner.id, None).len();
    let cmd = app
        .tg
        .group_text(chat, Some(thread), &owner, "/kb how to reset my password");
    deleted(&app, chat, cmd).await;
    let answer = kb_answer(&app, &owner, before).await;
    assert!(answer.text.contains("ticket #1"), "{}", answer.text);
    assert!(
        answer.text.contains("how to reset my password"),
        "{}",
        answer.text
    );
    let labels: Vec<String> = answer.buttons().into_iter().map(|(l, _)| l).collect();
    assert_eq!(labels, ["📎 Reset your password"], "{labels:?}");
    // The customer's topic never reads the search.
    app.settle().await;
    for m in app.tg.bot_messages_in(chat, Some(thread)) {
        assert!(!m.text.contains("reset my password"), "{}", m.text);
    }

    let (toast, alert) = app
        .press(
            &owner,
            owner.id,
            answer.id,
            &button(&answer, "Reset your password"),
        )
        .await;
    assert!(!alert);
    assert_eq!(toast.as_deref(), Some("📄 Posted in ticket #1."));
    let post = app
        .wait_bot_message(chat, Some(thread), "Reset your password")
        .await;
    assert_eq!(
        post.text,
        "📄 Reset your password\n\nOpen Settings and press Reset."
    );
    assert_eq!(
        post.url_buttons(),
        [(
            "🔗 Read more".to_owned(),
            "https://help.example.com/reset".to_owned()
        )]
    );
    let linked = links(&app).await;
    assert_eq!(linked.len(), 1);
    assert_eq!(
        (linked[0].ticket_id, linked[0].article_id),
        (ticket.id, reset)
    );
    assert_eq!(linked[0].posted_by, owner.id);
    let ws = app.workspace_of(&owner).await;
    let audit = audited(&app, ws, "ticket.kb_article_posted").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor_id, Some(owner.id));
    assert_eq!(audit[0].new_value.as_deref(), Some("Reset your password"));

    // A second press posts nothing more.
    let (toast, alert) = app
        .press(
            &owner,
            owner.id,
            answer.id,
            &button(&answer, "Reset your password"),
        )
        .await;
    assert!(alert);
    assert!(toast.is_some_and(|t| t.contains("already posted")));
    app.settle().await;
    let posts = app
        .tg
        .bot_messages_in(chat, Some(thread))
        .into_iter()
        .filter(|m| m.text.contains("Open Settings and press Reset."))
        .count();
    assert_eq!(posts, 1);
    assert_eq!(links(&app).await.len(), 1);

    // Nothing searchable: the usage, privately.
    let before = app.tg.bot_messages_in(owner.id, None).len();
    let cmd = app.tg.group_text(chat, Some(thread), &owner, "/kb the ???");
    deleted(&app, chat, cmd).await;
    app.tg
        .wait_until(WAIT, "the /kb usage", |tg| {
            tg.bot_messages_in(owner.id, None)
                .iter()
                .skip(before)
                .any(|m| m.text.contains("Use /kb"))
        })
        .await;

    // A customer's /kb is their own message: it stays, and they hear it is for agents.
    let theirs = app
        .tg
        .group_text(chat, Some(thread), &customer, "/kb refund");
    app.wait_bot_message(chat, Some(thread), "Only agents can do this.")
        .await;
    app.settle().await;
    assert!(app.tg.message(chat, theirs).is_some_and(|m| !m.deleted));
    app.stop().await;
}

#[tokio::test]
async fn new_tickets_carry_suggested_articles_in_the_staff_chat() {
    let app = spawn_app().await;
    let (owner, chat, staff) = desk(&app).await;
    add_article(&app, &owner, RESET).await;
    add_article(&app, &owner, REFUND).await;
    let customer = app.tg.add_user("Carl", Some("carl"));

    // From the subject.
    let thread = app
        .open_ticket(chat, &customer, "Cannot reset my password")
        .await;
    let line = app.wait_bot_message(staff, None, "New ticket #1").await;
    assert!(
        line.text
            .contains("Suggested articles:\n• Reset your password"),
        "{}",
        line.text
    );
    assert!(!line.text.contains("refund"), "{}", line.text);
    let (toast, alert) = app
        .press(
            &owner,
            staff,
            line.id,
            &button(&line, "Post: Reset your password"),
        )
        .await;
    assert!(!alert, "{toast:?}");
    app.wait_bot_message(chat, Some(thread), "Open Settings and press Reset.")
        .await;

    // A topic the bot never saw created: its first message counts too.
    let quiet = app.tg.create_topic_silently(chat, &customer, "Question");
    app.tg.group_text(
        chat,
        Some(quiet),
        &customer,
        "I would like a refund, please",
    );
    let line = app.wait_bot_message(staff, None, "New ticket #2").await;
    assert!(line.text.contains("• Request a refund"), "{}", line.text);

    // Nothing matches: the plain line.
    app.open_ticket(chat, &customer, "Hello there").await;
    let line = app.wait_bot_message(staff, None, "New ticket #3").await;
    assert!(!line.text.contains("Suggested"), "{}", line.text);
    assert_eq!(staff_posts(&app, staff, "Suggested articles").len(), 2);

    // The suggestion buttons are staff's: a customer's (forged) press posts nothing.
    let t1 = app.ticket(chat, thread).await;
    let refund = super::articles(&app, app.workspace_of(&owner).await)
        .await
        .into_iter()
        .find(|a| a.title == "Request a refund")
        .expect("refund article");
    let forged = crate::team::forged(topicdesk::telegram::callback::CallbackData::Kb(
        topicdesk::telegram::callback::KbButton::KbPost {
            ticket: topicdesk::domain::ids::TicketId(t1.id),
            article: refund.id,
        },
    ));
    let (answer, alert) = app
        .press(&customer, chat, crate::team::NO_SUCH_MESSAGE, &forged)
        .await;
    assert!(alert);
    assert_eq!(answer.as_deref(), Some("Only agents can do this."));
    app.settle().await;
    assert!(app
        .tg
        .bot_messages_in(chat, Some(thread))
        .iter()
        .all(|m| !m.text.contains("Write to billing")));
    app.stop().await;
}

/// What the local external search server saw: (Authorization header, q).
type Seen = Arc<Mutex<Vec<(Option<String>, String)>>>;

async fn external_server(seen: Seen) -> std::net::SocketAddr {
    use axum::extract::{Query, State};
    use axum::http::HeaderMap;
    use axum::routing::get;
    use std::collections::HashMap;
    async fn fast(
        State(seen): State<Seen>,
        headers: HeaderMap,
        Query(q): Query<HashMap<String, String>>,
    ) -> axum::Json<serde_json::Value> {
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        seen.lock()
            .expect("lock")
            .push((auth, q.get("q").cloned().unwrap_or_default()));
        axum::Json(serde_json::json!({"results": [
            {"title": "Community: password tips", "url": "https://community.example/t/1", "snippet": "Tips & tricks"},
            {"title": "no link"}
        ]}))
    }
    async fn slow() -> axum::Json<serde_json::Value> {
        tokio::time::sleep(Duration::from_secs(5)).await;
        axum::Json(serde_json::json!([]))
    }
    let router = axum::Router::new()
        .route("/fast", get(fast))
        .route("/slow", get(slow))
        .with_state(seen);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

/// `/settings` → Knowledge base → External search → `button` → the typed value; waits for the
/// external search screen again.
async fn set_external(
    app: &TestApp,
    admin: &crate::fake_tg::FakeUser,
    button: &str,
    value: &str,
) -> i32 {
    open_settings(app, admin, "Knowledge base").await;
    tap(app, admin, "External search").await;
    tap(app, admin, button).await;
    app.wait_private(admin, "Send the").await;
    let sent = app.tg.private_text(admin, value);
    app.settle().await;
    app.wait_private(admin, "External search").await;
    sent
}

#[tokio::test]
async fn an_external_search_is_merged_and_a_slow_one_never_holds_kb_up() {
    let seen: Seen = Arc::default();
    let addr = external_server(seen.clone()).await;
    let app = spawn_app().await;
    let (owner, chat, _) = desk(&app).await;
    add_article(&app, &owner, RESET).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Help me").await;

    set_external(&app, &owner, "✏ URL", &format!("http://{addr}/fast")).await;
    let token_message = set_external(&app, &owner, "🔑 Token", "tok-s3cret-123").await;
    // The token does not stay readable anywhere: its message is deleted, it is stored
    // encrypted, and neither the audit nor any message repeats it.
    deleted(&app, owner.id, token_message).await;
    let ws = app.workspace_of(&owner).await;
    let stored = entity::kb_settings::Entity::find_by_id(ws)
        .one(&app.db)
        .await
        .expect("query")
        .expect("settings row");
    let sealed = stored.external_token.expect("a stored token");
    assert!(
        sealed.starts_with("v1.") && !sealed.contains("s3cret"),
        "{sealed}"
    );
    for row in audited(&app, ws, "settings.kb_external_token").await {
        assert!(!format!("{row:?}").contains("s3cret"));
    }
    let screen = app.wait_private(&owner, "Bearer token: set").await;
    assert!(!screen.text.contains("s3cret"));

    let before = app.tg.bot_messages_in(owner.id, None).len();
    app.tg
        .group_text(chat, Some(thread), &owner, "/kb reset password");
    let answer = kb_answer(&app, &owner, before).await;
    assert!(
        answer
            .text
            .contains("Community: password tips — Tips & tricks"),
        "{}",
        answer.text
    );
    assert!(!answer.text.contains("no link"), "{}", answer.text);
    assert_eq!(
        answer.url_buttons(),
        [(
            "🌐 Community: password tips".to_owned(),
            "https://community.example/t/1".to_owned()
        )]
    );
    button(&answer, "Reset your password");
    assert_eq!(
        seen.lock().expect("lock").clone(),
        [(
            Some("Bearer tok-s3cret-123".to_owned()),
            "reset password".to_owned()
        )]
    );

    // A search that does not answer in time: the local articles come within the limit.
    set_external(&app, &owner, "✏ URL", &format!("http://{addr}/slow")).await;
    let before = app.tg.bot_messages_in(owner.id, None).len();
    let started = Instant::now();
    let cmd = app
        .tg
        .group_text(chat, Some(thread), &owner, "/kb reset password");
    let answer = kb_answer(&app, &owner, before).await;
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(2_500),
        "the answer took {took:?}"
    );
    assert!(app.tg.message(chat, cmd).is_some_and(|m| m.deleted));
    button(&answer, "Reset your password");
    assert!(answer.url_buttons().is_empty());
    app.stop().await;
}
