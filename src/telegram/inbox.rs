//! Handles stored updates in update-id order (so one forum's topics are handled in order),
//! through the dptree schema. A handler claims its update inside its own transaction; if no
//! handler did (an update the bot ignores), it is marked handled here. Failures are retried
//! with backoff and, after a few attempts, set aside with their error so they never block the
//! updates behind them; a panic is caught and sets its update aside at once. A payment is the
//! exception: it is retried until it applies.

use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use teloxide::types::Update;
use tokio_util::sync::CancellationToken;

use super::schema::schema;
use super::AppState;
use crate::app::{workspaces, Origin};
use crate::metrics::Metrics;
use crate::{jobs, store};

/// With the `fault-injection` feature (test builds only) and `Settings::fault_injection` on
/// (set only by the test harness), a message with exactly this text makes its handler panic.
#[cfg(feature = "fault-injection")]
pub const PANIC_TRIGGER: &str = "fault-injection: panic while handling this update";

/// Attempts before an update that keeps failing is set aside.
const GIVE_UP_AFTER: i32 = 5;

pub async fn run(state: Arc<AppState>, shutdown: CancellationToken) {
    let handler = schema();
    let ctx = state.ctx.clone();
    loop {
        if shutdown.is_cancelled() {
            return;
        }
        let rows = match store::inbox::pending(&ctx.db, ctx.clock.now().max(ctx.clock.wall()), 100)
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
                .and_then(|at| (at - ctx.clock.wall()).to_std().ok())
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
            let parsed = serde_json::from_str::<Update>(&row.payload);
            let payment = parsed.as_ref().is_ok_and(is_payment);
            let outcome = match parsed {
                Ok(update) => {
                    let handling =
                        std::panic::AssertUnwindSafe(handle(&state, &handler, id, update))
                            .catch_unwind();
                    tokio::select! {
                        res = handling => match res {
                            Ok(Ok(())) => Ok(()),
                            Ok(Err(e)) if is_transient(&e) => Err(Failure::Busy(format!("{e:#}"))),
                            Ok(Err(e)) => Err(Failure::Error(format!("{e:#}"))),
                            Err(panic) => Err(Failure::Panic(jobs::panic_message(&*panic))),
                        },
                        // A handler stuck on Telegram must not hold the shutdown: its
                        // transaction rolls back and the update is handled after the restart.
                        _ = jobs::grace_after(&shutdown) => {
                            tracing::warn!(update_id = id, "stopping in the middle of an update; it will be handled again");
                            return;
                        }
                    }
                }
                Err(e) => Err(Failure::Error(format!("stored update does not parse: {e}"))),
            };
            match outcome {
                Ok(()) => Metrics::inc(&ctx.metrics.updates_handled),
                Err(failure) => {
                    Metrics::inc(&ctx.metrics.updates_failed);
                    record(&ctx, id, failure, payment).await;
                }
            }
        }
    }
}

/// Why handling an update failed.
enum Failure {
    Error(String),
    /// The database was busy or away: retried with backoff, never set aside for it.
    Busy(String),
    /// The handler panicked: the same input would panic again, so it is set aside at once.
    Panic(String),
}

/// Records a failed attempt: retried with backoff, set aside after a few attempts (at once after
/// a panic). A payment is never set aside: money was taken, so it is retried until it applies,
/// and the operator hears about every failure.
async fn record(ctx: &crate::app::Ctx, id: i64, failure: Failure, payment: bool) {
    let (error, give_up_after) = match failure {
        Failure::Busy(e) => (e, i32::MAX),
        Failure::Error(e) => (e, GIVE_UP_AFTER),
        Failure::Panic(p) => (format!("panicked: {p}"), 1),
    };
    let give_up_after = if payment { i32::MAX } else { give_up_after };
    let now = ctx.clock.wall();
    match store::inbox::record_failure(&ctx.db, id, &error, now, give_up_after).await {
        Ok(_) if payment => tracing::error!(
            update_id = id,
            %error,
            "a successful payment could not be applied yet; retrying until it is"
        ),
        Ok(true) => tracing::error!(update_id = id, %error, "update set aside"),
        Ok(false) => tracing::warn!(update_id = id, %error, "update failed; will retry"),
        Err(db) => tracing::error!(update_id = id, error = %db, "cannot record update failure"),
    }
}

/// A database that was busy or away, as opposed to an update the daemon cannot handle.
fn is_transient(e: &anyhow::Error) -> bool {
    match e.downcast_ref::<crate::app::AppError>() {
        Some(crate::app::AppError::Db(db)) => store::is_transient(db),
        _ => e
            .downcast_ref::<sea_orm::DbErr>()
            .is_some_and(store::is_transient),
    }
}

/// A `successful_payment` message: money was taken, so it must never be set aside.
fn is_payment(update: &Update) -> bool {
    match &update.kind {
        teloxide::types::UpdateKind::Message(m) => m.successful_payment().is_some(),
        _ => false,
    }
}

async fn handle(
    state: &Arc<AppState>,
    handler: &teloxide::dispatching::UpdateHandler<anyhow::Error>,
    id: i64,
    update: Update,
) -> anyhow::Result<()> {
    let origin = Origin::Update(id);
    #[cfg(feature = "fault-injection")]
    if let teloxide::types::UpdateKind::Message(m) = &update.kind {
        if state.fault_injection && m.text() == Some(PANIC_TRIGGER) {
            panic!("fault injection: a handler panicked on update {id}");
        }
    }
    let me = state
        .me
        .get()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("getMe has not answered yet"))?;
    let deps = teloxide::dptree::deps![update, state.clone(), origin, me];
    match handler.dispatch(deps).await {
        ControlFlow::Break(result) => result?,
        ControlFlow::Continue(_) => {}
    }
    // No-op when the handler already claimed the update in its transaction.
    workspaces::ignore(&state.ctx, origin, None, false).await?;
    Ok(())
}
