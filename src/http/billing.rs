//! `POST /api/v1/billing/webhook`: seats bought, renewed or ended by a billing system outside
//! Telegram. Signed like our outgoing webhooks (`X-Topicdesk-Signature: t=<unix>,v1=<hex
//! HMAC-SHA256(secret, "<t>.<body>")>`), refused when older than five minutes, applied once per
//! event id (a replay is acknowledged and ignored).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use serde::Deserialize;
use sha2::Sha256;
use std::sync::Arc;

use super::HttpError;
use crate::app::team::{self, BillingEvent, BillingOutcome};
use crate::domain::seats;
use crate::state::AppState;

/// Event ids are stored to apply each once; longer ones are refused rather than stored.
const MAX_EVENT_ID_LEN: usize = 128;

/// How old a signed timestamp may be (either way, for clock skew).
const TOLERANCE_SECS: i64 = 300;

/// A refused grant in the words of the HTTP API and the operator CLI (both speak to operators
/// and integrators, in English).
pub fn describe_grant(problem: seats::GrantProblem) -> String {
    match problem {
        seats::GrantProblem::TooManySeats => {
            format!(
                "at most {} seats of each tier per grant",
                seats::MAX_GRANT_SEATS
            )
        }
        seats::GrantProblem::EndsInThePast => "the paid period ends in the past".to_owned(),
        seats::GrantProblem::EndsTooLate => format!(
            "the paid period may reach at most {} months ahead",
            seats::MAX_GRANT_MONTHS
        ),
    }
}

/// Checks `t=…,v1=…` against the body; the comparison is constant-time.
pub fn verify(
    secret: &[u8],
    header: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), &'static str> {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => v1 = hex::decode(v).ok(),
            _ => {}
        }
    }
    let (Some(t), Some(sig)) = (t, v1) else {
        return Err("malformed signature header");
    };
    // Checked: `t` is whatever the sender wrote, up to i64::MIN.
    if now
        .timestamp()
        .checked_sub(t)
        .is_none_or(|skew| skew.abs() > TOLERANCE_SECS)
    {
        return Err("timestamp outside the 5-minute window");
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| "bad secret")?;
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&sig).map_err(|_| "signature mismatch")
}

#[derive(Deserialize)]
struct Payload {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    workspace_id: i64,
    #[serde(default)]
    basic: u32,
    #[serde(default)]
    pro: u32,
    period_end: DateTime<Utc>,
}

pub async fn webhook(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HttpError> {
    let Some(secret) = &s.billing_secret else {
        return Err(HttpError::not_found("billing webhook is not configured"));
    };
    let header = headers
        .get("x-topicdesk-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // The signer's timestamp is the world's time, not the helpdesk's.
    let signed_now = s.ctx.clock.wall();
    if let Err(why) = verify(secret.expose_secret().as_bytes(), header, &body, signed_now) {
        tracing::warn!(why, "billing webhook refused");
        return Err(HttpError::unauthorized(why));
    }
    let payload: Payload = serde_json::from_slice(&body)
        .map_err(|e| HttpError::bad_request(format!("body is not a billing event: {e}")))?;
    if payload.id.trim().is_empty() || payload.id.len() > MAX_EVENT_ID_LEN {
        return Err(HttpError::bad_request(format!(
            "event id must be 1 to {MAX_EVENT_ID_LEN} bytes"
        )));
    }
    if matches!(payload.kind.as_str(), "seats.purchased" | "seats.renewed") {
        let (basic, pro, end) = (
            payload.data.basic,
            payload.data.pro,
            payload.data.period_end,
        );
        if let Err(problem) = seats::check_grant(basic, pro, end, s.ctx.clock.now()) {
            return Err(HttpError::unprocessable(
                "invalid_grant",
                describe_grant(problem),
            ));
        }
    } else if payload.data.basic > seats::MAX_GRANT_SEATS
        || payload.data.pro > seats::MAX_GRANT_SEATS
    {
        return Err(HttpError::unprocessable(
            "invalid_grant",
            describe_grant(seats::GrantProblem::TooManySeats),
        ));
    }
    let event = BillingEvent {
        id: payload.id,
        kind: payload.kind,
        workspace_id: payload.data.workspace_id,
        basic: payload.data.basic,
        pro: payload.data.pro,
        period_end: payload.data.period_end,
    };
    let applied = |status: &str| {
        (
            StatusCode::OK,
            Json(serde_json::json!({ "status": status })),
        )
            .into_response()
    };
    match team::billing_event(&s.ctx, &event).await {
        Ok(BillingOutcome::Applied) => Ok(applied("applied")),
        Ok(BillingOutcome::Replayed) => Ok(applied("duplicate")),
        Ok(BillingOutcome::UnknownWorkspace) => Err(HttpError::unprocessable(
            "unknown_workspace",
            format!("no workspace {}", event.workspace_id),
        )),
        Ok(BillingOutcome::UnknownType) => Err(HttpError::unprocessable(
            "unknown_type",
            format!("unknown event type {:?}", event.kind),
        )),
        Err(e) => Err(HttpError::internal(
            &e,
            "could not apply the event; retry later",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &[u8], t: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("key");
        mac.update(format!("{t}.").as_bytes());
        mac.update(body);
        format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn a_correct_fresh_signature_verifies() {
        let now = Utc::now();
        let h = sign(b"s3cret", now.timestamp(), b"{}");
        assert_eq!(verify(b"s3cret", &h, b"{}", now), Ok(()));
    }

    #[test]
    fn wrong_secret_tampered_body_stale_or_malformed_are_refused() {
        let now = Utc::now();
        let h = sign(b"s3cret", now.timestamp(), b"{}");
        assert_eq!(verify(b"other", &h, b"{}", now), Err("signature mismatch"));
        assert_eq!(
            verify(b"s3cret", &h, b"{\"x\":1}", now),
            Err("signature mismatch")
        );
        let old = sign(b"s3cret", now.timestamp() - 301, b"{}");
        assert_eq!(
            verify(b"s3cret", &old, b"{}", now),
            Err("timestamp outside the 5-minute window")
        );
        assert_eq!(
            verify(b"s3cret", "", b"{}", now),
            Err("malformed signature header")
        );
        assert_eq!(
            verify(b"s3cret", "t=1,v1=zz", b"{}", now),
            Err("malformed signature header")
        );
    }

    proptest::proptest! {
        #[test]
        fn any_signature_header_and_body_are_checked_without_panicking(
            header in proptest::prop_oneof![
                proptest::arbitrary::any::<String>(),
                "t=-?[0-9]{0,25},v1=[0-9a-f]{0,70}",
            ],
            body in proptest::collection::vec(proptest::arbitrary::any::<u8>(), 0..200),
        ) {
            let now = Utc::now();
            proptest::prop_assert!(verify(b"s3cret", &header, &body, now).is_err());
        }
    }
}
