//! Our own long-polling listener. teloxide's stock listeners acknowledge a batch (by asking for
//! the next offset) before the handlers ran, so a crash would lose updates. Here each update is
//! written to the inbox first; only then does the next `getUpdates` acknowledge it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::AllowedUpdate;
use tokio_util::sync::CancellationToken;

use crate::app::Ctx;
use crate::metrics::Metrics;
use crate::store;

/// The update kinds the daemon handles; everything else is not even delivered.
pub fn allowed_updates() -> Vec<AllowedUpdate> {
    vec![
        AllowedUpdate::Message,
        AllowedUpdate::EditedMessage,
        AllowedUpdate::CallbackQuery,
        AllowedUpdate::PreCheckoutQuery,
        AllowedUpdate::MyChatMember,
    ]
}

/// Polls until `shutdown`. Errors never end the loop: 429 waits `retry_after`, anything else
/// backs off exponentially up to 30 s.
pub async fn run(
    bot: Bot,
    ctx: Ctx,
    poll_timeout: Duration,
    connected: Arc<AtomicBool>,
    shutdown: CancellationToken,
) {
    let mut offset = match store::inbox::next_offset(&ctx.db).await {
        Ok(o) => o,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the inbox offset; starting from Telegram's");
            None
        }
    };
    let mut backoff = Duration::from_millis(500);
    loop {
        let mut req = bot
            .get_updates()
            .timeout(poll_timeout.as_secs() as u32)
            .allowed_updates(allowed_updates());
        if let Some(o) = offset {
            req = req.offset(o as i32);
        }
        let res = tokio::select! {
            _ = shutdown.cancelled() => return,
            r = req.send() => r,
        };
        match res {
            Ok(updates) => {
                connected.store(true, Ordering::Relaxed);
                backoff = Duration::from_millis(500);
                let mut stored_any = false;
                for u in &updates {
                    let id = i64::from(u.id.0);
                    let payload = match serde_json::to_string(u) {
                        Ok(p) => p,
                        Err(e) => {
                            tracing::error!(update_id = id, error = %e, "cannot serialize update; skipping it");
                            continue;
                        }
                    };
                    // Not acknowledged until stored: on a database error, stop here and poll
                    // again from the same offset.
                    match store::inbox::store(&ctx.db, id, &payload, ctx.clock.now()).await {
                        Ok(new) => {
                            if new {
                                Metrics::inc(&ctx.metrics.updates_received);
                            }
                            stored_any = true;
                            offset = Some(offset.map_or(id + 1, |o| o.max(id + 1)));
                        }
                        Err(e) => {
                            tracing::error!(update_id = id, error = %e, "cannot store update; will poll it again");
                            break;
                        }
                    }
                }
                if stored_any {
                    ctx.wake.inbox.notify_one();
                }
            }
            Err(teloxide::RequestError::RetryAfter(s)) => {
                tracing::warn!(seconds = s.seconds(), "getUpdates: Telegram asks to wait");
                sleep_or_stop(s.duration(), &shutdown).await;
            }
            Err(e) => {
                tracing::warn!(error = %e, retry_in = ?backoff, "getUpdates failed");
                sleep_or_stop(backoff, &shutdown).await;
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
        }
    }
}

async fn sleep_or_stop(d: Duration, shutdown: &CancellationToken) {
    tokio::select! {
        _ = shutdown.cancelled() => {}
        _ = tokio::time::sleep(d) => {}
    }
}
