//! Canned responses and their versions (SPEC §8). Every query names the workspace: a template
//! id from another workspace finds nothing.

use chrono::{DateTime, Utc};
use entity::{template_versions, templates};
use sea_orm::{
    sea_query::Condition, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// A template's name, category and body: what one version holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    pub name: String,
    pub category: String,
    pub body: String,
}

/// Creates a template and its first version.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    author: i64,
    shared: bool,
    content: Content,
    now: DateTime<Utc>,
) -> Result<templates::Model, DbErr> {
    let t = templates::ActiveModel {
        workspace_id: Set(workspace),
        author_id: Set(author),
        shared: Set(shared),
        name: Set(content.name.clone()),
        category: Set(content.category.clone()),
        body: Set(content.body.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    add_version(db, &t, author, now).await?;
    Ok(t)
}

/// Records the template's current content as its version `t.version`.
async fn add_version<C: ConnectionTrait>(
    db: &C,
    t: &templates::Model,
    author: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    template_versions::Entity::insert(template_versions::ActiveModel {
        workspace_id: Set(t.workspace_id),
        template_id: Set(t.id),
        version: Set(t.version),
        name: Set(t.name.clone()),
        category: Set(t.category.clone()),
        body: Set(t.body.clone()),
        author_id: Set(author),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Makes `content` the template's newest version.
pub async fn new_version<C: ConnectionTrait>(
    db: &C,
    t: templates::Model,
    content: Content,
    author: i64,
    now: DateTime<Utc>,
) -> Result<templates::Model, DbErr> {
    let version = t.version + 1;
    let mut am: templates::ActiveModel = t.into();
    am.name = Set(content.name);
    am.category = Set(content.category);
    am.body = Set(content.body);
    am.version = Set(version);
    am.updated_at = Set(now);
    let t = am.update(db).await?;
    add_version(db, &t, author, now).await?;
    Ok(t)
}

/// A template of the workspace.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    id: i64,
) -> Result<Option<templates::Model>, DbErr> {
    templates::Entity::find_by_id(id)
        .filter(templates::Column::WorkspaceId.eq(workspace))
        .one(db)
        .await
}

/// The template `user` means by `name`: their personal one, else the shared one.
pub async fn named<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
    name: &str,
) -> Result<Option<templates::Model>, DbErr> {
    let found = templates::Entity::find()
        .filter(templates::Column::WorkspaceId.eq(workspace))
        .filter(templates::Column::Name.eq(name))
        .filter(
            Condition::any()
                .add(templates::Column::Shared.eq(true))
                .add(templates::Column::AuthorId.eq(user)),
        )
        .all(db)
        .await?;
    let personal = found.iter().find(|t| !t.shared).cloned();
    Ok(personal.or_else(|| found.into_iter().find(|t| t.shared)))
}

/// Whether `name` is taken where a new or renamed template would live: among the shared
/// templates, or among `author`'s personal ones (`except` is the template being renamed).
pub async fn name_taken<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    shared: bool,
    author: i64,
    name: &str,
    except: Option<i64>,
) -> Result<bool, DbErr> {
    let mut q = templates::Entity::find()
        .filter(templates::Column::WorkspaceId.eq(workspace))
        .filter(templates::Column::Name.eq(name))
        .filter(templates::Column::Shared.eq(shared));
    if !shared {
        q = q.filter(templates::Column::AuthorId.eq(author));
    }
    if let Some(id) = except {
        q = q.filter(templates::Column::Id.ne(id));
    }
    Ok(q.count(db).await? > 0)
}

/// How many templates live where a new one would: the shared ones, or `author`'s personal ones.
pub async fn count<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    shared: bool,
    author: i64,
) -> Result<u64, DbErr> {
    let mut q = templates::Entity::find()
        .filter(templates::Column::WorkspaceId.eq(workspace))
        .filter(templates::Column::Shared.eq(shared));
    if !shared {
        q = q.filter(templates::Column::AuthorId.eq(author));
    }
    q.count(db).await
}

/// The templates `user` sees: their personal ones, and the shared ones when `shared`; by
/// category (case-insensitively, no category last) and name.
pub async fn visible<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
    shared: bool,
) -> Result<Vec<templates::Model>, DbErr> {
    let mut mine = Condition::any().add(
        Condition::all()
            .add(templates::Column::Shared.eq(false))
            .add(templates::Column::AuthorId.eq(user)),
    );
    if shared {
        mine = mine.add(templates::Column::Shared.eq(true));
    }
    let mut rows = templates::Entity::find()
        .filter(templates::Column::WorkspaceId.eq(workspace))
        .filter(mine)
        .all(db)
        .await?;
    rows.sort_by_cached_key(|t| {
        (
            t.category.is_empty(),
            t.category.to_lowercase(),
            t.name.clone(),
        )
    });
    Ok(rows)
}

/// A template's versions, newest first, at most `limit`.
pub async fn versions<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    template: i64,
    limit: u64,
) -> Result<Vec<template_versions::Model>, DbErr> {
    template_versions::Entity::find()
        .filter(template_versions::Column::WorkspaceId.eq(workspace))
        .filter(template_versions::Column::TemplateId.eq(template))
        .order_by_desc(template_versions::Column::Version)
        .limit(limit)
        .all(db)
        .await
}

/// One version of a template of the workspace, by the version row's id.
pub async fn version<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    id: i64,
) -> Result<Option<template_versions::Model>, DbErr> {
    template_versions::Entity::find_by_id(id)
        .filter(template_versions::Column::WorkspaceId.eq(workspace))
        .one(db)
        .await
}

/// Deletes a template of the workspace and its versions; false if there was none.
pub async fn delete<C: ConnectionTrait>(db: &C, workspace: i64, id: i64) -> Result<bool, DbErr> {
    let done = templates::Entity::delete_many()
        .filter(templates::Column::WorkspaceId.eq(workspace))
        .filter(templates::Column::Id.eq(id))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Ok(false);
    }
    template_versions::Entity::delete_many()
        .filter(template_versions::Column::WorkspaceId.eq(workspace))
        .filter(template_versions::Column::TemplateId.eq(id))
        .exec(db)
        .await?;
    Ok(true)
}
