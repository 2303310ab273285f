//! Invite links: joining with one and claiming, forged, used and expired links, and an invite
//! when no seat is free.

use serde_json::Value;
use topicdesk::domain::seats::{InvoicePayload, Tier};

use super::{ask, audited, button, invite_token, member, members_count, seat_of, seats_of};
use crate::helpers::*;

// ----- invites ---------------------------------------------------------------------------------

#[tokio::test]
async fn invite_join_then_the_new_member_can_claim() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 1, 0).await;

    let token = invite_token(&app, &owner, "basic").await;
    let seats = ask(&app, &owner, "/seats").await;
    assert!(
        seats.text.contains("Owner · Filled — Olga (@olga)"),
        "{}",
        seats.text
    );
    assert!(seats.text.contains("Basic · Pending"), "{}", seats.text);
    let seat = seats_of(&app, ws).await.remove(0);
    assert_eq!(seat.holder_id, None);

    let mia = app.tg.add_user("Mia", Some("mia"));
    let welcome = ask(&app, &mia, &format!("/start join_{token}")).await;
    assert!(
        welcome.text.contains("Welcome to Acme") && welcome.text.contains("Basic seat"),
        "{}",
        welcome.text
    );
    let m = member(&app, ws, &mia).await.expect("Mia is a member");
    assert_eq!((m.role.as_str(), m.seat_id), ("member", Some(seat.id)));
    assert_eq!(seat_of(&app, ws, &mia).await.holder_id, Some(mia.id));
    app.wait_private(&owner, "Mia (@mia) joined on a Basic seat")
        .await;
    let seats = ask(&app, &owner, "/seats").await;
    assert!(
        seats.text.contains("Basic · Filled — Mia (@mia)"),
        "{}",
        seats.text
    );
    assert!(!seats.text.contains("Pending"), "{}", seats.text);
    let invited = audited(&app, ws, "member.invited").await;
    let joined = audited(&app, ws, "member.joined").await;
    assert_eq!((invited.len(), joined.len()), (1, 1));
    assert_eq!(invited[0].actor_id, Some(owner.id));
    assert_eq!(joined[0].actor_id, Some(mia.id));

    // The new member works tickets.
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let carl = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &carl, "Can't log in").await;
    app.tg.group_text(chat, Some(thread), &mia, "/claim");
    app.card_shows(chat, thread, "Assignee: Mia").await;
    let t = app
        .wait_ticket(chat, thread, "claimed", |t| t.status == "assigned")
        .await;
    assert_eq!(t.assignee_id, Some(mia.id));
    app.stop().await;
}

#[tokio::test]
async fn forged_used_and_expired_invite_links_get_a_clear_answer() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 2, 0).await;

    let eve = app.tg.add_user("Eve", Some("eve"));
    let answer = ask(&app, &eve, "/start join_AAAAforgedAAAAforgedAAAA").await;
    assert!(
        answer.text.contains("This invite link is not valid"),
        "{}",
        answer.text
    );

    let token = invite_token(&app, &owner, "basic").await;
    let mia = app.tg.add_user("Mia", Some("mia"));
    ask(&app, &mia, &format!("/start join_{token}")).await;
    assert!(member(&app, ws, &mia).await.is_some());
    let sam = app.tg.add_user("Sam", Some("sam"));
    let answer = ask(&app, &sam, &format!("/start join_{token}")).await;
    assert!(answer.text.contains("already been used"), "{}", answer.text);
    // Opening it again as the person who used it: still used, nothing doubles.
    let answer = ask(&app, &mia, &format!("/start join_{token}")).await;
    assert!(answer.text.contains("already been used"), "{}", answer.text);

    // A fresh link opened by someone already in the workspace.
    let second = invite_token(&app, &owner, "basic").await;
    let answer = ask(&app, &mia, &format!("/start join_{second}")).await;
    assert!(answer.text.contains("already a member"), "{}", answer.text);

    // Eight days later the fresh link is dead, and its seat is free again.
    app.clock.advance(chrono::Duration::days(8));
    let rita = app.tg.add_user("Rita", Some("rita"));
    let answer = ask(&app, &rita, &format!("/start join_{second}")).await;
    assert!(answer.text.contains("has expired"), "{}", answer.text);
    let seats = ask(&app, &owner, "/seats").await;
    assert!(seats.text.contains("Basic · Available"), "{}", seats.text);
    assert!(!seats.text.contains("Pending"), "{}", seats.text);

    for u in [&eve, &sam, &rita] {
        assert!(
            member(&app, ws, u).await.is_none(),
            "{} joined",
            u.first_name
        );
    }
    assert_eq!(members_count(&app, ws).await, 2);
    assert_eq!(audited(&app, ws, "member.joined").await.len(), 1);
    let seats = seats_of(&app, ws).await;
    assert_eq!(
        seats.iter().filter(|s| s.holder_id.is_some()).count(),
        1,
        "{seats:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn invite_without_a_free_seat_offers_to_buy_one() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    // A Basic seat does not help a Pro invite.
    app.grant_seats(ws, 1, 0).await;

    let answer = ask(&app, &owner, "/invite pro").await;
    assert!(
        answer.text.contains("There is no free Pro seat"),
        "{}",
        answer.text
    );
    assert!(!answer.text.contains("start=join_"), "{}", answer.text);
    let buy = button(&answer, "Buy a Pro seat");
    let (text, alert) = app.press(&owner, owner.id, answer.id, &buy).await;
    assert!(!alert, "buying is no refusal: {text:?}");

    let invoice = app
        .tg
        .wait_for(WAIT, "an invoice", |tg| tg.last_request("sendInvoice"))
        .await;
    assert_eq!(invoice["chat_id"].as_i64(), Some(owner.id), "{invoice}");
    assert_eq!(invoice["currency"], "XTR", "{invoice}");
    let payload = invoice["payload"].as_str().expect("payload");
    assert_eq!(
        InvoicePayload::decode(payload).expect("our payload"),
        InvoicePayload {
            workspace_id: ws,
            tier: Tier::Pro,
            count: 1,
            months: 1
        }
    );
    let prices = match &invoice["prices"] {
        Value::String(s) => serde_json::from_str(s).expect("prices JSON"),
        v => v.clone(),
    };
    let total: i64 = prices
        .as_array()
        .expect("prices")
        .iter()
        .map(|p| p["amount"].as_i64().expect("amount"))
        .sum();
    assert_eq!(total, 3900, "{invoice}");
    app.tg
        .wait_until(WAIT, "the invoice in the owner's chat", |tg| {
            tg.bot_messages_in(owner.id, None)
                .iter()
                .any(|m| m.media.as_deref() == Some("invoice"))
        })
        .await;
    // Nothing was bought yet.
    assert_eq!(seats_of(&app, ws).await.len(), 1);
    app.stop().await;
}
