//! Tickets and their message log.

use chrono::{DateTime, Utc};
use entity::{support_groups, ticket_messages, tickets};

use crate::domain::ticket::{Priority, Status};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query, SimpleExpr},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// The fields a new ticket starts with; the rest are defaults.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub workspace_id: i64,
    pub number: i64,
    pub chat_id: i64,
    pub thread_id: i32,
    pub subject: String,
    pub customer_id: i64,
    pub status: Status,
    pub priority: Priority,
}

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    t: NewTicket,
    now: DateTime<Utc>,
) -> Result<tickets::Model, DbErr> {
    tickets::ActiveModel {
        workspace_id: Set(t.workspace_id),
        number: Set(t.number),
        chat_id: Set(t.chat_id),
        thread_id: Set(t.thread_id),
        subject: Set(t.subject),
        customer_id: Set(t.customer_id),
        status: Set(t.status.into()),
        priority: Set(t.priority.into()),
        assignee_id: Set(None),
        card_message_id: Set(None),
        topic_renamed: Set(false),
        topic_deleted_at: Set(None),
        csat_score: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        first_response_at: Set(None),
        resolved_at: Set(None),
        closed_at: Set(None),
        last_customer_message_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn get<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<tickets::Model>, DbErr> {
    tickets::Entity::find_by_id(id).one(db).await
}

/// Loads a ticket and locks its row until the transaction ends (PostgreSQL), so two handlers
/// deciding on the same ticket take turns. Its workspace is locked first: the daemon's one lock
/// order (see [`super::workspaces::lock`]).
/// A ticket by its number in a workspace (`/ticket 12`).
pub async fn by_number<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    number: i64,
) -> Result<Option<tickets::Model>, DbErr> {
    tickets::Entity::find()
        .filter(tickets::Column::WorkspaceId.eq(workspace))
        .filter(tickets::Column::Number.eq(number))
        .one(db)
        .await
}

pub async fn get_locked<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<tickets::Model>, DbErr> {
    let Some(t) = get(db, id).await? else {
        return Ok(None);
    };
    super::workspaces::lock(db, t.workspace_id).await?;
    tickets::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await
}

/// The ticket of a topic in the group's *current* workspace. A group that was disconnected (or
/// moved to another workspace) has no tickets any more as far as what is written in it goes:
/// the old workspace keeps its tickets, read-only.
pub async fn by_topic<C: ConnectionTrait>(
    db: &C,
    chat: i64,
    thread: i32,
) -> Result<Option<tickets::Model>, DbErr> {
    let Some(group) = super::groups::get(db, chat).await? else {
        return Ok(None);
    };
    tickets::Entity::find()
        .filter(tickets::Column::WorkspaceId.eq(group.workspace_id))
        .filter(tickets::Column::ChatId.eq(chat))
        .filter(tickets::Column::ThreadId.eq(thread))
        .one(db)
        .await
}

/// Whether the ticket's group is still connected to the ticket's workspace. Tickets of a group
/// that left (disconnected, the bot removed, moved elsewhere) stay for the record, read-only:
/// nothing moves them and their timers do nothing.
pub async fn is_live<C: ConnectionTrait>(db: &C, t: &tickets::Model) -> Result<bool, DbErr> {
    Ok(super::groups::get(db, t.chat_id)
        .await?
        .is_some_and(|g| g.workspace_id == t.workspace_id))
}

/// The condition "the ticket's group is still connected to its workspace", for queries over
/// many tickets (routing's backlog and loads, the queue).
pub fn live() -> SimpleExpr {
    let sub = Query::select()
        .column((support_groups::Entity, support_groups::Column::ChatId))
        .from(support_groups::Entity)
        .and_where(
            Expr::col((support_groups::Entity, support_groups::Column::WorkspaceId))
                .equals((tickets::Entity, tickets::Column::WorkspaceId)),
        )
        .to_owned();
    Expr::col((tickets::Entity, tickets::Column::ChatId)).in_subquery(sub)
}

/// The tickets of a group in a workspace that are not closed, oldest first.
pub async fn not_closed_in_group<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    chat: i64,
) -> Result<Vec<tickets::Model>, DbErr> {
    tickets::Entity::find()
        .filter(tickets::Column::WorkspaceId.eq(workspace))
        .filter(tickets::Column::ChatId.eq(chat))
        .filter(tickets::Column::Status.ne("closed"))
        .order_by_asc(tickets::Column::Id)
        .all(db)
        .await
}

/// Writes every field of the (changed) model back.
pub async fn save<C: ConnectionTrait>(db: &C, t: tickets::Model) -> Result<tickets::Model, DbErr> {
    let mut am: tickets::ActiveModel = t.into();
    am = am.reset_all();
    am.update(db).await
}

pub async fn set_card_message<C: ConnectionTrait>(
    db: &C,
    id: i64,
    message_id: i32,
) -> Result<(), DbErr> {
    tickets::Entity::update_many()
        .col_expr(tickets::Column::CardMessageId, Expr::value(message_id))
        .filter(tickets::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_topic_renamed<C: ConnectionTrait>(db: &C, id: i64) -> Result<(), DbErr> {
    tickets::Entity::update_many()
        .col_expr(tickets::Column::TopicRenamed, Expr::value(true))
        .filter(tickets::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records that the topic is gone in Telegram (deleted by someone), once: true the first time.
pub async fn mark_topic_deleted<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = tickets::Entity::update_many()
        .col_expr(tickets::Column::TopicDeletedAt, Expr::value(now))
        .filter(tickets::Column::Id.eq(id))
        .filter(tickets::Column::TopicDeletedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
}

/// One logged message.
#[derive(Debug, Clone)]
pub struct LoggedMessage {
    pub ticket_id: i64,
    pub tg_message_id: i32,
    pub sender_id: i64,
    pub role: &'static str,
    pub is_command: bool,
    pub body: Option<String>,
}

/// Logs a message once; returns false when this Telegram message was already logged (a
/// redelivered update), in which case the caller must not act on it again.
pub async fn log_message<C: ConnectionTrait>(
    db: &C,
    m: LoggedMessage,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = ticket_messages::Entity::insert(ticket_messages::ActiveModel {
        ticket_id: Set(m.ticket_id),
        tg_message_id: Set(m.tg_message_id),
        sender_id: Set(m.sender_id),
        role: Set(m.role.to_owned()),
        is_command: Set(m.is_command),
        body: Set(m.body),
        created_at: Set(now),
        edited_at: Set(None),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([
        ticket_messages::Column::TicketId,
        ticket_messages::Column::TgMessageId,
    ])
    .exec_without_returning(db)
    .await?;
    Ok(matches!(res, sea_orm::TryInsertResult::Inserted(n) if n > 0))
}

/// Applies an edit to a logged message (the body only if bodies are stored).
pub async fn edit_message<C: ConnectionTrait>(
    db: &C,
    ticket: i64,
    tg_message_id: i32,
    body: Option<String>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = ticket_messages::Entity::update_many()
        .col_expr(ticket_messages::Column::Body, Expr::value(body))
        .col_expr(ticket_messages::Column::EditedAt, Expr::value(now))
        .filter(ticket_messages::Column::TicketId.eq(ticket))
        .filter(ticket_messages::Column::TgMessageId.eq(tg_message_id))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

pub async fn messages<C: ConnectionTrait>(
    db: &C,
    ticket: i64,
) -> Result<Vec<ticket_messages::Model>, DbErr> {
    ticket_messages::Entity::find()
        .filter(ticket_messages::Column::TicketId.eq(ticket))
        .order_by_asc(ticket_messages::Column::Id)
        .all(db)
        .await
}

/// How many messages the ticket has, for `/info`.
pub async fn count_messages<C: ConnectionTrait>(db: &C, ticket: i64) -> Result<i64, DbErr> {
    let n: Option<i64> = ticket_messages::Entity::find()
        .select_only()
        .column_as(ticket_messages::Column::Id.count(), "n")
        .filter(ticket_messages::Column::TicketId.eq(ticket))
        .into_tuple()
        .one(db)
        .await?;
    Ok(n.unwrap_or(0))
}
