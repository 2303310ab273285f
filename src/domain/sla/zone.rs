//! Local wall-clock times as UTC instants, across daylight-saving changes.
//!
//! Business hours are written in local time but counted in UTC, and twice a year some local times
//! happen twice (clocks go back) or not at all (clocks go forward). [`to_utc`] decides which
//! instant such a time stands for, so that an interval always gets the real hours it spans. It
//! lives apart from `calendar.rs` because it is the one piece that has to know how zones change
//! their offsets; the calendar only ever asks it this one question.

use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};

/// Which instant an ambiguous local time (the repeated hour when clocks go
/// back) stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pick {
    /// The first occurrence; used for starts.
    Earliest,
    /// The second occurrence; used for ends.
    Latest,
}

/// Local time to UTC. An ambiguous time resolves per `pick`, so an interval
/// covering the repeated hour gets all of it; a time that doesn't exist (the
/// hour skipped when clocks go forward) moves to the first real instant after
/// the gap.
pub(super) fn to_utc(tz: chrono_tz::Tz, local: NaiveDateTime, pick: Pick) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) => Some(at.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => {
            let (a, b) = (a.with_timezone(&Utc), b.with_timezone(&Utc));
            Some(match pick {
                Pick::Earliest => a.min(b),
                Pick::Latest => a.max(b),
            })
        }
        LocalResult::None => after_gap(tz, local),
    }
}

/// The first instant whose local time is at or after `local`, for a `local`
/// that falls in a DST gap: the moment the clocks jumped. Found by bisecting
/// seconds between the two readings of `local` under the offsets before and
/// after the gap (an hour apart, usually), with a wider window as a fallback
/// for zones with unusual transitions.
fn after_gap(tz: chrono_tz::Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    let reached = |secs: i64| {
        DateTime::from_timestamp(secs, 0)
            .is_none_or(|at| at.with_timezone(&tz).naive_local() >= local)
    };
    let naive = local.and_utc().timestamp();
    let (mut lo, mut hi) = match gap_window(tz, naive) {
        Some((lo, hi)) if lo < hi && !reached(lo) && reached(hi) => (lo, hi),
        _ => {
            let lo = naive.checked_sub(2 * 86_400)?;
            let hi = naive.checked_add(2 * 86_400)?;
            if reached(lo) || !reached(hi) {
                return None;
            }
            (lo, hi)
        }
    };
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if reached(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    DateTime::from_timestamp(hi, 0)
}

/// `local` (as Unix seconds of the naive time) read with the offset a day
/// after and a day before: the gap's transition lies between the two.
fn gap_window(tz: chrono_tz::Tz, naive: i64) -> Option<(i64, i64)> {
    let offset_at = |secs: i64| {
        DateTime::from_timestamp(secs, 0).map(|at| {
            i64::from(
                tz.offset_from_utc_datetime(&at.naive_utc())
                    .fix()
                    .local_minus_utc(),
            )
        })
    };
    let before = offset_at(naive.checked_sub(86_400)?)?;
    let after = offset_at(naive.checked_add(86_400)?)?;
    Some((naive.checked_sub(after)?, naive.checked_sub(before)?))
}
