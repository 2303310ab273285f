//! The outbox: Telegram effects decided by committed transactions. Rows are leased by the
//! dispatcher (with `SKIP LOCKED` on PostgreSQL so replicas never take the same row), deleted
//! once delivered, rescheduled on retryable errors and kept as dead letters otherwise.

use chrono::{DateTime, Utc};
use entity::outbox;
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, LockBehavior, LockType, Query},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};

pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    chat_id: Option<i64>,
    effect: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    outbox::Entity::insert(outbox::ActiveModel {
        chat_id: Set(chat_id),
        effect: Set(effect),
        created_at: Set(now),
        next_attempt_at: Set(now),
        leased_until: Set(None),
        attempts: Set(0),
        last_error: Set(None),
        dead_at: Set(None),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Rows that are due and not leased by anyone.
fn free(now: DateTime<Utc>) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(outbox::Column::DeadAt.is_null())
        .add(
            sea_orm::Condition::any()
                .add(outbox::Column::LeasedUntil.is_null())
                .add(outbox::Column::LeasedUntil.lt(now)),
        )
}

/// The oldest live row of its chat (or a row that belongs to no chat): only such a row may be
/// sent, so one chat's effects go out in order even when an earlier one waits for its retry.
/// Dead letters no longer hold their chat back.
fn head() -> sea_orm::Condition {
    let earlier = Alias::new("earlier");
    let sub = Query::select()
        .expr(Expr::val(1))
        .from_as(outbox::Entity, earlier.clone())
        .and_where(
            Expr::col((earlier.clone(), outbox::Column::ChatId))
                .equals((outbox::Entity, outbox::Column::ChatId)),
        )
        .and_where(Expr::col((earlier.clone(), outbox::Column::DeadAt)).is_null())
        .and_where(
            Expr::col((earlier, outbox::Column::Id))
                .lt(Expr::col((outbox::Entity, outbox::Column::Id))),
        )
        .to_owned();
    sea_orm::Condition::any()
        .add(outbox::Column::ChatId.is_null())
        .add(Expr::not_exists(sub))
}

/// Leases up to `limit` rows that may be sent now, until `now + lease`, oldest first: with
/// `chatless`, rows that belong to no chat (answers to button presses and pre-checkout queries,
/// which expire in seconds, and deletes of commands that must leave a topic at once, so they
/// are leased on their own budget); otherwise the oldest live row
/// of each chat.
pub async fn lease_heads(
    db: &sea_orm::DatabaseConnection,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    limit: u64,
    chatless: bool,
) -> Result<Vec<outbox::Model>, DbErr> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let tx = db.begin().await?;
    let mut q = outbox::Entity::find()
        .filter(free(now))
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox::Column::Id)
        .limit(limit);
    q = if chatless {
        q.filter(outbox::Column::ChatId.is_null())
    } else {
        q.filter(outbox::Column::ChatId.is_not_null())
            .filter(head())
    };
    if super::supports_skip_locked(&tx) {
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let rows = q.all(&tx).await?;
    if !rows.is_empty() {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::LeasedUntil, Expr::value(now + lease))
            .filter(outbox::Column::Id.is_in(rows.iter().map(|r| r.id)))
            .exec(&tx)
            .await?;
    }
    tx.commit().await?;
    Ok(rows)
}

/// When the dispatcher should look again: the earliest due time of a row that may be sent (a
/// row behind a waiting one of its chat is not), or the earliest expiry of a lease (a dead
/// dispatcher's rows come free then).
///
/// Only the kinds the dispatcher has room for count (`chats`: rows of a chat; `chatless`: rows
/// of none): while every slot of a kind is busy, a finished send wakes it, not the clock.
pub async fn next_due<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    chats: bool,
    chatless: bool,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let mut kinds = sea_orm::Condition::any();
    if chats {
        kinds = kinds.add(
            sea_orm::Condition::all()
                .add(outbox::Column::ChatId.is_not_null())
                .add(head()),
        );
    }
    if chatless {
        kinds = kinds.add(outbox::Column::ChatId.is_null());
    }
    let sendable: Option<Option<DateTime<Utc>>> = if chats || chatless {
        outbox::Entity::find()
            .select_only()
            .column_as(outbox::Column::NextAttemptAt.min(), "m")
            .filter(free(now))
            .filter(kinds)
            .into_tuple()
            .one(db)
            .await?
    } else {
        None
    };
    let leased: Option<Option<DateTime<Utc>>> = outbox::Entity::find()
        .select_only()
        .column_as(outbox::Column::LeasedUntil.min(), "m")
        .filter(outbox::Column::DeadAt.is_null())
        .filter(outbox::Column::LeasedUntil.gte(now))
        .into_tuple()
        .one(db)
        .await?;
    Ok(match (sendable.flatten(), leased.flatten()) {
        (Some(a), Some(b)) => Some(std::cmp::min(a, b)),
        (a, b) => a.or(b),
    })
}

pub async fn complete<C: ConnectionTrait>(db: &C, id: i64) -> Result<(), DbErr> {
    outbox::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Gives a leased row back without counting an attempt, to be sent at `at`: its chat's rate
/// limit says not yet, or the daemon is stopping.
pub async fn postpone<C: ConnectionTrait>(db: &C, id: i64, at: DateTime<Utc>) -> Result<(), DbErr> {
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::LeasedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(at))
        .filter(outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A failed attempt to be tried again at `at`; it counts toward the row's attempts.
pub async fn reschedule<C: ConnectionTrait>(
    db: &C,
    row: &outbox::Model,
    at: DateTime<Utc>,
    error: &str,
) -> Result<(), DbErr> {
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::LeasedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(at))
        .col_expr(outbox::Column::Attempts, Expr::value(row.attempts + 1))
        .col_expr(
            outbox::Column::LastError,
            Expr::value(error.chars().take(2000).collect::<String>()),
        )
        .filter(outbox::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Keeps a row that can never be delivered as a dead letter, with the reason.
pub async fn bury<C: ConnectionTrait>(
    db: &C,
    row: &outbox::Model,
    now: DateTime<Utc>,
    error: &str,
) -> Result<(), DbErr> {
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::LeasedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(outbox::Column::DeadAt, Expr::value(now))
        .col_expr(outbox::Column::Attempts, Expr::value(row.attempts + 1))
        .col_expr(
            outbox::Column::LastError,
            Expr::value(error.chars().take(2000).collect::<String>()),
        )
        .filter(outbox::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Extends the lease of rows this dispatcher still holds (completed rows are gone, rescheduled
/// and postponed ones have no lease), so a slow send keeps its row while a dead dispatcher's rows
/// come free fast.
pub async fn renew<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    until: DateTime<Utc>,
) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    outbox::Entity::update_many()
        .col_expr(outbox::Column::LeasedUntil, Expr::value(until))
        .filter(outbox::Column::Id.is_in(ids.iter().copied()))
        .filter(outbox::Column::LeasedUntil.is_not_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Drops every lease. Only for SQLite at start: one file serves one daemon, so any lease found
/// then belongs to a process that died.
pub async fn release_all<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    let res = outbox::Entity::update_many()
        .col_expr(
            outbox::Column::LeasedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(outbox::Column::LeasedUntil.is_not_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Live rows that belong to no chat.
pub async fn live_without_chat<C: ConnectionTrait>(db: &C) -> Result<Vec<outbox::Model>, DbErr> {
    outbox::Entity::find()
        .filter(outbox::Column::ChatId.is_null())
        .filter(outbox::Column::DeadAt.is_null())
        .all(db)
        .await
}

pub async fn set_chat<C: ConnectionTrait>(db: &C, id: i64, chat: i64) -> Result<(), DbErr> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::ChatId, Expr::value(chat))
        .filter(outbox::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn count_pending<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    outbox::Entity::find()
        .filter(outbox::Column::DeadAt.is_null())
        .count(db)
        .await
}

/// Deletes dead letters older than `before` (they are kept a while for inspection).
pub async fn prune_dead<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let res = outbox::Entity::delete_many()
        .filter(outbox::Column::DeadAt.lt(before))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}
