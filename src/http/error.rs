//! The one error of the HTTP side. Every refusal answers SPEC §10's body,
//! `{"error": {"code": "...", "message": "..."}}`, with its status; a 429 carries `Retry-After`
//! and an illegal status move lists the moves allowed. Internal failures are logged here and
//! answered without their details.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::app::AppError;
use crate::domain::ticket::TransitionError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    pub status: StatusCode,
    /// A stable machine-readable code (`not_found`, `invalid_grant`, …).
    pub code: &'static str,
    pub message: String,
    /// Seconds to wait, for a 429.
    pub retry_after: Option<u64>,
    /// The status moves the ticket allows, for a 409 on an illegal move.
    pub allowed: Vec<String>,
}

impl HttpError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
            allowed: Vec::new(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn too_many_requests(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many requests",
            )
        }
    }

    /// A failure that is ours, not the caller's: logged with its cause, answered without it.
    pub fn internal(cause: &dyn std::fmt::Display, message: impl Into<String>) -> Self {
        tracing::error!(error = %cause, "HTTP request failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl From<AppError> for HttpError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => Self::not_found("not found"),
            AppError::Forbidden => Self::new(StatusCode::FORBIDDEN, "forbidden", "forbidden"),
            AppError::Domain(TransitionError::NotAllowed {
                from,
                action,
                allowed,
            }) => Self {
                allowed: allowed.iter().map(|a| a.as_str().to_owned()).collect(),
                ..Self::new(
                    StatusCode::CONFLICT,
                    "illegal_transition",
                    format!(
                        "cannot {} a ticket that is {}",
                        action.as_str(),
                        from.as_str()
                    ),
                )
            },
            AppError::Domain(TransitionError::AlreadyAssigned(user)) => Self::new(
                StatusCode::CONFLICT,
                "already_assigned",
                format!("the ticket is already assigned to {}", user.0),
            ),
            other @ (AppError::Db(_) | AppError::Unexpected(_)) => {
                Self::internal(&other, "could not complete the request; retry later")
            }
        }
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let mut error = serde_json::json!({ "code": self.code, "message": self.message });
        if !self.allowed.is_empty() {
            error["allowed"] = serde_json::json!(self.allowed);
        }
        let body = Json(serde_json::json!({ "error": error }));
        match self.retry_after {
            Some(secs) => {
                (self.status, [(header::RETRY_AFTER, secs.to_string())], body).into_response()
            }
            None => (self.status, body).into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::body::to_bytes;

    use super::*;
    use crate::domain::ticket::{Action, Status};

    async fn answer(e: HttpError) -> (StatusCode, Option<String>, serde_json::Value) {
        let r = e.into_response();
        let status = r.status();
        let retry = r
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = to_bytes(r.into_body(), 1 << 16).await.expect("body");
        let body = serde_json::from_slice(&bytes).expect("json body");
        (status, retry, body)
    }

    #[tokio::test]
    async fn every_error_answers_the_spec_body() {
        let (status, retry, body) = answer(HttpError::not_found("no ticket 7")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(retry, None);
        assert_eq!(
            body,
            serde_json::json!({ "error": { "code": "not_found", "message": "no ticket 7" } })
        );
        let (status, retry, body) = answer(HttpError::too_many_requests(30)).await;
        assert_eq!(
            (status, retry.as_deref(), &body["error"]["code"]),
            (
                StatusCode::TOO_MANY_REQUESTS,
                Some("30"),
                &serde_json::json!("rate_limited")
            )
        );
    }

    #[tokio::test]
    async fn an_illegal_move_is_a_conflict_with_the_allowed_moves() {
        let e = AppError::Domain(TransitionError::NotAllowed {
            from: Status::Closed,
            action: Action::Resolve,
            allowed: vec![Action::Reopen],
        });
        let (status, _, body) = answer(e.into()).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body["error"]["code"], "illegal_transition");
        assert_eq!(body["error"]["allowed"], serde_json::json!(["reopen"]));
    }

    #[tokio::test]
    async fn an_internal_failure_does_not_leak_its_cause() {
        let e = AppError::Unexpected(anyhow::anyhow!("password=hunter2 at db host"));
        let (status, _, body) = answer(e.into()).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!body.to_string().contains("hunter2"), "{body}");
    }
}
