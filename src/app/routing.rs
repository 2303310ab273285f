//! Routing use cases (SPEC §5): handing waiting tickets to agents, agents' availability, the
//! queue views, the routing settings screens, and intake categories.
//!
//! Every assignment goes through [`drain`], which runs inside the transaction of whatever made
//! room or work (a new ticket, a resolve, an agent back from away, a seat filled, a setting
//! changed): use cases call [`Work::reroute`] and [`Work::commit`] drains before committing. So
//! the backlog moves on the events that free capacity, never on a polling loop, and the capacity
//! check and the assignment share one transaction under the workspace row's lock — two tickets
//! arriving together cannot both take an agent's last slot.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::tickets::Model as Ticket;
use entity::workspaces::Model as Workspace;

use super::effects::{
    AgentLoad, CategoryRow, KeywordRow, Notice, PromptKind, QueueTicket, RoutingView,
};
use super::team::{audit as member_audit, begin, begin_for};
use super::tickets::{apply, summarize, ApplyOpts};
use super::{current_workspace, display_name, refuse_input, AppResult, Caller, Ctx, Origin, Work};
use crate::domain::duration;
use crate::domain::ids::UserId;
use crate::domain::permissions::{self, Perm};
use crate::domain::routing::{self, Candidate, Strategy};
use crate::domain::ticket::{Actor, Command, Priority, Status};
use crate::store::{self, audit::Entry, timers::TimerKind};

/// Capacities offered on an agent's settings screen.
pub const CAPACITY_CHOICES: [u16; 8] = [1, 2, 3, 5, 10, 15, 20, 30];
/// The largest capacity an agent can have.
const MAX_CAPACITY: u16 = 30;
/// Unassigned-alert delays offered in the routing settings (0 = off); Custom… takes any other.
pub const ALERT_CHOICES: [u16; 5] = [0, 15, 30, 60, 120];
/// Intake waits offered as buttons (minutes); Custom… takes any other.
pub const INTAKE_TIMEOUT_CHOICES: [u16; 4] = [2, 5, 10, 30];
/// Skills one agent may have: plenty for routing, and a bound on what one message can store.
const MAX_SKILLS: usize = 20;
/// Categories and keyword rules of one workspace, together: every new ticket's title is matched
/// against the rules, and categories become buttons, so both stay bounded.
const MAX_INTAKE_RULES: usize = 50;

/// The team as routing sees it, with names for the screens.
async fn team<C: sea_orm::ConnectionTrait>(
    db: &C,
    ws: &Workspace,
    now: DateTime<Utc>,
) -> AppResult<Vec<(Candidate, AgentLoad)>> {
    let loads = store::routing::loads(db, ws.id).await?;
    let toggles = store::team::toggles_of(ws);
    let mut out = Vec::new();
    for (m, u) in store::users::members_of(db, ws.id).await? {
        let may_work = super::team::subject_of(db, &m, now)
            .await?
            .is_some_and(|s| permissions::check(&s, Perm::WorkTickets, &toggles).is_ok());
        let skills = parse_skills(&m.skills);
        let load = loads.get(&m.user_id).copied().unwrap_or(0);
        let max_open = u32::try_from(m.max_open).unwrap_or(0);
        out.push((
            Candidate {
                id: UserId(m.user_id),
                active: may_work && m.available,
                load,
                max_open,
                skills: skills.clone(),
                last_turn: m.last_turn,
            },
            AgentLoad {
                user_id: m.user_id,
                name: display_name(u.as_ref(), m.user_id),
                load,
                max_open,
                available: m.available,
                seat_active: may_work,
                skills,
            },
        ));
    }
    Ok(out)
}

/// Routing's view of the team, for escalation's "reassign to a skill group".
pub(crate) async fn candidates<C: sea_orm::ConnectionTrait>(
    db: &C,
    ws: &Workspace,
    now: DateTime<Utc>,
) -> AppResult<Vec<Candidate>> {
    Ok(team(db, ws, now)
        .await?
        .into_iter()
        .map(|(c, _)| c)
        .collect())
}

/// Agents for pickers (the card's Assign… menu, `/queue`): everyone who may work tickets, the
/// eligible ones first.
pub async fn agent_choices<C: sea_orm::ConnectionTrait>(
    db: &C,
    workspace: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<AgentLoad>> {
    let Some(ws) = store::workspaces::get(db, workspace).await? else {
        return Ok(Vec::new());
    };
    let mut agents: Vec<(bool, AgentLoad)> = team(db, &ws, now)
        .await?
        .into_iter()
        .filter(|(_, a)| a.seat_active)
        .map(|(c, a)| (c.is_eligible(), a))
        .collect();
    agents.sort_by_key(|(eligible, a)| (!eligible, a.load, a.user_id));
    Ok(agents.into_iter().map(|(_, a)| a).collect())
}

/// Lower-cased, trimmed, de-duplicated skill names from "Billing, refunds ,billing".
pub fn parse_skills(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in s.split(',') {
        let skill: String = part.trim().to_lowercase().chars().take(32).collect();
        if !skill.is_empty() && !out.contains(&skill) {
            out.push(skill);
        }
    }
    out
}

fn strategy_of(s: &str) -> Strategy {
    s.parse().unwrap_or_default()
}

/// Hands waiting tickets of the workspace to eligible agents, urgent first, then oldest. Runs in
/// the caller's transaction (from [`Work::commit`]) with the workspace row locked.
pub async fn drain(w: &mut Work, workspace: i64) -> AppResult<()> {
    let Some(ws) = store::workspaces::lock(&w.tx, workspace).await? else {
        return Ok(());
    };
    if ws.routing_paused {
        return Ok(());
    }
    let default = strategy_of(&ws.routing_strategy);
    let overrides: HashMap<i64, Strategy> = store::routing::groups_of(&w.tx, ws.id)
        .await?
        .into_iter()
        .map(|g| {
            let s = g.routing_strategy.as_deref().map_or(default, strategy_of);
            (g.chat_id, s)
        })
        .collect();
    if default == Strategy::Manual && overrides.values().all(|s| *s == Strategy::Manual) {
        return Ok(());
    }
    let waiting = store::routing::waiting(&w.tx, ws.id, w.now).await?;
    if waiting.is_empty() {
        return Ok(());
    }
    let mut order: Vec<(i64, Priority, DateTime<Utc>)> = waiting
        .iter()
        .map(|t| (t.id, t.priority.parse().unwrap_or_default(), t.created_at))
        .collect();
    routing::backlog_order(&mut order);
    let by_id: HashMap<i64, &Ticket> = waiting.iter().map(|t| (t.id, t)).collect();
    let requests: Vec<(i64, Option<String>, Strategy)> = order
        .iter()
        .filter_map(|(id, _, _)| by_id.get(id))
        .map(|t| {
            let strategy = overrides.get(&t.chat_id).copied().unwrap_or(default);
            (t.id, t.skill.clone(), strategy)
        })
        .collect();
    let candidates: Vec<Candidate> = team(&w.tx, &ws, w.now)
        .await?
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let pairs = routing::plan_each(&candidates, &requests, ws.skill_fallback, ws.next_turn);
    if pairs.is_empty() {
        return Ok(());
    }
    let mut turn = ws.next_turn;
    for (ticket, agent) in &pairs {
        store::routing::set_last_turn(&w.tx, ws.id, agent.0, turn).await?;
        turn = turn.saturating_add(1);
        let Some(t) = store::tickets::get_locked(&w.tx, *ticket).await? else {
            continue;
        };
        let cmd = Command::Assign {
            to: *agent,
            by: *agent,
            note: None,
        };
        if let Err(e) = apply(w, t, &cmd, Actor::System, ApplyOpts::default()).await? {
            tracing::warn!(ticket, error = %e, "routing could not assign");
        }
    }
    store::routing::set_next_turn(&w.tx, ws.id, turn).await?;
    Ok(())
}

/// What [`apply`] owes routing after a ticket changed: notifications for a new assignee, the
/// unassigned-alert timer, and a drain when the change made room or made a waiting ticket.
pub(crate) async fn after_change(
    w: &mut Work,
    before: &Ticket,
    after: &Ticket,
    actor: Actor,
    note: Option<&str>,
) -> AppResult<()> {
    let waiting = |t: &Ticket| t.status == Status::Open.as_str() && t.assignee_id.is_none();
    let holds = |t: &Ticket| {
        t.assignee_id
            .filter(|_| store::routing::LOAD_STATUSES.contains(&t.status.as_str()))
    };
    if waiting(after) && !waiting(before) {
        arm_unassigned_alert(w, after).await?;
        w.reroute(after.workspace_id);
    }
    if waiting(before) && !waiting(after) {
        w.cancel_timer(TimerKind::UnassignedAlert, after.id).await?;
    }
    if let Some(freed) = holds(before) {
        if holds(after) != Some(freed) {
            w.reroute(after.workspace_id);
        }
    }
    if let Some(to) = after.assignee_id.filter(|a| before.assignee_id != Some(*a)) {
        notify_assignment(w, after, to, actor, note).await?;
    }
    Ok(())
}

async fn notify_assignment(
    w: &mut Work,
    t: &Ticket,
    to: i64,
    actor: Actor,
    note: Option<&str>,
) -> AppResult<()> {
    let by = match actor {
        Actor::User(u) if u.0 == to => return staff_line(w, t, to, Some(u.0)).await,
        Actor::User(u) => Some(display_name(
            store::users::get(&w.tx, u.0).await?.as_ref(),
            u.0,
        )),
        Actor::System => None,
    };
    let summary = summarize(&w.tx, t, w.now).await?;
    w.tell(
        to,
        Notice::AssignedToYou {
            ticket: summary,
            by,
            note: note.map(str::to_owned),
        },
    )
    .await?;
    let by_id = match actor {
        Actor::User(u) => Some(u.0),
        Actor::System => None,
    };
    staff_line(w, t, to, by_id).await
}

/// One line in the staff chat per assignment.
async fn staff_line(w: &mut Work, t: &Ticket, to: i64, by: Option<i64>) -> AppResult<()> {
    let Some(staff) = store::workspaces::get(&w.tx, t.workspace_id)
        .await?
        .and_then(|ws| ws.staff_chat_id)
    else {
        return Ok(());
    };
    let name = |u: Option<entity::users::Model>, id: i64| display_name(u.as_ref(), id);
    let to_name = name(store::users::get(&w.tx, to).await?, to);
    let by_name = match by {
        Some(b) if b == to => Some(to_name.clone()),
        Some(b) => Some(name(store::users::get(&w.tx, b).await?, b)),
        None => None,
    };
    w.post(
        staff,
        Notice::StaffAssigned {
            number: t.number,
            subject: t.subject.clone(),
            to: to_name,
            by: by_name,
            claimed: by == Some(to),
            chat_id: t.chat_id,
            thread_id: t.thread_id,
        },
    )
    .await
}

/// Arms the staff-chat announcement for a ticket that starts waiting.
pub(crate) async fn arm_unassigned_alert(w: &mut Work, t: &Ticket) -> AppResult<()> {
    let minutes = store::workspaces::get(&w.tx, t.workspace_id)
        .await?
        .map_or(0, |ws| ws.unassigned_alert_minutes);
    if minutes > 0 {
        w.set_timer(
            TimerKind::UnassignedAlert,
            t.id,
            w.now + Duration::minutes(minutes.into()),
        )
        .await?;
    }
    Ok(())
}

/// The unassigned-alert timer fired: announce the ticket once if it is still waiting.
pub async fn unassigned_alert(w: &mut Work, ticket: i64) -> AppResult<()> {
    let Some(mut t) = store::tickets::get_locked(&w.tx, ticket).await? else {
        return Ok(());
    };
    if t.status != Status::Open.as_str() || t.assignee_id.is_some() || t.unassigned_alerted {
        return Ok(());
    }
    let Some(ws) = store::workspaces::get(&w.tx, t.workspace_id).await? else {
        return Ok(());
    };
    t.unassigned_alerted = true;
    let t = store::tickets::save(&w.tx, t).await?;
    w.audit(Entry {
        workspace_id: t.workspace_id,
        ticket_id: Some(t.id),
        actor: Actor::System,
        action: "ticket.unassigned_alert",
        old_value: None,
        new_value: Some(format!("{} min", ws.unassigned_alert_minutes)),
        note: None,
    })
    .await?;
    if let Some(staff) = ws.staff_chat_id {
        let summary = summarize(&w.tx, &t, w.now).await?;
        let minutes = ws.unassigned_alert_minutes;
        w.post(
            staff,
            Notice::UnassignedAlert {
                ticket: summary,
                minutes,
            },
        )
        .await?;
    }
    Ok(())
}

// ----- intake ---------------------------------------------------------------------------------

/// A new ticket: a keyword rule on the title gives it a skill; with categories configured, the
/// customer is asked to pick one and routing waits for the pick (up to the intake timeout).
pub(crate) async fn intake(w: &mut Work, mut t: Ticket) -> AppResult<Ticket> {
    let Some(ws) = store::workspaces::get(&w.tx, t.workspace_id).await? else {
        return Ok(t);
    };
    let title = t.subject.to_lowercase();
    let rules = store::routing::keyword_rules(&w.tx, ws.id).await?;
    if let Some(rule) = rules
        .iter()
        .find(|r| !r.keyword.is_empty() && title.contains(&r.keyword.to_lowercase()))
    {
        t.skill = Some(rule.skill.clone());
    }
    let categories = store::routing::categories(&w.tx, ws.id).await?;
    if !categories.is_empty() {
        let until = w.now + Duration::minutes(ws.intake_timeout_minutes.max(0).into());
        t.intake_until = Some(until);
        w.set_timer(TimerKind::IntakeTimeout, t.id, until).await?;
        w.effect(super::effects::Effect::Send {
            chat: t.chat_id,
            thread: Some(t.thread_id),
            reply_to: None,
            notice: Notice::IntakeQuestion {
                ticket: t.id,
                categories: categories.iter().map(|c| (c.id, c.name.clone())).collect(),
            },
        })
        .await?;
    }
    let t = store::tickets::save(&w.tx, t).await?;
    arm_unassigned_alert(w, &t).await?;
    w.reroute(t.workspace_id);
    Ok(t)
}

/// The customer's nobody-picked wait is over: route without a category.
pub async fn intake_timeout(w: &mut Work, ticket: i64) -> AppResult<()> {
    let Some(mut t) = store::tickets::get_locked(&w.tx, ticket).await? else {
        return Ok(());
    };
    if t.intake_until.is_some() {
        t.intake_until = None;
        let t = store::tickets::save(&w.tx, t).await?;
        w.reroute(t.workspace_id);
    }
    Ok(())
}

/// The customer picked a category: it sets the ticket's skill and priority and (re)routes it if
/// nobody has it yet. Only the ticket's customer may pick, once, while routing waits for it.
pub async fn pick_category(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    ticket: i64,
    category: i64,
    message: Option<(i64, i32)>,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let Some(t) = store::tickets::get_locked(&w.tx, ticket).await? else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return w.commit().await;
    };
    if t.customer_id != caller.profile.id {
        w.reply(caller, Notice::IntakeOnlyCustomer).await?;
        return w.commit().await;
    }
    // The pick decides routing only while routing waits for it: once picked, timed out or the
    // group gone, an old (or forged) button changes nothing.
    if t.intake_until.is_none() || !store::tickets::is_live(&w.tx, &t).await? {
        w.reply(caller, Notice::ButtonExpired).await?;
        return w.commit().await;
    }
    let Some(cat) = store::routing::category(&w.tx, category)
        .await?
        .filter(|c| c.workspace_id == t.workspace_id)
    else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return w.commit().await;
    };
    let before = t.clone();
    let mut t = t;
    t.category_id = Some(cat.id);
    t.skill = cat.skill.clone();
    t.intake_until = None;
    let t = store::tickets::save(&w.tx, t).await?;
    w.cancel_timer(TimerKind::IntakeTimeout, t.id).await?;
    w.audit(Entry {
        workspace_id: t.workspace_id,
        ticket_id: Some(t.id),
        actor: Actor::User(UserId(caller.profile.id)),
        action: "ticket.category",
        old_value: before.category_id.map(|c| c.to_string()),
        new_value: Some(cat.name.clone()),
        note: cat.skill.clone(),
    })
    .await?;
    let t = match cat.priority.parse::<Priority>() {
        Ok(p) if p.as_str() != t.priority => {
            let cmd = Command::SetPriority {
                to: p,
                by: UserId(caller.profile.id),
            };
            let actor = Actor::User(UserId(caller.profile.id));
            match apply(&mut w, t.clone(), &cmd, actor, ApplyOpts::default()).await? {
                Ok((t, _)) => t,
                Err(_) => t,
            }
        }
        _ => t,
    };
    if t.status == Status::Open.as_str() && t.assignee_id.is_none() {
        w.reroute(t.workspace_id);
    }
    if let Some((chat, message_id)) = message {
        w.effect(super::effects::Effect::Edit {
            chat,
            message_id,
            notice: Notice::IntakeChosen {
                category: cat.name.clone(),
            },
        })
        .await?;
    }
    w.reply(caller, Notice::IntakeChosen { category: cat.name })
        .await?;
    w.commit().await
}

// ----- agents ---------------------------------------------------------------------------------

/// `/available` and `/away`: whether routing may give the caller tickets.
pub async fn set_available(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    available: bool,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let Some((ws, _)) = current_workspace(&w.tx, caller.profile.id).await? else {
        w.reply(caller, Notice::NeedWorkspace).await?;
        return w.commit().await;
    };
    let ws = store::workspaces::lock(&w.tx, ws.id).await?.unwrap_or(ws);
    let Some(m) = store::team::member(&w.tx, ws.id, caller.profile.id).await? else {
        w.reply(caller, Notice::NeedWorkspace).await?;
        return w.commit().await;
    };
    if m.available != available {
        store::routing::set_available(&w.tx, ws.id, caller.profile.id, available).await?;
        w.audit(member_audit(
            ws.id,
            caller.profile.id,
            "member.available",
            Some(m.available.to_string()),
            Some(available.to_string()),
        ))
        .await?;
        if available {
            w.reroute(ws.id);
        }
    }
    w.reply(
        caller,
        Notice::Availability {
            workspace: ws.name,
            available,
        },
    )
    .await?;
    w.commit().await
}

/// `/queue`: depth, unassigned and overdue tickets, and each agent's load, with claim and assign
/// buttons.
pub async fn queue(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    screen: Option<(i64, i32)>,
) -> AppResult<()> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::WorkTickets).await? else {
        return Ok(());
    };
    let depth = store::routing::active_count(&w.tx, ws.id).await?;
    let waiting = store::routing::unassigned(&w.tx, ws.id).await?;
    let overdue_after = i64::from(ws.unassigned_alert_minutes);
    let mut unassigned: Vec<QueueTicket> = waiting
        .iter()
        .map(|t| queue_row(t, w.now, overdue_after))
        .collect();
    unassigned.sort_by_key(|q| {
        (
            std::cmp::Reverse(q.priority.parse::<Priority>().unwrap_or_default()),
            q.number,
        )
    });
    let overdue = unassigned.iter().filter(|q| q.overdue).count();
    let agents = team(&w.tx, &ws, w.now)
        .await?
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    w.show(
        caller,
        screen,
        Notice::Queue {
            workspace: ws.name.clone(),
            strategy: ws.routing_strategy.clone(),
            paused: ws.routing_paused,
            depth,
            overdue,
            unassigned,
            agents,
        },
    )
    .await?;
    w.commit().await
}

fn queue_row(t: &Ticket, now: DateTime<Utc>, overdue_after: i64) -> QueueTicket {
    let waiting_minutes = (now - t.created_at).num_minutes().max(0);
    QueueTicket {
        id: t.id,
        number: t.number,
        subject: t.subject.clone(),
        status: t.status.clone(),
        priority: t.priority.clone(),
        waiting_minutes,
        overdue: t.assignee_id.is_none() && overdue_after > 0 && waiting_minutes >= overdue_after,
        chat_id: t.chat_id,
        thread_id: t.thread_id,
    }
}

/// From `/queue`: the agents a ticket can be given to, as buttons.
pub async fn queue_assign(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    ticket: i64,
    screen: Option<(i64, i32)>,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let Some(t) = store::tickets::get(&w.tx, ticket).await? else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return w.commit().await;
    };
    let Some(ws) = store::workspaces::get(&w.tx, t.workspace_id).await? else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return w.commit().await;
    };
    if !super::team::authorize(&mut w, caller, &ws, Perm::WorkTickets).await? {
        return w.commit().await;
    }
    let agents = agent_choices(&w.tx, ws.id, w.now).await?;
    w.show(
        caller,
        screen,
        Notice::AssignPicker {
            ticket: t.id,
            number: t.number,
            agents,
        },
    )
    .await?;
    w.commit().await
}

/// `/mytickets`: the caller's tickets with links to their topics.
pub async fn my_tickets(ctx: &Ctx, origin: Origin, caller: &Caller) -> AppResult<()> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::WorkTickets).await? else {
        return Ok(());
    };
    let available = store::team::member(&w.tx, ws.id, caller.profile.id)
        .await?
        .is_some_and(|m| m.available);
    let tickets = store::routing::tickets_of(&w.tx, ws.id, caller.profile.id)
        .await?
        .iter()
        .map(|t| queue_row(t, w.now, 0))
        .collect();
    let reminders = super::sla::reminder_rows(&w.tx, &ws, caller.profile.id).await?;
    w.reply(
        caller,
        Notice::MyTickets {
            workspace: ws.name,
            available,
            tickets,
            reminders,
        },
    )
    .await?;
    w.commit().await
}

// ----- settings -------------------------------------------------------------------------------

/// A change on the Routing screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutingChange {
    Show,
    Strategy(Strategy),
    Paused(bool),
    Fallback(bool),
    AlertMinutes(u16),
    /// The unassigned alert's Custom… value, as typed.
    AlertTyped(String),
    Group(i64, Option<Strategy>),
}

/// `/settings` → Routing: strategy, pause, skill fallback, unassigned alert, group overrides.
pub async fn routing_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: RoutingChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(true);
    };
    let me = caller.profile.id;
    let (action, old, new): (&'static str, String, String) = match change {
        RoutingChange::Show => ("", String::new(), String::new()),
        RoutingChange::Strategy(s) => {
            store::routing::set_strategy(&w.tx, ws.id, s.as_str()).await?;
            (
                "settings.routing_strategy",
                ws.routing_strategy.clone(),
                s.as_str().to_owned(),
            )
        }
        RoutingChange::Paused(p) => {
            store::routing::set_paused(&w.tx, ws.id, p).await?;
            (
                "settings.routing_paused",
                ws.routing_paused.to_string(),
                p.to_string(),
            )
        }
        RoutingChange::Fallback(f) => {
            store::routing::set_fallback(&w.tx, ws.id, f).await?;
            (
                "settings.skill_fallback",
                ws.skill_fallback.to_string(),
                f.to_string(),
            )
        }
        RoutingChange::AlertMinutes(_) | RoutingChange::AlertTyped(_) => {
            // A button is one of the quick choices, or 0 for off; a forged one out of range is
            // refused like a typed one.
            let minutes = match change {
                RoutingChange::AlertMinutes(0) => Ok(0),
                RoutingChange::AlertMinutes(m) => duration::minutes_setting(&m.to_string()),
                RoutingChange::AlertTyped(text) => duration::minutes_setting(&text),
                _ => Ok(0),
            };
            let minutes = match minutes {
                Ok(m) => m,
                Err(reason) => return refuse_input(w, caller, reason).await,
            };
            let minutes = i32::try_from(minutes).unwrap_or(0);
            store::routing::set_alert_minutes(&w.tx, ws.id, minutes).await?;
            (
                "settings.unassigned_alert_minutes",
                ws.unassigned_alert_minutes.to_string(),
                minutes.to_string(),
            )
        }
        RoutingChange::Group(chat, s) => {
            let Some(g) = store::groups::get(&w.tx, chat)
                .await?
                .filter(|g| g.workspace_id == ws.id)
            else {
                w.reply(caller, Notice::ButtonExpired).await?;
                w.commit().await?;
                return Ok(true);
            };
            store::routing::set_group_strategy(&w.tx, chat, s.map(Strategy::as_str)).await?;
            (
                "settings.group_routing_strategy",
                format!(
                    "{}={}",
                    g.title,
                    g.routing_strategy.as_deref().unwrap_or("inherit")
                ),
                format!("{}={}", g.title, s.map_or("inherit", Strategy::as_str)),
            )
        }
    };
    if !action.is_empty() && old != new {
        w.audit(member_audit(ws.id, me, action, Some(old), Some(new)))
            .await?;
        w.reroute(ws.id);
    }
    let ws = store::workspaces::get(&w.tx, ws.id).await?.unwrap_or(ws);
    let groups = store::routing::groups_of(&w.tx, ws.id)
        .await?
        .into_iter()
        .map(|g| (g.chat_id, g.title, g.routing_strategy))
        .collect();
    let view = RoutingView {
        strategy: ws.routing_strategy.clone(),
        paused: ws.routing_paused,
        fallback: ws.skill_fallback,
        alert_minutes: ws.unassigned_alert_minutes,
        groups,
    };
    w.show(caller, screen, Notice::RoutingSettings { view })
        .await?;
    w.commit().await?;
    Ok(true)
}

/// A change on the Agents & skills screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentChange {
    List,
    Show(i64),
    Capacity(i64, u16),
    Skills(i64, String),
}

/// `/settings` → Agents & skills: each agent's skills and capacity.
pub async fn agents_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: AgentChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(true);
    };
    let me = caller.profile.id;
    let target = match &change {
        AgentChange::List => None,
        AgentChange::Show(u) | AgentChange::Capacity(u, _) | AgentChange::Skills(u, _) => Some(*u),
    };
    let member = match target {
        Some(u) => match store::team::member(&w.tx, ws.id, u).await? {
            Some(m) => Some(m),
            None => {
                w.reply(caller, Notice::ButtonExpired).await?;
                w.commit().await?;
                return Ok(true);
            }
        },
        None => None,
    };
    match (&change, &member) {
        (AgentChange::Capacity(u, max), Some(m)) => {
            // The offered choices; a forged button gets the nearest sensible value.
            let max = i32::from((*max).clamp(1, MAX_CAPACITY));
            if m.max_open != max {
                store::routing::set_max_open(&w.tx, ws.id, *u, max).await?;
                let mut e = member_audit(
                    ws.id,
                    me,
                    "member.max_open",
                    Some(m.max_open.to_string()),
                    Some(max.to_string()),
                );
                e.note = Some(format!("user {u}"));
                w.audit(e).await?;
                w.reroute(ws.id);
            }
        }
        (AgentChange::Skills(u, text), Some(m)) => {
            let skills = parse_skills(text);
            if skills.len() > MAX_SKILLS {
                let reason = format!(
                    "An agent has at most {MAX_SKILLS} skills; that was {}.",
                    skills.len()
                );
                return refuse_input(w, caller, reason).await;
            }
            let skills = skills.join(",");
            if m.skills != skills {
                store::routing::set_skills(&w.tx, ws.id, *u, &skills).await?;
                let mut e = member_audit(
                    ws.id,
                    me,
                    "member.skills",
                    Some(m.skills.clone()),
                    Some(skills),
                );
                e.note = Some(format!("user {u}"));
                w.audit(e).await?;
                w.reroute(ws.id);
            }
        }
        _ => {}
    }
    let agents: Vec<AgentLoad> = team(&w.tx, &ws, w.now)
        .await?
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    let notice = match target.and_then(|u| agents.iter().find(|a| a.user_id == u)) {
        Some(agent) => Notice::AgentSettings {
            agent: agent.clone(),
        },
        None => Notice::AgentsSettings { agents },
    };
    // A typed answer (skills) gets a new screen; a button edits the one it was on.
    w.show(caller, screen, notice).await?;
    w.commit().await?;
    Ok(true)
}

/// A change on the Intake screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeChange {
    Show,
    AddCategory(String),
    DeleteCategory(i64),
    AddKeyword(String),
    DeleteKeyword(i64),
    /// How long routing waits for the customer's pick: a quick button, or typed.
    Timeout(u16),
    TimeoutTyped(String),
}

/// Why a typed category or keyword rule was refused.
fn parse_category(text: &str) -> Result<(String, Option<String>, Priority), String> {
    let parts: Vec<&str> = text.split(';').map(str::trim).collect();
    let name: String = parts
        .first()
        .copied()
        .unwrap_or_default()
        .chars()
        .take(40)
        .collect();
    if name.is_empty() || parts.len() > 3 {
        return Err("Send: <name>; <skill>; <priority> — for example \"Billing; billing; high\". Skill and priority are optional.".into());
    }
    let skill = parts
        .get(1)
        .map(|s| parse_skills(s))
        .and_then(|s| s.into_iter().next());
    let priority = match parts.get(2).filter(|p| !p.is_empty()) {
        Some(p) => p
            .parse::<Priority>()
            .map_err(|_| format!("\"{p}\" is not a priority: use low, normal, high or urgent."))?,
        None => Priority::default(),
    };
    Ok((name, skill, priority))
}

fn parse_keyword(text: &str) -> Result<(String, String), String> {
    let usage = "Send: <keyword> = <skill> — for example \"refund = billing\".";
    let Some((k, s)) = text.split_once('=') else {
        return Err(usage.into());
    };
    let keyword: String = k.trim().to_lowercase().chars().take(40).collect();
    let skill = parse_skills(s).into_iter().next();
    match (keyword.is_empty(), skill) {
        (false, Some(skill)) => Ok((keyword, skill)),
        _ => Err(usage.into()),
    }
}

/// `/settings` → Intake categories: categories (skill, default priority) and keyword rules.
pub async fn intake_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: IntakeChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(true);
    };
    let me = caller.profile.id;
    match change.clone() {
        IntakeChange::Show => {}
        IntakeChange::AddCategory(_) | IntakeChange::AddKeyword(_)
            if store::routing::categories(&w.tx, ws.id).await?.len()
                + store::routing::keyword_rules(&w.tx, ws.id).await?.len()
                >= MAX_INTAKE_RULES =>
        {
            let reason = format!(
                "A workspace has at most {MAX_INTAKE_RULES} categories and keyword rules together: delete one first."
            );
            return refuse_input(w, caller, reason).await;
        }
        IntakeChange::Timeout(_) | IntakeChange::TimeoutTyped(_) => {
            let minutes = match &change {
                IntakeChange::Timeout(m) => duration::minutes_setting(&m.to_string()),
                IntakeChange::TimeoutTyped(text) => duration::minutes_setting(text),
                _ => Ok(0),
            };
            let minutes = match minutes {
                Ok(m) => i32::try_from(m).unwrap_or(i32::MAX),
                Err(reason) => return refuse_input(w, caller, reason).await,
            };
            if minutes != ws.intake_timeout_minutes {
                store::routing::set_intake_timeout(&w.tx, ws.id, minutes).await?;
                w.audit(member_audit(
                    ws.id,
                    me,
                    "settings.intake_timeout_minutes",
                    Some(ws.intake_timeout_minutes.to_string()),
                    Some(minutes.to_string()),
                ))
                .await?;
            }
        }
        IntakeChange::AddCategory(text) => match parse_category(&text) {
            Ok((name, skill, priority)) => {
                store::routing::add_category(
                    &w.tx,
                    ws.id,
                    &name,
                    skill.as_deref(),
                    priority.as_str(),
                    w.now,
                )
                .await?;
                let desc = format!(
                    "{name}; {}; {}",
                    skill.as_deref().unwrap_or("-"),
                    priority.as_str()
                );
                w.audit(member_audit(
                    ws.id,
                    me,
                    "settings.category_added",
                    None,
                    Some(desc),
                ))
                .await?;
            }
            Err(reason) => return refuse_input(w, caller, reason).await,
        },
        IntakeChange::DeleteCategory(id) => {
            let old = store::routing::category(&w.tx, id).await?;
            if store::routing::delete_category(&w.tx, ws.id, id).await? {
                w.audit(member_audit(
                    ws.id,
                    me,
                    "settings.category_removed",
                    old.map(|c| c.name),
                    None,
                ))
                .await?;
            }
        }
        IntakeChange::AddKeyword(text) => match parse_keyword(&text) {
            Ok((keyword, skill)) => {
                store::routing::add_keyword_rule(&w.tx, ws.id, &keyword, &skill, w.now).await?;
                w.audit(member_audit(
                    ws.id,
                    me,
                    "settings.keyword_rule_added",
                    None,
                    Some(format!("{keyword} = {skill}")),
                ))
                .await?;
            }
            Err(reason) => return refuse_input(w, caller, reason).await,
        },
        IntakeChange::DeleteKeyword(id) => {
            let old = store::routing::keyword_rules(&w.tx, ws.id)
                .await?
                .into_iter()
                .find(|r| r.id == id);
            if store::routing::delete_keyword_rule(&w.tx, ws.id, id).await? {
                w.audit(member_audit(
                    ws.id,
                    me,
                    "settings.keyword_rule_removed",
                    old.map(|r| format!("{} = {}", r.keyword, r.skill)),
                    None,
                ))
                .await?;
            }
        }
    }
    let categories = store::routing::categories(&w.tx, ws.id)
        .await?
        .into_iter()
        .map(|c| CategoryRow {
            id: c.id,
            name: c.name,
            skill: c.skill,
            priority: c.priority,
        })
        .collect();
    let keywords = store::routing::keyword_rules(&w.tx, ws.id)
        .await?
        .into_iter()
        .map(|r| KeywordRow {
            id: r.id,
            keyword: r.keyword,
            skill: r.skill,
        })
        .collect();
    let ws = store::workspaces::get(&w.tx, ws.id).await?.unwrap_or(ws);
    w.show(
        caller,
        screen,
        Notice::IntakeSettings {
            categories,
            keywords,
            timeout_minutes: ws.intake_timeout_minutes,
        },
    )
    .await?;
    w.commit().await?;
    Ok(true)
}

/// Asks an Admin for a free-text settings value — skills, categories, keyword rules, SLA targets,
/// calendar values, escalation rules (the handler remembers what the next message answers).
/// Returns whether the prompt was sent (false: the caller may not configure the workspace).
pub async fn ask(ctx: &Ctx, origin: Origin, caller: &Caller, what: PromptKind) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(false);
    };
    let what = match what {
        PromptKind::Skills { user, .. } => {
            let Some(m) = store::team::member(&w.tx, ws.id, user).await? else {
                w.reply(caller, Notice::ButtonExpired).await?;
                w.commit().await?;
                return Ok(false);
            };
            let name = display_name(store::users::get(&w.tx, user).await?.as_ref(), user);
            PromptKind::Skills {
                user,
                name,
                current: m.skills,
            }
        }
        other => other,
    };
    w.effect(super::effects::Effect::SendPrivate {
        user: caller.profile.id,
        notice: Notice::Prompt { what },
        fallback: None,
    })
    .await?;
    w.reply(caller, Notice::Ok).await?;
    w.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skills_are_lower_cased_trimmed_and_unique() {
        assert_eq!(
            parse_skills(" Billing, refunds ,billing,, "),
            vec!["billing".to_owned(), "refunds".to_owned()]
        );
        assert!(parse_skills("").is_empty());
    }

    #[test]
    fn categories_parse_with_optional_skill_and_priority() {
        assert_eq!(
            parse_category("Billing; Billing; high"),
            Ok(("Billing".into(), Some("billing".into()), Priority::High))
        );
        assert_eq!(
            parse_category("Other"),
            Ok(("Other".into(), None, Priority::Normal))
        );
        assert!(parse_category("").is_err());
        assert!(parse_category("A; b; sometimes").is_err());
        assert!(parse_category("a;b;c;d").is_err());
    }

    #[test]
    fn keyword_rules_need_both_sides() {
        assert_eq!(
            parse_keyword("Refund = Billing"),
            Ok(("refund".into(), "billing".into()))
        );
        assert!(parse_keyword("refund").is_err());
        assert!(parse_keyword("= billing").is_err());
        assert!(parse_keyword("refund =").is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_category_or_keyword_line_is_read_or_refused_within_bounds(
            text in proptest::prop_oneof![
                proptest::arbitrary::any::<String>(),
                "[a-zA-Z ;=,]{0,80}",
            ],
        ) {
            if let Ok((name, skill, _)) = parse_category(&text) {
                proptest::prop_assert!(!name.is_empty() && name.chars().count() <= 40);
                proptest::prop_assert!(skill.is_none_or(|s| s.chars().count() <= 32));
            }
            if let Ok((keyword, skill)) = parse_keyword(&text) {
                proptest::prop_assert!(keyword.chars().count() <= 40 && skill.chars().count() <= 32);
            }
            for skill in parse_skills(&text) {
                proptest::prop_assert!(!skill.is_empty() && skill.chars().count() <= 32);
            }
        }
    }
}
