//! `/t`: a rendered template posted into the topic as the agent's reply (first response, in
//! progress, the SLA clock met, logged as their message), the picker of `/t` alone, and what
//! posts nothing.

use chrono::Duration;
use entity::kinds::TicketStatus;

use super::{add, topic_posts};
use crate::helpers::*;
use crate::sla::{advance, desk, set_policy, staff_posts};
use crate::team::{audited, button};

#[tokio::test]
async fn t_posts_the_rendered_template_as_the_agents_first_response() {
    let app = spawn_app().await;
    let (owner, chat, staff) = desk(&app).await;
    let ws = app.workspace_of(&owner).await;
    set_policy(&app, &owner, "normal", "normal", "30 240").await;
    add(
        &app,
        &owner,
        true,
        r#"greet | General
Hi {{ customer_first_name }} (@{{ customer_username }}): ticket #{{ ticket_number }} "{{ subject }}" is {{ priority|upper }} at {{ workspace_name }}. {{ agent_name }} here.{% if category == "billing" %} Billing!{% endif %}"#,
    )
    .await;
    // A customer whose name is markup: it must arrive as text.
    let customer = app.tg.add_user("<b>Carl</b>", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Can't log in").await;
    app.settle().await;

    let command = app.tg.group_text(chat, Some(thread), &owner, "/t greet");
    let posted = app.wait_bot_message(chat, Some(thread), "ticket #1").await;
    assert_eq!(
        posted.text,
        "Hi <b>Carl</b> (@carl): ticket #1 \"Can't log in\" is NORMAL at Acme. Olga here."
    );
    assert!(
        posted
            .sent_text
            .as_deref()
            .is_some_and(|s| s.contains("&lt;b&gt;Carl&lt;/b&gt;")),
        "{:?}",
        posted.sent_text
    );
    assert!(posted.entities.is_empty(), "{:?}", posted.entities);

    // It is the agent's first response: in progress, theirs, the first-response clock met.
    let t = app
        .wait_ticket(chat, thread, "answered", |t| t.first_response_at.is_some())
        .await;
    assert_eq!(t.status, TicketStatus::InProgress);
    assert_eq!(t.assignee_id, Some(owner.id));
    assert_eq!(t.first_response_due, None);
    app.card_shows(chat, thread, "in progress").await;
    // Logged as the agent's message, by the message the bot posted.
    app.settle().await;
    let log = app.messages(t.id).await;
    let logged = log
        .iter()
        .find(|m| m.tg_message_id == posted.id)
        .expect("the template is in the message log");
    assert_eq!(
        (logged.role.as_str(), logged.sender_id, logged.is_command),
        ("agent", owner.id, false)
    );
    assert_eq!(logged.body.as_deref(), Some(posted.text.as_str()));
    // The command, which names the template, is gone from the customer's topic.
    assert!(app.tg.message(chat, command).is_some_and(|m| m.deleted));
    let sent = audited(&app, ws, "template.sent").await;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].ticket_id, sent[0].new_value.as_deref()),
        (Some(t.id), Some("greet"))
    );

    // The first-response target passes without a breach.
    advance(&app, Duration::minutes(31)).await;
    assert!(staff_posts(&app, staff, "SLA breached").is_empty());

    // The same update again changes nothing.
    let update = app.tg.last_update_id().expect("an update");
    let before = topic_posts(&app, chat, thread).len();
    app.tg.group_text(chat, Some(thread), &owner, "/t greet");
    let again = app.tg.last_update_id().expect("an update");
    assert!(again > update);
    app.tg.redeliver(again);
    app.settle().await;
    assert_eq!(topic_posts(&app, chat, thread).len(), before + 1);
    assert_eq!(audited(&app, ws, "template.sent").await.len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_template_or_an_undefined_variable_posts_nothing() {
    let app = spawn_app().await;
    let (owner, chat, _) = desk(&app).await;
    // Any field may be named when saving: fields are defined later, per ticket.
    let saved = add(&app, &owner, false, "plan\nYour plan: {{ fields.plan }}").await;
    assert!(saved.text.contains("Version 1"), "{}", saved.text);
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "A question").await;
    app.settle().await;
    let posts = topic_posts(&app, chat, thread).len();

    app.tg.group_text(chat, Some(thread), &owner, "/t nope");
    let unknown = app.wait_private(&owner, "no template named").await;
    assert!(unknown.text.contains("“nope”"), "{}", unknown.text);
    assert!(unknown.text.contains("Nothing was posted"));

    app.tg.group_text(chat, Some(thread), &owner, "/t plan");
    let failed = app.wait_private(&owner, "was not sent").await;
    assert!(
        failed
            .text
            .contains("“fields.plan” is not defined for this ticket"),
        "{}",
        failed.text
    );

    // A customer is no agent.
    app.tg.group_text(chat, Some(thread), &customer, "/t plan");
    app.wait_bot_message(chat, Some(thread), "Only agents can do this")
        .await;

    app.settle().await;
    let now = topic_posts(&app, chat, thread);
    assert_eq!(now.len(), posts + 1, "only the customer's refusal: {now:?}");
    assert!(now.iter().all(|m| !m.text.contains("plan")), "{now:?}");
    let t = app.ticket(chat, thread).await;
    assert_eq!((t.status, t.first_response_at), (TicketStatus::Open, None));
    assert!(app.messages(t.id).await.iter().all(|m| m.role != "agent"));
    app.stop().await;
}

#[tokio::test]
async fn t_alone_sends_the_agent_buttons_and_a_press_posts_that_one() {
    let app = spawn_app().await;
    let (owner, chat, _) = desk(&app).await;
    add(
        &app,
        &owner,
        true,
        "refund | Billing\nYour refund for #{{ ticket_number }} is on its way.",
    )
    .await;
    add(
        &app,
        &owner,
        false,
        "thanks\nThanks, {{ customer_first_name }}!",
    )
    .await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Refund").await;
    app.settle().await;
    let posts = topic_posts(&app, chat, thread).len();

    app.tg.group_text(chat, Some(thread), &owner, "/t");
    let picker = app.wait_private(&owner, "Templates for ticket #1").await;
    assert!(
        picker.text.contains("Billing: 📄 refund") && picker.text.contains("Other: 👤 thanks"),
        "{}",
        picker.text
    );
    // Nothing in the topic yet: the list is the agent's.
    app.settle().await;
    assert_eq!(topic_posts(&app, chat, thread).len(), posts);

    let (answer, alert) = app
        .press(&owner, owner.id, picker.id, &button(&picker, "refund"))
        .await;
    assert_eq!(
        (answer.as_deref(), alert),
        (Some("Sent “refund” to ticket #1."), false)
    );
    app.wait_bot_message(chat, Some(thread), "Your refund for #1 is on its way.")
        .await;
    let t = app
        .wait_ticket(chat, thread, "answered", |t| t.first_response_at.is_some())
        .await;
    assert_eq!(t.status, TicketStatus::InProgress);
    app.stop().await;
}

/// `fields.<key>` reads the ticket's custom field values: a set one shows its value; an unset
/// one is undefined, so `is defined` guards it and unguarded use posts nothing and names it.
#[tokio::test]
async fn templates_read_the_tickets_custom_fields() {
    let app = spawn_app().await;
    let (owner, chat, _) = desk(&app).await;
    crate::fields::add_field(&app, &owner, "plan | Plan | single | free, pro, team | no").await;
    crate::fields::add_field(&app, &owner, "seats | Seats | number | | no").await;
    add(
        &app,
        &owner,
        true,
        "plan\nYour plan: {{ fields.plan }}.{% if fields.seats is defined %} Seats: {{ fields.seats }}.{% endif %}",
    )
    .await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Upgrade").await;
    app.settle().await;
    let posts = topic_posts(&app, chat, thread).len();
    app.tg.group_text(chat, Some(thread), &owner, "/t plan");
    let failed = app.wait_private(&owner, "was not sent").await;
    assert!(
        failed.text.contains("“fields.plan” is not defined"),
        "{}",
        failed.text
    );
    app.settle().await;
    assert_eq!(topic_posts(&app, chat, thread).len(), posts);

    let answer = crate::fields::set(&app, &owner, chat, thread, "plan Pro").await;
    assert!(answer.text.contains("pro"), "{}", answer.text);
    app.tg.group_text(chat, Some(thread), &owner, "/t plan");
    let posted = app
        .wait_bot_message(chat, Some(thread), "Your plan: pro.")
        .await;
    assert!(!posted.text.contains("Seats"), "{}", posted.text);

    crate::fields::set(&app, &owner, chat, thread, "seats 12").await;
    app.tg.group_text(chat, Some(thread), &owner, "/t plan");
    app.wait_bot_message(chat, Some(thread), "Your plan: pro. Seats: 12.")
        .await;
    app.stop().await;
}
