//! Telegram's HTML `parse_mode`: the supported tags and entities, and the errors for unknown or
//! unbalanced tags and stray `<` or `&`.

use serde_json::{json, Value};

use super::render::Rendered;

/// Decodes one HTML entity starting at `s[0] == '&'`; returns the char and the bytes consumed.
fn html_entity(s: &str) -> Option<(char, usize)> {
    let end = s.char_indices().take(12).find(|(_, c)| *c == ';')?.0;
    let name = &s[1..end];
    let c = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, end + 1))
}

fn decode_html_attr(v: &str) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < v.len() {
        let rest = &v[i..];
        if rest.starts_with('&') {
            if let Some((c, used)) = html_entity(rest) {
                out.push(c);
                i += used;
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

fn parse_html_attrs(s: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            if let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let body = &after[1..];
                let end = body.find(q).unwrap_or(body.len());
                value = decode_html_attr(&body[..end]);
                rest = body.get(end + 1..).unwrap_or("").trim_start();
            } else {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                value = decode_html_attr(&after[..end]);
                rest = after[end..].trim_start();
            }
        }
        if !name.is_empty() {
            attrs.push((name, value));
        }
    }
    attrs
}

/// Telegram's HTML subset. Unknown tags, unbalanced tags, a `<` that does not start a tag and
/// an `&` that does not start `&lt;`/`&gt;`/`&amp;`/`&quot;`/a numeric entity are rejected.
pub(super) fn parse_html(s: &str) -> Result<Rendered, String> {
    pub(super) struct Open {
        tag: String,
        start: usize,
        /// `None` for tags that produce no entity of their own.
        kind: Option<&'static str>,
        extra: Option<(&'static str, Value)>,
    }
    let mut r = Rendered::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let c = rest.chars().next().unwrap_or(' ');
        if c == '&' {
            let (ch, used) = html_entity(rest).ok_or_else(|| {
                format!(
                    "Character '&' at byte offset {i} must be escaped as \"&amp;\" (unsupported \
                     HTML entity)"
                )
            })?;
            r.push(ch);
            i += used;
            continue;
        }
        if c != '<' {
            r.push(c);
            i += c.len_utf8();
            continue;
        }
        let end = rest
            .find('>')
            .ok_or_else(|| format!("Unclosed start tag at byte offset {i}"))?;
        let inner = &rest[1..end];
        if let Some(close) = inner.strip_prefix('/') {
            let name = close.trim().to_ascii_lowercase();
            let Some(open) = stack.pop() else {
                return Err(format!("Unexpected end tag at byte offset {i}"));
            };
            if open.tag != name {
                return Err(format!(
                    "Unmatched end tag at byte offset {i}, expected \"</{}>\", found \"</{name}>\"",
                    open.tag
                ));
            }
            if let Some(kind) = open.kind {
                r.entity(kind, open.start, open.extra);
            }
        } else {
            let name_end = inner
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-'))
                .unwrap_or(inner.len());
            let name = inner[..name_end].to_ascii_lowercase();
            let attrs = parse_html_attrs(&inner[name_end..]);
            let attr = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            let unsupported = || format!("Unsupported start tag \"{name}\" at byte offset {i}");
            type Kind = (Option<&'static str>, Option<(&'static str, Value)>);
            let (kind, extra): Kind = match name.as_str() {
                "b" | "strong" => (Some("bold"), None),
                "i" | "em" => (Some("italic"), None),
                "u" | "ins" => (Some("underline"), None),
                "s" | "strike" | "del" => (Some("strikethrough"), None),
                "tg-spoiler" => (Some("spoiler"), None),
                "span" if attr("class").as_deref() == Some("tg-spoiler") => (Some("spoiler"), None),
                "span" => {
                    return Err(format!(
                        "Tag \"span\" must have class \"tg-spoiler\" at byte offset {i}"
                    ))
                }
                "a" => match attr("href") {
                    Some(href) if url::Url::parse(&href).is_ok() => {
                        (Some("text_link"), Some(("url", json!(href))))
                    }
                    // Telegram keeps the text and drops a link it cannot use.
                    _ => (None, None),
                },
                "code" => {
                    let lang =
                        attr("class").and_then(|c| c.strip_prefix("language-").map(str::to_owned));
                    match stack.last_mut() {
                        // `<pre><code class="language-x">` sets the language of the pre block.
                        Some(pre) if pre.tag == "pre" => {
                            if let Some(l) = lang {
                                pre.extra = Some(("language", json!(l)));
                            }
                            (None, None)
                        }
                        _ => (Some("code"), None),
                    }
                }
                "pre" => (Some("pre"), None),
                "blockquote" if attr("expandable").is_some() => {
                    (Some("expandable_blockquote"), None)
                }
                "blockquote" => (Some("blockquote"), None),
                "tg-emoji" => match attr("emoji-id") {
                    Some(id) if !id.is_empty() => {
                        (Some("custom_emoji"), Some(("custom_emoji_id", json!(id))))
                    }
                    _ => return Err(unsupported()),
                },
                _ => return Err(unsupported()),
            };
            stack.push(Open {
                tag: name,
                start: r.len16,
                kind,
                extra,
            });
        }
        i += end + 1;
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "Can't find end tag corresponding to start tag \"{}\"",
            open.tag
        ));
    }
    Ok(r)
}

#[test]
fn html_rules() {
    let ok = |s: &str| parse_html(s).map(|r| r.text);
    assert_eq!(
        ok("<b>x</b> &amp; &lt;y&gt; &#33;"),
        Ok("x & <y> !".to_owned())
    );
    assert!(ok("a < b").is_err());
    assert!(ok("fish & chips").is_err());
    assert!(ok("<b>x").is_err());
    assert!(ok("<b>x</i>").is_err());
    assert!(ok("<foo>x</foo>").is_err());
    assert_eq!(
        ok("<a href=\"https://e.com/?a=1&amp;b=2\">l</a> <span class=\"tg-spoiler\">s</span>"),
        Ok("l s".to_owned())
    );
    let r = parse_html("<pre><code class=\"language-rust\">fn</code></pre>");
    assert!(r.is_ok_and(|r| r.entities
        == vec![json!({"type": "pre", "offset": 0, "length": 2, "language": "rust"})]));
}
