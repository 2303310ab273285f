//! Ticket and customer tags.

use chrono::{DateTime, Utc};
use entity::tags;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

/// What a tag is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    Ticket(i64),
    Customer(i64),
}

impl On {
    fn parts(self) -> (&'static str, i64) {
        match self {
            On::Ticket(id) => ("ticket", id),
            On::Customer(id) => ("customer", id),
        }
    }
}

/// The tags of a ticket or customer, alphabetically.
pub async fn of<C: ConnectionTrait>(db: &C, workspace: i64, on: On) -> Result<Vec<String>, DbErr> {
    let (kind, id) = on.parts();
    Ok(tags::Entity::find()
        .filter(tags::Column::WorkspaceId.eq(workspace))
        .filter(tags::Column::SubjectKind.eq(kind))
        .filter(tags::Column::SubjectId.eq(id))
        .order_by_asc(tags::Column::Tag)
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.tag)
        .collect())
}

/// Adds a tag; false if it was there already.
pub async fn add<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    on: On,
    tag: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let (kind, id) = on.parts();
    let res = tags::Entity::insert(tags::ActiveModel {
        workspace_id: Set(workspace),
        subject_kind: Set(kind.to_owned()),
        subject_id: Set(id),
        tag: Set(tag.to_owned()),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([
        tags::Column::WorkspaceId,
        tags::Column::SubjectKind,
        tags::Column::SubjectId,
        tags::Column::Tag,
    ])
    .exec_without_returning(db)
    .await?;
    Ok(matches!(res, sea_orm::TryInsertResult::Inserted(n) if n > 0))
}

/// Removes a tag; false if it was not there.
pub async fn remove<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    on: On,
    tag: &str,
) -> Result<bool, DbErr> {
    let (kind, id) = on.parts();
    let res = tags::Entity::delete_many()
        .filter(tags::Column::WorkspaceId.eq(workspace))
        .filter(tags::Column::SubjectKind.eq(kind))
        .filter(tags::Column::SubjectId.eq(id))
        .filter(tags::Column::Tag.eq(tag))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}
