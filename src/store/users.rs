//! Telegram users the bot has seen, and their membership in workspaces.

use chrono::{DateTime, Utc};
use entity::{members, users};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Func, OnConflict},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use crate::domain::team::Role;

/// What Telegram told us about a person in the update being handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
}

/// Inserts or refreshes a user's names. `started_bot` only ever turns on here (a private message
/// proves the person started the bot).
pub async fn upsert<C: ConnectionTrait>(
    db: &C,
    p: &Profile,
    started_bot: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut update_cols = vec![
        users::Column::FirstName,
        users::Column::LastName,
        users::Column::Username,
        users::Column::UpdatedAt,
    ];
    if started_bot {
        update_cols.push(users::Column::StartedBot);
    }
    users::Entity::insert(users::ActiveModel {
        id: Set(p.id),
        first_name: Set(p.first_name.clone()),
        last_name: Set(p.last_name.clone()),
        username: Set(p.username.clone()),
        started_bot: Set(started_bot),
        current_workspace_id: Set(None),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(users::Column::Id)
            .update_columns(update_cols)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn get<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find_by_id(id).one(db).await
}

/// Looks a person up by `@username` (case-insensitive) among users the bot has seen.
pub async fn by_username<C: ConnectionTrait>(
    db: &C,
    username: &str,
) -> Result<Option<users::Model>, DbErr> {
    let wanted = username.trim_start_matches('@').to_lowercase();
    users::Entity::find()
        .filter(Expr::expr(Func::lower(Expr::col(users::Column::Username))).eq(wanted))
        .one(db)
        .await
}

pub async fn set_current_workspace<C: ConnectionTrait>(
    db: &C,
    user: i64,
    workspace: i64,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::CurrentWorkspaceId, Expr::value(workspace))
        .filter(users::Column::Id.eq(user))
        .exec(db)
        .await?;
    Ok(())
}

/// The person's role in the workspace, if they belong to it.
pub async fn role_in<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
) -> Result<Option<Role>, DbErr> {
    let row = members::Entity::find()
        .filter(members::Column::WorkspaceId.eq(workspace))
        .filter(members::Column::UserId.eq(user))
        .one(db)
        .await?;
    Ok(row.map(|m| m.role.into()))
}

/// Every workspace the person belongs to, oldest membership first.
pub async fn memberships<C: ConnectionTrait>(
    db: &C,
    user: i64,
) -> Result<Vec<members::Model>, DbErr> {
    members::Entity::find()
        .filter(members::Column::UserId.eq(user))
        .order_by_asc(members::Column::Id)
        .all(db)
        .await
}

/// The workspace's people with their user rows, for the Assign… menu and notifications.
pub async fn members_of<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
) -> Result<Vec<(members::Model, Option<users::Model>)>, DbErr> {
    let rows = members::Entity::find()
        .filter(members::Column::WorkspaceId.eq(workspace))
        .order_by_asc(members::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for m in rows {
        let u = get(db, m.user_id).await?;
        out.push((m, u));
    }
    Ok(out)
}

/// Display name of a person: "First Last (@user)", or their id if the bot never saw them.
pub fn display_name(u: Option<&users::Model>, id: i64) -> String {
    match u {
        Some(u) => {
            let mut s = u.first_name.clone();
            if let Some(l) = &u.last_name {
                s.push(' ');
                s.push_str(l);
            }
            if let Some(n) = &u.username {
                s.push_str(&format!(" (@{n})"));
            }
            s
        }
        None => format!("user {id}"),
    }
}
