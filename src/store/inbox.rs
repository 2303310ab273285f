//! The inbox: every Telegram update is stored here before it is acknowledged, and marked
//! processed inside the transaction that handles it (so handling is exactly-once).

use chrono::{DateTime, Utc};
use entity::{daemon_state, inbox};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};

/// The `daemon_state` key of the offset the next `getUpdates` asks for.
const POLL_OFFSET: &str = "poll_offset";

fn row(update_id: i64, payload: &str, now: DateTime<Utc>) -> inbox::ActiveModel {
    inbox::ActiveModel {
        update_id: Set(update_id),
        payload: Set(payload.to_owned()),
        received_at: Set(now),
        processed_at: Set(None),
        attempts: Set(0),
        retry_at: Set(None),
        last_error: Set(None),
    }
}

/// Stores an update; a second copy of the same update id is ignored. Returns whether it was new.
pub async fn store<C: ConnectionTrait>(
    db: &C,
    update_id: i64,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = inbox::Entity::insert(row(update_id, payload, now))
        .on_conflict_do_nothing_on([inbox::Column::UpdateId])
        .exec_without_returning(db)
        .await?;
    Ok(matches!(res, sea_orm::TryInsertResult::Inserted(n) if n > 0))
}

/// Stores a `getUpdates` batch and the offset that confirms it, in one transaction: either the
/// whole batch is kept and polling moves past it, or nothing is and the batch is asked for again.
/// Returns how many of the updates were new.
pub async fn store_batch(
    db: &sea_orm::DatabaseConnection,
    updates: &[(i64, String)],
    next_offset: i64,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let tx = db.begin().await?;
    let mut new = 0;
    for (id, payload) in updates {
        if store(&tx, *id, payload, now).await? {
            new += 1;
        }
    }
    set_state(&tx, POLL_OFFSET, next_offset).await?;
    tx.commit().await?;
    Ok(new)
}

async fn set_state<C: ConnectionTrait>(db: &C, key: &str, value: i64) -> Result<(), DbErr> {
    daemon_state::Entity::insert(daemon_state::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value),
    })
    .on_conflict(
        OnConflict::column(daemon_state::Column::Key)
            .update_column(daemon_state::Column::Value)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The offset to ask `getUpdates` for: the one stored with the last confirmed batch. A database
/// from before that was recorded falls back to one past the newest stored update.
pub async fn next_offset<C: ConnectionTrait>(db: &C) -> Result<Option<i64>, DbErr> {
    if let Some(row) = daemon_state::Entity::find_by_id(POLL_OFFSET)
        .one(db)
        .await?
    {
        return Ok(Some(row.value));
    }
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

/// Claims an update for handling inside the caller's transaction, and drops its raw payload.
/// Returns false when it was already processed (a redelivery, or another replica won): the
/// caller must then do nothing.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    update_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    // The raw update is kept only until it is handled (it is what survives a crash); after
    // that its message text would be a copy of a body the workspace may not want stored.
    let res = inbox::Entity::update_many()
        .col_expr(inbox::Column::ProcessedAt, Expr::value(now))
        .col_expr(inbox::Column::Payload, Expr::value(""))
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
    let attempts = row.attempts.saturating_add(1);
    let give_up = attempts >= give_up_after;
    let backoff = chrono::Duration::seconds(2i64.pow(attempts.clamp(0, 6) as u32));
    let payload = redact_bodies(&row.payload);
    let mut am: inbox::ActiveModel = row.into();
    am.attempts = Set(attempts);
    am.last_error = Set(Some(error.chars().take(2000).collect()));
    if give_up {
        am.processed_at = Set(Some(now));
        // Kept for the operator to see what failed, but without what people wrote.
        am.payload = Set(payload);
    } else {
        am.retry_at = Set(Some(now + backoff));
    }
    inbox::Entity::update(am).exec(db).await?;
    Ok(give_up)
}

/// Fields of a Telegram update that carry what a person wrote.
const BODY_FIELDS: [&str; 6] = [
    "text",
    "caption",
    "entities",
    "caption_entities",
    "quote",
    "explanation",
];

/// The update without any message text (at any depth: replies quote their parent), for rows
/// kept after handling failed. A payload that is not JSON is dropped whole.
pub fn redact_bodies(payload: &str) -> String {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for field in BODY_FIELDS {
                    if map.remove(field).is_some() {
                        map.insert(format!("{field}_redacted"), serde_json::Value::Bool(true));
                    }
                }
                map.values_mut().for_each(walk);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    match serde_json::from_str::<serde_json::Value>(payload) {
        Ok(mut v) => {
            walk(&mut v);
            v.to_string()
        }
        Err(_) => String::new(),
    }
}

pub async fn count_pending<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    inbox::Entity::find()
        .filter(inbox::Column::ProcessedAt.is_null())
        .count(db)
        .await
}

/// Deletes updates handled before `before`. Where polling resumes is kept apart
/// ([`next_offset`]), so every old row may go.
pub async fn prune<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let res = inbox::Entity::delete_many()
        .filter(inbox::Column::ProcessedAt.lt(before))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn redacted_updates_keep_their_shape_but_no_text() {
        let update = serde_json::json!({
            "update_id": 7,
            "message": {
                "message_id": 3,
                "text": "my card is 4111",
                "entities": [{"type": "bold", "offset": 0, "length": 2}],
                "reply_to_message": {"message_id": 2, "caption": "secret photo"},
                "chat": {"id": -100, "type": "supergroup", "title": "Acme"},
            }
        });
        let redacted = redact_bodies(&update.to_string());
        assert!(!redacted.contains("4111") && !redacted.contains("secret"));
        let back: serde_json::Value = serde_json::from_str(&redacted).unwrap();
        assert_eq!(back["update_id"], 7);
        assert_eq!(back["message"]["chat"]["title"], "Acme");
        assert_eq!(back["message"]["text_redacted"], true);
        assert_eq!(redact_bodies("not json"), "");
    }

    proptest::proptest! {
        #[test]
        fn any_payload_is_redacted_without_panicking(payload in proptest::arbitrary::any::<String>()) {
            let out = redact_bodies(&payload);
            proptest::prop_assert!(out.is_empty() || serde_json::from_str::<serde_json::Value>(&out).is_ok());
        }
    }
}
