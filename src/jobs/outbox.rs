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
const LEASE: chrono::Duration = chrono::Duration::minutes(2);

/// Groups effects that must stay in order.
fn order_key(row: &Row, effect: Option<&Effect>) -> String {
    match effect {
        Some(e) => match (e.ticket(), e.chat_hint()) {
            (Some(t), _) => format!("ticket:{t}"),
            (None, Some(c)) => format!("chat:{c}"),
            (None, None) => format!("row:{}", row.id),
        },
        None => format!("row:{}", row.id),
    }
}

fn backoff(attempts: i32) -> Duration {
    Duration::from_secs(2u64.saturating_pow(attempts.clamp(0, 8) as u32).min(300))
}

pub async fn run(state: Arc<AppState>, shutdown: CancellationToken) {
    let ctx = state.ctx.clone();
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
                _ => Duration::from_secs(60),
            };
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = ctx.wake.outbox.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
            continue;
        }
        let mut lanes: BTreeMap<String, Vec<(Row, Option<Effect>)>> = BTreeMap::new();
        for row in rows {
            let effect = serde_json::from_str::<Effect>(&row.effect).ok();
            lanes
                .entry(order_key(&row, effect.as_ref()))
                .or_default()
                .push((row, effect));
        }
        let work = lanes.into_values().map(|lane| run_lane(&state, lane));
        futures::future::join_all(work).await;
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
