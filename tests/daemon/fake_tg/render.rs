//! `parse_mode` like Telegram applies it: the text with markup removed plus its entities (offsets
//! in UTF-16), or the error Telegram gives for bad markup. MarkdownV2 and legacy Markdown are
//! here, HTML in `html`.

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

pub(super) fn render(
    text: &str,
    parse_mode: Option<&str>,
    entities: Option<Value>,
) -> Result<Rendered, ApiErr> {
    let parsed = match parse_mode.map(str::to_ascii_lowercase).as_deref() {
        None => {
            let mut r = Rendered::default();
            r.push_str(text);
            if let Some(Value::Array(e)) = entities {
                r.entities = e;
            }
            Ok(r)
        }
        Some("markdownv2") => parse_markdown_v2(text),
        Some("html") => parse_html(text),
        Some("markdown") => parse_markdown_legacy(text),
        Some(_) => return Err(bad("unsupported parse_mode")),
    };
    parsed
        .map(Rendered::finish)
        .map_err(|e| bad(&format!("can't parse entities: {e}")))
}

const MD2_RESERVED: &str = "_*[]()~`>#+-=|{}.!";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MdKind {
    Bold,
    Italic,
    Underline,
    Strikethrough,
    Spoiler,
    TextUrl,
    CustomEmoji,
}

impl MdKind {
    pub(super) fn name(self) -> &'static str {
        match self {
            MdKind::Bold => "Bold",
            MdKind::Italic => "Italic",
            MdKind::Underline => "Underline",
            MdKind::Strikethrough => "Strikethrough",
            MdKind::Spoiler => "Spoiler",
            MdKind::TextUrl => "TextUrl",
            MdKind::CustomEmoji => "CustomEmoji",
        }
    }

    fn entity_type(self) -> &'static str {
        match self {
            MdKind::Bold => "bold",
            MdKind::Italic => "italic",
            MdKind::Underline => "underline",
            MdKind::Strikethrough => "strikethrough",
            MdKind::Spoiler => "spoiler",
            MdKind::TextUrl => "text_link",
            MdKind::CustomEmoji => "custom_emoji",
        }
    }
}

/// Emits a link-like entity if the URL is usable (teloxide needs a parseable URL; Telegram
/// silently drops unusable links).
fn link_entity(r: &mut Rendered, kind: MdKind, start: usize, url: &str) {
    if kind == MdKind::CustomEmoji {
        let id = url
            .strip_prefix("tg://emoji?id=")
            .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()));
        if let Some(id) = id {
            r.entity("custom_emoji", start, Some(("custom_emoji_id", json!(id))));
        }
    } else if url::Url::parse(url).is_ok() {
        r.entity("text_link", start, Some(("url", json!(url))));
    }
}

/// MarkdownV2 as documented by Telegram: `*bold*`, `_italic_`, `__underline__`, `~strike~`,
/// `||spoiler||`, `[text](url)`, `![emoji](tg://emoji?id=…)`, `` `code` ``, ```` ```pre``` ````,
/// `>` blockquotes at line start; every other reserved character must be escaped with `\`.
fn parse_markdown_v2(s: &str) -> Result<Rendered, String> {
    pub(super) struct Open {
        kind: MdKind,
        byte: usize,
        start: usize,
    }
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let n = chars.len();
    let at = |i: usize| chars.get(i).map(|(_, c)| *c);
    let mut r = Rendered::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut quote: Option<usize> = None;
    let mut i = 0;
    while i < n {
        let (b, c) = chars[i];
        let line_start = i == 0 || at(i - 1) == Some('\n');
        match c {
            '\\' => match at(i + 1) {
                Some(e) if (1..=126).contains(&(e as u32)) => {
                    r.push(e);
                    i += 2;
                }
                _ => {
                    r.push('\\');
                    i += 1;
                }
            },
            '*' | '~' | '_' => {
                let (kind, width) = match c {
                    '*' => (MdKind::Bold, 1),
                    '~' => (MdKind::Strikethrough, 1),
                    _ if at(i + 1) == Some('_') => (MdKind::Underline, 2),
                    _ => (MdKind::Italic, 1),
                };
                if let Some(pos) = stack.iter().rposition(|o| o.kind == kind) {
                    let o = stack.remove(pos);
                    r.entity(kind.entity_type(), o.start, None);
                } else {
                    stack.push(Open {
                        kind,
                        byte: b,
                        start: r.len16,
                    });
                }
                i += width;
            }
            '|' if at(i + 1) == Some('|') => {
                if let Some(pos) = stack.iter().rposition(|o| o.kind == MdKind::Spoiler) {
                    let o = stack.remove(pos);
                    r.entity("spoiler", o.start, None);
                } else {
                    stack.push(Open {
                        kind: MdKind::Spoiler,
                        byte: b,
                        start: r.len16,
                    });
                }
                i += 2;
            }
            '[' => {
                stack.push(Open {
                    kind: MdKind::TextUrl,
                    byte: b,
                    start: r.len16,
                });
                i += 1;
            }
            '!' if at(i + 1) == Some('[') => {
                stack.push(Open {
                    kind: MdKind::CustomEmoji,
                    byte: b,
                    start: r.len16,
                });
                i += 2;
            }
            ']' if stack
                .last()
                .is_some_and(|o| matches!(o.kind, MdKind::TextUrl | MdKind::CustomEmoji)) =>
            {
                if at(i + 1) != Some('(') {
                    return Err(
                        "Character ']' is reserved and must be escaped with the preceding '\\'"
                            .to_owned(),
                    );
                }
                let mut j = i + 2;
                let mut url = String::new();
                loop {
                    match at(j) {
                        None => return Err(format!("Can't find end of a URL at byte offset {b}")),
                        Some('\\') if at(j + 1).is_some() => {
                            url.extend(at(j + 1));
                            j += 2;
                        }
                        Some(')') => break,
                        Some(ch) => {
                            url.push(ch);
                            j += 1;
                        }
                    }
                }
                if let Some(o) = stack.pop() {
                    link_entity(&mut r, o.kind, o.start, &url);
                }
                i = j + 1;
            }
            '`' => {
                let pre = at(i + 1) == Some('`') && at(i + 2) == Some('`');
                let (open_w, close): (usize, &[char]) = if pre {
                    (3, &['`', '`', '`'])
                } else {
                    (1, &['`'])
                };
                let mut j = i + open_w;
                let mut body = String::new();
                loop {
                    match at(j) {
                        None => {
                            let kind = if pre { "Pre" } else { "Code" };
                            return Err(format!(
                                "Can't find end of {kind} entity at byte offset {b}"
                            ));
                        }
                        Some('\\') if at(j + 1).is_some() => {
                            body.extend(at(j + 1));
                            j += 2;
                        }
                        Some(_) if (0..close.len()).all(|k| at(j + k) == Some(close[k])) => break,
                        Some(ch) => {
                            body.push(ch);
                            j += 1;
                        }
                    }
                }
                let start = r.len16;
                if pre {
                    let (language, code) = match body.split_once('\n') {
                        Some((first, rest))
                            if !first.is_empty() && !first.contains(char::is_whitespace) =>
                        {
                            (Some(first.to_owned()), rest.to_owned())
                        }
                        Some(("", rest)) => (None, rest.to_owned()),
                        _ => (None, body.clone()),
                    };
                    r.push_str(&code);
                    r.entity("pre", start, language.map(|l| ("language", json!(l))));
                } else {
                    r.push_str(&body);
                    r.entity("code", start, None);
                }
                i = j + close.len();
            }
            '>' if line_start => {
                if quote.is_none() {
                    quote = Some(r.len16);
                }
                i += 1;
            }
            '\n' => {
                if let Some(q) = quote {
                    if at(i + 1) != Some('>') {
                        r.entity("blockquote", q, None);
                        quote = None;
                    }
                }
                r.push('\n');
                i += 1;
            }
            _ if MD2_RESERVED.contains(c) => {
                return Err(format!(
                    "Character '{c}' is reserved and must be escaped with the preceding '\\'"
                ));
            }
            _ => {
                r.push(c);
                i += 1;
            }
        }
    }
    if let Some(q) = quote {
        r.entity("blockquote", q, None);
    }
    if let Some(o) = stack.first() {
        return Err(format!(
            "Can't find end of {} entity at byte offset {}",
            o.kind.name(),
            o.byte
        ));
    }
    Ok(r)
}

/// Legacy `Markdown`: `*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ````, `[text](url)`;
/// only `_ * ` [` can be escaped.
fn parse_markdown_legacy(s: &str) -> Result<Rendered, String> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|(_, c)| *c);
    let mut r = Rendered::default();
    let mut i = 0;
    while i < chars.len() {
        let (b, c) = chars[i];
        let unterminated = || format!("Can't find end of the entity starting at byte offset {b}");
        match c {
            '\\' if matches!(at(i + 1), Some('_' | '*' | '`' | '[')) => {
                r.push(at(i + 1).unwrap_or('\\'));
                i += 2;
            }
            '*' | '_' => {
                let end = (i + 1..chars.len())
                    .find(|&j| at(j) == Some(c))
                    .ok_or_else(unterminated)?;
                let start = r.len16;
                for (_, ch) in &chars[i + 1..end] {
                    r.push(*ch);
                }
                r.entity(if c == '*' { "bold" } else { "italic" }, start, None);
                i = end + 1;
            }
            '`' => {
                let pre = at(i + 1) == Some('`') && at(i + 2) == Some('`');
                let w = if pre { 3 } else { 1 };
                let end = (i + w..chars.len())
                    .find(|&j| (0..w).all(|k| at(j + k) == Some('`')))
                    .ok_or_else(unterminated)?;
                let start = r.len16;
                for (_, ch) in &chars[i + w..end] {
                    r.push(*ch);
                }
                r.entity(if pre { "pre" } else { "code" }, start, None);
                i = end + w;
            }
            '[' => {
                let close = (i + 1..chars.len())
                    .find(|&j| at(j) == Some(']'))
                    .ok_or_else(unterminated)?;
                if at(close + 1) != Some('(') {
                    return Err(unterminated());
                }
                let end = (close + 2..chars.len())
                    .find(|&j| at(j) == Some(')'))
                    .ok_or_else(unterminated)?;
                let url: String = chars[close + 2..end].iter().map(|(_, c)| *c).collect();
                let start = r.len16;
                for (_, ch) in &chars[i + 1..close] {
                    r.push(*ch);
                }
                link_entity(&mut r, MdKind::TextUrl, start, &url);
                i = end + 1;
            }
            _ => {
                r.push(c);
                i += 1;
            }
        }
    }
    Ok(r)
}

#[cfg(test)]
fn md2(s: &str) -> Result<String, String> {
    parse_markdown_v2(s).map(|r| r.text)
}

#[test]
fn markdown_v2_rules() {
    assert_eq!(md2("plain text"), Ok("plain text".to_owned()));
    assert!(md2("Hello.").is_err_and(|e| e.contains("Character '.' is reserved")));
    assert_eq!(md2("Hello\\."), Ok("Hello.".to_owned()));
    assert_eq!(
        md2("*bold* _it_ __u__ ~s~ ||sp||"),
        Ok("bold it u s sp".to_owned())
    );
    assert!(md2("*open").is_err_and(|e| e.contains("Can't find end of Bold entity")));
    assert_eq!(
        md2("[link](https://example.com/a\\)b)"),
        Ok("link".to_owned())
    );
    assert_eq!(md2("`a.b*c`"), Ok("a.b*c".to_owned()));
    assert_eq!(md2("```rust\nlet x = 1;```"), Ok("let x = 1;".to_owned()));
    assert_eq!(md2(">quoted\nnext"), Ok("quoted\nnext".to_owned()));
    assert!(md2("a > b").is_err());
    assert!(md2("1-2").is_err());
    let r = parse_markdown_v2("x *bold*").map(Rendered::finish);
    assert!(r.is_ok_and(|r| r.entities == vec![json!({"type": "bold", "offset": 2, "length": 4})]));
}
