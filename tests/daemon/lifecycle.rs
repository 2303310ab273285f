//! Tickets from topics and their whole lifecycle, driven through the fake Telegram.

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
        assert!(labels.iter().any(|x| x.contains(l)), "missing {l} in {labels:?}");
    }
    app.tg.wait_until(WAIT, "card pinned", |tg| tg.message(chat, card.id).is_some_and(|m| m.pinned)).await;
    app.tg
        .wait_until(WAIT, "topic renamed", |tg| tg.topic(chat, thread).is_some_and(|t| t.name == "[#1] Can't log in"))
        .await;

    let second = app.open_ticket(chat, &customer, "Invoice wrong").await;
    app.card_shows(chat, second, "Ticket #2").await;
    let t = app.ticket(chat, thread).await;
    assert_eq!((t.number, t.status.as_str(), t.customer_id), (1, "open", customer.id));
    app.stop().await;
}
