//! What agents see and do about the queue: `/available` and `/away`, `/queue` and taking a
//! ticket from it, `/mytickets`.

use chrono::{DateTime, Utc};
use entity::tickets::Model as Ticket;

use super::engine::{agent_choices, team};
use crate::app::effects::{Notice, QueueTicket};
use crate::app::work::access::{begin, begin_for, member_entry};
use crate::app::work::{current_workspace, AppResult, Caller, Ctx, Origin};
use crate::domain::permissions::Perm;
use crate::domain::tags::TagFilter;
use crate::domain::ticket::Priority;
use crate::domain::ticket::Status;
use crate::store::{self};

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
        w.audit(member_entry(
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
    queue_filtered(ctx, origin, caller, screen, &[]).await
}

/// `/queue tag:vip`: [`queue`], counting and listing only the tickets that match `filter`.
pub async fn queue_filtered(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    screen: Option<(i64, i32)>,
    filter: &[TagFilter],
) -> AppResult<()> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::WorkTickets).await? else {
        return Ok(());
    };
    let only = || store::tags::ticket_filter(ws.id, filter);
    let depth = store::routing::active_count_where(&w.tx, ws.id, only()).await?;
    let waiting = store::routing::unassigned_where(&w.tx, ws.id, only()).await?;
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
            filter: filter.to_vec(),
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
        status: Status::from(t.status).as_str().to_owned(),
        priority: Priority::from(t.priority).as_str().to_owned(),
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
    if !crate::app::work::access::authorize(&mut w, caller, &ws, Perm::WorkTickets).await? {
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
    my_tickets_filtered(ctx, origin, caller, &[]).await
}

/// `/mytickets tag:vip`: [`my_tickets`], listing only the tickets that match `filter`.
pub async fn my_tickets_filtered(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    filter: &[TagFilter],
) -> AppResult<()> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::WorkTickets).await? else {
        return Ok(());
    };
    let available = store::team::member(&w.tx, ws.id, caller.profile.id)
        .await?
        .is_some_and(|m| m.available);
    let only = store::tags::ticket_filter(ws.id, filter);
    let tickets = store::routing::tickets_of_where(&w.tx, ws.id, caller.profile.id, only)
        .await?
        .iter()
        .map(|t| queue_row(t, w.now, 0))
        .collect();
    let reminders = crate::app::reminders::reminder_rows(&w.tx, &ws, caller.profile.id).await?;
    w.reply(
        caller,
        Notice::MyTickets {
            workspace: ws.name,
            available,
            tickets,
            reminders,
            filter: filter.to_vec(),
        },
    )
    .await?;
    w.commit().await
}
