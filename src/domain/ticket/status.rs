//! The words a ticket is filed under: its [`Status`] in the lifecycle and its [`Priority`].
//!
//! Every layer stores, shows, filters and parses these, so each has a stable machine name
//! (storage, serde, logs) that does not change with the wording people read, and parsing accepts
//! what people type. They sit apart from `lifecycle.rs` because they are vocabulary the whole app
//! shares, while the rules that move a ticket from one status to another concern only the
//! lifecycle.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where a ticket is in its lifecycle.
///
/// Two spellings exist on purpose: [`Status::as_str`] (`"in_progress"`) is
/// the stable machine form used in storage, serde and logs; `Display`
/// (`"in progress"`) is the human form for cards and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// New, nobody has taken it.
    Open,
    /// Someone owns it but hasn't answered yet.
    Assigned,
    /// An agent is working on it / has answered.
    InProgress,
    /// Waiting for the customer.
    Pending,
    /// The agent considers it done; the customer may still reply.
    Resolved,
    /// Finished for good (until an agent reopens it).
    Closed,
}

impl Status {
    /// Every status, in lifecycle order — for menus, filters and exhaustive
    /// tests.
    pub const ALL: [Status; 6] = [
        Status::Open,
        Status::Assigned,
        Status::InProgress,
        Status::Pending,
        Status::Resolved,
        Status::Closed,
    ];

    /// The stable machine name (same as the serde form); store this, not
    /// `Display`, because human wording may change.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Assigned => "assigned",
            Status::InProgress => "in_progress",
            Status::Pending => "pending",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    /// The human wording used by `Display`.
    const fn human(self) -> &'static str {
        match self {
            Status::InProgress => "in progress",
            other => other.as_str(),
        }
    }
}

/// Human form: `open`, `assigned`, `in progress`, `pending`, `resolved`,
/// `closed`.
impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.human())
    }
}

/// A string that is not a [`Status`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown ticket status {0:?}; expected one of open, assigned, in_progress, pending, resolved, closed"
)]
pub struct ParseStatusError(pub String);

/// Accepts the machine form (`in_progress`) and the human form
/// (`in progress`), case-insensitively, so both a database column and text
/// a person typed after reading a card parse.
impl FromStr for Status {
    type Err = ParseStatusError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| s.eq_ignore_ascii_case(st.as_str()) || s.eq_ignore_ascii_case(st.human()))
            .ok_or_else(|| ParseStatusError(s.to_owned()))
    }
}

/// How urgent a ticket is. Ordered: `Low < Normal < High < Urgent`, so
/// sorting by priority works directly.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    /// New tickets start here; most tickets never change it.
    #[default]
    Normal,
    High,
    Urgent,
}

impl Priority {
    /// Every priority, lowest first — for the priority picker.
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];

    /// The stable machine name (same as the serde form and `Display`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not a [`Priority`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown priority {0:?}; expected one of low, normal, high, urgent")]
pub struct ParsePriorityError(pub String);

/// Case-insensitive, because agents type `/priority High` as often as
/// `/priority high`.
impl FromStr for Priority {
    type Err = ParsePriorityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Priority::ALL
            .into_iter()
            .find(|p| s.eq_ignore_ascii_case(p.as_str()))
            .ok_or_else(|| ParsePriorityError(s.to_owned()))
    }
}
