//! The workspace team (SPEC §6, billing webhook of §10): seats, invites, roles, permissions,
//! leave requests, ownership transfer, payments and the operator CLI, driven through the fake
//! Telegram, the billing webhook and the real binary.

use std::path::Path;
use std::process::{Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};
use topicdesk::clock::{Clock, ManualClock};
use topicdesk::domain::ids::UserId;
use topicdesk::domain::seats::{InvoicePayload, Tier};
use topicdesk::telegram::callback::{CallbackData, TeamButton, WorkspaceButton};

use crate::fake_tg::{FakeMessage, FakeTelegram, FakeUser};
use crate::helpers::*;

// ----- talking to the bot ----------------------------------------------------------------------

/// `user` sends `text` privately; returns the bot's next message in that chat (the answer).
pub(crate) async fn ask(app: &TestApp, user: &FakeUser, text: &str) -> FakeMessage {
    app.settle().await;
    let before = app.tg.bot_messages_in(user.id, None).len();
    app.tg.private_text(user, text);
    next_bot_message(app, user.id, None, before, text).await
}

/// `user` sends `text` in a group (topic `thread`); returns the bot's next message there.
pub(crate) async fn say(
    app: &TestApp,
    chat: i64,
    thread: Option<i32>,
    user: &FakeUser,
    text: &str,
) -> FakeMessage {
    app.settle().await;
    let before = app.tg.bot_messages_in(chat, thread).len();
    app.tg.group_text(chat, thread, user, text);
    next_bot_message(app, chat, thread, before, text).await
}

async fn next_bot_message(
    app: &TestApp,
    chat: i64,
    thread: Option<i32>,
    before: usize,
    what: &str,
) -> FakeMessage {
    let what = format!("the bot's answer to {what:?} in chat {chat} thread {thread:?}");
    app.tg
        .wait_for(WAIT, &what, |tg| {
            tg.bot_messages_in(chat, thread).into_iter().nth(before)
        })
        .await
}

/// The callback data of the button whose label contains `label`.
pub(crate) fn button(msg: &FakeMessage, label: &str) -> String {
    msg.buttons()
        .into_iter()
        .find(|(t, _)| t.contains(label))
        .unwrap_or_else(|| panic!("no {label:?} button on {:?}: {:?}", msg.text, msg.buttons()))
        .1
}

/// Waits until message `id` of `chat` (edited in place) shows `needle`.
pub(crate) async fn screen(app: &TestApp, chat: i64, id: i32, needle: &str) -> FakeMessage {
    let what = format!("message {id} in chat {chat} to show {needle:?}");
    app.tg
        .wait_for(WAIT, &what, |tg| {
            tg.message(chat, id).filter(|m| m.text.contains(needle))
        })
        .await
}

/// How many bot messages in `user`'s private chat contain `needle`.
pub(crate) fn private_count(app: &TestApp, user: &FakeUser, needle: &str) -> usize {
    app.tg
        .bot_messages_in(user.id, None)
        .iter()
        .filter(|m| m.text.contains(needle))
        .count()
}

/// `/invite basic|pro` by `by`; returns the token of the link.
async fn invite_token(app: &TestApp, by: &FakeUser, tier: &str) -> String {
    let m = ask(app, by, &format!("/invite {tier}")).await;
    let url = format!("https://t.me/{}?start=join_", app.tg.bot_username());
    assert!(m.text.contains(&url), "an invite link: {}", m.text);
    m.text
        .split("start=join_")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .expect("a token")
        .to_owned()
}

/// `owner` invites a new person who joins with the link; returns them. (Unlike
/// `TestApp::invite_agent`, it waits for the answer to *this* `/invite`, so it can be called
/// several times in a row.)
pub(crate) async fn join(app: &TestApp, owner: &FakeUser, first_name: &str, pro: bool) -> FakeUser {
    let token = invite_token(app, owner, if pro { "pro" } else { "basic" }).await;
    let user = app
        .tg
        .add_user(first_name, Some(&first_name.to_lowercase()));
    let welcome = ask(app, &user, &format!("/start join_{token}")).await;
    assert!(welcome.text.contains("Welcome to"), "{}", welcome.text);
    user
}

/// Encoded callback data a client could forge.
pub(crate) fn forged(data: CallbackData) -> String {
    data.encode()
}

/// The answer to a press whose data is not one of the message's buttons.
pub(crate) const EXPIRED: &str = "This button is no longer valid. Please use the latest message.";

/// A message id the bot never sent in that chat: a press on it arrives as an inaccessible
/// message, whose buttons nobody can check, so only the permission checks stand in the way.
pub(crate) const NO_SUCH_MESSAGE: i32 = 999_999;

// ----- the database ----------------------------------------------------------------------------

async fn seats_of(app: &TestApp, ws: i64) -> Vec<entity::seats::Model> {
    entity::seats::Entity::find()
        .filter(entity::seats::Column::WorkspaceId.eq(ws))
        .order_by_asc(entity::seats::Column::Id)
        .all(&app.db)
        .await
        .expect("query seats")
}

async fn member(app: &TestApp, ws: i64, user: &FakeUser) -> Option<entity::members::Model> {
    entity::members::Entity::find()
        .filter(entity::members::Column::WorkspaceId.eq(ws))
        .filter(entity::members::Column::UserId.eq(user.id))
        .one(&app.db)
        .await
        .expect("query member")
}

async fn members_count(app: &TestApp, ws: i64) -> u64 {
    entity::members::Entity::find()
        .filter(entity::members::Column::WorkspaceId.eq(ws))
        .count(&app.db)
        .await
        .expect("count members")
}

async fn workspace(app: &TestApp, ws: i64) -> entity::workspaces::Model {
    entity::workspaces::Entity::find_by_id(ws)
        .one(&app.db)
        .await
        .expect("query workspace")
        .expect("workspace")
}

/// The workspace's audit rows with `action`, oldest first.
pub(crate) async fn audited(app: &TestApp, ws: i64, action: &str) -> Vec<entity::audit_log::Model> {
    entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::WorkspaceId.eq(ws))
        .filter(entity::audit_log::Column::Action.eq(action))
        .order_by_asc(entity::audit_log::Column::Id)
        .all(&app.db)
        .await
        .expect("query audit")
}

async fn payments(app: &TestApp) -> Vec<entity::payments::Model> {
    entity::payments::Entity::find()
        .all(&app.db)
        .await
        .expect("query payments")
}

/// The seat a member sits on.
async fn seat_of(app: &TestApp, ws: i64, user: &FakeUser) -> entity::seats::Model {
    let m = member(app, ws, user).await.expect("a member");
    let id = m.seat_id.expect("a seat");
    entity::seats::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("query seat")
        .expect("seat")
}

/// A whole-second instant (so it survives every database's timestamp precision).
fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).expect("instant")
}

fn billing_event(id: &str, kind: &str, ws: i64, basic: u32, pro: u32, end: DateTime<Utc>) -> Value {
    json!({
        "id": id,
        "type": kind,
        "created": Utc::now().timestamp(),
        "data": { "workspace_id": ws, "basic": basic, "pro": pro, "period_end": end.to_rfc3339() }
    })
}

/// The Owner makes `user` an Admin through `/members` → ⚙ → Make Admin.
pub(crate) async fn make_admin(app: &TestApp, owner: &FakeUser, user: &FakeUser) {
    let list = ask(app, owner, "/members").await;
    let gear = button(&list, &format!("⚙ {}", user.first_name));
    app.press(owner, owner.id, list.id, &gear).await;
    let menu = screen(app, owner.id, list.id, "Role: Member").await;
    app.press(owner, owner.id, list.id, &button(&menu, "Make Admin"))
        .await;
    screen(app, owner.id, list.id, "Role: Admin").await;
}

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

// ----- roles -----------------------------------------------------------------------------------

#[tokio::test]
async fn a_member_cannot_do_admin_things() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 3, 0).await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let mia = join(&app, &owner, "Mia", false).await;
    let sam = join(&app, &owner, "Sam", false).await;
    let carl = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &carl, "Can't log in").await;
    app.settle().await;
    let ws_before = workspace(&app, ws).await;
    let audit_before = entity::audit_log::Entity::find()
        .count(&app.db)
        .await
        .expect("count");

    const ADMINS: &str = "Only Admins and the Owner can do this.";
    const OWNER: &str = "Only the Owner can do this.";
    for (command, refusal) in [
        ("/invite basic", ADMINS),
        ("/settings", ADMINS),
        ("/seats", OWNER),
        ("/transfer @sam", OWNER),
    ] {
        let answer = ask(&app, &mia, command).await;
        assert_eq!(answer.text, refusal, "{command}");
    }

    // /members lists people but gives a Member no buttons…
    let list = ask(&app, &mia, "/members").await;
    assert!(
        list.text.contains("Sam (@sam) — Member · Basic"),
        "{}",
        list.text
    );
    assert!(list.buttons().is_empty(), "{:?}", list.buttons());
    // …and forged buttons are refused.
    let sam_id = UserId(sam.id);
    for (data, refusal) in [
        (
            CallbackData::Team(TeamButton::MemberRole {
                user: sam_id,
                admin: true,
            }),
            ADMINS,
        ),
        (
            CallbackData::Team(TeamButton::MemberSeat {
                user: sam_id,
                pro: true,
            }),
            ADMINS,
        ),
        (
            CallbackData::Team(TeamButton::MemberRemove { user: sam_id }),
            ADMINS,
        ),
        (
            CallbackData::Team(TeamButton::MemberMenu { user: sam_id }),
            ADMINS,
        ),
        (
            CallbackData::Team(TeamButton::BuySeat { pro: false }),
            OWNER,
        ),
        (CallbackData::Team(TeamButton::SettingsPermissions), OWNER),
        (
            CallbackData::Team(TeamButton::PermissionToggle { index: 1 }),
            OWNER,
        ),
        (
            CallbackData::Team(TeamButton::TransferConfirm {
                user: UserId(mia.id),
            }),
            OWNER,
        ),
        (
            CallbackData::Workspace(WorkspaceButton::SettingsToggleBodies),
            ADMINS,
        ),
    ] {
        // Not a button of the message it was pressed on: refused before anything is read.
        let (text, alert) = app.press(&mia, mia.id, list.id, &forged(data)).await;
        assert_eq!((text.as_deref(), alert), (Some(EXPIRED), true), "{data:?}");
        // On a message nobody can check, the permission checks refuse it.
        let (text, alert) = app
            .press(&mia, mia.id, NO_SUCH_MESSAGE, &forged(data))
            .await;
        assert_eq!(text.as_deref(), Some(refusal), "{data:?}");
        assert!(alert, "a refusal is an alert: {data:?}");
    }

    // In groups: /connect elsewhere, /exclude in a topic.
    let other = app.tg.add_forum_owned_by("Mia's forum", &mia);
    let answer = say(&app, other, None, &mia, "/connect").await;
    assert_eq!(answer.text, ADMINS);
    app.tg.add_admin(chat, &mia);
    let answer = say(&app, chat, Some(thread), &mia, "/exclude").await;
    assert_eq!(answer.text, "The Owner has turned this off for Members.");

    app.settle().await;
    assert_eq!(app.tg.request_count("sendInvoice"), 0);
    assert_eq!(
        entity::support_groups::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        1
    );
    assert_eq!(
        entity::excluded_topics::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0
    );
    assert_eq!(workspace(&app, ws).await, ws_before);
    for u in [&mia, &sam] {
        let m = member(&app, ws, u).await.expect("still a member");
        assert_eq!(m.role, "member");
    }
    assert_eq!(seat_of(&app, ws, &sam).await.tier, "basic");
    assert_eq!(
        entity::audit_log::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        audit_before,
        "refusals change nothing"
    );
    app.stop().await;
}

#[tokio::test]
async fn admins_change_roles_and_seats_from_members() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 2, 0).await;
    let mia = join(&app, &owner, "Mia", false).await;
    let basic = seat_of(&app, ws, &mia).await;

    let list = ask(&app, &owner, "/members").await;
    assert!(
        list.text.contains("Olga (@olga) — Owner · Owner slot"),
        "{}",
        list.text
    );
    assert!(
        list.text.contains("Mia (@mia) — Member · Basic"),
        "{}",
        list.text
    );
    let labels: Vec<String> = list.buttons().into_iter().map(|b| b.0).collect();
    assert_eq!(labels, ["⚙ Mia (@mia)"], "the Owner has no button");
    app.press(&owner, owner.id, list.id, &button(&list, "⚙ Mia"))
        .await;
    let menu = screen(&app, owner.id, list.id, "Role: Member").await;
    assert!(menu.text.contains("Seat: Basic"), "{}", menu.text);

    // Make Admin: audited, and Mia may now configure.
    app.press(&owner, owner.id, list.id, &button(&menu, "Make Admin"))
        .await;
    let menu = screen(&app, owner.id, list.id, "Role: Admin").await;
    assert_eq!(member(&app, ws, &mia).await.expect("member").role, "admin");
    let role = audited(&app, ws, "member.role").await;
    assert_eq!(role.len(), 1);
    assert_eq!(role[0].actor_id, Some(owner.id));
    assert_eq!(
        (role[0].old_value.as_deref(), role[0].new_value.as_deref()),
        (
            Some(format!("{}: Member", mia.id).as_str()),
            Some(format!("{}: Admin", mia.id).as_str())
        )
    );
    app.connected_forum(&mia, "Mia's forum").await;

    // Move to Pro: refused without a free Pro seat…
    let (text, alert) = app
        .press(&owner, owner.id, list.id, &button(&menu, "Move to Pro"))
        .await;
    assert!(alert);
    assert!(
        text.as_deref()
            .is_some_and(|t| t.contains("no free Pro seat")),
        "{text:?}"
    );
    assert_eq!(seat_of(&app, ws, &mia).await.id, basic.id);
    // …and done with one.
    app.grant_seats(ws, 0, 1).await;
    app.press(&owner, owner.id, list.id, &button(&menu, "Move to Pro"))
        .await;
    let menu = screen(&app, owner.id, list.id, "Seat: Pro").await;
    let pro = seat_of(&app, ws, &mia).await;
    assert_eq!((pro.tier.as_str(), pro.holder_id), ("pro", Some(mia.id)));
    let seats = seats_of(&app, ws).await;
    let old = seats.iter().find(|s| s.id == basic.id).expect("old seat");
    assert_eq!(old.holder_id, None);
    let moved = audited(&app, ws, "member.seat").await;
    assert_eq!(moved.len(), 1, "{moved:?}");
    let overview = ask(&app, &owner, "/seats").await;
    assert!(
        overview.text.contains("Pro · Filled — Mia"),
        "{}",
        overview.text
    );
    assert_eq!(
        overview.text.matches("Basic · Available").count(),
        2,
        "{}",
        overview.text
    );

    // Remove: gone, seat free, told.
    app.press(&owner, owner.id, list.id, &button(&menu, "Remove"))
        .await;
    let list_again = screen(&app, owner.id, list.id, "Members of Acme").await;
    assert!(!list_again.text.contains("Mia"), "{}", list_again.text);
    app.wait_private(&mia, "You were removed from Acme").await;
    assert!(member(&app, ws, &mia).await.is_none());
    assert!(seats_of(&app, ws)
        .await
        .iter()
        .all(|s| s.holder_id.is_none()));
    assert_eq!(audited(&app, ws, "member.removed").await.len(), 1);
    let overview = ask(&app, &owner, "/seats").await;
    assert!(
        overview.text.contains("Pro · Available"),
        "{}",
        overview.text
    );
    app.stop().await;
}

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

// ----- ownership -------------------------------------------------------------------------------

#[tokio::test]
async fn ownership_transfer_needs_confirmation() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 1, 0).await;
    let mia = join(&app, &owner, "Mia", false).await;
    let mias_seat = seat_of(&app, ws, &mia).await.id;

    let usage = ask(&app, &owner, "/transfer").await;
    assert!(usage.text.contains("Usage: /transfer"), "{}", usage.text);
    app.tg.add_user("Sam", Some("sam"));
    let usage = ask(&app, &owner, "/transfer @sam").await;
    assert!(usage.text.contains("Usage: /transfer"), "{}", usage.text);

    let confirm = ask(&app, &owner, "/transfer @mia").await;
    assert!(
        confirm
            .text
            .contains("Hand the workspace to Mia (@mia)? You will become an Admin."),
        "{}",
        confirm.text
    );
    let yes = button(&confirm, "Yes, make Mia (@mia) the Owner");
    app.settle().await;
    assert_eq!(workspace(&app, ws).await.owner_id, owner.id);
    assert_eq!(member(&app, ws, &mia).await.expect("member").role, "member");
    assert!(audited(&app, ws, "workspace.owner").await.is_empty());

    app.press(&owner, owner.id, confirm.id, &yes).await;
    screen(
        &app,
        owner.id,
        confirm.id,
        "Mia (@mia) is now the Owner of Acme",
    )
    .await;
    app.wait_private(&mia, "You are now the Owner of Acme")
        .await;
    assert_eq!(workspace(&app, ws).await.owner_id, mia.id);
    let new_owner = member(&app, ws, &mia).await.expect("member");
    assert_eq!(
        (new_owner.role.as_str(), new_owner.seat_id),
        ("owner", None)
    );
    let former = member(&app, ws, &owner).await.expect("member");
    assert_eq!(
        (former.role.as_str(), former.seat_id),
        ("admin", Some(mias_seat))
    );
    assert_eq!(seat_of(&app, ws, &owner).await.holder_id, Some(owner.id));
    let moved = audited(&app, ws, "workspace.owner").await;
    assert_eq!(moved.len(), 1);
    assert_eq!(
        (moved[0].old_value.clone(), moved[0].new_value.clone()),
        (Some(owner.id.to_string()), Some(mia.id.to_string()))
    );

    // The roles follow: the former Owner is refused Owner things, the new one isn't.
    let answer = ask(&app, &owner, "/seats").await;
    assert_eq!(answer.text, "Only the Owner can do this.");
    let (text, _) = app.press(&owner, owner.id, confirm.id, &yes).await;
    assert_eq!(
        text.as_deref(),
        Some(EXPIRED),
        "the confirmation was answered"
    );
    let (text, _) = app.press(&owner, owner.id, NO_SUCH_MESSAGE, &yes).await;
    assert_eq!(text.as_deref(), Some("Only the Owner can do this."));
    let overview = ask(&app, &mia, "/seats").await;
    assert!(
        overview.text.contains("Owner · Filled — Mia (@mia)")
            && overview.text.contains("Basic · Filled — Olga (@olga)"),
        "{}",
        overview.text
    );
    let list = ask(&app, &owner, "/members").await;
    assert!(
        list.text.contains("Olga (@olga) — Admin · Basic"),
        "{}",
        list.text
    );
    assert_eq!(workspace(&app, ws).await.owner_id, mia.id);
    app.stop().await;
}

// ----- permission toggles ----------------------------------------------------------------------

#[tokio::test]
async fn permission_toggles_are_owner_only_and_audited() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 2, 0).await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let mia = join(&app, &owner, "Mia", false).await;
    let ada = join(&app, &owner, "Ada", false).await;
    make_admin(&app, &owner, &ada).await;
    let carl = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &carl, "Spam").await;
    // Mia helps run the group; whether she may exclude topics is the workspace's call.
    app.tg.add_admin(chat, &mia);

    let answer = say(&app, chat, Some(thread), &mia, "/exclude").await;
    assert_eq!(answer.text, "The Owner has turned this off for Members.");

    let settings = ask(&app, &owner, "/settings").await;
    app.press(
        &owner,
        owner.id,
        settings.id,
        &button(&settings, "Permissions"),
    )
    .await;
    let perms = screen(&app, owner.id, settings.id, "Permissions for Members").await;
    assert!(
        perms.text.contains("❌ Members manage excluded topics")
            && perms.text.contains("✅ Shared templates"),
        "{}",
        perms.text
    );
    let toggle = button(&perms, "Turn on: Members manage excluded topics");
    app.press(&owner, owner.id, settings.id, &toggle).await;
    let perms = screen(
        &app,
        owner.id,
        settings.id,
        "✅ Members manage excluded topics",
    )
    .await;
    assert!(
        perms
            .buttons()
            .iter()
            .any(|b| b.0 == "Turn off: Members manage excluded topics"),
        "{:?}",
        perms.buttons()
    );
    let changes = audited(&app, ws, "settings.permission").await;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].actor_id, Some(owner.id));
    assert_eq!(
        (
            changes[0].old_value.as_deref(),
            changes[0].new_value.as_deref()
        ),
        (
            Some("members_manage_excluded=false"),
            Some("members_manage_excluded=true")
        )
    );
    let stored: Value =
        serde_json::from_str(&workspace(&app, ws).await.permission_toggles).expect("JSON");
    assert_eq!(stored["members_manage_excluded"], true, "{stored}");

    let answer = say(&app, chat, Some(thread), &mia, "/exclude").await;
    assert!(
        answer.text.contains("This topic is excluded"),
        "{}",
        answer.text
    );
    let excluded = entity::excluded_topics::Entity::find()
        .all(&app.db)
        .await
        .expect("query");
    assert_eq!(excluded.len(), 1);
    assert_eq!(
        (excluded[0].thread_id, excluded[0].excluded_by),
        (thread, mia.id)
    );

    // An Admin sees /settings but not its Permissions, and a toggle press is refused.
    let own = ask(&app, &ada, "/settings").await;
    assert!(own.text.contains("Settings of Acme"), "{}", own.text);
    let (text, alert) = app
        .press(&ada, ada.id, own.id, &button(&own, "Permissions"))
        .await;
    assert_eq!(
        (text.as_deref(), alert),
        (Some("Only the Owner can do this."), true)
    );
    let (text, alert) = app.press(&ada, ada.id, own.id, &toggle).await;
    assert_eq!((text.as_deref(), alert), (Some(EXPIRED), true));
    let (text, alert) = app.press(&ada, ada.id, NO_SUCH_MESSAGE, &toggle).await;
    assert_eq!(
        (text.as_deref(), alert),
        (Some("Only the Owner can do this."), true)
    );
    app.settle().await;
    let stored: Value =
        serde_json::from_str(&workspace(&app, ws).await.permission_toggles).expect("JSON");
    assert_eq!(stored["members_manage_excluded"], true, "{stored}");
    assert_eq!(audited(&app, ws, "settings.permission").await.len(), 1);
    app.stop().await;
}

// ----- the operator CLI ------------------------------------------------------------------------

/// The binary with an empty environment but the database, like an operator runs it.
async fn topicdesk(dir: &Path, database_url: &str, args: &[&str]) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_topicdesk"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RUST_BACKTRACE", "1")
        .env("DATABASE_URL", database_url)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    tokio::time::timeout(Duration::from_secs(30), cmd.output())
        .await
        .unwrap_or_else(|_| panic!("topicdesk {args:?} did not finish"))
        .expect("the binary starts")
}

fn refused(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected a failure: {stderr}");
    assert!(stderr.contains(needle), "{needle:?} in {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("stack backtrace"),
        "{stderr}"
    );
}

#[tokio::test]
async fn cli_seats_grant_and_workspaces() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    let (_tg, database) = app.stop().await;
    let db = topicdesk::store::connect(&database.url)
        .await
        .expect("connect");
    let dir = tempfile::tempdir().expect("dir");
    let url = database.url.as_str();

    let out = topicdesk(
        dir.path(),
        url,
        &[
            "seats",
            "grant",
            "--workspace",
            "Acme",
            "--basic",
            "2",
            "--months",
            "1",
        ],
    )
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("granted 2 seat(s)"), "{stdout}");
    let seats = entity::seats::Entity::find()
        .filter(entity::seats::Column::WorkspaceId.eq(ws))
        .all(&db)
        .await
        .expect("query");
    assert_eq!(seats.len(), 2);
    for s in &seats {
        assert_eq!((s.tier.as_str(), s.holder_id), ("basic", None));
        let days = (s.paid_until - Utc::now()).num_days();
        assert!((27..=31).contains(&days), "a month: {days} days");
    }

    // By id, until a date.
    let until = whole_seconds(Utc::now() + chrono::Duration::days(90));
    let out = topicdesk(
        dir.path(),
        url,
        &[
            "seats",
            "grant",
            "--workspace",
            &ws.to_string(),
            "--pro",
            "1",
            "--until",
            &until.to_rfc3339(),
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pro = entity::seats::Entity::find()
        .filter(entity::seats::Column::Tier.eq("pro"))
        .one(&db)
        .await
        .expect("query")
        .expect("a Pro seat");
    assert_eq!(pro.paid_until, until);

    let out = topicdesk(dir.path(), url, &["workspaces"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = format!("{ws}\tAcme\t{}\t2\t1\t0", owner.id);
    assert!(stdout.lines().any(|l| l == line), "{line:?} in {stdout}");

    // Bad inputs: a clear line, no panic, nothing granted.
    let past = (Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    for (args, needle) in [
        (
            vec![
                "seats",
                "grant",
                "--workspace",
                "Nope",
                "--basic",
                "1",
                "--months",
                "1",
            ],
            "no workspace \"Nope\"",
        ),
        (
            vec!["seats", "grant", "--workspace", "Acme", "--basic", "1"],
            "--months",
        ),
        (
            vec![
                "seats",
                "grant",
                "--workspace",
                "Acme",
                "--basic",
                "1",
                "--until",
                &past,
            ],
            "in the past",
        ),
        (
            vec![
                "seats",
                "grant",
                "--workspace",
                "Acme",
                "--basic",
                "1",
                "--until",
                "tomorrow",
            ],
            "RFC 3339",
        ),
        (
            vec!["seats", "grant", "--workspace", "Acme", "--months", "1"],
            "nothing to grant",
        ),
        (
            vec![
                "seats",
                "grant",
                "--workspace",
                "Acme",
                "--basic",
                "1",
                "--months",
                "0",
            ],
            "--months",
        ),
        (
            vec![
                "seats",
                "grant",
                "--workspace",
                "Acme",
                "--basic",
                "4000000000",
                "--months",
                "1",
            ],
            "at most 1000 seats",
        ),
        (
            vec![
                "seats",
                "grant",
                "--workspace",
                "Acme",
                "--pro",
                "1",
                "--months",
                "4294967295",
            ],
            "at most 120 months",
        ),
        (
            vec![
                "seats",
                "grant",
                "--workspace",
                "Acme",
                "--pro",
                "1",
                "--until",
                "9999-12-31T00:00:00Z",
            ],
            "at most 120 months ahead",
        ),
    ] {
        let out = topicdesk(dir.path(), url, &args).await;
        refused(&out, needle);
    }
    let seats = entity::seats::Entity::find()
        .count(&db)
        .await
        .expect("count");
    assert_eq!(seats, 3);
    db.close().await.expect("close");
}

#[tokio::test]
async fn a_forged_transfer_to_oneself_changes_nothing() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 1, 0).await;
    let list = ask(&app, &owner, "/members").await;

    // The bot never shows this button (the Owner is no transfer target), but a client can
    // send any callback data.
    let data = forged(CallbackData::Team(TeamButton::TransferConfirm {
        user: UserId(owner.id),
    }));
    app.press(&owner, owner.id, list.id, &data).await;
    app.settle().await;

    let me = member(&app, ws, &owner).await.expect("still a member");
    assert_eq!(
        (me.role.as_str(), me.seat_id),
        ("owner", None),
        "the Owner must stay the Owner"
    );
    assert_eq!(workspace(&app, ws).await.owner_id, owner.id);
    assert!(audited(&app, ws, "workspace.owner").await.is_empty());
    let overview = ask(&app, &owner, "/seats").await;
    assert!(
        overview.text.contains("Owner · Filled — Olga (@olga)"),
        "the Owner can still manage the workspace: {}",
        overview.text
    );
    app.stop().await;
}

#[tokio::test]
async fn a_seat_granted_by_the_cli_expires_like_any_other() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.settle().await;

    // The operator grants a seat while the daemon runs (a separate process, same database).
    let dir = tempfile::tempdir().expect("dir");
    let until = whole_seconds(Utc::now() + chrono::Duration::days(2));
    let out = topicdesk(
        dir.path(),
        &app.database.url,
        &[
            "seats",
            "grant",
            "--workspace",
            "Acme",
            "--basic",
            "1",
            "--until",
            &until.to_rfc3339(),
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(seats_of(&app, ws).await.len(), 1);
    let mia = join(&app, &owner, "Mia", false).await;

    // Its period ends: the seat-expiry timer tells the Owner and the holder, as for any seat.
    app.clock.advance(chrono::Duration::days(3));
    app.wait_private(&owner, "A Basic seat expired on").await;
    app.wait_private(&mia, "A Basic seat expired on").await;
    assert_eq!(audited(&app, ws, "seat.expired").await.len(), 1);
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
async fn cli_refuses_an_ambiguous_workspace_name() {
    // Workspace names are not unique: two customers can both call theirs "Acme".
    let app = spawn_app().await;
    let olga = app.owner("Olga", "Acme").await;
    let rita = app.owner("Rita", "Acme").await;
    let (first, second) = (app.workspace_of(&olga).await, app.workspace_of(&rita).await);
    assert_ne!(first, second);
    let (_tg, database) = app.stop().await;
    let db = topicdesk::store::connect(&database.url)
        .await
        .expect("connect");
    let dir = tempfile::tempdir().expect("dir");

    let out = topicdesk(
        dir.path(),
        &database.url,
        &[
            "seats",
            "grant",
            "--workspace",
            "Acme",
            "--basic",
            "1",
            "--months",
            "1",
        ],
    )
    .await;
    refused(&out, "Acme");
    assert_eq!(
        entity::seats::Entity::find()
            .count(&db)
            .await
            .expect("count"),
        0,
        "seats granted to whichever \"Acme\" came first"
    );

    // By id it is unambiguous.
    let out = topicdesk(
        dir.path(),
        &database.url,
        &[
            "seats",
            "grant",
            "--workspace",
            &second.to_string(),
            "--basic",
            "1",
            "--months",
            "1",
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seats = entity::seats::Entity::find().all(&db).await.expect("query");
    assert_eq!(
        seats.iter().map(|s| s.workspace_id).collect::<Vec<_>>(),
        [second]
    );
    db.close().await.expect("close");
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
