//! Escalation: the rules an event sets off (a breach, a priority, a tag, a wait without an
//! agent), what they do, and `/escalate`.

use entity::tickets::Model as Ticket;
use futures::future::BoxFuture;

use super::policy::{arm_unassigned_escalation, rules_of, staff_post};
use crate::app::effects::Notice;
use crate::app::lifecycle::{apply, ApplyOpts};
use crate::app::work::access::begin;
use crate::app::work::{display_name, AppResult, Caller, Changed, Ctx, Origin, Work};
use crate::domain::escalation::{Action, Happened, Rule};
use crate::domain::ids::UserId;
use crate::domain::routing::{self as routing_rules, Request, Strategy};
use crate::domain::team::Role;
use crate::domain::ticket::{Actor, Command, Priority, Status};
use crate::store::{self, audit::Entry};

/// Runs the rules an event outside this module sets off (a tag added).
pub(crate) async fn trigger(w: &mut Work, t: Ticket, happened: Happened<'_>) -> AppResult<Ticket> {
    run_rules(w, t, happened, None).await
}

/// A new ticket: its customer's tags may set rules off.
async fn on_created(w: &mut Work, mut t: Ticket) -> AppResult<Ticket> {
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
pub(crate) async fn run_rules(
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
            let t = settled(w, t).await?;
            let summary = store::summary::ticket(&w.tx, &t, w.now).await?;
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
            let t = settled(w, t).await?;
            let admins = admin_names(w, t.workspace_id).await?;
            let summary = store::summary::ticket(&w.tx, &t, w.now).await?;
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
            let candidates = crate::app::routing::engine::candidates(&w.tx, &ws, w.now).await?;
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
            let p: Priority = Priority::from(t.priority);
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

/// The ticket as the staff should read it: an earlier action of the same rule chain (a raised
/// priority) may have moved it, and its SLA lines follow only once the clocks reacted.
async fn settled(w: &mut Work, t: Ticket) -> AppResult<Ticket> {
    w.settle().await?;
    Ok(store::tickets::get(&w.tx, t.id).await?.unwrap_or(t))
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
        .filter(|(m, _)| matches!(Role::from(m.role), Role::Admin | Role::Owner))
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

/// The "unassigned for N minutes" timer fired: run the rules whose threshold has passed since
/// the last run in this wait, then arm the next one.
pub async fn unassigned_too_long(w: &mut Work, ticket: i64) -> AppResult<()> {
    let Some(mut t) = store::tickets::get_locked(&w.tx, ticket).await? else {
        return Ok(());
    };
    let Some(since) = t
        .waiting_since
        .filter(|_| Status::from(t.status) == Status::Open && t.assignee_id.is_none())
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
    // A rule that gave the ticket an agent ended the wait (its clocks react at commit); only a
    // ticket still waiting gets its next threshold.
    if Status::from(t.status) == Status::Open && t.assignee_id.is_none() {
        arm_unassigned_escalation(w, &t).await?;
    }
    Ok(())
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
    let Some((t, _)) = crate::app::lifecycle::agent_ticket(&mut w, caller, chat, thread).await?
    else {
        return w.commit().await;
    };
    let me = Actor::User(UserId(caller.profile.id));
    let t = raise_level(&mut w, t, me, reason.as_deref()).await?;
    let by = display_name(
        store::users::get(&w.tx, caller.profile.id).await?.as_ref(),
        caller.profile.id,
    );
    let summary = store::summary::ticket(&w.tx, &t, w.now).await?;
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

/// The rules' reaction to what a unit of work changed: a new ticket's customer tags, and a
/// priority a person set, may set rules off. (A priority the rules raised sets off nothing
/// more: rules act as the system.)
pub fn react<'a>(w: &'a mut Work, change: &'a Changed) -> BoxFuture<'a, AppResult<()>> {
    Box::pin(async move {
        match change {
            Changed::Created { ticket } => {
                if let Some(t) = store::tickets::get_locked(&w.tx, *ticket).await? {
                    on_created(w, t).await?;
                }
            }
            Changed::Moved {
                before,
                actor: Actor::User(_),
                ..
            } => {
                let Some(t) = store::tickets::get_locked(&w.tx, before.id).await? else {
                    return Ok(());
                };
                if before.priority != t.priority {
                    let p = Priority::from(t.priority);
                    run_rules(w, t, Happened::PriorityBecame(p), None).await?;
                }
            }
            Changed::Moved { .. } | Changed::Rearmed { .. } | Changed::Routable { .. } => {}
        }
        Ok(())
    })
}
