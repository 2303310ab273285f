//! The two SLA clocks of a ticket: started when it is created, paused, resumed and stopped as
//! it moves (a reaction to every recorded move), and the warning and breach timers they arm.

use chrono::{DateTime, Utc};
use entity::tickets::Model as Ticket;
use futures::future::BoxFuture;

use super::escalation::run_rules;
use super::policy::{
    arm_unassigned_escalation, pct, rules_for, running, staff_post, stopped, Rules,
};
use crate::app::effects::{Notice, SlaAlertKind};
use crate::app::work::{AppResult, Changed, Work};
use crate::domain::escalation::Happened;
use crate::domain::ticket::{Actor, Status};
use crate::store::{self, audit::Entry, sla::Fired, timers::TimerKind};

/// Recomputes a ticket's due times from its priority's policy and (re)arms or cancels its four
/// SLA timers. Alerts that already fired are never armed again.
async fn replan(w: &mut Work, t: &mut Ticket, rules: Option<&Rules>) -> AppResult<()> {
    let Some((c, p)) = rules else {
        t.first_response_due = None;
        t.resolution_due = None;
        for k in [
            TimerKind::SlaFirstWarn,
            TimerKind::SlaFirstBreach,
            TimerKind::SlaResolutionWarn,
            TimerKind::SlaResolutionBreach,
        ] {
            w.cancel_timer(k, t.id).await?;
        }
        return Ok(());
    };
    // First response: from creation, until the first agent answer (or the end of the ticket).
    let first_target = i64::from(p.first_response_minutes) * 60;
    let first = (t.first_response_at.is_none() && !stopped(t.status) && first_target > 0)
        .then(|| c.add_working(t.created_at, first_target))
        .flatten();
    t.first_response_due = first;
    let warn = first.and_then(|_| c.add_working(t.created_at, pct(first_target, p.warn_percent)));
    arm(w, t, TimerKind::SlaFirstWarn, Fired::FIRST_WARN, warn).await?;
    arm(w, t, TimerKind::SlaFirstBreach, Fired::FIRST_BREACH, first).await?;
    // Resolution: while running, from the start of this run minus what earlier runs used.
    let target = i64::from(p.resolution_minutes) * 60;
    let (due, warn) = match t
        .resolution_since
        .filter(|_| running(t.status) && target > 0)
    {
        Some(since) => {
            let left = (target - t.resolution_used_secs).max(0);
            let warn_left = (pct(target, p.warn_percent) - t.resolution_used_secs).max(0);
            (c.add_working(since, left), c.add_working(since, warn_left))
        }
        None => (None, None),
    };
    t.resolution_due = due;
    arm(
        w,
        t,
        TimerKind::SlaResolutionWarn,
        Fired::RESOLUTION_WARN,
        due.and(warn),
    )
    .await?;
    arm(
        w,
        t,
        TimerKind::SlaResolutionBreach,
        Fired::RESOLUTION_BREACH,
        due,
    )
    .await
}

async fn arm(
    w: &mut Work,
    t: &Ticket,
    kind: TimerKind,
    bit: i32,
    at: Option<DateTime<Utc>>,
) -> AppResult<()> {
    match at.filter(|_| t.sla_fired & bit == 0) {
        Some(at) => w.set_timer(kind, t.id, at).await,
        None => w.cancel_timer(kind, t.id).await,
    }
}

/// A new ticket: its clocks start now.
async fn start(w: &mut Work, mut t: Ticket) -> AppResult<()> {
    t.resolution_since = Some(t.created_at);
    t.waiting_since = Some(t.created_at);
    let rules = rules_for(w, &t).await?;
    replan(w, &mut t, rules.as_ref()).await?;
    arm_unassigned_escalation(w, &t).await?;
    store::tickets::save(&w.tx, t).await?;
    Ok(())
}

/// A ticket whose group is connected again: its SLA timers (dropped while it was read-only) are
/// armed again from its clocks, and those already due fire now.
async fn rearm(w: &mut Work, mut t: Ticket) -> AppResult<()> {
    let rules = rules_for(w, &t).await?;
    replan(w, &mut t, rules.as_ref()).await?;
    arm_unassigned_escalation(w, &t).await?;
    store::tickets::save(&w.tx, t).await?;
    Ok(())
}

/// After a ticket moved: pause, resume or stop the resolution clock, stop the first-response
/// clock once answered, recompute due times on a priority change.
async fn on_change(w: &mut Work, before: &Ticket, after: Ticket) -> AppResult<()> {
    let mut t = after;
    let status_moved =
        running(before.status) != running(t.status) || stopped(before.status) != stopped(t.status);
    let waiting = |t: &Ticket| Status::from(t.status) == Status::Open && t.assignee_id.is_none();
    let relevant = status_moved
        || before.priority != t.priority
        || before.first_response_at.is_none() != t.first_response_at.is_none()
        || waiting(before) != waiting(&t);
    if !relevant {
        return Ok(());
    }
    let rules = rules_for(w, &t).await?;
    if running(before.status) && !running(t.status) {
        if let Some(since) = t.resolution_since.take() {
            // Without a policy the clock still keeps wall time, for a policy added later.
            t.resolution_used_secs += match &rules {
                Some((c, _)) => c.working_secs(since, w.now),
                None => (w.now - since).num_seconds().max(0),
            };
        }
    }
    if !running(before.status) && running(t.status) {
        t.resolution_since = Some(w.now);
    }
    if waiting(&t) && !waiting(before) {
        t.waiting_since = Some(w.now);
        t.escalated_unassigned = 0;
        arm_unassigned_escalation(w, &t).await?;
    }
    if waiting(before) && !waiting(&t) {
        t.waiting_since = None;
        w.cancel_timer(TimerKind::EscalateUnassigned, t.id).await?;
    }
    replan(w, &mut t, rules.as_ref()).await?;
    store::tickets::save(&w.tx, t).await?;
    Ok(())
}

/// An SLA timer fired.
pub async fn fire(w: &mut Work, kind: TimerKind, ticket: i64) -> AppResult<()> {
    let Some(mut t) = store::tickets::get_locked(&w.tx, ticket).await? else {
        return Ok(());
    };
    let (bit, due, breach_bit, alert) = match kind {
        TimerKind::SlaFirstWarn => (
            Fired::FIRST_WARN,
            t.first_response_due,
            Some(Fired::FIRST_BREACH),
            SlaAlertKind::FirstResponseWarning,
        ),
        TimerKind::SlaFirstBreach => (
            Fired::FIRST_BREACH,
            t.first_response_due,
            None,
            SlaAlertKind::FirstResponseBreach,
        ),
        TimerKind::SlaResolutionWarn => (
            Fired::RESOLUTION_WARN,
            t.resolution_due,
            Some(Fired::RESOLUTION_BREACH),
            SlaAlertKind::ResolutionWarning,
        ),
        TimerKind::SlaResolutionBreach => (
            Fired::RESOLUTION_BREACH,
            t.resolution_due,
            None,
            SlaAlertKind::ResolutionBreach,
        ),
        _ => return Ok(()),
    };
    let Some(due) = due else { return Ok(()) };
    if t.sla_fired & bit != 0 {
        return Ok(());
    }
    // Only a clock that still runs can warn or breach: an answered ticket's first-response
    // clock, a pending or resolved ticket's resolution clock, have stopped whatever a stale
    // timer row says.
    let still_running = match kind {
        TimerKind::SlaFirstWarn | TimerKind::SlaFirstBreach => {
            t.first_response_at.is_none() && !stopped(t.status)
        }
        _ => running(t.status) && t.resolution_since.is_some(),
    };
    if !still_running {
        return Ok(());
    }
    // A breach timer that fires early would mean a stale row; the due time decides.
    if breach_bit.is_none() && due > w.now {
        return Ok(());
    }
    t.sla_fired |= bit;
    let warning = breach_bit.is_some();
    // After downtime, a warning whose breach is also past is skipped: the breach says it all.
    let skip = warning && due <= w.now;
    let t = store::tickets::save(&w.tx, t).await?;
    w.audit(Entry {
        workspace_id: t.workspace_id,
        ticket_id: Some(t.id),
        actor: Actor::System,
        action: if skip {
            "sla.warning_skipped"
        } else {
            alert.audit_action()
        },
        old_value: None,
        new_value: Some(due.to_rfc3339()),
        note: None,
    })
    .await?;
    if skip {
        return Ok(());
    }
    let summary = store::summary::ticket(&w.tx, &t, w.now).await?;
    let left = (due - w.now).num_seconds();
    let notice = Notice::SlaAlert {
        ticket: summary,
        kind: alert,
        left: String::new(),
        left_secs: Some(left.max(0)),
    };
    if warning {
        if let Some(a) = t.assignee_id {
            w.tell(a, notice.clone()).await?;
        }
    }
    staff_post(w, t.workspace_id, notice).await?;
    if !warning {
        let happened = if kind == TimerKind::SlaFirstBreach {
            Happened::FirstResponseBreach
        } else {
            Happened::ResolutionBreach
        };
        run_rules(w, t, happened, None).await?;
    }
    Ok(())
}

/// The clocks' reaction to what a unit of work changed: a new ticket's clocks start, a moved
/// ticket's clocks pause, resume or stop, a reconnected group's tickets are armed again.
pub fn react<'a>(w: &'a mut Work, change: &'a Changed) -> BoxFuture<'a, AppResult<()>> {
    Box::pin(async move {
        let id = match change {
            Changed::Created { ticket } | Changed::Rearmed { ticket } => *ticket,
            Changed::Moved { before, .. } => before.id,
            Changed::Routable { .. } => return Ok(()),
        };
        let Some(t) = store::tickets::get(&w.tx, id).await? else {
            return Ok(());
        };
        match change {
            Changed::Created { .. } => start(w, t).await,
            Changed::Rearmed { .. } => rearm(w, t).await,
            Changed::Moved { before, .. } => on_change(w, before, t).await,
            Changed::Routable { .. } => Ok(()),
        }
    })
}
