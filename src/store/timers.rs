//! Durable timers: one row per (kind, subject) with an indexed due time. The scheduler asks for
//! the earliest due time and sleeps until then; it never scans tickets.

use chrono::{DateTime, Utc};
use entity::timers;
use sea_orm::{
    sea_query::{Expr, LockBehavior, LockType},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
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
    /// Daily purge of message bodies past each workspace's retention (subject: 0; one per
    /// database).
    PurgeBodies,
}

impl TimerKind {
    /// Whether the subject is a ticket (every kind but seats, reminders and housekeeping).
    pub fn is_about_a_ticket(self) -> bool {
        !matches!(
            self,
            TimerKind::SeatExpiry
                | TimerKind::Housekeeping
                | TimerKind::Reminder
                | TimerKind::PurgeBodies
        )
    }

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
            TimerKind::PurgeBodies => "purge_bodies",
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
            "purge_bodies" => Some(TimerKind::PurgeBodies),
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

/// The oldest due timer that nobody is firing right now (PostgreSQL skips rows another replica
/// holds), without keeping any lock: the firing transaction locks the timer's workspace first
/// and then takes the timer with [`take`].
pub async fn oldest_due(
    db: &sea_orm::DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Option<timers::Model>, DbErr> {
    let tx = db.begin().await?;
    let mut q = timers::Entity::find()
        .filter(timers::Column::DueAt.lte(now))
        .order_by_asc(timers::Column::DueAt)
        .limit(1);
    if super::supports_skip_locked(&tx) {
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let row = q.one(&tx).await?;
    tx.commit().await?;
    Ok(row)
}

/// Takes a due timer inside the caller's transaction and deletes it, so it fires once; `None`
/// when another replica took it (or holds it) first.
pub async fn take<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<timers::Model>, DbErr> {
    let mut q = timers::Entity::find_by_id(id).filter(timers::Column::DueAt.lte(now));
    if super::supports_skip_locked(db) {
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let Some(row) = q.one(db).await? else {
        return Ok(None);
    };
    timers::Entity::delete_by_id(row.id).exec(db).await?;
    Ok(Some(row))
}

/// The workspace a timer belongs to, so the firing transaction can lock it first; `None` for
/// the daemon's own timers (housekeeping) or a subject that is gone.
pub async fn workspace_of<C: ConnectionTrait>(
    db: &C,
    timer: &timers::Model,
) -> Result<Option<i64>, DbErr> {
    let subject = timer.subject_id;
    Ok(match TimerKind::parse(&timer.kind) {
        Some(TimerKind::Housekeeping) | None => None,
        Some(TimerKind::SeatExpiry) => entity::seats::Entity::find_by_id(subject)
            .one(db)
            .await?
            .map(|s| s.workspace_id),
        Some(TimerKind::Reminder) => entity::reminders::Entity::find_by_id(subject)
            .one(db)
            .await?
            .map(|r| r.workspace_id),
        Some(_) => super::tickets::get(db, subject)
            .await?
            .map(|t| t.workspace_id),
    })
}

/// Handling the timer failed: try it again at `at` (the caller backs off), counting the attempt.
pub async fn retry_later<C: ConnectionTrait>(
    db: &C,
    timer: &timers::Model,
    at: DateTime<Utc>,
    error: &str,
) -> Result<(), DbErr> {
    timers::Entity::update_many()
        .col_expr(timers::Column::DueAt, Expr::value(at))
        .col_expr(
            timers::Column::Attempts,
            Expr::value(timer.attempts.saturating_add(1)),
        )
        .col_expr(
            timers::Column::LastError,
            Expr::value(error.chars().take(2000).collect::<String>()),
        )
        .filter(timers::Column::Id.eq(timer.id))
        .exec(db)
        .await?;
    Ok(())
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
