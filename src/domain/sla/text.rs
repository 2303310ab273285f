//! The small texts around an SLA calendar: holiday dates and time zones as admins type them
//! ([`parse_date`], [`parse_tz`]).
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

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use chrono_tz::Tz;

    use super::*;

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
}
