//! What `/stats` tells (SPEC §12): the figures as a view, computed by the use case so rendering
//! reads no database. Staff-only, and metadata only: no message body is in here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Median, p90 (seconds) and how many values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpreadView {
    pub median: i64,
    pub p90: i64,
    pub count: usize,
}

/// One agent's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentStats {
    pub name: String,
    pub tickets: usize,
    pub first_response_median: Option<i64>,
    pub resolution_median: Option<i64>,
    /// Hundredths (4.5 is 450).
    pub csat_x100: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsView {
    pub workspace: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub zone: String,
    /// Only the asker's own tickets (a Member without "members see all analytics").
    pub own_only: bool,
    pub created: usize,
    pub resolved: usize,
    pub backlog: usize,
    pub first_response: Option<SpreadView>,
    pub resolution: Option<SpreadView>,
    /// (met, missed) per target.
    pub first_response_sla: (usize, usize),
    pub resolution_sla: (usize, usize),
    /// (average in hundredths, ratings).
    pub csat: Option<(i64, usize)>,
    pub agents: Vec<AgentStats>,
}

/// Why `/stats` did not understand its period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatsPeriodProblem {
    Unreadable,
    Backwards,
    TooLong,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum StatsNotice {
    Summary(Box<StatsView>),
    /// Nothing was created or resolved in the period and nothing waits.
    NothingYet {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        zone: String,
    },
    Usage {
        problem: StatsPeriodProblem,
    },
}
