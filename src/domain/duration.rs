//! Durations people type: `/remind 2h`, a custom alert delay (`45`, `90m`, `1d`), an auto-close
//! time (`36`, `3d`). All arithmetic is checked, so no input wraps around into a small number.

use serde::{Deserialize, Serialize};

/// Minutes in 7 days: the longest a number-of-minutes setting may be.
pub const MAX_SETTING_MINUTES: i64 = 7 * 24 * 60;
/// Hours in 90 days: the longest auto-close time.
pub const MAX_AUTO_CLOSE_HOURS: i64 = 90 * 24;
/// The longest message retention, in days (10 years).
pub const MAX_RETENTION_DAYS: i64 = 3650;
/// Input longer than this is not a duration; refused before it is read at all.
const MAX_LEN: usize = 32;

/// A typed duration refused: unreadable, or outside its setting's range. Carries what was typed,
/// cut to 32 characters and an ellipsis (enough to recognise it); travels inside the notice that
/// asks for another try.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "setting", rename_all = "snake_case")]
pub enum DurationProblem {
    /// Not a time from 1 minute to [`MAX_SETTING_MINUTES`].
    Minutes { typed: String },
    /// Not a time from 1 hour to [`MAX_AUTO_CLOSE_HOURS`].
    Hours { typed: String },
    /// Not a number of days from 1 to [`MAX_RETENTION_DAYS`].
    Days { typed: String },
}

/// Reads `45` (minutes), `30m`, `2h`, `1d`, `1w` and sums like `1h30m`, case-insensitively, as
/// minutes. `None` for anything else, and for sums that do not fit an `i64`.
pub fn minutes(text: &str) -> Option<i64> {
    let s = text.trim();
    if s.is_empty() || s.len() > MAX_LEN {
        return None;
    }
    if let Ok(m) = s.parse::<i64>() {
        return Some(m);
    }
    let mut total = 0i64;
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: i64 = num.parse().ok()?;
        num.clear();
        let unit = match c.to_ascii_lowercase() {
            'm' => 1,
            'h' => 60,
            'd' => 24 * 60,
            'w' => 7 * 24 * 60,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    num.is_empty().then_some(total)
}

/// A setting that is a number of minutes: 1 minute to 7 days.
pub fn minutes_setting(text: &str) -> Result<u32, DurationProblem> {
    minutes(text)
        .filter(|m| (1..=MAX_SETTING_MINUTES).contains(m))
        .and_then(|m| u32::try_from(m).ok())
        .ok_or_else(|| DurationProblem::Minutes {
            typed: shorten(text),
        })
}

/// The auto-close time: a number of hours (`36`), or `2d`, `1w`; 1 hour to 90 days.
pub fn hours_setting(text: &str) -> Result<u32, DurationProblem> {
    let t = text.trim();
    let hours = match t.parse::<i64>() {
        Ok(h) => Some(h),
        Err(_) => minutes(t).map(|m| m / 60),
    };
    hours
        .filter(|h| (1..=MAX_AUTO_CLOSE_HOURS).contains(h))
        .and_then(|h| u32::try_from(h).ok())
        .ok_or_else(|| DurationProblem::Hours {
            typed: shorten(text),
        })
}

/// The message retention: a number of days (`90`), or `12w`, `30d`; 1 to 3650 days.
pub fn days_setting(text: &str) -> Result<u32, DurationProblem> {
    let t = text.trim();
    let days = match t.parse::<i64>() {
        Ok(d) => Some(d),
        Err(_) => minutes(t)
            .filter(|m| m % (24 * 60) == 0)
            .map(|m| m / (24 * 60)),
    };
    days.filter(|d| (1..=MAX_RETENTION_DAYS).contains(d))
        .and_then(|d| u32::try_from(d).ok())
        .ok_or_else(|| DurationProblem::Days {
            typed: shorten(text),
        })
}

/// What a refusal quotes of the input: enough to recognise it.
fn shorten(text: &str) -> String {
    let t = text.trim();
    if t.chars().count() <= MAX_LEN {
        t.to_owned()
    } else {
        let mut s: String = t.chars().take(MAX_LEN).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn retention_days_are_1_to_3650() {
        assert_eq!(days_setting("90"), Ok(90));
        assert_eq!(days_setting(" 2w "), Ok(14));
        assert_eq!(days_setting("3650"), Ok(3650));
        for bad in [
            "0",
            "3651",
            "5000",
            "-1",
            "12h",
            "abc",
            "",
            "99999999999999999999",
        ] {
            assert!(days_setting(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn minutes_read_units_and_sums() {
        assert_eq!(minutes("45"), Some(45));
        assert_eq!(minutes("30m"), Some(30));
        assert_eq!(minutes("2H"), Some(120));
        assert_eq!(minutes("1d"), Some(1440));
        assert_eq!(minutes("1w"), Some(10080));
        assert_eq!(minutes("1h30m"), Some(90));
        for bad in ["", "m", "3x", "30m5", "-5m", "1.5h", "h1"] {
            assert_eq!(minutes(bad), None, "{bad}");
        }
    }

    #[test]
    fn overflowing_sums_are_refused_not_wrapped() {
        assert_eq!(minutes("9223372036854775807m1m"), None);
        assert_eq!(minutes("9223372036854775807h"), None);
        assert_eq!(minutes("99999999999999999999m"), None);
    }

    #[test]
    fn settings_keep_their_range() {
        assert_eq!(minutes_setting("45"), Ok(45));
        assert_eq!(minutes_setting("7d"), Ok(10080));
        assert!(minutes_setting("0").is_err());
        assert!(minutes_setting("7d1m").is_err());
        assert_eq!(
            minutes_setting(" soon "),
            Err(DurationProblem::Minutes {
                typed: "soon".into()
            })
        );
        assert_eq!(
            hours_setting(&"9".repeat(40)),
            Err(DurationProblem::Hours {
                typed: format!("{}…", "9".repeat(32))
            })
        );
        assert_eq!(hours_setting("36"), Ok(36));
        assert_eq!(hours_setting("2d"), Ok(48));
        assert!(hours_setting("30m").is_err());
        assert!(hours_setting("91d").is_err());
    }

    proptest! {
        #[test]
        fn any_text_is_read_or_refused_without_panicking(text in any::<String>()) {
            let _ = minutes(&text);
            let _ = minutes_setting(&text);
            let _ = hours_setting(&text);
        }

        #[test]
        fn duration_shaped_text_is_read_or_refused(text in "[0-9mhdwMHDW]{0,40}") {
            if let Some(m) = minutes(&text) {
                prop_assert!(m >= 0);
            }
        }
    }
}
