//! Knowledge-base queries: articles, their full-text search, the articles posted into tickets,
//! and each workspace's external search setting. Every query names the workspace: an id of
//! another workspace finds nothing.
//!
//! Search is the backend's own full-text engine, ranked: SQLite's FTS5 with `bm25` (title
//! weighted 5, tags 2, body 1), PostgreSQL's weighted `tsvector` with `ts_rank` (title A,
//! tags B, body C). Both are asked for any of the plain words `domain::kb::query_terms` kept,
//! and ties go to the older article, so both backends rank alike.

use chrono::{DateTime, Utc};
use entity::{kb_articles, kb_links, kb_settings};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Statement,
};

use crate::domain::kb::{fts5_query, websearch, Article};

/// One search hit: what a list or a button shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub id: i64,
    pub title: String,
    pub url: Option<String>,
}

/// The article as the domain reads it.
pub fn article_of(m: &kb_articles::Model) -> Article {
    Article {
        title: m.title.clone(),
        body: m.body.clone(),
        tags: m
            .tags
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        url: m.url.clone(),
    }
}

pub async fn count<C: ConnectionTrait>(db: &C, workspace: i64) -> Result<u64, DbErr> {
    kb_articles::Entity::find()
        .filter(kb_articles::Column::WorkspaceId.eq(workspace))
        .count(db)
        .await
}

/// One page of the workspace's articles, by title.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    page: u64,
    per_page: u64,
) -> Result<Vec<kb_articles::Model>, DbErr> {
    kb_articles::Entity::find()
        .filter(kb_articles::Column::WorkspaceId.eq(workspace))
        .order_by_asc(kb_articles::Column::Title)
        .order_by_asc(kb_articles::Column::Id)
        .offset(page.saturating_mul(per_page))
        .limit(per_page)
        .all(db)
        .await
}

/// An article of this workspace.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    id: i64,
) -> Result<Option<kb_articles::Model>, DbErr> {
    kb_articles::Entity::find_by_id(id)
        .filter(kb_articles::Column::WorkspaceId.eq(workspace))
        .one(db)
        .await
}

/// Adds an article (its index entry is written in the same transaction).
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    a: &Article,
    now: DateTime<Utc>,
) -> Result<kb_articles::Model, DbErr> {
    kb_articles::Entity::insert(kb_articles::ActiveModel {
        workspace_id: Set(workspace),
        title: Set(a.title.clone()),
        body: Set(a.body.clone()),
        tags: Set(a.tags.join(",")),
        url: Set(a.url.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await
}

/// Replaces an article of this workspace; the article as it was, `None` if there is none.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    id: i64,
    a: &Article,
    now: DateTime<Utc>,
) -> Result<Option<kb_articles::Model>, DbErr> {
    let Some(old) = get(db, workspace, id).await? else {
        return Ok(None);
    };
    kb_articles::Entity::update_many()
        .filter(kb_articles::Column::Id.eq(id))
        .filter(kb_articles::Column::WorkspaceId.eq(workspace))
        .col_expr(kb_articles::Column::Title, a.title.clone().into())
        .col_expr(kb_articles::Column::Body, a.body.clone().into())
        .col_expr(kb_articles::Column::Tags, a.tags.join(",").into())
        .col_expr(kb_articles::Column::Url, a.url.clone().into())
        .col_expr(kb_articles::Column::UpdatedAt, now.into())
        .exec(db)
        .await?;
    Ok(Some(old))
}

/// Deletes an article of this workspace and its links to tickets; the article as it was.
pub async fn delete<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    id: i64,
) -> Result<Option<kb_articles::Model>, DbErr> {
    let Some(old) = get(db, workspace, id).await? else {
        return Ok(None);
    };
    kb_links::Entity::delete_many()
        .filter(kb_links::Column::WorkspaceId.eq(workspace))
        .filter(kb_links::Column::ArticleId.eq(id))
        .exec(db)
        .await?;
    kb_articles::Entity::delete_many()
        .filter(kb_articles::Column::Id.eq(id))
        .filter(kb_articles::Column::WorkspaceId.eq(workspace))
        .exec(db)
        .await?;
    Ok(Some(old))
}

/// The workspace's articles matching any of `terms`, best first, at most `limit`.
pub async fn search<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    terms: &[String],
    limit: u64,
) -> Result<Vec<Hit>, DbErr> {
    if terms.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let stmt = match backend {
        DbBackend::Sqlite => Statement::from_sql_and_values(
            backend,
            "SELECT a.id AS id, a.title AS title, a.url AS url \
             FROM kb_articles_fts f JOIN kb_articles a ON a.id = f.rowid \
             WHERE kb_articles_fts MATCH ? AND a.workspace_id = ? \
             ORDER BY bm25(kb_articles_fts, 5.0, 1.0, 2.0) ASC, a.id ASC LIMIT ?",
            [fts5_query(terms).into(), workspace.into(), limit.into()],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            "SELECT a.id AS id, a.title AS title, a.url AS url \
             FROM kb_articles a, websearch_to_tsquery('english', $1) q \
             WHERE a.workspace_id = $2 AND a.search @@ q \
             ORDER BY ts_rank(a.search, q, 1) DESC, a.id ASC LIMIT $3",
            [websearch(terms).into(), workspace.into(), limit.into()],
        ),
    };
    let mut hits = Vec::new();
    for row in db.query_all_raw(stmt).await? {
        hits.push(Hit {
            id: row.try_get("", "id")?,
            title: row.try_get("", "title")?,
            url: row.try_get("", "url")?,
        });
    }
    Ok(hits)
}

/// Records that an article was posted into a ticket; false if it had been already.
pub async fn link<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    ticket: i64,
    article: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = kb_links::Entity::insert(kb_links::ActiveModel {
        workspace_id: Set(workspace),
        ticket_id: Set(ticket),
        article_id: Set(article),
        posted_by: Set(by),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([kb_links::Column::TicketId, kb_links::Column::ArticleId])
    .exec_without_returning(db)
    .await?;
    Ok(matches!(res, sea_orm::TryInsertResult::Inserted(n) if n > 0))
}

/// The articles posted into a ticket of this workspace, oldest first.
pub async fn links<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    ticket: i64,
) -> Result<Vec<kb_links::Model>, DbErr> {
    kb_links::Entity::find()
        .filter(kb_links::Column::WorkspaceId.eq(workspace))
        .filter(kb_links::Column::TicketId.eq(ticket))
        .order_by_asc(kb_links::Column::Id)
        .all(db)
        .await
}

/// The workspace's external search setting, if it ever had one.
pub async fn settings<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
) -> Result<Option<kb_settings::Model>, DbErr> {
    kb_settings::Entity::find_by_id(workspace).one(db).await
}

/// Which external search value to set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalField {
    Url,
    /// The bearer token, already encrypted.
    Token,
}

/// Sets (or with `None` clears) one external search value.
pub async fn set_external<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    field: ExternalField,
    value: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let (col, url, token) = match field {
        ExternalField::Url => (kb_settings::Column::ExternalUrl, value, None),
        ExternalField::Token => (kb_settings::Column::ExternalToken, None, value),
    };
    kb_settings::Entity::insert(kb_settings::ActiveModel {
        workspace_id: Set(workspace),
        external_url: Set(url),
        external_token: Set(token),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(kb_settings::Column::WorkspaceId)
            .update_columns([col, kb_settings::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}
