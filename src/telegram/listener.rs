//! Our own long-polling listener. teloxide's stock listeners acknowledge a batch (by asking for
//! the next offset) before the handlers ran, so a crash would lose updates. Here each update is
//! written to the inbox first, exactly as Telegram sent it (raw JSON: re-serializing teloxide's
//! types is lossy, e.g. for callbacks on inaccessible messages); only then does the next
//! `getUpdates` acknowledge it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::app::Ctx;
use crate::metrics::Metrics;
use crate::store;

/// The update kinds the daemon handles; everything else is not even delivered.
pub const ALLOWED_UPDATES: &[&str] = &[
    "message",
    "edited_message",
    "callback_query",
    "pre_checkout_query",
    "my_chat_member",
];

/// Where `getUpdates` lives, and the HTTP client that holds the long poll.
pub struct Poller {
    client: reqwest::Client,
    api_url: url::Url,
    token: SecretString,
    timeout: Duration,
}

#[derive(Deserialize)]
struct Answer {
    ok: bool,
    #[serde(default)]
    result: Vec<Value>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    parameters: Option<Parameters>,
}

#[derive(Deserialize)]
struct Parameters {
    retry_after: Option<u64>,
}

enum PollError {
    RetryAfter(Duration),
    Other(String),
}

impl Poller {
    pub fn new(api_url: url::Url, token: SecretString, timeout: Duration) -> Self {
        // The client gives up a little after Telegram should have answered the long poll.
        let client = reqwest::Client::builder()
            .timeout(timeout + Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Self {
            client,
            api_url,
            token,
            timeout,
        }
    }

    async fn poll(&self, offset: Option<i64>) -> Result<Vec<Value>, PollError> {
        let url = format!(
            "{}bot{}/getUpdates",
            self.api_url,
            self.token.expose_secret()
        );
        let mut body = serde_json::json!({
            "timeout": self.timeout.as_secs(),
            "allowed_updates": ALLOWED_UPDATES,
        });
        if let Some(o) = offset {
            body["offset"] = o.into();
        }
        let resp = self
            .client
            .post(url)
            .json(&body)
            .send()
            .await
            .map_err(|e| PollError::Other(format!("network: {}", e.without_url())))?;
        let status = resp.status();
        let answer: Answer = resp.json().await.map_err(|e| {
            PollError::Other(format!(
                "HTTP {status}: unexpected answer ({})",
                e.without_url()
            ))
        })?;
        if answer.ok {
            return Ok(answer.result);
        }
        match answer.parameters.and_then(|p| p.retry_after) {
            Some(secs) => Err(PollError::RetryAfter(Duration::from_secs(secs))),
            None => Err(PollError::Other(format!(
                "HTTP {status}: {}",
                answer.description.unwrap_or_default()
            ))),
        }
    }
}

/// Polls until `shutdown`. Errors never end the loop: 429 waits `retry_after`, anything else
/// backs off exponentially up to 30 s.
pub async fn run(
    poller: Poller,
    ctx: Ctx,
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
        let res = tokio::select! {
            _ = shutdown.cancelled() => return,
            r = poller.poll(offset) => r,
        };
        match res {
            Ok(updates) => {
                connected.store(true, Ordering::Relaxed);
                backoff = Duration::from_millis(500);
                let mut batch = Vec::with_capacity(updates.len());
                for u in &updates {
                    match u.get("update_id").and_then(Value::as_i64) {
                        Some(id) => batch.push((id, u.to_string())),
                        None => {
                            tracing::error!(update = %u, "update without update_id; skipping it")
                        }
                    }
                }
                // Telegram's offset confirms "every update below it", and ids may start over lower
                // after a quiet week: confirm exactly this batch, by its last id.
                let Some(&(last, _)) = batch.last() else {
                    continue;
                };
                // Not acknowledged until stored: on a database error the same offset is asked
                // again and Telegram hands the batch out once more.
                match store::inbox::store_batch(&ctx.db, &batch, last + 1, ctx.clock.now()).await {
                    Ok(new) => {
                        for _ in 0..new {
                            Metrics::inc(&ctx.metrics.updates_received);
                        }
                        offset = Some(last + 1);
                        ctx.wake.inbox.notify_one();
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "cannot store updates; will poll them again");
                        sleep_or_stop(backoff, &shutdown).await;
                    }
                }
            }
            Err(PollError::RetryAfter(wait)) => {
                tracing::warn!(?wait, "getUpdates: Telegram asks to wait");
                sleep_or_stop(wait, &shutdown).await;
            }
            Err(PollError::Other(e)) => {
                // Telegram (or the way to it) stopped answering: /readyz says so until it does.
                connected.store(false, Ordering::Relaxed);
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
