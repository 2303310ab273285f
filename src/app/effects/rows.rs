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
    /// Kept for rows written before render chose the words; empty now.
    pub due: String,
    #[serde(default)]
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The workspace's time zone, to show `due_at` in.
    #[serde(default)]
    pub zone: Option<String>,
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
    /// Privacy: purge message bodies older than this many days (1 to 3650).
    Retention,
}

impl NumberSetting {
    pub const ALL: [NumberSetting; 4] = [
        NumberSetting::UnassignedAlert,
        NumberSetting::IntakeTimeout,
        NumberSetting::AutoClose,
        NumberSetting::Retention,
    ];
}

/// One line of `/seats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatRow {
    pub kind: SeatLabel,
    /// The Owner slot is always filled.
    pub state: SeatStateLabel,
    pub holder: Option<String>,
    pub until: Option<String>,
}

/// A line of `/seats`: which kind of seat. Serialized as the words older rows carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeatLabel {
    Owner,
    Basic,
    Pro,
}

/// Where a seat of `/seats` is. Serialized as the words older rows carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeatStateLabel {
    Filled,
    Pending,
    Available,
    Expired,
}

/// The seat a member of `/members` sits in. Serialized as the words older rows carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberSeat {
    #[serde(rename = "Owner slot")]
    OwnerSlot,
    Basic,
    Pro,
    #[serde(rename = "no seat")]
    NoSeat,
}

/// One person in `/members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub seat: MemberSeat,
    pub seat_active: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows written into the outbox before these were typed carried the words themselves; they
    /// still read, and new rows are written the same way.
    #[test]
    fn seat_labels_read_and_write_the_words_older_rows_carried() {
        let old =
            r#"{"user_id":7,"name":"Sam","role":"member","seat":"no seat","seat_active":false}"#;
        let row: MemberRow = serde_json::from_str(old).expect("an older member row");
        assert_eq!(row.seat, MemberSeat::NoSeat);
        assert_eq!(serde_json::to_string(&row).expect("json"), old);
        let old = r#"{"kind":"Owner","state":"Filled","holder":"Olga","until":null}"#;
        let row: SeatRow = serde_json::from_str(old).expect("an older seat row");
        assert_eq!(
            (row.kind, row.state),
            (SeatLabel::Owner, SeatStateLabel::Filled)
        );
        assert_eq!(
            serde_json::to_value(MemberSeat::OwnerSlot).expect("json"),
            "Owner slot"
        );
    }
}
