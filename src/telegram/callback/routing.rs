//! The buttons of routing: its settings (strategy, pause, fallback, alert, per-group
//! overrides), agents and their capacity, intake categories and keyword rules, the customer's
//! category pick, and `/queue`.

use super::wire::buttons;
use crate::domain::ids::{TicketId, UserId};
use crate::domain::routing::Strategy;

buttons! {
    pub enum RoutingButton {
        /// `/settings` → Routing.
        SettingsRouting = "rt",
        /// Pick the workspace's routing strategy.
        RoutingStrategy { strategy: Strategy } = "rg",
        /// Pause automatic assignment (`paused: true`) or resume it.
        RoutingPause { paused: bool } = "rp",
        /// Whether skill routing falls back to every eligible agent when nobody
        /// has the ticket's skill.
        RoutingFallback { on: bool } = "rf",
        /// Pick `unassigned_alert_minutes`. Any `u16` round-trips; which values
        /// are offered (and whether 0 means "off") is the settings handler's call.
        RoutingAlert { minutes: u16 } = "ra",
        /// Override the strategy for one group (`chat`, a supergroup id, so
        /// negative); `None` drops the override so the group inherits the
        /// workspace's strategy.
        GroupStrategy { chat: i64, strategy: Option<Strategy> } = "gs",
        /// `/settings` → Agents & skills: the list of agents.
        SettingsAgents = "ag",
        /// Agents & skills: the routing settings of one agent.
        AgentMenu { user: UserId } = "au",
        /// Set how many open tickets routing may give an agent at once.
        AgentCapacity { user: UserId, max_open: u16 } = "ax",
        /// Ask for an agent's skills as free text (too open-ended for buttons).
        AgentSkills { user: UserId } = "ak",
        /// `/settings` → Intake: categories and keyword rules.
        SettingsIntake = "ic",
        /// Ask for a new intake category's name as free text.
        CategoryAdd = "ia",
        /// Delete intake category `id`.
        CategoryDelete { id: i64 } = "id",
        /// Ask for a new keyword rule as free text.
        KeywordAdd = "ka",
        /// Delete keyword rule `id`.
        KeywordDelete { id: i64 } = "kd",
        /// The customer's intake choice: file `ticket` under `category`.
        PickCategory { ticket: TicketId, category: i64 } = "pc",
        /// `/queue`: refresh the list.
        Queue = "qu",
        /// `/queue`: show the agents eligible to take `ticket`.
        QueueAssign { ticket: TicketId } = "qa",
        /// Intake: how long routing waits for the customer's pick. Any `u16` round-trips; the
        /// handler checks the range.
        IntakeTimeout { minutes: u16 } = "iu",
    }
}
