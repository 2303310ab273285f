//! Retention (SPEC §11): the SQL that forgets message bodies past a workspace's
//! `message_retention_days`. Every statement touches at most one batch of rows, so the purge
//! never holds a long lock; running it twice (two replicas) changes nothing more.

use chrono::{DateTime, Utc};
use entity::{inbox, ticket_messages, tickets, workspaces};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// Rows changed per statement.
pub const BATCH: u64 = 500;

/// What the purge needs to know of a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub workspace_id: i64,
    pub retention_days: i32,
    pub store_bodies: bool,
}

/// Every workspace's retention policy, in id order.
pub async fn policies<C: ConnectionTrait>(db: &C) -> Result<Vec<Policy>, DbErr> {
    let rows = workspaces::Entity::find()
        .order_by_asc(workspaces::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|w| Policy {
            workspace_id: w.id,
            retention_days: w.message_retention_days,
            store_bodies: w.store_message_bodies,
        })
        .collect())
}

/// Clears the bodies of at most `BATCH` messages of `workspace`'s tickets logged before
/// `before`; returns how many were cleared (0: nothing is left to clear).
pub async fn purge_message_batch<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    before: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let batch = Query::select()
        .column((ticket_messages::Entity, ticket_messages::Column::Id))
        .from(ticket_messages::Entity)
        .inner_join(
            tickets::Entity,
            Expr::col((tickets::Entity, tickets::Column::Id))
                .equals((ticket_messages::Entity, ticket_messages::Column::TicketId)),
        )
        .and_where(Expr::col((tickets::Entity, tickets::Column::WorkspaceId)).eq(workspace))
        .and_where(
            Expr::col((ticket_messages::Entity, ticket_messages::Column::Body)).is_not_null(),
        )
        .and_where(
            Expr::col((ticket_messages::Entity, ticket_messages::Column::CreatedAt)).lt(before),
        )
        .limit(BATCH)
        .to_owned();
    let res = ticket_messages::Entity::update_many()
        .col_expr(
            ticket_messages::Column::Body,
            Expr::value(Option::<String>::None),
        )
        .filter(
            Expr::col((ticket_messages::Entity, ticket_messages::Column::Id)).in_subquery(batch),
        )
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Updates not handled yet that arrived before `before` and still carry a payload, at most
/// `BATCH`, from update id `after` on: (update id, payload).
pub async fn unhandled_updates<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
    after: i64,
) -> Result<Vec<(i64, String)>, DbErr> {
    let rows = inbox::Entity::find()
        .filter(inbox::Column::ProcessedAt.is_null())
        .filter(inbox::Column::ReceivedAt.lt(before))
        .filter(inbox::Column::UpdateId.gt(after))
        .order_by_asc(inbox::Column::UpdateId)
        .limit(BATCH)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.update_id, r.payload)).collect())
}

/// Replaces an unhandled update's payload (with its redacted form), unless it was handled
/// meanwhile. Returns whether it changed.
pub async fn replace_payload<C: ConnectionTrait>(
    db: &C,
    update_id: i64,
    payload: &str,
) -> Result<bool, DbErr> {
    let res = inbox::Entity::update_many()
        .col_expr(inbox::Column::Payload, Expr::value(payload))
        .filter(inbox::Column::UpdateId.eq(update_id))
        .filter(inbox::Column::ProcessedAt.is_null())
        .filter(inbox::Column::Payload.ne(payload))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

pub async fn set_retention_days<C: ConnectionTrait>(
    db: &C,
    id: i64,
    days: i32,
) -> Result<(), DbErr> {
    workspaces::Entity::update_many()
        .col_expr(workspaces::Column::MessageRetentionDays, Expr::value(days))
        .filter(workspaces::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_webhook_bodies<C: ConnectionTrait>(
    db: &C,
    id: i64,
    on: bool,
) -> Result<(), DbErr> {
    workspaces::Entity::update_many()
        .col_expr(workspaces::Column::WebhookIncludeBodies, Expr::value(on))
        .filter(workspaces::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
