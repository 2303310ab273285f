//! Weekly schedules: the hours a team works, as data ([`Week`]) and as the text admins type.
//!
//! A schedule arrives as text from a chat ("mon-fri 09:00-17:00; sat 10:00-14:00"), so reading it
//! well is most of this file: [`parse_week`] turns text into a [`Week`] or into a [`WeekProblem`]
//! naming what is wrong and where, [`check_week`] holds a week to the bounds that keep the SLA arithmetic cheap,
//! [`read_week`] does both, and [`format_week`] writes a week back in the form `parse_week` reads.
//!
//! A week here is only minutes of the local day. Nothing in this file knows about time zones,
//! holidays or instants: turning a week into working time is `calendar.rs`'s job, so the syntax can
//! change without touching the arithmetic and the other way round.

use serde::{Deserialize, Serialize};

/// Minutes in a local day; the largest valid [`Interval::end`] (24:00).
pub const MINUTES_PER_DAY: u16 = 1440;

/// A sample schedule, quoted with every parse error so admins see the form.
pub const WEEK_EXAMPLE: &str = "mon-fri 09:00-17:00; sat 10:00-14:00";

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

/// Why a typed schedule is refused, with the piece of text at fault (as typed, trimmed) so the
/// answer can quote it. All but the last two come from [`parse_week`] and mean the text is not
/// a schedule at all; the last two come from [`check_week`]. Travels inside the notice that asks
/// for another try.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum WeekProblem {
    /// No group of days at all (and not "closed").
    Empty,
    /// A group names days but no hours (`mon`).
    NoHours { group: String },
    /// A group starts with hours (`09:00-17:00`).
    NoDays { group: String },
    /// Letters among the hours: two groups without a `;` between them.
    DaysInHours { group: String },
    /// An empty item in a list of days (`mon,, wed`).
    EmptyDay { group: String },
    /// `name` is no day name.
    NotADay { name: String },
    /// An empty item in a list of intervals (`09:00-12:00,, 13:00-17:00`).
    EmptyInterval { group: String },
    /// An interval without its `-` (`09:00`).
    NotAnInterval { interval: String },
    /// An interval starting at 24:00, which only ends a day.
    StartsAtDayEnd { interval: String },
    /// An interval that ends when it starts (`10:00-10:00`).
    EndsWhenItStarts { interval: String },
    /// Not shaped HH:MM (`9`).
    NotATime { time: String },
    /// Shaped HH:MM but no time of day (`25:00`, `24:30`).
    NotATimeOfDay { time: String },
    /// Day `day` (0 = Monday) has `count` intervals, more than `max`.
    TooManyIntervals {
        day: usize,
        count: usize,
        max: usize,
    },
    /// The week has `minutes` of working time, less than [`MIN_WEEKLY_MINUTES`].
    TooLittleTime { minutes: u32 },
}

/// Parses a weekly schedule like "mon-fri 09:00-17:00; sat 10:00-14:00, 15:00-18:00; sun 22:00-06:00"
/// (day names mon..sun, case-insensitive, ranges like mon-fri or fri-mon wrapping, several day groups
/// separated by ';', several intervals per group separated by ','; "24:00" allowed as an end; days not
/// mentioned are days off; a day mentioned twice gets both groups' intervals). An error names the
/// first thing wrong and the text at fault.
///
/// Also accepted: full day names ("monday"), lists of days ("mon, wed 09:00-12:00"),
/// "closed" for a week without working hours, "`<days>` closed" for a group
/// that adds nothing, and "00:00" as an end meaning midnight (stored as 24:00).
/// Intervals keep the order they are written in.
pub fn parse_week(s: &str) -> Result<Week, WeekProblem> {
    let mut week: Week = Default::default();
    let text = s.trim();
    if text.eq_ignore_ascii_case("closed") {
        return Ok(week);
    }
    let mut groups = 0_usize;
    for group in text.split(';').map(str::trim).filter(|g| !g.is_empty()) {
        groups += 1;
        parse_group(group, &mut week)?;
    }
    if groups == 0 {
        return Err(WeekProblem::Empty);
    }
    Ok(week)
}

/// One `;`-separated group: days, then hours. The days are everything before
/// the first digit, so both "mon-fri 09:00" and "mon, wed 09:00" read.
fn parse_group(group: &str, week: &mut Week) -> Result<(), WeekProblem> {
    let (days_text, hours_text) = match group.find(|c: char| c.is_ascii_digit()) {
        Some(at) => group.split_at(at),
        None => {
            let lower = group.to_ascii_lowercase();
            return match lower.strip_suffix("closed") {
                Some(days) if !days.trim().is_empty() => parse_days(days, group).map(|_| ()),
                _ => {
                    parse_days(group, group)?;
                    Err(WeekProblem::NoHours {
                        group: group.to_owned(),
                    })
                }
            };
        }
    };
    let days_text = days_text.trim().trim_end_matches(':');
    if days_text.trim().is_empty() {
        return Err(WeekProblem::NoDays {
            group: group.to_owned(),
        });
    }
    let days = parse_days(days_text, group)?;
    if hours_text.chars().any(|c| c.is_ascii_alphabetic()) {
        return Err(WeekProblem::DaysInHours {
            group: group.to_owned(),
        });
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
fn parse_days(text: &str, group: &str) -> Result<Vec<usize>, WeekProblem> {
    let mut days = Vec::new();
    for item in text.split(',').map(str::trim) {
        if item.is_empty() {
            return Err(WeekProblem::EmptyDay {
                group: group.to_owned(),
            });
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
fn day_index(name: &str) -> Result<usize, WeekProblem> {
    let lower = name.to_ascii_lowercase();
    DAY_NAMES
        .iter()
        .zip(FULL_DAY_NAMES)
        .position(|(short, full)| lower == *short || lower == full)
        .ok_or_else(|| WeekProblem::NotADay {
            name: name.to_owned(),
        })
}

/// "09:00-17:00", "22:00-06:00" (overnight), "10:00-24:00".
fn parse_interval(text: &str, group: &str) -> Result<Interval, WeekProblem> {
    if text.is_empty() {
        return Err(WeekProblem::EmptyInterval {
            group: group.to_owned(),
        });
    }
    let interval = || text.to_owned();
    let Some((start_text, end_text)) = text.split_once('-') else {
        return Err(WeekProblem::NotAnInterval {
            interval: interval(),
        });
    };
    let start = parse_time(start_text.trim())?;
    let end = parse_time(end_text.trim())?;
    if start == MINUTES_PER_DAY {
        return Err(WeekProblem::StartsAtDayEnd {
            interval: interval(),
        });
    }
    if start == end {
        return Err(WeekProblem::EndsWhenItStarts {
            interval: interval(),
        });
    }
    // "22:00-00:00" ends at midnight; stored as 24:00 so `end` stays in 1..=1440.
    let end = if end == 0 { MINUTES_PER_DAY } else { end };
    Ok(Interval { start, end })
}

/// "HH:MM" (or "H:MM") to minutes of the day, 00:00..=24:00.
fn parse_time(text: &str) -> Result<u16, WeekProblem> {
    let not_a_time = || WeekProblem::NotATime {
        time: text.to_owned(),
    };
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
        return Err(WeekProblem::NotATimeOfDay {
            time: text.to_owned(),
        });
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
pub fn check_week(week: &Week) -> Result<(), WeekProblem> {
    for (day, intervals) in week.iter().enumerate() {
        if intervals.len() > MAX_INTERVALS_PER_DAY {
            return Err(WeekProblem::TooManyIntervals {
                day,
                count: intervals.len(),
                max: MAX_INTERVALS_PER_DAY,
            });
        }
    }
    let minutes = weekly_minutes(week);
    if minutes < MIN_WEEKLY_MINUTES {
        return Err(WeekProblem::TooLittleTime { minutes });
    }
    Ok(())
}

/// A schedule as it may be used: read by [`parse_week`] and within [`check_week`]'s bounds.
pub fn read_week(text: &str) -> Result<Week, WeekProblem> {
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

/// The short name of day index `day` (0 = Monday), as schedules write it.
pub fn day_name(day: usize) -> &'static str {
    DAY_NAMES.get(day).copied().unwrap_or("?")
}

/// Minutes of the day as "HH:MM"; 1440 is "24:00".
fn clock_time(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
pub(super) mod tests;
