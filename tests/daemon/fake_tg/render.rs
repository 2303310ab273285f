//! `parse_mode` like Telegram applies it: the text with markup removed plus its entities (offsets
//! in UTF-16), or the error Telegram gives for bad markup. The daemon sends HTML only, so that is
//! the one markup the fake parses (in `html`); no `parse_mode` means the text is taken literally.

use serde_json::{json, Value};

use super::html::parse_html;
use super::http::{bad, ApiErr};
use super::state::utf16_len;

/// Text with markup removed plus the entities Telegram would report (offsets in UTF-16).
#[derive(Debug, Default)]
pub(super) struct Rendered {
    pub(super) text: String,
    pub(super) len16: usize,
    pub(super) entities: Vec<Value>,
}

impl Rendered {
    pub(super) fn push(&mut self, c: char) {
        self.text.push(c);
        self.len16 += c.len_utf16();
    }

    pub(super) fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            self.push(c);
        }
    }

    /// Adds an entity from `start` to the current end; empty entities are dropped like
    /// Telegram does.
    pub(super) fn entity(&mut self, kind: &str, start: usize, extra: Option<(&str, Value)>) {
        if self.len16 <= start {
            return;
        }
        let mut e = json!({ "type": kind, "offset": start, "length": self.len16 - start });
        if let Some((k, v)) = extra {
            e[k] = v;
        }
        self.entities.push(e);
    }

    pub(super) fn finish(mut self) -> Rendered {
        self.entities.sort_by_key(|e| {
            let off = e.get("offset").and_then(Value::as_u64).unwrap_or(0);
            let len = e.get("length").and_then(Value::as_u64).unwrap_or(0);
            (off, u64::MAX - len)
        });
        self
    }
}

/// How user-typed text arrives: no markup, but a `bot_command` entity for a leading command.
pub(super) fn plain_render(text: &str) -> Rendered {
    let mut r = Rendered::default();
    r.push_str(text);
    if text.starts_with('/') {
        let cmd = text.split_whitespace().next().unwrap_or(text);
        r.entities
            .push(json!({ "type": "bot_command", "offset": 0, "length": utf16_len(cmd) }));
    }
    r
}

pub(super) fn render(text: &str, parse_mode: Option<&str>) -> Result<Rendered, ApiErr> {
    let parsed = match parse_mode.map(str::to_ascii_lowercase).as_deref() {
        None => {
            let mut r = Rendered::default();
            r.push_str(text);
            Ok(r)
        }
        Some("html") => parse_html(text),
        // MarkdownV2 and Markdown are real modes, but the daemon never uses them.
        Some(_) => return Err(bad("unsupported parse_mode")),
    };
    parsed
        .map(Rendered::finish)
        .map_err(|e| bad(&format!("can't parse entities: {e}")))
}
