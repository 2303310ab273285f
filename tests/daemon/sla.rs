//! SLA, business hours, escalation and reminders (SPEC §9, §7) through the fake Telegram and the
//! controllable clock: nothing here sleeps for a deadline, the tests move time.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, Utc, Weekday};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio_util::sync::CancellationToken;
use topicdesk::clock::Clock;

use crate::fake_tg::{FakeMessage, FakeUser};
use crate::helpers::*;
use crate::routing::{open_settings, private, tap, workspace};
use crate::team::private_count;

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

// ----- warnings, breaches, escalation -----------------------------------------------------------

#[tokio::test]
async fn warning_then_breach_then_escalation_each_fire_once() {
    let app = spawn_app().await;
    let (owner, chat, staff) = desk(&app).await;
    set_policy(&app, &owner, "normal", "normal", "10 60").await;
    add_rule(&app, &owner, "first_response_breach -> raise_level").await;
    add_rule(&app, &owner, "first_response_breach -> mention_admins").await;
    add_rule(&app, &owner, "resolution_breach -> raise_priority").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Printer on fire").await;
    let (card, claim) = app.card_button(chat, thread, "Claim").await;
    app.press(&owner, chat, card, &claim).await;
    let t = app.ticket(chat, thread).await;
    assert!(close_to(
        t.first_response_due,
        t.created_at + Duration::minutes(10)
    ));
    assert!(close_to(
        t.resolution_due,
        t.created_at + Duration::minutes(60)
    ));
    info_shows(&app, &owner, chat, thread, "First response: due").await;

    // 80 % of the first-response target: the assignee and the staff chat are warned.
    advance(&app, Duration::minutes(8) + Duration::seconds(1)).await;
    let warned = app
        .wait_private(&owner, "First response for ticket #1 is due in")
        .await;
    assert!(!warned.url_buttons().is_empty());
    app.wait_bot_message(staff, None, "First response for ticket #1 is due")
        .await;
    // The target: a breach post, then the rules run.
    advance(&app, Duration::minutes(2)).await;
    app.wait_bot_message(staff, None, "SLA breached: ticket #1 has no first response")
        .await;
    app.wait_bot_message(staff, None, "@olga").await;
    let info = info_shows(&app, &owner, chat, thread, "Escalation level 1").await;
    assert!(
        info.text.contains("First response: due") && info.text.contains("🚨 late"),
        "{}",
        info.text
    );
    card_is_customer_safe(&app.card(chat, thread).await);

    // Resolution: warned at 48 minutes, late at 60; the breach raises the priority once.
    advance(&app, Duration::minutes(38)).await;
    app.wait_bot_message(staff, None, "Resolution of ticket #1 is due")
        .await;
    advance(&app, Duration::minutes(12)).await;
    app.wait_bot_message(staff, None, "was not resolved in time")
        .await;
    app.wait_ticket(chat, thread, "priority raised", |t| t.priority == "high")
        .await;
    advance(&app, Duration::hours(5)).await;
    assert_eq!(staff_posts(&app, staff, "has no first response").len(), 1);
    assert_eq!(
        staff_posts(&app, staff, "First response for ticket #1 is due").len(),
        1
    );
    assert_eq!(
        staff_posts(&app, staff, "was not resolved in time").len(),
        1
    );
    assert_eq!(
        staff_posts(&app, staff, "Resolution of ticket #1 is due").len(),
        1
    );
    let t = app.ticket(chat, thread).await;
    assert_eq!((t.escalation_level, t.priority.as_str()), (1, "high"));
    let audit = app.audit(t.id).await;
    for action in [
        "sla.first_response_warning",
        "sla.first_response_breach",
        "sla.resolution_warning",
        "sla.resolution_breach",
        "ticket.escalation_level",
    ] {
        assert_eq!(
            audit.iter().filter(|r| r.action == action).count(),
            1,
            "{action}: {audit:?}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn pending_pauses_the_resolution_clock_and_the_customer_resumes_it() {
    let app = spawn_app().await;
    let (owner, chat, staff) = desk(&app).await;
    set_policy(&app, &owner, "normal", "normal", "10 60").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Slow").await;
    advance(&app, Duration::minutes(5)).await;
    agent_reply(&app, chat, thread, &owner).await;
    advance(&app, Duration::minutes(5)).await;
    app.tg.group_text(chat, Some(thread), &owner, "/pending");
    let t = app
        .wait_ticket(chat, thread, "pending", |t| t.status == "pending")
        .await;
    assert_eq!(t.resolution_due, None);
    assert_eq!(t.resolution_used_secs, 600);
    info_shows(
        &app,
        &owner,
        chat,
        thread,
        "Resolution: paused, 50 min left",
    )
    .await;

    // Three hours pending: no resolution alert.
    advance(&app, Duration::hours(3)).await;
    assert!(staff_posts(&app, staff, "Resolution of ticket").is_empty());
    // The customer answers: 50 minutes are left, counted from now.
    app.tg
        .group_text(chat, Some(thread), &customer, "Here is the log");
    let t = app
        .wait_ticket(chat, thread, "in progress", |t| t.status == "in_progress")
        .await;
    let now = app.clock.now();
    assert!(
        close_to(t.resolution_due, now + Duration::minutes(50)),
        "{:?} vs {now}",
        t.resolution_due
    );
    advance(&app, Duration::minutes(49)).await;
    assert!(staff_posts(&app, staff, "was not resolved in time").is_empty());
    advance(&app, Duration::minutes(2)).await;
    app.wait_bot_message(staff, None, "was not resolved in time")
        .await;

    // Resolve stops the clock; reopening restarts it with the time already used (over target).
    app.tg.group_text(chat, Some(thread), &owner, "/resolve");
    let t = app
        .wait_ticket(chat, thread, "resolved", |t| t.status == "resolved")
        .await;
    assert_eq!(t.resolution_due, None);
    assert!(t.resolution_used_secs >= 3600, "{}", t.resolution_used_secs);
    app.stop().await;
}

#[tokio::test]
async fn a_priority_change_moves_the_due_times() {
    let app = spawn_app().await;
    let (owner, chat, _) = desk(&app).await;
    set_policy(&app, &owner, "normal", "normal", "60 480").await;
    set_policy(&app, &owner, "urgent", "🔴 urgent", "5 30").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Down!").await;
    let t = app.ticket(chat, thread).await;
    assert!(close_to(
        t.first_response_due,
        t.created_at + Duration::minutes(60)
    ));
    advance(&app, Duration::minutes(2)).await;
    app.tg
        .group_text(chat, Some(thread), &owner, "/priority urgent");
    let t = app
        .wait_ticket(chat, thread, "urgent", |t| t.priority == "urgent")
        .await;
    assert!(close_to(
        t.first_response_due,
        t.created_at + Duration::minutes(5)
    ));
    assert!(close_to(
        t.resolution_due,
        t.created_at + Duration::minutes(30)
    ));
    // Without a policy for the new priority the clocks go away.
    app.tg
        .group_text(chat, Some(thread), &owner, "/priority low");
    let t = app
        .wait_ticket(chat, thread, "low", |t| t.priority == "low")
        .await;
    assert_eq!((t.first_response_due, t.resolution_due), (None, None));
    app.stop().await;
}

#[tokio::test]
async fn business_hours_skip_the_night_the_weekend_and_a_holiday() {
    let app = spawn_app().await;
    let (owner, chat, _) = desk(&app).await;
    // Friday 16:30 UTC; the schedule is the default mon-fri 09:00-17:00 in UTC.
    let now = app.clock.now();
    let mut day = now.date_naive() + chrono::Days::new(1);
    while day.weekday() != Weekday::Fri {
        day = day + chrono::Days::new(1);
    }
    let friday = day.and_hms_opt(16, 30, 0).expect("time").and_utc();
    app.clock.advance(friday - now);
    let monday = day + chrono::Days::new(3);
    open_settings(&app, &owner, "Business hours").await;
    tap(&app, &owner, "Holiday").await;
    app.wait_private(&owner, "Send a holiday").await;
    app.tg
        .private_text(&owner, &monday.format("%Y-%m-%d").to_string());
    let ws = app.workspace_of(&owner).await;
    let want = monday.format("%Y-%m-%d").to_string();
    eventually(WAIT, "the holiday to be saved", async || {
        workspace(&app, ws)
            .await
            .holidays
            .contains(&want)
            .then_some(())
    })
    .await;
    set_policy(&app, &owner, "normal", "normal", "60 600 business").await;

    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Friday problem").await;
    let t = app.ticket(chat, thread).await;
    // 30 minutes on Friday, the weekend and the Monday holiday skipped: Tuesday 09:30.
    let tuesday = (day + chrono::Days::new(4))
        .and_hms_opt(9, 30, 0)
        .expect("time")
        .and_utc();
    assert!(
        close_to(t.first_response_due, tuesday),
        "{:?} vs {tuesday}",
        t.first_response_due
    );
    // 600 working minutes = 30 min Friday + 8 h Tuesday + 1 h 30 Wednesday.
    let wednesday = (day + chrono::Days::new(5))
        .and_hms_opt(10, 30, 0)
        .expect("time")
        .and_utc();
    assert!(
        close_to(t.resolution_due, wednesday),
        "{:?}",
        t.resolution_due
    );
    info_shows(&app, &owner, chat, thread, "First response: due Tue").await;
    let audit: Vec<String> = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::WorkspaceId.eq(ws))
        .all(&app.db)
        .await
        .expect("audit")
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert!(audit.iter().any(|a| a == "settings.holidays"), "{audit:?}");
    assert!(
        audit.iter().any(|a| a == "settings.sla_policy"),
        "{audit:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn after_downtime_overdue_timers_fire_once_and_a_passed_warning_is_skipped() {
    let app = spawn_app().await;
    let (owner, chat, staff) = desk(&app).await;
    set_policy(&app, &owner, "normal", "normal", "10 600").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Before the outage").await;
    app.settle().await;
    let stopped_at = app.clock.now();
    let (tg, database) = app.stop().await;

    // Down for half an hour: both the warning (8 min) and the breach (10 min) passed.
    let app = spawn_app_at(tg, database, stopped_at + Duration::minutes(30)).await;
    app.wait_bot_message(staff, None, "has no first response")
        .await;
    advance(&app, Duration::minutes(5)).await;
    assert_eq!(staff_posts(&app, staff, "has no first response").len(), 1);
    assert!(staff_posts(&app, staff, "First response for ticket").is_empty());
    let t = app.ticket(chat, thread).await;
    let audit = app.audit(t.id).await;
    assert!(
        audit.iter().any(|r| r.action == "sla.warning_skipped"),
        "{audit:?}"
    );

    // A second restart fires nothing again.
    let now = app.clock.now();
    let (tg, database) = app.stop().await;
    let app = spawn_app_at(tg, database, now + Duration::minutes(1)).await;
    advance(&app, Duration::minutes(1)).await;
    assert_eq!(staff_posts(&app, staff, "has no first response").len(), 1);
    app.stop().await;
}

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

// ----- reminders --------------------------------------------------------------------------------

#[tokio::test]
async fn reminders_fire_once_after_a_restart_and_can_be_cancelled() {
    let app = spawn_app().await;
    let (owner, chat, _) = desk(&app).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Call me back").await;
    // The confirmation goes to the agent privately: the customer reads the topic.
    app.tg
        .group_text(chat, Some(thread), &owner, "/remind 1h call Carl back");
    app.wait_private(&owner, "I will remind you about ticket #1")
        .await;
    app.tg
        .group_text(chat, Some(thread), &owner, "/remind 2h send the invoice");
    app.tg
        .wait_until(WAIT, "the second reminder confirmed", |_| {
            private_count(&app, &owner, "I will remind you") == 2
        })
        .await;
    assert!(app
        .tg
        .bot_messages_in(chat, Some(thread))
        .iter()
        .all(|m| !m.text.contains("remind")));
    app.tg
        .group_text(chat, Some(thread), &owner, "/remind soon-ish do it");
    app.wait_bot_message(chat, Some(thread), "Use /remind")
        .await;

    // /mytickets lists both, with a cancel button each; cancel the second.
    let list = private(&app, &owner, "/mytickets", "Reminders").await;
    assert!(list.text.contains("call Carl back") && list.text.contains("send the invoice"));
    let (_, cancel) = list
        .buttons()
        .into_iter()
        .find(|(l, _)| l.contains("send the invoice"))
        .expect("cancel button");
    let (answer, _) = app.press(&owner, owner.id, list.id, &cancel).await;
    assert_eq!(answer.as_deref(), Some("Reminder cancelled."));

    let now = app.clock.now();
    let (tg, database) = app.stop().await;
    let app = spawn_app_at(tg, database, now).await;
    advance(&app, Duration::minutes(61)).await;
    let reminder = app.wait_private(&owner, "Reminder for ticket #1").await;
    assert!(reminder.text.contains("call Carl back"));
    assert!(reminder
        .url_buttons()
        .iter()
        .any(|(_, u)| u.contains("t.me/c/")));
    advance(&app, Duration::hours(3)).await;
    let all: Vec<FakeMessage> = app
        .tg
        .bot_messages_in(owner.id, None)
        .into_iter()
        .filter(|m| m.text.contains("Reminder for ticket"))
        .collect();
    assert_eq!(all.len(), 1, "{all:?}");
    app.stop().await;
}

/// A second scheduler on the same database (as another replica would run) races the daemon's
/// for every due timer: each reminder is still delivered exactly once.
#[tokio::test]
async fn two_schedulers_on_one_database_fire_each_timer_once() {
    let app = spawn_app().await;
    let (owner, chat, _) = desk(&app).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Many reminders").await;
    const N: usize = 12;
    for i in 0..N {
        app.tg.group_text(
            chat,
            Some(thread),
            &owner,
            &format!("/remind {}m check {i}", 10 + i),
        );
    }
    app.tg
        .wait_until(WAIT, "every reminder confirmed", |_| {
            private_count(&app, &owner, "I will remind you") == N
        })
        .await;

    let db = topicdesk::store::connect(&app.database.url)
        .await
        .expect("second connection");
    let second = topicdesk::app::context(db, Arc::new(app.clock.clone()));
    let stop = CancellationToken::new();
    let other = tokio::spawn(topicdesk::jobs::scheduler::run(second, stop.clone()));
    advance(&app, Duration::minutes(30)).await;
    app.tg
        .wait_until(WAIT, "every reminder delivered", |_| {
            private_count(&app, &owner, "Reminder for ticket") >= N
        })
        .await;
    advance(&app, Duration::minutes(30)).await;
    stop.cancel();
    other.await.expect("second scheduler stops");
    let texts: Vec<String> = app
        .tg
        .bot_messages_in(owner.id, None)
        .into_iter()
        .filter(|m| m.text.contains("Reminder for ticket"))
        .map(|m| m.text)
        .collect();
    assert_eq!(texts.len(), N, "{texts:?}");
    for i in 0..N {
        let needle = format!("check {i}");
        assert_eq!(
            texts.iter().filter(|t| t.ends_with(&needle)).count(),
            1,
            "{needle}: {texts:?}"
        );
    }
    let fired = entity::reminders::Entity::find()
        .filter(entity::reminders::Column::FiredAt.is_not_null())
        .all(&app.db)
        .await
        .expect("reminders");
    assert_eq!(fired.len(), N);
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
