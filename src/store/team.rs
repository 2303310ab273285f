//! Seats, invites, payments, billing events, leave requests and the permission toggles.

use chrono::{DateTime, Utc};
use entity::{billing_events, invites, leave_requests, members, payments, seats, workspaces};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};

use crate::domain::permissions::{Toggle, Toggles};
use crate::domain::seats::Tier;
use crate::domain::team::Role;
use entity::kinds::LeaveStatus;
use sea_orm::ActiveEnum;

pub async fn seats_of<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
) -> Result<Vec<seats::Model>, DbErr> {
    seats::Entity::find()
        .filter(seats::Column::WorkspaceId.eq(workspace))
        .order_by_asc(seats::Column::Id)
        .all(db)
        .await
}

pub async fn seat<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<seats::Model>, DbErr> {
    seats::Entity::find_by_id(id).one(db).await
}

pub async fn create_seat<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    tier: Tier,
    paid_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<seats::Model, DbErr> {
    seats::ActiveModel {
        workspace_id: Set(workspace),
        tier: Set(tier.into()),
        paid_until: Set(paid_until),
        holder_id: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn set_paid_until<C: ConnectionTrait>(
    db: &C,
    seat: i64,
    until: DateTime<Utc>,
) -> Result<(), DbErr> {
    seats::Entity::update_many()
        .col_expr(seats::Column::PaidUntil, Expr::value(until))
        .filter(seats::Column::Id.eq(seat))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_holder<C: ConnectionTrait>(
    db: &C,
    seat: i64,
    holder: Option<i64>,
) -> Result<(), DbErr> {
    seats::Entity::update_many()
        .col_expr(seats::Column::HolderId, Expr::value(holder))
        .filter(seats::Column::Id.eq(seat))
        .exec(db)
        .await?;
    Ok(())
}

/// Seat ids that have an unused invite still valid at `now`.
pub async fn seats_with_pending_invites<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, DbErr> {
    Ok(invites::Entity::find()
        .filter(invites::Column::WorkspaceId.eq(workspace))
        .filter(invites::Column::UsedAt.is_null())
        .filter(invites::Column::ExpiresAt.gt(now))
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.seat_id)
        .collect())
}

pub struct NewInvite<'a> {
    pub workspace_id: i64,
    pub seat_id: i64,
    pub token: &'a str,
    pub created_by: i64,
    pub expires_at: DateTime<Utc>,
}

pub async fn create_invite<C: ConnectionTrait>(
    db: &C,
    i: NewInvite<'_>,
    now: DateTime<Utc>,
) -> Result<invites::Model, DbErr> {
    invites::ActiveModel {
        workspace_id: Set(i.workspace_id),
        seat_id: Set(i.seat_id),
        token: Set(i.token.to_owned()),
        created_by: Set(i.created_by),
        created_at: Set(now),
        expires_at: Set(i.expires_at),
        used_at: Set(None),
        used_by: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn invite_by_token<C: ConnectionTrait>(
    db: &C,
    token: &str,
) -> Result<Option<invites::Model>, DbErr> {
    invites::Entity::find()
        .filter(invites::Column::Token.eq(token))
        .one(db)
        .await
}

/// Marks the invite used; false when someone else used it first.
pub async fn use_invite<C: ConnectionTrait>(
    db: &C,
    id: i64,
    user: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = invites::Entity::update_many()
        .col_expr(invites::Column::UsedAt, Expr::value(now))
        .col_expr(invites::Column::UsedBy, Expr::value(user))
        .filter(invites::Column::Id.eq(id))
        .filter(invites::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Voids the unused invites of a seat (its paid period ended).
pub async fn revoke_invites<C: ConnectionTrait>(
    db: &C,
    seat: i64,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    invites::Entity::update_many()
        .col_expr(invites::Column::UsedAt, Expr::value(now))
        .filter(invites::Column::SeatId.eq(seat))
        .filter(invites::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

pub struct NewPayment<'a> {
    pub charge_id: &'a str,
    pub workspace_id: i64,
    pub user_id: i64,
    pub tier: Tier,
    pub count: i32,
    pub months: i32,
    pub total: i64,
    pub currency: &'a str,
}

/// Records a payment once per charge id; false for a redelivered payment.
pub async fn record_payment<C: ConnectionTrait>(
    db: &C,
    p: NewPayment<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = payments::Entity::insert(payments::ActiveModel {
        charge_id: Set(p.charge_id.to_owned()),
        workspace_id: Set(p.workspace_id),
        user_id: Set(p.user_id),
        tier: Set(p.tier.into()),
        count: Set(p.count),
        months: Set(p.months),
        total: Set(p.total),
        currency: Set(p.currency.to_owned()),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([payments::Column::ChargeId])
    .exec_without_returning(db)
    .await?;
    Ok(matches!(res, sea_orm::TryInsertResult::Inserted(n) if n > 0))
}

/// Records a billing event once per id; false for a replay.
pub async fn record_billing_event<C: ConnectionTrait>(
    db: &C,
    id: &str,
    kind: &str,
    workspace: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = billing_events::Entity::insert(billing_events::ActiveModel {
        event_id: Set(id.to_owned()),
        kind: Set(kind.to_owned()),
        workspace_id: Set(workspace),
        received_at: Set(now),
    })
    .on_conflict_do_nothing_on([billing_events::Column::EventId])
    .exec_without_returning(db)
    .await?;
    Ok(matches!(res, sea_orm::TryInsertResult::Inserted(n) if n > 0))
}

pub async fn member<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
) -> Result<Option<members::Model>, DbErr> {
    members::Entity::find()
        .filter(members::Column::WorkspaceId.eq(workspace))
        .filter(members::Column::UserId.eq(user))
        .one(db)
        .await
}

pub async fn add_member_with_seat<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
    role: Role,
    seat: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    members::Entity::insert(members::ActiveModel {
        workspace_id: Set(workspace),
        user_id: Set(user),
        role: Set(role.into()),
        seat_id: Set(seat),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn set_role<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
    role: Role,
) -> Result<(), DbErr> {
    members::Entity::update_many()
        .col_expr(members::Column::Role, Expr::value(role.as_str()))
        .filter(members::Column::WorkspaceId.eq(workspace))
        .filter(members::Column::UserId.eq(user))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_member_seat<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
    seat: Option<i64>,
) -> Result<(), DbErr> {
    members::Entity::update_many()
        .col_expr(members::Column::SeatId, Expr::value(seat))
        .filter(members::Column::WorkspaceId.eq(workspace))
        .filter(members::Column::UserId.eq(user))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn remove_member<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
) -> Result<(), DbErr> {
    members::Entity::delete_many()
        .filter(members::Column::WorkspaceId.eq(workspace))
        .filter(members::Column::UserId.eq(user))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_owner<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    owner: i64,
) -> Result<(), DbErr> {
    workspaces::Entity::update_many()
        .col_expr(workspaces::Column::OwnerId, Expr::value(owner))
        .filter(workspaces::Column::Id.eq(workspace))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn create_leave<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<leave_requests::Model, DbErr> {
    leave_requests::ActiveModel {
        workspace_id: Set(workspace),
        user_id: Set(user),
        reason: Set(reason),
        status: Set(LeaveStatus::Pending),
        decided_by: Set(None),
        decided_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn leave<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<leave_requests::Model>, DbErr> {
    leave_requests::Entity::find_by_id(id).one(db).await
}

pub async fn pending_leave<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
) -> Result<Option<leave_requests::Model>, DbErr> {
    leave_requests::Entity::find()
        .filter(leave_requests::Column::WorkspaceId.eq(workspace))
        .filter(leave_requests::Column::UserId.eq(user))
        .filter(leave_requests::Column::Status.eq(LeaveStatus::Pending))
        .one(db)
        .await
}

/// Decides a pending request; false when it was already decided (a second press).
pub async fn decide_leave<C: ConnectionTrait>(
    db: &C,
    id: i64,
    approved: bool,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = leave_requests::Entity::update_many()
        .col_expr(
            leave_requests::Column::Status,
            // The stored spelling: `as_enum` would cast to a PostgreSQL enum type the schema
            // does not have (the column is text).
            Expr::value(
                if approved {
                    LeaveStatus::Approved
                } else {
                    LeaveStatus::Denied
                }
                .to_value(),
            ),
        )
        .col_expr(leave_requests::Column::DecidedBy, Expr::value(by))
        .col_expr(leave_requests::Column::DecidedAt, Expr::value(now))
        .filter(leave_requests::Column::Id.eq(id))
        .filter(leave_requests::Column::Status.eq(LeaveStatus::Pending))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The toggles stored as a JSON object of `key: bool`; unknown or missing keys fall back to the
/// defaults, so a toggle added later needs no data migration.
pub fn toggles_of(ws: &workspaces::Model) -> Toggles {
    let mut t = Toggles::default();
    if let Ok(serde_json::Value::Object(map)) =
        serde_json::from_str::<serde_json::Value>(&ws.permission_toggles)
    {
        for toggle in Toggle::ALL {
            if let Some(v) = map
                .get(toggle.as_str())
                .and_then(serde_json::Value::as_bool)
            {
                toggle.set(&mut t, v);
            }
        }
    }
    t
}

pub async fn save_toggles<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    t: &Toggles,
) -> Result<(), DbErr> {
    let map: serde_json::Map<String, serde_json::Value> = Toggle::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), serde_json::Value::Bool(k.get(t))))
        .collect();
    workspaces::Entity::update_many()
        .col_expr(
            workspaces::Column::PermissionToggles,
            Expr::value(serde_json::Value::Object(map).to_string()),
        )
        .filter(workspaces::Column::Id.eq(workspace))
        .exec(db)
        .await?;
    Ok(())
}

/// Tickets a member holds that are still being worked (assigned, in progress, pending).
pub async fn open_tickets_of<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    user: i64,
) -> Result<Vec<entity::tickets::Model>, DbErr> {
    entity::tickets::Entity::find()
        .filter(entity::tickets::Column::WorkspaceId.eq(workspace))
        .filter(super::tickets::live())
        .filter(entity::tickets::Column::AssigneeId.eq(user))
        .filter(entity::tickets::Column::Status.is_in(["assigned", "in_progress", "pending"]))
        .order_by_asc(entity::tickets::Column::Id)
        .all(db)
        .await
}

pub async fn all_workspaces<C: ConnectionTrait>(db: &C) -> Result<Vec<workspaces::Model>, DbErr> {
    workspaces::Entity::find()
        .order_by_asc(workspaces::Column::Id)
        .all(db)
        .await
}
