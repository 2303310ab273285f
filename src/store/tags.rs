//! Ticket and customer tags: setting them (`/tag`), the Tags screen's counts, renames, merges
//! and deletes, and the ticket filter of `/queue tag:vip`. Every query names the workspace.

use chrono::{DateTime, Utc};
use entity::tags;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::domain::tags::TagFilter;

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

/// A tag of the workspace with how many tickets and customers carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagCount {
    pub tag: String,
    pub tickets: u64,
    pub customers: u64,
}

/// Every tag of the workspace with its counts, by name.
pub async fn counts<C: ConnectionTrait>(db: &C, workspace: i64) -> Result<Vec<TagCount>, DbErr> {
    let rows: Vec<(String, String, i64)> = tags::Entity::find()
        .select_only()
        .column(tags::Column::Tag)
        .column(tags::Column::SubjectKind)
        .column_as(tags::Column::Id.count(), "n")
        .filter(tags::Column::WorkspaceId.eq(workspace))
        .group_by(tags::Column::Tag)
        .group_by(tags::Column::SubjectKind)
        .order_by_asc(tags::Column::Tag)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: Vec<TagCount> = Vec::new();
    for (tag, kind, n) in rows {
        let n = u64::try_from(n).unwrap_or_default();
        let at = match out.last_mut() {
            Some(last) if last.tag == tag => last,
            _ => {
                out.push(TagCount {
                    tag,
                    tickets: 0,
                    customers: 0,
                });
                let last = out.len() - 1;
                &mut out[last]
            }
        };
        match kind.as_str() {
            "customer" => at.customers += n,
            _ => at.tickets += n,
        }
    }
    Ok(out)
}

/// Whether any ticket or customer of the workspace carries `tag`.
pub async fn exists<C: ConnectionTrait>(db: &C, workspace: i64, tag: &str) -> Result<bool, DbErr> {
    Ok(tags::Entity::find()
        .filter(tags::Column::WorkspaceId.eq(workspace))
        .filter(tags::Column::Tag.eq(tag))
        .one(db)
        .await?
        .is_some())
}

/// Renames `from` to `to` everywhere in the workspace. Where a ticket or customer carries both,
/// the two become one (a merge). Returns (rows renamed, rows merged away).
pub async fn rename<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    from: &str,
    to: &str,
) -> Result<(u64, u64), DbErr> {
    if from == to {
        return Ok((0, 0));
    }
    let mut merged = 0;
    for kind in ["ticket", "customer"] {
        let other = Alias::new("carrying");
        let both = Query::select()
            .column((other.clone(), tags::Column::SubjectId))
            .from_as(tags::Entity, other.clone())
            .and_where(Expr::col((other.clone(), tags::Column::WorkspaceId)).eq(workspace))
            .and_where(Expr::col((other.clone(), tags::Column::SubjectKind)).eq(kind))
            .and_where(Expr::col((other, tags::Column::Tag)).eq(to))
            .to_owned();
        merged += tags::Entity::delete_many()
            .filter(tags::Column::WorkspaceId.eq(workspace))
            .filter(tags::Column::SubjectKind.eq(kind))
            .filter(tags::Column::Tag.eq(from))
            .filter(Expr::col((tags::Entity, tags::Column::SubjectId)).in_subquery(both))
            .exec(db)
            .await?
            .rows_affected;
    }
    let renamed = tags::Entity::update_many()
        .col_expr(tags::Column::Tag, Expr::value(to))
        .filter(tags::Column::WorkspaceId.eq(workspace))
        .filter(tags::Column::Tag.eq(from))
        .exec(db)
        .await?
        .rows_affected;
    Ok((renamed, merged))
}

/// Takes `tag` off every ticket and customer of the workspace; how many it was on.
pub async fn delete_everywhere<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    tag: &str,
) -> Result<u64, DbErr> {
    Ok(tags::Entity::delete_many()
        .filter(tags::Column::WorkspaceId.eq(workspace))
        .filter(tags::Column::Tag.eq(tag))
        .exec(db)
        .await?
        .rows_affected)
}

/// The condition on `tickets` that every term of `filter` holds: the ticket carries the tag,
/// or its customer does. Empty for an empty filter.
pub fn ticket_filter(workspace: i64, filter: &[TagFilter]) -> Condition {
    let mut all = Condition::all();
    for term in filter {
        let (kind, column) = match term {
            TagFilter::Ticket(_) => ("ticket", entity::tickets::Column::Id),
            TagFilter::Customer(_) => ("customer", entity::tickets::Column::CustomerId),
        };
        let carrying = Query::select()
            .column((tags::Entity, tags::Column::SubjectId))
            .from(tags::Entity)
            .and_where(Expr::col((tags::Entity, tags::Column::WorkspaceId)).eq(workspace))
            .and_where(Expr::col((tags::Entity, tags::Column::SubjectKind)).eq(kind))
            .and_where(Expr::col((tags::Entity, tags::Column::Tag)).eq(term.tag()))
            .to_owned();
        all = all.add(Expr::col((entity::tickets::Entity, column)).in_subquery(carrying));
    }
    all
}
