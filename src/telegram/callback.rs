//! Typed, versioned callback data for inline buttons.
//!
//! Telegram gives a button at most 64 bytes of `callback_data` and hands it
//! back verbatim when the button is pressed — possibly months later, after
//! the bot has been upgraded, and possibly altered by a hostile client. So
//! the wire format is owned by exactly one enum with one encode/decode pair:
//!
//! - Every encoding starts with a version tag (`1|`). If the format ever has
//!   to change incompatibly, bump the version and old buttons decode to
//!   [`CallbackDecodeError::UnknownVersion`] instead of being misread.
//! - Fields are `|`-separated; numbers are plain base-10 (readable in logs,
//!   and even two `i64::MIN` values fit: the longest encoding is 46 bytes).
//! - Decoding is strict and total: any input, however malformed, yields an
//!   error rather than a panic, and only the exact bytes `encode` produces
//!   are accepted (no `+5`, `05` or trailing `|`), so every value has one
//!   encoding.
//!
//! The format is frozen by tests: changing a tag breaks buttons already
//! sitting in chats.

use crate::app::effects::NumberSetting;
use crate::domain::ids::{TicketId, UserId};
use crate::domain::routing::Strategy;
use crate::domain::ticket::Priority;

/// The most bytes Telegram accepts in `callback_data`.
pub const MAX_CALLBACK_DATA_LEN: usize = 64;

/// The current format version; the first `|`-separated field.
const VERSION: &str = "1";

/// Field separator. Never appears inside a field: all fields are numbers or
/// fixed short codes.
const SEP: char = '|';

/// Short wire tags, one per variant. Two letters keep payloads small while
/// staying recognisable in logs. Never reuse a retired tag for something
/// else.
mod tag {
    pub const CLAIM: &str = "cm";
    pub const ASSIGN_MENU: &str = "am";
    pub const ASSIGN_TO: &str = "at";
    pub const PENDING: &str = "pd";
    pub const RESOLVE: &str = "rs";
    pub const CLOSE: &str = "cl";
    pub const REOPEN: &str = "ro";
    pub const PRIORITY_MENU: &str = "pm";
    pub const SET_PRIORITY: &str = "sp";
    pub const BACK_TO_CARD: &str = "bk";
    pub const CSAT: &str = "cs";
    pub const CREATE_WORKSPACE: &str = "ws";
    pub const SETTINGS_TOGGLE_BODIES: &str = "tb";
    pub const SETTINGS_AUTO_CLOSE: &str = "ac";
    pub const BUY_SEAT: &str = "by";
    pub const MEMBERS_LIST: &str = "ml";
    pub const MEMBER_MENU: &str = "mm";
    pub const MEMBER_ROLE: &str = "mr";
    pub const MEMBER_SEAT: &str = "ms";
    pub const MEMBER_REMOVE: &str = "mx";
    pub const LEAVE_DECISION: &str = "ld";
    pub const TRANSFER_CONFIRM: &str = "tc";
    pub const SETTINGS_HOME: &str = "sh";
    pub const SETTINGS_PERMISSIONS: &str = "sm";
    pub const PERMISSION_TOGGLE: &str = "pt";
    pub const SETTINGS_ROUTING: &str = "rt";
    pub const ROUTING_STRATEGY: &str = "rg";
    pub const ROUTING_PAUSE: &str = "rp";
    pub const ROUTING_FALLBACK: &str = "rf";
    pub const ROUTING_ALERT: &str = "ra";
    pub const GROUP_STRATEGY: &str = "gs";
    pub const SETTINGS_AGENTS: &str = "ag";
    pub const AGENT_MENU: &str = "au";
    pub const AGENT_CAPACITY: &str = "ax";
    pub const AGENT_SKILLS: &str = "ak";
    pub const SETTINGS_INTAKE: &str = "ic";
    pub const CATEGORY_ADD: &str = "ia";
    pub const CATEGORY_DELETE: &str = "id";
    pub const KEYWORD_ADD: &str = "ka";
    pub const KEYWORD_DELETE: &str = "kd";
    pub const PICK_CATEGORY: &str = "pc";
    pub const PROMPT_CANCEL: &str = "px";
    pub const QUEUE: &str = "qu";
    pub const QUEUE_ASSIGN: &str = "qa";
    pub const SETTINGS_SLA: &str = "sl";
    pub const SLA_EDIT: &str = "se";
    pub const SLA_CLEAR: &str = "sx";
    pub const SETTINGS_HOURS: &str = "hs";
    pub const HOURS_EDIT: &str = "he";
    pub const HOLIDAY_DELETE: &str = "hd";
    pub const SETTINGS_ESCALATION: &str = "es";
    pub const ESCALATION_ADD: &str = "ea";
    pub const ESCALATION_DELETE: &str = "ed";
    pub const REMINDER_CANCEL: &str = "rc";
    pub const NUMBER_PROMPT: &str = "np";
    pub const INTAKE_TIMEOUT: &str = "iu";
}

/// Everything an inline button can ask the bot to do.
///
/// Buttons carry ids only, never state: the handler must reload the ticket
/// and re-check permissions, because the button may be stale or forged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallbackData {
    Claim {
        ticket: TicketId,
    },
    /// Shows the list of agents to pick from.
    AssignMenu {
        ticket: TicketId,
    },
    AssignTo {
        ticket: TicketId,
        agent: UserId,
    },
    Pending {
        ticket: TicketId,
    },
    Resolve {
        ticket: TicketId,
    },
    Close {
        ticket: TicketId,
    },
    Reopen {
        ticket: TicketId,
    },
    /// Shows the priority picker.
    PriorityMenu {
        ticket: TicketId,
    },
    SetPriority {
        ticket: TicketId,
        priority: Priority,
    },
    /// Restores the card's main buttons (leaves a menu).
    BackToCard {
        ticket: TicketId,
    },
    /// A customer satisfaction rating. Only `1..=5` is valid: `encode` is
    /// total and will write any `u8`, but `decode` rejects scores outside
    /// that range, so build these only with valid scores.
    Csat {
        ticket: TicketId,
        score: u8,
    },
    /// From `/start`: set up a workspace in this group.
    CreateWorkspace,
    /// Privacy setting: toggle `store_message_bodies`.
    SettingsToggleBodies,
    /// Pick `auto_close_hours`. Any `u16` round-trips; which values are
    /// offered (and whether 0 means "never") is the settings handler's call.
    SettingsAutoClose {
        hours: u16,
    },
    /// `/seats`, `/invite` with no free seat: buy one Basic (`pro: false`) or Pro seat.
    BuySeat {
        pro: bool,
    },
    /// `/members`: back to the list.
    MembersList,
    /// `/members`: the actions for one member.
    MemberMenu {
        user: UserId,
    },
    /// Make a member an Admin (`admin: true`) or a Member.
    MemberRole {
        user: UserId,
        admin: bool,
    },
    /// Move a member to a Pro (`pro: true`) or Basic seat.
    MemberSeat {
        user: UserId,
        pro: bool,
    },
    /// Remove a member from the workspace.
    MemberRemove {
        user: UserId,
    },
    /// Approve or deny a leave request.
    LeaveDecision {
        request: i64,
        approve: bool,
    },
    /// Confirm handing the workspace to `user`.
    TransferConfirm {
        user: UserId,
    },
    /// `/settings`: the main screen.
    SettingsHome,
    /// `/settings` → Permissions.
    SettingsPermissions,
    /// Flip the Owner's permission toggle number `index` (its position in the toggle list).
    PermissionToggle {
        index: u8,
    },
    /// `/settings` → Routing.
    SettingsRouting,
    /// Pick the workspace's routing strategy.
    RoutingStrategy {
        strategy: Strategy,
    },
    /// Pause automatic assignment (`paused: true`) or resume it.
    RoutingPause {
        paused: bool,
    },
    /// Whether skill routing falls back to every eligible agent when nobody
    /// has the ticket's skill.
    RoutingFallback {
        on: bool,
    },
    /// Pick `unassigned_alert_minutes`. Any `u16` round-trips; which values
    /// are offered (and whether 0 means "off") is the settings handler's call.
    RoutingAlert {
        minutes: u16,
    },
    /// Override the strategy for one group (`chat`, a supergroup id, so
    /// negative); `None` drops the override so the group inherits the
    /// workspace's strategy.
    GroupStrategy {
        chat: i64,
        strategy: Option<Strategy>,
    },
    /// `/settings` → Agents & skills: the list of agents.
    SettingsAgents,
    /// Agents & skills: the routing settings of one agent.
    AgentMenu {
        user: UserId,
    },
    /// Set how many open tickets routing may give an agent at once.
    AgentCapacity {
        user: UserId,
        max_open: u16,
    },
    /// Ask for an agent's skills as free text (too open-ended for buttons).
    AgentSkills {
        user: UserId,
    },
    /// `/settings` → Intake: categories and keyword rules.
    SettingsIntake,
    /// Ask for a new intake category's name as free text.
    CategoryAdd,
    /// Delete intake category `id`.
    CategoryDelete {
        id: i64,
    },
    /// Ask for a new keyword rule as free text.
    KeywordAdd,
    /// Delete keyword rule `id`.
    KeywordDelete {
        id: i64,
    },
    /// The customer's intake choice: file `ticket` under `category`.
    PickCategory {
        ticket: TicketId,
        category: i64,
    },
    /// Cancel the pending free-text prompt (a skill list, category, keyword…).
    PromptCancel,
    /// `/queue`: refresh the list.
    Queue,
    /// `/queue`: show the agents eligible to take `ticket`.
    QueueAssign {
        ticket: TicketId,
    },
    /// `/settings` → SLA policies.
    SettingsSla,
    /// Ask for `priority`'s SLA targets as free text.
    SlaEdit {
        priority: Priority,
    },
    /// Remove `priority`'s SLA policy.
    SlaClear {
        priority: Priority,
    },
    /// `/settings` → Business hours.
    SettingsHours,
    /// Ask for a business-hours value as free text: which one is `what`.
    HoursEdit {
        what: HoursField,
    },
    /// Delete the holiday on `date`, written as `yyyymmdd` (e.g. `20261225`).
    /// Any `i64` round-trips; the handler validates it as a date.
    HolidayDelete {
        date: i64,
    },
    /// `/settings` → Escalation.
    SettingsEscalation,
    /// Ask for a new escalation rule as free text.
    EscalationAdd,
    /// Delete escalation rule `id`.
    EscalationDelete {
        id: i64,
    },
    /// `/mytickets`: cancel reminder `id`.
    ReminderCancel {
        id: i64,
    },
    /// A setting's Custom… button: ask for any value in its range as text.
    NumberPrompt {
        setting: NumberSetting,
    },
    /// Intake: how long routing waits for the customer's pick. Any `u16` round-trips; the
    /// handler checks the range.
    IntakeTimeout {
        minutes: u16,
    },
}

/// Which free-text business-hours value [`CallbackData::HoursEdit`] asks
/// the admin for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HoursField {
    /// The workspace's time zone.
    TimeZone,
    /// The weekly schedule.
    Week,
    /// A new holiday to add.
    AddHoliday,
}

impl HoursField {
    pub const ALL: [HoursField; 3] = [
        HoursField::TimeZone,
        HoursField::Week,
        HoursField::AddHoliday,
    ];
}

/// Why callback data couldn't be decoded. Handlers should answer the
/// callback query with a generic "this button is outdated" rather than show
/// these details; they are for logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackDecodeError {
    #[error("callback data is {0} bytes; Telegram allows at most 64")]
    TooLong(usize),
    /// Most likely a button from an older or newer release of the bot.
    #[error("unsupported callback data version {0:?}")]
    UnknownVersion(String),
    #[error("unknown callback action {0:?}")]
    UnknownTag(String),
    #[error("callback action {tag:?} takes {expected} field(s), got {found}")]
    WrongFieldCount {
        tag: &'static str,
        expected: usize,
        found: usize,
    },
    #[error("invalid callback data field {0:?}")]
    BadField(String),
    #[error("CSAT score must be between 1 and 5, got {0}")]
    CsatOutOfRange(u8),
    /// Parsed, but not byte-for-byte what `encode` would write (leading
    /// zeros, a `+` sign, …). Rejected so each value has one encoding.
    #[error("callback data is not in canonical form")]
    NonCanonical,
}

impl CallbackData {
    /// The compact wire form, `1|<tag>[|field…]`. Always at most
    /// [`MAX_CALLBACK_DATA_LEN`] bytes, for every possible value.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(MAX_CALLBACK_DATA_LEN);
        out.push_str(VERSION);
        let (tag, first, second) = self.fields();
        out.push(SEP);
        out.push_str(tag);
        for field in [first, second].into_iter().flatten() {
            out.push(SEP);
            match field {
                Field::Int(n) => out.push_str(&n.to_string()),
                Field::Code(code) => out.push_str(code),
            }
        }
        out
    }

    /// Parses what [`CallbackData::encode`] wrote. Never panics; rejects
    /// anything else, including other versions and non-canonical spellings.
    pub fn decode(s: &str) -> Result<Self, CallbackDecodeError> {
        use CallbackDecodeError as E;

        if s.len() > MAX_CALLBACK_DATA_LEN {
            return Err(E::TooLong(s.len()));
        }
        let mut parts = s.split(SEP);
        let version = parts.next().unwrap_or_default();
        if version != VERSION {
            return Err(E::UnknownVersion(version.to_owned()));
        }
        let tag = parts.next().unwrap_or_default();
        let fields: Vec<&str> = parts.collect();
        let fields = fields.as_slice();

        let value = match tag {
            tag::CLAIM => {
                let [t] = arity(tag::CLAIM, fields)?;
                CallbackData::Claim { ticket: ticket(t)? }
            }
            tag::ASSIGN_MENU => {
                let [t] = arity(tag::ASSIGN_MENU, fields)?;
                CallbackData::AssignMenu { ticket: ticket(t)? }
            }
            tag::ASSIGN_TO => {
                let [t, a] = arity(tag::ASSIGN_TO, fields)?;
                CallbackData::AssignTo {
                    ticket: ticket(t)?,
                    agent: UserId(int(a)?),
                }
            }
            tag::PENDING => {
                let [t] = arity(tag::PENDING, fields)?;
                CallbackData::Pending { ticket: ticket(t)? }
            }
            tag::RESOLVE => {
                let [t] = arity(tag::RESOLVE, fields)?;
                CallbackData::Resolve { ticket: ticket(t)? }
            }
            tag::CLOSE => {
                let [t] = arity(tag::CLOSE, fields)?;
                CallbackData::Close { ticket: ticket(t)? }
            }
            tag::REOPEN => {
                let [t] = arity(tag::REOPEN, fields)?;
                CallbackData::Reopen { ticket: ticket(t)? }
            }
            tag::PRIORITY_MENU => {
                let [t] = arity(tag::PRIORITY_MENU, fields)?;
                CallbackData::PriorityMenu { ticket: ticket(t)? }
            }
            tag::SET_PRIORITY => {
                let [t, p] = arity(tag::SET_PRIORITY, fields)?;
                CallbackData::SetPriority {
                    ticket: ticket(t)?,
                    priority: priority_from_code(p)?,
                }
            }
            tag::BACK_TO_CARD => {
                let [t] = arity(tag::BACK_TO_CARD, fields)?;
                CallbackData::BackToCard { ticket: ticket(t)? }
            }
            tag::CSAT => {
                let [t, score] = arity(tag::CSAT, fields)?;
                let score: u8 = int(score)?;
                if !(1..=5).contains(&score) {
                    return Err(E::CsatOutOfRange(score));
                }
                CallbackData::Csat {
                    ticket: ticket(t)?,
                    score,
                }
            }
            tag::CREATE_WORKSPACE => {
                let [] = arity(tag::CREATE_WORKSPACE, fields)?;
                CallbackData::CreateWorkspace
            }
            tag::SETTINGS_TOGGLE_BODIES => {
                let [] = arity(tag::SETTINGS_TOGGLE_BODIES, fields)?;
                CallbackData::SettingsToggleBodies
            }
            tag::SETTINGS_AUTO_CLOSE => {
                let [h] = arity(tag::SETTINGS_AUTO_CLOSE, fields)?;
                CallbackData::SettingsAutoClose { hours: int(h)? }
            }
            tag::BUY_SEAT => {
                let [p] = arity(tag::BUY_SEAT, fields)?;
                CallbackData::BuySeat { pro: flag(p)? }
            }
            tag::MEMBERS_LIST => {
                let [] = arity(tag::MEMBERS_LIST, fields)?;
                CallbackData::MembersList
            }
            tag::MEMBER_MENU => {
                let [u] = arity(tag::MEMBER_MENU, fields)?;
                CallbackData::MemberMenu {
                    user: UserId(int(u)?),
                }
            }
            tag::MEMBER_ROLE => {
                let [u, a] = arity(tag::MEMBER_ROLE, fields)?;
                CallbackData::MemberRole {
                    user: UserId(int(u)?),
                    admin: flag(a)?,
                }
            }
            tag::MEMBER_SEAT => {
                let [u, p] = arity(tag::MEMBER_SEAT, fields)?;
                CallbackData::MemberSeat {
                    user: UserId(int(u)?),
                    pro: flag(p)?,
                }
            }
            tag::MEMBER_REMOVE => {
                let [u] = arity(tag::MEMBER_REMOVE, fields)?;
                CallbackData::MemberRemove {
                    user: UserId(int(u)?),
                }
            }
            tag::LEAVE_DECISION => {
                let [r, a] = arity(tag::LEAVE_DECISION, fields)?;
                CallbackData::LeaveDecision {
                    request: int(r)?,
                    approve: flag(a)?,
                }
            }
            tag::TRANSFER_CONFIRM => {
                let [u] = arity(tag::TRANSFER_CONFIRM, fields)?;
                CallbackData::TransferConfirm {
                    user: UserId(int(u)?),
                }
            }
            tag::SETTINGS_HOME => {
                let [] = arity(tag::SETTINGS_HOME, fields)?;
                CallbackData::SettingsHome
            }
            tag::SETTINGS_PERMISSIONS => {
                let [] = arity(tag::SETTINGS_PERMISSIONS, fields)?;
                CallbackData::SettingsPermissions
            }
            tag::PERMISSION_TOGGLE => {
                let [i] = arity(tag::PERMISSION_TOGGLE, fields)?;
                CallbackData::PermissionToggle { index: int(i)? }
            }
            tag::SETTINGS_ROUTING => {
                let [] = arity(tag::SETTINGS_ROUTING, fields)?;
                CallbackData::SettingsRouting
            }
            tag::ROUTING_STRATEGY => {
                let [st] = arity(tag::ROUTING_STRATEGY, fields)?;
                CallbackData::RoutingStrategy {
                    strategy: strategy_from_code(st)?,
                }
            }
            tag::ROUTING_PAUSE => {
                let [p] = arity(tag::ROUTING_PAUSE, fields)?;
                CallbackData::RoutingPause { paused: flag(p)? }
            }
            tag::ROUTING_FALLBACK => {
                let [o] = arity(tag::ROUTING_FALLBACK, fields)?;
                CallbackData::RoutingFallback { on: flag(o)? }
            }
            tag::ROUTING_ALERT => {
                let [m] = arity(tag::ROUTING_ALERT, fields)?;
                CallbackData::RoutingAlert { minutes: int(m)? }
            }
            tag::GROUP_STRATEGY => {
                let [c, st] = arity(tag::GROUP_STRATEGY, fields)?;
                CallbackData::GroupStrategy {
                    chat: int(c)?,
                    strategy: group_strategy_from_code(st)?,
                }
            }
            tag::SETTINGS_AGENTS => {
                let [] = arity(tag::SETTINGS_AGENTS, fields)?;
                CallbackData::SettingsAgents
            }
            tag::AGENT_MENU => {
                let [u] = arity(tag::AGENT_MENU, fields)?;
                CallbackData::AgentMenu {
                    user: UserId(int(u)?),
                }
            }
            tag::AGENT_CAPACITY => {
                let [u, m] = arity(tag::AGENT_CAPACITY, fields)?;
                CallbackData::AgentCapacity {
                    user: UserId(int(u)?),
                    max_open: int(m)?,
                }
            }
            tag::AGENT_SKILLS => {
                let [u] = arity(tag::AGENT_SKILLS, fields)?;
                CallbackData::AgentSkills {
                    user: UserId(int(u)?),
                }
            }
            tag::SETTINGS_INTAKE => {
                let [] = arity(tag::SETTINGS_INTAKE, fields)?;
                CallbackData::SettingsIntake
            }
            tag::CATEGORY_ADD => {
                let [] = arity(tag::CATEGORY_ADD, fields)?;
                CallbackData::CategoryAdd
            }
            tag::CATEGORY_DELETE => {
                let [i] = arity(tag::CATEGORY_DELETE, fields)?;
                CallbackData::CategoryDelete { id: int(i)? }
            }
            tag::KEYWORD_ADD => {
                let [] = arity(tag::KEYWORD_ADD, fields)?;
                CallbackData::KeywordAdd
            }
            tag::KEYWORD_DELETE => {
                let [i] = arity(tag::KEYWORD_DELETE, fields)?;
                CallbackData::KeywordDelete { id: int(i)? }
            }
            tag::PICK_CATEGORY => {
                let [t, c] = arity(tag::PICK_CATEGORY, fields)?;
                CallbackData::PickCategory {
                    ticket: ticket(t)?,
                    category: int(c)?,
                }
            }
            tag::PROMPT_CANCEL => {
                let [] = arity(tag::PROMPT_CANCEL, fields)?;
                CallbackData::PromptCancel
            }
            tag::QUEUE => {
                let [] = arity(tag::QUEUE, fields)?;
                CallbackData::Queue
            }
            tag::QUEUE_ASSIGN => {
                let [t] = arity(tag::QUEUE_ASSIGN, fields)?;
                CallbackData::QueueAssign { ticket: ticket(t)? }
            }
            tag::SETTINGS_SLA => {
                let [] = arity(tag::SETTINGS_SLA, fields)?;
                CallbackData::SettingsSla
            }
            tag::SLA_EDIT => {
                let [p] = arity(tag::SLA_EDIT, fields)?;
                CallbackData::SlaEdit {
                    priority: priority_from_code(p)?,
                }
            }
            tag::SLA_CLEAR => {
                let [p] = arity(tag::SLA_CLEAR, fields)?;
                CallbackData::SlaClear {
                    priority: priority_from_code(p)?,
                }
            }
            tag::SETTINGS_HOURS => {
                let [] = arity(tag::SETTINGS_HOURS, fields)?;
                CallbackData::SettingsHours
            }
            tag::HOURS_EDIT => {
                let [w] = arity(tag::HOURS_EDIT, fields)?;
                CallbackData::HoursEdit {
                    what: hours_field_from_code(w)?,
                }
            }
            tag::HOLIDAY_DELETE => {
                let [d] = arity(tag::HOLIDAY_DELETE, fields)?;
                CallbackData::HolidayDelete { date: int(d)? }
            }
            tag::SETTINGS_ESCALATION => {
                let [] = arity(tag::SETTINGS_ESCALATION, fields)?;
                CallbackData::SettingsEscalation
            }
            tag::ESCALATION_ADD => {
                let [] = arity(tag::ESCALATION_ADD, fields)?;
                CallbackData::EscalationAdd
            }
            tag::ESCALATION_DELETE => {
                let [i] = arity(tag::ESCALATION_DELETE, fields)?;
                CallbackData::EscalationDelete { id: int(i)? }
            }
            tag::REMINDER_CANCEL => {
                let [i] = arity(tag::REMINDER_CANCEL, fields)?;
                CallbackData::ReminderCancel { id: int(i)? }
            }
            tag::NUMBER_PROMPT => {
                let [c] = arity(tag::NUMBER_PROMPT, fields)?;
                CallbackData::NumberPrompt {
                    setting: number_setting_from_code(c)?,
                }
            }
            tag::INTAKE_TIMEOUT => {
                let [m] = arity(tag::INTAKE_TIMEOUT, fields)?;
                CallbackData::IntakeTimeout { minutes: int(m)? }
            }
            other => return Err(E::UnknownTag(other.to_owned())),
        };

        // Integer parsing accepts `+5` and `007`; the re-encoding check
        // turns those into errors so the mapping stays one-to-one.
        if value.encode() != s {
            return Err(E::NonCanonical);
        }
        Ok(value)
    }

    /// The ticket this button acts on, if any — lets a dispatcher load the
    /// ticket and check permissions once, before matching on the action.
    pub fn ticket(&self) -> Option<TicketId> {
        match self {
            CallbackData::Claim { ticket }
            | CallbackData::AssignMenu { ticket }
            | CallbackData::AssignTo { ticket, .. }
            | CallbackData::Pending { ticket }
            | CallbackData::Resolve { ticket }
            | CallbackData::Close { ticket }
            | CallbackData::Reopen { ticket }
            | CallbackData::PriorityMenu { ticket }
            | CallbackData::SetPriority { ticket, .. }
            | CallbackData::BackToCard { ticket }
            | CallbackData::Csat { ticket, .. }
            | CallbackData::PickCategory { ticket, .. }
            | CallbackData::QueueAssign { ticket } => Some(*ticket),
            CallbackData::CreateWorkspace
            | CallbackData::SettingsToggleBodies
            | CallbackData::SettingsAutoClose { .. }
            | CallbackData::BuySeat { .. }
            | CallbackData::MembersList
            | CallbackData::MemberMenu { .. }
            | CallbackData::MemberRole { .. }
            | CallbackData::MemberSeat { .. }
            | CallbackData::MemberRemove { .. }
            | CallbackData::LeaveDecision { .. }
            | CallbackData::TransferConfirm { .. }
            | CallbackData::SettingsHome
            | CallbackData::SettingsPermissions
            | CallbackData::PermissionToggle { .. }
            | CallbackData::SettingsRouting
            | CallbackData::RoutingStrategy { .. }
            | CallbackData::RoutingPause { .. }
            | CallbackData::RoutingFallback { .. }
            | CallbackData::RoutingAlert { .. }
            | CallbackData::GroupStrategy { .. }
            | CallbackData::SettingsAgents
            | CallbackData::AgentMenu { .. }
            | CallbackData::AgentCapacity { .. }
            | CallbackData::AgentSkills { .. }
            | CallbackData::SettingsIntake
            | CallbackData::CategoryAdd
            | CallbackData::CategoryDelete { .. }
            | CallbackData::KeywordAdd
            | CallbackData::KeywordDelete { .. }
            | CallbackData::PromptCancel
            | CallbackData::Queue
            | CallbackData::SettingsSla
            | CallbackData::SlaEdit { .. }
            | CallbackData::SlaClear { .. }
            | CallbackData::SettingsHours
            | CallbackData::HoursEdit { .. }
            | CallbackData::HolidayDelete { .. }
            | CallbackData::SettingsEscalation
            | CallbackData::EscalationAdd
            | CallbackData::EscalationDelete { .. }
            | CallbackData::ReminderCancel { .. }
            | CallbackData::NumberPrompt { .. }
            | CallbackData::IntakeTimeout { .. } => None,
        }
    }

    /// The wire tag and up to two fields, in order. The single source of
    /// truth for `encode`.
    fn fields(&self) -> (&'static str, Option<Field>, Option<Field>) {
        use CallbackData as C;
        let id = |t: &TicketId| Some(Field::Int(t.0));
        match self {
            C::Claim { ticket } => (tag::CLAIM, id(ticket), None),
            C::AssignMenu { ticket } => (tag::ASSIGN_MENU, id(ticket), None),
            C::AssignTo { ticket, agent } => {
                (tag::ASSIGN_TO, id(ticket), Some(Field::Int(agent.0)))
            }
            C::Pending { ticket } => (tag::PENDING, id(ticket), None),
            C::Resolve { ticket } => (tag::RESOLVE, id(ticket), None),
            C::Close { ticket } => (tag::CLOSE, id(ticket), None),
            C::Reopen { ticket } => (tag::REOPEN, id(ticket), None),
            C::PriorityMenu { ticket } => (tag::PRIORITY_MENU, id(ticket), None),
            C::SetPriority { ticket, priority } => (
                tag::SET_PRIORITY,
                id(ticket),
                Some(Field::Code(priority_code(*priority))),
            ),
            C::BackToCard { ticket } => (tag::BACK_TO_CARD, id(ticket), None),
            C::Csat { ticket, score } => {
                (tag::CSAT, id(ticket), Some(Field::Int(i64::from(*score))))
            }
            C::CreateWorkspace => (tag::CREATE_WORKSPACE, None, None),
            C::SettingsToggleBodies => (tag::SETTINGS_TOGGLE_BODIES, None, None),
            C::SettingsAutoClose { hours } => (
                tag::SETTINGS_AUTO_CLOSE,
                Some(Field::Int(i64::from(*hours))),
                None,
            ),
            C::BuySeat { pro } => (tag::BUY_SEAT, Some(bit(*pro)), None),
            C::MembersList => (tag::MEMBERS_LIST, None, None),
            C::MemberMenu { user } => (tag::MEMBER_MENU, Some(Field::Int(user.0)), None),
            C::MemberRole { user, admin } => (
                tag::MEMBER_ROLE,
                Some(Field::Int(user.0)),
                Some(bit(*admin)),
            ),
            C::MemberSeat { user, pro } => {
                (tag::MEMBER_SEAT, Some(Field::Int(user.0)), Some(bit(*pro)))
            }
            C::MemberRemove { user } => (tag::MEMBER_REMOVE, Some(Field::Int(user.0)), None),
            C::LeaveDecision { request, approve } => (
                tag::LEAVE_DECISION,
                Some(Field::Int(*request)),
                Some(bit(*approve)),
            ),
            C::TransferConfirm { user } => (tag::TRANSFER_CONFIRM, Some(Field::Int(user.0)), None),
            C::SettingsHome => (tag::SETTINGS_HOME, None, None),
            C::SettingsPermissions => (tag::SETTINGS_PERMISSIONS, None, None),
            C::PermissionToggle { index } => (
                tag::PERMISSION_TOGGLE,
                Some(Field::Int(i64::from(*index))),
                None,
            ),
            C::SettingsRouting => (tag::SETTINGS_ROUTING, None, None),
            C::RoutingStrategy { strategy } => (
                tag::ROUTING_STRATEGY,
                Some(Field::Code(strategy_code(*strategy))),
                None,
            ),
            C::RoutingPause { paused } => (tag::ROUTING_PAUSE, Some(bit(*paused)), None),
            C::RoutingFallback { on } => (tag::ROUTING_FALLBACK, Some(bit(*on)), None),
            C::RoutingAlert { minutes } => (
                tag::ROUTING_ALERT,
                Some(Field::Int(i64::from(*minutes))),
                None,
            ),
            C::GroupStrategy { chat, strategy } => (
                tag::GROUP_STRATEGY,
                Some(Field::Int(*chat)),
                Some(Field::Code(group_strategy_code(*strategy))),
            ),
            C::SettingsAgents => (tag::SETTINGS_AGENTS, None, None),
            C::AgentMenu { user } => (tag::AGENT_MENU, Some(Field::Int(user.0)), None),
            C::AgentCapacity { user, max_open } => (
                tag::AGENT_CAPACITY,
                Some(Field::Int(user.0)),
                Some(Field::Int(i64::from(*max_open))),
            ),
            C::AgentSkills { user } => (tag::AGENT_SKILLS, Some(Field::Int(user.0)), None),
            C::SettingsIntake => (tag::SETTINGS_INTAKE, None, None),
            C::CategoryAdd => (tag::CATEGORY_ADD, None, None),
            C::CategoryDelete { id } => (tag::CATEGORY_DELETE, Some(Field::Int(*id)), None),
            C::KeywordAdd => (tag::KEYWORD_ADD, None, None),
            C::KeywordDelete { id } => (tag::KEYWORD_DELETE, Some(Field::Int(*id)), None),
            C::PickCategory { ticket, category } => {
                (tag::PICK_CATEGORY, id(ticket), Some(Field::Int(*category)))
            }
            C::PromptCancel => (tag::PROMPT_CANCEL, None, None),
            C::Queue => (tag::QUEUE, None, None),
            C::QueueAssign { ticket } => (tag::QUEUE_ASSIGN, id(ticket), None),
            C::SettingsSla => (tag::SETTINGS_SLA, None, None),
            C::SlaEdit { priority } => (
                tag::SLA_EDIT,
                Some(Field::Code(priority_code(*priority))),
                None,
            ),
            C::SlaClear { priority } => (
                tag::SLA_CLEAR,
                Some(Field::Code(priority_code(*priority))),
                None,
            ),
            C::SettingsHours => (tag::SETTINGS_HOURS, None, None),
            C::HoursEdit { what } => (
                tag::HOURS_EDIT,
                Some(Field::Code(hours_field_code(*what))),
                None,
            ),
            C::HolidayDelete { date } => (tag::HOLIDAY_DELETE, Some(Field::Int(*date)), None),
            C::SettingsEscalation => (tag::SETTINGS_ESCALATION, None, None),
            C::EscalationAdd => (tag::ESCALATION_ADD, None, None),
            C::EscalationDelete { id } => (tag::ESCALATION_DELETE, Some(Field::Int(*id)), None),
            C::ReminderCancel { id } => (tag::REMINDER_CANCEL, Some(Field::Int(*id)), None),
            C::NumberPrompt { setting } => (
                tag::NUMBER_PROMPT,
                Some(Field::Code(number_setting_code(*setting))),
                None,
            ),
            C::IntakeTimeout { minutes } => (
                tag::INTAKE_TIMEOUT,
                Some(Field::Int(i64::from(*minutes))),
                None,
            ),
        }
    }
}

/// One encoded field: a number, or a fixed short code.
enum Field {
    Int(i64),
    Code(&'static str),
}

/// One-letter priority codes. Deliberately not `Priority::as_str`, so
/// renaming a priority's display/storage name can't break old buttons.
const fn priority_code(p: Priority) -> &'static str {
    match p {
        Priority::Low => "l",
        Priority::Normal => "n",
        Priority::High => "h",
        Priority::Urgent => "u",
    }
}

fn priority_from_code(code: &str) -> Result<Priority, CallbackDecodeError> {
    Priority::ALL
        .into_iter()
        .find(|&p| priority_code(p) == code)
        .ok_or_else(|| CallbackDecodeError::BadField(code.to_owned()))
}

/// One-letter strategy codes. Deliberately not `Strategy::as_str`, so
/// renaming a strategy's storage name can't break old buttons.
const fn strategy_code(s: Strategy) -> &'static str {
    match s {
        Strategy::Manual => "m",
        Strategy::RoundRobin => "r",
        Strategy::LeastLoaded => "l",
        Strategy::Skill => "s",
    }
}

fn strategy_from_code(code: &str) -> Result<Strategy, CallbackDecodeError> {
    Strategy::ALL
        .into_iter()
        .find(|&s| strategy_code(s) == code)
        .ok_or_else(|| CallbackDecodeError::BadField(code.to_owned()))
}

/// One-letter business-hours field codes, frozen like the others.
const fn hours_field_code(f: HoursField) -> &'static str {
    match f {
        HoursField::TimeZone => "z",
        HoursField::Week => "w",
        HoursField::AddHoliday => "h",
    }
}

fn hours_field_from_code(code: &str) -> Result<HoursField, CallbackDecodeError> {
    HoursField::ALL
        .into_iter()
        .find(|&f| hours_field_code(f) == code)
        .ok_or_else(|| CallbackDecodeError::BadField(code.to_owned()))
}

/// One-letter codes of the settings with a Custom… button, frozen like the others.
const fn number_setting_code(s: NumberSetting) -> &'static str {
    match s {
        NumberSetting::UnassignedAlert => "a",
        NumberSetting::IntakeTimeout => "i",
        NumberSetting::AutoClose => "c",
    }
}

fn number_setting_from_code(code: &str) -> Result<NumberSetting, CallbackDecodeError> {
    NumberSetting::ALL
        .into_iter()
        .find(|&s| number_setting_code(s) == code)
        .ok_or_else(|| CallbackDecodeError::BadField(code.to_owned()))
}

/// Code for "no per-group override: inherit the workspace's strategy".
/// Must differ from every [`strategy_code`].
const INHERIT_CODE: &str = "i";

/// A group's strategy override: a [`strategy_code`], or [`INHERIT_CODE`].
const fn group_strategy_code(s: Option<Strategy>) -> &'static str {
    match s {
        Some(s) => strategy_code(s),
        None => INHERIT_CODE,
    }
}

fn group_strategy_from_code(code: &str) -> Result<Option<Strategy>, CallbackDecodeError> {
    if code == INHERIT_CODE {
        Ok(None)
    } else {
        strategy_from_code(code).map(Some)
    }
}

/// Checks the field count for `tag` and hands the fields back as an array.
fn arity<'a, const N: usize>(
    tag: &'static str,
    fields: &[&'a str],
) -> Result<[&'a str; N], CallbackDecodeError> {
    <[&str; N]>::try_from(fields).map_err(|_| CallbackDecodeError::WrongFieldCount {
        tag,
        expected: N,
        found: fields.len(),
    })
}

fn int<T: std::str::FromStr>(field: &str) -> Result<T, CallbackDecodeError> {
    field
        .parse()
        .map_err(|_| CallbackDecodeError::BadField(field.to_owned()))
}

/// A yes/no field: exactly "0" or "1".
fn flag(field: &str) -> Result<bool, CallbackDecodeError> {
    match field {
        "0" => Ok(false),
        "1" => Ok(true),
        other => Err(CallbackDecodeError::BadField(other.to_owned())),
    }
}

fn bit(b: bool) -> Field {
    Field::Int(i64::from(b))
}

fn ticket(field: &str) -> Result<TicketId, CallbackDecodeError> {
    int(field).map(TicketId)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    // Both globs above bring a `Strategy` (routing's enum, proptest's
    // trait); naming them explicitly keeps either from being ambiguous.
    use crate::domain::routing::Strategy as Routing;
    use proptest::strategy::Strategy;

    /// How many variants `CallbackData` has. Bump together with
    /// `variant_index` when adding one.
    const VARIANTS: usize = 56;

    /// A distinct index per variant. The match has no wildcard, so adding a
    /// variant doesn't compile until it gets an index here; the index must
    /// be `< VARIANTS` and `samples` must cover every index, or
    /// `samples_cover_every_variant` fails.
    fn variant_index(d: &CallbackData) -> usize {
        use CallbackData as C;
        match d {
            C::Claim { .. } => 0,
            C::AssignMenu { .. } => 1,
            C::AssignTo { .. } => 2,
            C::Pending { .. } => 3,
            C::Resolve { .. } => 4,
            C::Close { .. } => 5,
            C::Reopen { .. } => 6,
            C::PriorityMenu { .. } => 7,
            C::SetPriority { .. } => 8,
            C::BackToCard { .. } => 9,
            C::Csat { .. } => 10,
            C::CreateWorkspace => 11,
            C::SettingsToggleBodies => 12,
            C::SettingsAutoClose { .. } => 13,
            C::BuySeat { .. } => 14,
            C::MembersList => 15,
            C::MemberMenu { .. } => 16,
            C::MemberRole { .. } => 17,
            C::MemberSeat { .. } => 18,
            C::MemberRemove { .. } => 19,
            C::LeaveDecision { .. } => 20,
            C::TransferConfirm { .. } => 21,
            C::SettingsHome => 22,
            C::SettingsPermissions => 23,
            C::PermissionToggle { .. } => 24,
            C::SettingsRouting => 25,
            C::RoutingStrategy { .. } => 26,
            C::RoutingPause { .. } => 27,
            C::RoutingFallback { .. } => 28,
            C::RoutingAlert { .. } => 29,
            C::GroupStrategy { .. } => 30,
            C::SettingsAgents => 31,
            C::AgentMenu { .. } => 32,
            C::AgentCapacity { .. } => 33,
            C::AgentSkills { .. } => 34,
            C::SettingsIntake => 35,
            C::CategoryAdd => 36,
            C::CategoryDelete { .. } => 37,
            C::KeywordAdd => 38,
            C::KeywordDelete { .. } => 39,
            C::PickCategory { .. } => 40,
            C::PromptCancel => 41,
            C::Queue => 42,
            C::QueueAssign { .. } => 43,
            C::SettingsSla => 44,
            C::SlaEdit { .. } => 45,
            C::SlaClear { .. } => 46,
            C::SettingsHours => 47,
            C::HoursEdit { .. } => 48,
            C::HolidayDelete { .. } => 49,
            C::SettingsEscalation => 50,
            C::EscalationAdd => 51,
            C::EscalationDelete { .. } => 52,
            C::ReminderCancel { .. } => 53,
            C::NumberPrompt { .. } => 54,
            C::IntakeTimeout { .. } => 55,
        }
    }

    /// Every variant with extreme values (the longest possible encodings),
    /// plus a few ordinary ones.
    fn samples() -> Vec<CallbackData> {
        use CallbackData as C;
        let mut out = Vec::new();
        for n in [i64::MIN, -1, 0, 1, 42, i64::MAX] {
            let ticket = TicketId(n);
            out.extend([
                C::Claim { ticket },
                C::AssignMenu { ticket },
                C::AssignTo {
                    ticket,
                    agent: UserId(n),
                },
                C::AssignTo {
                    ticket,
                    agent: UserId(i64::MIN),
                },
                C::Pending { ticket },
                C::Resolve { ticket },
                C::Close { ticket },
                C::Reopen { ticket },
                C::PriorityMenu { ticket },
                C::BackToCard { ticket },
            ]);
            for priority in Priority::ALL {
                out.push(C::SetPriority { ticket, priority });
            }
            for score in 1..=5 {
                out.push(C::Csat { ticket, score });
            }
            out.extend([
                C::PickCategory {
                    ticket,
                    category: n,
                },
                C::PickCategory {
                    ticket,
                    category: i64::MIN,
                },
                C::QueueAssign { ticket },
            ]);
        }
        out.extend([C::CreateWorkspace, C::SettingsToggleBodies]);
        for hours in [0, 1, 24, 72, u16::MAX] {
            out.push(C::SettingsAutoClose { hours });
        }
        out.extend([C::MembersList, C::SettingsHome, C::SettingsPermissions]);
        for b in [false, true] {
            out.push(C::BuySeat { pro: b });
            for n in [i64::MIN, -1, 0, 42, i64::MAX] {
                out.extend([
                    C::MemberMenu { user: UserId(n) },
                    C::MemberRole {
                        user: UserId(n),
                        admin: b,
                    },
                    C::MemberSeat {
                        user: UserId(n),
                        pro: b,
                    },
                    C::MemberRemove { user: UserId(n) },
                    C::LeaveDecision {
                        request: n,
                        approve: b,
                    },
                    C::TransferConfirm { user: UserId(n) },
                ]);
            }
        }
        for index in [0, 6, u8::MAX] {
            out.push(C::PermissionToggle { index });
        }
        out.extend([
            C::SettingsRouting,
            C::SettingsAgents,
            C::SettingsIntake,
            C::CategoryAdd,
            C::KeywordAdd,
            C::PromptCancel,
            C::Queue,
            C::SettingsSla,
            C::SettingsHours,
            C::SettingsEscalation,
            C::EscalationAdd,
        ]);
        for priority in Priority::ALL {
            out.extend([C::SlaEdit { priority }, C::SlaClear { priority }]);
        }
        for what in HoursField::ALL {
            out.push(C::HoursEdit { what });
        }
        for strategy in Routing::ALL {
            out.push(C::RoutingStrategy { strategy });
        }
        for b in [false, true] {
            out.extend([C::RoutingPause { paused: b }, C::RoutingFallback { on: b }]);
        }
        for minutes in [0, 15, 60, u16::MAX] {
            out.push(C::RoutingAlert { minutes });
        }
        for n in [i64::MIN, -1_001_234_567_890, -1, 0, 42, i64::MAX] {
            out.push(C::GroupStrategy {
                chat: n,
                strategy: None,
            });
            for strategy in Routing::ALL {
                out.push(C::GroupStrategy {
                    chat: n,
                    strategy: Some(strategy),
                });
            }
            out.extend([
                C::AgentMenu { user: UserId(n) },
                C::AgentSkills { user: UserId(n) },
                C::CategoryDelete { id: n },
                C::KeywordDelete { id: n },
                C::HolidayDelete { date: n },
                C::EscalationDelete { id: n },
                C::ReminderCancel { id: n },
            ]);
            for max_open in [0, 5, u16::MAX] {
                out.push(C::AgentCapacity {
                    user: UserId(n),
                    max_open,
                });
            }
        }
        for setting in NumberSetting::ALL {
            out.push(C::NumberPrompt { setting });
        }
        for minutes in [0, 5, u16::MAX] {
            out.push(C::IntakeTimeout { minutes });
        }
        out
    }

    #[test]
    fn samples_cover_every_variant() {
        let mut seen = [false; VARIANTS];
        for d in samples() {
            let i = variant_index(&d);
            assert!(i < VARIANTS, "bump VARIANTS for {d:?}");
            seen[i] = true;
        }
        assert!(
            seen.iter().all(|&s| s),
            "samples() misses a variant: {seen:?}"
        );
    }

    #[test]
    fn every_encoding_fits_telegram_limit_and_round_trips() {
        for d in samples() {
            let s = d.encode();
            assert!(
                s.len() <= MAX_CALLBACK_DATA_LEN,
                "{d:?} -> {s} ({} bytes)",
                s.len()
            );
            assert!(s.starts_with("1|"), "{s}");
            assert_eq!(CallbackData::decode(&s), Ok(d), "{s}");
        }
    }

    #[test]
    fn tags_are_unique() {
        let mut tags: Vec<&str> = samples().iter().map(|d| d.fields().0).collect();
        tags.sort_unstable();
        tags.dedup();
        assert_eq!(tags.len(), VARIANTS);
    }

    /// Freezes the wire format: these strings are sitting in chats.
    #[test]
    fn wire_format_is_stable() {
        use CallbackData as C;
        let t = TicketId(42);
        let cases = [
            (C::Claim { ticket: t }, "1|cm|42"),
            (C::AssignMenu { ticket: t }, "1|am|42"),
            (
                C::AssignTo {
                    ticket: t,
                    agent: UserId(777000),
                },
                "1|at|42|777000",
            ),
            (C::Pending { ticket: t }, "1|pd|42"),
            (C::Resolve { ticket: t }, "1|rs|42"),
            (C::Close { ticket: t }, "1|cl|42"),
            (C::Reopen { ticket: t }, "1|ro|42"),
            (C::PriorityMenu { ticket: t }, "1|pm|42"),
            (
                C::SetPriority {
                    ticket: t,
                    priority: Priority::Urgent,
                },
                "1|sp|42|u",
            ),
            (C::BackToCard { ticket: t }, "1|bk|42"),
            (
                C::Csat {
                    ticket: t,
                    score: 5,
                },
                "1|cs|42|5",
            ),
            (C::CreateWorkspace, "1|ws"),
            (C::SettingsToggleBodies, "1|tb"),
            (C::SettingsAutoClose { hours: 48 }, "1|ac|48"),
            (C::BuySeat { pro: true }, "1|by|1"),
            (C::MembersList, "1|ml"),
            (C::MemberMenu { user: UserId(7) }, "1|mm|7"),
            (
                C::MemberRole {
                    user: UserId(7),
                    admin: false,
                },
                "1|mr|7|0",
            ),
            (
                C::MemberSeat {
                    user: UserId(7),
                    pro: true,
                },
                "1|ms|7|1",
            ),
            (C::MemberRemove { user: UserId(7) }, "1|mx|7"),
            (
                C::LeaveDecision {
                    request: 3,
                    approve: true,
                },
                "1|ld|3|1",
            ),
            (C::TransferConfirm { user: UserId(7) }, "1|tc|7"),
            (C::SettingsHome, "1|sh"),
            (C::SettingsPermissions, "1|sm"),
            (C::PermissionToggle { index: 2 }, "1|pt|2"),
            (C::SettingsRouting, "1|rt"),
            (
                C::RoutingStrategy {
                    strategy: Routing::LeastLoaded,
                },
                "1|rg|l",
            ),
            (C::RoutingPause { paused: true }, "1|rp|1"),
            (C::RoutingFallback { on: false }, "1|rf|0"),
            (C::RoutingAlert { minutes: 30 }, "1|ra|30"),
            (
                C::GroupStrategy {
                    chat: -1001234567890,
                    strategy: None,
                },
                "1|gs|-1001234567890|i",
            ),
            (C::SettingsAgents, "1|ag"),
            (C::AgentMenu { user: UserId(7) }, "1|au|7"),
            (
                C::AgentCapacity {
                    user: UserId(7),
                    max_open: 5,
                },
                "1|ax|7|5",
            ),
            (C::AgentSkills { user: UserId(7) }, "1|ak|7"),
            (C::SettingsIntake, "1|ic"),
            (C::CategoryAdd, "1|ia"),
            (C::CategoryDelete { id: 3 }, "1|id|3"),
            (C::KeywordAdd, "1|ka"),
            (C::KeywordDelete { id: 3 }, "1|kd|3"),
            (
                C::PickCategory {
                    ticket: t,
                    category: 3,
                },
                "1|pc|42|3",
            ),
            (C::PromptCancel, "1|px"),
            (C::Queue, "1|qu"),
            (C::QueueAssign { ticket: t }, "1|qa|42"),
            (C::SettingsSla, "1|sl"),
            (
                C::SlaEdit {
                    priority: Priority::High,
                },
                "1|se|h",
            ),
            (
                C::SlaClear {
                    priority: Priority::Low,
                },
                "1|sx|l",
            ),
            (C::SettingsHours, "1|hs"),
            (
                C::HoursEdit {
                    what: HoursField::TimeZone,
                },
                "1|he|z",
            ),
            (C::HolidayDelete { date: 20261225 }, "1|hd|20261225"),
            (C::SettingsEscalation, "1|es"),
            (C::EscalationAdd, "1|ea"),
            (C::EscalationDelete { id: 3 }, "1|ed|3"),
            (C::ReminderCancel { id: 3 }, "1|rc|3"),
            (
                C::NumberPrompt {
                    setting: NumberSetting::UnassignedAlert,
                },
                "1|np|a",
            ),
            (C::IntakeTimeout { minutes: 10 }, "1|iu|10"),
        ];
        assert_eq!(cases.len(), VARIANTS);
        for (d, s) in cases {
            assert_eq!(d.encode(), s);
            assert_eq!(CallbackData::decode(s), Ok(d));
        }
    }

    /// Each strategy (and "inherit") has its own code, so none decodes as another.
    #[test]
    fn strategy_codes_are_distinct() {
        let mut codes: Vec<&str> = Routing::ALL.into_iter().map(strategy_code).collect();
        codes.push(INHERIT_CODE);
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Routing::ALL.len() + 1);
    }

    #[test]
    fn rejects_garbage() {
        use CallbackDecodeError as E;
        let cases: &[(&str, E)] = &[
            ("", E::UnknownVersion(String::new())),
            ("2|cm|1", E::UnknownVersion("2".into())),
            ("claim:1", E::UnknownVersion("claim:1".into())),
            ("1", E::UnknownTag(String::new())),
            ("1|", E::UnknownTag(String::new())),
            ("1|zz|1", E::UnknownTag("zz".into())),
            ("1|CM|1", E::UnknownTag("CM".into())),
            (
                "1|cm",
                E::WrongFieldCount {
                    tag: "cm",
                    expected: 1,
                    found: 0,
                },
            ),
            (
                "1|cm|1|2",
                E::WrongFieldCount {
                    tag: "cm",
                    expected: 1,
                    found: 2,
                },
            ),
            (
                "1|ws|",
                E::WrongFieldCount {
                    tag: "ws",
                    expected: 0,
                    found: 1,
                },
            ),
            ("1|cm|", E::BadField(String::new())),
            ("1|cm|x", E::BadField("x".into())),
            (
                "1|cm|9223372036854775808",
                E::BadField("9223372036854775808".into()),
            ),
            ("1|sp|1|x", E::BadField("x".into())),
            ("1|sp|1|high", E::BadField("high".into())),
            ("1|cs|1|0", E::CsatOutOfRange(0)),
            ("1|cs|1|6", E::CsatOutOfRange(6)),
            ("1|cs|1|256", E::BadField("256".into())),
            ("1|ac|65536", E::BadField("65536".into())),
            ("1|ac|-1", E::BadField("-1".into())),
            ("1|cm|+1", E::NonCanonical),
            ("1|cm|01", E::NonCanonical),
            ("1|cm|-0", E::NonCanonical),
            ("1|cs|1|05", E::NonCanonical),
            ("1|rg|i", E::BadField("i".into())),
            ("1|rg|manual", E::BadField("manual".into())),
            ("1|gs|-100|x", E::BadField("x".into())),
            ("1|gs|-100|", E::BadField(String::new())),
            (
                "1|gs|-100",
                E::WrongFieldCount {
                    tag: "gs",
                    expected: 2,
                    found: 1,
                },
            ),
            ("1|rp|2", E::BadField("2".into())),
            ("1|ax|7|65536", E::BadField("65536".into())),
            ("1|gs|-0100|i", E::NonCanonical),
            ("1|se|x", E::BadField("x".into())),
            ("1|se|urgent", E::BadField("urgent".into())),
            ("1|sx|", E::BadField(String::new())),
            (
                "1|se",
                E::WrongFieldCount {
                    tag: "se",
                    expected: 1,
                    found: 0,
                },
            ),
            (
                "1|sl|h",
                E::WrongFieldCount {
                    tag: "sl",
                    expected: 0,
                    found: 1,
                },
            ),
            ("1|he|x", E::BadField("x".into())),
            ("1|he|Z", E::BadField("Z".into())),
            ("1|he|tz", E::BadField("tz".into())),
            ("1|he|", E::BadField(String::new())),
            (
                "1|he",
                E::WrongFieldCount {
                    tag: "he",
                    expected: 1,
                    found: 0,
                },
            ),
            (
                "1|he|z|w",
                E::WrongFieldCount {
                    tag: "he",
                    expected: 1,
                    found: 2,
                },
            ),
            (
                "1|hd",
                E::WrongFieldCount {
                    tag: "hd",
                    expected: 1,
                    found: 0,
                },
            ),
            ("1|hd|2026-12-25", E::BadField("2026-12-25".into())),
            ("1|hd|020261225", E::NonCanonical),
            ("1|hd|+20261225", E::NonCanonical),
            (
                "1|ea|1",
                E::WrongFieldCount {
                    tag: "ea",
                    expected: 0,
                    found: 1,
                },
            ),
            (
                "1|ed",
                E::WrongFieldCount {
                    tag: "ed",
                    expected: 1,
                    found: 0,
                },
            ),
            ("1|ed|x", E::BadField("x".into())),
            ("1|ed|03", E::NonCanonical),
            ("1|rc|", E::BadField(String::new())),
            ("1|rc|-0", E::NonCanonical),
            ("1|rc|+3", E::NonCanonical),
        ];
        for (input, want) in cases {
            assert_eq!(CallbackData::decode(input).as_ref(), Err(want), "{input:?}");
        }
        let long = format!("1|cm|{}", "1".repeat(60));
        assert_eq!(CallbackData::decode(&long), Err(E::TooLong(65)));
    }

    #[test]
    fn ticket_accessor() {
        for d in samples() {
            // Ticket buttons are exactly those whose first field is a ticket id.
            let ticket_tags = [
                tag::CLAIM,
                tag::ASSIGN_MENU,
                tag::ASSIGN_TO,
                tag::PENDING,
                tag::RESOLVE,
                tag::CLOSE,
                tag::REOPEN,
                tag::PRIORITY_MENU,
                tag::SET_PRIORITY,
                tag::BACK_TO_CARD,
                tag::CSAT,
                tag::PICK_CATEGORY,
                tag::QUEUE_ASSIGN,
            ];
            let expected = match d.fields().1 {
                Some(Field::Int(n)) if ticket_tags.contains(&d.fields().0) => Some(TicketId(n)),
                _ => None,
            };
            assert_eq!(d.ticket(), expected, "{d:?}");
        }
    }

    fn any_callback() -> impl Strategy<Value = CallbackData> {
        use CallbackData as C;
        let t = || any::<i64>().prop_map(TicketId);
        prop_oneof![
            t().prop_map(|ticket| C::Claim { ticket }),
            t().prop_map(|ticket| C::AssignMenu { ticket }),
            (t(), any::<i64>()).prop_map(|(ticket, a)| C::AssignTo {
                ticket,
                agent: UserId(a)
            }),
            t().prop_map(|ticket| C::Pending { ticket }),
            t().prop_map(|ticket| C::Resolve { ticket }),
            t().prop_map(|ticket| C::Close { ticket }),
            t().prop_map(|ticket| C::Reopen { ticket }),
            t().prop_map(|ticket| C::PriorityMenu { ticket }),
            (t(), prop::sample::select(Priority::ALL.to_vec()))
                .prop_map(|(ticket, priority)| C::SetPriority { ticket, priority }),
            t().prop_map(|ticket| C::BackToCard { ticket }),
            (t(), 1_u8..=5).prop_map(|(ticket, score)| C::Csat { ticket, score }),
            Just(C::CreateWorkspace),
            Just(C::SettingsToggleBodies),
            any::<u16>().prop_map(|hours| C::SettingsAutoClose { hours }),
            any::<bool>().prop_map(|pro| C::BuySeat { pro }),
            Just(C::MembersList),
            any::<i64>().prop_map(|u| C::MemberMenu { user: UserId(u) }),
            (any::<i64>(), any::<bool>()).prop_map(|(u, admin)| C::MemberRole {
                user: UserId(u),
                admin
            }),
            (any::<i64>(), any::<bool>()).prop_map(|(u, pro)| C::MemberSeat {
                user: UserId(u),
                pro
            }),
            any::<i64>().prop_map(|u| C::MemberRemove { user: UserId(u) }),
            (any::<i64>(), any::<bool>())
                .prop_map(|(request, approve)| C::LeaveDecision { request, approve }),
            any::<i64>().prop_map(|u| C::TransferConfirm { user: UserId(u) }),
            Just(C::SettingsHome),
            Just(C::SettingsPermissions),
            any::<u8>().prop_map(|index| C::PermissionToggle { index }),
            Just(C::SettingsRouting),
            prop::sample::select(Routing::ALL.to_vec())
                .prop_map(|strategy| C::RoutingStrategy { strategy }),
            any::<bool>().prop_map(|paused| C::RoutingPause { paused }),
            any::<bool>().prop_map(|on| C::RoutingFallback { on }),
            any::<u16>().prop_map(|minutes| C::RoutingAlert { minutes }),
            (
                any::<i64>(),
                prop::option::of(prop::sample::select(Routing::ALL.to_vec()))
            )
                .prop_map(|(chat, strategy)| C::GroupStrategy { chat, strategy }),
            Just(C::SettingsAgents),
            any::<i64>().prop_map(|u| C::AgentMenu { user: UserId(u) }),
            (any::<i64>(), any::<u16>()).prop_map(|(u, max_open)| C::AgentCapacity {
                user: UserId(u),
                max_open
            }),
            any::<i64>().prop_map(|u| C::AgentSkills { user: UserId(u) }),
            Just(C::SettingsIntake),
            Just(C::CategoryAdd),
            any::<i64>().prop_map(|id| C::CategoryDelete { id }),
            Just(C::KeywordAdd),
            any::<i64>().prop_map(|id| C::KeywordDelete { id }),
            (t(), any::<i64>()).prop_map(|(ticket, category)| C::PickCategory { ticket, category }),
            Just(C::PromptCancel),
            Just(C::Queue),
            t().prop_map(|ticket| C::QueueAssign { ticket }),
            Just(C::SettingsSla),
            prop::sample::select(Priority::ALL.to_vec())
                .prop_map(|priority| C::SlaEdit { priority }),
            prop::sample::select(Priority::ALL.to_vec())
                .prop_map(|priority| C::SlaClear { priority }),
            Just(C::SettingsHours),
            prop::sample::select(HoursField::ALL.to_vec()).prop_map(|what| C::HoursEdit { what }),
            any::<i64>().prop_map(|date| C::HolidayDelete { date }),
            Just(C::SettingsEscalation),
            Just(C::EscalationAdd),
            any::<i64>().prop_map(|id| C::EscalationDelete { id }),
            any::<i64>().prop_map(|id| C::ReminderCancel { id }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn round_trips(d in any_callback()) {
            let s = d.encode();
            prop_assert!(s.len() <= MAX_CALLBACK_DATA_LEN);
            prop_assert_eq!(CallbackData::decode(&s), Ok(d));
        }

        #[test]
        fn decode_never_panics_on_arbitrary_strings(s in any::<String>()) {
            check_decode(&s)?;
        }

        /// Arbitrary input rarely gets past the version check, so also try
        /// near-misses built from real tags and number-ish fields.
        #[test]
        fn decode_never_panics_on_near_misses(
            s in "[0-2]?\\|(cm|am|at|pd|rs|cl|ro|pm|sp|bk|cs|ws|tb|ac|rg|gs|ax|pc|se|sx|he|hd|ed|rc|[a-z]{0,3})(\\|[-+]?[0-9a-z]{0,21}){0,3}\\|?"
        ) {
            check_decode(&s)?;
        }
    }

    /// Whatever decodes must be exactly what it would encode to.
    fn check_decode(s: &str) -> Result<(), TestCaseError> {
        if let Ok(d) = CallbackData::decode(s) {
            prop_assert_eq!(d.encode(), s);
        }
        Ok(())
    }
}
