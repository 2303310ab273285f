//! What people see of the queue: reassignment with its note, `/queue` and `/mytickets`, and the
//! staff-chat alert for a ticket left unassigned too long.

use super::{open_settings, private, tap, team, workspace};
use crate::fake_tg::FakeMessage;
use crate::helpers::*;

// ----- people ------------------------------------------------------------------------------------

#[tokio::test]
async fn reassignment_keeps_the_note_tells_the_new_assignee_and_lists_agents_with_load() {
    let app = spawn_app().await;
    let (owner, chat, agents) = team(&app, &["Ann", "Bob"]).await;
    let (ann, bob) = (&agents[0], &agents[1]);
    let staff = app.staff_chat(&owner, "Acme Staff").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Needs German").await;

    let (card, claim) = app.card_button(chat, thread, "Claim").await;
    app.press(ann, chat, card, &claim).await;
    app.wait_bot_message(staff, None, "→ Ann (@ann) (claimed)")
        .await;

    app.tg.group_text(
        chat,
        Some(thread),
        ann,
        "/assign @bob Customer writes in German",
    );
    let told = app
        .wait_private(bob, "was assigned to you by Ann (@ann)")
        .await;
    assert!(
        told.text.contains("Note: Customer writes in German"),
        "{}",
        told.text
    );
    app.wait_bot_message(staff, None, "→ Bob (@bob) by Ann (@ann)")
        .await;
    let t = app.ticket(chat, thread).await;
    let audit = app.audit(t.id).await;
    assert!(
        audit.iter().any(|r| r.action == "ticket.assignee"
            && r.new_value.as_deref() == Some(&bob.id.to_string())
            && r.note.as_deref() == Some("Customer writes in German")),
        "{audit:?}"
    );

    // The card's Assign… button lists the agents who may work tickets, with their load, to
    // the presser privately: loads are for staff, the topic is read by the customer.
    let (card, menu) = app.card_button(chat, thread, "Assign").await;
    let (toast, _) = app.press(&owner, chat, card, &menu).await;
    assert!(
        toast.unwrap_or_default().contains("private chat"),
        "the presser is told where the list went"
    );
    let picker = app.wait_private(&owner, "Give ticket #1 to").await;
    let labels: Vec<String> = picker.buttons().into_iter().map(|(l, _)| l).collect();
    assert!(
        labels.iter().any(|l| l.contains("Bob (@bob) · 1/10")),
        "{labels:?}"
    );
    let card_now = app.card(chat, thread).await;
    assert!(
        card_now
            .buttons()
            .iter()
            .all(|(l, _)| !l.contains("Bob") && !l.contains("/10")),
        "no agent list on the card: {:?}",
        card_now.buttons()
    );
    // Picking from the private list assigns the ticket.
    let pick = labels
        .iter()
        .position(|l| l.contains("Ann (@ann)"))
        .expect("Ann listed");
    let data = picker.buttons()[pick].1.clone();
    app.press(&owner, owner.id, picker.id, &data).await;
    app.card_shows(chat, thread, "Assignee: Ann").await;
    assert!(
        labels.iter().any(|l| l.contains("Ann (@ann) · 0/10")),
        "{labels:?}"
    );
    assert!(
        labels
            .iter()
            .any(|l| l.contains("Olga") && l.contains("💤")),
        "{labels:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn queue_and_mytickets_show_the_work_with_claim_buttons() {
    let app = spawn_app().await;
    let (owner, chat, agents) = team(&app, &["Ann"]).await;
    let ann = &agents[0];
    let customer = app.tg.add_user("Carl", Some("carl"));
    let mine = app.open_ticket(chat, &customer, "Mine").await;
    let (card, claim) = app.card_button(chat, mine, "Claim").await;
    app.press(ann, chat, card, &claim).await;
    app.wait_ticket(chat, mine, "claimed", |t| t.assignee_id == Some(ann.id))
        .await;
    let waiting = app.open_ticket(chat, &customer, "Nobody's yet").await;

    let queue = private(&app, ann, "/queue", "Queue of Acme").await;
    assert!(
        queue.text.contains("Open tickets: 2 · unassigned: 1"),
        "{}",
        queue.text
    );
    assert!(queue.text.contains("Nobody's yet"), "{}", queue.text);
    assert!(
        queue.text.contains("Ann") && queue.text.contains("1/10"),
        "{}",
        queue.text
    );
    let number = app.ticket(chat, waiting).await.number;
    let data = queue
        .buttons()
        .into_iter()
        .find(|(l, _)| l == &format!("🙋 Claim #{number}"))
        .map(|(_, d)| d)
        .expect("claim button");
    app.press(ann, ann.id, queue.id, &data).await;
    app.wait_ticket(chat, waiting, "claimed from /queue", |t| {
        t.assignee_id == Some(ann.id)
    })
    .await;

    let list = private(&app, ann, "/mytickets", "Your tickets in Acme").await;
    assert!(
        list.text.contains("Mine") && list.text.contains("Nobody's yet"),
        "{}",
        list.text
    );
    assert!(list
        .url_buttons()
        .iter()
        .all(|(_, u)| u.contains("t.me/c/")));
    assert_eq!(list.url_buttons().len(), 2);

    // A Member can't change routing, even with a forged button.
    let forged = topicdesk::telegram::callback::CallbackData::Routing(
        topicdesk::telegram::callback::RoutingButton::RoutingStrategy {
            strategy: topicdesk::domain::routing::Strategy::RoundRobin,
        },
    )
    .encode();
    let (_, alert) = app.press(ann, ann.id, list.id, &forged).await;
    assert!(alert, "a Member changed routing");
    let ws = app.workspace_of(&owner).await;
    assert_eq!(workspace(&app, ws).await.routing_strategy, "manual");

    // A customer can't see the queue.
    let stranger = app.tg.add_user("Sam", Some("sam"));
    private(&app, &stranger, "/queue", "not in a workspace").await;
    app.stop().await;
}

#[tokio::test]
async fn a_ticket_unassigned_too_long_is_announced_in_the_staff_chat_once() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let staff = app.staff_chat(&owner, "Acme Staff").await;
    open_settings(&app, &owner, "Routing").await;
    tap(&app, &owner, "⏰ 15m").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Anyone?").await;
    let claimed = app.open_ticket(chat, &customer, "Taken quickly").await;
    let (card, claim) = app.card_button(chat, claimed, "Claim").await;
    app.press(&owner, chat, card, &claim).await;
    app.settle().await;

    app.clock.advance(chrono::Duration::minutes(16));
    app.wait_bot_message(staff, None, "has waited over 15 min")
        .await;
    app.clock.advance(chrono::Duration::minutes(60));
    app.settle().await;
    let alerts: Vec<FakeMessage> = app
        .tg
        .bot_messages_in(staff, None)
        .into_iter()
        .filter(|m| m.text.contains("has waited over"))
        .collect();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let number = app.ticket(chat, thread).await.number;
    assert!(
        alerts[0].text.contains(&format!("#{number}")),
        "{}",
        alerts[0].text
    );
    app.stop().await;
}
