//! Escalation rules beyond deadlines: escalating by hand, unassigned-ticket rules that reassign
//! through routing, and ticket and customer tags setting off their rules.

use chrono::Duration;

use super::{add_rule, advance, card_is_customer_safe, desk, info_shows, staff_posts};
use crate::helpers::*;

#[tokio::test]
async fn escalate_by_hand_and_unassigned_rules_reassign_through_routing() {
    let app = spawn_app().await;
    let (owner, chat, staff) = desk(&app).await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 1, 0).await;
    let ann = app.invite_agent(&owner, "Ann", false).await;
    crate::routing::set_skills(&app, &owner, &ann, "billing").await;
    add_rule(&app, &owner, "manual -> reassign skill billing").await;
    add_rule(&app, &owner, "unassigned 30 -> post").await;
    let customer = app.tg.add_user("Carl", Some("carl"));

    let thread = app.open_ticket(chat, &customer, "Invoice wrong").await;
    let (card, claim) = app.card_button(chat, thread, "Claim").await;
    app.press(&owner, chat, card, &claim).await;
    app.tg
        .group_text(chat, Some(thread), &owner, "/escalate billing question");
    app.wait_bot_message(staff, None, "escalated (level 1) by Olga")
        .await;
    let t = app
        .wait_ticket(chat, thread, "reassigned to billing", |t| {
            t.assignee_id == Some(ann.id)
        })
        .await;
    assert_eq!(t.escalation_level, 1);
    let told = app.wait_private(&ann, "was assigned to you").await;
    assert!(told.text.contains("Escalation"), "{}", told.text);
    info_shows(&app, &owner, chat, thread, "Escalation level 1").await;
    card_is_customer_safe(&app.card(chat, thread).await);

    // A ticket nobody takes for 30 minutes is posted once.
    let waiting = app.open_ticket(chat, &customer, "Nobody here?").await;
    advance(&app, Duration::minutes(29)).await;
    let number = app.ticket(chat, waiting).await.number;
    let needle = format!("Ticket #{number} escalated");
    assert!(staff_posts(&app, staff, &needle).is_empty());
    advance(&app, Duration::minutes(2)).await;
    app.wait_bot_message(staff, None, &needle).await;
    advance(&app, Duration::hours(2)).await;
    assert_eq!(staff_posts(&app, staff, &needle).len(), 1);

    // A customer can't escalate.
    app.tg
        .group_text(chat, Some(waiting), &customer, "/escalate now!");
    app.wait_bot_message(chat, Some(waiting), "Only agents")
        .await;
    app.stop().await;
}

#[tokio::test]
async fn ticket_and_customer_tags_set_off_their_rules() {
    let app = spawn_app().await;
    let (owner, chat, staff) = desk(&app).await;
    add_rule(&app, &owner, "tag vip -> mention_admins").await;
    add_rule(&app, &owner, "customer_tag churn-risk -> raise_priority").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Important").await;

    // Tags are for staff: confirmed privately, shown by /info, never in the topic.
    app.tg
        .group_text(chat, Some(thread), &owner, "/tag +VIP +billing");
    app.wait_private(&owner, "Tags of ticket #1: #billing #vip")
        .await;
    app.wait_bot_message(staff, None, "@olga").await;
    info_shows(&app, &owner, chat, thread, "Tags: #billing #vip").await;
    app.tg
        .group_text(chat, Some(thread), &owner, "/tag -billing");
    info_shows(&app, &owner, chat, thread, "Tags: #vip").await;
    // Adding a tag the ticket already has sets nothing off again.
    app.tg.group_text(chat, Some(thread), &owner, "/tag +vip");
    app.wait_private(&owner, "Tags of ticket #1: #vip").await;
    card_is_customer_safe(&app.card(chat, thread).await);
    assert!(app
        .tg
        .bot_messages_in(chat, Some(thread))
        .iter()
        .all(|m| !m.text.contains("#vip")));
    app.settle().await;
    assert_eq!(staff_posts(&app, staff, "@olga").len(), 1);

    // A customer tag raises this ticket's priority, and that of the customer's next ticket.
    app.tg
        .group_text(chat, Some(thread), &owner, "/tag customer +churn-risk");
    app.wait_ticket(chat, thread, "priority raised", |t| t.priority == "high")
        .await;
    let next = app.open_ticket(chat, &customer, "Another one").await;
    app.wait_ticket(chat, next, "priority raised at creation", |t| {
        t.priority == "high"
    })
    .await;
    info_shows(&app, &owner, chat, next, "Customer tags: #churn-risk").await;

    // Customers can't tag; nonsense is explained.
    app.tg
        .group_text(chat, Some(thread), &customer, "/tag +free");
    app.wait_bot_message(chat, Some(thread), "Only agents")
        .await;
    app.tg.group_text(chat, Some(thread), &owner, "/tag +a.b");
    app.wait_bot_message(chat, Some(thread), "Use /tag").await;
    let t = app.ticket(chat, thread).await;
    let audit = app.audit(t.id).await;
    assert!(audit.iter().any(|r| r.action == "ticket.tags"), "{audit:?}");
    assert!(
        audit.iter().any(|r| r.action == "customer.tags"),
        "{audit:?}"
    );
    app.stop().await;
}
