//! The workspace team (SPEC §6, billing webhook of §10): seats, invites, roles, permissions,
//! leave requests, ownership transfer, payments and the operator CLI, driven through the fake
//! Telegram, the billing webhook and the real binary.
//!
//! This file holds the helpers every team scenario shares (and other modules borrow); the
//! scenarios are in `invites`, `billing`, `roles`, `seats` and `cli`.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};
use topicdesk::telegram::callback::CallbackData;

use crate::fake_tg::{FakeMessage, FakeUser};
use crate::helpers::*;

mod billing;
mod cli;
mod invites;
mod roles;
mod seats;

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
