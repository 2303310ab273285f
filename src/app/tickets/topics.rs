//! What happens in a ticket's topic: a topic created (a new ticket), messages and edits
//! logged and moving the ticket as their writer may, a topic closed or reopened by hand, a
//! group connected again, and the customer's CSAT press.

use super::TopicMessage;
use entity::tickets::Model as Ticket;
use tracing::instrument;

use crate::app::effects::{Effect, KbNotice, Notice};
use crate::app::lifecycle::{apply, ApplyOpts};
use crate::app::work::{access, AppResult, Caller, Changed, Ctx, Origin, Work};
use crate::domain::ids::UserId;
use crate::domain::permissions::{Perm, Subject};
use crate::domain::ticket::{Actor, Command, Priority, Status};
use crate::metrics::Metrics;
use crate::store::{self, audit::Entry, timers::TimerKind, users::Profile};

/// Who wrote a message in a ticket's topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Writer {
    Customer,
    Staff,
    /// Someone else in the group: logged, moves nothing.
    Participant,
}

impl Writer {
    fn as_str(self) -> &'static str {
        match self {
            Writer::Customer => "customer",
            Writer::Staff => "agent",
            Writer::Participant => "participant",
        }
    }
}

/// A topic was created in a group: it becomes a ticket unless the group is not connected or the
/// topic is excluded.
#[instrument(skip_all, fields(chat, thread), err)]
pub async fn topic_created(
    ctx: &Ctx,
    origin: Origin,
    chat: i64,
    thread: i32,
    name: &str,
    creator: &Profile,
) -> AppResult<()> {
    let Some(mut w) = Work::begin(ctx, origin).await? else {
        return Ok(());
    };
    store::users::upsert(&w.tx, creator, false, w.now).await?;
    if let Some(group) = store::groups::get(&w.tx, chat).await? {
        if !store::groups::is_excluded(&w.tx, chat, thread).await?
            && store::tickets::by_topic(&w.tx, chat, thread)
                .await?
                .is_none()
        {
            create(
                &mut w,
                &ctx.metrics,
                group.workspace_id,
                chat,
                thread,
                name,
                creator.id,
                None,
            )
            .await?;
        }
    }
    w.commit().await
}

/// `first_message`: the message that created the ticket (a topic the bot never saw created),
/// which the knowledge base's suggestions read besides the subject.
#[allow(clippy::too_many_arguments)]
async fn create(
    w: &mut Work,
    metrics: &Metrics,
    workspace: i64,
    chat: i64,
    thread: i32,
    subject: &str,
    customer: i64,
    first_message: Option<&str>,
) -> AppResult<Ticket> {
    let number = store::workspaces::take_ticket_number(&w.tx, workspace).await?;
    let subject = subject.trim();
    let subject = if subject.is_empty() {
        format!("Topic {thread}")
    } else {
        subject.chars().take(200).collect()
    };
    let ticket = store::tickets::insert(
        &w.tx,
        store::tickets::NewTicket {
            workspace_id: workspace,
            number,
            chat_id: chat,
            thread_id: thread,
            subject,
            customer_id: customer,
            status: Status::Open,
            priority: Priority::default(),
        },
        w.now,
    )
    .await?;
    w.audit(Entry {
        workspace_id: workspace,
        ticket_id: Some(ticket.id),
        actor: Actor::User(UserId(customer)),
        action: "ticket.created",
        old_value: None,
        new_value: Some(format!("#{number}")),
        note: None,
    })
    .await?;
    w.effect(Effect::PostCard { ticket: ticket.id }).await?;
    w.effect(Effect::RenameTopic { ticket: ticket.id }).await?;
    if let Some(staff) = store::workspaces::get(&w.tx, workspace)
        .await?
        .and_then(|ws| ws.staff_chat_id)
    {
        let summary = store::summary::ticket(&w.tx, &ticket, w.now).await?;
        let about = format!("{} {}", ticket.subject, first_message.unwrap_or_default());
        let suggestions = crate::app::kb::suggestions(&w.tx, workspace, &about).await?;
        let notice = if suggestions.is_empty() {
            Notice::NewTicket { ticket: summary }
        } else {
            Notice::Kb(KbNotice::NewTicket {
                ticket: Box::new(summary),
                suggestions,
            })
        };
        w.post(staff, notice).await?;
    }
    Metrics::inc(&metrics.tickets_created);
    w.record(Changed::Created { ticket: ticket.id });
    Ok(ticket)
}

/// A message in a topic: creates the ticket if the bot never saw the topic created, logs the
/// message once, and moves the ticket as the transition table says.
#[instrument(skip_all, fields(chat = m.chat, thread = m.thread), err)]
pub async fn topic_message(ctx: &Ctx, origin: Origin, m: TopicMessage) -> AppResult<()> {
    let Some(mut w) = Work::begin(ctx, origin).await? else {
        return Ok(());
    };
    store::users::upsert(&w.tx, &m.from, false, w.now).await?;
    let Some(group) = store::groups::get(&w.tx, m.chat).await? else {
        return w.commit().await;
    };
    if store::groups::is_excluded(&w.tx, m.chat, m.thread).await? {
        return w.commit().await;
    }
    let ticket = match store::tickets::by_topic(&w.tx, m.chat, m.thread).await? {
        Some(t) => t,
        None => {
            let name = m.topic_name.clone().unwrap_or_default();
            let first = m.text.as_deref().filter(|_| !m.is_command);
            create(
                &mut w,
                &ctx.metrics,
                group.workspace_id,
                m.chat,
                m.thread,
                &name,
                m.from.id,
                first,
            )
            .await?
        }
    };
    let Some(ws) = store::workspaces::get(&w.tx, ticket.workspace_id).await? else {
        return w.commit().await;
    };
    // Who wrote decides what the message does. Staff are the workspace's members other than this
    // ticket's customer (whether they may work tickets, an active seat, decides below); the
    // customer moves the ticket; anyone else in the group is a participant, logged, moving
    // nothing (a stranger must not reopen a resolved ticket or hold off its auto-close).
    let staff = if m.from.id == ticket.customer_id {
        None
    } else {
        access::subject(&w.tx, &ws, m.from.id, w.now).await?
    };
    let writer = match (&staff, m.from.id == ticket.customer_id) {
        (Some(_), _) => Writer::Staff,
        (None, true) => Writer::Customer,
        (None, false) => Writer::Participant,
    };
    let logged = store::tickets::log_message(
        &w.tx,
        store::tickets::LoggedMessage {
            ticket_id: ticket.id,
            tg_message_id: m.message_id,
            sender_id: m.from.id,
            role: writer.as_str(),
            is_command: m.is_command,
            body: if ws.store_message_bodies {
                m.text.clone()
            } else {
                None
            },
        },
        w.now,
    )
    .await?;
    if !logged || m.is_command || writer == Writer::Participant {
        return w.commit().await;
    }
    let mut ticket = store::tickets::get_locked(&w.tx, ticket.id)
        .await?
        .unwrap_or(ticket);
    let cmd = if writer == Writer::Staff {
        // Staff whose seat lapsed (or who lack the right) are logged as staff, but their
        // message neither answers for the team nor takes the ticket.
        if !staff.is_some_and(|s| works_tickets(&s, &ws)) {
            return w.commit().await;
        }
        Command::AgentReplied {
            by: UserId(m.from.id),
        }
    } else {
        ticket.last_customer_message_at = Some(w.now);
        Command::CustomerReplied
    };
    let actor = Actor::User(UserId(m.from.id));
    // Automatic moves that the table does not allow (a customer writing in a closed topic) are
    // not errors: the message is logged and nothing moves.
    match apply(&mut w, ticket.clone(), &cmd, actor, Default::default()).await? {
        Ok(_) => {}
        Err(_) => {
            store::tickets::save(&w.tx, ticket).await?;
        }
    }
    w.commit().await
}

/// An edited message: the log follows the edit.
pub async fn message_edited(
    ctx: &Ctx,
    origin: Origin,
    chat: i64,
    thread: i32,
    message_id: i32,
    text: Option<String>,
) -> AppResult<()> {
    let Some(w) = Work::begin(ctx, origin).await? else {
        return Ok(());
    };
    if let Some(t) = store::tickets::by_topic(&w.tx, chat, thread).await? {
        let keep = store::workspaces::get(&w.tx, t.workspace_id)
            .await?
            .is_some_and(|ws| ws.store_message_bodies);
        store::tickets::edit_message(
            &w.tx,
            t.id,
            message_id,
            if keep { text } else { None },
            w.now,
        )
        .await?;
    }
    w.commit().await
}

/// A topic closed or reopened by hand in Telegram moves the ticket when the move is legal.
#[instrument(skip_all, fields(chat, thread), err)]
pub async fn topic_toggled_by_hand(
    ctx: &Ctx,
    origin: Origin,
    chat: i64,
    thread: i32,
    by: &Profile,
    closed: bool,
) -> AppResult<()> {
    let Some(mut w) = Work::begin(ctx, origin).await? else {
        return Ok(());
    };
    store::users::upsert(&w.tx, by, false, w.now).await?;
    if let Some(t) = store::tickets::by_topic(&w.tx, chat, thread).await? {
        let t = store::tickets::get_locked(&w.tx, t.id).await?.unwrap_or(t);
        // Like a message, a topic moved by hand moves the ticket only when its customer or staff
        // who may work tickets did it; a group admin outside the team moves nothing.
        if by.id != t.customer_id && !may_work_tickets(&w, t.workspace_id, by.id).await? {
            tracing::info!(
                ticket = t.id,
                by = by.id,
                "topic moved by hand by an outsider; ticket stays"
            );
            return w.commit().await;
        }
        let actor = Actor::User(UserId(by.id));
        let cmd = if closed {
            Command::Close { by: actor }
        } else {
            Command::Reopen { by: UserId(by.id) }
        };
        let opts = ApplyOpts {
            topic_already_moved: true,
        };
        if let Err(e) = apply(&mut w, t, &cmd, actor, opts).await? {
            tracing::info!(error = %e, "topic moved by hand, ticket stays");
        }
    }
    w.commit().await
}

/// A group connected (again) to the workspace its tickets belong to: while it was not, their
/// timers were dropped; they are armed again from the tickets' state, and routing looks at the
/// waiting ones.
pub(crate) async fn rearm_group(w: &mut Work, workspace: i64, chat: i64) -> AppResult<()> {
    let Some(ws) = store::workspaces::get(&w.tx, workspace).await? else {
        return Ok(());
    };
    for t in store::tickets::not_closed_in_group(&w.tx, workspace, chat).await? {
        let Some(t) = store::tickets::get_locked(&w.tx, t.id).await? else {
            continue;
        };
        if Status::from(t.status) == Status::Resolved {
            let hours = chrono::Duration::hours(ws.auto_close_hours.into());
            let due = t.resolved_at.map_or(w.now, |r| r + hours).max(w.now);
            w.set_timer(TimerKind::AutoClose, t.id, due).await?;
        }
        if let Some(until) = t.intake_until {
            w.set_timer(TimerKind::IntakeTimeout, t.id, until.max(w.now))
                .await?;
        }
        w.record(Changed::Rearmed { ticket: t.id });
    }
    w.reroute(workspace);
    Ok(())
}

/// Whether `user` is a member of the workspace who may work tickets now.
async fn may_work_tickets(w: &Work, workspace: i64, user: i64) -> AppResult<bool> {
    let Some(ws) = store::workspaces::get(&w.tx, workspace).await? else {
        return Ok(false);
    };
    Ok(access::subject(&w.tx, &ws, user, w.now)
        .await?
        .is_some_and(|s| works_tickets(&s, &ws)))
}

/// Whether a member (their role, seat and the workspace's permission toggles) may work tickets.
fn works_tickets(s: &Subject, ws: &entity::workspaces::Model) -> bool {
    crate::domain::permissions::check(s, Perm::WorkTickets, &store::team::toggles_of(ws)).is_ok()
}

/// A customer's CSAT press: only the ticket's customer counts, once.
#[instrument(skip_all, fields(ticket), err)]
pub async fn rate(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    ticket: i64,
    score: u8,
    message: (i64, i32),
) -> AppResult<()> {
    let Some(mut w) = Work::begin(ctx, origin).await? else {
        return Ok(());
    };
    store::users::upsert(&w.tx, &caller.profile, false, w.now).await?;
    let Some(mut t) = store::tickets::get_locked(&w.tx, ticket).await? else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return w.commit().await;
    };
    if t.customer_id != caller.profile.id {
        w.reply(caller, Notice::CsatOnlyCustomer).await?;
        return w.commit().await;
    }
    if !store::tickets::is_live(&w.tx, &t).await? {
        w.reply(caller, Notice::ButtonExpired).await?;
        return w.commit().await;
    }
    if t.csat_score.is_some() {
        w.reply(caller, Notice::CsatAlready).await?;
        return w.commit().await;
    }
    t.csat_score = Some(score.into());
    let (workspace_id, id) = (t.workspace_id, t.id);
    store::tickets::save(&w.tx, t).await?;
    w.audit(Entry {
        workspace_id,
        ticket_id: Some(id),
        actor: Actor::User(UserId(caller.profile.id)),
        action: "ticket.csat",
        old_value: None,
        new_value: Some(score.to_string()),
        note: None,
    })
    .await?;
    w.effect(Effect::Edit {
        chat: message.0,
        message_id: message.1,
        notice: Notice::CsatThanks { score },
    })
    .await?;
    w.reply(caller, Notice::CsatThanks { score }).await?;
    w.commit().await
}
