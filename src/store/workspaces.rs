//! Workspaces: the tenant rows and the counter that numbers their tickets.

use chrono::{DateTime, Utc};
use entity::workspaces;
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QuerySelect,
};

pub async fn create<C: ConnectionTrait>(
    db: &C,
    name: &str,
    owner: i64,
    now: DateTime<Utc>,
) -> Result<workspaces::Model, DbErr> {
    let res = workspaces::Entity::insert(workspaces::ActiveModel {
        name: Set(name.to_owned()),
        owner_id: Set(owner),
        staff_chat_id: Set(None),
        next_ticket_number: Set(1),
        auto_close_hours: Set(72),
        store_message_bodies: Set(true),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    workspaces::Entity::find_by_id(res.last_insert_id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("workspace just created".into()))
}

pub async fn get<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<workspaces::Model>, DbErr> {
    workspaces::Entity::find_by_id(id).one(db).await
}

/// Loads the workspace and locks its row until the transaction ends (PostgreSQL; SQLite has one
/// writer anyway).
///
/// The lock order of the whole daemon: a transaction that writes anything of a workspace locks
/// the workspace row *first* (after its inbox row and the caller's user row), and only then its
/// tickets, timers, seats, members and reminders. Routing's drain, which runs at commit and
/// locks tickets of the whole backlog, needs this order; with it, the inbox, routing and the
/// scheduler never wait on each other in a circle. Locking it again in the same transaction is
/// harmless.
pub async fn lock<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<workspaces::Model>, DbErr> {
    workspaces::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await
}

/// Takes the next ticket number. The row is locked for the rest of the transaction, so numbers
/// are unique and — because the ticket insert shares the transaction — gapless.
pub async fn take_ticket_number<C: ConnectionTrait>(db: &C, id: i64) -> Result<i64, DbErr> {
    let ws = lock(db, id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("workspace {id}")))?;
    workspaces::Entity::update_many()
        .col_expr(
            workspaces::Column::NextTicketNumber,
            Expr::value(ws.next_ticket_number + 1),
        )
        .filter(workspaces::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(ws.next_ticket_number)
}

/// Workspaces whose staff chat is `chat`.
pub async fn with_staff_chat<C: ConnectionTrait>(
    db: &C,
    chat: i64,
) -> Result<Vec<workspaces::Model>, DbErr> {
    workspaces::Entity::find()
        .filter(workspaces::Column::StaffChatId.eq(chat))
        .all(db)
        .await
}

pub async fn set_staff_chat<C: ConnectionTrait>(
    db: &C,
    id: i64,
    chat: Option<i64>,
) -> Result<(), DbErr> {
    workspaces::Entity::update_many()
        .col_expr(workspaces::Column::StaffChatId, Expr::value(chat))
        .filter(workspaces::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_store_bodies<C: ConnectionTrait>(db: &C, id: i64, on: bool) -> Result<(), DbErr> {
    workspaces::Entity::update_many()
        .col_expr(workspaces::Column::StoreMessageBodies, Expr::value(on))
        .filter(workspaces::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_auto_close_hours<C: ConnectionTrait>(
    db: &C,
    id: i64,
    hours: i32,
) -> Result<(), DbErr> {
    workspaces::Entity::update_many()
        .col_expr(workspaces::Column::AutoCloseHours, Expr::value(hours))
        .filter(workspaces::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Notes the time of a CSV export (the once-a-minute limit reads it).
pub async fn set_last_export<C: ConnectionTrait>(
    db: &C,
    id: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    workspaces::Entity::update_many()
        .col_expr(workspaces::Column::LastExportAt, Expr::value(at))
        .filter(workspaces::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
