//! SLA deadlines: warning, breach and escalation firing once each, the pending pause, priority
//! changes, business hours with nights, weekends and holidays, and timers overdue after downtime.

use chrono::{Datelike, Duration, Weekday};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use topicdesk::clock::Clock;

use super::{
    add_rule, advance, agent_reply, card_is_customer_safe, close_to, desk, info_shows, set_policy,
    staff_posts,
};
use crate::helpers::*;
use crate::routing::{open_settings, tap, workspace};

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
