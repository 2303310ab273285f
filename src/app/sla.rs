//! SLA clocks, escalation and reminders (SPEC §9, §7).
//!
//! A ticket's first-response clock runs from its creation until the first agent answer; its
//! resolution clock runs while the ticket is open, assigned or in progress, pauses while it is
//! pending and stops when it is resolved or closed, keeping the working time already used
//! (`resolution_used_secs`) so a reopened ticket goes on where it stopped. Both are measured on the
//! policy's calendar (24/7 or business hours, `domain::sla`). Every deadline is a timer row, so the
//! scheduler sleeps until the next one; each warning and breach is recorded in `sla_fired` in the
//! transaction that fires it, so it happens once, also after restarts and across replicas.

use chrono::{DateTime, Duration, Utc};
use entity::tickets::Model as Ticket;
use entity::workspaces::Model as Workspace;

use super::effects::{EscalationRow, HolidayRow, Notice, PolicyRow, SlaAlertKind, SlaLine};
use super::team::{audit as member_audit, begin, begin_for};
use super::tickets::{apply, summarize, ApplyOpts};
use super::{display_name, refuse_input, AppResult, Caller, Ctx, Origin, Work};
use crate::domain::escalation::{self, Action, Happened, Rule};
use crate::domain::ids::UserId;
use crate::domain::permissions::Perm;
use crate::domain::routing::{self as routing_rules, Request, Strategy};
use crate::domain::sla::{self as cal, BusinessHours, Calendar};
use crate::domain::team::Role;
use crate::domain::ticket::{Actor, Command, Priority, Status};
use crate::store::{self, audit::Entry, sla::Targets, timers::TimerKind};

/// Escalation rules of one workspace: every rule is matched on every event of every ticket.
const MAX_ESCALATION_RULES: usize = 50;
/// Holidays of one workspace: more than a year's days would only be a mistake.
const MAX_HOLIDAYS: usize = 366;

/// Bits of `tickets.sla_fired`.
pub struct Fired;

impl Fired {
    pub const FIRST_WARN: i32 = 1;
    pub const FIRST_BREACH: i32 = 2;
    pub const RESOLUTION_WARN: i32 = 4;
    pub const RESOLUTION_BREACH: i32 = 8;
}

/// Statuses in which the resolution clock runs.
fn running(status: &str) -> bool {
    matches!(status, "open" | "assigned" | "in_progress")
}

fn stopped(status: &str) -> bool {
    matches!(status, "resolved" | "closed")
}

/// The workspace's business hours as the domain reads them. Values are validated when saved, so
/// a value that no longer parses (a zone renamed in a tz database update) falls back to UTC or to
/// no holidays, with a log line, rather than stopping every SLA.
pub fn business_hours(ws: &Workspace) -> BusinessHours {
    let tz = cal::parse_tz(&ws.time_zone).unwrap_or_else(|e| {
        tracing::warn!(workspace = ws.id, error = %e, "bad time zone; using UTC");
        chrono_tz::UTC
    });
    // A schedule saved before schedules were checked (a minute a week, say) would make one due
    // time cost centuries of counting: it is read as the default instead, with a log line.
    let week = cal::read_week(&ws.business_week).unwrap_or_else(|e| {
        tracing::warn!(workspace = ws.id, error = %e, "bad business week; using mon-fri 9-17");
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

fn pct(secs: i64, percent: i32) -> i64 {
    secs * i64::from(percent.clamp(1, 100)) / 100
}

/// The calendar and policy a ticket's clocks run on.
type Rules = (Calendar, entity::sla_policies::Model);

/// The rules of the ticket's current priority, if it has a policy.
async fn rules_for(w: &Work, t: &Ticket) -> AppResult<Option<Rules>> {
    let ws = store::workspaces::get(&w.tx, t.workspace_id).await?;
    let policy = store::sla::policy(&w.tx, t.workspace_id, &t.priority).await?;
    Ok(ws.zip(policy).map(|(ws, p)| (calendar(&ws, &p), p)))
}

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
    let first = (t.first_response_at.is_none() && !stopped(&t.status) && first_target > 0)
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
        .filter(|_| running(&t.status) && target > 0)
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
pub(crate) async fn start(w: &mut Work, mut t: Ticket) -> AppResult<Ticket> {
    t.resolution_since = Some(t.created_at);
    t.waiting_since = Some(t.created_at);
    let rules = rules_for(w, &t).await?;
    replan(w, &mut t, rules.as_ref()).await?;
    arm_unassigned_escalation(w, &t).await?;
    Ok(store::tickets::save(&w.tx, t).await?)
}

/// A ticket whose group is connected again: its SLA timers (dropped while it was read-only) are
/// armed again from its clocks, and those already due fire now.
pub(crate) async fn rearm(w: &mut Work, mut t: Ticket) -> AppResult<Ticket> {
    let rules = rules_for(w, &t).await?;
    replan(w, &mut t, rules.as_ref()).await?;
    arm_unassigned_escalation(w, &t).await?;
    Ok(store::tickets::save(&w.tx, t).await?)
}

/// After any change of a ticket ([`apply`]): pause, resume or stop the resolution clock, stop
/// the first-response clock once answered, recompute due times on a priority change, and run
/// the escalation rules a new priority triggers.
pub(crate) async fn on_change(
    w: &mut Work,
    before: &Ticket,
    after: Ticket,
    actor: Actor,
) -> AppResult<Ticket> {
    let mut t = after;
    let status_moved = running(&before.status) != running(&t.status)
        || stopped(&before.status) != stopped(&t.status);
    let waiting = |t: &Ticket| t.status == Status::Open.as_str() && t.assignee_id.is_none();
    let relevant = status_moved
        || before.priority != t.priority
        || before.first_response_at.is_none() != t.first_response_at.is_none()
        || waiting(before) != waiting(&t);
    if !relevant {
        return Ok(t);
    }
    let rules = rules_for(w, &t).await?;
    if running(&before.status) && !running(&t.status) {
        if let Some(since) = t.resolution_since.take() {
            // Without a policy the clock still keeps wall time, for a policy added later.
            t.resolution_used_secs += match &rules {
                Some((c, _)) => c.working_secs(since, w.now),
                None => (w.now - since).num_seconds().max(0),
            };
        }
    }
    if !running(&before.status) && running(&t.status) {
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
    let mut t = store::tickets::save(&w.tx, t).await?;
    if before.priority != t.priority && matches!(actor, Actor::User(_)) {
        if let Ok(p) = t.priority.parse::<Priority>() {
            // Boxed: rules may change the ticket again through `apply`, which calls this.
            t = Box::pin(run_rules(w, t, Happened::PriorityBecame(p), None)).await?;
        }
    }
    Ok(t)
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
            t.first_response_at.is_none() && !stopped(&t.status)
        }
        _ => running(&t.status) && t.resolution_since.is_some(),
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
    let summary = summarize(&w.tx, &t, w.now).await?;
    let left = (due - w.now).num_seconds();
    let notice = Notice::SlaAlert {
        ticket: summary,
        kind: alert,
        left: cal::human_secs(left.max(0)),
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

async fn staff_post(w: &mut Work, workspace: i64, notice: Notice) -> AppResult<bool> {
    let Some(staff) = store::workspaces::get(&w.tx, workspace)
        .await?
        .and_then(|ws| ws.staff_chat_id)
    else {
        return Ok(false);
    };
    w.post(staff, notice).await?;
    Ok(true)
}

// ----- escalation -------------------------------------------------------------------------------

async fn rules_of(w: &Work, workspace: i64) -> AppResult<Vec<(i64, Rule)>> {
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

/// Runs the rules an event outside this module sets off (a tag added).
pub(crate) async fn trigger(w: &mut Work, t: Ticket, happened: Happened<'_>) -> AppResult<Ticket> {
    Box::pin(run_rules(w, t, happened, None)).await
}

/// A new ticket: its customer's tags may set rules off.
pub(crate) async fn on_created(w: &mut Work, mut t: Ticket) -> AppResult<Ticket> {
    let tags = store::tags::of(
        &w.tx,
        t.workspace_id,
        store::tags::On::Customer(t.customer_id),
    )
    .await?;
    for tag in &tags {
        t = trigger(w, t, Happened::CustomerTagged(tag)).await?;
    }
    Ok(t)
}

/// Runs every rule whose trigger matches, in order. Actions run as the system, so a priority
/// they raise does not set off priority rules again.
async fn run_rules(
    w: &mut Work,
    mut t: Ticket,
    happened: Happened<'_>,
    reason: Option<&str>,
) -> AppResult<Ticket> {
    let rules = rules_of(w, t.workspace_id).await?;
    for (_, rule) in rules.iter().filter(|(_, r)| r.trigger.matches(happened)) {
        t = act(w, t, rule, reason).await?;
    }
    Ok(t)
}

async fn act(w: &mut Work, t: Ticket, rule: &Rule, reason: Option<&str>) -> AppResult<Ticket> {
    let why = reason
        .map(str::to_owned)
        .unwrap_or_else(|| rule.to_string());
    w.audit(Entry {
        workspace_id: t.workspace_id,
        ticket_id: Some(t.id),
        actor: Actor::System,
        action: "escalation.rule",
        old_value: None,
        new_value: Some(rule.to_string()),
        note: reason.map(str::to_owned),
    })
    .await?;
    let system = Actor::System;
    let t = match &rule.action {
        Action::Post => {
            let summary = summarize(&w.tx, &t, w.now).await?;
            staff_post(
                w,
                t.workspace_id,
                Notice::Escalated {
                    ticket: summary,
                    reason: why,
                    by: None,
                    admins: Vec::new(),
                },
            )
            .await?;
            t
        }
        Action::MentionAdmins => {
            let admins = admin_names(w, t.workspace_id).await?;
            let summary = summarize(&w.tx, &t, w.now).await?;
            let notice = Notice::Escalated {
                ticket: summary,
                reason: why,
                by: None,
                admins: admins.iter().map(|(_, n)| n.clone()).collect(),
            };
            // Without a staff chat, each Admin is told privately instead.
            if !staff_post(w, t.workspace_id, notice.clone()).await? {
                for (id, _) in admins {
                    w.tell(id, notice.clone()).await?;
                }
            }
            t
        }
        Action::ReassignSkill(skill) => {
            let Some(ws) = store::workspaces::get(&w.tx, t.workspace_id).await? else {
                return Ok(t);
            };
            let candidates = super::routing::candidates(&w.tx, &ws, w.now).await?;
            let req = Request {
                strategy: Strategy::Skill,
                skill: Some(skill.as_str()),
                skill_fallback: false,
            };
            match routing_rules::choose(&candidates, &req) {
                Ok(agent) if t.assignee_id != Some(agent.0) => {
                    let mut t = t;
                    t.skill = Some(skill.clone());
                    let t = store::tickets::save(&w.tx, t).await?;
                    assign(w, t, agent, &why).await?
                }
                _ => {
                    tracing::info!(ticket = t.id, skill, "escalation: nobody with the skill");
                    t
                }
            }
        }
        Action::ReassignAgent(who) => {
            let id = match who.parse::<i64>() {
                Ok(id) => Some(id),
                Err(_) => store::users::by_username(&w.tx, who).await?.map(|u| u.id),
            };
            let member = match id {
                Some(id) => store::team::member(&w.tx, t.workspace_id, id).await?,
                None => None,
            };
            match member {
                Some(m) if t.assignee_id != Some(m.user_id) => {
                    assign(w, t, UserId(m.user_id), &why).await?
                }
                _ => t,
            }
        }
        Action::RaisePriority => {
            let p: Priority = t.priority.parse().unwrap_or_default();
            match Priority::ALL.iter().find(|q| **q > p) {
                Some(next) => {
                    let cmd = Command::SetPriority {
                        to: *next,
                        by: UserId(0),
                    };
                    match apply(w, t.clone(), &cmd, system, ApplyOpts::default()).await? {
                        Ok((t, _)) => t,
                        Err(_) => t,
                    }
                }
                None => t,
            }
        }
        Action::RaiseLevel => raise_level(w, t, system, None).await?,
    };
    Ok(t)
}

async fn assign(w: &mut Work, t: Ticket, to: UserId, note: &str) -> AppResult<Ticket> {
    let cmd = Command::Assign {
        to,
        by: to,
        note: Some(format!("Escalation: {note}")),
    };
    Ok(
        match apply(w, t.clone(), &cmd, Actor::System, ApplyOpts::default()).await? {
            Ok((t, _)) => t,
            Err(_) => t,
        },
    )
}

async fn admin_names(w: &Work, workspace: i64) -> AppResult<Vec<(i64, String)>> {
    Ok(store::users::members_of(&w.tx, workspace)
        .await?
        .into_iter()
        .filter(|(m, _)| {
            m.role
                .parse::<Role>()
                .is_ok_and(|r| matches!(r, Role::Admin | Role::Owner))
        })
        .map(|(m, u)| {
            let name = match u.as_ref().and_then(|u| u.username.clone()) {
                Some(n) => format!("@{n}"),
                None => display_name(u.as_ref(), m.user_id),
            };
            (m.user_id, name)
        })
        .collect())
}

async fn raise_level(
    w: &mut Work,
    mut t: Ticket,
    actor: Actor,
    reason: Option<&str>,
) -> AppResult<Ticket> {
    let old = t.escalation_level;
    t.escalation_level += 1;
    t.updated_at = w.now;
    let t = store::tickets::save(&w.tx, t).await?;
    w.audit(Entry {
        workspace_id: t.workspace_id,
        ticket_id: Some(t.id),
        actor,
        action: "ticket.escalation_level",
        old_value: Some(old.to_string()),
        new_value: Some(t.escalation_level.to_string()),
        note: reason.map(str::to_owned),
    })
    .await?;
    Ok(t)
}

/// Arms the next "unassigned for N minutes" rule of a waiting ticket.
async fn arm_unassigned_escalation(w: &mut Work, t: &Ticket) -> AppResult<()> {
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

/// The "unassigned for N minutes" timer fired: run the rules whose threshold has passed since
/// the last run in this wait, then arm the next one.
pub async fn unassigned_too_long(w: &mut Work, ticket: i64) -> AppResult<()> {
    let Some(mut t) = store::tickets::get_locked(&w.tx, ticket).await? else {
        return Ok(());
    };
    let Some(since) = t
        .waiting_since
        .filter(|_| t.status == Status::Open.as_str() && t.assignee_id.is_none())
    else {
        return Ok(());
    };
    let waited = u32::try_from((w.now - since).num_minutes()).unwrap_or(0);
    let done = u32::try_from(t.escalated_unassigned).unwrap_or(0);
    if waited <= done {
        return arm_unassigned_escalation(w, &t).await;
    }
    t.escalated_unassigned = i32::try_from(waited).unwrap_or(i32::MAX);
    let t = store::tickets::save(&w.tx, t).await?;
    let t = run_rules(
        w,
        t,
        Happened::Unassigned {
            after: done,
            upto: waited,
        },
        None,
    )
    .await?;
    arm_unassigned_escalation(w, &t).await
}

/// `/escalate [reason]`: level + 1, a staff-chat post, and the rules whose trigger is manual.
pub async fn escalate(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    chat: i64,
    thread: i32,
    reason: Option<String>,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let Some((t, _)) = super::tickets::agent_ticket(&mut w, caller, chat, thread).await? else {
        return w.commit().await;
    };
    let me = Actor::User(UserId(caller.profile.id));
    let t = raise_level(&mut w, t, me, reason.as_deref()).await?;
    let by = display_name(
        store::users::get(&w.tx, caller.profile.id).await?.as_ref(),
        caller.profile.id,
    );
    let summary = summarize(&w.tx, &t, w.now).await?;
    staff_post(
        &mut w,
        t.workspace_id,
        Notice::Escalated {
            ticket: summary,
            reason: reason.clone().unwrap_or_default(),
            by: Some(by),
            admins: Vec::new(),
        },
    )
    .await?;
    let t = run_rules(&mut w, t, Happened::Manual, reason.as_deref()).await?;
    w.reply(
        caller,
        Notice::EscalationRaised {
            number: t.number,
            level: t.escalation_level,
        },
    )
    .await?;
    w.commit().await
}

// ----- summaries --------------------------------------------------------------------------------

/// The SLA lines of a ticket for the card and `/info`, relative to `now`.
pub async fn lines<C: sea_orm::ConnectionTrait>(
    db: &C,
    t: &Ticket,
    now: DateTime<Utc>,
) -> AppResult<(Option<SlaLine>, Option<SlaLine>)> {
    let Some(ws) = store::workspaces::get(db, t.workspace_id).await? else {
        return Ok((None, None));
    };
    let tz = cal::parse_tz(&ws.time_zone).unwrap_or(chrono_tz::UTC);
    let fmt = |d: DateTime<Utc>| d.with_timezone(&tz).format("%a %d %b %H:%M %Z").to_string();
    let line = |due: DateTime<Utc>, breached: bool| SlaLine {
        due: fmt(due),
        left: cal::human_secs((due - now).num_seconds()),
        breached: breached || due <= now,
        paused: false,
    };
    let first = t
        .first_response_due
        .map(|d| line(d, t.sla_fired & Fired::FIRST_BREACH != 0));
    let resolution = match t.resolution_due {
        Some(d) => Some(line(d, t.sla_fired & Fired::RESOLUTION_BREACH != 0)),
        None if t.status == Status::Pending.as_str() => {
            match store::sla::policy(db, t.workspace_id, &t.priority).await? {
                Some(p) => {
                    let left = i64::from(p.resolution_minutes) * 60 - t.resolution_used_secs;
                    Some(SlaLine {
                        due: String::new(),
                        left: cal::human_secs(left),
                        breached: t.sla_fired & Fired::RESOLUTION_BREACH != 0 || left <= 0,
                        paused: true,
                    })
                }
                None => None,
            }
        }
        None => None,
    };
    Ok((first, resolution))
}

// ----- reminders --------------------------------------------------------------------------------

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
    let Some((t, ws)) = super::tickets::agent_ticket(&mut w, caller, chat, thread).await? else {
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
    let tz = cal::parse_tz(&ws.time_zone).unwrap_or(chrono_tz::UTC);
    w.reply(
        caller,
        Notice::ReminderSet {
            number: t.number,
            due: due
                .with_timezone(&tz)
                .format("%a %d %b %H:%M %Z")
                .to_string(),
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
    let summary = summarize(&w.tx, &t, w.now).await?;
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
) -> AppResult<Vec<super::effects::ReminderRow>> {
    let tz = cal::parse_tz(&ws.time_zone).unwrap_or(chrono_tz::UTC);
    let mut out = Vec::new();
    for r in store::sla::pending_reminders(db, ws.id, user).await? {
        let number = store::tickets::get(db, r.ticket_id)
            .await?
            .map_or(0, |t| t.number);
        out.push(super::effects::ReminderRow {
            id: r.id,
            number,
            due: r
                .due_at
                .with_timezone(&tz)
                .format("%a %d %b %H:%M %Z")
                .to_string(),
            text: r.text,
        });
    }
    Ok(out)
}

// ----- settings ---------------------------------------------------------------------------------

/// A change on the SLA policies screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlaChange {
    Show,
    /// The typed `<first response min> <resolution min> [24/7|business] [warn%]`.
    Set(Priority, String),
    Clear(Priority),
}

fn parse_targets(text: &str) -> Result<Targets, String> {
    let usage = "Send: <first response minutes> <resolution minutes> [24/7|business] [warn %], for example \"30 240 business 80\".";
    let parts: Vec<&str> = text.split_whitespace().collect();
    let minutes = |s: Option<&&str>| {
        s.and_then(|s| s.parse::<i32>().ok())
            .filter(|m| (1..=525_600).contains(m))
    };
    let (Some(first), Some(resolution)) = (minutes(parts.first()), minutes(parts.get(1))) else {
        return Err(usage.into());
    };
    let mut business_hours = false;
    let mut warn_percent = 80;
    for p in parts.iter().skip(2) {
        match p.to_lowercase().trim_end_matches('%') {
            "24/7" | "247" | "always" => business_hours = false,
            "business" | "bh" | "business_hours" => business_hours = true,
            n => match n.parse::<i32>() {
                Ok(n) if (1..=99).contains(&n) => warn_percent = n,
                _ => return Err(usage.into()),
            },
        }
    }
    Ok(Targets {
        first_response_minutes: first,
        resolution_minutes: resolution,
        business_hours,
        warn_percent,
    })
}

fn describe_targets(t: &Targets) -> String {
    format!(
        "{} {} {} {}%",
        t.first_response_minutes,
        t.resolution_minutes,
        if t.business_hours { "business" } else { "24/7" },
        t.warn_percent
    )
}

/// `/settings` → SLA policies.
pub async fn sla_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: SlaChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(true);
    };
    let me = caller.profile.id;
    match change {
        SlaChange::Show => {}
        SlaChange::Set(p, text) => match parse_targets(&text) {
            Ok(targets) => {
                let old = store::sla::policy(&w.tx, ws.id, p.as_str())
                    .await?
                    .map(|o| {
                        describe_targets(&Targets {
                            first_response_minutes: o.first_response_minutes,
                            resolution_minutes: o.resolution_minutes,
                            business_hours: o.business_hours,
                            warn_percent: o.warn_percent,
                        })
                    });
                store::sla::set_policy(&w.tx, ws.id, p.as_str(), targets, w.now).await?;
                let mut e = member_audit(
                    ws.id,
                    me,
                    "settings.sla_policy",
                    old,
                    Some(describe_targets(&targets)),
                );
                e.note = Some(p.as_str().to_owned());
                w.audit(e).await?;
            }
            Err(reason) => return refuse_input(w, caller, reason).await,
        },
        SlaChange::Clear(p) => {
            if store::sla::clear_policy(&w.tx, ws.id, p.as_str()).await? {
                let mut e = member_audit(ws.id, me, "settings.sla_policy", None, None);
                e.note = Some(format!("{} removed", p.as_str()));
                w.audit(e).await?;
            }
        }
    }
    let policies = store::sla::policies(&w.tx, ws.id).await?;
    let rows = Priority::ALL
        .iter()
        .rev()
        .map(|p| PolicyRow {
            priority: p.as_str().to_owned(),
            targets: policies.iter().find(|x| x.priority == p.as_str()).map(|x| {
                (
                    x.first_response_minutes,
                    x.resolution_minutes,
                    x.business_hours,
                    x.warn_percent,
                )
            }),
        })
        .collect();
    w.show(caller, screen, Notice::SlaSettings { rows }).await?;
    w.commit().await?;
    Ok(true)
}

/// A change on the Business hours screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoursChange {
    Show,
    TimeZone(String),
    Week(String),
    AddHoliday(String),
    DeleteHoliday(i64),
}

/// `/settings` → Business hours: time zone, weekly schedule, holidays.
pub async fn hours_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: HoursChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    use store::sla::CalendarField as F;
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(true);
    };
    let mut holidays: Vec<String> = ws
        .holidays
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .collect();
    let update: Result<Option<(F, &'static str, String, String)>, String> = match change {
        HoursChange::Show => Ok(None),
        HoursChange::TimeZone(text) => cal::parse_tz(text.trim()).map(|tz| {
            Some((
                F::TimeZone,
                "settings.time_zone",
                ws.time_zone.clone(),
                tz.name().to_owned(),
            ))
        }),
        HoursChange::Week(text) => cal::read_week(&text).map(|week| {
            Some((
                F::Week,
                "settings.business_week",
                ws.business_week.clone(),
                cal::format_week(&week),
            ))
        }),
        HoursChange::AddHoliday(_) if holidays.len() >= MAX_HOLIDAYS => Err(format!(
            "A workspace has at most {MAX_HOLIDAYS} holidays: delete past ones first."
        )),
        HoursChange::AddHoliday(text) => cal::parse_date(text.trim()).map(|d| {
            let d = d.format("%Y-%m-%d").to_string();
            if !holidays.contains(&d) {
                holidays.push(d);
            }
            holidays.sort();
            Some((
                F::Holidays,
                "settings.holidays",
                ws.holidays.clone(),
                holidays.join(","),
            ))
        }),
        HoursChange::DeleteHoliday(ymd) => {
            let d = format!(
                "{:04}-{:02}-{:02}",
                ymd / 10_000,
                ymd / 100 % 100,
                ymd % 100
            );
            holidays.retain(|h| *h != d);
            Ok(Some((
                F::Holidays,
                "settings.holidays",
                ws.holidays.clone(),
                holidays.join(","),
            )))
        }
    };
    match update {
        Ok(Some((field, action, old, new))) if old != new => {
            store::sla::set_calendar(&w.tx, ws.id, field, &new).await?;
            w.audit(member_audit(
                ws.id,
                caller.profile.id,
                action,
                Some(old),
                Some(new),
            ))
            .await?;
        }
        Ok(_) => {}
        Err(reason) => return refuse_input(w, caller, reason).await,
    }
    let ws = store::workspaces::get(&w.tx, ws.id).await?.unwrap_or(ws);
    let holidays = ws
        .holidays
        .split(',')
        .filter_map(|d| cal::parse_date(d.trim()).ok())
        .map(|d| HolidayRow {
            label: d.format("%Y-%m-%d").to_string(),
            ymd: d.format("%Y%m%d").to_string().parse().unwrap_or(0),
        })
        .collect();
    w.show(
        caller,
        screen,
        Notice::HoursSettings {
            time_zone: ws.time_zone.clone(),
            week: ws.business_week.clone(),
            holidays,
        },
    )
    .await?;
    w.commit().await?;
    Ok(true)
}

/// A change on the Escalation screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscalationChange {
    Show,
    Add(String),
    Delete(i64),
}

/// `/settings` → Escalation: the rules, added as one line of text each.
pub async fn escalation_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: EscalationChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(true);
    };
    let me = caller.profile.id;
    match change {
        EscalationChange::Show => {}
        EscalationChange::Add(_)
            if store::sla::rules(&w.tx, ws.id).await?.len() >= MAX_ESCALATION_RULES =>
        {
            let reason = format!(
                "A workspace has at most {MAX_ESCALATION_RULES} escalation rules: delete one first."
            );
            return refuse_input(w, caller, reason).await;
        }
        EscalationChange::Add(text) => match escalation::parse_rule(&text) {
            Ok(rule) => {
                store::sla::add_rule(
                    &w.tx,
                    ws.id,
                    rule.trigger.parts(),
                    rule.action.parts(),
                    w.now,
                )
                .await?;
                w.audit(member_audit(
                    ws.id,
                    me,
                    "settings.escalation_rule_added",
                    None,
                    Some(rule.to_string()),
                ))
                .await?;
            }
            Err(reason) => return refuse_input(w, caller, reason).await,
        },
        EscalationChange::Delete(id) => {
            if let Some(old) = store::sla::delete_rule(&w.tx, ws.id, id).await? {
                let text = escalation::from_parts(
                    &old.trigger,
                    old.trigger_arg.as_deref(),
                    &old.action,
                    old.action_arg.as_deref(),
                )
                .map_or_else(|| old.trigger.clone(), |r| r.to_string());
                w.audit(member_audit(
                    ws.id,
                    me,
                    "settings.escalation_rule_removed",
                    Some(text),
                    None,
                ))
                .await?;
            }
        }
    }
    let rules = rules_of(&w, ws.id)
        .await?
        .into_iter()
        .map(|(id, r)| EscalationRow {
            id,
            text: r.to_string(),
        })
        .collect();
    w.show(caller, screen, Notice::EscalationSettings { rules })
        .await?;
    w.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_read_minutes_hours_days_and_combinations() {
        assert_eq!(parse_delay("30m"), Some(Duration::minutes(30)));
        assert_eq!(parse_delay("2h"), Some(Duration::hours(2)));
        assert_eq!(parse_delay("1d"), Some(Duration::days(1)));
        assert_eq!(parse_delay("1h30m"), Some(Duration::minutes(90)));
        assert_eq!(parse_delay("45"), Some(Duration::minutes(45)));
        assert_eq!(parse_delay("1W"), Some(Duration::days(7)));
        for bad in [
            "",
            "0m",
            "m",
            "3x",
            "30m5",
            "-5m",
            "400d",
            "99999999999999999999h",
            "9223372036854775807m1m",
            "9223372036854775807m",
            "1m9223372036854775807m",
        ] {
            assert_eq!(parse_delay(bad), None, "{bad}");
        }
    }

    #[test]
    fn targets_parse_with_defaults_and_refuse_nonsense() {
        assert_eq!(
            parse_targets("30 240"),
            Ok(Targets {
                first_response_minutes: 30,
                resolution_minutes: 240,
                business_hours: false,
                warn_percent: 80
            })
        );
        assert_eq!(
            parse_targets("60 480 business 75%"),
            Ok(Targets {
                first_response_minutes: 60,
                resolution_minutes: 480,
                business_hours: true,
                warn_percent: 75
            })
        );
        for bad in ["", "30", "x 10", "30 0", "30 240 sometimes", "30 240 100"] {
            assert!(parse_targets(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_targets_or_delay_text_is_read_or_refused_within_bounds(
            text in proptest::prop_oneof![
                proptest::arbitrary::any::<String>(),
                "[0-9]{0,12} [0-9]{0,12} ?(business|24/7|bh)? ?[0-9]{0,3}%?",
                "[0-9mhdw]{0,30}",
            ],
        ) {
            if let Ok(t) = parse_targets(&text) {
                proptest::prop_assert!((1..=525_600).contains(&t.first_response_minutes));
                proptest::prop_assert!((1..=525_600).contains(&t.resolution_minutes));
                proptest::prop_assert!((1..=99).contains(&t.warn_percent));
            }
            if let Some(d) = parse_delay(&text) {
                proptest::prop_assert!(d > Duration::zero() && d <= Duration::days(365));
            }
        }
    }
}
