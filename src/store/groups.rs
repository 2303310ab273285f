//! Connected support groups and the topics excluded from ticketing.

use chrono::{DateTime, Utc};
use entity::{excluded_topics, support_groups};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

pub async fn get<C: ConnectionTrait>(
    db: &C,
    chat: i64,
) -> Result<Option<support_groups::Model>, DbErr> {
    support_groups::Entity::find_by_id(chat).one(db).await
}

pub async fn connect<C: ConnectionTrait>(
    db: &C,
    chat: i64,
    workspace: i64,
    title: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    support_groups::Entity::insert(support_groups::ActiveModel {
        chat_id: Set(chat),
        workspace_id: Set(workspace),
        title: Set(title.to_owned()),
        connected_by: Set(by),
        connected_at: Set(now),
        routing_strategy: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn disconnect<C: ConnectionTrait>(db: &C, chat: i64) -> Result<(), DbErr> {
    support_groups::Entity::delete_by_id(chat).exec(db).await?;
    Ok(())
}

pub async fn is_excluded<C: ConnectionTrait>(
    db: &C,
    chat: i64,
    thread: i32,
) -> Result<bool, DbErr> {
    Ok(excluded_topics::Entity::find()
        .filter(excluded_topics::Column::ChatId.eq(chat))
        .filter(excluded_topics::Column::ThreadId.eq(thread))
        .one(db)
        .await?
        .is_some())
}

/// Marks a topic excluded; returns false when it already was.
pub async fn exclude<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    chat: i64,
    thread: i32,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    if is_excluded(db, chat, thread).await? {
        return Ok(false);
    }
    excluded_topics::Entity::insert(excluded_topics::ActiveModel {
        workspace_id: Set(workspace),
        chat_id: Set(chat),
        thread_id: Set(thread),
        excluded_by: Set(by),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(true)
}

/// Removes the exclusion; returns false when the topic was not excluded.
pub async fn include<C: ConnectionTrait>(db: &C, chat: i64, thread: i32) -> Result<bool, DbErr> {
    let res = excluded_topics::Entity::delete_many()
        .filter(excluded_topics::Column::ChatId.eq(chat))
        .filter(excluded_topics::Column::ThreadId.eq(thread))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}
