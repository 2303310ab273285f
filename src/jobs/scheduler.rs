//! The one timer loop. It asks the database for the earliest due time, sleeps until then (on the
//! injected clock) or until a use case signals an earlier timer, and fires every due timer in its
//! own transaction that also deletes it, so each fires once, also across restarts and replicas.
//! A timer whose handling fails (or panics) is moved back with growing delays on its own; the
//! others keep their time.

use std::time::Duration;

use futures::FutureExt;
use tokio_util::sync::CancellationToken;

use crate::app::{reminders, retention, routing, sla, team, tickets, Ctx, Origin, Work};
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
    // Likewise the daily purge of message bodies, first soon after the first start.
    match store::timers::find(&ctx.db, TimerKind::PurgeBodies, 0).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            let now = ctx.clock.now();
            let at = now + retention::FIRST_PURGE_AFTER;
            if let Err(e) = store::timers::set(&ctx.db, TimerKind::PurgeBodies, 0, at, now).await {
                tracing::error!(error = %e, "cannot arm the purge timer");
            }
        }
        Err(e) => tracing::error!(error = %e, "cannot read the purge timer"),
    }
    loop {
        if shutdown.is_cancelled() {
            return;
        }
        // Fire everything that is due. A timer that fails is moved back on its own, so it never
        // holds the others up; only a database that does not answer pauses the loop.
        loop {
            if shutdown.is_cancelled() {
                return;
            }
            // A timer stuck (on a lock, a slow database) must not hold the shutdown: its
            // transaction rolls back and it fires after the restart.
            let fired = tokio::select! {
                fired = fire_next(&ctx) => fired,
                _ = super::grace_after(&shutdown) => {
                    tracing::warn!("stopping in the middle of a timer; it will fire again");
                    return;
                }
            };
            match fired {
                Ok(true) => continue,
                Ok(false) => break,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read timers; retrying shortly");
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
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
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

/// How long a timer whose handling failed waits before its next try: 2 s, doubling, at most an
/// hour.
fn backoff(attempts: i32) -> chrono::Duration {
    chrono::Duration::seconds(2i64.saturating_pow(attempts.clamp(0, 12) as u32).min(3600))
}

/// Fires the oldest due timer, if any; returns whether there was one. A failure or a panic
/// while handling it moves that timer back (with backoff) and counts the attempt; only an error
/// reading the timers table comes back as an error.
async fn fire_next(ctx: &Ctx) -> Result<bool, sea_orm::DbErr> {
    let Some(timer) = store::timers::oldest_due(&ctx.db, ctx.clock.now()).await? else {
        return Ok(false);
    };
    let outcome = std::panic::AssertUnwindSafe(fire(ctx, &timer))
        .catch_unwind()
        .await;
    let error = match outcome {
        Ok(Ok(())) => return Ok(true),
        // The database was busy or away: nothing is wrong with this timer; the loop retries.
        Ok(Err(crate::app::AppError::Db(e))) if store::is_transient(&e) => return Err(e),
        Ok(Err(e)) => format!("{e:#}"),
        Err(panic) => format!("panicked: {}", super::panic_message(&*panic)),
    };
    let at = ctx.clock.now() + backoff(timer.attempts);
    tracing::error!(
        timer = timer.id,
        kind = %timer.kind,
        subject = timer.subject_id,
        attempts = timer.attempts + 1,
        %error,
        retry_at = %at,
        "timer failed; it will be tried again"
    );
    store::timers::retry_later(&ctx.db, &timer, at, &error).await?;
    Ok(true)
}

/// Fires one timer in its own transaction, which also deletes it, so it fires once. The
/// timer's workspace is locked before the timer itself (the daemon's one lock order).
async fn fire(ctx: &Ctx, due: &entity::timers::Model) -> crate::app::AppResult<()> {
    // The purge works in many short transactions of its own, not in one long one.
    if TimerKind::parse(&due.kind) == Some(TimerKind::PurgeBodies) {
        retention::purge(ctx, due).await?;
        Metrics::inc(&ctx.metrics.timers_fired);
        return Ok(());
    }
    let Some(mut w) = Work::begin(ctx, Origin::Internal).await? else {
        return Ok(());
    };
    if let Some(ws) = store::timers::workspace_of(&w.tx, due).await? {
        store::workspaces::lock(&w.tx, ws).await?;
    }
    let Some(timer) = store::timers::take(&w.tx, due.id, w.now).await? else {
        // Another replica fired it, or moved it, meanwhile.
        w.tx.rollback().await?;
        return Ok(());
    };
    let kind = TimerKind::parse(&timer.kind);
    if kind.is_some_and(TimerKind::is_about_a_ticket) {
        if let Some(t) = store::tickets::get(&w.tx, timer.subject_id).await? {
            // Its group left the workspace: the ticket is read-only, its clocks stand still.
            if !store::tickets::is_live(&w.tx, &t).await? {
                tracing::info!(ticket = t.id, kind = %timer.kind, "timer of a read-only ticket dropped");
                return w.commit().await;
            }
        }
    }
    match kind {
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
        Some(TimerKind::Reminder) => reminders::remind(&mut w, timer.subject_id).await?,
        Some(TimerKind::Housekeeping) => {
            let updates = store::inbox::prune(&w.tx, w.now - KEEP_UPDATES).await?;
            let dead = store::outbox::prune_dead(&w.tx, w.now - KEEP_DEAD_LETTERS).await?;
            tracing::info!(updates, dead, "housekeeping pruned old rows");
            w.set_timer(TimerKind::Housekeeping, 0, w.now + HOUSEKEEPING_EVERY)
                .await?;
        }
        // Handled before this transaction began.
        Some(TimerKind::PurgeBodies) => {}
        None => tracing::warn!(kind = %timer.kind, "unknown timer kind dropped"),
    }
    w.commit().await?;
    Metrics::inc(&ctx.metrics.timers_fired);
    Ok(())
}
