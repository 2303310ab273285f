//! The HTTP front of the fake: every request reaches one axum fallback handler, which parses the
//! JSON (or, for uploads, multipart) body, routes `getUpdates` to the long poll and everything else through fault injection
//! and the logged, locked method dispatch, and answers in the Bot API's `{"ok": …}` envelope.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::state::World;
use super::FakeTelegram;

#[derive(Clone, Debug)]
pub(super) struct ApiErr {
    pub(super) code: u16,
    pub(super) description: String,
    pub(super) retry_after: Option<u32>,
}

pub(super) fn bad(desc: &str) -> ApiErr {
    ApiErr {
        code: 400,
        description: format!("Bad Request: {desc}"),
        retry_after: None,
    }
}

pub(super) fn forbidden(desc: &str) -> ApiErr {
    ApiErr {
        code: 403,
        description: format!("Forbidden: {desc}"),
        retry_after: None,
    }
}

fn not_found() -> ApiErr {
    ApiErr {
        code: 404,
        description: "Not Found".to_owned(),
        retry_after: None,
    }
}

pub(super) async fn handle_http(
    State(fake): State<FakeTelegram>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let params = match super::multipart::boundary(content_type) {
        Some(b)
            if content_type
                .to_ascii_lowercase()
                .starts_with("multipart/form-data") =>
        {
            Value::Object(super::multipart::parse(&body, &b))
        }
        _ => parse_body(&body),
    };
    let segments: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
    let method = match segments.as_slice() {
        [token, method] if token.starts_with("bot") && !method.is_empty() => {
            method.to_ascii_lowercase()
        }
        _ => format!("<bad path {}>", uri.path()),
    };
    let res = if method == "getupdates" {
        fake.get_updates(params).await
    } else {
        fake.dispatch(&method, params)
    };
    respond(res)
}

fn respond(res: Result<Value, ApiErr>) -> Response {
    match res {
        Ok(v) => (StatusCode::OK, Json(json!({ "ok": true, "result": v }))).into_response(),
        Err(e) => {
            let mut body = json!({
                "ok": false,
                "error_code": e.code,
                "description": e.description,
            });
            // Only present when meaningful: teloxide fails to parse an empty `parameters`.
            if let Some(r) = e.retry_after {
                body["parameters"] = json!({ "retry_after": r });
            }
            let status = StatusCode::from_u16(e.code).unwrap_or(StatusCode::BAD_REQUEST);
            (status, Json(body)).into_response()
        }
    }
}

impl FakeTelegram {
    fn dispatch(&self, method: &str, params: Value) -> Result<Value, ApiErr> {
        self.mutate(|w| {
            if let Some(fault) = w.fault_for(method, &params) {
                let err = fault.to_err();
                let seq = w.log_request(method, params, true);
                w.finish(seq, &Err(err.clone()));
                return Err(err);
            }
            let seq = w.log_request(method, params.clone(), false);
            let res = w.call(method, &params);
            w.finish(seq, &res);
            res
        })
    }
}

impl World {
    /// Routes a Bot API method (lower-cased) to its implementation. Only the methods the daemon
    /// calls are implemented; any other answers 404 like an unknown method.
    fn call(&mut self, method: &str, p: &Value) -> Result<Value, ApiErr> {
        match method {
            "getme" => Ok(World::me_json()),
            // The daemon calls it before it polls; no webhook is ever set here.
            "deletewebhook" => Ok(json!(true)),
            "sendmessage" => self.send_message(p),
            "editmessagetext" => self.edit_message_text(p),
            "sendinvoice" => self.send_invoice(p),
            "answercallbackquery" => self.answer_callback_query(p),
            "answerprecheckoutquery" => self.answer_pre_checkout_query(p),
            "pinchatmessage" => self.pin_chat_message(p),
            "deletemessage" => self.delete_message(p),
            "senddocument" => self.send_document(p),
            "editforumtopic" => self.edit_forum_topic(p),
            "closeforumtopic" => self.set_topic_closed(p, true),
            "reopenforumtopic" => self.set_topic_closed(p, false),
            "getchatmember" => self.get_chat_member(p),
            "setmycommands" => self.set_my_commands(p),
            _ => Err(not_found()),
        }
    }
}

/// teloxide sends every method as a JSON body but file uploads (multipart, read by
/// `multipart`); anything else is kept for the log as it came.
fn parse_body(body: &[u8]) -> Value {
    if body.is_empty() {
        return Value::Object(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => Value::Object(o),
        Ok(other) => json!({ "_non_object_body": other }),
        Err(_) => json!({ "_unparseable_body": String::from_utf8_lossy(body) }),
    }
}
