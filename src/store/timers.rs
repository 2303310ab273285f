//! Durable timers: one row per (kind, subject) with an indexed due time. The scheduler asks for
//! the earliest due time and sleeps until then; it never scans tickets.

use chrono::{DateTime, Utc};
use entity::timers;
use sea_orm::{
    sea_query::{LockBehavior, LockType},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// What a timer does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerKind {
    /// Close a resolved ticket after the workspace's `auto_close_hours` (subject: ticket id).
    AutoClose,
    /// A seat's paid period ends (subject: seat id).
    SeatExpiry,
    /// Daily pruning of handled updates and old dead letters (subject: 0; one per database).
    Housekeeping,
    /// The customer did not pick an intake category in time: route without one (subject: ticket).
    IntakeTimeout,
    /// Announce a ticket still unassigned in the staff chat (subject: ticket).
    UnassignedAlert,
    /// SLA: warn that the first response is getting late (subject: ticket).
    SlaFirstWarn,
    /// SLA: the first response is late (subject: ticket).
    SlaFirstBreach,
    /// SLA: warn that resolution is getting late (subject: ticket).
    SlaResolutionWarn,
    /// SLA: resolution is late (subject: ticket).
    SlaResolutionBreach,
    /// Run the "unassigned for N minutes" escalation rules (subject: ticket).
    EscalateUnassigned,
    /// A `/remind` reminder is due (subject: reminder id).
    Reminder,
}

impl TimerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TimerKind::AutoClose => "auto_close",
            TimerKind::SeatExpiry => "seat_expiry",
            TimerKind::Housekeeping => "housekeeping",
            TimerKind::IntakeTimeout => "intake_timeout",
            TimerKind::UnassignedAlert => "unassigned_alert",
            TimerKind::SlaFirstWarn => "sla_first_warn",
            TimerKind::SlaFirstBreach => "sla_first_breach",
            TimerKind::SlaResolutionWarn => "sla_resolution_warn",
            TimerKind::SlaResolutionBreach => "sla_resolution_breach",
            TimerKind::EscalateUnassigned => "escalate_unassigned",
            TimerKind::Reminder => "reminder",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "auto_close" => Some(TimerKind::AutoClose),
            "seat_expiry" => Some(TimerKind::SeatExpiry),
            "housekeeping" => Some(TimerKind::Housekeeping),
            "intake_timeout" => Some(TimerKind::IntakeTimeout),
            "unassigned_alert" => Some(TimerKind::UnassignedAlert),
            "sla_first_warn" => Some(TimerKind::SlaFirstWarn),
            "sla_first_breach" => Some(TimerKind::SlaFirstBreach),
            "sla_resolution_warn" => Some(TimerKind::SlaResolutionWarn),
            "sla_resolution_breach" => Some(TimerKind::SlaResolutionBreach),
            "escalate_unassigned" => Some(TimerKind::EscalateUnassigned),
            "reminder" => Some(TimerKind::Reminder),
            _ => None,
        }
    }
}

/// Sets (or moves) the timer of this kind for this ticket.
pub async fn set<C: ConnectionTrait>(
    db: &C,
    kind: TimerKind,
    subject: i64,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    cancel(db, kind, subject).await?;
    timers::Entity::insert(timers::ActiveModel {
        kind: Set(kind.as_str().to_owned()),
        subject_id: Set(subject),
        due_at: Set(due),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn cancel<C: ConnectionTrait>(
    db: &C,
    kind: TimerKind,
    subject: i64,
) -> Result<(), DbErr> {
    timers::Entity::delete_many()
        .filter(timers::Column::Kind.eq(kind.as_str()))
        .filter(timers::Column::SubjectId.eq(subject))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn next_due<C: ConnectionTrait>(db: &C) -> Result<Option<DateTime<Utc>>, DbErr> {
    let min: Option<Option<DateTime<Utc>>> = timers::Entity::find()
        .select_only()
        .column_as(timers::Column::DueAt.min(), "m")
        .into_tuple()
        .one(db)
        .await?;
    Ok(min.flatten())
}

/// Takes the oldest due timer inside the caller's transaction and deletes it, so it fires once:
/// on PostgreSQL the row lock with `SKIP LOCKED` keeps a second replica off it.
pub async fn take_due<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<Option<timers::Model>, DbErr> {
    let mut q = timers::Entity::find()
        .filter(timers::Column::DueAt.lte(now))
        .order_by_asc(timers::Column::DueAt)
        .limit(1);
    if super::supports_skip_locked(db) {
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let Some(row) = q.one(db).await? else {
        return Ok(None);
    };
    timers::Entity::delete_by_id(row.id).exec(db).await?;
    Ok(Some(row))
}

pub async fn find<C: ConnectionTrait>(
    db: &C,
    kind: TimerKind,
    subject: i64,
) -> Result<Option<timers::Model>, DbErr> {
    timers::Entity::find()
        .filter(timers::Column::Kind.eq(kind.as_str()))
        .filter(timers::Column::SubjectId.eq(subject))
        .one(db)
        .await
}

pub async fn count<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    timers::Entity::find().count(db).await
}
