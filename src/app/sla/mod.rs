//! SLA (SPEC §9): clocks, escalation and the settings screens. Reminders are their own area
//! ([`crate::app::reminders`]).
//!
//! A ticket's first-response clock runs from its creation until the first agent answer; its
//! resolution clock runs while the ticket is open, assigned or in progress, pauses while it is
//! pending and stops when it is resolved or closed, keeping the working time already used
//! (`resolution_used_secs`) so a reopened ticket goes on where it stopped. Both are measured on the
//! policy's calendar (24/7 or business hours, `domain::sla`). Every deadline is a timer row, so the
//! scheduler sleeps until the next one; each warning and breach is recorded in `sla_fired` in the
//! transaction that fires it, so it happens once, also after restarts and across replicas.

mod policy;

pub mod clocks;
pub mod escalation;
pub mod screens;

pub use clocks::fire;
pub use escalation::{escalate, unassigned_too_long};
pub use policy::business_hours;
pub use screens::{
    escalation_screen, hours_screen, sla_screen, EscalationChange, HoursChange, SlaChange,
};

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::screens::parse_targets;
    use crate::app::reminders::parse_delay;
    use crate::store::sla::Targets;

    #[test]
    fn delays_read_minutes_hours_days_and_combinations() {
        assert_eq!(parse_delay("30m"), Some(Duration::minutes(30)));
        assert_eq!(parse_delay("2h"), Some(Duration::hours(2)));
        assert_eq!(parse_delay("1d"), Some(Duration::days(1)));
        assert_eq!(parse_delay("1h30m"), Some(Duration::minutes(90)));
        assert_eq!(parse_delay("45"), Some(Duration::minutes(45)));
        assert_eq!(parse_delay("1W"), Some(Duration::days(7)));
        for bad in [
            "",
            "0m",
            "m",
            "3x",
            "30m5",
            "-5m",
            "400d",
            "99999999999999999999h",
            "9223372036854775807m1m",
            "9223372036854775807m",
            "1m9223372036854775807m",
        ] {
            assert_eq!(parse_delay(bad), None, "{bad}");
        }
    }

    #[test]
    fn targets_parse_with_defaults_and_refuse_nonsense() {
        assert_eq!(
            parse_targets("30 240"),
            Ok(Targets {
                first_response_minutes: 30,
                resolution_minutes: 240,
                business_hours: false,
                warn_percent: 80
            })
        );
        assert_eq!(
            parse_targets("60 480 business 75%"),
            Ok(Targets {
                first_response_minutes: 60,
                resolution_minutes: 480,
                business_hours: true,
                warn_percent: 75
            })
        );
        for bad in ["", "30", "x 10", "30 0", "30 240 sometimes", "30 240 100"] {
            assert!(parse_targets(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_targets_or_delay_text_is_read_or_refused_within_bounds(
            text in proptest::prop_oneof![
                proptest::arbitrary::any::<String>(),
                "[0-9]{0,12} [0-9]{0,12} ?(business|24/7|bh)? ?[0-9]{0,3}%?",
                "[0-9mhdw]{0,30}",
            ],
        ) {
            if let Ok(t) = parse_targets(&text) {
                proptest::prop_assert!((1..=525_600).contains(&t.first_response_minutes));
                proptest::prop_assert!((1..=525_600).contains(&t.resolution_minutes));
                proptest::prop_assert!((1..=99).contains(&t.warn_percent));
            }
            if let Some(d) = parse_delay(&text) {
                proptest::prop_assert!(d > Duration::zero() && d <= Duration::days(365));
            }
        }
    }
}
