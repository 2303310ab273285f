//! The HTTP server: `/healthz` (the process answers), `/readyz` (database reachable and
//! Telegram's `getMe` succeeded) and `/metrics` (Prometheus text). The REST API joins here later.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use sea_orm::DatabaseConnection;

use crate::metrics::Metrics;
use crate::store;

#[derive(Clone)]
pub struct HttpState {
    pub db: DatabaseConnection,
    pub metrics: Arc<Metrics>,
    /// Set once `getMe` succeeded.
    pub telegram_ready: Arc<AtomicBool>,
}

pub fn router(state: HttpState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(s): State<HttpState>) -> impl IntoResponse {
    let database = store::ping(&s.db).await.is_ok();
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

async fn metrics(State(s): State<HttpState>) -> impl IntoResponse {
    let inbox = store::inbox::count_pending(&s.db).await.unwrap_or(0);
    let outbox = store::outbox::count_pending(&s.db).await.unwrap_or(0);
    let timers = store::timers::count(&s.db).await.unwrap_or(0);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(inbox, outbox, timers),
    )
}
