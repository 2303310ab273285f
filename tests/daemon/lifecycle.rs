//! Tickets from topics and their whole lifecycle, driven through the fake Telegram.
//!
//! Kept in one file (about 600 lines): one ticket's life told in order, with one shared setup.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::*;

#[tokio::test]
async fn customer_topic_becomes_numbered_ticket_with_pinned_card_and_renamed_topic() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));

    let thread = app.open_ticket(chat, &customer, "Can't log in").await;

    let card = app.card_shows(chat, thread, "Ticket #1").await;
    assert!(card.text.contains("Status: open"), "{}", card.text);
    assert!(card.text.contains("Priority: normal"), "{}", card.text);
    let labels: Vec<String> = card.buttons().into_iter().map(|b| b.0).collect();
    for l in ["Claim", "Assign", "Pending", "Resolve", "Priority"] {
        assert!(
            labels.iter().any(|x| x.contains(l)),
            "missing {l} in {labels:?}"
        );
    }
    app.tg
        .wait_until(WAIT, "card pinned", |tg| {
            tg.message(chat, card.id).is_some_and(|m| m.pinned)
        })
        .await;
    app.tg
        .wait_until(WAIT, "topic renamed", |tg| {
            tg.topic(chat, thread)
                .is_some_and(|t| t.name == "[#1] Can't log in")
        })
        .await;

    let second = app.open_ticket(chat, &customer, "Invoice wrong").await;
    app.card_shows(chat, second, "Ticket #2").await;
    let t = app.ticket(chat, thread).await;
    assert_eq!(
        (t.number, t.status.as_str(), t.customer_id),
        (1, "open", customer.id)
    );
    app.stop().await;
}

/// An owner, a connected forum, a customer with an open ticket.
async fn ticket_scene(
    app: &TestApp,
) -> (crate::fake_tg::FakeUser, i64, crate::fake_tg::FakeUser, i32) {
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Can't log in").await;
    (owner, chat, customer, thread)
}

#[tokio::test]
async fn claim_then_agent_reply_moves_to_in_progress_and_records_first_response() {
    let app = spawn_app().await;
    let (owner, chat, customer, thread) = ticket_scene(&app).await;
    app.tg
        .group_text(chat, Some(thread), &customer, "Hello, I can't log in");

    app.tg.group_text(chat, Some(thread), &owner, "/claim");
    app.card_shows(chat, thread, "Status: assigned").await;
    app.card_shows(chat, thread, "Assignee: Olga").await;
    let t = app.ticket(chat, thread).await;
    assert_eq!(t.assignee_id, Some(owner.id));
    assert!(t.first_response_at.is_none(), "a command is not a response");

    app.tg
        .group_text(chat, Some(thread), &owner, "Hi Carl, let me check");
    app.card_shows(chat, thread, "Status: in progress").await;
    let t = app
        .wait_ticket(chat, thread, "answered", |t| t.first_response_at.is_some())
        .await;
    assert_eq!(t.status, "in_progress");
    app.stop().await;
}

#[tokio::test]
async fn an_unassigned_ticket_answered_by_an_agent_is_assigned_to_that_agent() {
    let app = spawn_app().await;
    let (owner, chat, _customer, thread) = ticket_scene(&app).await;
    app.tg.group_text(chat, Some(thread), &owner, "On it");
    let t = app
        .wait_ticket(chat, thread, "in progress", |t| t.status == "in_progress")
        .await;
    assert_eq!(t.assignee_id, Some(owner.id));
    app.stop().await;
}

#[tokio::test]
async fn card_buttons_drive_pending_and_the_customer_reply_brings_it_back() {
    let app = spawn_app().await;
    let (owner, chat, customer, thread) = ticket_scene(&app).await;
    let (card, claim) = app.card_button(chat, thread, "Claim").await;
    let (text, alert) = app.press(&owner, chat, card, &claim).await;
    assert!(
        !alert,
        "a successful press is a toast, not an alert: {text:?}"
    );
    app.card_shows(chat, thread, "Status: assigned").await;

    app.tg
        .group_text(chat, Some(thread), &owner, "Could you send a screenshot?");
    app.card_shows(chat, thread, "Status: in progress").await;
    let (card, pending) = app.card_button(chat, thread, "Pending").await;
    app.press(&owner, chat, card, &pending).await;
    app.card_shows(chat, thread, "Status: pending").await;

    app.tg
        .group_text(chat, Some(thread), &customer, "Here it is");
    app.card_shows(chat, thread, "Status: in progress").await;
    app.stop().await;
}

#[tokio::test]
async fn an_illegal_move_is_refused_naming_the_allowed_moves() {
    let app = spawn_app().await;
    let (owner, chat, _customer, thread) = ticket_scene(&app).await;
    app.tg.group_text(chat, Some(thread), &owner, "/close");
    let m = app
        .wait_bot_message(chat, Some(thread), "Can't close")
        .await;
    assert!(m.text.contains("it is open"), "{}", m.text);
    assert!(
        m.text.contains("/claim") && m.text.contains("/resolve"),
        "{}",
        m.text
    );
    assert!(!m.text.contains("/close,"), "{}", m.text);
    app.tg.group_text(chat, Some(thread), &owner, "/pending");
    app.wait_bot_message(chat, Some(thread), "Can't pending")
        .await;
    assert_eq!(app.ticket(chat, thread).await.status, "open");
    app.stop().await;
}

#[tokio::test]
async fn assign_by_username_keeps_the_note_and_unassign_returns_to_the_queue() {
    let app = spawn_app().await;
    let (owner, chat, customer, thread) = ticket_scene(&app).await;
    app.tg.group_text(
        chat,
        Some(thread),
        &owner,
        "/assign @olga billing question, please check",
    );
    // The transfer note is for staff: confirmed privately, never in the customer's topic.
    let m = app.wait_private(&owner, "assigned to Olga").await;
    assert!(
        m.text.contains("billing question, please check"),
        "{}",
        m.text
    );
    app.settle().await;
    assert!(
        app.tg
            .all_messages(chat)
            .iter()
            .filter(|m| m.is_from_bot())
            .all(|m| !m.text.contains("billing question")),
        "the note leaked into the group"
    );
    let t = app
        .wait_ticket(chat, thread, "assigned", |t| t.status == "assigned")
        .await;
    let audit = app.audit(t.id).await;
    let assign = audit
        .iter()
        .find(|a| a.action == "ticket.assignee")
        .expect("assignee audited");
    assert_eq!(
        assign.new_value.as_deref(),
        Some(owner.id.to_string().as_str())
    );
    assert_eq!(
        assign.note.as_deref(),
        Some("billing question, please check")
    );

    app.tg
        .group_text(chat, Some(thread), &owner, "/assign @carl");
    app.wait_bot_message(chat, Some(thread), "not a member")
        .await;
    app.tg.group_text(chat, Some(thread), &owner, "/assign");
    app.wait_bot_message(chat, Some(thread), "Usage: /assign")
        .await;

    app.tg.group_text(chat, Some(thread), &owner, "/unassign");
    app.card_shows(chat, thread, "Status: open").await;
    let t = app.ticket(chat, thread).await;
    assert_eq!(t.assignee_id, None);
    assert_eq!(t.customer_id, customer.id);
    app.stop().await;
}

#[tokio::test]
async fn priority_by_command_and_by_menu_and_bad_values_get_usage() {
    let app = spawn_app().await;
    let (owner, chat, _customer, thread) = ticket_scene(&app).await;
    app.tg
        .group_text(chat, Some(thread), &owner, "/priority urgent");
    app.card_shows(chat, thread, "Priority: 🔴 urgent").await;
    app.tg
        .group_text(chat, Some(thread), &owner, "/priority whenever");
    app.wait_bot_message(chat, Some(thread), "Usage: /priority")
        .await;

    let (card, menu) = app.card_button(chat, thread, "Priority").await;
    app.press(&owner, chat, card, &menu).await;
    let low = app
        .tg
        .wait_for(WAIT, "priority menu", |tg| {
            tg.message(chat, card)?
                .buttons()
                .into_iter()
                .find(|b| b.0.contains("low"))
                .map(|b| b.1)
        })
        .await;
    app.press(&owner, chat, card, &low).await;
    let card_msg = app.card_shows(chat, thread, "Priority: ⚪ low").await;
    assert!(
        card_msg.buttons().iter().any(|b| b.0.contains("Claim")),
        "back to the main keyboard"
    );
    let t = app.ticket(chat, thread).await;
    let changes: Vec<_> = app
        .audit(t.id)
        .await
        .into_iter()
        .filter(|a| a.action == "ticket.priority")
        .map(|a| {
            (
                a.old_value.unwrap_or_default(),
                a.new_value.unwrap_or_default(),
                a.actor_id,
            )
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            ("normal".into(), "urgent".into(), Some(owner.id)),
            ("urgent".into(), "low".into(), Some(owner.id))
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn resolve_asks_the_customer_once_and_only_the_customer_counts() {
    let app = spawn_app().await;
    let (owner, chat, customer, thread) = ticket_scene(&app).await;
    app.tg.group_text(chat, Some(thread), &owner, "/resolve");
    app.card_shows(chat, thread, "Status: resolved").await;
    let t = app.ticket(chat, thread).await;
    assert_eq!(
        t.assignee_id,
        Some(owner.id),
        "resolving an unassigned ticket assigns the resolver"
    );
    let ask = app
        .wait_bot_message(chat, Some(thread), "How did we do?")
        .await;
    let buttons = ask.buttons();
    assert_eq!(buttons.len(), 5);

    let (text, alert) = app.press(&owner, chat, ask.id, &buttons[0].1).await;
    assert!(alert && text.unwrap_or_default().contains("Only the customer"));
    let (text, _) = app.press(&customer, chat, ask.id, &buttons[3].1).await;
    assert!(text.unwrap_or_default().contains("4/5"));
    app.wait_bot_message(chat, Some(thread), "You rated us 4/5")
        .await;
    // The question now reads as thanks, without buttons: an old press is refused.
    let (text, alert) = app.press(&customer, chat, ask.id, &buttons[0].1).await;
    assert!(alert && text.unwrap_or_default().contains("no longer valid"));
    let t = app
        .wait_ticket(chat, thread, "rated", |t| t.csat_score.is_some())
        .await;
    assert_eq!(t.csat_score, Some(4));
    app.stop().await;
}

#[tokio::test]
async fn close_closes_the_topic_and_reopen_reopens_it() {
    let app = spawn_app().await;
    let (owner, chat, _customer, thread) = ticket_scene(&app).await;
    app.tg.group_text(chat, Some(thread), &owner, "/resolve");
    app.card_shows(chat, thread, "Status: resolved").await;
    let (card, close) = app.card_button(chat, thread, "Close").await;
    app.press(&owner, chat, card, &close).await;
    app.card_shows(chat, thread, "Status: closed").await;
    app.tg
        .wait_until(WAIT, "topic closed", |tg| {
            tg.topic(chat, thread).is_some_and(|t| t.closed)
        })
        .await;

    app.tg.group_text(chat, Some(thread), &owner, "/reopen");
    app.card_shows(chat, thread, "Status: assigned").await;
    app.tg
        .wait_until(WAIT, "topic reopened", |tg| {
            tg.topic(chat, thread).is_some_and(|t| !t.closed)
        })
        .await;
    let t = app.ticket(chat, thread).await;
    assert_eq!(
        (t.status.as_str(), t.closed_at, t.resolved_at),
        ("assigned", None, None)
    );
    app.stop().await;
}

#[tokio::test]
async fn a_customer_writing_after_resolve_reopens_the_ticket() {
    let app = spawn_app().await;
    let (owner, chat, customer, thread) = ticket_scene(&app).await;
    app.tg.group_text(chat, Some(thread), &owner, "/resolve");
    app.card_shows(chat, thread, "Status: resolved").await;
    app.tg
        .group_text(chat, Some(thread), &customer, "Actually it broke again");
    app.card_shows(chat, thread, "Status: in progress").await;
    // Reopened tickets are no longer due to auto-close.
    app.clock.advance(chrono::Duration::hours(100));
    app.settle().await;
    assert_eq!(app.ticket(chat, thread).await.status, "in_progress");
    app.stop().await;
}

#[tokio::test]
async fn topics_closed_and_reopened_by_hand_move_the_ticket_when_legal() {
    let app = spawn_app().await;
    let (owner, chat, customer, thread) = ticket_scene(&app).await;
    // Closing the topic of an open ticket is not a legal move: the ticket stays open.
    app.tg.close_topic_by(chat, thread, &customer);
    app.settle().await;
    assert_eq!(app.ticket(chat, thread).await.status, "open");
    app.tg.reopen_topic_by(chat, thread, &owner);
    app.settle().await;

    app.tg.group_text(chat, Some(thread), &owner, "/resolve");
    app.card_shows(chat, thread, "Status: resolved").await;
    app.tg.close_topic_by(chat, thread, &owner);
    app.card_shows(chat, thread, "Status: closed").await;
    app.tg.reopen_topic_by(chat, thread, &owner);
    app.card_shows(chat, thread, "Status: assigned").await;
    app.stop().await;
}

#[tokio::test]
async fn resolved_tickets_close_by_themselves_after_auto_close_hours() {
    let app = spawn_app().await;
    let (owner, chat, _customer, thread) = ticket_scene(&app).await;
    app.tg.group_text(chat, Some(thread), &owner, "/resolve");
    app.card_shows(chat, thread, "Status: resolved").await;
    app.settle().await;

    app.clock.advance(chrono::Duration::hours(71));
    app.settle().await;
    assert_eq!(
        app.ticket(chat, thread).await.status,
        "resolved",
        "not before 72 h"
    );

    app.clock.advance(chrono::Duration::hours(2));
    app.card_shows(chat, thread, "Status: closed").await;
    app.tg
        .wait_until(WAIT, "topic closed", |tg| {
            tg.topic(chat, thread).is_some_and(|t| t.closed)
        })
        .await;
    let t = app.ticket(chat, thread).await;
    let system_close = app
        .audit(t.id)
        .await
        .into_iter()
        .find(|a| a.action == "ticket.status" && a.new_value.as_deref() == Some("closed"))
        .expect("close audited");
    assert_eq!(
        (system_close.actor_kind.as_str(), system_close.actor_id),
        ("system", None)
    );
    app.stop().await;
}

#[tokio::test]
async fn the_auto_close_timer_survives_a_restart() {
    let app = spawn_app().await;
    let (owner, chat, _customer, thread) = ticket_scene(&app).await;
    app.tg.group_text(chat, Some(thread), &owner, "/resolve");
    app.card_shows(chat, thread, "Status: resolved").await;
    app.settle().await;
    let (tg, db) = app.stop().await;

    let app = spawn_app_with(tg, db).await;
    app.clock.advance(chrono::Duration::hours(73));
    app.card_shows(chat, thread, "Status: closed").await;
    app.stop().await;
}

#[tokio::test]
async fn a_topic_the_bot_never_saw_created_becomes_a_ticket_on_its_first_message() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.tg.add_forum_group("Acme Support");
    let customer = app.tg.add_user("Carl", Some("carl"));
    let old = app
        .tg
        .create_topic_silently(chat, &customer, "Old question");
    app.tg
        .set_bot_rights(chat, crate::fake_tg::BotRights::full());
    app.tg.set_creator(chat, &owner);
    app.tg.group_text(chat, None, &owner, "/connect");
    app.wait_bot_message(chat, None, "is connected").await;

    let writer = app.tg.add_user("Wanda", None);
    app.tg
        .group_text(chat, Some(old), &writer, "Is anyone there?");
    app.card_shows(chat, old, "Old question").await;
    let t = app.ticket(chat, old).await;
    assert_eq!(
        (t.number, t.customer_id, t.subject.as_str()),
        (1, writer.id, "Old question")
    );

    // The General topic never becomes a ticket.
    app.tg.group_text(chat, None, &customer, "Hello in General");
    app.settle().await;
    assert_eq!(app.tickets().await.len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn every_message_is_logged_in_order_with_roles_and_edits() {
    let app = spawn_app().await;
    let (owner, chat, customer, thread) = ticket_scene(&app).await;
    let first = app.tg.group_text(chat, Some(thread), &customer, "one");
    app.tg.group_text(chat, Some(thread), &owner, "two");
    app.tg.group_text(chat, Some(thread), &customer, "three");
    app.tg.edit_text(chat, first, &customer, "one (edited)");
    app.settle().await;
    let t = app.ticket(chat, thread).await;
    let log: Vec<_> = app
        .messages(t.id)
        .await
        .into_iter()
        .map(|m| (m.role, m.body.unwrap_or_default(), m.edited_at.is_some()))
        .collect();
    assert_eq!(
        log,
        vec![
            ("customer".to_owned(), "one (edited)".to_owned(), true),
            ("agent".to_owned(), "two".to_owned(), false),
            ("customer".to_owned(), "three".to_owned(), false),
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn with_message_bodies_off_only_metadata_is_logged() {
    let app = spawn_app().await;
    let (owner, chat, customer, thread) = ticket_scene(&app).await;
    app.tg.private_text(&owner, "/settings");
    let screen = app.wait_private(&owner, "Settings of Acme").await;
    let toggle = screen
        .buttons()
        .into_iter()
        .find(|b| b.0.contains("Store message bodies"))
        .expect("toggle")
        .1;
    app.press(&owner, owner.id, screen.id, &toggle).await;
    app.tg
        .wait_until(WAIT, "settings show bodies off", |tg| {
            tg.message(owner.id, screen.id)
                .is_some_and(|m| m.text.contains("store message bodies: off"))
        })
        .await;

    app.tg
        .group_text(chat, Some(thread), &customer, "my password is hunter2");
    app.settle().await;
    let t = app.ticket(chat, thread).await;
    let log = app.messages(t.id).await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].body.as_deref(), log[0].sender_id),
        (None, customer.id)
    );
    let audited = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("settings.store_message_bodies"))
        .one(&app.db)
        .await
        .expect("query")
        .expect("setting change audited");
    assert_eq!(
        (audited.old_value.as_deref(), audited.new_value.as_deref()),
        (Some("true"), Some("false"))
    );
    app.stop().await;
}

#[tokio::test]
async fn info_is_answered_privately_or_with_a_start_hint() {
    let app = spawn_app().await;
    let (owner, chat, _customer, thread) = ticket_scene(&app).await;
    app.tg.group_text(chat, Some(thread), &owner, "/info");
    let info = app.wait_private(&owner, "#1 Can't log in").await;
    assert!(
        info.text.contains("Status: open") && info.text.contains("Customer: Carl"),
        "{}",
        info.text
    );

    // An agent who can't be messaged privately (they blocked the bot) gets a hint in the topic.
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 1, 0).await;
    let admin = app.invite_agent(&owner, "Adam", false).await;
    app.tg.block_bot(&admin);
    app.tg.group_text(chat, Some(thread), &admin, "/info");
    app.wait_bot_message(chat, Some(thread), "can't message you privately")
        .await;
    app.stop().await;
}

#[tokio::test]
async fn a_customer_pressing_agent_buttons_changes_nothing() {
    let app = spawn_app().await;
    let (_owner, chat, customer, thread) = ticket_scene(&app).await;
    for label in ["Claim", "Resolve", "Pending"] {
        let (card, data) = app.card_button(chat, thread, label).await;
        let (text, alert) = app.press(&customer, chat, card, &data).await;
        assert!(alert, "{label}: refusal is an alert");
        assert_eq!(text.as_deref(), Some("Only agents can do this."));
    }
    app.tg.group_text(chat, Some(thread), &customer, "/resolve");
    app.wait_bot_message(chat, Some(thread), "Only agents can do this")
        .await;
    let t = app.ticket(chat, thread).await;
    assert_eq!((t.status.as_str(), t.assignee_id), ("open", None));
    assert!(app
        .audit(t.id)
        .await
        .iter()
        .all(|a| a.action == "ticket.created"));
    app.stop().await;
}

#[tokio::test]
async fn garbage_callback_data_gets_a_polite_alert() {
    let app = spawn_app().await;
    let (owner, chat, _customer, thread) = ticket_scene(&app).await;
    let card = app.card(chat, thread).await;
    for junk in [
        "",
        "hello",
        "9|cm|1",
        "1|cm|-",
        "1|cm|99999999999999999999",
        "1|zz|1|2|3",
    ] {
        let (text, alert) = app.press(&owner, chat, card.id, junk).await;
        assert!(alert, "{junk:?} answered with an alert");
        assert!(
            text.unwrap_or_default().contains("no longer valid"),
            "{junk:?}"
        );
    }
    // A well-formed button for a ticket that does not exist.
    let (text, _) = app.press(&owner, chat, card.id, "1|cm|424242").await;
    assert!(text.unwrap_or_default().contains("no longer valid"));
    // The daemon still works.
    app.tg.group_text(chat, Some(thread), &owner, "/claim");
    app.card_shows(chat, thread, "Status: assigned").await;
    app.stop().await;
}

#[tokio::test]
async fn every_change_writes_an_audit_row_with_actor_and_old_and_new() {
    let app = spawn_app().await;
    let (owner, chat, _customer, thread) = ticket_scene(&app).await;
    for cmd in ["/claim", "/priority high", "/resolve", "/close"] {
        app.tg.group_text(chat, Some(thread), &owner, cmd);
        app.settle().await;
    }
    let t = app.ticket(chat, thread).await;
    let rows: Vec<_> = app
        .audit(t.id)
        .await
        .into_iter()
        .map(|a| (a.action, a.old_value, a.new_value))
        .collect();
    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        rows,
        vec![
            ("ticket.created".to_owned(), None, s("#1")),
            ("ticket.assignee".to_owned(), None, s(&owner.id.to_string())),
            ("ticket.status".to_owned(), s("open"), s("assigned")),
            ("ticket.priority".to_owned(), s("normal"), s("high")),
            ("ticket.status".to_owned(), s("assigned"), s("resolved")),
            ("ticket.status".to_owned(), s("resolved"), s("closed")),
        ]
    );
    app.stop().await;
}
