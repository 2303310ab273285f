//! Routing and the queue (SPEC §5) through the fake Telegram: strategies chosen in the settings
//! menus, agents joined by invite, availability, capacity, skills from intake buttons and keyword
//! rules, pause/resume, reassignment notes, `/queue`, `/mytickets`, the unassigned alert, a
//! restart, and two tickets racing for an agent's last slot.
//!
//! This file holds the menu-driving and database helpers (other modules borrow them too); the
//! scenarios are in `strategies`, `people` and `concurrency`.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::fake_tg::{FakeMessage, FakeUser};
use crate::helpers::*;

mod concurrency;
mod people;
mod strategies;

// ----- driving the menus -----------------------------------------------------------------------

/// The newest bot message in `user`'s private chat with a button `pick` accepts, and that
/// button's data.
pub(crate) async fn find_button(
    app: &TestApp,
    user: &FakeUser,
    what: &str,
    pick: impl Fn(&str) -> bool,
) -> (i32, String) {
    app.tg
        .wait_for(WAIT, what, |tg| {
            tg.bot_messages_in(user.id, None)
                .into_iter()
                .rev()
                .find_map(|m| {
                    m.buttons()
                        .into_iter()
                        .find(|(label, _)| pick(label))
                        .map(|(_, data)| (m.id, data))
                })
        })
        .await
}

/// Presses the newest private button whose label contains `label`.
pub(crate) async fn tap(app: &TestApp, user: &FakeUser, label: &str) {
    let (msg, data) = find_button(app, user, &format!("a {label:?} button"), |l| {
        l.contains(label)
    })
    .await;
    let (_, alert) = app.press(user, user.id, msg, &data).await;
    assert!(!alert, "pressing {label:?} was refused");
    app.settle().await;
}

/// Presses the newest private button labelled exactly `label` (or `• label`, the current choice).
pub(crate) async fn tap_exact(app: &TestApp, user: &FakeUser, label: &str) {
    let marked = format!("• {label}");
    let (msg, data) = find_button(app, user, &format!("the {label:?} button"), |l| {
        l == label || l == marked
    })
    .await;
    app.press(user, user.id, msg, &data).await;
    app.settle().await;
}

/// `/settings` → `screen`.
pub(crate) async fn open_settings(app: &TestApp, admin: &FakeUser, screen: &str) {
    app.settle().await;
    app.tg.private_text(admin, "/settings");
    app.wait_private(admin, "Settings of").await;
    tap(app, admin, screen).await;
}

/// `/settings` → Routing → the strategy's button.
pub(crate) async fn set_strategy(app: &TestApp, admin: &FakeUser, label: &str, machine: &str) {
    open_settings(app, admin, "Routing").await;
    tap_exact(app, admin, label).await;
    let ws = app.workspace_of(admin).await;
    eventually(WAIT, "the strategy to be saved", async || {
        (workspace(app, ws).await.routing_strategy == machine).then_some(())
    })
    .await;
}

/// `/settings` → Agents & skills → the agent → Set skills… → typed answer.
pub(crate) async fn set_skills(app: &TestApp, admin: &FakeUser, agent: &FakeUser, skills: &str) {
    open_settings(app, admin, "Agents & skills").await;
    tap(app, admin, &format!("⚙ {}", agent.first_name)).await;
    tap(app, admin, "Set skills").await;
    app.wait_private(admin, "Send the skills").await;
    app.tg.private_text(admin, skills);
    let ws = app.workspace_of(admin).await;
    let want = skills.to_lowercase().replace(' ', "");
    eventually(WAIT, "the skills to be saved", async || {
        (member(app, ws, agent).await.skills == want).then_some(())
    })
    .await;
}

/// `/settings` → Agents & skills → the agent → capacity button.
pub(crate) async fn set_capacity(app: &TestApp, admin: &FakeUser, agent: &FakeUser, max: i32) {
    open_settings(app, admin, "Agents & skills").await;
    tap(app, admin, &format!("⚙ {}", agent.first_name)).await;
    tap_exact(app, admin, &max.to_string()).await;
    let ws = app.workspace_of(admin).await;
    eventually(WAIT, "the capacity to be saved", async || {
        (member(app, ws, agent).await.max_open == max).then_some(())
    })
    .await;
}

/// Sends a private command and waits for the answer containing `needle`.
pub(crate) async fn private(
    app: &TestApp,
    user: &FakeUser,
    text: &str,
    needle: &str,
) -> FakeMessage {
    app.settle().await;
    let before = app.tg.bot_messages_in(user.id, None).len();
    app.tg.private_text(user, text);
    app.tg
        .wait_for(WAIT, &format!("the answer to {text:?}"), |tg| {
            tg.bot_messages_in(user.id, None)
                .into_iter()
                .skip(before)
                .find(|m| m.text.contains(needle))
        })
        .await
}

// ----- reading the database ------------------------------------------------------------------

pub(crate) async fn workspace(app: &TestApp, id: i64) -> entity::workspaces::Model {
    entity::workspaces::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("workspace")
}

pub(crate) async fn member(app: &TestApp, ws: i64, user: &FakeUser) -> entity::members::Model {
    entity::members::Entity::find()
        .filter(entity::members::Column::WorkspaceId.eq(ws))
        .filter(entity::members::Column::UserId.eq(user.id))
        .one(&app.db)
        .await
        .expect("query")
        .expect("member")
}

/// Waits until every ticket of these topics has an assignee; returns them in topic order.
pub(crate) async fn assignees(app: &TestApp, chat: i64, threads: &[i32]) -> Vec<i64> {
    let mut out = Vec::new();
    for t in threads {
        let ticket = app
            .wait_ticket(chat, *t, "the ticket to be assigned", |t| {
                t.assignee_id.is_some()
            })
            .await;
        out.extend(ticket.assignee_id);
    }
    out
}

fn count(ids: &[i64]) -> HashMap<i64, usize> {
    let mut m = HashMap::new();
    for id in ids {
        *m.entry(*id).or_default() += 1;
    }
    m
}

/// The ticket stays waiting: everything is handled and nobody got it.
pub(crate) async fn assert_waiting(app: &TestApp, chat: i64, thread: i32) {
    app.settle().await;
    let t = app.ticket(chat, thread).await;
    assert_eq!(
        (t.status.as_str(), t.assignee_id),
        ("open", None),
        "ticket #{} should wait",
        t.number
    );
}

/// An Owner with a connected forum, `agents` teammates joined by invite, and the Owner away (so
/// only the invited agents take tickets). Returns (owner, forum, agents).
pub(crate) async fn team(app: &TestApp, names: &[&str]) -> (FakeUser, i64, Vec<FakeUser>) {
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, names.len() as u32, 0).await;
    let mut agents = Vec::new();
    for name in names {
        agents.push(app.invite_agent(&owner, name, false).await);
    }
    private(app, &owner, "/away", "You are away").await;
    (owner, chat, agents)
}

pub(crate) async fn resolve(app: &TestApp, agent: &FakeUser, chat: i64, thread: i32) {
    let (card, data) = app.card_button(chat, thread, "Resolve").await;
    let (_, alert) = app.press(agent, chat, card, &data).await;
    assert!(!alert, "{} could not resolve", agent.first_name);
    app.wait_ticket(chat, thread, "resolved", |t| t.status == "resolved")
        .await;
}
