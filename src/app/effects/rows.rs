//! The rows and views notices carry: what a screen or list shows, computed by the use case
//! so that rendering reads no database.

use serde::{Deserialize, Serialize};

use crate::domain::team::Role;

/// One priority on the SLA policies screen: (first response min, resolution min, business
/// hours, warn %) when it has a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRow {
    pub priority: String,
    pub targets: Option<(i32, i32, bool, i32)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayRow {
    pub label: String,
    /// yyyymmdd, for the delete button.
    pub ymd: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationRow {
    pub id: i64,
    pub text: String,
}

/// A pending reminder in `/mytickets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderRow {
    pub id: i64,
    pub number: i64,
    pub due: String,
    pub text: String,
}

/// What the bot lacks to serve a group, listed exactly in the /connect answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    Forum,
    Admin,
    ManageTopics,
    DeleteMessages,
    PinMessages,
}

/// One ticket in `/queue` or `/mytickets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueTicket {
    pub id: i64,
    pub number: i64,
    pub subject: String,
    pub status: String,
    pub priority: String,
    pub waiting_minutes: i64,
    pub overdue: bool,
    pub chat_id: i64,
    pub thread_id: i32,
}

/// One agent with their load, for `/queue`, pickers and the agents settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentLoad {
    pub user_id: i64,
    pub name: String,
    pub load: u32,
    pub max_open: u32,
    pub available: bool,
    pub seat_active: bool,
    pub skills: Vec<String>,
}

/// The Routing settings screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingView {
    /// The machine name (`round_robin`).
    pub strategy: String,
    pub paused: bool,
    pub fallback: bool,
    pub alert_minutes: i32,
    /// (chat id, title, override strategy).
    pub groups: Vec<(i64, String, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryRow {
    pub id: i64,
    pub name: String,
    pub skill: Option<String>,
    pub priority: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeywordRow {
    pub id: i64,
    pub keyword: String,
    pub skill: String,
}

/// What a free-text prompt asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "prompt", rename_all = "snake_case")]
pub enum PromptKind {
    Skills {
        user: i64,
        name: String,
        current: String,
    },
    Category,
    Keyword,
    SlaTargets {
        priority: String,
    },
    TimeZone,
    Week,
    Holiday,
    EscalationRule,
    /// A number for a setting, beyond its quick buttons.
    Number {
        setting: NumberSetting,
    },
}

/// Settings that are a number, with quick buttons and a Custom… prompt for any value in range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberSetting {
    /// Routing: announce tickets unassigned this many minutes (1 minute to 7 days).
    UnassignedAlert,
    /// Intake: how many minutes routing waits for the customer's category pick.
    IntakeTimeout,
    /// Auto-close resolved tickets after this many hours (1 hour to 90 days).
    AutoClose,
}

impl NumberSetting {
    pub const ALL: [NumberSetting; 3] = [
        NumberSetting::UnassignedAlert,
        NumberSetting::IntakeTimeout,
        NumberSetting::AutoClose,
    ];
}

/// One line of `/seats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatRow {
    /// "Owner", "Basic" or "Pro".
    pub kind: String,
    /// "Filled", "Pending", "Available", "Expired" (the Owner slot: "Filled").
    pub state: String,
    pub holder: Option<String>,
    pub until: Option<String>,
}

/// One person in `/members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    /// "Owner slot", "Basic", "Pro" or "no seat".
    pub seat: String,
    pub seat_active: bool,
}
