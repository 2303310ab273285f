//! The HTTP front of the fake: every request reaches one axum fallback handler, which parses the
//! body (JSON, form or multipart) into a JSON object, routes `getUpdates` to the long poll and
//! everything else through fault injection and the logged, locked method dispatch, and answers
//! in the Bot API's `{"ok": …}` envelope.

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
    let params = parse_body(&headers, &body);
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
    /// Routes a Bot API method (lower-cased) to its implementation. A method neither the daemon
    /// nor a test calls is not implemented: it answers 404 like any unknown method.
    fn call(&mut self, method: &str, p: &Value) -> Result<Value, ApiErr> {
        match method {
            "getme" => Ok(World::me_json()),
            "getwebhookinfo" => self.get_webhook_info(),
            "deletewebhook" => self.delete_webhook(p),
            "sendmessage" => self.send_message(p),
            "editmessagetext" => self.edit_message_text(p),
            "editmessagereplymarkup" => self.edit_message_reply_markup(p),
            "editmessagecaption" => self.edit_message_caption(p),
            "setmessagereaction" => self.set_message_reaction(p),
            "deletemessage" => self.delete_message(p),
            "deletemessages" => self.delete_messages(p),
            "copymessage" => self.copy_message(p),
            "senddocument" => self.send_media(p, "document"),
            "sendphoto" => self.send_media(p, "photo"),
            "sendinvoice" => self.send_invoice(p),
            "answercallbackquery" => self.answer_callback_query(p),
            "answerprecheckoutquery" => self.answer_pre_checkout_query(p),
            "pinchatmessage" => self.pin_chat_message(p),
            "unpinchatmessage" => self.unpin_chat_message(p),
            "createforumtopic" => self.create_forum_topic(p),
            "editforumtopic" => self.edit_forum_topic(p),
            "closeforumtopic" => self.set_topic_closed(p, true),
            "reopenforumtopic" => self.set_topic_closed(p, false),
            "deleteforumtopic" => self.delete_forum_topic(p),
            "getchat" => self.get_chat(p),
            "getchatmember" => self.get_chat_member(p),
            "getchatadministrators" => self.get_chat_administrators(p),
            "setmycommands" => self.set_my_commands(p),
            "deletemycommands" => self.delete_my_commands(p),
            "getmycommands" => self.get_my_commands(p),
            _ => Err(not_found()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Request body parsing
// ---------------------------------------------------------------------------------------------

/// Parameters that are free text and must stay strings even when they look like numbers/JSON.
const TEXT_KEYS: &[&str] = &[
    "text",
    "caption",
    "name",
    "title",
    "description",
    "payload",
    "data",
    "callback_query_id",
    "pre_checkout_query_id",
    "currency",
    "start_parameter",
    "url",
    "language_code",
    "icon_custom_emoji_id",
    "error_message",
    "provider_token",
];

fn coerce(key: &str, s: &str) -> Value {
    if TEXT_KEYS.contains(&key) {
        return Value::String(s.to_owned());
    }
    if let Ok(n) = s.trim().parse::<i64>() {
        return json!(n);
    }
    match s {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    let t = s.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        if let Ok(v) = serde_json::from_str(s) {
            return v;
        }
    }
    Value::String(s.to_owned())
}

fn parse_body(headers: &HeaderMap, body: &[u8]) -> Value {
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let lower = ctype.to_ascii_lowercase();
    if body.is_empty() {
        return Value::Object(Map::new());
    }
    if lower.starts_with("multipart/form-data") {
        let boundary = ctype.split(';').find_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| v.trim().trim_matches('"').to_owned())
        });
        return match boundary {
            Some(b) => Value::Object(parse_multipart(body, &b)),
            None => json!({ "_unparseable_body": String::from_utf8_lossy(body) }),
        };
    }
    if lower.starts_with("application/x-www-form-urlencoded") {
        let mut o = Map::new();
        for (k, v) in url::form_urlencoded::parse(body) {
            o.insert(k.to_string(), coerce(&k, &v));
        }
        return Value::Object(o);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => Value::Object(o),
        Ok(other) => json!({ "_non_object_body": other }),
        Err(_) => json!({ "_unparseable_body": String::from_utf8_lossy(body) }),
    }
}

fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| &hay[i..i + needle.len()] == needle)
}

/// Minimal multipart/form-data parser: text fields become (coerced) values, file parts become
/// `{"file_name", "size", "content_type"}`, and `attach://<name>` references are resolved.
fn parse_multipart(body: &[u8], boundary: &str) -> Map<String, Value> {
    let delim = format!("--{boundary}").into_bytes();
    let mut positions = Vec::new();
    let mut at = 0;
    while let Some(p) = find_from(body, &delim, at) {
        positions.push(p);
        at = p + delim.len();
    }
    let mut fields = Map::new();
    let mut files = Map::new();
    for pair in positions.windows(2) {
        let mut part = &body[pair[0] + delim.len()..pair[1]];
        if let Some(rest) = part.strip_prefix(b"\r\n") {
            part = rest;
        }
        if let Some(rest) = part.strip_suffix(b"\r\n") {
            part = rest;
        }
        let Some(split) = find_from(part, b"\r\n\r\n", 0) else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]).to_string();
        let content = &part[split + 4..];
        let mut name = None;
        let mut file_name = None;
        let mut content_type = None;
        for line in head.lines() {
            let Some((h, v)) = line.split_once(':') else {
                continue;
            };
            if h.trim().eq_ignore_ascii_case("content-disposition") {
                for param in v.split(';') {
                    if let Some((k, val)) = param.trim().split_once('=') {
                        let val = val.trim().trim_matches('"').to_owned();
                        match k.trim().to_ascii_lowercase().as_str() {
                            "name" => name = Some(val),
                            "filename" => file_name = Some(val),
                            _ => {}
                        }
                    }
                }
            } else if h.trim().eq_ignore_ascii_case("content-type") {
                content_type = Some(v.trim().to_owned());
            }
        }
        let Some(name) = name else {
            continue;
        };
        match file_name {
            Some(f) => {
                files.insert(
                    name,
                    json!({ "file_name": f, "size": content.len(), "content_type": content_type }),
                );
            }
            None => {
                let text = String::from_utf8_lossy(content);
                fields.insert(name.clone(), coerce(&name, &text));
            }
        }
    }
    let mut attached = Vec::new();
    for v in fields.values_mut() {
        if let Value::String(s) = v {
            if let Some(id) = s.strip_prefix("attach://") {
                if let Some(f) = files.get(id) {
                    attached.push(id.to_owned());
                    *v = f.clone();
                }
            }
        }
    }
    for (k, f) in files {
        if !attached.contains(&k) {
            fields.entry(k).or_insert(f);
        }
    }
    fields
}

#[test]
fn multipart_parsing() {
    let body = b"--XX\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n-100\r\n\
--XX\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n42\r\n\
--XX\r\nContent-Disposition: form-data; name=\"document\"\r\n\r\nattach://f1\r\n\
--XX\r\nContent-Disposition: form-data; name=\"f1\"; filename=\"a.txt\"\r\n\
Content-Type: text/plain\r\n\r\nhello\r\n--XX--\r\n";
    let m = parse_multipart(body, "XX");
    assert_eq!(m.get("chat_id"), Some(&json!(-100)));
    assert_eq!(m.get("caption"), Some(&json!("42")));
    assert_eq!(
        m.get("document"),
        Some(&json!({"file_name": "a.txt", "size": 5, "content_type": "text/plain"}))
    );
    assert!(m.get("f1").is_none());
}
