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
//!
//! # Layout
//!
//! Each file depends only on files listed above it:
//!
//! - `week.rs`: the weekly schedule in local time ([`Interval`], [`Week`]) and its text form as
//!   admins type it ([`read_week`] = [`parse_week`] + [`check_week`]; [`format_week`]).
//! - `zone.rs`: local wall-clock times to UTC instants across daylight-saving changes.
//! - `calendar.rs`: the arithmetic itself, [`Calendar`] and [`BusinessHours`], built on the two
//!   above.
//! - `text.rs`: the other texts an SLA policy is set up with (holiday dates, zone names).

mod calendar;
mod text;
mod week;
mod zone;

pub use calendar::{BusinessHours, Calendar};
pub use text::{parse_date, parse_tz, DateProblem, UnknownTimeZone};
pub use week::{
    check_week, day_name, format_week, parse_week, read_week, weekly_minutes, Interval, Week,
    WeekProblem, MAX_INTERVALS_PER_DAY, MINUTES_PER_DAY, MIN_WEEKLY_MINUTES, WEEK_EXAMPLE,
};
