//! The small pieces every area's wording is built from: labels for statuses, priorities and
//! waiting times, links to topics, and the buttons that recur (Back, Open topic, a marked
//! choice). It imports no area, so every area can use it.

use super::{Button, Rendered};
use crate::telegram::callback::CallbackData;

/// A message without buttons.
pub(super) fn t(text: impl Into<String>) -> Rendered {
    Rendered {
        text: text.into(),
        keyboard: None,
    }
}

/// A button that sends callback data.
pub(super) fn cb(label: impl Into<String>, data: impl Into<CallbackData>) -> Button {
    Button::Callback(label.into(), data.into())
}

/// Escapes text for Telegram HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A link to a topic that works for members of the (private) supergroup.
pub fn topic_url(chat_id: i64, thread: i32) -> String {
    let internal = -chat_id - 1_000_000_000_000;
    format!("https://t.me/c/{internal}/{thread}")
}

/// A status as people read it ("in progress"). Notices carry the stored code; a value that is
/// no code (an older row already carrying the words) is shown as it is.
pub(super) fn status_label(s: &str) -> String {
    use crate::domain::ticket::Status;
    match s.parse::<Status>() {
        Ok(Status::Open) => "open",
        Ok(Status::Assigned) => "assigned",
        Ok(Status::InProgress) => "in progress",
        Ok(Status::Pending) => "pending",
        Ok(Status::Resolved) => "resolved",
        Ok(Status::Closed) => "closed",
        Err(_) => s,
    }
    .to_owned()
}

/// A role as people read it.
pub(super) fn role_label(r: crate::domain::team::Role) -> &'static str {
    use crate::domain::team::Role;
    match r {
        Role::Member => "Member",
        Role::Admin => "Admin",
        Role::Owner => "Owner",
    }
}

/// A priority's word, without its colour.
pub(super) fn priority_word(p: &str) -> String {
    use crate::domain::ticket::Priority;
    match p.parse::<Priority>() {
        Ok(Priority::Low) => "low",
        Ok(Priority::Normal) => "normal",
        Ok(Priority::High) => "high",
        Ok(Priority::Urgent) => "urgent",
        Err(_) => p,
    }
    .to_owned()
}

/// A priority as people read it, with its colour; an unknown stored value is shown as it is.
pub(super) fn priority_label(p: &str) -> String {
    let icon = match p {
        "urgent" => "🔴 ",
        "high" => "🟠 ",
        "low" => "⚪ ",
        _ => "",
    };
    format!("{icon}{}", priority_word(p))
}

/// A choice's label, marked when it is the current value.
pub(super) fn mark(on: bool, label: &str) -> String {
    format!("{}{label}", if on { "• " } else { "" })
}

/// The Custom… button of a number setting; it shows the current value when no quick button
/// does.
pub(super) fn custom_label(current: i32, choices: &[u16], show: impl Fn(i32) -> String) -> String {
    if choices.iter().any(|c| i32::from(*c) == current) {
        "✏️ Custom…".to_owned()
    } else {
        format!("• ✏️ Custom: {}", show(current))
    }
}

/// A waiting time: "12 min", "3 h 5 min", "2 d 4 h".
pub(super) fn minutes_label(m: i64) -> String {
    match m {
        m if m < 60 => format!("{m} min"),
        m if m < 24 * 60 => format!("{} h {} min", m / 60, m % 60),
        m => format!("{} d {} h", m / (24 * 60), (m % (24 * 60)) / 60),
    }
}

pub(super) fn open_topic(chat: i64, thread: i32) -> Button {
    Button::Url("Open topic".into(), topic_url(chat, thread))
}

pub(super) fn back(to: impl Into<CallbackData>) -> Button {
    cb("« Back", to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_html() {
        assert_eq!(esc("<b>&\"x\""), "&lt;b&gt;&amp;&quot;x&quot;");
    }

    #[test]
    fn topic_url_uses_the_internal_chat_id() {
        assert_eq!(
            topic_url(-1001234567890, 42),
            "https://t.me/c/1234567890/42"
        );
    }
}

/// A readable span: "45 min", "3 h 05 min", "2 d 4 h" (for negative, prefix "-").
///
/// Under a minute it reads "30 s"; larger units drop what is below the next
/// unit down (days show hours, not minutes), truncating.
pub(super) fn span(secs: i64) -> String {
    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    let sign = if secs < 0 { "-" } else { "" };
    let secs = secs.unsigned_abs();
    let body = if secs < MINUTE {
        format!("{secs} s")
    } else if secs < HOUR {
        format!("{} min", secs / MINUTE)
    } else if secs < DAY {
        let (hours, minutes) = (secs / HOUR, secs % HOUR / MINUTE);
        if minutes == 0 {
            format!("{hours} h")
        } else {
            format!("{hours} h {minutes:02} min")
        }
    } else {
        let (days, hours) = (secs / DAY, secs % DAY / HOUR);
        if hours == 0 {
            format!("{days} d")
        } else {
            format!("{days} d {hours} h")
        }
    };
    format!("{sign}{body}")
}

/// An instant as people read it in the workspace's zone: "Mon 02 Dec 10:00 CET". A zone that
/// no longer parses shows UTC.
pub(super) fn when(at: chrono::DateTime<chrono::Utc>, zone: &str) -> String {
    let tz = crate::domain::sla::parse_tz(zone).unwrap_or(chrono_tz::UTC);
    at.with_timezone(&tz)
        .format("%a %d %b %H:%M %Z")
        .to_string()
}

#[cfg(test)]
mod time_tests {
    use super::*;

    const HOUR: i64 = 3600;

    #[test]
    fn spans_read_naturally() {
        assert_eq!(span(0), "0 s");
        assert_eq!(span(59), "59 s");
        assert_eq!(span(45 * 60), "45 min");
        assert_eq!(span(45 * 60 + 59), "45 min");
        assert_eq!(span(2 * HOUR), "2 h");
        assert_eq!(span(3 * HOUR + 5 * 60), "3 h 05 min");
        assert_eq!(span(2 * 24 * HOUR + 4 * HOUR + 59 * 60), "2 d 4 h");
        assert_eq!(span(3 * 24 * HOUR), "3 d");
        assert_eq!(span(-(3 * HOUR + 5 * 60)), "-3 h 05 min");
        assert!(span(i64::MIN).starts_with('-'));
    }

    #[test]
    fn instants_read_in_the_workspace_zone() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-02T09:00:00Z")
            .expect("instant")
            .to_utc();
        assert_eq!(when(at, "Europe/Berlin"), "Wed 02 Dec 10:00 CET");
        assert_eq!(when(at, "no such zone"), "Wed 02 Dec 09:00 UTC");
    }
}
