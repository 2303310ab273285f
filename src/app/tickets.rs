//! Ticket use cases: creating tickets from topics, logging topic messages, and every move of the
//! lifecycle, whether it comes from a command, a button, a message, a topic closed by hand or a
//! timer. All of them end in [`apply`], which asks the domain and writes the result.

use entity::tickets::Model as Ticket;
use tracing::instrument;

use super::effects::{CardMenu, Change, Effect, Notice, TicketSummary};
use super::{display_name, AppResult, Caller, Ctx, Origin, Work};
use crate::domain::ids::UserId;
use crate::domain::permissions::{Perm, Subject};
use crate::domain::ticket::{
    Actor, Command, Event, Priority, Status, TicketState, TransitionError,
};
use crate::metrics::Metrics;
use crate::store::{self, audit::Entry, timers::TimerKind, users::Profile};

/// How a use case finds its ticket: by the topic it was invoked in, or by id (buttons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketRef {
    Topic { chat: i64, thread: i32 },
    Id(i64),
}

/// Whom `/assign` names: free text (`@username` or a numeric id) or a picked agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignTarget {
    Query(String),
    User(i64),
}

/// What an agent asks of a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Claim,
    Assign {
        target: AssignTarget,
        note: Option<String>,
    },
    Unassign,
    Pending,
    Resolve,
    Close,
    Reopen,
    /// `None` when the argument was not a priority.
    Priority(Option<Priority>),
    Info,
    ShowMenu(CardMenu),
}

/// A message written in a topic of a connected group.
#[derive(Debug, Clone)]
pub struct TopicMessage {
    pub chat: i64,
    pub thread: i32,
    pub message_id: i32,
    pub from: Profile,
    pub text: Option<String>,
    pub is_command: bool,
    /// The topic's name when Telegram tells it (the creation service message the message
    /// replies to), for topics the bot never saw created.
    pub topic_name: Option<String>,
}

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

fn state_of(t: &Ticket) -> TicketState {
    TicketState {
        status: t.status.parse().unwrap_or(Status::Open),
        assignee: t.assignee_id.map(UserId),
        priority: t.priority.parse().unwrap_or_default(),
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
            )
            .await?;
        }
    }
    w.commit().await
}

async fn create(
    w: &mut Work,
    metrics: &Metrics,
    workspace: i64,
    chat: i64,
    thread: i32,
    subject: &str,
    customer: i64,
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
            status: Status::Open.as_str().to_owned(),
            priority: Priority::default().as_str().to_owned(),
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
        let summary = summarize(&w.tx, &ticket, w.now).await?;
        w.post(staff, Notice::NewTicket { ticket: summary }).await?;
    }
    Metrics::inc(&metrics.tickets_created);
    let ticket = super::sla::start(w, ticket).await?;
    let ticket = super::routing::intake(w, ticket).await?;
    super::sla::on_created(w, ticket).await
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
            create(
                &mut w,
                &ctx.metrics,
                group.workspace_id,
                m.chat,
                m.thread,
                &name,
                m.from.id,
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
        super::team::subject(&w.tx, &ws, m.from.id, w.now).await?
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
    ticket.status = next.status.as_str().to_owned();
    ticket.assignee_id = next.assignee.map(|u| u.0);
    ticket.priority = next.priority.as_str().to_owned();
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
        Event::AssigneeChanged { note, .. } => note.as_deref(),
        _ => None,
    });
    let saved = super::sla::on_change(w, &before, saved, actor).await?;
    super::routing::after_change(w, &before, &saved, actor, note).await?;
    Ok(Ok((saved, events)))
}

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
    if !super::team::authorize(&mut w, caller, &ws, Perm::WorkTickets).await? {
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
            let summary = summarize(&w.tx, &ticket, w.now).await?;
            w.effect(Effect::SendPrivate {
                user: caller.profile.id,
                notice: Notice::TicketInfo { ticket: summary },
                fallback: Some((ticket.chat_id, Some(ticket.thread_id))),
            })
            .await?;
            if let super::effects::ReplyTo::Callback { .. } = caller.reply {
                w.reply(caller, Notice::Ok).await?;
            }
            return w.commit().await;
        }
        Action::ShowMenu(CardMenu::Assign) => {
            // The picker shows every agent's load: staff only, so it goes to the presser
            // privately, never into the topic the customer reads.
            let agents = super::routing::agent_choices(&w.tx, ws.id, w.now).await?;
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
    let from_status = ticket.status.clone();
    match apply(&mut w, ticket, &cmd, Actor::User(me), ApplyOpts::default()).await? {
        Err(TransitionError::AlreadyAssigned(u)) => {
            let name = display_name(store::users::get(&w.tx, u.0).await?.as_ref(), u.0);
            w.reply(caller, Notice::AlreadyAssigned { number, name })
                .await?;
        }
        Err(TransitionError::NotAllowed {
            action, allowed, ..
        }) => {
            let status = from_status
                .parse::<Status>()
                .map(|s| s.to_string())
                .unwrap_or(from_status);
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
                return Ok(Some(Change::Status { to: to.to_string() }))
            }
            Event::PriorityChanged { to, .. } => {
                return Ok(Some(Change::Priority { to: to.to_string() }))
            }
            Event::AssigneeChanged { .. } => {}
        }
    }
    Ok(None)
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
        if t.status == Status::Resolved.as_str() {
            let hours = chrono::Duration::hours(ws.auto_close_hours.into());
            let due = t.resolved_at.map_or(w.now, |r| r + hours).max(w.now);
            w.set_timer(TimerKind::AutoClose, t.id, due).await?;
        }
        if let Some(until) = t.intake_until {
            w.set_timer(TimerKind::IntakeTimeout, t.id, until.max(w.now))
                .await?;
        }
        if t.status == Status::Open.as_str() && t.assignee_id.is_none() && !t.unassigned_alerted {
            super::routing::arm_unassigned_alert(w, &t).await?;
        }
        super::sla::rearm(w, t).await?;
    }
    w.reroute(workspace);
    Ok(())
}

/// Whether `user` is a member of the workspace who may work tickets now.
async fn may_work_tickets(w: &Work, workspace: i64, user: i64) -> AppResult<bool> {
    let Some(ws) = store::workspaces::get(&w.tx, workspace).await? else {
        return Ok(false);
    };
    Ok(super::team::subject(&w.tx, &ws, user, w.now)
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

/// The auto-close timer fired: close the ticket if it is still resolved. Runs inside the
/// scheduler's transaction that took the timer, so it happens once.
pub async fn auto_close(w: &mut Work, ticket: i64) -> AppResult<()> {
    let Some(t) = store::tickets::get_locked(&w.tx, ticket).await? else {
        return Ok(());
    };
    if t.status != Status::Resolved.as_str() {
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

/// A snapshot for messages that describe a ticket.
pub async fn summarize<C: sea_orm::ConnectionTrait>(
    db: &C,
    t: &Ticket,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<TicketSummary> {
    let (first_response_sla, resolution_sla) = super::sla::lines(db, t, now).await?;
    let customer = display_name(
        store::users::get(db, t.customer_id).await?.as_ref(),
        t.customer_id,
    );
    let assignee = match t.assignee_id {
        Some(a) => Some(display_name(store::users::get(db, a).await?.as_ref(), a)),
        None => None,
    };
    let fmt = |d: chrono::DateTime<chrono::Utc>| d.format("%Y-%m-%d %H:%M UTC").to_string();
    Ok(TicketSummary {
        id: t.id,
        number: t.number,
        subject: t.subject.clone(),
        status: t.status.clone(),
        priority: t.priority.clone(),
        customer,
        assignee,
        chat_id: t.chat_id,
        thread_id: t.thread_id,
        created_at: fmt(t.created_at),
        first_response_at: t.first_response_at.map(fmt),
        resolved_at: t.resolved_at.map(fmt),
        closed_at: t.closed_at.map(fmt),
        messages: store::tickets::count_messages(db, t.id).await?,
        csat: t.csat_score,
        topic_deleted: t.topic_deleted_at.is_some(),
        first_response_sla,
        resolution_sla,
        escalation_level: t.escalation_level,
        tags: store::tags::of(db, t.workspace_id, store::tags::On::Ticket(t.id)).await?,
        customer_tags: store::tags::of(
            db,
            t.workspace_id,
            store::tags::On::Customer(t.customer_id),
        )
        .await?,
    })
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
    if !super::team::authorize(w, caller, &ws, Perm::WorkTickets).await? {
        return Ok(None);
    }
    let t = store::tickets::get_locked(&w.tx, t.id).await?.unwrap_or(t);
    Ok(Some((t, ws)))
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
