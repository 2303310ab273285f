//! The subset of Jinja a template body may use, checked on the source text before minijinja
//! sees it. Inside `{{ … }}` and `{% … %}` (outside string literals) the operators that build
//! large values are refused — `*` (it repeats a string up to 100 MB in one step), `~` and `+`
//! (they concatenate, doubling a value per step) — and the only blocks are `if`/`elif`/`else`/
//! `endif` and `for`/`endfor`: blocks that capture output (`set`, `filter`, `macro`, `call`)
//! or reach other templates (`include`, `import`, `extends`) are refused, and so is `raw`.
//! What is left cannot grow a value beyond what the ticket and the body hold, so fuel and the
//! output limit bound a render's whole cost.
//!
//! Braces are refused inside a tag too: a map literal's `}}` would end the tag here but not for
//! minijinja (whose lexer counts brackets), and whatever followed it would go unchecked.
//!
//! Comments (`{# … #}`) are skipped. A tag that never closes is left to the parser, which
//! reports the syntax error.

use super::TemplateProblem;

/// The blocks a body may use.
const STATEMENTS: [&str; 6] = ["if", "elif", "else", "endif", "for", "endfor"];

/// Refuses what the subset leaves out; see the module docs.
pub(super) fn check(body: &str) -> Result<(), TemplateProblem> {
    let bytes = body.as_bytes();
    let mut i = 0;
    while let Some(offset) = body[i..].find('{') {
        let at = i + offset;
        i = match bytes.get(at + 1) {
            Some(b'#') => match body[at + 2..].find("#}") {
                Some(end) => at + 2 + end + 2,
                None => return Ok(()),
            },
            Some(b'{') => tag(body, at + 2, b"}}", false)?,
            Some(b'%') => tag(body, at + 2, b"%}", true)?,
            _ => at + 1,
        };
    }
    Ok(())
}

/// Checks one tag from just inside its opening delimiter (`start`) to its closing one (`close`);
/// returns where the text after it starts, or the body's end when it never closes.
fn tag(body: &str, start: usize, close: &[u8], statement: bool) -> Result<usize, TemplateProblem> {
    let bytes = body.as_bytes();
    let mut i = start;
    // Whitespace control right after the opening delimiter: `{%-`, `{{-`, `{%+`.
    if matches!(bytes.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    if statement {
        let word: String = body[i..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !STATEMENTS.contains(&word.as_str()) {
            return Err(TemplateProblem::NotAllowed {
                what: format!("{{% {word} %}}"),
            });
        }
    }
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let c = bytes[i];
        if let Some(q) = quote {
            match c {
                b'\\' => i += 1,
                _ if c == q => quote = None,
                _ => {}
            }
            i += 1;
            continue;
        }
        if bytes[i..].starts_with(close) {
            return Ok(i + close.len());
        }
        match c {
            b'"' | b'\'' => quote = Some(c),
            b'{' | b'}' => {
                return Err(TemplateProblem::NotAllowed {
                    what: char::from(c).to_string(),
                })
            }
            // Whitespace control right before the closing delimiter: `+%}`.
            b'+' if bytes[i + 1..].starts_with(close) => {}
            b'*' | b'~' | b'+' => {
                return Err(TemplateProblem::NotAllowed {
                    what: char::from(c).to_string(),
                })
            }
            _ => {}
        }
        i += 1;
    }
    Ok(bytes.len())
}
