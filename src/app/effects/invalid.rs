//! Why a typed value was refused ([`Invalid`]), as data: which kind of value it was, what was
//! typed and which limit it broke. It travels inside a notice (and so through the outbox), and
//! the Telegram adapter words it; nothing here is a sentence.

use serde::{Deserialize, Serialize};

use crate::domain::duration::DurationProblem;
use crate::domain::escalation::RuleProblem;
use crate::domain::sla::{DateProblem, UnknownTimeZone, WeekProblem};

/// A value an Admin typed (or a forged button) that the use case refuses. The domain's parsers
/// say what is wrong with their own texts; the rest are the app's forms and limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "input", rename_all = "snake_case")]
pub enum Invalid {
    /// A duration setting: the unassigned alert, the intake wait, the auto-close time.
    Duration { problem: DurationProblem },
    /// A weekly schedule of business hours.
    Week { problem: WeekProblem },
    /// A holiday.
    Date { problem: DateProblem },
    /// The business hours' time zone.
    TimeZone { problem: UnknownTimeZone },
    /// An escalation rule.
    Rule { problem: RuleProblem },
    /// SLA targets not in the form `<first response> <resolution> [24/7|business] [warn %]`.
    Targets,
    /// An intake category not in the form `<name>; <skill>; <priority>`.
    Category,
    /// An intake category whose priority (`typed`) is none.
    CategoryPriority { typed: String },
    /// A keyword rule not in the form `<keyword> = <skill>`.
    Keyword,
    /// An agent given `count` skills, more than `max`.
    TooManySkills { count: usize, max: usize },
    /// A holiday beyond the workspace's `max`.
    TooManyHolidays { max: usize },
    /// An escalation rule beyond the workspace's `max`.
    TooManyRules { max: usize },
    /// A category or keyword rule beyond the workspace's `max` of both together.
    TooManyIntakeRules { max: usize },
}

impl From<DurationProblem> for Invalid {
    fn from(problem: DurationProblem) -> Self {
        Invalid::Duration { problem }
    }
}

impl From<WeekProblem> for Invalid {
    fn from(problem: WeekProblem) -> Self {
        Invalid::Week { problem }
    }
}

impl From<DateProblem> for Invalid {
    fn from(problem: DateProblem) -> Self {
        Invalid::Date { problem }
    }
}

impl From<UnknownTimeZone> for Invalid {
    fn from(problem: UnknownTimeZone) -> Self {
        Invalid::TimeZone { problem }
    }
}

impl From<RuleProblem> for Invalid {
    fn from(problem: RuleProblem) -> Self {
        Invalid::Rule { problem }
    }
}
