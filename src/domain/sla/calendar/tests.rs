//! Tests of the working-time arithmetic: worked examples around weekends, holidays, night shifts
//! and clock changes; the cost bound on year-long targets; and properties checked against a
//! reference that walks every span in order.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use chrono::TimeZone;
use chrono_tz::Tz;
use proptest::prelude::{prop, prop_assert, prop_assert_eq, proptest, ProptestConfig};
use proptest::strategy::Strategy as _;

use super::*;
use crate::domain::sla::text::parse_date;
use crate::domain::sla::week::parse_week;
use crate::domain::sla::week::tests::arb_interval;

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

}
