//! What agents do to a ticket with commands and card buttons ([`act`]), the auto-close
//! timer, and plain usage answers.

use super::{Action, AssignTarget, TicketRef};
use tracing::instrument;

use crate::app::effects::{CardMenu, Change, Effect, Notice};
use crate::app::lifecycle::{apply, ApplyOpts};
use crate::app::work::{access, display_name, AppResult, Caller, Ctx, Origin, Work};
use crate::domain::ids::UserId;
use crate::domain::permissions::Perm;
use crate::domain::ticket::{Actor, Command, Event, Status, TransitionError};
use crate::store::{self};

/// An agent's command or button on a ticket. Checks the caller's role on every call.
#[instrument(skip_all, fields(ticket = ?target), err)]
pub async fn act(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    target: TicketRef,
    action: Action,
) -> AppResult<()> {
    let Some(mut w) = Work::begin(ctx, origin).await? else {
        return Ok(());
    };
    store::users::upsert(&w.tx, &caller.profile, caller.private, w.now).await?;
    let found = match target {
        TicketRef::Topic { chat, thread } => store::tickets::by_topic(&w.tx, chat, thread).await?,
        TicketRef::Id(id) => store::tickets::get(&w.tx, id).await?,
    };
    let Some(ticket) = found else {
        let notice = if matches!(target, TicketRef::Id(_)) {
            Notice::ButtonExpired
        } else {
            Notice::NotATicket
        };
        w.reply(caller, notice).await?;
        return w.commit().await;
    };
    let ticket = store::tickets::get_locked(&w.tx, ticket.id)
        .await?
        .unwrap_or(ticket);
    let Some(ws) = store::workspaces::get(&w.tx, ticket.workspace_id).await? else {
        return w.commit().await;
    };
    // Every press and command: a member, with an active seat.
    if !access::authorize(&mut w, caller, &ws, Perm::WorkTickets).await? {
        return w.commit().await;
    }
    // A ticket whose group left the workspace can still be read, not moved.
    if action != Action::Info && !store::tickets::is_live(&w.tx, &ticket).await? {
        let number = ticket.number;
        w.reply(caller, Notice::TicketReadOnly { number }).await?;
        return w.commit().await;
    }
    let me = UserId(caller.profile.id);
    let cmd = match &action {
        Action::Claim => Command::Claim { by: me },
        Action::Assign { target, note } => {
            let wanted = match target {
                AssignTarget::User(id) => Some(*id),
                AssignTarget::Query(q) => resolve_agent_query(&w, q).await?,
            };
            let member = match wanted {
                Some(id) => store::users::role_in(&w.tx, ticket.workspace_id, id)
                    .await?
                    .map(|_| id),
                None => None,
            };
            let Some(to) = member else {
                let query = match target {
                    AssignTarget::Query(q) => q.clone(),
                    AssignTarget::User(id) => id.to_string(),
                };
                w.reply(caller, Notice::UnknownAgent { query }).await?;
                return w.commit().await;
            };
            Command::Assign {
                to: UserId(to),
                by: me,
                note: note.clone(),
            }
        }
        Action::Unassign => Command::Unassign { by: me },
        Action::Pending => Command::MarkPending { by: me },
        Action::Resolve => Command::Resolve { by: me },
        Action::Close => Command::Close {
            by: Actor::User(me),
        },
        Action::Reopen => Command::Reopen { by: me },
        Action::Priority(Some(p)) => Command::SetPriority { to: *p, by: me },
        Action::Priority(None) => {
            w.reply(caller, Notice::PriorityUsage).await?;
            return w.commit().await;
        }
        Action::Info => {
            let summary = store::summary::ticket(&w.tx, &ticket, w.now).await?;
            w.effect(Effect::SendPrivate {
                user: caller.profile.id,
                notice: Notice::TicketInfo { ticket: summary },
                fallback: Some((ticket.chat_id, Some(ticket.thread_id))),
            })
            .await?;
            if let crate::app::effects::ReplyTo::Callback { .. } = caller.reply {
                w.reply(caller, Notice::Ok).await?;
            }
            return w.commit().await;
        }
        Action::ShowMenu(CardMenu::Assign) => {
            // The picker shows every agent's load: staff only, so it goes to the presser
            // privately, never into the topic the customer reads.
            let agents = crate::app::routing::engine::agent_choices(&w.tx, ws.id, w.now).await?;
            w.effect(Effect::SendPrivate {
                user: caller.profile.id,
                notice: Notice::AssignPicker {
                    ticket: ticket.id,
                    number: ticket.number,
                    agents,
                },
                fallback: Some((ticket.chat_id, Some(ticket.thread_id))),
            })
            .await?;
            w.reply(caller, Notice::SentPrivately).await?;
            return w.commit().await;
        }
        Action::ShowMenu(menu) => {
            w.effect(Effect::RefreshCard {
                ticket: ticket.id,
                menu: *menu,
            })
            .await?;
            w.reply(caller, Notice::Ok).await?;
            return w.commit().await;
        }
    };
    let number = ticket.number;
    let from_status = ticket.status;
    match apply(&mut w, ticket, &cmd, Actor::User(me), ApplyOpts::default()).await? {
        Err(TransitionError::AlreadyAssigned(u)) => {
            let name = display_name(store::users::get(&w.tx, u.0).await?.as_ref(), u.0);
            w.reply(caller, Notice::AlreadyAssigned { number, name })
                .await?;
        }
        Err(TransitionError::NotAllowed {
            action, allowed, ..
        }) => {
            let status = Status::from(from_status).as_str().to_owned();
            w.reply(
                caller,
                Notice::Refused {
                    number,
                    action: action.as_str().to_owned(),
                    status,
                    allowed: allowed.iter().map(|a| a.as_str().to_owned()).collect(),
                },
            )
            .await?;
        }
        Ok((_, events)) => {
            let change = describe(&w, &events).await?;
            match change {
                Some(change) => w.reply(caller, Notice::Changed { number, change }).await?,
                None => w.reply(caller, Notice::Ok).await?,
            }
        }
    }
    w.commit().await
}

async fn resolve_agent_query(w: &Work, q: &str) -> AppResult<Option<i64>> {
    let q = q.trim();
    if let Ok(id) = q.parse::<i64>() {
        return Ok(Some(id));
    }
    if q.is_empty() {
        return Ok(None);
    }
    Ok(store::users::by_username(&w.tx, q).await?.map(|u| u.id))
}

/// The most telling change among the events, for the confirmation line.
async fn describe(w: &Work, events: &[Event]) -> AppResult<Option<Change>> {
    for e in events {
        if let Event::AssigneeChanged {
            to: Some(to), note, ..
        } = e
        {
            let name = display_name(store::users::get(&w.tx, to.0).await?.as_ref(), to.0);
            if !events.iter().any(|e| {
                matches!(
                    e,
                    Event::StatusChanged {
                        to: Status::Resolved,
                        ..
                    }
                )
            }) {
                return Ok(Some(Change::Assigned {
                    to: name,
                    note: note.clone(),
                }));
            }
        }
    }
    for e in events {
        match e {
            Event::StatusChanged {
                to: Status::Open,
                from: Status::Assigned,
            } => return Ok(Some(Change::Unassigned)),
            Event::StatusChanged { to, .. } => {
                return Ok(Some(Change::Status {
                    to: to.as_str().to_owned(),
                }))
            }
            Event::PriorityChanged { to, .. } => {
                return Ok(Some(Change::Priority {
                    to: to.as_str().to_owned(),
                }))
            }
            Event::AssigneeChanged { .. } => {}
        }
    }
    Ok(None)
}

/// The auto-close timer fired: close the ticket if it is still resolved. Runs inside the
/// scheduler's transaction that took the timer, so it happens once.
pub async fn auto_close(w: &mut Work, ticket: i64) -> AppResult<()> {
    let Some(t) = store::tickets::get_locked(&w.tx, ticket).await? else {
        return Ok(());
    };
    if Status::from(t.status) != Status::Resolved {
        return Ok(());
    }
    if let Err(e) = apply(
        w,
        t,
        &Command::Close { by: Actor::System },
        Actor::System,
        ApplyOpts::default(),
    )
    .await?
    {
        tracing::warn!(ticket, error = %e, "auto-close refused");
    }
    Ok(())
}

/// Answers the caller with a notice and nothing else (usage errors, expired buttons).
pub async fn usage(ctx: &Ctx, origin: Origin, caller: &Caller, notice: Notice) -> AppResult<()> {
    let Some(mut w) = Work::begin(ctx, origin).await? else {
        return Ok(());
    };
    store::users::upsert(&w.tx, &caller.profile, caller.private, w.now).await?;
    w.reply(caller, notice).await?;
    w.commit().await
}
