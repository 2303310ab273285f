//! The HTTP server: `/healthz` (the process answers), `/readyz` (the database answers, and so
//! did Telegram at the last poll), `/metrics` (Prometheus text) and the billing webhook. The
//! REST API joins here later, on the same [`AppState`] and the one [`HttpError`].

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::state::AppState;
use crate::store;

pub mod billing;
pub mod error;

pub use error::HttpError;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/api/v1/billing/webhook", post(billing::webhook))
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(s): State<Arc<AppState>>) -> impl IntoResponse {
    // A database that hangs is as unready as one that refuses; don't make the probe wait.
    let database = tokio::time::timeout(std::time::Duration::from_secs(2), store::ping(&s.ctx.db))
        .await
        .is_ok_and(|r| r.is_ok());
    let telegram = s.telegram_ready.load(Ordering::Relaxed);
    let code = if database && telegram {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        code,
        Json(serde_json::json!({ "database": database, "telegram": telegram })),
    )
}

async fn metrics(State(s): State<Arc<AppState>>) -> impl IntoResponse {
    let inbox = store::inbox::count_pending(&s.ctx.db).await.unwrap_or(0);
    let outbox = store::outbox::count_pending(&s.ctx.db).await.unwrap_or(0);
    let timers = store::timers::count(&s.ctx.db).await.unwrap_or(0);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.ctx.metrics.render(inbox, outbox, timers),
    )
}
