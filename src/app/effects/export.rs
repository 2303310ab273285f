//! What the bot says about CSV exports (SPEC §7).

use serde::{Deserialize, Serialize};

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    Audit,
    Tickets,
}

impl ExportKind {
    pub fn code(self) -> &'static str {
        match self {
            ExportKind::Audit => "audit",
            ExportKind::Tickets => "tickets",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum ExportNotice {
    Usage,
    /// A workspace exports once a minute; the next is possible in `secs`.
    TooSoon {
        secs: i64,
    },
    /// The caption of the `/mydata` file.
    MyData,
    /// The caption of the file.
    Ready {
        kind: ExportKind,
        /// `7d`, `30d`, `90d` or `all`.
        period: String,
        rows: usize,
        /// More rows than one file holds: the newest are left out.
        truncated: bool,
    },
}
