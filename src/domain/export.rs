//! The rules of CSV exports (SPEC §7): which period an export covers, how often a workspace may
//! export, and how a cell is kept from being read as a spreadsheet formula.

use std::borrow::Cow;

use chrono::{DateTime, Duration, Utc};

/// What an export covers, as `/export audit 7d` asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// The last N days.
    Days(u16),
    All,
}

impl Period {
    /// `7d`, `30d`, `90d`, `all`; empty is the default, 30 days.
    pub fn parse(s: &str) -> Option<Period> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "30d" => Some(Period::Days(30)),
            "7d" => Some(Period::Days(7)),
            "90d" => Some(Period::Days(90)),
            "all" => Some(Period::All),
            _ => None,
        }
    }

    /// The first instant the period covers; `None`: from the beginning.
    pub fn since(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Period::Days(d) => Some(now - Duration::days(i64::from(d))),
            Period::All => None,
        }
    }

    /// How the period is written in file names and audit rows: `7d`, `all`.
    pub fn code(self) -> String {
        match self {
            Period::Days(d) => format!("{d}d"),
            Period::All => "all".into(),
        }
    }
}

/// A workspace exports at most once in this many seconds: an export reads a whole log, and one
/// person pressing it in a loop must not load the database for everyone.
pub const EXPORT_EVERY_SECS: i64 = 60;

/// Seconds to wait before the next export is allowed; `None`: it may go now.
pub fn wait_secs(last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<i64> {
    let last = last?;
    let elapsed = (now - last).num_seconds();
    // A clock set back (last in the future) waits the full interval, not forever.
    let elapsed = elapsed.max(0);
    (elapsed < EXPORT_EVERY_SECS).then(|| (EXPORT_EVERY_SECS - elapsed).max(1))
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return
/// that some programs strip before looking) is prefixed with an apostrophe, which spreadsheets
/// read as "this is text". Everything else is kept as it is.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn formulas_are_neutralized_and_text_is_kept() {
        assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralize("+1+1"), "'+1+1");
        assert_eq!(neutralize("-2"), "'-2");
        assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize("\t=1"), "'\t=1");
        assert_eq!(neutralize("\r=1"), "'\r=1");
        assert_eq!(neutralize("a=b"), "a=b");
        assert_eq!(neutralize(""), "");
        assert_eq!(neutralize("ticket.status"), "ticket.status");
        assert!(matches!(neutralize("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn periods_parse_and_cover_their_days() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 29, 12, 0, 0)
            .single()
            .expect("date");
        assert_eq!(Period::parse(""), Some(Period::Days(30)));
        assert_eq!(Period::parse("7D"), Some(Period::Days(7)));
        assert_eq!(Period::parse("all"), Some(Period::All));
        assert_eq!(Period::parse("8d"), None);
        assert_eq!(Period::parse("-1d"), None);
        assert_eq!(
            Period::Days(7).since(now),
            Some(
                Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
                    .single()
                    .expect("date")
            )
        );
        assert_eq!(Period::All.since(now), None);
        assert_eq!(Period::Days(7).code(), "7d");
    }

    #[test]
    fn one_export_a_minute() {
        let t0 = Utc
            .with_ymd_and_hms(2026, 11, 29, 12, 0, 0)
            .single()
            .expect("date");
        assert_eq!(wait_secs(None, t0), None);
        assert_eq!(wait_secs(Some(t0), t0), Some(60));
        assert_eq!(wait_secs(Some(t0), t0 + Duration::seconds(45)), Some(15));
        assert_eq!(
            wait_secs(Some(t0), t0 + Duration::milliseconds(59_500)),
            Some(1)
        );
        assert_eq!(wait_secs(Some(t0), t0 + Duration::seconds(60)), None);
        assert_eq!(wait_secs(Some(t0 + Duration::hours(1)), t0), Some(60));
    }
}
