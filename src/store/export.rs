//! What CSV exports read: a workspace's audit rows and tickets over a period, a page at a time
//! (keyset on the id), so an export of a long history never holds it all as models at once.

use chrono::{DateTime, Utc};
use entity::{audit_log, tickets};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// Rows read per query.
pub const PAGE: u64 = 1000;

/// The next page of a workspace's audit rows in `[since, until]`, after id `after`.
pub async fn audit_page<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    since: Option<DateTime<Utc>>,
    until: DateTime<Utc>,
    after: i64,
) -> Result<Vec<audit_log::Model>, DbErr> {
    let mut q = audit_log::Entity::find()
        .filter(audit_log::Column::WorkspaceId.eq(workspace))
        .filter(audit_log::Column::Id.gt(after))
        .filter(audit_log::Column::CreatedAt.lte(until));
    if let Some(s) = since {
        q = q.filter(audit_log::Column::CreatedAt.gte(s));
    }
    q.order_by_asc(audit_log::Column::Id)
        .limit(PAGE)
        .all(db)
        .await
}

/// The next page of a workspace's tickets created in `[since, until]`, after id `after`.
pub async fn tickets_page<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    since: Option<DateTime<Utc>>,
    until: DateTime<Utc>,
    after: i64,
) -> Result<Vec<tickets::Model>, DbErr> {
    let mut q = tickets::Entity::find()
        .filter(tickets::Column::WorkspaceId.eq(workspace))
        .filter(tickets::Column::Id.gt(after))
        .filter(tickets::Column::CreatedAt.lte(until));
    if let Some(s) = since {
        q = q.filter(tickets::Column::CreatedAt.gte(s));
    }
    q.order_by_asc(tickets::Column::Id)
        .limit(PAGE)
        .all(db)
        .await
}

/// People's names as exports show them, for the ids given (unknown ids are left out).
pub async fn names<C: ConnectionTrait>(
    db: &C,
    ids: Vec<i64>,
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    let ids: std::collections::BTreeSet<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(entity::users::Entity::find()
        .filter(entity::users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, super::users::display_name(Some(&u), u.id)))
        .collect())
}

/// Ticket numbers by ticket id, within a workspace.
pub async fn numbers<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    ids: Vec<i64>,
) -> Result<std::collections::HashMap<i64, i64>, DbErr> {
    let ids: std::collections::BTreeSet<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(tickets::Entity::find()
        .filter(tickets::Column::WorkspaceId.eq(workspace))
        .filter(tickets::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.number))
        .collect())
}

/// The tags of the given tickets, by ticket id, alphabetically.
pub async fn ticket_tags<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    ids: Vec<i64>,
) -> Result<std::collections::HashMap<i64, Vec<String>>, DbErr> {
    let ids: std::collections::BTreeSet<i64> = ids.into_iter().collect();
    let mut out: std::collections::HashMap<i64, Vec<String>> = Default::default();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows = entity::tags::Entity::find()
        .filter(entity::tags::Column::WorkspaceId.eq(workspace))
        .filter(entity::tags::Column::SubjectKind.eq("ticket"))
        .filter(entity::tags::Column::SubjectId.is_in(ids))
        .order_by_asc(entity::tags::Column::Tag)
        .all(db)
        .await?;
    for t in rows {
        out.entry(t.subject_id).or_default().push(t.tag);
    }
    Ok(out)
}
