//! Delivers outbox effects. Each chat is a lane: only the oldest live row of a chat may be sent
//! (the database decides, so this holds across retries, restarts and replicas), and different
//! chats go out concurrently. The dispatcher leases continuously: whenever a send finishes, the
//! next row of that chat becomes sendable and is leased at once; nothing waits for the slowest
//! chat. A 429 or a chat at its rate limit holds that chat's row (and so that chat) only; answers
//! to button presses and pre-checkout queries belong to no chat and have slots of their own.
//! Times here are wall clock: Telegram's `retry_after` is real seconds.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use entity::outbox::Model as Row;
use futures::FutureExt;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::app::delivery::{self, Delivered};
use crate::app::effects::Effect;
use crate::clock::Clock;
use crate::metrics::Metrics;
use crate::store;
use crate::telegram::sender::{self, SendError};
use crate::telegram::AppState;

/// Attempts before a transiently failing effect becomes a dead letter (429s count too).
const MAX_ATTEMPTS: i32 = 12;
/// How long a leased row stays ours without renewal. Short, so the rows of a daemon killed
/// mid-send come free quickly (on PostgreSQL, where other replicas may be alive); a heartbeat
/// renews the leases of rows in hand.
const LEASE: chrono::Duration = chrono::Duration::seconds(20);
const HEARTBEAT: Duration = Duration::from_secs(5);
/// The longest the dispatcher waits without looking at the outbox. Effects written by another
/// replica (or a CLI command) send this process no wake-up; one indexed query every two seconds
/// finds them.
const IDLE_RECHECK: Duration = Duration::from_secs(2);
/// Chats served at once, and separately, rows that belong to no chat.
const CHAT_SLOTS: usize = 64;
const CHATLESS_SLOTS: usize = 32;
/// A message whose chat is at its rate limit waits in hand this long at most; a longer wait
/// goes back to the outbox with the time it may go, freeing the slot.
const MAX_PACE_WAIT: Duration = Duration::from_secs(1);
/// On shutdown, a send already talking to Telegram gets this long to finish.
const SEND_GRACE: Duration = Duration::from_secs(5);

fn backoff(attempts: i32) -> Duration {
    Duration::from_secs(2u64.saturating_pow(attempts.clamp(0, 8) as u32).min(300))
}

fn chrono_after(clock: &dyn Clock, wait: Duration) -> chrono::DateTime<Utc> {
    clock.wall() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(1))
}

/// Rows this process holds, for the heartbeat.
type InHand = Arc<Mutex<HashSet<i64>>>;

pub async fn run(state: Arc<AppState>, shutdown: CancellationToken) {
    let ctx = state.ctx.clone();
    if !store::supports_skip_locked(&ctx.db) {
        match store::outbox::release_all(&ctx.db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(rows = n, "released outbox leases left by a previous run"),
            Err(e) => tracing::error!(error = %e, "cannot release old outbox leases"),
        }
    }
    // Rows written before every ticket effect carried its chat have none: give them theirs, so
    // they keep their place in their chat's order.
    match backfill_chats(&ctx.db).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(rows = n, "outbox rows given their chat"),
        Err(e) => tracing::error!(error = %e, "cannot give old outbox rows their chat"),
    }
    let in_hand: InHand = Arc::default();
    let mut chats: JoinSet<()> = JoinSet::new();
    let mut chatless: JoinSet<()> = JoinSet::new();
    let stop_sends = shutdown.child_token();
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.tick().await;
    loop {
        if shutdown.is_cancelled() {
            break;
        }
        let mut leased = 0;
        for (set, slots, without_chat) in [
            (&mut chatless, CHATLESS_SLOTS, true),
            (&mut chats, CHAT_SLOTS, false),
        ] {
            let free = slots.saturating_sub(set.len()) as u64;
            let rows = match store::outbox::lease_heads(
                &ctx.db,
                ctx.clock.wall(),
                LEASE,
                free,
                without_chat,
            )
            .await
            {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read the outbox");
                    Vec::new()
                }
            };
            leased += rows.len();
            for row in rows {
                lock(&in_hand).insert(row.id);
                set.spawn(deliver(
                    state.clone(),
                    row,
                    in_hand.clone(),
                    stop_sends.clone(),
                ));
            }
        }
        if leased > 0 {
            continue;
        }
        let room = (chats.len() < CHAT_SLOTS, chatless.len() < CHATLESS_SLOTS);
        let wait = match store::outbox::next_due(&ctx.db, ctx.clock.wall(), room.0, room.1).await {
            Ok(Some(at)) => (at - ctx.clock.wall())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .max(Duration::from_millis(10)),
            _ => IDLE_RECHECK,
        }
        .min(IDLE_RECHECK);
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = ctx.wake.outbox.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            Some(_) = chats.join_next(), if !chats.is_empty() => {}
            Some(_) = chatless.join_next(), if !chatless.is_empty() => {}
            _ = heartbeat.tick() => {
                let ids: Vec<i64> = lock(&in_hand).iter().copied().collect();
                if let Err(e) = store::outbox::renew(&ctx.db, &ids, ctx.clock.wall() + LEASE).await {
                    tracing::error!(error = %e, "cannot renew outbox leases");
                }
            }
        }
    }
    // Stopping: rows waiting for their chat's rate give their lease back at once; sends already
    // talking to Telegram get a moment to finish, then are dropped (their rows come free on the
    // next start, or when the lease runs out on PostgreSQL).
    stop_sends.cancel();
    let drain = async {
        while chats.join_next().await.is_some() {}
        while chatless.join_next().await.is_some() {}
    };
    if tokio::time::timeout(SEND_GRACE, drain).await.is_err() {
        tracing::warn!("outbox sends still in flight at shutdown; they will be retried");
        chats.abort_all();
        chatless.abort_all();
    }
}

/// Gives live rows without a chat whose effect is about a ticket the chat of that ticket's
/// topic. Returns how many changed.
async fn backfill_chats(db: &sea_orm::DatabaseConnection) -> Result<u64, sea_orm::DbErr> {
    let mut changed = 0;
    for row in store::outbox::live_without_chat(db).await? {
        let ticket = serde_json::from_str::<Effect>(&row.effect)
            .ok()
            .and_then(|e| e.ticket());
        let Some(ticket) = ticket else { continue };
        if let Some(t) = store::tickets::get(db, ticket).await? {
            store::outbox::set_chat(db, row.id, t.chat_id).await?;
            changed += 1;
        }
    }
    Ok(changed)
}

fn lock(in_hand: &InHand) -> std::sync::MutexGuard<'_, HashSet<i64>> {
    in_hand.lock().unwrap_or_else(|p| p.into_inner())
}

/// Takes a row out of the heartbeat's set however its task ends, a panic included.
struct Held {
    id: i64,
    in_hand: InHand,
}

impl Drop for Held {
    fn drop(&mut self) {
        lock(&self.in_hand).remove(&self.id);
    }
}

/// Sends one leased row and records the outcome on it. A panic while rendering or sending it
/// buries the row (the same effect would panic again), so its chat is not held forever.
async fn deliver(state: Arc<AppState>, row: Row, in_hand: InHand, stop: CancellationToken) {
    let _held = Held {
        id: row.id,
        in_hand,
    };
    let id = row.id;
    let kept = row.clone();
    let sending = std::panic::AssertUnwindSafe(deliver_row(&state, row, &stop)).catch_unwind();
    match sending.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!(id, error = %e, "cannot update outbox row"),
        Err(_) => {
            tracing::error!(
                id,
                "sending this effect panicked; keeping it as a dead letter"
            );
            Metrics::inc(&state.ctx.metrics.telegram_failed);
            let buried = store::outbox::bury(
                &state.ctx.db,
                &kept,
                state.ctx.clock.wall(),
                "sending it panicked",
            );
            if let Err(e) = buried.await {
                tracing::error!(id, error = %e, "cannot update outbox row");
            }
        }
    }
}

async fn deliver_row(
    state: &AppState,
    row: Row,
    stop: &CancellationToken,
) -> Result<(), sea_orm::DbErr> {
    let db = &state.ctx.db;
    let metrics = &state.ctx.metrics;
    let Ok(effect) = serde_json::from_str::<Effect>(&row.effect) else {
        tracing::error!(
            id = row.id,
            "outbox row does not parse; keeping it as a dead letter"
        );
        return store::outbox::bury(db, &row, state.ctx.clock.wall(), "effect does not parse")
            .await;
    };
    if effect.is_message() {
        let chat = row.chat_id.or_else(|| effect.chat_hint()).unwrap_or(0);
        loop {
            let ready = match state.pacer.reserve(chat, Instant::now()) {
                Ok(()) => break,
                Err(at) => at,
            };
            let wait = ready.saturating_duration_since(Instant::now());
            if wait > MAX_PACE_WAIT {
                return store::outbox::postpone(
                    db,
                    row.id,
                    chrono_after(state.ctx.clock.as_ref(), wait),
                )
                .await;
            }
            tokio::select! {
                _ = stop.cancelled() => return store::outbox::postpone(db, row.id, state.ctx.clock.wall()).await,
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }
    match sender::execute(state, &effect).await {
        Ok(()) => {
            Metrics::inc(&metrics.telegram_sent);
            store::outbox::complete(db, row.id).await
        }
        Err(SendError::Retry { after, reason }) if row.attempts + 1 < MAX_ATTEMPTS => {
            Metrics::inc(&metrics.telegram_retried);
            let wait = after.unwrap_or_else(|| backoff(row.attempts));
            tracing::warn!(id = row.id, chat = ?row.chat_id, ?wait, %reason, "Telegram effect will be retried; its chat waits");
            store::outbox::reschedule(
                db,
                &row,
                chrono_after(state.ctx.clock.as_ref(), wait),
                &reason,
            )
            .await
        }
        Err(SendError::TopicGone(reason)) => {
            tracing::warn!(id = row.id, %reason, "topic is gone; recording it on the ticket");
            if let Some(ticket) = effect.ticket() {
                if let Err(e) = delivery::record(&state.ctx, Delivered::TopicGone { ticket }).await
                {
                    tracing::error!(error = %e, "cannot mark topic deleted");
                }
            }
            Metrics::inc(&metrics.telegram_failed);
            store::outbox::bury(db, &row, state.ctx.clock.wall(), &reason).await
        }
        Err(e) => {
            tracing::error!(id = row.id, error = %e, "Telegram effect given up");
            Metrics::inc(&metrics.telegram_failed);
            store::outbox::bury(db, &row, state.ctx.clock.wall(), &e.to_string()).await
        }
    }
}
