//! A member's seat over time: leaving frees it, an expired one cannot claim or move tickets
//! until renewed, and buying after a lapse renews the expired seat.

use std::time::Duration;

use chrono::Utc;
use topicdesk::clock::Clock;

use super::{
    ask, audited, billing_event, button, join, member, private_count, say, seat_of, seats_of,
    whole_seconds,
};
use crate::helpers::*;

// ----- leaving ---------------------------------------------------------------------------------

#[tokio::test]
async fn leave_approved_frees_the_seat_and_releases_tickets() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 2, 0).await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let staff = app.staff_chat(&owner, "Acme Staff").await;
    let mia = join(&app, &owner, "Mia", false).await;
    let sam = join(&app, &owner, "Sam", false).await;
    let mias_seat = seat_of(&app, ws, &mia).await.id;
    let carl = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &carl, "Can't log in").await;
    app.tg.group_text(chat, Some(thread), &mia, "/claim");
    app.card_shows(chat, thread, "Assignee: Mia").await;
    app.tg
        .group_text(chat, Some(thread), &mia, "Hi Carl, looking into it");
    let t = app
        .wait_ticket(chat, thread, "in progress", |t| t.status == "in_progress")
        .await;
    assert_eq!(t.assignee_id, Some(mia.id));

    let answer = ask(&app, &owner, "/leave").await;
    assert!(
        answer.text.contains("The Owner can't leave"),
        "{}",
        answer.text
    );
    let sent = ask(&app, &mia, "/leave busy elsewhere").await;
    assert!(sent.text.contains("sent to the Admins"), "{}", sent.text);
    let again = ask(&app, &mia, "/leave").await;
    assert!(
        again.text.contains("already asked to leave"),
        "{}",
        again.text
    );
    let asked = app.wait_private(&owner, "asks to leave").await;
    assert!(
        asked
            .text
            .contains("Mia (@mia) asks to leave the workspace")
            && asked.text.contains("Reason: busy elsewhere"),
        "{}",
        asked.text
    );
    let in_staff = app.wait_bot_message(staff, None, "asks to leave").await;
    assert!(in_staff.text.contains("Mia (@mia)"), "{}", in_staff.text);
    assert_eq!(
        private_count(&app, &sam, "asks to leave"),
        0,
        "Members don't decide"
    );
    // A Member in the staff chat can't decide it.
    let (text, alert) = app
        .press(&sam, staff, in_staff.id, &button(&in_staff, "Approve"))
        .await;
    assert_eq!(
        (text.as_deref(), alert),
        (Some("Only Admins and the Owner can do this."), true)
    );
    assert!(member(&app, ws, &mia).await.is_some());

    let (text, _) = app
        .press(&owner, owner.id, asked.id, &button(&asked, "Approve"))
        .await;
    assert_eq!(text.as_deref(), Some("Saved."));
    app.wait_private(&mia, "Your request to leave Acme was approved")
        .await;
    assert!(member(&app, ws, &mia).await.is_none());
    let seat = seats_of(&app, ws)
        .await
        .into_iter()
        .find(|s| s.id == mias_seat)
        .expect("seat");
    assert_eq!(seat.holder_id, None);
    let t = app
        .wait_ticket(chat, thread, "back in the queue", |t| t.status == "open")
        .await;
    assert_eq!(t.assignee_id, None);
    let card = app.card_shows(chat, thread, "Status: open").await;
    assert!(card.text.contains("Assignee: —"), "{}", card.text);
    let overview = ask(&app, &owner, "/seats").await;
    assert!(
        overview.text.contains("Basic · Available"),
        "{}",
        overview.text
    );

    let requested = audited(&app, ws, "member.leave_requested").await;
    assert_eq!(requested.len(), 1);
    assert_eq!(requested[0].new_value.as_deref(), Some("busy elsewhere"));
    let decided = audited(&app, ws, "member.leave_decided").await;
    assert_eq!(decided.len(), 1);
    assert_eq!(decided[0].actor_id, Some(owner.id));
    assert_eq!(
        decided[0].new_value.as_deref(),
        Some(format!("approved ({})", mia.id).as_str())
    );
    let trail = app.audit(t.id).await;
    assert!(
        trail.iter().any(|a| a.action == "ticket.assignee"
            && a.old_value == Some(mia.id.to_string())
            && a.new_value.is_none()),
        "{trail:?}"
    );
    assert!(
        trail.iter().any(|a| a.action == "ticket.status"
            && a.old_value.as_deref() == Some("in_progress")
            && a.new_value.as_deref() == Some("open")),
        "{trail:?}"
    );

    // The second button, in the staff chat: already decided.
    let (text, alert) = app
        .press(&owner, staff, in_staff.id, &button(&in_staff, "Approve"))
        .await;
    assert_eq!(
        (text.as_deref(), alert),
        (Some("This request was already decided."), true)
    );

    // Denied: Sam stays.
    ask(&app, &sam, "/leave").await;
    let asked = app
        .tg
        .wait_for(WAIT, "Sam's leave request", |tg| {
            tg.bot_messages_in(owner.id, None)
                .into_iter()
                .rev()
                .find(|m| m.text.contains("Sam (@sam) asks to leave"))
        })
        .await;
    assert!(!asked.text.contains("Reason"), "{}", asked.text);
    app.press(&owner, owner.id, asked.id, &button(&asked, "Deny"))
        .await;
    app.wait_private(&sam, "Your request to leave Acme was denied")
        .await;
    assert_eq!(
        member(&app, ws, &sam).await.expect("Sam stays").role,
        "member"
    );
    assert_eq!(seat_of(&app, ws, &sam).await.holder_id, Some(sam.id));
    let decided = audited(&app, ws, "member.leave_decided").await;
    assert_eq!(
        decided.last().and_then(|a| a.new_value.clone()),
        Some(format!("denied ({})", sam.id))
    );
    app.stop().await;
}

// ----- seat expiry -----------------------------------------------------------------------------

#[tokio::test]
async fn an_expired_seat_cannot_claim_until_renewed() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 1, 0).await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let mia = join(&app, &owner, "Mia", false).await;
    let carl = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &carl, "Can't log in").await;
    app.settle().await;

    // The paid month ends: the seat-expiry timer tells both, once.
    app.clock.advance(chrono::Duration::days(31));
    app.wait_private(&owner, "A Basic seat expired on").await;
    app.wait_private(&mia, "A Basic seat expired on").await;
    app.settle().await;
    app.clock.advance(chrono::Duration::days(1));
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.settle().await;
    assert_eq!(private_count(&app, &owner, "seat expired on"), 1);
    assert_eq!(private_count(&app, &mia, "seat expired on"), 1);
    assert_eq!(audited(&app, ws, "seat.expired").await.len(), 1);

    let answer = say(&app, chat, Some(thread), &mia, "/claim").await;
    assert_eq!(
        answer.text,
        "Your seat has expired: ask the Owner to renew it."
    );
    let t = app.ticket(chat, thread).await;
    assert_eq!((t.status.as_str(), t.assignee_id), ("open", None));
    // No data lost: still a member on the seat, listed as expired.
    assert_eq!(seat_of(&app, ws, &mia).await.holder_id, Some(mia.id));
    let list = ask(&app, &owner, "/members").await;
    assert!(
        list.text
            .contains("Mia (@mia) — Member · Basic ⚠️ seat expired"),
        "{}",
        list.text
    );
    let overview = ask(&app, &owner, "/seats").await;
    assert!(
        overview.text.contains("Basic · Expired — Mia (@mia)"),
        "{}",
        overview.text
    );

    // Renewed by the billing system: Mia works again.
    let end = whole_seconds(app.clock.now() + chrono::Duration::days(30));
    let renewal = billing_event("evt_renew", "seats.renewed", ws, 1, 0, end);
    let (status, body) = app
        .billing(&renewal, BILLING_SECRET, Utc::now().timestamp())
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(seat_of(&app, ws, &mia).await.paid_until, end);
    app.tg.group_text(chat, Some(thread), &mia, "/claim");
    app.card_shows(chat, thread, "Assignee: Mia").await;
    let list = ask(&app, &owner, "/members").await;
    assert!(!list.text.contains("seat expired"), "{}", list.text);
    assert_eq!(private_count(&app, &mia, "seat expired on"), 1);
    app.stop().await;
}

#[tokio::test]
async fn buying_a_seat_after_a_lapse_renews_the_expired_one() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 1, 0).await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let mia = join(&app, &owner, "Mia", false).await;
    let seat = seat_of(&app, ws, &mia).await.id;
    let carl = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &carl, "Can't log in").await;
    app.settle().await;
    app.clock.advance(chrono::Duration::days(31));
    app.wait_private(&mia, "A Basic seat expired on").await;
    let answer = say(&app, chat, Some(thread), &mia, "/claim").await;
    assert!(
        answer.text.contains("Your seat has expired"),
        "{}",
        answer.text
    );

    // The Owner buys a Basic seat in the bot: Mia's expired seat is renewed, none is added.
    let overview = ask(&app, &owner, "/seats").await;
    app.press(
        &owner,
        owner.id,
        overview.id,
        &button(&overview, "Buy a Basic seat"),
    )
    .await;
    let invoice = app
        .tg
        .wait_for(WAIT, "an invoice", |tg| tg.last_request("sendInvoice"))
        .await;
    let payload = invoice["payload"].as_str().expect("payload").to_owned();
    let id = app.tg.pre_checkout(&owner, "XTR", 2900, &payload);
    let (ok, error) = app
        .tg
        .wait_for(WAIT, "the pre-checkout answer", |tg| {
            tg.pre_checkout_answer(&id)
        })
        .await;
    assert!(ok, "{error:?}");
    app.tg.successful_payment(&owner, "XTR", 2900, &payload);
    app.wait_private(&owner, "Payment received").await;
    let seats = seats_of(&app, ws).await;
    assert_eq!(seats.len(), 1, "{seats:?}");
    assert_eq!((seats[0].id, seats[0].holder_id), (seat, Some(mia.id)));
    assert!(seats[0].paid_until > app.clock.now() + chrono::Duration::days(27));
    assert_eq!(audited(&app, ws, "seat.renewed").await.len(), 1);

    app.tg.group_text(chat, Some(thread), &mia, "/claim");
    app.card_shows(chat, thread, "Assignee: Mia").await;
    app.stop().await;
}

#[tokio::test]
async fn a_member_with_an_expired_seat_writing_in_a_topic_moves_nothing() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 1, 0).await;
    let mia = app.invite_agent(&owner, "Mia", false).await;
    let customer = app.tg.add_user("Carl", None);
    let thread = app.open_ticket(chat, &customer, "Help").await;

    app.clock.advance(chrono::Duration::days(31));
    app.tg
        .group_text(chat, Some(thread), &mia, "Let me look into it");
    app.settle().await;
    let t = app.ticket(chat, thread).await;
    assert_eq!(
        (t.status.as_str(), t.assignee_id, t.first_response_at),
        ("open", None, None)
    );
    let log = app.messages(t.id).await;
    assert_eq!(log.len(), 1, "the message is still logged");
    assert_eq!((log[0].role.as_str(), log[0].sender_id), ("agent", mia.id));
    app.stop().await;
}
