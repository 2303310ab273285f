//! Tests of reading, checking and writing weekly schedules: the documented forms, what each
//! refusal names, and properties over any text.
//!
//! [`arb_interval`] is shared with the calendar's tests, which build random calendars from it.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use proptest::prelude::{prop, prop_assert, prop_assert_eq, proptest, ProptestConfig};
use proptest::strategy::Strategy as _;

use super::*;
use crate::domain::sla::text::{parse_date, parse_tz};

#[test]
fn parse_week_reads_the_documented_form() {
    let week =
        parse_week("mon-fri 09:00-17:00; sat 10:00-14:00, 15:00-18:00; sun 22:00-06:00").unwrap();
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
fn parse_week_names_what_is_wrong_and_where() {
    use WeekProblem as P;
    let s = |t: &str| t.to_owned();
    for (input, problem) in [
        ("mon 9-17", P::NotATime { time: s("9") }),
        ("xyz 09:00-10:00", P::NotADay { name: s("xyz") }),
        ("mon 25:00-26:00", P::NotATimeOfDay { time: s("25:00") }),
        (
            "mon 10:00-10:00",
            P::EndsWhenItStarts {
                interval: s("10:00-10:00"),
            },
        ),
        (
            "mon 24:00-06:00",
            P::StartsAtDayEnd {
                interval: s("24:00-06:00"),
            },
        ),
        ("mon 09:00-24:30", P::NotATimeOfDay { time: s("24:30") }),
        (
            "mon 09:00",
            P::NotAnInterval {
                interval: s("09:00"),
            },
        ),
        ("mon", P::NoHours { group: s("mon") }),
        (
            "09:00-17:00",
            P::NoDays {
                group: s("09:00-17:00"),
            },
        ),
        (
            "mon-fri 09:00-17:00 sat 10:00-12:00",
            P::DaysInHours {
                group: s("mon-fri 09:00-17:00 sat 10:00-12:00"),
            },
        ),
        (
            "mon 09:00-12:00,, 13:00-17:00",
            P::EmptyInterval {
                group: s("mon 09:00-12:00,, 13:00-17:00"),
            },
        ),
        (
            "mon,, wed 09:00-12:00",
            P::EmptyDay {
                group: s("mon,, wed 09:00-12:00"),
            },
        ),
        ("", P::Empty),
        (" ; ", P::Empty),
    ] {
        assert_eq!(parse_week(input), Err(problem), "{input:?}");
    }
    // The form quoted with every refusal is itself a schedule.
    assert!(read_week(WEEK_EXAMPLE).is_ok());
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
    assert_eq!(
        check_week(&week("mon 09:00-09:59")),
        Err(WeekProblem::TooLittleTime { minutes: 59 })
    );
    assert!(check_week(&week("closed")).is_err());
    let nine = "tue 01:00-01:30, 02:00-02:30, 03:00-03:30, 04:00-04:30, 05:00-05:30, 06:00-06:30, 07:00-07:30, 08:00-08:30, 09:00-09:30";
    assert_eq!(
        check_week(&week(nine)),
        Err(WeekProblem::TooManyIntervals {
            day: 1,
            count: 9,
            max: MAX_INTERVALS_PER_DAY
        })
    );
    assert_eq!(check_week(&week(&nine[..nine.len() - 13])), Ok(()));
}

pub(in crate::domain::sla) fn arb_interval() -> impl proptest::strategy::Strategy<Value = Interval>
{
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

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
