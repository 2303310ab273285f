//! Working-time arithmetic for SLA targets (SPEC §9).
//!
//! An SLA promise like "first reply within 2 hours" means two hours *of the
//! team's working time*: a ticket opened on Friday at 16:00 for a team that
//! works 09:00–17:00 on weekdays is due on Monday at 10:00, not on Friday at
//! 18:00. This module turns such promises into instants and back — "when does
//! the clock run out?" ([`Calendar::add_working`]) and "how much of the clock
//! has been used?" ([`Calendar::working_secs`]).
//!
//! The rules are easy to get subtly wrong, which is why they live here as pure
//! functions with no IO and no clock:
//!
//! - Business hours are written in the workspace's *local* time, but instants
//!   are UTC. Daylight-saving changes make a local "01:00–05:00" three or five
//!   real hours long on the days the clocks move, and the SLA must count the
//!   real hours, never the hours printed on the wall.
//! - Intervals may run overnight (22:00–06:00) and several may share a day, so
//!   after conversion to UTC they can touch or overlap; overlaps are merged so
//!   no second is ever counted twice.
//! - Holidays are local dates and only cancel the intervals that *start* on
//!   them: a night shift that began the evening before a holiday still ends.
//!
//! Both directions are computed from the same merged stream of UTC working
//! spans, so they agree exactly: `working_secs(from, add_working(from, s)) == s`.
//! The stream is generated one local day at a time (never minute by minute),
//! which keeps a year-long span cheap.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta,
    TimeZone, Utc,
};
use serde::{Deserialize, Serialize};

/// Minutes in a local day; the largest valid [`Interval::end`] (24:00).
pub const MINUTES_PER_DAY: u16 = 1440;

/// How many days in a row without any working time [`Calendar::add_working`]
/// looks through before deciding the calendar never works (~10 years).
const HORIZON_DAYS: u32 = 3660;

/// A sample schedule, quoted in every parse error so admins see the form.
const WEEK_EXAMPLE: &str = "mon-fri 09:00-17:00; sat 10:00-14:00";

/// Short day names, Monday first, as [`format_week`] writes them.
const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Full day names, also accepted by [`parse_week`].
const FULL_DAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Minutes of the local day: start in 0..1440, end in 1..=1440. end <= start means the interval
/// runs overnight and ends at `end` on the next local day (22:00-06:00). 00:00-24:00 is the whole day.
///
/// Intervals outside those ranges (start >= 1440 or end > 1440) are ignored
/// by the arithmetic rather than trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Interval {
    pub start: u16,
    pub end: u16,
}

impl Interval {
    /// Whether the interval ends on the next local day (22:00-06:00).
    pub const fn is_overnight(self) -> bool {
        self.end <= self.start
    }
}

/// Index 0 = Monday … 6 = Sunday.
pub type Week = [Vec<Interval>; 7];

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

/// Which instant an ambiguous local time (the repeated hour when clocks go
/// back) stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pick {
    /// The first occurrence; used for starts.
    Earliest,
    /// The second occurrence; used for ends.
    Latest,
}

/// Local time to UTC. An ambiguous time resolves per `pick`, so an interval
/// covering the repeated hour gets all of it; a time that doesn't exist (the
/// hour skipped when clocks go forward) moves to the first real instant after
/// the gap.
fn to_utc(tz: chrono_tz::Tz, local: NaiveDateTime, pick: Pick) -> Option<DateTime<Utc>> {
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

/// Parses a weekly schedule like "mon-fri 09:00-17:00; sat 10:00-14:00, 15:00-18:00; sun 22:00-06:00"
/// (day names mon..sun, case-insensitive, ranges like mon-fri or fri-mon wrapping, several day groups
/// separated by ';', several intervals per group separated by ','; "24:00" allowed as an end; days not
/// mentioned are days off; a day mentioned twice gets both groups' intervals). Errors are human
/// sentences saying what is wrong and showing the expected form (they are shown to admins).
///
/// Also accepted: full day names ("monday"), lists of days ("mon, wed 09:00-12:00"),
/// "closed" for a week without working hours, "<days> closed" for a group
/// that adds nothing, and "00:00" as an end meaning midnight (stored as 24:00).
/// Intervals keep the order they are written in.
pub fn parse_week(s: &str) -> Result<Week, String> {
    let mut week: Week = Default::default();
    let text = s.trim();
    if text.eq_ignore_ascii_case("closed") {
        return Ok(week);
    }
    let mut groups = 0_usize;
    for group in text.split(';').map(str::trim).filter(|g| !g.is_empty()) {
        groups += 1;
        parse_group(group, &mut week)
            .map_err(|problem| format!("{problem} Expected a schedule like \"{WEEK_EXAMPLE}\"."))?;
    }
    if groups == 0 {
        return Err(format!(
            "The schedule is empty. Write the working hours like \"{WEEK_EXAMPLE}\", \
             or \"closed\" for no working hours at all."
        ));
    }
    Ok(week)
}

/// One `;`-separated group: days, then hours. The days are everything before
/// the first digit, so both "mon-fri 09:00" and "mon, wed 09:00" read.
fn parse_group(group: &str, week: &mut Week) -> Result<(), String> {
    let (days_text, hours_text) = match group.find(|c: char| c.is_ascii_digit()) {
        Some(at) => group.split_at(at),
        None => {
            let lower = group.to_ascii_lowercase();
            return match lower.strip_suffix("closed") {
                Some(days) if !days.trim().is_empty() => parse_days(days, group).map(|_| ()),
                _ => {
                    parse_days(group, group)?;
                    Err(format!(
                        "\"{group}\" has no hours: give each group of days its hours, \
                         like \"mon-fri 09:00-17:00\"."
                    ))
                }
            };
        }
    };
    let days_text = days_text.trim().trim_end_matches(':');
    if days_text.trim().is_empty() {
        return Err(format!(
            "\"{group}\" doesn't say which days: start each group with days, \
             like \"mon-fri 09:00-17:00\"."
        ));
    }
    let days = parse_days(days_text, group)?;
    if hours_text.chars().any(|c| c.is_ascii_alphabetic()) {
        return Err(format!(
            "\"{group}\" mixes days into the hours: separate groups of days with ';', \
             like \"mon-fri 09:00-17:00; sat 10:00-14:00\"."
        ));
    }
    let mut intervals = Vec::new();
    for piece in hours_text.split(',').map(str::trim) {
        intervals.push(parse_interval(piece, group)?);
    }
    for day in days {
        if let Some(slot) = week.get_mut(day) {
            slot.extend_from_slice(&intervals);
        }
    }
    Ok(())
}

/// "mon-fri", "fri-mon" (wrapping), "sat", "mon, wed": day indices in order.
fn parse_days(text: &str, group: &str) -> Result<Vec<usize>, String> {
    let mut days = Vec::new();
    for item in text.split(',').map(str::trim) {
        if item.is_empty() {
            return Err(format!(
                "\"{group}\" has an empty day in its list of days: separate days with ',', \
                 like \"mon, wed\"."
            ));
        }
        match item.split_once('-') {
            Some((first, last)) => {
                let first = day_index(first.trim())?;
                let last = day_index(last.trim())?;
                let mut day = first;
                days.push(day);
                while day != last {
                    day = (day + 1) % 7;
                    days.push(day);
                }
            }
            None => days.push(day_index(item)?),
        }
    }
    Ok(days)
}

/// A day name, short or full, any case.
fn day_index(name: &str) -> Result<usize, String> {
    let lower = name.to_ascii_lowercase();
    DAY_NAMES
        .iter()
        .zip(FULL_DAY_NAMES)
        .position(|(short, full)| lower == *short || lower == full)
        .ok_or_else(|| {
            format!(
                "\"{name}\" is not a day: use mon, tue, wed, thu, fri, sat, sun, \
                 or a range like mon-fri."
            )
        })
}

/// "09:00-17:00", "22:00-06:00" (overnight), "10:00-24:00".
fn parse_interval(text: &str, group: &str) -> Result<Interval, String> {
    if text.is_empty() {
        return Err(format!(
            "\"{group}\" has an empty interval: separate intervals with a single ',', \
             like \"09:00-12:00, 13:00-17:00\"."
        ));
    }
    let Some((start_text, end_text)) = text.split_once('-') else {
        return Err(format!(
            "\"{text}\" is not an interval: write it as HH:MM-HH:MM, like 09:00-17:00."
        ));
    };
    let start = parse_time(start_text.trim())?;
    let end = parse_time(end_text.trim())?;
    if start == MINUTES_PER_DAY {
        return Err(format!(
            "\"{text}\" starts at 24:00, which only ends a day: start at 00:00 instead."
        ));
    }
    if start == end {
        return Err(format!(
            "\"{text}\" is empty because it ends when it starts: \
             for a whole day write 00:00-24:00."
        ));
    }
    // "22:00-00:00" ends at midnight; stored as 24:00 so `end` stays in 1..=1440.
    let end = if end == 0 { MINUTES_PER_DAY } else { end };
    Ok(Interval { start, end })
}

/// "HH:MM" (or "H:MM") to minutes of the day, 00:00..=24:00.
fn parse_time(text: &str) -> Result<u16, String> {
    let not_a_time =
        || format!("\"{text}\" is not a time: write times as HH:MM, like 09:00 or 17:30.");
    let (hours, minutes) = text.split_once(':').ok_or_else(not_a_time)?;
    let digits = |s: &str, lengths: &[usize]| {
        lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(hours, &[1, 2]) || !digits(minutes, &[2]) {
        return Err(not_a_time());
    }
    let hours: u16 = hours.parse().map_err(|_| not_a_time())?;
    let minutes: u16 = minutes.parse().map_err(|_| not_a_time())?;
    if hours > 24 || minutes > 59 || (hours == 24 && minutes != 0) {
        return Err(format!(
            "\"{text}\" is not a time of day: hours go from 00 to 23 and minutes from 00 to 59 \
             (24:00 is allowed to end a day)."
        ));
    }
    Ok(hours * 60 + minutes)
}

/// The most intervals one day of a schedule may have.
pub const MAX_INTERVALS_PER_DAY: usize = 8;
/// The least working time a schedule may have in a week, in minutes: with less, an SLA target
/// of a year would run for centuries.
pub const MIN_WEEKLY_MINUTES: u32 = 60;

/// Checks a schedule an admin typed against the bounds that keep SLA arithmetic cheap: at most
/// [`MAX_INTERVALS_PER_DAY`] intervals a day and at least an hour of working time a week.
/// Errors are sentences for the admin.
pub fn check_week(week: &Week) -> Result<(), String> {
    for (day, intervals) in week.iter().enumerate() {
        if intervals.len() > MAX_INTERVALS_PER_DAY {
            return Err(format!(
                "{} has {} intervals; a day has at most {MAX_INTERVALS_PER_DAY}.",
                day_name(day),
                intervals.len()
            ));
        }
    }
    let minutes = weekly_minutes(week);
    if minutes < MIN_WEEKLY_MINUTES {
        return Err(format!(
            "That schedule has {minutes} working minutes a week; it needs at least one hour. \
             For round-the-clock targets, use 24/7 in the SLA policy instead."
        ));
    }
    Ok(())
}

/// A schedule as it may be used: read by [`parse_week`] and within [`check_week`]'s bounds.
pub fn read_week(text: &str) -> Result<Week, String> {
    let week = parse_week(text)?;
    check_week(&week)?;
    Ok(week)
}

/// Working minutes of a week in local time, each minute counted once however intervals overlap
/// (Sunday's overnight interval runs into Monday).
pub fn weekly_minutes(week: &Week) -> u32 {
    const WEEK_MINUTES: usize = 7 * MINUTES_PER_DAY as usize;
    let mut on = vec![false; WEEK_MINUTES];
    for (day, intervals) in week.iter().enumerate() {
        for iv in intervals
            .iter()
            .filter(|iv| iv.start < MINUTES_PER_DAY && iv.end <= MINUTES_PER_DAY)
        {
            let length = if iv.is_overnight() {
                MINUTES_PER_DAY - iv.start + iv.end
            } else {
                iv.end - iv.start
            };
            let start = day * usize::from(MINUTES_PER_DAY) + usize::from(iv.start);
            for minute in 0..usize::from(length) {
                if let Some(slot) = on.get_mut((start + minute) % WEEK_MINUTES) {
                    *slot = true;
                }
            }
        }
    }
    u32::try_from(on.iter().filter(|m| **m).count()).unwrap_or(u32::MAX)
}

/// The canonical text form of a week, which `parse_week` reads back to the same value
/// (e.g. "mon-fri 09:00-17:00; sat 10:00-14:00"); "closed" (or similar, but parse_week must accept it
/// and return an empty week) when no day has intervals. Consecutive days with identical intervals are
/// grouped into ranges.
///
/// The round trip holds for every week [`parse_week`] can produce; an
/// interval it would reject (start == end, or end 0) is written as is and
/// will not read back.
pub fn format_week(w: &Week) -> String {
    let mut groups: Vec<(usize, usize, &[Interval])> = Vec::new();
    for (day, intervals) in w.iter().enumerate() {
        if intervals.is_empty() {
            continue;
        }
        match groups.last_mut() {
            Some((_, last, same)) if *last + 1 == day && *same == intervals.as_slice() => {
                *last = day;
            }
            _ => groups.push((day, day, intervals)),
        }
    }
    if groups.is_empty() {
        return "closed".to_owned();
    }
    groups
        .iter()
        .map(|&(first, last, intervals)| {
            let days = if first == last {
                day_name(first).to_owned()
            } else {
                format!("{}-{}", day_name(first), day_name(last))
            };
            let hours: Vec<String> = intervals
                .iter()
                .map(|iv| format!("{}-{}", clock_time(iv.start), clock_time(iv.end)))
                .collect();
            format!("{days} {}", hours.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The short name of day index `day` (0 = Monday).
fn day_name(day: usize) -> &'static str {
    DAY_NAMES.get(day).copied().unwrap_or("?")
}

/// Minutes of the day as "HH:MM"; 1440 is "24:00".
fn clock_time(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Parses one date "2026-12-25" (YYYY-MM-DD), human error otherwise.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
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
        return Err(format!(
            "\"{text}\" is not a date: write it as YYYY-MM-DD, like 2026-12-25."
        ));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        format!("\"{text}\" is not a real calendar date: write it as YYYY-MM-DD, like 2026-12-25.")
    })
}

/// Parses an IANA zone name ("Europe/Berlin"), human error otherwise.
///
/// The exact spelling is tried first, then a case-insensitive match, so
/// "europe/berlin" is accepted too.
pub fn parse_tz(s: &str) -> Result<chrono_tz::Tz, String> {
    let text = s.trim();
    if let Ok(tz) = text.parse::<chrono_tz::Tz>() {
        return Ok(tz);
    }
    chrono_tz::TZ_VARIANTS
        .iter()
        .find(|tz| tz.name().eq_ignore_ascii_case(text))
        .copied()
        .ok_or_else(|| {
            format!(
                "\"{text}\" is not a known time zone: use an IANA name like Europe/Berlin, \
                 America/New_York or UTC."
            )
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
    use chrono::TimeZone;
    use chrono_tz::Tz;
    use proptest::prelude::{prop, prop_assert, prop_assert_eq, proptest, ProptestConfig};
    use proptest::strategy::Strategy as _;

    use super::*;

    const HOUR: i64 = 3600;

    /// A calendar from a schedule text, zone and holiday texts.
    fn business(tz: Tz, week: &str, holidays: &[&str]) -> Calendar {
        Calendar::Business(BusinessHours {
            tz,
            week: parse_week(week).unwrap(),
            holidays: holidays.iter().map(|d| parse_date(d).unwrap()).collect(),
        })
    }

    /// Weekdays 09:00-17:00 in Berlin.
    fn office(holidays: &[&str]) -> Calendar {
        business(Tz::Europe__Berlin, "mon-fri 09:00-17:00", holidays)
    }

    /// A local wall-clock time that exists exactly once.
    fn local(tz: Tz, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        tz.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn berlin(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        local(Tz::Europe__Berlin, y, mo, d, h, mi)
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn always_counts_wall_time() {
        let from = utc(2026, 5, 22, 16, 0);
        assert_eq!(
            Calendar::Always.add_working(from, 90 * 60),
            Some(utc(2026, 5, 22, 17, 30))
        );
        assert_eq!(Calendar::Always.add_working(from, 0), Some(from));
        assert_eq!(
            Calendar::Always.working_secs(from, utc(2026, 5, 23, 16, 0)),
            24 * HOUR
        );
        assert_eq!(Calendar::Always.working_secs(from, from), 0);
        assert_eq!(
            Calendar::Always.working_secs(utc(2026, 5, 23, 16, 0), from),
            0
        );
        assert_eq!(Calendar::Always.add_working(from, i64::MAX), None);
    }

    #[test]
    fn zero_secs_is_from_itself_even_outside_hours() {
        let saturday = berlin(2026, 5, 23, 3, 17);
        assert_eq!(office(&[]).add_working(saturday, 0), Some(saturday));
        let empty = business(Tz::UTC, "closed", &[]);
        assert_eq!(empty.add_working(saturday, 0), Some(saturday));
    }

    #[test]
    fn friday_afternoon_target_is_due_monday_morning() {
        let friday = berlin(2026, 5, 22, 16, 0);
        assert_eq!(
            office(&[]).add_working(friday, 120 * 60),
            Some(berlin(2026, 5, 25, 10, 0))
        );
    }

    #[test]
    fn weekend_start_counts_from_monday_opening() {
        let saturday = berlin(2026, 5, 23, 11, 0);
        assert_eq!(
            office(&[]).add_working(saturday, 30 * 60),
            Some(berlin(2026, 5, 25, 9, 30))
        );
        assert_eq!(
            office(&[]).working_secs(saturday, berlin(2026, 5, 25, 9, 0)),
            0
        );
    }

    #[test]
    fn working_secs_skips_the_weekend() {
        let friday = berlin(2026, 5, 22, 15, 0);
        let monday = berlin(2026, 5, 25, 11, 30);
        assert_eq!(
            office(&[]).working_secs(friday, monday),
            2 * HOUR + 2 * HOUR + 1800
        );
        // A whole week is five eight-hour days.
        assert_eq!(
            office(&[]).working_secs(berlin(2026, 5, 18, 0, 0), berlin(2026, 5, 25, 0, 0)),
            40 * HOUR
        );
    }

    #[test]
    fn target_reached_at_closing_is_closing_not_next_opening() {
        let friday = berlin(2026, 5, 22, 16, 0);
        assert_eq!(
            office(&[]).add_working(friday, HOUR),
            Some(berlin(2026, 5, 22, 17, 0))
        );
    }

    #[test]
    fn weekend_and_monday_holiday_push_the_target_to_tuesday() {
        // Whit Monday, 2026-05-25.
        let calendar = office(&["2026-05-25"]);
        let friday = berlin(2026, 5, 22, 16, 0);
        assert_eq!(
            calendar.add_working(friday, 120 * 60),
            Some(berlin(2026, 5, 26, 10, 0))
        );
        assert_eq!(
            calendar.working_secs(friday, berlin(2026, 5, 26, 10, 0)),
            2 * HOUR
        );
    }

    #[test]
    fn spring_forward_gap_counts_real_hours() {
        // 2026-03-29 (a Sunday): Berlin jumps from 02:00 to 03:00, so a local
        // 01:00-05:00 lasts three real hours (00:00-03:00 UTC).
        let calendar = business(Tz::Europe__Berlin, "mon-sun 01:00-05:00", &[]);
        let day_start = berlin(2026, 3, 29, 0, 0);
        let day_end = berlin(2026, 3, 29, 12, 0);
        assert_eq!(calendar.working_secs(day_start, day_end), 3 * HOUR);
        assert_eq!(
            calendar.add_working(day_start, 3 * HOUR),
            Some(utc(2026, 3, 29, 3, 0))
        );
        // Two real hours from opening cross the gap: 01:00 CET + 2 h = 04:00 CEST.
        assert_eq!(
            calendar.add_working(day_start, 2 * HOUR),
            Some(berlin(2026, 3, 29, 4, 0))
        );
        // One second more than the day holds spills into Monday.
        assert_eq!(
            calendar.add_working(day_start, 3 * HOUR + 1),
            Some(utc(2026, 3, 29, 23, 0) + TimeDelta::seconds(1))
        );
    }

    #[test]
    fn interval_ending_in_the_gap_ends_when_the_clocks_jump() {
        // 02:30 doesn't exist on 2026-03-29; the interval ends at 03:00 CEST.
        let calendar = business(Tz::Europe__Berlin, "sun 01:00-02:30", &[]);
        assert_eq!(
            calendar.working_secs(berlin(2026, 3, 29, 0, 0), berlin(2026, 3, 29, 12, 0)),
            HOUR
        );
        // Starting inside the gap starts at the jump.
        let calendar = business(Tz::Europe__Berlin, "sun 02:30-04:00", &[]);
        assert_eq!(
            calendar.working_secs(berlin(2026, 3, 29, 0, 0), berlin(2026, 3, 29, 12, 0)),
            HOUR
        );
        assert_eq!(
            calendar.add_working(berlin(2026, 3, 29, 0, 0), 60),
            Some(utc(2026, 3, 29, 1, 1))
        );
    }

    #[test]
    fn fall_back_repeat_counts_real_hours() {
        // 2026-10-25 (a Sunday): Berlin goes from 03:00 back to 02:00, so a
        // local 01:00-05:00 lasts five real hours (23:00-04:00 UTC).
        let calendar = business(Tz::Europe__Berlin, "mon-sun 01:00-05:00", &[]);
        let day_start = berlin(2026, 10, 25, 0, 0);
        let day_end = berlin(2026, 10, 25, 12, 0);
        assert_eq!(calendar.working_secs(day_start, day_end), 5 * HOUR);
        assert_eq!(
            calendar.add_working(day_start, 5 * HOUR),
            Some(utc(2026, 10, 25, 4, 0))
        );
        // 01:00 CEST + 2 h is the second 02:00 (CET), i.e. 01:00 UTC.
        assert_eq!(
            calendar.add_working(day_start, 2 * HOUR),
            Some(utc(2026, 10, 25, 1, 0))
        );
        assert_eq!(
            calendar.working_secs(day_start, utc(2026, 10, 25, 1, 0)),
            2 * HOUR
        );
    }

    #[test]
    fn intervals_touching_in_the_repeated_hour_are_counted_once() {
        // 01:00-02:30 ends at the second 02:30 and 02:30-04:00 starts at the
        // first, so they overlap by an hour; the day is still 01:00-04:00,
        // four real hours.
        let calendar = business(Tz::Europe__Berlin, "sun 01:00-02:30, 02:30-04:00", &[]);
        assert_eq!(
            calendar.working_secs(berlin(2026, 10, 25, 0, 0), berlin(2026, 10, 25, 12, 0)),
            4 * HOUR
        );
        assert_eq!(
            calendar.add_working(berlin(2026, 10, 25, 0, 0), 4 * HOUR),
            Some(berlin(2026, 10, 25, 4, 0))
        );
    }

    #[test]
    fn overlapping_intervals_are_counted_once() {
        let calendar = business(
            Tz::UTC,
            "mon 09:00-12:00, 11:00-13:00; sun 22:00-06:00; mon 00:00-08:00",
            &[],
        );
        // Sunday 22:00 to Monday 08:00 is ten hours, then 09:00-13:00 four.
        assert_eq!(
            calendar.working_secs(utc(2026, 5, 24, 0, 0), utc(2026, 5, 26, 0, 0)),
            14 * HOUR
        );
        assert_eq!(
            calendar.add_working(utc(2026, 5, 24, 0, 0), 11 * HOUR),
            Some(utc(2026, 5, 25, 10, 0))
        );
    }

    #[test]
    fn overnight_interval_runs_past_midnight() {
        let calendar = business(Tz::Europe__Berlin, "mon 22:00-06:00", &[]);
        let monday_noon = berlin(2026, 5, 25, 12, 0);
        assert_eq!(
            calendar.add_working(monday_noon, 3 * HOUR),
            Some(berlin(2026, 5, 26, 1, 0))
        );
        assert_eq!(
            calendar.working_secs(monday_noon, berlin(2026, 5, 26, 12, 0)),
            8 * HOUR
        );
        // A ticket at 03:00 on Tuesday is inside Monday's shift.
        assert_eq!(
            calendar.add_working(berlin(2026, 5, 26, 3, 0), HOUR),
            Some(berlin(2026, 5, 26, 4, 0))
        );
        assert_eq!(
            calendar.working_secs(berlin(2026, 5, 26, 3, 0), berlin(2026, 5, 26, 12, 0)),
            3 * HOUR
        );
    }

    #[test]
    fn holiday_cancels_an_overnight_shift_only_on_its_start_day() {
        let monday_noon = berlin(2026, 5, 25, 12, 0);
        let tuesday_noon = berlin(2026, 5, 26, 12, 0);

        // Holiday on Monday: Monday night's shift never starts.
        let start_day_off = business(Tz::Europe__Berlin, "mon 22:00-06:00", &["2026-05-25"]);
        assert_eq!(start_day_off.working_secs(monday_noon, tuesday_noon), 0);
        assert_eq!(
            start_day_off.add_working(monday_noon, HOUR),
            Some(berlin(2026, 6, 1, 23, 0))
        );

        // Holiday on Tuesday: the shift started on Monday and runs to the end.
        let end_day_off = business(Tz::Europe__Berlin, "mon 22:00-06:00", &["2026-05-26"]);
        assert_eq!(
            end_day_off.working_secs(monday_noon, tuesday_noon),
            8 * HOUR
        );
        assert_eq!(
            end_day_off.add_working(monday_noon, 8 * HOUR),
            Some(berlin(2026, 5, 26, 6, 0))
        );
    }

    #[test]
    fn lunch_break_is_skipped() {
        let calendar = business(Tz::Europe__Berlin, "mon-fri 09:00-12:00, 13:00-17:00", &[]);
        let morning = berlin(2026, 5, 26, 11, 0);
        assert_eq!(
            calendar.add_working(morning, 2 * HOUR),
            Some(berlin(2026, 5, 26, 14, 0))
        );
        assert_eq!(
            calendar.working_secs(morning, berlin(2026, 5, 26, 14, 0)),
            2 * HOUR
        );
        // Exactly the morning's remainder ends at noon, not at 13:00.
        assert_eq!(
            calendar.add_working(morning, HOUR),
            Some(berlin(2026, 5, 26, 12, 0))
        );
        // A ticket during lunch starts counting at 13:00.
        assert_eq!(
            calendar.add_working(berlin(2026, 5, 26, 12, 15), 60),
            Some(berlin(2026, 5, 26, 13, 1))
        );
    }

    #[test]
    fn empty_week_never_reaches_a_target() {
        let calendar = business(Tz::Europe__Berlin, "closed", &[]);
        let from = berlin(2026, 5, 25, 12, 0);
        assert_eq!(calendar.add_working(from, 1), None);
        assert_eq!(calendar.add_working(from, 30 * 24 * HOUR), None);
        assert_eq!(calendar.working_secs(from, berlin(2027, 5, 25, 12, 0)), 0);
    }

    #[test]
    fn holidays_covering_every_working_day_never_reach_a_target() {
        // Only Mondays work, and every Monday for eleven years is a holiday.
        let mut holidays = BTreeSet::new();
        let mut monday = NaiveDate::from_ymd_opt(2026, 5, 25).unwrap();
        while monday.year() < 2038 {
            holidays.insert(monday);
            monday += TimeDelta::days(7);
        }
        let calendar = Calendar::Business(BusinessHours {
            tz: Tz::UTC,
            week: parse_week("mon 09:00-17:00").unwrap(),
            holidays,
        });
        assert_eq!(calendar.add_working(utc(2026, 5, 24, 0, 0), 60), None);
    }

    #[test]
    fn a_year_of_office_hours_is_every_weekday() {
        let calendar = business(Tz::UTC, "mon-fri 09:00-17:00", &[]);
        let mut weekdays = 0;
        let mut day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        while day.year() == 2026 {
            if day.weekday().num_days_from_monday() < 5 {
                weekdays += 1;
            }
            day = day.succ_opt().unwrap();
        }
        assert_eq!(
            calendar.working_secs(utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0)),
            weekdays * 8 * HOUR
        );
    }

    #[test]
    fn parse_week_reads_the_documented_form() {
        let week = parse_week("mon-fri 09:00-17:00; sat 10:00-14:00, 15:00-18:00; sun 22:00-06:00")
            .unwrap();
        let office = Interval {
            start: 540,
            end: 1020,
        };
        for day in &week[..5] {
            assert_eq!(day, &vec![office]);
        }
        assert_eq!(
            week[5],
            vec![
                Interval {
                    start: 600,
                    end: 840
                },
                Interval {
                    start: 900,
                    end: 1080
                }
            ]
        );
        assert_eq!(
            week[6],
            vec![Interval {
                start: 1320,
                end: 360
            }]
        );
        assert!(week[6][0].is_overnight());
    }

    #[test]
    fn parse_week_accepts_variants() {
        // Case, wrapping ranges, 24:00, midnight as 00:00, repeated days, lists.
        let week = parse_week(" FRI-Mon 00:00-24:00 ; wed 20:00-00:00; Wed 06:00-07:00;").unwrap();
        let whole = vec![Interval {
            start: 0,
            end: 1440,
        }];
        assert_eq!(week[4], whole);
        assert_eq!(week[5], whole);
        assert_eq!(week[6], whole);
        assert_eq!(week[0], whole);
        assert!(week[1].is_empty());
        assert_eq!(
            week[2],
            vec![
                Interval {
                    start: 1200,
                    end: 1440
                },
                Interval {
                    start: 360,
                    end: 420
                }
            ]
        );
        assert!(week[3].is_empty());

        let listed = parse_week("Monday, wed 9:00-12:00; fri closed").unwrap();
        assert_eq!(
            listed[0],
            vec![Interval {
                start: 540,
                end: 720
            }]
        );
        assert_eq!(listed[2], listed[0]);
        assert!(listed[4].is_empty());

        assert_eq!(parse_week("closed").unwrap(), Week::default());
        assert_eq!(parse_week(" Closed ").unwrap(), Week::default());
    }

    #[test]
    fn format_week_groups_consecutive_days_and_round_trips() {
        for text in [
            "mon-fri 09:00-17:00; sat 10:00-14:00",
            "mon-fri 09:00-17:00; sat 10:00-14:00, 15:00-18:00; sun 22:00-06:00",
            "mon 00:00-24:00; wed-thu 08:00-12:00, 13:00-17:00; sun 20:00-24:00",
            "sat-sun 10:00-16:00",
            "closed",
        ] {
            let week = parse_week(text).unwrap();
            assert_eq!(format_week(&week), text);
            assert_eq!(parse_week(&format_week(&week)).unwrap(), week);
        }
        // Wrapping ranges come back as the canonical Monday-first form.
        let week = parse_week("fri-mon 09:00-17:00").unwrap();
        assert_eq!(format_week(&week), "mon 09:00-17:00; fri-sun 09:00-17:00");
        assert_eq!(format_week(&Week::default()), "closed");
    }

    #[test]
    fn parse_week_explains_bad_input() {
        for (input, needle) in [
            ("mon 9-17", "\"9\" is not a time"),
            ("xyz 09:00-10:00", "\"xyz\" is not a day"),
            ("mon 25:00-26:00", "\"25:00\" is not a time of day"),
            ("mon 10:00-10:00", "ends when it starts"),
            ("mon 24:00-06:00", "starts at 24:00"),
            ("mon 09:00-24:30", "\"24:30\" is not a time of day"),
            ("mon 09:00", "\"09:00\" is not an interval"),
            ("mon", "has no hours"),
            ("09:00-17:00", "doesn't say which days"),
            (
                "mon-fri 09:00-17:00 sat 10:00-12:00",
                "separate groups of days with ';'",
            ),
            ("mon 09:00-12:00,, 13:00-17:00", "empty interval"),
            ("", "The schedule is empty"),
            (" ; ", "The schedule is empty"),
        ] {
            let error = parse_week(input).unwrap_err();
            assert!(error.contains(needle), "{input:?} gave {error:?}");
            assert!(error.contains(WEEK_EXAMPLE), "{input:?} gave {error:?}");
        }
    }

    #[test]
    fn parse_date_wants_iso_dates() {
        assert_eq!(
            parse_date(" 2026-12-25 ").unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()
        );
        assert!(parse_date("25.12.2026").unwrap_err().contains("YYYY-MM-DD"));
        assert!(parse_date("2026-1-5").unwrap_err().contains("YYYY-MM-DD"));
        assert!(parse_date("2026-02-30")
            .unwrap_err()
            .contains("not a real calendar date"));
    }

    #[test]
    fn parse_tz_wants_iana_names() {
        assert_eq!(parse_tz("Europe/Berlin").unwrap(), Tz::Europe__Berlin);
        assert_eq!(
            parse_tz(" america/new_york ").unwrap(),
            Tz::America__New_York
        );
        assert_eq!(parse_tz("UTC").unwrap(), Tz::UTC);
        let error = parse_tz("Mars/Olympus").unwrap_err();
        assert!(error.contains("\"Mars/Olympus\" is not a known time zone"));
        assert!(error.contains("Europe/Berlin"));
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

    /// The arithmetic as it was before whole weeks were skipped: every span walked in order,
    /// checked minute by minute by the tests below. The fast one must agree with it exactly.
    fn reference_add(calendar: &Calendar, from: DateTime<Utc>, secs: i64) -> Option<DateTime<Utc>> {
        let Calendar::Business(hours) = calendar else {
            return calendar.add_working(from, secs);
        };
        if secs <= 0 {
            return Some(from);
        }
        let mut remaining = TimeDelta::try_seconds(secs)?;
        let mut due = None;
        hours.for_each_span(hours.day_before(from), None, |start, end| {
            if end <= from {
                return ControlFlow::Continue(());
            }
            let start = start.max(from);
            let available = end.signed_duration_since(start);
            if remaining <= available {
                due = start.checked_add_signed(remaining);
                return ControlFlow::Break(());
            }
            remaining -= available;
            ControlFlow::Continue(())
        });
        due
    }

    fn reference_secs(calendar: &Calendar, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        match calendar {
            Calendar::Business(hours) => hours.walk_secs(from, to).num_seconds(),
            Calendar::Always => calendar.working_secs(from, to),
        }
    }

    /// Days of spans generated while `f` runs.
    fn days_counted<T>(f: impl FnOnce() -> T) -> (T, u64) {
        let before = DAYS_COUNTED.with(std::cell::Cell::get);
        let out = f();
        (out, DAYS_COUNTED.with(std::cell::Cell::get) - before)
    }

    #[test]
    fn schedules_need_an_hour_a_week_and_at_most_eight_intervals_a_day() {
        let week = |t: &str| parse_week(t).unwrap();
        assert_eq!(weekly_minutes(&week("mon-fri 09:00-17:00")), 5 * 8 * 60);
        // Overlaps count once; Sunday night runs into Monday and wraps around the week.
        assert_eq!(
            weekly_minutes(&week("sun 22:00-06:00; mon 00:00-08:00, 07:00-09:00")),
            11 * 60
        );
        assert_eq!(weekly_minutes(&week("mon-sun 00:00-24:00")), 7 * 24 * 60);
        assert_eq!(check_week(&week("sun 02:00-03:00")), Ok(()));
        assert!(check_week(&week("mon 09:00-09:59"))
            .unwrap_err()
            .contains("59 working minutes"));
        assert!(check_week(&week("closed")).is_err());
        let nine = "tue 01:00-01:30, 02:00-02:30, 03:00-03:30, 04:00-04:30, 05:00-05:30, 06:00-06:30, 07:00-07:30, 08:00-08:30, 09:00-09:30";
        assert!(check_week(&week(nine))
            .unwrap_err()
            .contains("tue has 9 intervals"));
        assert_eq!(check_week(&week(&nine[..nine.len() - 13])), Ok(()));
    }

    #[test]
    fn a_week_holding_less_than_a_second_of_work_is_no_trouble() {
        // Friday 16:59:59.7 before a week of holidays: the first week counted holds 0.3 s.
        let calendar = office(&[
            "2026-12-21",
            "2026-12-22",
            "2026-12-23",
            "2026-12-24",
            "2026-12-25",
        ]);
        let from = berlin(2026, 12, 18, 16, 59) + TimeDelta::milliseconds(59_700);
        let due = calendar.add_working(from, 8 * HOUR).unwrap();
        assert_eq!(due, reference_add(&calendar, from, 8 * HOUR).unwrap());
        assert_eq!(calendar.working_secs(from, due), 8 * HOUR);
    }

    #[test]
    fn a_year_on_one_hour_a_week_costs_a_few_weeks_of_counting() {
        const YEAR: i64 = 525_600 * 60;
        let from = utc(2026, 11, 29, 12, 0);
        // Without clock changes or holidays: about three weeks counted for 168 years.
        let plain = business(Tz::UTC, "sun 02:00-03:00", &[]);
        let (due, days) = days_counted(|| plain.add_working(from, YEAR));
        let due = due.unwrap();
        assert_eq!(plain.working_secs(from, due), YEAR);
        assert!(
            (due - from).num_days() / 365 >= 167,
            "{} years",
            (due - from).num_days() / 365
        );
        assert!(days <= 5 * 7, "{days} days counted");
        let (_, days) = days_counted(|| plain.working_secs(from, due));
        assert!(days <= 5 * 7, "{days} days counted");

        // The worst a chat can ask: the hour lies where Berlin's clocks change, and holidays.
        // Each clock change and holiday costs a couple of weeks; the naive walk was 61,000 days.
        let worst = business(
            Tz::Europe__Berlin,
            "sun 02:00-03:00",
            &["2026-12-27", "2027-01-03", "2027-03-28"],
        );
        let (due, days) = days_counted(|| worst.add_working(from, YEAR));
        let due = due.unwrap();
        let changes = 2 * (due - from).num_days() / 365;
        assert!(
            days <= 16 * (changes as u64 + 5),
            "{days} days for {changes} clock changes"
        );
        assert_eq!(worst.working_secs(from, due), YEAR);
    }

    /// Zones with and without DST, both hemispheres.
    const ZONES: [Tz; 5] = [
        Tz::UTC,
        Tz::Europe__Berlin,
        Tz::America__New_York,
        Tz::Australia__Sydney,
        Tz::Asia__Kolkata,
    ];

    /// Unix seconds of 2025-01-01 and 2028-01-01.
    const FROM_RANGE: std::ops::Range<i64> = 1_735_689_600..1_830_297_600;

    fn arb_interval() -> impl proptest::strategy::Strategy<Value = Interval> {
        // Any start; lengths of 30 min to a full day, so some run overnight.
        (0_u16..MINUTES_PER_DAY, 30_u16..=MINUTES_PER_DAY).prop_map(|(start, length)| {
            let end = start + length;
            let end = if end > MINUTES_PER_DAY {
                end - MINUTES_PER_DAY
            } else {
                end
            };
            Interval { start, end }
        })
    }

    fn arb_calendar() -> impl proptest::strategy::Strategy<Value = Calendar> {
        let week = prop::collection::vec(prop::collection::vec(arb_interval(), 0..=3), 7);
        let holidays = prop::collection::btree_set(0_i64..3 * 366, 0..6);
        (prop::sample::select(ZONES.to_vec()), week, holidays).prop_map(|(tz, days, offsets)| {
            let mut week = Week::default();
            for (slot, intervals) in week.iter_mut().zip(days) {
                *slot = intervals;
            }
            let base = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
            let holidays = offsets
                .into_iter()
                .map(|days| base + TimeDelta::days(days))
                .collect();
            Calendar::Business(BusinessHours { tz, week, holidays })
        })
    }

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn add_working_is_inverted_by_working_secs(
            calendar in arb_calendar(),
            from in FROM_RANGE,
            secs in 0_i64..=30 * 24 * HOUR,
        ) {
            let from = at(from);
            if let Some(due) = calendar.add_working(from, secs) {
                prop_assert!(due >= from);
                prop_assert_eq!(calendar.working_secs(from, due), secs);
            }
        }

        #[test]
        fn working_secs_is_additive(
            calendar in arb_calendar(),
            mut points in prop::collection::vec(FROM_RANGE, 3),
        ) {
            points.sort_unstable();
            let (a, b, c) = (at(points[0]), at(points[1]), at(points[2]));
            let whole = calendar.working_secs(a, c);
            prop_assert_eq!(whole, calendar.working_secs(a, b) + calendar.working_secs(b, c));
            prop_assert!(whole <= (c - a).num_seconds());
        }

        #[test]
        fn working_secs_matches_a_minute_by_minute_count(
            calendar in arb_calendar(),
            from_minute in FROM_RANGE.start / 60..FROM_RANGE.end / 60,
            minutes in 0_i64..3 * 24 * 60,
        ) {
            let Calendar::Business(hours) = &calendar else {
                return Ok(());
            };
            let (from, to) = (at(from_minute * 60), at((from_minute + minutes) * 60));
            // The unmerged spans of every date that could reach [from, to).
            let mut raw = Vec::new();
            let mut day = hours.day_before(from);
            while day <= hours.local_date(to) {
                raw.extend(hours.spans_on(day));
                day = day.succ_opt().unwrap();
            }
            let counted = (0..minutes)
                .map(|m| at((from_minute + m) * 60))
                .filter(|t| raw.iter().any(|(start, end)| start <= t && t < end))
                .count();
            prop_assert_eq!(calendar.working_secs(from, to), i64::try_from(counted).unwrap() * 60);
        }

        #[test]
        fn skipping_weeks_agrees_with_walking_every_span(
            calendar in arb_calendar(),
            from in FROM_RANGE,
            nanos in 0_u32..1_000_000_000,
            secs in 0_i64..=120 * 24 * HOUR,
        ) {
            let from = DateTime::from_timestamp(from, nanos).unwrap();
            prop_assert_eq!(calendar.add_working(from, secs), reference_add(&calendar, from, secs));
        }

        #[test]
        fn working_secs_over_years_agree_with_walking_every_span(
            calendar in arb_calendar(),
            mut points in prop::collection::vec(FROM_RANGE, 2),
        ) {
            points.sort_unstable();
            let (a, b) = (at(points[0]), at(points[1]));
            prop_assert_eq!(calendar.working_secs(a, b), reference_secs(&calendar, a, b));
        }

        #[test]
        fn any_schedule_text_is_read_or_refused_without_panicking(text in proptest::arbitrary::any::<String>()) {
            if let Ok(week) = parse_week(&text) {
                let _ = check_week(&week);
                prop_assert_eq!(parse_week(&format_week(&week)).ok(), Some(week));
            }
            let _ = parse_date(&text);
            let _ = parse_tz(&text);
        }

        #[test]
        fn schedule_shaped_text_is_read_or_refused(
            text in "[a-z]{0,9}( |-|,|;|:)?[a-z]{0,9} ?[0-9]{0,2}:?[0-9]{0,2}-?[0-9]{0,2}:?[0-9]{0,2}(, ?[0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2}){0,9}(; ?[a-z]{3} [0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2}){0,3}",
        ) {
            if let Ok(week) = parse_week(&text) {
                let _ = check_week(&week);
                prop_assert!(weekly_minutes(&week) <= 7 * 1440);
            }
        }

        #[test]
        fn format_week_round_trips(
            days in prop::collection::vec(prop::collection::vec(arb_interval(), 0..=3), 7),
        ) {
            let mut week = Week::default();
            for (slot, intervals) in week.iter_mut().zip(days) {
                // parse_week rejects start == end (a 24-hour overnight interval).
                *slot = intervals.into_iter().filter(|iv| iv.start != iv.end).collect();
            }
            prop_assert_eq!(parse_week(&format_week(&week)).unwrap(), week);
        }
    }
}
