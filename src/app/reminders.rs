//! Reminders (SPEC §7): `/remind` in a ticket's topic, the timer that delivers it, and
//! cancelling one from `/mytickets`.

use chrono::Duration;
use entity::workspaces::Model as Workspace;

use crate::app::effects::Notice;
use crate::app::work::access::begin;
use crate::app::work::{AppResult, Caller, Ctx, Origin, Work};

use crate::store::{self, timers::TimerKind};

/// Reads `30m`, `2h`, `1d`, `1h30m`, `90` (minutes); at most a year.
pub fn parse_delay(s: &str) -> Option<Duration> {
    crate::domain::duration::minutes(s)
        .filter(|m| (1..=525_600).contains(m))
        .map(Duration::minutes)
}

/// `/remind <delay> <text>` in a ticket's topic.
pub async fn set_reminder(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    chat: i64,
    thread: i32,
    args: &str,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let Some((t, ws)) = crate::app::lifecycle::agent_ticket(&mut w, caller, chat, thread).await?
    else {
        return w.commit().await;
    };
    let mut parts = args.trim().splitn(2, char::is_whitespace);
    let delay = parts.next().and_then(parse_delay);
    let text: String = parts
        .next()
        .unwrap_or_default()
        .trim()
        .chars()
        .take(500)
        .collect();
    let (Some(delay), false) = (delay, text.is_empty()) else {
        w.reply(caller, Notice::RemindUsage).await?;
        return w.commit().await;
    };
    let due = w.now + delay;
    let r =
        store::sla::add_reminder(&w.tx, ws.id, t.id, caller.profile.id, due, &text, w.now).await?;
    w.set_timer(TimerKind::Reminder, r.id, due).await?;
    w.reply(
        caller,
        Notice::ReminderSet {
            number: t.number,
            due: String::new(),
            due_at: Some(due),
            zone: Some(ws.time_zone.clone()),
        },
    )
    .await?;
    w.commit().await
}

/// A reminder is due: tell its agent once, with a button to the topic.
pub async fn remind(w: &mut Work, id: i64) -> AppResult<()> {
    let Some(r) = store::sla::reminder(&w.tx, id).await? else {
        return Ok(());
    };
    if !store::sla::finish_reminder(&w.tx, id, true, w.now).await? {
        return Ok(());
    }
    let Some(t) = store::tickets::get(&w.tx, r.ticket_id).await? else {
        return Ok(());
    };
    let summary = store::summary::ticket(&w.tx, &t, w.now).await?;
    w.tell(
        r.user_id,
        Notice::Reminder {
            ticket: summary,
            text: r.text,
        },
    )
    .await
}

/// A reminder's Cancel button in `/mytickets`: only its owner may cancel it.
pub async fn cancel_reminder(ctx: &Ctx, origin: Origin, caller: &Caller, id: i64) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let reminder = store::sla::reminder(&w.tx, id).await?;
    if let Some(r) = &reminder {
        store::workspaces::lock(&w.tx, r.workspace_id).await?;
    }
    let notice = match reminder {
        Some(r) if r.user_id == caller.profile.id => {
            if store::sla::finish_reminder(&w.tx, id, false, w.now).await? {
                w.cancel_timer(TimerKind::Reminder, id).await?;
                Notice::ReminderCancelled
            } else {
                Notice::ButtonExpired
            }
        }
        _ => Notice::ButtonExpired,
    };
    w.reply(caller, notice).await?;
    w.commit().await
}

/// The caller's pending reminders for `/mytickets`.
pub async fn reminder_rows<C: sea_orm::ConnectionTrait>(
    db: &C,
    ws: &Workspace,
    user: i64,
) -> AppResult<Vec<crate::app::effects::ReminderRow>> {
    let mut out = Vec::new();
    for r in store::sla::pending_reminders(db, ws.id, user).await? {
        let number = store::tickets::get(db, r.ticket_id)
            .await?
            .map_or(0, |t| t.number);
        out.push(crate::app::effects::ReminderRow {
            id: r.id,
            number,
            due: String::new(),
            due_at: Some(r.due_at),
            zone: Some(ws.time_zone.clone()),
            text: r.text,
        });
    }
    Ok(out)
}
