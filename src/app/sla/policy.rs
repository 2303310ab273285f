//! What every SLA part reads: the workspace's calendar and a ticket's policy, which statuses
//! run the clocks, the escalation rules, and where staff alerts go.

use chrono::Duration;
use entity::kinds::TicketStatus;
use entity::tickets::Model as Ticket;
use entity::workspaces::Model as Workspace;

use crate::app::effects::Notice;
use crate::app::work::{AppResult, Work};
use crate::domain::escalation::{self, Rule};
use crate::domain::sla::{self as cal, BusinessHours, Calendar};
use crate::domain::ticket::Status;
use crate::store::{self, timers::TimerKind};

/// Escalation rules of one workspace: every rule is matched on every event of every ticket.
pub(crate) const MAX_ESCALATION_RULES: usize = 50;

/// Holidays of one workspace: more than a year's days would only be a mistake.
pub(crate) const MAX_HOLIDAYS: usize = 366;

/// Statuses in which the resolution clock runs.
pub(crate) fn running(status: TicketStatus) -> bool {
    matches!(
        Status::from(status),
        Status::Open | Status::Assigned | Status::InProgress
    )
}

pub(crate) fn stopped(status: TicketStatus) -> bool {
    matches!(Status::from(status), Status::Resolved | Status::Closed)
}

/// The workspace's business hours as the domain reads them. Values are validated when saved, so
/// a value that no longer parses (a zone renamed in a tz database update) falls back to UTC or to
/// no holidays, with a log line, rather than stopping every SLA.
pub fn business_hours(ws: &Workspace) -> BusinessHours {
    let tz = cal::parse_tz(&ws.time_zone).unwrap_or_else(|e| {
        tracing::warn!(workspace = ws.id, error = ?e, "bad time zone; using UTC");
        chrono_tz::UTC
    });
    // A schedule saved before schedules were checked (a minute a week, say) would make one due
    // time cost centuries of counting: it is read as the default instead, with a log line.
    let week = cal::read_week(&ws.business_week).unwrap_or_else(|e| {
        tracing::warn!(workspace = ws.id, error = ?e, "bad business week; using mon-fri 9-17");
        cal::parse_week("mon-fri 09:00-17:00").unwrap_or_default()
    });
    let holidays = ws
        .holidays
        .split(',')
        .filter(|d| !d.trim().is_empty())
        .filter_map(|d| cal::parse_date(d.trim()).ok())
        .take(MAX_HOLIDAYS)
        .collect();
    BusinessHours { tz, week, holidays }
}

fn calendar(ws: &Workspace, p: &entity::sla_policies::Model) -> Calendar {
    if p.business_hours {
        Calendar::Business(business_hours(ws))
    } else {
        Calendar::Always
    }
}

pub(crate) fn pct(secs: i64, percent: i32) -> i64 {
    secs * i64::from(percent.clamp(1, 100)) / 100
}

/// The calendar and policy a ticket's clocks run on.
pub(crate) type Rules = (Calendar, entity::sla_policies::Model);

/// The rules of the ticket's current priority, if it has a policy.
pub(crate) async fn rules_for(w: &Work, t: &Ticket) -> AppResult<Option<Rules>> {
    let ws = store::workspaces::get(&w.tx, t.workspace_id).await?;
    let policy = store::sla::policy(&w.tx, t.workspace_id, t.priority).await?;
    Ok(ws.zip(policy).map(|(ws, p)| (calendar(&ws, &p), p)))
}

pub(crate) async fn staff_post(w: &mut Work, workspace: i64, notice: Notice) -> AppResult<bool> {
    let Some(staff) = store::workspaces::get(&w.tx, workspace)
        .await?
        .and_then(|ws| ws.staff_chat_id)
    else {
        return Ok(false);
    };
    w.post(staff, notice).await?;
    Ok(true)
}

pub(crate) async fn rules_of(w: &Work, workspace: i64) -> AppResult<Vec<(i64, Rule)>> {
    Ok(store::sla::rules(&w.tx, workspace)
        .await?
        .into_iter()
        .filter_map(|r| {
            escalation::from_parts(
                &r.trigger,
                r.trigger_arg.as_deref(),
                &r.action,
                r.action_arg.as_deref(),
            )
            .map(|rule| (r.id, rule))
        })
        .collect())
}

/// Arms the next "unassigned for N minutes" rule of a waiting ticket.
pub(crate) async fn arm_unassigned_escalation(w: &mut Work, t: &Ticket) -> AppResult<()> {
    let Some(since) = t.waiting_since else {
        return Ok(());
    };
    let rules: Vec<Rule> = rules_of(w, t.workspace_id)
        .await?
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let done = u32::try_from(t.escalated_unassigned).unwrap_or(0);
    match escalation::next_unassigned_threshold(&rules, done) {
        Some(n) => {
            w.set_timer(
                TimerKind::EscalateUnassigned,
                t.id,
                since + Duration::minutes(n.into()),
            )
            .await
        }
        None => w.cancel_timer(TimerKind::EscalateUnassigned, t.id).await,
    }
}
