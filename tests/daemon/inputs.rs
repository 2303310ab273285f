//! What people type, at its worst (issue 8): schedules and targets that would make SLA
//! arithmetic run for centuries, refused prompt answers, numbers out of range, delays that
//! overflow, answers too long for one Telegram message; and an answered ticket that must stay
//! answered whatever is escalated afterwards.

use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use topicdesk::telegram::callback::{CallbackData, RoutingButton};

use crate::fake_tg::{FakeMessage, FakeUser, Fault};
use crate::helpers::*;
use crate::routing::{open_settings, tap, workspace};
use crate::sla::{add_rule, advance, agent_reply, desk, set_policy, staff_posts};
use crate::team::{forged, NO_SUCH_MESSAGE};

/// `/settings` → Business hours → the field's button; waits for the prompt.
async fn edit_hours(app: &TestApp, admin: &FakeUser, button: &str) {
    open_settings(app, admin, "Business hours").await;
    tap(app, admin, button).await;
    app.wait_private(admin, "Send").await;
}

/// The bot's newest private message to `user` after `before` of them, containing `needle`.
async fn next_private(app: &TestApp, user: &FakeUser, before: usize, needle: &str) -> FakeMessage {
    app.tg
        .wait_for(WAIT, &format!("a private {needle:?}"), |tg| {
            tg.bot_messages_in(user.id, None)
                .into_iter()
                .skip(before)
                .find(|m| m.text.contains(needle))
        })
        .await
}

// ----- 3 and 9: bounded schedules, prompts that stay open -------------------------------------

#[tokio::test]
async fn a_refused_answer_keeps_the_prompt_open_for_the_next_try() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    edit_hours(&app, &owner, "Weekly schedule").await;

    // Too little working time, then too many intervals: each refused, saying why, with Cancel.
    for (answer, why) in [
        ("mon 09:00-09:30", "at least one hour"),
        (
            "mon 01:00-02:00, 03:00-04:00, 05:00-06:00, 07:00-08:00, 09:00-10:00, 11:00-12:00, 13:00-14:00, 15:00-16:00, 17:00-18:00",
            "at most 8",
        ),
        ("whenever we feel like it", "is not a day"),
    ] {
        let before = app.tg.bot_messages_in(owner.id, None).len();
        app.tg.private_text(&owner, answer);
        let refusal = next_private(&app, &owner, before, "⚠️").await;
        assert!(refusal.text.contains(why), "{why:?} in {}", refusal.text);
        assert!(
            refusal.buttons().iter().any(|(l, _)| l.contains("Cancel")),
            "{:?}",
            refusal.buttons()
        );
    }
    // The next message is still the answer, not a command for the help screen.
    let before = app.tg.bot_messages_in(owner.id, None).len();
    app.tg.private_text(&owner, "mon-fri 08:00-16:00");
    let screen = next_private(&app, &owner, before, "Business hours").await;
    assert!(
        screen.text.contains("mon-fri 08:00-16:00"),
        "{}",
        screen.text
    );
    assert_eq!(
        workspace(&app, ws).await.business_week,
        "mon-fri 08:00-16:00"
    );
    // Answered, the prompt is closed: the next text gets the help screen again.
    let before = app.tg.bot_messages_in(owner.id, None).len();
    app.tg.private_text(&owner, "mon 10:00-11:00");
    next_private(&app, &owner, before, "Your role").await;

    // Cancel closes a prompt that was refused.
    edit_hours(&app, &owner, "Time zone").await;
    let before = app.tg.bot_messages_in(owner.id, None).len();
    app.tg.private_text(&owner, "Mars/Olympus");
    let refusal = next_private(&app, &owner, before, "not a known time zone").await;
    let cancel = crate::team::button(&refusal, "Cancel");
    app.press(&owner, owner.id, refusal.id, &cancel).await;
    let before = app.tg.bot_messages_in(owner.id, None).len();
    app.tg.private_text(&owner, "Europe/Berlin");
    next_private(&app, &owner, before, "Your role").await;
    assert_eq!(workspace(&app, ws).await.time_zone, "UTC");
    app.stop().await;
}

#[tokio::test]
async fn minute_settings_take_any_value_in_range_through_custom() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    open_settings(&app, &owner, "Routing").await;
    tap(&app, &owner, "Custom").await;
    app.wait_private(&owner, "After how long unassigned").await;
    for refused in ["8d", "0", "soon"] {
        let before = app.tg.bot_messages_in(owner.id, None).len();
        app.tg.private_text(&owner, refused);
        next_private(&app, &owner, before, "between 1 minute and 7 days").await;
    }
    let before = app.tg.bot_messages_in(owner.id, None).len();
    app.tg.private_text(&owner, "45");
    // The new routing screen marks the typed value on its Custom… button.
    let screen = next_private(&app, &owner, before, "Routing").await;
    assert_eq!(workspace(&app, ws).await.unassigned_alert_minutes, 45);
    assert!(
        screen
            .buttons()
            .iter()
            .any(|(l, _)| l.contains("• ✏️ Custom: 45 min")),
        "{:?}",
        screen.buttons()
    );
    // The quick buttons stay, and a forged value out of range changes nothing.
    let (_, _) = app
        .press(
            &owner,
            owner.id,
            NO_SUCH_MESSAGE,
            &forged(CallbackData::Routing(RoutingButton::RoutingAlert {
                minutes: 60_000,
            })),
        )
        .await;
    app.settle().await;
    assert_eq!(workspace(&app, ws).await.unassigned_alert_minutes, 45);

    // Intake wait and auto-close have the same Custom… path.
    open_settings(&app, &owner, "Intake categories").await;
    tap(&app, &owner, "Custom").await;
    app.wait_private(&owner, "pick a category").await;
    app.tg.private_text(&owner, "3");
    eventually(WAIT, "the intake wait saved", async || {
        (workspace(&app, ws).await.intake_timeout_minutes == 3).then_some(())
    })
    .await;
    app.settle().await;
    app.tg.private_text(&owner, "/settings");
    app.wait_private(&owner, "Auto-close").await;
    tap(&app, &owner, "Custom").await;
    app.wait_private(&owner, "close on their own").await;
    app.tg.private_text(&owner, "36");
    eventually(WAIT, "the auto-close time saved", async || {
        (workspace(&app, ws).await.auto_close_hours == 36).then_some(())
    })
    .await;
    app.stop().await;
}

#[tokio::test]
async fn the_worst_schedule_and_longest_targets_still_get_due_times() {
    let app = spawn_app().await;
    let (owner, chat, _) = desk(&app).await;
    // One working hour a week, in a zone with daylight saving, with holidays, and targets of a
    // year: the due time is centuries away but computed, not searched minute by minute.
    edit_hours(&app, &owner, "Time zone").await;
    app.tg.private_text(&owner, "Europe/Berlin");
    app.wait_private(&owner, "Time zone: Europe/Berlin").await;
    edit_hours(&app, &owner, "Weekly schedule").await;
    app.tg.private_text(&owner, "sun 02:00-03:00");
    app.wait_private(&owner, "Week: sun 02:00-03:00").await;
    for day in ["2026-12-27", "2027-01-03"] {
        edit_hours(&app, &owner, "Holiday").await;
        app.tg.private_text(&owner, day);
        app.wait_private(&owner, day).await;
    }
    set_policy(&app, &owner, "normal", "normal", "525600 525600 business").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Someday").await;
    let t = app.ticket(chat, thread).await;
    let due = t.first_response_due.expect("a due time");
    let years = (due - t.created_at).num_days() / 365;
    assert!((160..=170).contains(&years), "{years} years");
    assert_eq!(t.resolution_due, t.first_response_due);
    app.stop().await;
}

// ----- 10: bounded inputs everywhere --------------------------------------------------------------

#[tokio::test]
async fn an_overflowing_delay_is_refused_not_wrapped() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Later").await;
    for delay in [
        "9223372036854775807m1m",
        "1m9223372036854775807m",
        "99999999999h",
    ] {
        app.tg.group_text(
            chat,
            Some(thread),
            &owner,
            &format!("/remind {delay} overflow"),
        );
        app.wait_bot_message(chat, Some(thread), "Use /remind")
            .await;
    }
    app.settle().await;
    let reminders = entity::reminders::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(reminders, 0);
    app.stop().await;
}

#[tokio::test]
async fn an_answer_too_long_for_telegram_is_shortened_with_a_note() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Many reminders").await;
    let long = "x".repeat(480);
    for i in 0..12 {
        app.tg.group_text(
            chat,
            Some(thread),
            &owner,
            &format!("/remind {}h {i} {long}", i + 1),
        );
    }
    eventually(WAIT, "every reminder stored", async || {
        let n = entity::reminders::Entity::find()
            .count(&app.db)
            .await
            .expect("count");
        (n == 12).then_some(())
    })
    .await;
    let before = app.tg.bot_messages_in(owner.id, None).len();
    app.tg.private_text(&owner, "/mytickets");
    let answer = next_private(&app, &owner, before, "Your tickets")
        .await
        .text;
    assert!(answer.contains("shortened"), "{}", answer.len());
    assert!(answer.encode_utf16().count() <= 4096);
    app.settle().await;
    let dead = entity::outbox::Entity::find()
        .filter(entity::outbox::Column::DeadAt.is_not_null())
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(dead, 0, "nothing dead-lettered for its length");
    app.stop().await;
}

#[tokio::test]
async fn readyz_follows_telegram_down_and_up_again() {
    let app = spawn_app().await;
    let http = reqwest::Client::new();
    let status = async || {
        http.get(app.url("/readyz"))
            .send()
            .await
            .ok()
            .map(|r| r.status().as_u16())
    };
    eventually(WAIT, "ready", async || {
        (status().await == Some(200)).then_some(())
    })
    .await;
    app.tg.fail_next("getUpdates", 4, Fault::ServerError);
    eventually(WAIT, "unready while Telegram fails", async || {
        (status().await == Some(503)).then_some(())
    })
    .await;
    eventually(
        std::time::Duration::from_secs(20),
        "ready again",
        async || (status().await == Some(200)).then_some(()),
    )
    .await;
    app.stop().await;
}

// ----- 11: an answered ticket stays answered ------------------------------------------------------

#[tokio::test]
async fn an_answered_ticket_never_warns_about_its_first_response() {
    let app = spawn_app().await;
    let (owner, chat, staff) = desk(&app).await;
    set_policy(&app, &owner, "normal", "normal", "10 600").await;
    add_rule(&app, &owner, "manual -> raise_level").await;
    add_rule(&app, &owner, "first_response_breach -> raise_priority").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Answered in time").await;
    let (card, claim) = app.card_button(chat, thread, "Claim").await;
    app.press(&owner, chat, card, &claim).await;
    app.wait_ticket(chat, thread, "claimed", |t| t.assignee_id.is_some())
        .await;
    advance(&app, Duration::minutes(2)).await;
    agent_reply(&app, chat, thread, &owner).await;
    let t = app.ticket(chat, thread).await;
    assert_eq!(
        t.first_response_due, None,
        "the clock stopped at the answer"
    );

    // Escalated and re-prioritised by hand afterwards: the first-response clock stays stopped.
    advance(&app, Duration::minutes(1)).await;
    app.tg
        .group_text(chat, Some(thread), &owner, "/escalate customer is upset");
    app.wait_bot_message(staff, None, "escalated (level 1)")
        .await;
    app.tg
        .group_text(chat, Some(thread), &owner, "/priority high");
    app.wait_ticket(chat, thread, "high", |t| t.priority == "high")
        .await;
    advance(&app, Duration::minutes(30)).await;
    assert!(staff_posts(&app, staff, "First response for ticket").is_empty());
    assert!(staff_posts(&app, staff, "has no first response").is_empty());
    assert!(!app
        .tg
        .bot_messages_in(owner.id, None)
        .iter()
        .any(|m| m.text.contains("First response for ticket")));
    let t = app.ticket(chat, thread).await;
    assert_eq!(t.first_response_due, None);
    assert_eq!(t.priority, "high", "no breach rule raised it further");
    let audit = app.audit(t.id).await;
    assert!(
        !audit
            .iter()
            .any(|r| r.action.starts_with("sla.first_response")),
        "{audit:?}"
    );
    let timers = entity::timers::Entity::find()
        .filter(entity::timers::Column::SubjectId.eq(t.id))
        .filter(entity::timers::Column::Kind.is_in(["sla_first_warn", "sla_first_breach"]))
        .count(&app.db)
        .await
        .expect("timers");
    assert_eq!(timers, 0);
    app.stop().await;
}
