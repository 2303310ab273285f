//! The routing engine (SPEC §8): who may take tickets now, handing waiting tickets to agents
//! (run as a reaction when a unit of work made room), a new ticket's intake (keyword rules,
//! the customer's category pick), assignment notices and the unassigned alert.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::tickets::Model as Ticket;
use entity::workspaces::Model as Workspace;
use futures::future::BoxFuture;

use crate::app::effects::{AgentLoad, Notice};
use crate::app::lifecycle::{apply, ApplyOpts};
use crate::app::work::access::begin;
use crate::app::work::{display_name, AppResult, Caller, Changed, Ctx, Origin, Work};
use crate::domain::ids::UserId;
use crate::domain::permissions::{self, Perm};
use crate::domain::routing::{self, Candidate, Strategy};
use crate::domain::ticket::{Actor, Command, Priority, Status};
use crate::store::{self, audit::Entry, timers::TimerKind};

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

/// The team as routing sees it, with names for the screens.
pub(crate) async fn team<C: sea_orm::ConnectionTrait>(
    db: &C,
    ws: &Workspace,
    now: DateTime<Utc>,
) -> AppResult<Vec<(Candidate, AgentLoad)>> {
    let loads = store::routing::loads(db, ws.id).await?;
    let toggles = store::team::toggles_of(ws);
    let mut out = Vec::new();
    for (m, u) in store::users::members_of(db, ws.id).await? {
        let may_work = crate::app::work::access::subject_of(db, &m, now)
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

fn strategy_of(s: &str) -> Strategy {
    s.parse().unwrap_or_default()
}

/// Hands waiting tickets of the workspace to eligible agents, urgent first, then oldest. Runs in
/// the transaction of whatever made room (a reaction at its commit) with the workspace row
/// locked.
async fn drain(w: &mut Work, workspace: i64) -> AppResult<()> {
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
        .map(|t| (t.id, Priority::from(t.priority), t.created_at))
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
async fn after_change(
    w: &mut Work,
    before: &Ticket,
    after: &Ticket,
    actor: Actor,
    note: Option<&str>,
) -> AppResult<()> {
    let waiting = |t: &Ticket| Status::from(t.status) == Status::Open && t.assignee_id.is_none();
    let holds = |t: &Ticket| {
        t.assignee_id
            .filter(|_| store::routing::LOAD_STATUSES.contains(&t.status))
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
    let summary = store::summary::ticket(&w.tx, t, w.now).await?;
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
async fn arm_unassigned_alert(w: &mut Work, t: &Ticket) -> AppResult<()> {
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
    if Status::from(t.status) != Status::Open || t.assignee_id.is_some() || t.unassigned_alerted {
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
        let summary = store::summary::ticket(&w.tx, &t, w.now).await?;
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

/// A new ticket: a keyword rule on the title gives it a skill; with categories configured, the
/// customer is asked to pick one and routing waits for the pick (up to the intake timeout).
async fn intake(w: &mut Work, mut t: Ticket) -> AppResult<()> {
    let Some(ws) = store::workspaces::get(&w.tx, t.workspace_id).await? else {
        return Ok(());
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
        w.effect(crate::app::effects::Effect::Send {
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
    Ok(())
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
    let t = match Priority::from(cat.priority) {
        p if p != Priority::from(t.priority) => {
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
    if Status::from(t.status) == Status::Open && t.assignee_id.is_none() {
        w.reroute(t.workspace_id);
    }
    if let Some((chat, message_id)) = message {
        w.effect(crate::app::effects::Effect::Edit {
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

/// Routing's reaction to what a unit of work changed: a new ticket's intake, the notices and
/// alerts a move owes, a reconnected group's waiting tickets, and the drain where room was made.
pub fn react<'a>(w: &'a mut Work, change: &'a Changed) -> BoxFuture<'a, AppResult<()>> {
    Box::pin(async move {
        match change {
            Changed::Created { ticket } => {
                if let Some(t) = store::tickets::get(&w.tx, *ticket).await? {
                    intake(w, t).await?;
                }
            }
            Changed::Moved {
                before,
                actor,
                note,
            } => {
                if let Some(t) = store::tickets::get(&w.tx, before.id).await? {
                    after_change(w, before, &t, *actor, note.as_deref()).await?;
                }
            }
            Changed::Rearmed { ticket } => {
                if let Some(t) = store::tickets::get(&w.tx, *ticket).await? {
                    let waiting = Status::from(t.status) == Status::Open && t.assignee_id.is_none();
                    if waiting && !t.unassigned_alerted {
                        arm_unassigned_alert(w, &t).await?;
                    }
                    w.reroute(t.workspace_id);
                }
            }
            Changed::Routable { workspace } => drain(w, *workspace).await?,
        }
        Ok(())
    })
}
