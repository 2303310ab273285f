//! SLA policies, the workspace calendar, escalation rules and reminders.

use chrono::{DateTime, Utc};
use entity::kinds::TicketPriority;
use entity::{escalation_rules, reminders, sla_policies, workspaces};

use crate::domain::ticket::Priority;
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

pub async fn policies<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
) -> Result<Vec<sla_policies::Model>, DbErr> {
    sla_policies::Entity::find()
        .filter(sla_policies::Column::WorkspaceId.eq(workspace))
        .order_by_asc(sla_policies::Column::Id)
        .all(db)
        .await
}

pub async fn policy<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    priority: impl Into<TicketPriority>,
) -> Result<Option<sla_policies::Model>, DbErr> {
    sla_policies::Entity::find()
        .filter(sla_policies::Column::WorkspaceId.eq(workspace))
        .filter(sla_policies::Column::Priority.eq(priority.into()))
        .one(db)
        .await
}

/// The targets of one priority's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    pub first_response_minutes: i32,
    pub resolution_minutes: i32,
    pub business_hours: bool,
    pub warn_percent: i32,
}

/// Creates or replaces the policy of a priority.
pub async fn set_policy<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    priority: Priority,
    t: Targets,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    sla_policies::Entity::insert(sla_policies::ActiveModel {
        workspace_id: Set(workspace),
        priority: Set(priority.into()),
        first_response_minutes: Set(t.first_response_minutes),
        resolution_minutes: Set(t.resolution_minutes),
        business_hours: Set(t.business_hours),
        warn_percent: Set(t.warn_percent),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            sla_policies::Column::WorkspaceId,
            sla_policies::Column::Priority,
        ])
        .update_columns([
            sla_policies::Column::FirstResponseMinutes,
            sla_policies::Column::ResolutionMinutes,
            sla_policies::Column::BusinessHours,
            sla_policies::Column::WarnPercent,
            sla_policies::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn clear_policy<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    priority: &str,
) -> Result<bool, DbErr> {
    let res = sla_policies::Entity::delete_many()
        .filter(sla_policies::Column::WorkspaceId.eq(workspace))
        .filter(sla_policies::Column::Priority.eq(priority))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

/// Which calendar column to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarField {
    TimeZone,
    Week,
    Holidays,
}

pub async fn set_calendar<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    field: CalendarField,
    value: &str,
) -> Result<(), DbErr> {
    let col = match field {
        CalendarField::TimeZone => workspaces::Column::TimeZone,
        CalendarField::Week => workspaces::Column::BusinessWeek,
        CalendarField::Holidays => workspaces::Column::Holidays,
    };
    workspaces::Entity::update_many()
        .col_expr(col, Expr::value(value))
        .filter(workspaces::Column::Id.eq(workspace))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn rules<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
) -> Result<Vec<escalation_rules::Model>, DbErr> {
    escalation_rules::Entity::find()
        .filter(escalation_rules::Column::WorkspaceId.eq(workspace))
        .order_by_asc(escalation_rules::Column::Id)
        .all(db)
        .await
}

pub async fn add_rule<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    trigger: (&str, Option<String>),
    action: (&str, Option<String>),
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    escalation_rules::Entity::insert(escalation_rules::ActiveModel {
        workspace_id: Set(workspace),
        trigger: Set(trigger.0.to_owned()),
        trigger_arg: Set(trigger.1),
        action: Set(action.0.to_owned()),
        action_arg: Set(action.1),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Deletes a rule of this workspace; returns it if there was one.
pub async fn delete_rule<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    id: i64,
) -> Result<Option<escalation_rules::Model>, DbErr> {
    let Some(rule) = escalation_rules::Entity::find_by_id(id)
        .filter(escalation_rules::Column::WorkspaceId.eq(workspace))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    escalation_rules::Entity::delete_by_id(id).exec(db).await?;
    Ok(Some(rule))
}

pub async fn add_reminder<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    ticket: i64,
    user: i64,
    due: DateTime<Utc>,
    text: &str,
    now: DateTime<Utc>,
) -> Result<reminders::Model, DbErr> {
    let res = reminders::Entity::insert(reminders::ActiveModel {
        workspace_id: Set(workspace),
        ticket_id: Set(ticket),
        user_id: Set(user),
        due_at: Set(due),
        text: Set(text.to_owned()),
        created_at: Set(now),
        fired_at: Set(None),
        cancelled_at: Set(None),
        ..Default::default()
    })
    .exec(db)
    .await?;
    reminders::Entity::find_by_id(res.last_insert_id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("reminder just created".into()))
}

pub async fn reminder<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<reminders::Model>, DbErr> {
    reminders::Entity::find_by_id(id).one(db).await
}

/// A person's reminders that have neither fired nor been cancelled, soonest first.
pub async fn pending_reminders<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
) -> Result<Vec<reminders::Model>, DbErr> {
    reminders::Entity::find()
        .filter(reminders::Column::WorkspaceId.eq(workspace))
        .filter(reminders::Column::UserId.eq(user))
        .filter(reminders::Column::FiredAt.is_null())
        .filter(reminders::Column::CancelledAt.is_null())
        .order_by_asc(reminders::Column::DueAt)
        .all(db)
        .await
}

/// Marks a reminder fired or cancelled (`fired`); false if it already was either.
pub async fn finish_reminder<C: ConnectionTrait>(
    db: &C,
    id: i64,
    fired: bool,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let col = if fired {
        reminders::Column::FiredAt
    } else {
        reminders::Column::CancelledAt
    };
    let res = reminders::Entity::update_many()
        .col_expr(col, Expr::value(now))
        .filter(reminders::Column::Id.eq(id))
        .filter(reminders::Column::FiredAt.is_null())
        .filter(reminders::Column::CancelledAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

/// Bits of `tickets.sla_fired`.
pub struct Fired;

impl Fired {
    pub const FIRST_WARN: i32 = 1;
    pub const FIRST_BREACH: i32 = 2;
    pub const RESOLUTION_WARN: i32 = 4;
    pub const RESOLUTION_BREACH: i32 = 8;
}
