//! Request bodies teloxide sends as `multipart/form-data` (file uploads: `sendDocument`): text
//! fields come as strings and are read back into the JSON types the methods expect, file parts
//! are kept whole so tests can read what the daemon uploaded.

use serde_json::{json, Map, Value};

/// Parameters that are free text and must stay strings even when they look like numbers/JSON.
const TEXT_KEYS: &[&str] = &[
    "text",
    "caption",
    "name",
    "title",
    "description",
    "payload",
    "data",
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

/// The boundary of a `multipart/form-data` content type.
pub(super) fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| &hay[i..i + needle.len()] == needle)
}

/// Text fields become (coerced) values; a file part becomes `{"file_name", "size",
/// "content_type", "content"}` (the content as UTF-8, lossily), also where a field refers to it
/// with `attach://<name>`.
pub(super) fn parse(body: &[u8], boundary: &str) -> Map<String, Value> {
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
        let (mut name, mut file_name, mut content_type) = (None, None, None);
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
                let file = json!({
                    "file_name": f,
                    "size": content.len(),
                    "content_type": content_type,
                    "content": String::from_utf8_lossy(content),
                });
                files.insert(name, file);
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
    let m = parse(body, "XX");
    assert_eq!(m.get("chat_id"), Some(&json!(-100)));
    assert_eq!(m.get("caption"), Some(&json!("42")));
    assert_eq!(
        m.get("document"),
        Some(&json!({
            "file_name": "a.txt", "size": 5, "content_type": "text/plain", "content": "hello"
        }))
    );
    assert!(m.get("f1").is_none());
}
