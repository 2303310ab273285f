//! Delivers outbox effects. Rows are leased in id order; effects of one chat (or one ticket) run
//! one after another so a topic sees its card before the CSAT question, while different chats
//! run concurrently so one throttled group does not hold up the others. Times here are wall
//! clock: Telegram's `retry_after` is real seconds.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use entity::outbox::Model as Row;
use tokio_util::sync::CancellationToken;

use crate::app::effects::Effect;
use crate::metrics::Metrics;
use crate::store;
use crate::telegram::sender::{self, SendError};
use crate::telegram::AppState;

/// Attempts before a transiently failing effect becomes a dead letter.
const MAX_ATTEMPTS: i32 = 12;
/// How long a leased row stays ours without renewal. Short, so the rows of a daemon killed
/// mid-batch come free quickly (on PostgreSQL, where other replicas may be alive); a heartbeat
/// renews it while a batch runs.
const LEASE: chrono::Duration = chrono::Duration::seconds(20);
const HEARTBEAT: Duration = Duration::from_secs(5);
/// The longest the dispatcher waits without looking at the outbox. Effects written by another
/// replica (or a CLI command) send this process no wake-up; one indexed query every two seconds
/// finds them.
const IDLE_RECHECK: Duration = Duration::from_secs(2);

/// Groups effects that must stay in order: one lane per chat (a ticket's effects go to its
/// topic's chat), so at most one send per chat is ever in flight, and a crash repeats at most
/// that one per chat.
async fn order_key(db: &sea_orm::DatabaseConnection, row: &Row, effect: Option<&Effect>) -> String {
    let chat = match effect {
        Some(e) => match (e.chat_hint(), e.ticket()) {
            (Some(c), _) => Some(c),
            (None, Some(t)) => store::tickets::get(db, t)
                .await
                .ok()
                .flatten()
                .map(|t| t.chat_id),
            (None, None) => None,
        },
        None => None,
    };
    match chat {
        Some(c) => format!("chat:{c}"),
        None => format!("row:{}", row.id),
    }
}

fn backoff(attempts: i32) -> Duration {
    Duration::from_secs(2u64.saturating_pow(attempts.clamp(0, 8) as u32).min(300))
}

pub async fn run(state: Arc<AppState>, shutdown: CancellationToken) {
    let ctx = state.ctx.clone();
    if !store::supports_skip_locked(&ctx.db) {
        match store::outbox::release_all(&ctx.db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(rows = n, "released outbox leases left by a previous run"),
            Err(e) => tracing::error!(error = %e, "cannot release old outbox leases"),
        }
    }
    loop {
        if shutdown.is_cancelled() {
            return;
        }
        let rows = match store::outbox::lease_due(&ctx.db, Utc::now(), LEASE, 200).await {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the outbox");
                Vec::new()
            }
        };
        if rows.is_empty() {
            let wait = match store::outbox::next_due(&ctx.db, Utc::now()).await {
                Ok(Some(at)) => (at - Utc::now())
                    .to_std()
                    .unwrap_or(Duration::ZERO)
                    .max(Duration::from_millis(20)),
                _ => IDLE_RECHECK,
            }
            .min(IDLE_RECHECK);
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = ctx.wake.outbox.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
            continue;
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut lanes: BTreeMap<String, Vec<(Row, Option<Effect>)>> = BTreeMap::new();
        for row in rows {
            let effect = serde_json::from_str::<Effect>(&row.effect).ok();
            let key = order_key(&ctx.db, &row, effect.as_ref()).await;
            lanes.entry(key).or_default().push((row, effect));
        }
        let work =
            futures::future::join_all(lanes.into_values().map(|lane| run_lane(&state, lane)));
        tokio::pin!(work);
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        heartbeat.tick().await;
        loop {
            tokio::select! {
                _ = &mut work => break,
                _ = heartbeat.tick() => {
                    if let Err(e) = store::outbox::renew(&ctx.db, &ids, Utc::now() + LEASE).await {
                        tracing::error!(error = %e, "cannot renew outbox leases");
                    }
                }
            }
        }
    }
}

/// Runs one lane in order; after a retryable failure the rest of the lane is given back so it
/// keeps its order.
async fn run_lane(state: &AppState, lane: Vec<(Row, Option<Effect>)>) {
    let db = &state.ctx.db;
    let metrics = &state.ctx.metrics;
    let mut blocked = false;
    for (row, effect) in lane {
        if blocked {
            if let Err(e) = store::outbox::release(db, row.id).await {
                tracing::error!(error = %e, "cannot release outbox row");
            }
            continue;
        }
        let Some(effect) = effect else {
            tracing::error!(
                id = row.id,
                "outbox row does not parse; keeping it as a dead letter"
            );
            let _ = store::outbox::bury(db, &row, Utc::now(), "effect does not parse").await;
            continue;
        };
        let result = sender::execute(state, &effect).await;
        let done = match result {
            Ok(()) => {
                Metrics::inc(&metrics.telegram_sent);
                store::outbox::complete(db, row.id).await
            }
            Err(SendError::Retry { after, reason }) if row.attempts + 1 < MAX_ATTEMPTS => {
                Metrics::inc(&metrics.telegram_retried);
                let wait = after.unwrap_or_else(|| backoff(row.attempts));
                tracing::warn!(id = row.id, ?wait, %reason, "Telegram effect will be retried");
                blocked = true;
                let at = Utc::now()
                    + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(1));
                store::outbox::reschedule(db, &row, at, &reason).await
            }
            Err(SendError::TopicGone(reason)) => {
                tracing::warn!(id = row.id, %reason, "topic is gone; recording it on the ticket");
                if let Some(ticket) = effect.ticket() {
                    if let Err(e) =
                        store::tickets::mark_topic_deleted(db, ticket, state.ctx.clock.now()).await
                    {
                        tracing::error!(error = %e, "cannot mark topic deleted");
                    }
                }
                Metrics::inc(&metrics.telegram_failed);
                store::outbox::bury(db, &row, Utc::now(), &reason).await
            }
            Err(e) => {
                tracing::error!(id = row.id, error = %e, "Telegram effect given up");
                Metrics::inc(&metrics.telegram_failed);
                store::outbox::bury(db, &row, Utc::now(), &e.to_string()).await
            }
        };
        if let Err(e) = done {
            tracing::error!(id = row.id, error = %e, "cannot update outbox row");
        }
    }
}
