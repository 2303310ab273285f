//! The SLA clock: [`Calendar`] and [`BusinessHours`], and the two questions asked of them — when
//! does a target fall due ([`Calendar::add_working`]) and how much working time has passed
//! ([`Calendar::working_secs`]).
//!
//! Both answers come from the same merged stream of UTC working spans, generated one local day at a
//! time from the [`Week`] (read by `week.rs`) through `zone.rs`'s rule for local times, and both
//! skip whole weeks wherever the calendar repeats itself. The rules the stream keeps (real hours
//! across clock changes, overlaps counted once, holidays cancelling only the intervals that start
//! on them) are described in the `sla` module docs.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Offset, TimeDelta, TimeZone, Utc};

use super::week::{Week, MINUTES_PER_DAY};
use super::zone::{to_utc, Pick};

/// How many days in a row without any working time [`Calendar::add_working`]
/// looks through before deciding the calendar never works (~10 years).
const HORIZON_DAYS: u32 = 3660;

/// A team's working hours: when, in its own time zone, the SLA clock runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessHours {
    /// The workspace's time zone; the week and the holidays are read in it.
    pub tz: chrono_tz::Tz,
    /// The weekly schedule in local time.
    pub week: Week,
    /// Local dates on which no interval starts.
    pub holidays: BTreeSet<NaiveDate>,
}

/// How a policy's clock runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Calendar {
    /// 24/7
    Always,
    /// Only during the given business hours.
    Business(BusinessHours),
}

impl Calendar {
    /// The instant at which `secs` seconds of working time (>= 0) have passed since `from`.
    /// `None` only when the calendar has no working time at all within a horizon of ~10 years
    /// (an empty week, or holidays covering everything).
    ///
    /// `secs == 0` (or negative) gives `from` itself, even outside working
    /// hours. A target reached exactly at the end of an interval gives that
    /// end, not the next interval's start. Also `None` if the result would lie
    /// outside the range chrono can represent.
    ///
    /// The cost does not grow with the target: working time is counted exactly one week at a
    /// time, and wherever the calendar repeats itself from one week to the next (no holiday, no
    /// change of UTC offset) whole weeks are skipped at once using the week's working seconds.
    /// A year-long target on one working hour a week is a few weeks of counting plus a few per
    /// holiday and clock change.
    pub fn add_working(&self, from: DateTime<Utc>, secs: i64) -> Option<DateTime<Utc>> {
        if secs <= 0 {
            return Some(from);
        }
        let mut remaining = TimeDelta::try_seconds(secs)?;
        match self {
            Calendar::Always => from.checked_add_signed(remaining),
            Calendar::Business(hours) => {
                let mut cur = from;
                let mut idle = TimeDelta::zero();
                loop {
                    // Count one week exactly.
                    let week_end = cur.checked_add_signed(WEEK)?;
                    let used = match hours.walk_add(cur, remaining, week_end) {
                        Ok(due) => return Some(due),
                        Err(used) => used,
                    };
                    remaining = remaining.checked_sub(&used)?;
                    idle = if used.is_zero() {
                        idle + WEEK
                    } else {
                        TimeDelta::zero()
                    };
                    cur = week_end;
                    // Skip the weeks that repeat the one just counted, keeping some time left
                    // for the exact count that finds the instant.
                    // In nanoseconds: a week of holidays can leave less than a second, and
                    // instants carry sub-seconds.
                    let wanted = match used.num_nanoseconds().filter(|u| *u > 0) {
                        None => i64::from(HORIZON_DAYS) / 7 + 1,
                        Some(per_week) => {
                            let left = remaining.num_nanoseconds().unwrap_or(i64::MAX);
                            (left - 1) / per_week
                        }
                    };
                    let weeks = hours.regular_weeks(cur, wanted);
                    if weeks > 0 {
                        let weeks = i32::try_from(weeks).ok()?;
                        let skipped = WEEK.checked_mul(weeks)?;
                        cur = cur.checked_add_signed(skipped)?;
                        remaining = remaining.checked_sub(&used.checked_mul(weeks)?)?;
                        if used.is_zero() {
                            idle += skipped;
                        }
                    }
                    if idle > TimeDelta::days(i64::from(HORIZON_DAYS)) {
                        return None;
                    }
                }
            }
        }
    }

    /// Working seconds in [from, to); 0 when to <= from.
    ///
    /// Sub-second parts of `from` and `to` are counted, and the total is
    /// truncated to whole seconds. Costs a few weeks of counting whatever the span, like
    /// [`Calendar::add_working`].
    pub fn working_secs(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        match self {
            Calendar::Always => to.signed_duration_since(from).num_seconds(),
            Calendar::Business(hours) => {
                let mut total = TimeDelta::zero();
                let mut cur = from;
                while cur < to {
                    let week_end = cur.checked_add_signed(WEEK).map_or(to, |e| e.min(to));
                    let used = hours.walk_secs(cur, week_end);
                    total = total.checked_add(&used).unwrap_or(total);
                    cur = week_end;
                    let wanted = to.signed_duration_since(cur).num_seconds() / WEEK.num_seconds();
                    let weeks = hours.regular_weeks(cur, wanted);
                    if weeks > 0 {
                        let Ok(weeks) = i32::try_from(weeks) else {
                            break;
                        };
                        let Some(next) = WEEK
                            .checked_mul(weeks)
                            .and_then(|skip| cur.checked_add_signed(skip))
                        else {
                            break;
                        };
                        cur = next;
                        total = used
                            .checked_mul(weeks)
                            .and_then(|r| total.checked_add(&r))
                            .unwrap_or(total);
                    }
                }
                total.num_seconds()
            }
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Local days whose spans were generated on this thread: the unit of work the tests bound.
    static DAYS_COUNTED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// A week of wall time, the period a business week repeats with.
const WEEK: TimeDelta = TimeDelta::days(7);

impl BusinessHours {
    /// The instant `remaining` working time after `from`, if it comes before `until`; otherwise
    /// the working time there is in [from, until). Counted span by span.
    fn walk_add(
        &self,
        from: DateTime<Utc>,
        mut remaining: TimeDelta,
        until: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, TimeDelta> {
        let mut used = TimeDelta::zero();
        let mut due = None;
        let last = self.local_date(until).succ_opt();
        self.for_each_span(self.day_before(from), last, |start, end| {
            if end <= from {
                return ControlFlow::Continue(());
            }
            if start >= until {
                return ControlFlow::Break(());
            }
            let (start, end) = (start.max(from), end.min(until));
            let available = end.signed_duration_since(start);
            if remaining <= available {
                due = start.checked_add_signed(remaining);
                return ControlFlow::Break(());
            }
            remaining -= available;
            used += available;
            ControlFlow::Continue(())
        });
        due.ok_or(used)
    }

    /// Working time in [from, to), counted span by span.
    fn walk_secs(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
        if to <= from {
            return TimeDelta::zero();
        }
        // Intervals of a local date start on that date, so nothing after the day following
        // `to`'s local date can reach `to`.
        let to_day = self.local_date(to);
        let last = to_day.succ_opt().unwrap_or(to_day);
        let mut total = TimeDelta::zero();
        self.for_each_span(self.day_before(from), Some(last), |start, end| {
            if start >= to {
                return ControlFlow::Break(());
            }
            let (start, end) = (start.max(from), end.min(to));
            if end > start {
                total = total
                    .checked_add(&end.signed_duration_since(start))
                    .unwrap_or(total);
            }
            ControlFlow::Continue(())
        });
        total
    }

    /// How many whole weeks after `at` (at most `wanted`) repeat the week before `at` exactly:
    /// no holiday on any local date whose intervals reach into that time, and one UTC offset
    /// throughout, so every span is the one of a week earlier moved by seven days. (Offsets are
    /// read once a day: zones change them months apart, never twice within a day.)
    fn regular_weeks(&self, at: DateTime<Utc>, wanted: i64) -> i64 {
        if wanted <= 0 {
            return 0;
        }
        let margin = TimeDelta::days(2);
        let week_days = WEEK.num_days();
        let mut weeks = wanted;
        // Holidays: none from the day before the repeated week to the day after the last.
        let Some(start) = at.checked_sub_signed(WEEK + margin) else {
            return 0;
        };
        let first = self.local_date(start);
        let at_day = self.local_date(at);
        if let Some(h) = self.holidays.range(first..).next() {
            // The last skipped week ends on local date at_day + 7·weeks; it and the day after
            // must come before the holiday.
            let days_left = h.signed_duration_since(at_day).num_days() - 2;
            if days_left < 0 {
                return 0;
            }
            weeks = weeks.min(days_left / week_days);
        }
        // One offset from the repeated week (with a margin) to the end of the skip (and one).
        let offset = |t: DateTime<Utc>| {
            self.tz
                .offset_from_utc_datetime(&t.naive_utc())
                .fix()
                .local_minus_utc()
        };
        let reference = offset(start);
        let step = TimeDelta::days(1);
        let mut t = start;
        loop {
            let Some(horizon) = i32::try_from(weeks)
                .ok()
                .and_then(|w| WEEK.checked_mul(w))
                .and_then(|skip| at.checked_add_signed(skip + margin))
            else {
                return 0;
            };
            if t > horizon || weeks <= 0 {
                return weeks.max(0);
            }
            if offset(t) != reference {
                // The offset changed at or before `t`: the skip must end a margin before.
                let room = t.signed_duration_since(at) - margin - step;
                weeks = weeks.min(room.num_seconds().div_euclid(WEEK.num_seconds()));
                return weeks.max(0);
            }
            match t.checked_add_signed(step) {
                Some(next) => t = next,
                None => return 0,
            }
        }
    }

    /// The local date of an instant in this calendar's zone.
    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// Where span generation starts for `at`: the day before its local date,
    /// so an overnight interval that began the evening before is included.
    fn day_before(&self, at: DateTime<Utc>) -> NaiveDate {
        let day = self.local_date(at);
        day.pred_opt().unwrap_or(day)
    }

    /// The UTC spans of the intervals that start on local date `date`,
    /// sorted by start; empty on holidays. Spans that vanish in a DST gap are
    /// dropped. They may still overlap each other or the previous day's.
    fn spans_on(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        #[cfg(test)]
        DAYS_COUNTED.with(|n| n.set(n.get() + 1));
        if self.holidays.contains(&date) {
            return Vec::new();
        }
        let Some(intervals) = usize::try_from(date.weekday().num_days_from_monday())
            .ok()
            .and_then(|day| self.week.get(day))
        else {
            return Vec::new();
        };
        let midnight = date.and_time(NaiveTime::MIN);
        let local =
            |minutes: u16| midnight.checked_add_signed(TimeDelta::try_minutes(i64::from(minutes))?);
        let mut spans: Vec<_> = intervals
            .iter()
            .filter(|iv| iv.start < MINUTES_PER_DAY && iv.end <= MINUTES_PER_DAY)
            .filter_map(|iv| {
                let end = if iv.is_overnight() {
                    iv.end.checked_add(MINUTES_PER_DAY)?
                } else {
                    iv.end
                };
                let start = to_utc(self.tz, local(iv.start)?, Pick::Earliest)?;
                let end = to_utc(self.tz, local(end)?, Pick::Latest)?;
                (start < end).then_some((start, end))
            })
            .collect();
        spans.sort_unstable();
        spans
    }

    /// Feeds `visit` the merged working spans (disjoint, in order) of the
    /// intervals starting on local dates `first..=last`. Without `last`, it
    /// runs until `visit` breaks or [`HORIZON_DAYS`] days in a row bring no
    /// working time.
    ///
    /// Merging works on the fly because starts never go backwards: every
    /// interval of a date starts before any interval of the next date, and
    /// the local-to-UTC mapping used for starts is monotone.
    fn for_each_span(
        &self,
        first: NaiveDate,
        last: Option<NaiveDate>,
        mut visit: impl FnMut(DateTime<Utc>, DateTime<Utc>) -> ControlFlow<()>,
    ) {
        let mut pending: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
        let mut idle_days = 0_u32;
        let mut day = Some(first);
        while let Some(date) = day {
            if last.is_some_and(|last| date > last) || idle_days > HORIZON_DAYS {
                break;
            }
            let spans = self.spans_on(date);
            if spans.is_empty() {
                idle_days = idle_days.saturating_add(1);
            } else {
                idle_days = 0;
            }
            for (start, end) in spans {
                pending = match pending {
                    Some((open, close)) if start <= close => Some((open, close.max(end))),
                    Some((open, close)) => {
                        if visit(open, close).is_break() {
                            return;
                        }
                        Some((start, end))
                    }
                    None => Some((start, end)),
                };
            }
            day = date.succ_opt();
        }
        if let Some((open, close)) = pending {
            // The walk is over either way; whether `visit` wanted more is moot.
            let _ = visit(open, close);
        }
    }
}

#[cfg(test)]
mod tests;
