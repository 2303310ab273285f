//! The words of refusals: why a permission, an invite link, a typed value or a payment was
//! refused, read from the data the domain and the app carry ([`Denied`], [`InviteProblem`],
//! [`Invalid`], [`CheckoutRefusal`]).
//!
//! Each function is a `match` with no catch-all arm, so a new reason does not compile until it
//! is worded here. The text is plain: refusals quote what people typed, so `render` escapes it
//! like any other text from a person.

use crate::app::effects::{CheckoutRefusal, Invalid};
use crate::domain::duration::{
    DurationProblem, MAX_AUTO_CLOSE_HOURS, MAX_RETENTION_DAYS, MAX_SETTING_MINUTES,
};
use crate::domain::escalation::RuleProblem;
use crate::domain::permissions::Denied;
use crate::domain::seats::InviteProblem;
use crate::domain::sla::{self as cal, DateProblem, UnknownTimeZone, WeekProblem, WEEK_EXAMPLE};
use crate::domain::team::Role;

/// How to write an escalation rule: asked for with it, and shown with every refused rule.
pub const RULE_FORM: &str = "<trigger> -> <action>. Triggers: first_response_breach, resolution_breach, unassigned <minutes>, priority <low|normal|high|urgent>, tag <tag>, customer_tag <tag>, manual. Actions: post, mention_admins, reassign skill <skill>, reassign agent <@username>, raise_priority, raise_level. Example: resolution_breach -> mention_admins";

/// Why the permission check refused, to the person who asked.
pub fn denied(denied: Denied) -> &'static str {
    match denied {
        Denied::NeedsRole(Role::Member) => "Only members of this workspace can do this.",
        Denied::NeedsRole(Role::Admin) => "Only Admins and the Owner can do this.",
        Denied::NeedsRole(Role::Owner) => "Only the Owner can do this.",
        Denied::NeedsPro => "This needs a Pro seat.",
        Denied::SeatExpired => "Your seat has expired: ask the Owner to renew it.",
        Denied::TurnedOff(_) => "The Owner has turned this off for Members.",
    }
}

/// Why an invite link can't be used, to whoever opened it: what to do next.
pub fn invite(problem: InviteProblem) -> &'static str {
    match problem {
        InviteProblem::Unknown => {
            "This invite link is not valid. Ask the person who invited you for a new one."
        }
        InviteProblem::Used => {
            "This invite link has already been used. Ask the person who invited you for a new one."
        }
        InviteProblem::Expired => {
            "This invite link has expired. Ask the person who invited you for a new one."
        }
        InviteProblem::SeatExpired => {
            "The seat this invite is for has expired. Ask the workspace Owner to renew it."
        }
        InviteProblem::AlreadyMember => "You are already a member of this workspace.",
    }
}

/// Why a payment is refused at checkout, in Telegram's payment form: what to do instead.
pub fn checkout(refusal: CheckoutRefusal) -> &'static str {
    match refusal {
        CheckoutRefusal::InvalidInvoice => {
            "This invoice is not valid any more. Open /seats and try again."
        }
        CheckoutRefusal::NoWorkspace => "This workspace no longer exists.",
        CheckoutRefusal::NotOwner => "Only the workspace's Owner can buy seats.",
        CheckoutRefusal::PriceChanged => "The price has changed. Open /seats and try again.",
    }
}

/// Why a typed value was refused, and what is expected instead.
pub fn invalid(problem: &Invalid) -> String {
    match problem {
        Invalid::Duration { problem } => duration(problem),
        Invalid::Week { problem } => week(problem),
        Invalid::Date { problem } => date(problem),
        Invalid::TimeZone { problem } => time_zone(problem),
        Invalid::Rule { problem } => format!("{}. Write a rule as {RULE_FORM}", rule(problem)),
        Invalid::Targets => "Send: <first response minutes> <resolution minutes> [24/7|business] [warn %], for example \"30 240 business 80\".".to_owned(),
        Invalid::Category => "Send: <name>; <skill>; <priority> — for example \"Billing; billing; high\". Skill and priority are optional.".to_owned(),
        Invalid::CategoryPriority { typed } => {
            format!("\"{typed}\" is not a priority: use low, normal, high or urgent.")
        }
        Invalid::Keyword => "Send: <keyword> = <skill> — for example \"refund = billing\".".to_owned(),
        Invalid::TooManySkills { count, max } => {
            format!("An agent has at most {max} skills; that was {count}.")
        }
        Invalid::TooManyHolidays { max } => {
            format!("A workspace has at most {max} holidays: delete past ones first.")
        }
        Invalid::TooManyRules { max } => {
            format!("A workspace has at most {max} escalation rules: delete one first.")
        }
        Invalid::TooManyIntakeRules { max } => format!(
            "A workspace has at most {max} categories and keyword rules together: delete one first."
        ),
    }
}

fn duration(problem: &DurationProblem) -> String {
    const MINUTES_PER_DAY: i64 = 24 * 60;
    match problem {
        DurationProblem::Minutes { typed } => format!(
            "\"{typed}\" is not a time between 1 minute and {} days. Send minutes like 45, or 90m, 2h, 1d.",
            MAX_SETTING_MINUTES / MINUTES_PER_DAY
        ),
        DurationProblem::Hours { typed } => format!(
            "\"{typed}\" is not a time between 1 hour and {} days. Send hours like 36, or 2d, 1w.",
            MAX_AUTO_CLOSE_HOURS / 24
        ),
        DurationProblem::Days { typed } => format!(
            "\"{typed}\" is not a number of days between 1 and {MAX_RETENTION_DAYS}. Send days like 180, or 12w."
        ),
    }
}

fn week(problem: &WeekProblem) -> String {
    // What is wrong with a piece of the text, then the whole form.
    let with_form = |wrong: String| format!("{wrong} Expected a schedule like \"{WEEK_EXAMPLE}\".");
    match problem {
        WeekProblem::Empty => format!("The schedule is empty. Write the working hours like \"{WEEK_EXAMPLE}\", or \"closed\" for no working hours at all."),
        WeekProblem::NoHours { group } => with_form(format!("\"{group}\" has no hours: give each group of days its hours, like \"mon-fri 09:00-17:00\".")),
        WeekProblem::NoDays { group } => with_form(format!("\"{group}\" doesn't say which days: start each group with days, like \"mon-fri 09:00-17:00\".")),
        WeekProblem::DaysInHours { group } => with_form(format!("\"{group}\" mixes days into the hours: separate groups of days with ';', like \"mon-fri 09:00-17:00; sat 10:00-14:00\".")),
        WeekProblem::EmptyDay { group } => with_form(format!("\"{group}\" has an empty day in its list of days: separate days with ',', like \"mon, wed\".")),
        WeekProblem::NotADay { name } => with_form(format!("\"{name}\" is not a day: use mon, tue, wed, thu, fri, sat, sun, or a range like mon-fri.")),
        WeekProblem::EmptyInterval { group } => with_form(format!("\"{group}\" has an empty interval: separate intervals with a single ',', like \"09:00-12:00, 13:00-17:00\".")),
        WeekProblem::NotAnInterval { interval } => with_form(format!("\"{interval}\" is not an interval: write it as HH:MM-HH:MM, like 09:00-17:00.")),
        WeekProblem::StartsAtDayEnd { interval } => with_form(format!("\"{interval}\" starts at 24:00, which only ends a day: start at 00:00 instead.")),
        WeekProblem::EndsWhenItStarts { interval } => with_form(format!("\"{interval}\" is empty because it ends when it starts: for a whole day write 00:00-24:00.")),
        WeekProblem::NotATime { time } => with_form(format!("\"{time}\" is not a time: write times as HH:MM, like 09:00 or 17:30.")),
        WeekProblem::NotATimeOfDay { time } => with_form(format!("\"{time}\" is not a time of day: hours go from 00 to 23 and minutes from 00 to 59 (24:00 is allowed to end a day).")),
        WeekProblem::TooManyIntervals { day, count, max } => {
            format!("{} has {count} intervals; a day has at most {max}.", cal::day_name(*day))
        }
        WeekProblem::TooLittleTime { minutes } => format!("That schedule has {minutes} working minutes a week; it needs at least one hour. For round-the-clock targets, use 24/7 in the SLA policy instead."),
    }
}

fn date(problem: &DateProblem) -> String {
    match problem {
        DateProblem::NotADate { typed } => {
            format!("\"{typed}\" is not a date: write it as YYYY-MM-DD, like 2026-12-25.")
        }
        DateProblem::NotInCalendar { typed } => format!(
            "\"{typed}\" is not a real calendar date: write it as YYYY-MM-DD, like 2026-12-25."
        ),
    }
}

fn time_zone(problem: &UnknownTimeZone) -> String {
    let UnknownTimeZone { typed } = problem;
    format!("\"{typed}\" is not a known time zone: use an IANA name like Europe/Berlin, America/New_York or UTC.")
}

/// What is wrong with a rule; [`invalid`] adds how to write one.
fn rule(problem: &RuleProblem) -> String {
    match problem {
        RuleProblem::NoArrow => "Missing \"->\" between the trigger and the action".to_owned(),
        RuleProblem::NotMinutes { typed, max } => {
            format!("\"{typed}\" is not a number of minutes (1 to {max})")
        }
        RuleProblem::NotAPriority { typed } => format!("\"{typed}\" is not a priority"),
        RuleProblem::NotATag { typed } => format!("\"{typed}\" is not a tag"),
        RuleProblem::UnknownTrigger { typed } => format!("Unknown trigger \"{typed}\""),
        RuleProblem::NoAgentName => "Name the agent as @username or their numeric id".to_owned(),
        RuleProblem::UnknownAction { typed } => format!("Unknown action \"{typed}\""),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    //! The refusals read exactly as they did when the domain and the app wrote them, byte for
    //! byte (people and the integration tests know these sentences).

    use super::*;
    use crate::domain::escalation::parse_rule;
    use crate::domain::permissions::Toggle;
    use crate::domain::{duration, sla};

    #[test]
    fn denials_read_as_the_spec_says() {
        assert_eq!(
            denied(Denied::NeedsRole(Role::Admin)),
            "Only Admins and the Owner can do this."
        );
        assert_eq!(
            denied(Denied::NeedsRole(Role::Owner)),
            "Only the Owner can do this."
        );
        assert_eq!(denied(Denied::NeedsPro), "This needs a Pro seat.");
        assert_eq!(
            denied(Denied::SeatExpired),
            "Your seat has expired: ask the Owner to renew it."
        );
        assert_eq!(
            denied(Denied::TurnedOff(Toggle::MembersExport)),
            "The Owner has turned this off for Members."
        );
    }

    #[test]
    fn invite_problems_read_as_sentences() {
        for p in [
            InviteProblem::Unknown,
            InviteProblem::Used,
            InviteProblem::Expired,
            InviteProblem::SeatExpired,
            InviteProblem::AlreadyMember,
        ] {
            let msg = invite(p);
            assert!(msg.ends_with('.'), "{msg}");
            assert!(msg.chars().next().is_some_and(char::is_uppercase), "{msg}");
        }
        assert_eq!(
            invite(InviteProblem::Used),
            "This invite link has already been used. Ask the person who invited you for a new one."
        );
    }

    #[test]
    fn checkout_refusals_say_what_to_do() {
        assert_eq!(
            checkout(CheckoutRefusal::PriceChanged),
            "The price has changed. Open /seats and try again."
        );
        for r in [
            CheckoutRefusal::InvalidInvoice,
            CheckoutRefusal::NoWorkspace,
            CheckoutRefusal::NotOwner,
            CheckoutRefusal::PriceChanged,
        ] {
            assert!(checkout(r).ends_with('.'), "{r:?}");
        }
    }

    fn refused(e: impl Into<Invalid>) -> String {
        invalid(&e.into())
    }

    #[test]
    fn durations_say_the_range_and_the_forms() {
        assert_eq!(
            refused(duration::minutes_setting("soon").unwrap_err()),
            "\"soon\" is not a time between 1 minute and 7 days. Send minutes like 45, or 90m, 2h, 1d."
        );
        assert_eq!(
            refused(duration::hours_setting("30m").unwrap_err()),
            "\"30m\" is not a time between 1 hour and 90 days. Send hours like 36, or 2d, 1w."
        );
    }

    #[test]
    fn schedules_name_the_piece_at_fault_and_show_the_form() {
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
            ("mon,, wed 09:00-12:00", "an empty day"),
            ("", "The schedule is empty"),
        ] {
            let text = refused(sla::parse_week(input).unwrap_err());
            assert!(text.contains(needle), "{input:?} gave {text:?}");
            assert!(text.contains(WEEK_EXAMPLE), "{input:?} gave {text:?}");
        }
        assert_eq!(
            refused(sla::parse_week("mon 9-17").unwrap_err()),
            "\"9\" is not a time: write times as HH:MM, like 09:00 or 17:30. Expected a schedule like \"mon-fri 09:00-17:00; sat 10:00-14:00\"."
        );
        assert_eq!(
            refused(sla::read_week("mon 09:00-09:59").unwrap_err()),
            "That schedule has 59 working minutes a week; it needs at least one hour. For round-the-clock targets, use 24/7 in the SLA policy instead."
        );
        let nine = "tue 01:00-01:30, 02:00-02:30, 03:00-03:30, 04:00-04:30, 05:00-05:30, 06:00-06:30, 07:00-07:30, 08:00-08:30, 09:00-09:30";
        assert_eq!(
            refused(sla::read_week(nine).unwrap_err()),
            "tue has 9 intervals; a day has at most 8."
        );
    }

    #[test]
    fn dates_and_zones_show_the_form() {
        assert_eq!(
            refused(sla::parse_date("25.12.2026").unwrap_err()),
            "\"25.12.2026\" is not a date: write it as YYYY-MM-DD, like 2026-12-25."
        );
        assert_eq!(
            refused(sla::parse_date("2026-02-30").unwrap_err()),
            "\"2026-02-30\" is not a real calendar date: write it as YYYY-MM-DD, like 2026-12-25."
        );
        assert_eq!(
            refused(sla::parse_tz("Mars/Olympus").unwrap_err()),
            "\"Mars/Olympus\" is not a known time zone: use an IANA name like Europe/Berlin, America/New_York or UTC."
        );
    }

    #[test]
    fn rules_say_what_is_wrong_then_the_form() {
        assert_eq!(
            refused(parse_rule("unassigned 0 -> post").unwrap_err()),
            format!("\"0\" is not a number of minutes (1 to 525600). Write a rule as {RULE_FORM}")
        );
        assert_eq!(
            refused(parse_rule("manual post").unwrap_err()),
            format!(
                "Missing \"->\" between the trigger and the action. Write a rule as {RULE_FORM}"
            )
        );
        for bad in [
            "late -> post",
            "priority soon -> post",
            "manual -> dance",
            "tag v.i.p -> post",
            "manual -> reassign agent @",
        ] {
            let text = refused(parse_rule(bad).unwrap_err());
            assert!(text.ends_with(RULE_FORM), "{bad}: {text}");
        }
    }

    #[test]
    fn the_apps_own_forms_and_limits() {
        assert_eq!(
            invalid(&Invalid::TooManySkills { count: 21, max: 20 }),
            "An agent has at most 20 skills; that was 21."
        );
        assert_eq!(
            invalid(&Invalid::CategoryPriority {
                typed: "sometimes".into()
            }),
            "\"sometimes\" is not a priority: use low, normal, high or urgent."
        );
        assert_eq!(
            invalid(&Invalid::Keyword),
            "Send: <keyword> = <skill> — for example \"refund = billing\"."
        );
    }
}
