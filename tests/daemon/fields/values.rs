//! Field values: `/set` checks each type and answers privately with the accepted value or
//! exactly what is wrong; `/info` shows them with buttons that change choice fields in place;
//! every change is audited old → new, once, however often Telegram delivers it.

use super::*;

const FIELDS: [&str; 6] = [
    "priority-score | Priority score | number",
    "plan | Plan | single | free, pro, team | required",
    "vip | VIP | checkbox",
    "due | Due | date",
    "tools | Tools | multiple | slack, email, phone",
    "note | Note | text",
];

#[tokio::test]
async fn set_checks_each_type_and_answers_only_the_agent() {
    let app = spawn_app().await;
    let (owner, chat) = desk(&app, "Olga", "Acme").await;
    for line in FIELDS {
        add_field(&app, &owner, line).await;
    }
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Billing question").await;

    // Refusals say exactly what is wrong.
    let answer = set(&app, &owner, chat, thread, "priority-score high").await;
    assert_eq!(answer.text, "priority-score must be a number");
    let answer = set(&app, &owner, chat, thread, "plan gold").await;
    assert_eq!(answer.text, "plan must be one of: free, pro, team");
    let answer = set(&app, &owner, chat, thread, "vip maybe").await;
    assert_eq!(answer.text, "vip must be yes or no");
    let answer = set(&app, &owner, chat, thread, "due 31.12.2026").await;
    assert_eq!(answer.text, "due must be a date like 2026-12-31");
    let answer = set(&app, &owner, chat, thread, "tools fax").await;
    assert!(answer
        .text
        .starts_with("tools must be one or more of: slack, email, phone"));
    let long = format!("note {}", "x".repeat(1001));
    let answer = set(&app, &owner, chat, thread, &long).await;
    assert_eq!(answer.text, "note must be at most 1000 characters");

    // Accepted values come back as they are stored.
    for (args, answer) in [
        ("priority-score 3.50", "Ticket #1 · Priority score: 3.5"),
        ("Plan PRO", "Ticket #1 · Plan: pro"),
        ("vip on", "Ticket #1 · VIP: yes"),
        ("due 2026-12-31", "Ticket #1 · Due: 2026-12-31"),
        ("tools phone, SLACK", "Ticket #1 · Tools: slack, phone"),
        (
            "note Call <b>after</b> 5",
            "Ticket #1 · Note: Call <b>after</b> 5",
        ),
    ] {
        assert_eq!(set(&app, &owner, chat, thread, args).await.text, answer);
    }
    // Clearing: refused for a required field, done for the others.
    let answer = set(&app, &owner, chat, thread, "plan").await;
    assert_eq!(answer.text, "plan is required: it can't be cleared");
    let answer = set(&app, &owner, chat, thread, "note").await;
    assert_eq!(answer.text, "Ticket #1 · Note cleared.");
    let answer = set(&app, &owner, chat, thread, "colour red").await;
    assert!(answer.text.starts_with("There is no field “colour”."));
    assert!(answer
        .text
        .contains("priority-score, plan, vip, due, tools, note"));
    let answer = set(&app, &owner, chat, thread, "").await;
    assert!(answer.text.starts_with("Use /set"), "{}", answer.text);

    // The customer reads the topic: no value, key or refusal went there, and the agent's own
    // commands (/set, /tag) were taken out of it.
    topic_is_free_of(
        &app,
        chat,
        thread,
        &["3.5", "Priority score", "must be", "Plan", "slack", "Note"],
    );
    app.tg
        .group_text(chat, Some(thread), &owner, "/tag +churn-risk");
    app.wait_private(&owner, "churn-risk").await;
    app.settle().await;
    let left: Vec<String> = app
        .tg
        .messages_in(chat, Some(thread))
        .into_iter()
        .filter(|m| m.from_id == owner.id)
        .map(|m| m.text)
        .collect();
    assert!(
        left.is_empty(),
        "the agent's commands are still in the topic: {left:?}"
    );
    // A customer may not set fields.
    app.tg
        .group_text(chat, Some(thread), &customer, "/set plan free");
    app.wait_bot_message(chat, Some(thread), "Only agents can do this")
        .await;

    let ws = app.workspace_of(&owner).await;
    let t = app.ticket(chat, thread).await;
    let plan = field(&app, ws, "plan").await;
    assert_eq!(value(&app, t.id, plan.id).await.as_deref(), Some("pro"));
    let note = field(&app, ws, "note").await;
    assert_eq!(value(&app, t.id, note.id).await, None);
    let rows: Vec<_> = audit_of(&app, ws, "field.set")
        .await
        .into_iter()
        .map(|r| (r.note.unwrap_or_default(), r.old_value, r.new_value))
        .collect();
    assert_eq!(rows.len(), 7, "{rows:?}");
    assert!(rows.contains(&("priority-score".into(), None, Some("3.5".into()))));
    assert!(rows.contains(&("plan".into(), None, Some("pro".into()))));
    assert!(rows.contains(&("note".into(), Some("Call <b>after</b> 5".into()), None)));
    app.stop().await;
}

#[tokio::test]
async fn info_shows_fields_and_its_buttons_change_them_in_place() {
    let app = spawn_app().await;
    let (owner, chat) = desk(&app, "Olga", "Acme").await;
    for line in &FIELDS[1..] {
        add_field(&app, &owner, line).await;
    }
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Billing question").await;
    let ws = app.workspace_of(&owner).await;
    let t = app.ticket(chat, thread).await;

    let msg = info(&app, &owner, chat, thread).await;
    assert!(
        msg.text.contains("⚠️ Plan: missing (required)"),
        "{}",
        msg.text
    );
    assert!(msg.text.contains("VIP: —"), "{}", msg.text);
    let labels: Vec<String> = msg.buttons().into_iter().map(|(l, _)| l).collect();
    for l in [
        "Plan: free",
        "Plan: pro",
        "Plan: team",
        "☐ VIP",
        "☐ Tools: email",
    ] {
        assert!(labels.contains(&l.to_owned()), "{l} not in {labels:?}");
    }

    // Each press changes the value and shows the same message again, edited.
    let (_, alert) = press_label(&app, &owner, &msg, "Plan: team").await;
    assert!(!alert);
    press_label(&app, &owner, &msg, "☐ VIP").await;
    press_label(&app, &owner, &msg, "☐ Tools: email").await;
    press_label(&app, &owner, &msg, "☐ Tools: slack").await;
    let now = app.tg.message(owner.id, msg.id).expect("the /info message");
    assert!(now.text.contains("Plan: team"), "{}", now.text);
    assert!(now.text.contains("VIP: yes"), "{}", now.text);
    assert!(now.text.contains("Tools: slack, email"), "{}", now.text);
    assert!(now.buttons().iter().any(|(l, _)| l == "• Plan: team"));
    press_label(&app, &owner, &msg, "☑ Tools: email").await;
    press_label(&app, &owner, &msg, "☑ VIP").await;
    let tools = field(&app, ws, "tools").await;
    let vip = field(&app, ws, "vip").await;
    assert_eq!(value(&app, t.id, tools.id).await.as_deref(), Some("slack"));
    assert_eq!(value(&app, t.id, vip.id).await.as_deref(), Some("no"));

    // The same press delivered again changes nothing: the inbox took it once.
    let before = audit_of(&app, ws, "field.set").await.len();
    press_label(&app, &owner, &msg, "Plan: free").await;
    let update = app.tg.last_update_id().expect("the press");
    app.tg.redeliver(update);
    press_label(&app, &owner, &msg, "Plan: pro").await;
    app.tg.redeliver(update);
    app.settle().await;
    let plan = field(&app, ws, "plan").await;
    assert_eq!(value(&app, t.id, plan.id).await.as_deref(), Some("pro"));
    let rows = audit_of(&app, ws, "field.set").await;
    assert_eq!(rows.len(), before + 2);
    let last = rows.last().expect("a row");
    assert_eq!(
        (last.old_value.as_deref(), last.new_value.as_deref()),
        (Some("free"), Some("pro"))
    );
    assert_eq!(last.actor_id, Some(owner.id));

    // Someone who is no agent of the workspace gets nothing from a forged button.
    let stranger = app.tg.add_user("Eve", Some("eve"));
    let data = format!("1|fk|{}|{}|1", t.id, vip.id);
    let (answer, alert) = press_forged(&app, &stranger, &data).await;
    assert!(alert);
    assert_eq!(answer.as_deref(), Some("Only agents can do this."));
    let (_, alert) = press_forged(&app, &customer, &data).await;
    assert!(alert);
    assert_eq!(value(&app, t.id, vip.id).await.as_deref(), Some("no"));
    // A choice button from before the choices changed names no choice now.
    let stale = format!("1|fp|{}|{}|0|1|1", t.id, plan.id);
    let (answer, alert) = press_forged(&app, &owner, &stale).await;
    assert!(alert, "{answer:?}");
    assert_eq!(value(&app, t.id, plan.id).await.as_deref(), Some("pro"));
    app.stop().await;
}

#[tokio::test]
async fn a_set_delivered_again_changes_nothing() {
    let app = spawn_app().await;
    let (owner, chat) = desk(&app, "Olga", "Acme").await;
    add_field(&app, &owner, "score | Score | number").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Help").await;
    set(&app, &owner, chat, thread, "score 5").await;
    let first = app.tg.last_update_id().expect("the first /set");
    set(&app, &owner, chat, thread, "score 6").await;
    app.tg.redeliver(first);
    app.settle().await;
    let ws = app.workspace_of(&owner).await;
    let t = app.ticket(chat, thread).await;
    let score = field(&app, ws, "score").await;
    assert_eq!(value(&app, t.id, score.id).await.as_deref(), Some("6"));
    assert_eq!(audit_of(&app, ws, "field.set").await.len(), 2);
    app.stop().await;
}
