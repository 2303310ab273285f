//! [`Strategy`]: how new tickets reach agents, as a workspace (or group) setting.
//!
//! A setting is stored, shown on the settings screen and typed by admins, so besides the variants
//! this file holds the stable machine name, the human label and a forgiving parser: what storage,
//! settings screens and commands need, without the rules. The rules that act on a strategy are in
//! `assign.rs`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How new tickets reach agents. Set per workspace, overridable per group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Nobody is assigned automatically; agents claim or get assigned by
    /// hand. The default, so a new workspace never surprises its team.
    #[default]
    Manual,
    /// Take turns: whoever was given a ticket longest ago goes next.
    RoundRobin,
    /// Whoever holds the fewest open tickets goes next.
    LeastLoaded,
    /// Agents with the ticket's skill take turns.
    Skill,
}

impl Strategy {
    /// Every strategy, in the order the settings screen lists them.
    pub const ALL: [Strategy; 4] = [
        Strategy::Manual,
        Strategy::RoundRobin,
        Strategy::LeastLoaded,
        Strategy::Skill,
    ];

    /// The stable machine name (same as the serde form); store this, not
    /// `Display`, because human wording may change.
    pub const fn as_str(self) -> &'static str {
        match self {
            Strategy::Manual => "manual",
            Strategy::RoundRobin => "round_robin",
            Strategy::LeastLoaded => "least_loaded",
            Strategy::Skill => "skill",
        }
    }

    /// The human name shown in settings and `/queue`.
    pub const fn label(self) -> &'static str {
        match self {
            Strategy::Manual => "Manual",
            Strategy::RoundRobin => "Round-robin",
            Strategy::LeastLoaded => "Least loaded",
            Strategy::Skill => "By skill",
        }
    }
}

/// Human form: `Manual`, `Round-robin`, `Least loaded`, `By skill`.
impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A string that is not a [`Strategy`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown routing strategy {0:?}; expected one of manual, round_robin, least_loaded, skill")]
pub struct ParseStrategyError(pub String);

/// Accepts the machine form (`round_robin`), the human form (`Round-robin`)
/// and the obvious spellings in between (`round-robin`, `Least Loaded`),
/// case-insensitively, so both a database column and text an admin typed
/// parse.
impl FromStr for Strategy {
    type Err = ParseStrategyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        let normalized: String = trimmed
            .chars()
            .map(|c| match c {
                '-' | ' ' => '_',
                other => other.to_ascii_lowercase(),
            })
            .collect();
        Strategy::ALL
            .into_iter()
            .find(|st| normalized == st.as_str() || trimmed.eq_ignore_ascii_case(st.label()))
            .ok_or_else(|| ParseStrategyError(s.to_owned()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn strategy_names_round_trip() {
        for st in Strategy::ALL {
            assert_eq!(st.as_str().parse::<Strategy>(), Ok(st));
            assert_eq!(st.label().parse::<Strategy>(), Ok(st));
            assert_eq!(st.to_string(), st.label());
            let json = serde_json::to_string(&st).unwrap();
            assert_eq!(json, format!("\"{}\"", st.as_str()));
            assert_eq!(serde_json::from_str::<Strategy>(&json).unwrap(), st);
        }
        assert_eq!("Round-Robin".parse(), Ok(Strategy::RoundRobin));
        assert_eq!("least loaded".parse(), Ok(Strategy::LeastLoaded));
        assert_eq!(" SKILL ".parse(), Ok(Strategy::Skill));
        assert_eq!(
            "random".parse::<Strategy>(),
            Err(ParseStrategyError("random".into()))
        );
        assert_eq!(Strategy::default(), Strategy::Manual);
    }
}
