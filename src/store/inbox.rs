//! The inbox: every Telegram update is stored here before it is acknowledged, and marked
//! processed inside the transaction that handles it (so handling is exactly-once).

use chrono::{DateTime, Utc};
use entity::inbox;
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// Stores an update; a second copy of the same update id is ignored. Returns whether it was new.
pub async fn store<C: ConnectionTrait>(
    db: &C,
    update_id: i64,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let row = inbox::ActiveModel {
        update_id: Set(update_id),
        payload: Set(payload.to_owned()),
        received_at: Set(now),
        processed_at: Set(None),
        attempts: Set(0),
        retry_at: Set(None),
        last_error: Set(None),
    };
    let res = inbox::Entity::insert(row)
        .on_conflict_do_nothing_on([inbox::Column::UpdateId])
        .exec_without_returning(db)
        .await?;
    Ok(matches!(res, sea_orm::TryInsertResult::Inserted(n) if n > 0))
}

/// The offset to ask `getUpdates` for: one past the newest update ever stored.
pub async fn next_offset<C: ConnectionTrait>(db: &C) -> Result<Option<i64>, DbErr> {
    let max: Option<Option<i64>> = inbox::Entity::find()
        .select_only()
        .column_as(inbox::Column::UpdateId.max(), "m")
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().map(|m| m + 1))
}

/// Unprocessed updates whose retry time (if any) has come, oldest first.
pub async fn pending<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<inbox::Model>, DbErr> {
    inbox::Entity::find()
        .filter(inbox::Column::ProcessedAt.is_null())
        .filter(
            sea_orm::Condition::any()
                .add(inbox::Column::RetryAt.is_null())
                .add(inbox::Column::RetryAt.lte(now)),
        )
        .order_by_asc(inbox::Column::UpdateId)
        .limit(limit)
        .all(db)
        .await
}

/// The earliest retry time among failed updates, so the worker knows when to look again.
pub async fn next_retry<C: ConnectionTrait>(db: &C) -> Result<Option<DateTime<Utc>>, DbErr> {
    let min: Option<Option<DateTime<Utc>>> = inbox::Entity::find()
        .select_only()
        .column_as(inbox::Column::RetryAt.min(), "m")
        .filter(inbox::Column::ProcessedAt.is_null())
        .into_tuple()
        .one(db)
        .await?;
    Ok(min.flatten())
}

/// Claims an update for handling inside the caller's transaction. Returns false when it was
/// already processed (a redelivery, or another replica won): the caller must then do nothing.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    update_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = inbox::Entity::update_many()
        .col_expr(inbox::Column::ProcessedAt, Expr::value(now))
        .filter(inbox::Column::UpdateId.eq(update_id))
        .filter(inbox::Column::ProcessedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Records a failed attempt; after `give_up_after` attempts the update is marked processed with
/// its error kept, so one poisoned update cannot stall every later one.
pub async fn record_failure<C: ConnectionTrait>(
    db: &C,
    update_id: i64,
    error: &str,
    now: DateTime<Utc>,
    give_up_after: i32,
) -> Result<bool, DbErr> {
    let Some(row) = inbox::Entity::find_by_id(update_id).one(db).await? else {
        return Ok(true);
    };
    let attempts = row.attempts + 1;
    let give_up = attempts >= give_up_after;
    let backoff = chrono::Duration::seconds(2i64.pow(attempts.clamp(0, 6) as u32));
    let mut am: inbox::ActiveModel = row.into();
    am.attempts = Set(attempts);
    am.last_error = Set(Some(error.chars().take(2000).collect()));
    if give_up {
        am.processed_at = Set(Some(now));
    } else {
        am.retry_at = Set(Some(now + backoff));
    }
    inbox::Entity::update(am).exec(db).await?;
    Ok(give_up)
}

pub async fn count_pending<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    inbox::Entity::find()
        .filter(inbox::Column::ProcessedAt.is_null())
        .count(db)
        .await
}

/// Deletes updates handled before `before`, always keeping the newest row: its id is where
/// polling resumes after a restart.
pub async fn prune<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let Some(newest) = next_offset(db).await?.map(|o| o - 1) else {
        return Ok(0);
    };
    let res = inbox::Entity::delete_many()
        .filter(inbox::Column::ProcessedAt.lt(before))
        .filter(inbox::Column::UpdateId.lt(newest))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}
