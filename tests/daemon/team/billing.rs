//! Seats bought: a Telegram payment delivered twice, and the signed billing webhook (signature,
//! time window, replays, and off without a secret).

use std::sync::Arc;

use chrono::Utc;
use sea_orm::{EntityTrait, PaginatorTrait};
use topicdesk::clock::{Clock, ManualClock};

use super::{
    ask, audited, billing_event, button, join, payments, private_count, seat_of, seats_of,
    whole_seconds,
};
use crate::fake_tg::FakeTelegram;
use crate::helpers::*;

// ----- payments --------------------------------------------------------------------------------

#[tokio::test]
async fn a_payment_delivered_twice_adds_seats_once() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;

    let seats = ask(&app, &owner, "/seats").await;
    assert!(
        seats.text.contains("Basic 2900 ⭐ · Pro 3900 ⭐"),
        "{}",
        seats.text
    );
    app.press(
        &owner,
        owner.id,
        seats.id,
        &button(&seats, "Buy a Basic seat"),
    )
    .await;
    let invoice = app
        .tg
        .wait_for(WAIT, "an invoice", |tg| tg.last_request("sendInvoice"))
        .await;
    let payload = invoice["payload"].as_str().expect("payload").to_owned();

    let answer = |id: String| {
        let tg = &app.tg;
        async move {
            tg.wait_for(WAIT, "the pre-checkout answer", |tg| {
                tg.pre_checkout_answer(&id)
            })
            .await
        }
    };
    // The real checkout is accepted.
    let (ok, error) = answer(app.tg.pre_checkout(&owner, "XTR", 2900, &payload)).await;
    assert!(ok, "{error:?}");
    // Tampered amount, currency or payload, a foreign payload, someone else paying: refused.
    let tampered = format!("seats:v1:{ws}:basic:5:1");
    let stranger = app.tg.add_user("Sam", Some("sam"));
    for (who, currency, amount, payload, why) in [
        (&owner, "XTR", 1, payload.as_str(), "The price has changed"),
        (
            &owner,
            "EUR",
            2900,
            payload.as_str(),
            "The price has changed",
        ),
        (
            &owner,
            "XTR",
            2900,
            tampered.as_str(),
            "The price has changed",
        ),
        (&owner, "XTR", 2900, "hello", "not valid"),
        (
            &stranger,
            "XTR",
            2900,
            payload.as_str(),
            "Only the workspace's Owner",
        ),
    ] {
        let (ok, error) = answer(app.tg.pre_checkout(who, currency, amount, payload)).await;
        assert!(!ok, "{currency} {amount} {payload} by {}", who.first_name);
        let error = error.unwrap_or_default();
        assert!(error.contains(why), "{why:?} in {error:?}");
    }

    // The payment arrives, is redelivered, and arrives once more as a second update.
    app.tg.successful_payment(&owner, "XTR", 2900, &payload);
    let update = app.tg.last_update_id().expect("the payment update");
    app.wait_private(&owner, "Payment received").await;
    app.settle().await;
    app.tg.redeliver(update);
    app.tg.successful_payment(&owner, "XTR", 2900, &payload);
    app.tg
        .wait_until(WAIT, "the payment redelivered", |tg| {
            tg.times_delivered(update) >= 2
        })
        .await;
    app.settle().await;

    let seats = seats_of(&app, ws).await;
    assert_eq!(seats.len(), 1, "{seats:?}");
    assert_eq!(seats[0].tier, "basic");
    assert!(seats[0].paid_until > app.clock.now() + chrono::Duration::days(27));
    let paid = payments(&app).await;
    assert_eq!(paid.len(), 1, "{paid:?}");
    assert_eq!(
        (
            paid[0].workspace_id,
            paid[0].user_id,
            paid[0].total,
            paid[0].currency.as_str()
        ),
        (ws, owner.id, 2900, "XTR")
    );
    assert_eq!(private_count(&app, &owner, "Payment received"), 1);
    assert_eq!(audited(&app, ws, "billing.payment").await.len(), 1);
    let seats = ask(&app, &owner, "/seats").await;
    assert!(seats.text.contains("Basic · Available"), "{}", seats.text);
    app.stop().await;
}

// ----- the billing webhook ---------------------------------------------------------------------

#[tokio::test]
async fn billing_webhook_signature_window_and_replays() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    let end = whole_seconds(Utc::now() + chrono::Duration::days(30));
    let now = Utc::now().timestamp();
    let event = billing_event("evt_1", "seats.purchased", ws, 2, 1, end);

    let (status, body) = app.billing(&event, "not-the-secret", now).await;
    assert_eq!(status, 401, "{body}");
    let (status, body) = app.billing(&event, BILLING_SECRET, now - 301).await;
    assert_eq!(status, 401, "{body}");
    let unsigned = reqwest::Client::new()
        .post(app.url("/api/v1/billing/webhook"))
        .header("Content-Type", "application/json")
        .body(event.to_string())
        .send()
        .await
        .expect("answer");
    assert_eq!(unsigned.status().as_u16(), 401);

    let elsewhere = billing_event("evt_1", "seats.purchased", ws + 1000, 2, 1, end);
    let (status, body) = app.billing(&elsewhere, BILLING_SECRET, now).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "unknown_workspace", "{body}");
    let odd = billing_event("evt_2", "seats.gifted", ws, 2, 1, end);
    let (status, body) = app.billing(&odd, BILLING_SECRET, now).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "unknown_type", "{body}");
    assert!(seats_of(&app, ws).await.is_empty());
    assert_eq!(
        entity::billing_events::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0,
        "a refused event is not remembered"
    );

    // The same id, now valid, is applied (the refusals changed nothing); its replay is not.
    let (status, body) = app.billing(&event, BILLING_SECRET, now).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("applied")),
        "{body}"
    );
    let seats = seats_of(&app, ws).await;
    let tiers: Vec<&str> = seats.iter().map(|s| s.tier.as_str()).collect();
    assert_eq!(tiers, ["basic", "basic", "pro"]);
    assert!(seats.iter().all(|s| s.paid_until == end), "{seats:?}");
    let (status, body) = app.billing(&event, BILLING_SECRET, now).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("duplicate")),
        "{body}"
    );
    assert_eq!(seats_of(&app, ws).await.len(), 3);

    // Someone sits on the first Basic seat.
    let mia = join(&app, &owner, "Mia", false).await;
    let mias = seat_of(&app, ws, &mia).await.id;
    assert_eq!(mias, seats[0].id);

    // Renewed: the paid period of both Basic seats moves; Pro stays.
    let later = whole_seconds(Utc::now() + chrono::Duration::days(60));
    let renewed = billing_event("evt_3", "seats.renewed", ws, 2, 0, later);
    let (status, body) = app.billing(&renewed, BILLING_SECRET, now).await;
    assert_eq!(status, 200, "{body}");
    let seats = seats_of(&app, ws).await;
    assert_eq!(seats.len(), 3);
    assert_eq!(
        seats.iter().map(|s| s.paid_until).collect::<Vec<_>>(),
        [later, later, end]
    );

    // Expired: one Basic seat ends now — the empty one, not Mia's.
    let expired = billing_event("evt_4", "seats.expired", ws, 1, 0, later);
    let (status, body) = app.billing(&expired, BILLING_SECRET, now).await;
    assert_eq!(status, 200, "{body}");
    let seats = seats_of(&app, ws).await;
    let now_app = app.clock.now();
    let ended: Vec<i64> = seats
        .iter()
        .filter(|s| s.paid_until <= now_app)
        .map(|s| s.id)
        .collect();
    assert_eq!(ended, [seats[1].id], "{seats:?}");
    assert_eq!(seats[0].holder_id, Some(mia.id));
    assert_eq!(seats[0].paid_until, later);
    app.wait_private(&owner, "A Basic seat expired").await;
    let overview = ask(&app, &owner, "/seats").await;
    assert!(
        overview.text.contains("Basic · Expired"),
        "{}",
        overview.text
    );
    assert!(
        overview.text.contains("Basic · Filled — Mia"),
        "{}",
        overview.text
    );
    assert_eq!(private_count(&app, &mia, "seat expired"), 0);
    // Mia still works.
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let carl = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &carl, "Hello").await;
    app.tg.group_text(chat, Some(thread), &mia, "/claim");
    app.card_shows(chat, thread, "Assignee: Mia").await;
    app.stop().await;
}

#[tokio::test]
async fn the_billing_webhook_is_off_without_a_secret() {
    let tg = FakeTelegram::start().await;
    let database = fresh_database().await;
    let mut settings = test_settings(&tg, &database.url);
    settings.billing_secret = None;
    let built =
        topicdesk::startup::Application::build(settings, Arc::new(ManualClock::new(Utc::now())))
            .await
            .expect("daemon builds");
    let url = format!("http://{}/api/v1/billing/webhook", built.http_addr());
    let shutdown = tokio_util::sync::CancellationToken::new();
    let running = tokio::spawn(built.run_until_stopped(shutdown.clone()));
    let resp = reqwest::Client::new()
        .post(url)
        .header("X-Topicdesk-Signature", "t=1,v1=00")
        .body("{}")
        .send()
        .await
        .expect("answer");
    assert_eq!(resp.status().as_u16(), 404);
    shutdown.cancel();
    tokio::time::timeout(WAIT, running)
        .await
        .expect("stops in time")
        .expect("task")
        .expect("stops cleanly");
}
