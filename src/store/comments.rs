//! Internal comments and the bot's messages about them. Every read names the workspace, so an id
//! from another workspace finds nothing.

use chrono::{DateTime, Utc};
use entity::{comment_messages, comments};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

/// A comment about to be stored.
#[derive(Debug, Clone)]
pub struct NewComment {
    pub workspace_id: i64,
    pub ticket_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub body: String,
    pub file: Option<(String, String)>,
}

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    c: NewComment,
    now: DateTime<Utc>,
) -> Result<comments::Model, DbErr> {
    let (kind, id) = match c.file {
        Some((k, i)) => (Some(k), Some(i)),
        None => (None, None),
    };
    comments::ActiveModel {
        workspace_id: Set(c.workspace_id),
        ticket_id: Set(c.ticket_id),
        parent_id: Set(c.parent_id),
        author_id: Set(c.author_id),
        body: Set(c.body),
        file_kind: Set(kind),
        file_id: Set(id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// One comment of a workspace.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    id: i64,
) -> Result<Option<comments::Model>, DbErr> {
    comments::Entity::find_by_id(id)
        .filter(comments::Column::WorkspaceId.eq(workspace))
        .one(db)
        .await
}

/// The comment an outbox row was written about (the row was written by a use case that had
/// checked its workspace).
pub async fn sent_about<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<comments::Model>, DbErr> {
    comments::Entity::find_by_id(id).one(db).await
}

/// The most comments one thread view reads: a ticket's whole discussion fits many times over,
/// and a ticket flooded with notes cannot make one `/notes` read without bound.
pub const MAX_LISTED: u64 = 200;

/// A ticket's comments, oldest first (at most [`MAX_LISTED`], the newest kept), and how many
/// there are in all.
pub async fn of_ticket<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    ticket: i64,
) -> Result<(Vec<comments::Model>, u64), DbErr> {
    let q = comments::Entity::find()
        .filter(comments::Column::WorkspaceId.eq(workspace))
        .filter(comments::Column::TicketId.eq(ticket));
    let total = sea_orm::PaginatorTrait::count(q.clone(), db).await?;
    let mut rows = q
        .order_by_desc(comments::Column::Id)
        .limit(MAX_LISTED)
        .all(db)
        .await?;
    rows.reverse();
    Ok((rows, total))
}

/// Remembers a message the bot sent about a comment. Sending again after a crash finds the
/// row there already, which is fine.
pub async fn remember_message<C: ConnectionTrait>(
    db: &C,
    chat: i64,
    message_id: i32,
    comment: &comments::Model,
) -> Result<(), DbErr> {
    let exists = comment_messages::Entity::find_by_id((chat, message_id))
        .one(db)
        .await?
        .is_some();
    if !exists {
        comment_messages::ActiveModel {
            chat_id: Set(chat),
            message_id: Set(message_id),
            comment_id: Set(comment.id),
            workspace_id: Set(comment.workspace_id),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The comment a bot message in `chat` was about, if it was about one.
pub async fn by_message<C: ConnectionTrait>(
    db: &C,
    chat: i64,
    message_id: i32,
) -> Result<Option<comments::Model>, DbErr> {
    let Some(link) = comment_messages::Entity::find_by_id((chat, message_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    get(db, link.workspace_id, link.comment_id).await
}
