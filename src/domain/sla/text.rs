//! The small texts around an SLA calendar: holiday dates and time zones as admins type them
//! ([`parse_date`], [`parse_tz`]), and spans of working time as people read them ([`human_secs`]).
//!
//! They are not part of a schedule's syntax (that is `week.rs`) nor of the arithmetic (that is
//! `calendar.rs`), but they are read and written wherever an SLA calendar is set up or shown, so
//! they stay in this module. Errors carry what was typed, like the schedule's; the words for
//! them are the Telegram adapter's.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Why a typed holiday is not a date. Carries the text as typed (trimmed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum DateProblem {
    /// Not shaped YYYY-MM-DD.
    NotADate { typed: String },
    /// Shaped like a date, but no such day (2026-02-30).
    NotInCalendar { typed: String },
}

/// A typed time zone that is no IANA name. Carries the text as typed (trimmed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownTimeZone {
    pub typed: String,
}

/// Parses one date "2026-12-25" (YYYY-MM-DD).
pub fn parse_date(s: &str) -> Result<NaiveDate, DateProblem> {
    let text = s.trim();
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(DateProblem::NotADate {
            typed: text.to_owned(),
        });
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| DateProblem::NotInCalendar {
        typed: text.to_owned(),
    })
}

/// Parses an IANA zone name ("Europe/Berlin").
///
/// The exact spelling is tried first, then a case-insensitive match, so
/// "europe/berlin" is accepted too.
pub fn parse_tz(s: &str) -> Result<chrono_tz::Tz, UnknownTimeZone> {
    let text = s.trim();
    if let Ok(tz) = text.parse::<chrono_tz::Tz>() {
        return Ok(tz);
    }
    chrono_tz::TZ_VARIANTS
        .iter()
        .find(|tz| tz.name().eq_ignore_ascii_case(text))
        .copied()
        .ok_or_else(|| UnknownTimeZone {
            typed: text.to_owned(),
        })
}

/// A readable span: "45 min", "3 h 05 min", "2 d 4 h" (for negative, prefix "-").
///
/// Under a minute it reads "30 s"; larger units drop what is below the next
/// unit down (days show hours, not minutes), truncating.
pub fn human_secs(secs: i64) -> String {
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

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use chrono_tz::Tz;

    use super::*;

    const HOUR: i64 = 3600;

    #[test]
    fn parse_date_wants_iso_dates() {
        assert_eq!(
            parse_date(" 2026-12-25 ").unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()
        );
        let not_a_date = |t: &str| DateProblem::NotADate { typed: t.into() };
        assert_eq!(parse_date("25.12.2026"), Err(not_a_date("25.12.2026")));
        assert_eq!(parse_date(" 2026-1-5 "), Err(not_a_date("2026-1-5")));
        assert_eq!(
            parse_date("2026-02-30"),
            Err(DateProblem::NotInCalendar {
                typed: "2026-02-30".into()
            })
        );
    }

    #[test]
    fn parse_tz_wants_iana_names() {
        assert_eq!(parse_tz("Europe/Berlin").unwrap(), Tz::Europe__Berlin);
        assert_eq!(
            parse_tz(" america/new_york ").unwrap(),
            Tz::America__New_York
        );
        assert_eq!(parse_tz("UTC").unwrap(), Tz::UTC);
        assert_eq!(
            parse_tz(" Mars/Olympus "),
            Err(UnknownTimeZone {
                typed: "Mars/Olympus".into()
            })
        );
    }

    #[test]
    fn human_secs_reads_naturally() {
        assert_eq!(human_secs(0), "0 s");
        assert_eq!(human_secs(59), "59 s");
        assert_eq!(human_secs(45 * 60), "45 min");
        assert_eq!(human_secs(45 * 60 + 59), "45 min");
        assert_eq!(human_secs(2 * HOUR), "2 h");
        assert_eq!(human_secs(3 * HOUR + 5 * 60), "3 h 05 min");
        assert_eq!(human_secs(2 * 24 * HOUR + 4 * HOUR + 59 * 60), "2 d 4 h");
        assert_eq!(human_secs(3 * 24 * HOUR), "3 d");
        assert_eq!(human_secs(-(3 * HOUR + 5 * 60)), "-3 h 05 min");
        assert!(human_secs(i64::MIN).starts_with('-'));
    }
}
