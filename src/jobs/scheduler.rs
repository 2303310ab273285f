//! The one timer loop. It asks the database for the earliest due time, sleeps until then (on the
//! injected clock) or until a use case signals an earlier timer, and fires every due timer in its
//! own transaction that also deletes it, so each fires once, also across restarts and replicas.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::app::{routing, sla, team, tickets, Ctx, Origin, Work};
use crate::metrics::Metrics;
use crate::store::{self, timers::TimerKind};

/// The longest the scheduler sleeps without looking at the timers table again.
const RECHECK: chrono::Duration = chrono::Duration::seconds(1);

/// How long handled updates and dead letters are kept.
const KEEP_UPDATES: chrono::Duration = chrono::Duration::days(7);
const KEEP_DEAD_LETTERS: chrono::Duration = chrono::Duration::days(30);
const HOUSEKEEPING_EVERY: chrono::Duration = chrono::Duration::days(1);

pub async fn run(ctx: Ctx, shutdown: CancellationToken) {
    // One housekeeping timer per database; it re-arms itself when it fires.
    match store::timers::find(&ctx.db, TimerKind::Housekeeping, 0).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            let now = ctx.clock.now();
            if let Err(e) = store::timers::set(
                &ctx.db,
                TimerKind::Housekeeping,
                0,
                now + HOUSEKEEPING_EVERY,
                now,
            )
            .await
            {
                tracing::error!(error = %e, "cannot arm the housekeeping timer");
            }
        }
        Err(e) => tracing::error!(error = %e, "cannot read the housekeeping timer"),
    }
    loop {
        if shutdown.is_cancelled() {
            return;
        }
        // Fire everything that is due.
        loop {
            match fire_one(&ctx).await {
                Ok(true) => continue,
                Ok(false) => break,
                Err(e) => {
                    tracing::error!(error = %e, "timer failed; retrying shortly");
                    tokio::select! {
                        _ = shutdown.cancelled() => return,
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    }
                    break;
                }
            }
        }
        let next = match store::timers::next_due(&ctx.db).await {
            Ok(n) => n,
            Err(e) => {
                tracing::error!(error = %e, "cannot read timers");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        // Timers written by another process (the `seats grant` CLI, another replica) send no
        // wake-up, so the sleep is capped: one indexed MIN() query a second, never a scan, keeps
        // them within a second of their due time too.
        let cap = ctx.clock.now() + RECHECK;
        let until = next.map_or(cap, |at| at.min(cap));
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = ctx.wake.timers.notified() => {}
            _ = ctx.clock.sleep_until(until) => {}
        }
    }
}

/// Fires the oldest due timer, if any. Returns whether one was fired.
async fn fire_one(ctx: &Ctx) -> crate::app::AppResult<bool> {
    let Some(mut w) = Work::begin(ctx, Origin::Internal).await? else {
        return Ok(false);
    };
    let Some(timer) = store::timers::take_due(&w.tx, w.now).await? else {
        w.tx.rollback().await?;
        return Ok(false);
    };
    match TimerKind::parse(&timer.kind) {
        Some(TimerKind::AutoClose) => tickets::auto_close(&mut w, timer.subject_id).await?,
        Some(TimerKind::SeatExpiry) => team::seat_expired(&mut w, timer.subject_id).await?,
        Some(TimerKind::IntakeTimeout) => routing::intake_timeout(&mut w, timer.subject_id).await?,
        Some(TimerKind::UnassignedAlert) => {
            routing::unassigned_alert(&mut w, timer.subject_id).await?
        }
        Some(
            kind @ (TimerKind::SlaFirstWarn
            | TimerKind::SlaFirstBreach
            | TimerKind::SlaResolutionWarn
            | TimerKind::SlaResolutionBreach),
        ) => sla::fire(&mut w, kind, timer.subject_id).await?,
        Some(TimerKind::EscalateUnassigned) => {
            sla::unassigned_too_long(&mut w, timer.subject_id).await?
        }
        Some(TimerKind::Reminder) => sla::remind(&mut w, timer.subject_id).await?,
        Some(TimerKind::Housekeeping) => {
            let updates = store::inbox::prune(&w.tx, w.now - KEEP_UPDATES).await?;
            let dead = store::outbox::prune_dead(&w.tx, w.now - KEEP_DEAD_LETTERS).await?;
            tracing::info!(updates, dead, "housekeeping pruned old rows");
            w.set_timer(TimerKind::Housekeeping, 0, w.now + HOUSEKEEPING_EVERY)
                .await?;
        }
        None => tracing::warn!(kind = %timer.kind, "unknown timer kind dropped"),
    }
    w.commit().await?;
    Metrics::inc(&ctx.metrics.timers_fired);
    Ok(true)
}
