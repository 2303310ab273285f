//! SLA, business hours, escalation and reminders (SPEC §9, §7) through the fake Telegram and the
//! controllable clock: nothing here sleeps for a deadline, the tests move time.
//!
//! This file holds the setup and clock helpers (other modules borrow them too); the scenarios
//! are in `deadlines`, `escalation` and `reminders`.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use topicdesk::clock::Clock;

use crate::fake_tg::{FakeMessage, FakeUser};
use crate::helpers::*;
use crate::routing::{open_settings, tap};

mod deadlines;
mod escalation;
mod reminders;

// ----- setup -------------------------------------------------------------------------------------

/// `/settings` → SLA policies → ✏ `label` → typed targets; waits until saved.
pub(crate) async fn set_policy(
    app: &TestApp,
    admin: &FakeUser,
    priority: &str,
    label: &str,
    targets: &str,
) {
    open_settings(app, admin, "SLA policies").await;
    tap(app, admin, &format!("✏ {label}")).await;
    app.wait_private(admin, "Send the targets").await;
    app.tg.private_text(admin, targets);
    let ws = app.workspace_of(admin).await;
    eventually(WAIT, "the policy to be saved", async || {
        entity::sla_policies::Entity::find()
            .filter(entity::sla_policies::Column::WorkspaceId.eq(ws))
            .filter(entity::sla_policies::Column::Priority.eq(priority))
            .one(&app.db)
            .await
            .expect("query")
    })
    .await;
}

/// `/info` typed in the topic until the private answer shows `needle` (values change as the
/// daemon catches up). Staff details are never on the card: the topic is the customer's.
pub(crate) async fn info_shows(
    app: &TestApp,
    agent: &FakeUser,
    chat: i64,
    thread: i32,
    needle: &str,
) -> FakeMessage {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let before = app.tg.bot_messages_in(agent.id, None).len();
        app.tg.group_text(chat, Some(thread), agent, "/info");
        let answer = app
            .tg
            .wait_for(WAIT, "the /info answer", |tg| {
                tg.bot_messages_in(agent.id, None)
                    .into_iter()
                    .skip(before)
                    .find(|m| m.text.contains("Status:"))
            })
            .await;
        if answer.text.contains(needle) {
            return answer;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/info never showed {needle:?}: {}",
            answer.text
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The card shows nothing a customer may not read: no SLA clock, tags or escalation level.
pub(crate) fn card_is_customer_safe(card: &FakeMessage) {
    for staff_only in [
        "First response",
        "Resolution",
        "Escalation",
        "Tags",
        "late",
        "Customer",
    ] {
        assert!(
            !card.text.contains(staff_only),
            "{staff_only:?} on the card: {}",
            card.text
        );
    }
}

/// `/settings` → Escalation → ➕ Rule → typed rule; waits until it is listed.
pub(crate) async fn add_rule(app: &TestApp, admin: &FakeUser, rule: &str) {
    open_settings(app, admin, "Escalation").await;
    tap(app, admin, "➕ Rule").await;
    app.wait_private(admin, "Send a rule").await;
    app.tg.private_text(admin, rule);
    app.wait_private(admin, rule.split(" -> ").next().unwrap_or(rule))
        .await;
    app.settle().await;
}

/// A workspace with a connected forum and a staff chat.
pub(crate) async fn desk(app: &TestApp) -> (FakeUser, i64, i64) {
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let staff = app.staff_chat(&owner, "Acme Staff").await;
    (owner, chat, staff)
}

pub(crate) fn staff_posts(app: &TestApp, staff: i64, needle: &str) -> Vec<FakeMessage> {
    app.tg
        .bot_messages_in(staff, None)
        .into_iter()
        .filter(|m| m.text.contains(needle))
        .collect()
}

/// Moves time forward and lets every timer and send that became due finish.
pub(crate) async fn advance(app: &TestApp, by: Duration) {
    app.clock.advance(by);
    let now = app.clock.now();
    // Every timer due by now has fired (fired timers are deleted in their transaction)...
    eventually(WAIT, "the due timers to fire", async || {
        let next = topicdesk::store::timers::next_due(&app.db)
            .await
            .expect("timers");
        next.is_none_or(|at| at > now).then_some(())
    })
    .await;
    // ...and what they sent has gone out.
    app.settle().await;
}

pub(crate) fn close_to(a: Option<DateTime<Utc>>, b: DateTime<Utc>) -> bool {
    a.is_some_and(|a| (a - b).num_seconds().abs() <= 1)
}

pub(crate) async fn agent_reply(app: &TestApp, chat: i64, thread: i32, agent: &FakeUser) {
    app.tg.group_text(chat, Some(thread), agent, "On it!");
    app.wait_ticket(chat, thread, "the first response", |t| {
        t.first_response_at.is_some()
    })
    .await;
}
