//! Routing state: the workspace's switches and rotation counter, agents' availability, capacity,
//! skills and turns, loads, the waiting backlog, intake categories and keyword rules.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{categories, keyword_rules, members, support_groups, tickets, workspaces};

use crate::domain::ticket::Priority;
use entity::kinds::TicketStatus;
use sea_orm::{
    sea_query::{Expr, SimpleExpr},
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// Statuses that count against an agent's capacity (SPEC §5).
pub const LOAD_STATUSES: [TicketStatus; 3] = [
    TicketStatus::Assigned,
    TicketStatus::InProgress,
    TicketStatus::Pending,
];

async fn set_ws<C: ConnectionTrait>(
    db: &C,
    id: i64,
    col: workspaces::Column,
    value: SimpleExpr,
) -> Result<(), DbErr> {
    workspaces::Entity::update_many()
        .col_expr(col, value)
        .filter(workspaces::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_strategy<C: ConnectionTrait>(db: &C, id: i64, s: &str) -> Result<(), DbErr> {
    set_ws(db, id, workspaces::Column::RoutingStrategy, Expr::value(s)).await
}

pub async fn set_paused<C: ConnectionTrait>(db: &C, id: i64, on: bool) -> Result<(), DbErr> {
    set_ws(db, id, workspaces::Column::RoutingPaused, Expr::value(on)).await
}

pub async fn set_fallback<C: ConnectionTrait>(db: &C, id: i64, on: bool) -> Result<(), DbErr> {
    set_ws(db, id, workspaces::Column::SkillFallback, Expr::value(on)).await
}

pub async fn set_alert_minutes<C: ConnectionTrait>(db: &C, id: i64, m: i32) -> Result<(), DbErr> {
    set_ws(
        db,
        id,
        workspaces::Column::UnassignedAlertMinutes,
        Expr::value(m),
    )
    .await
}

pub async fn set_intake_timeout<C: ConnectionTrait>(
    db: &C,
    id: i64,
    minutes: i32,
) -> Result<(), DbErr> {
    set_ws(
        db,
        id,
        workspaces::Column::IntakeTimeoutMinutes,
        Expr::value(minutes),
    )
    .await
}

pub async fn set_next_turn<C: ConnectionTrait>(db: &C, id: i64, turn: i64) -> Result<(), DbErr> {
    set_ws(db, id, workspaces::Column::NextTurn, Expr::value(turn)).await
}

pub async fn set_group_strategy<C: ConnectionTrait>(
    db: &C,
    chat: i64,
    s: Option<&str>,
) -> Result<(), DbErr> {
    support_groups::Entity::update_many()
        .col_expr(
            support_groups::Column::RoutingStrategy,
            Expr::value(s.map(str::to_owned)),
        )
        .filter(support_groups::Column::ChatId.eq(chat))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn groups_of<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
) -> Result<Vec<support_groups::Model>, DbErr> {
    support_groups::Entity::find()
        .filter(support_groups::Column::WorkspaceId.eq(workspace))
        .order_by_asc(support_groups::Column::ConnectedAt)
        .all(db)
        .await
}

async fn set_member<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
    col: members::Column,
    value: SimpleExpr,
) -> Result<(), DbErr> {
    members::Entity::update_many()
        .col_expr(col, value)
        .filter(members::Column::WorkspaceId.eq(workspace))
        .filter(members::Column::UserId.eq(user))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_available<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
    on: bool,
) -> Result<(), DbErr> {
    set_member(
        db,
        workspace,
        user,
        members::Column::Available,
        Expr::value(on),
    )
    .await
}

pub async fn set_max_open<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
    max: i32,
) -> Result<(), DbErr> {
    set_member(
        db,
        workspace,
        user,
        members::Column::MaxOpen,
        Expr::value(max),
    )
    .await
}

pub async fn set_skills<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
    skills: &str,
) -> Result<(), DbErr> {
    set_member(
        db,
        workspace,
        user,
        members::Column::Skills,
        Expr::value(skills),
    )
    .await
}

pub async fn set_last_turn<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
    turn: i64,
) -> Result<(), DbErr> {
    set_member(
        db,
        workspace,
        user,
        members::Column::LastTurn,
        Expr::value(turn),
    )
    .await
}

/// Open tickets (assigned, in progress, pending) per assignee.
pub async fn loads<C: ConnectionTrait>(db: &C, workspace: i64) -> Result<HashMap<i64, u32>, DbErr> {
    let rows: Vec<(Option<i64>, i64)> = tickets::Entity::find()
        .select_only()
        .column(tickets::Column::AssigneeId)
        .column_as(tickets::Column::Id.count(), "n")
        .filter(tickets::Column::WorkspaceId.eq(workspace))
        .filter(super::tickets::live())
        .filter(tickets::Column::AssigneeId.is_not_null())
        .filter(tickets::Column::Status.is_in(LOAD_STATUSES))
        .group_by(tickets::Column::AssigneeId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(a, n)| a.map(|a| (a, u32::try_from(n).unwrap_or(u32::MAX))))
        .collect())
}

/// Tickets waiting for an agent: open, nobody assigned, topic still there, and not waiting for
/// the customer's intake pick (unless that wait is over).
pub async fn waiting<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    now: DateTime<Utc>,
) -> Result<Vec<tickets::Model>, DbErr> {
    tickets::Entity::find()
        .filter(tickets::Column::WorkspaceId.eq(workspace))
        .filter(super::tickets::live())
        .filter(tickets::Column::Status.eq("open"))
        .filter(tickets::Column::AssigneeId.is_null())
        .filter(tickets::Column::TopicDeletedAt.is_null())
        .filter(
            Condition::any()
                .add(tickets::Column::IntakeUntil.is_null())
                .add(tickets::Column::IntakeUntil.lte(now)),
        )
        .order_by_asc(tickets::Column::Id)
        .all(db)
        .await
}

/// Every open, unassigned ticket, for `/queue`.
pub async fn unassigned<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
) -> Result<Vec<tickets::Model>, DbErr> {
    unassigned_where(db, workspace, Condition::all()).await
}

/// [`unassigned`], of the tickets that also meet `filter` (`/queue tag:vip`).
pub async fn unassigned_where<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    filter: Condition,
) -> Result<Vec<tickets::Model>, DbErr> {
    tickets::Entity::find()
        .filter(tickets::Column::WorkspaceId.eq(workspace))
        .filter(filter)
        .filter(super::tickets::live())
        .filter(tickets::Column::Status.eq("open"))
        .filter(tickets::Column::AssigneeId.is_null())
        .order_by_asc(tickets::Column::Id)
        .all(db)
        .await
}

/// Tickets not yet resolved or closed, for `/queue`'s depth.
pub async fn active_count<C: ConnectionTrait>(db: &C, workspace: i64) -> Result<u64, DbErr> {
    active_count_where(db, workspace, Condition::all()).await
}

/// [`active_count`], of the tickets that also meet `filter` (`/queue tag:vip`).
pub async fn active_count_where<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    filter: Condition,
) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    tickets::Entity::find()
        .filter(tickets::Column::WorkspaceId.eq(workspace))
        .filter(filter)
        .filter(super::tickets::live())
        .filter(tickets::Column::Status.is_in(["open", "assigned", "in_progress", "pending"]))
        .count(db)
        .await
}

/// The tickets an agent holds that are not closed, newest activity first, for `/mytickets`.
pub async fn tickets_of<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
) -> Result<Vec<tickets::Model>, DbErr> {
    tickets_of_where(db, workspace, user, Condition::all()).await
}

/// [`tickets_of`], of the tickets that also meet `filter` (`/mytickets tag:vip`).
pub async fn tickets_of_where<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
    filter: Condition,
) -> Result<Vec<tickets::Model>, DbErr> {
    tickets::Entity::find()
        .filter(tickets::Column::WorkspaceId.eq(workspace))
        .filter(filter)
        .filter(super::tickets::live())
        .filter(tickets::Column::AssigneeId.eq(user))
        .filter(tickets::Column::Status.is_in(["assigned", "in_progress", "pending", "resolved"]))
        .order_by_asc(tickets::Column::Number)
        .all(db)
        .await
}

pub async fn categories<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
) -> Result<Vec<categories::Model>, DbErr> {
    categories::Entity::find()
        .filter(categories::Column::WorkspaceId.eq(workspace))
        .order_by_asc(categories::Column::Id)
        .all(db)
        .await
}

pub async fn category<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<categories::Model>, DbErr> {
    categories::Entity::find_by_id(id).one(db).await
}

pub async fn add_category<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    name: &str,
    skill: Option<&str>,
    priority: Priority,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    categories::Entity::insert(categories::ActiveModel {
        workspace_id: Set(workspace),
        name: Set(name.to_owned()),
        skill: Set(skill.map(str::to_owned)),
        priority: Set(priority.into()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Deletes a category of this workspace; false if there was none.
pub async fn delete_category<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    id: i64,
) -> Result<bool, DbErr> {
    let res = categories::Entity::delete_many()
        .filter(categories::Column::WorkspaceId.eq(workspace))
        .filter(categories::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

pub async fn keyword_rules<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
) -> Result<Vec<keyword_rules::Model>, DbErr> {
    keyword_rules::Entity::find()
        .filter(keyword_rules::Column::WorkspaceId.eq(workspace))
        .order_by_asc(keyword_rules::Column::Id)
        .all(db)
        .await
}

pub async fn add_keyword_rule<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    keyword: &str,
    skill: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    keyword_rules::Entity::insert(keyword_rules::ActiveModel {
        workspace_id: Set(workspace),
        keyword: Set(keyword.to_owned()),
        skill: Set(skill.to_owned()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Deletes a keyword rule of this workspace; false if there was none.
pub async fn delete_keyword_rule<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    id: i64,
) -> Result<bool, DbErr> {
    let res = keyword_rules::Entity::delete_many()
        .filter(keyword_rules::Column::WorkspaceId.eq(workspace))
        .filter(keyword_rules::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}
