//! The ticket lifecycle every area moves tickets through: [`apply`] asks the domain and writes
//! the outcome (fields, audit rows, card, topic, CSAT, auto-close), then records the move on
//! the unit of work so that the SLA clocks and routing react to it when it commits.

use entity::tickets::Model as Ticket;

use super::effects::{CardMenu, Effect, Notice};
use super::work::{access, AppResult, Caller, Changed, Work};
use crate::domain::ids::UserId;
use crate::domain::permissions::Perm;
use crate::domain::ticket::{
    Actor, Command, Event, Priority, Status, TicketState, TransitionError,
};
use crate::store::{self, audit::Entry, timers::TimerKind};

pub(crate) fn state_of(t: &Ticket) -> TicketState {
    TicketState {
        status: Status::from(t.status),
        assignee: t.assignee_id.map(UserId),
        priority: Priority::from(t.priority),
    }
}

/// Options of [`apply`] for moves whose Telegram side already happened.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApplyOpts {
    /// The topic was closed/reopened by hand: don't close/reopen it again.
    pub topic_already_moved: bool,
}

/// Lets the domain decide `cmd` and writes the outcome: ticket fields, one audit row per event,
/// card refresh, topic close/reopen, CSAT question and the auto-close timer.
pub async fn apply(
    w: &mut Work,
    mut ticket: Ticket,
    cmd: &Command,
    actor: Actor,
    opts: ApplyOpts,
) -> AppResult<Result<(Ticket, Vec<Event>), TransitionError>> {
    let before = ticket.clone();
    let state = state_of(&ticket);
    let events = match state.apply(cmd) {
        Ok(e) => e,
        Err(e) => return Ok(Err(e)),
    };
    let next = state.evolve(&events);
    let audit = |action: &'static str,
                 old: Option<String>,
                 new: Option<String>,
                 note: Option<String>| Entry {
        workspace_id: ticket.workspace_id,
        ticket_id: Some(ticket.id),
        actor,
        action,
        old_value: old,
        new_value: new,
        note,
    };
    let mut entries = Vec::new();
    for e in &events {
        match e {
            Event::StatusChanged { from, to } => {
                entries.push(audit(
                    "ticket.status",
                    Some(from.as_str().into()),
                    Some(to.as_str().into()),
                    None,
                ));
                match to {
                    Status::Resolved => ticket.resolved_at = Some(w.now),
                    Status::Closed => ticket.closed_at = Some(w.now),
                    _ => {
                        ticket.resolved_at = None;
                        ticket.closed_at = None;
                    }
                }
                if *from == Status::Resolved {
                    w.cancel_timer(TimerKind::AutoClose, ticket.id).await?;
                }
                if *to == Status::Resolved {
                    let hours = store::workspaces::get(&w.tx, ticket.workspace_id)
                        .await?
                        .map_or(72, |ws| ws.auto_close_hours);
                    w.set_timer(
                        TimerKind::AutoClose,
                        ticket.id,
                        w.now + chrono::Duration::hours(hours.into()),
                    )
                    .await?;
                    if ticket.csat_score.is_none() {
                        w.effect(Effect::AskCsat { ticket: ticket.id }).await?;
                    }
                }
                if *to == Status::Closed && !opts.topic_already_moved {
                    w.effect(Effect::CloseTopic { ticket: ticket.id }).await?;
                }
                if *from == Status::Closed && !opts.topic_already_moved {
                    w.effect(Effect::ReopenTopic { ticket: ticket.id }).await?;
                }
            }
            Event::AssigneeChanged { from, to, note } => {
                entries.push(audit(
                    "ticket.assignee",
                    from.map(|u| u.0.to_string()),
                    to.map(|u| u.0.to_string()),
                    note.clone(),
                ));
            }
            Event::PriorityChanged { from, to } => {
                entries.push(audit(
                    "ticket.priority",
                    Some(from.as_str().into()),
                    Some(to.as_str().into()),
                    None,
                ));
            }
        }
    }
    for e in entries {
        w.audit(e).await?;
    }
    // The first agent answer stops the first-response clock. Recorded here, after `before` was
    // taken, so the SLA re-plan below sees the clock stop.
    if matches!(cmd, Command::AgentReplied { .. }) && ticket.first_response_at.is_none() {
        ticket.first_response_at = Some(w.now);
    }
    ticket.status = next.status.into();
    ticket.assignee_id = next.assignee.map(|u| u.0);
    ticket.priority = next.priority.into();
    if !events.is_empty() {
        ticket.updated_at = w.now;
        w.effect(Effect::RefreshCard {
            ticket: ticket.id,
            menu: CardMenu::Main,
        })
        .await?;
    }
    let saved = store::tickets::save(&w.tx, ticket).await?;
    let note = events.iter().find_map(|e| match e {
        Event::AssigneeChanged { note, .. } => note.clone(),
        _ => None,
    });
    w.record(Changed::Moved {
        before: Box::new(before),
        actor,
        note,
    });
    Ok(Ok((saved, events)))
}

/// The ticket of the topic an agent command was typed in, locked, with its workspace. `None`
/// after telling the caller why not: the topic is no ticket, or they may not work tickets.
pub(crate) async fn agent_ticket(
    w: &mut Work,
    caller: &Caller,
    chat: i64,
    thread: i32,
) -> AppResult<Option<(Ticket, entity::workspaces::Model)>> {
    let Some(t) = store::tickets::by_topic(&w.tx, chat, thread).await? else {
        w.reply(caller, Notice::NotATicket).await?;
        return Ok(None);
    };
    let Some(ws) = store::workspaces::get(&w.tx, t.workspace_id).await? else {
        return Ok(None);
    };
    if !access::authorize(w, caller, &ws, Perm::WorkTickets).await? {
        return Ok(None);
    }
    let t = store::tickets::get_locked(&w.tx, t.id).await?.unwrap_or(t);
    Ok(Some((t, ws)))
}
