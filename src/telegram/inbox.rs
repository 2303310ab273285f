//! Handles stored updates in update-id order (so one forum's topics are handled in order),
//! through the dptree schema. A handler claims its update inside its own transaction; if no
//! handler did (an update the bot ignores), it is marked handled here. Failures are retried
//! with backoff and, after a few attempts, set aside with their error so they never block the
//! updates behind them.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use teloxide::types::Update;
use tokio_util::sync::CancellationToken;

use super::schema::schema;
use super::AppState;
use crate::app::{workspaces, Origin};
use crate::metrics::Metrics;
use crate::store;

/// Attempts before an update that keeps failing is set aside.
const GIVE_UP_AFTER: i32 = 5;

pub async fn run(state: Arc<AppState>, shutdown: CancellationToken) {
    let handler = schema();
    let ctx = state.ctx.clone();
    loop {
        if shutdown.is_cancelled() {
            return;
        }
        let rows = match store::inbox::pending(
            &ctx.db,
            ctx.clock.now().max(chrono::Utc::now()),
            100,
        )
        .await
        {
            Ok(rows) => rows,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the inbox");
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
                }
            }
        };
        if rows.is_empty() {
            let retry = store::inbox::next_retry(&ctx.db).await.ok().flatten();
            let wait = retry
                .and_then(|at| (at - chrono::Utc::now()).to_std().ok())
                .unwrap_or(Duration::from_secs(60));
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = ctx.wake.inbox.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
            continue;
        }
        for row in rows {
            // Finish the update in hand, then stop: the rest stay in the inbox for next start.
            if shutdown.is_cancelled() {
                return;
            }
            let id = row.update_id;
            let outcome = match serde_json::from_str::<Update>(&row.payload) {
                Ok(update) => handle(&state, &handler, id, update).await,
                Err(e) => Err(anyhow::anyhow!("stored update does not parse: {e}")),
            };
            match outcome {
                Ok(()) => Metrics::inc(&ctx.metrics.updates_handled),
                Err(e) => {
                    Metrics::inc(&ctx.metrics.updates_failed);
                    let now = chrono::Utc::now();
                    match store::inbox::record_failure(
                        &ctx.db,
                        id,
                        &format!("{e:#}"),
                        now,
                        GIVE_UP_AFTER,
                    )
                    .await
                    {
                        Ok(true) => {
                            tracing::error!(update_id = id, error = %format!("{e:#}"), "update set aside after repeated failures")
                        }
                        Ok(false) => {
                            tracing::warn!(update_id = id, error = %format!("{e:#}"), "update failed; will retry")
                        }
                        Err(db) => {
                            tracing::error!(update_id = id, error = %db, "cannot record update failure")
                        }
                    }
                }
            }
        }
    }
}

async fn handle(
    state: &Arc<AppState>,
    handler: &teloxide::dispatching::UpdateHandler<anyhow::Error>,
    id: i64,
    update: Update,
) -> anyhow::Result<()> {
    let origin = Origin::Update(id);
    let deps = teloxide::dptree::deps![update, state.clone(), origin, state.me.clone()];
    match handler.dispatch(deps).await {
        ControlFlow::Break(result) => result?,
        ControlFlow::Continue(_) => {}
    }
    // No-op when the handler already claimed the update in its transaction.
    workspaces::ignore(&state.ctx, origin, None, false).await?;
    Ok(())
}
