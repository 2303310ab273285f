//! What the app layer asks of Telegram, as data. Effects are stored in the outbox (serialized
//! with serde, so their shape is a compatibility promise: add variants, don't repurpose them)
//! and carried out by the Telegram sender. Notices say *what* to tell someone; all wording lives
//! in `telegram::render`.

use serde::{Deserialize, Serialize};

use crate::domain::team::Role;
pub use crate::store::summary::{SlaLine, TicketSummary};

/// Where an answer goes: into a chat (optionally a topic, replying to a message) or as the
/// answer to a pressed button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum ReplyTo {
    Chat {
        chat: i64,
        thread: Option<i32>,
        message: Option<i32>,
    },
    Callback {
        id: String,
    },
}

/// Which keyboard the ticket card shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CardMenu {
    #[default]
    Main,
    /// The Assign… button: the agents are listed to the presser privately (their loads are for
    /// staff); a card asked to show this menu (an older outbox row) shows its main buttons.
    Assign,
    Priority,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Effect {
    Send {
        chat: i64,
        thread: Option<i32>,
        reply_to: Option<i32>,
        notice: Notice,
    },
    /// A private message. A person who never started the bot cannot receive one (Telegram
    /// answers 403); then a hint goes to `fallback` instead, if given.
    SendPrivate {
        user: i64,
        notice: Notice,
        fallback: Option<(i64, Option<i32>)>,
    },
    AnswerCallback {
        id: String,
        notice: Option<Notice>,
        alert: bool,
    },
    /// Replaces a message the bot sent (menus, the CSAT question once answered).
    Edit {
        chat: i64,
        message_id: i32,
        notice: Notice,
    },
    /// Posts and pins the ticket card, then remembers its message id.
    PostCard {
        ticket: i64,
    },
    /// Edits the card to the ticket's current state (rendered at send time, so a burst of
    /// changes costs at most one edit each and always shows the latest state).
    RefreshCard {
        ticket: i64,
        menu: CardMenu,
    },
    /// Prefixes the topic name with the ticket number, once.
    RenameTopic {
        ticket: i64,
    },
    CloseTopic {
        ticket: i64,
    },
    ReopenTopic {
        ticket: i64,
    },
    /// Asks the customer for a 1–5 rating.
    AskCsat {
        ticket: i64,
    },
    /// A Telegram invoice for seats (prices and provider come from the operator's settings).
    SendInvoice {
        chat: i64,
        payload: String,
        pro: bool,
        count: u32,
        months: u32,
        total: u32,
    },
    /// Accepts (`error: None`) or refuses a pre-checkout query; Telegram needs it within 10 s.
    AnswerPreCheckout {
        id: String,
        error: Option<String>,
    },
}

impl Effect {
    /// The chat this effect writes to when known up front; the dispatcher keeps one chat's
    /// effects in order.
    pub fn chat_hint(&self) -> Option<i64> {
        match self {
            Effect::Send { chat, .. } | Effect::Edit { chat, .. } => Some(*chat),
            Effect::SendPrivate { user, .. } => Some(*user),
            Effect::SendInvoice { chat, .. } => Some(*chat),
            _ => None,
        }
    }

    /// Whether this effect sends a new message (Telegram's send limits apply to these; edits,
    /// topic changes and answers to queries don't count).
    pub fn is_message(&self) -> bool {
        matches!(
            self,
            Effect::Send { .. }
                | Effect::SendPrivate { .. }
                | Effect::PostCard { .. }
                | Effect::AskCsat { .. }
                | Effect::SendInvoice { .. }
        )
    }

    /// The ticket whose topic this effect touches, to record a deleted topic against it.
    pub fn ticket(&self) -> Option<i64> {
        match self {
            Effect::PostCard { ticket }
            | Effect::RefreshCard { ticket, .. }
            | Effect::RenameTopic { ticket }
            | Effect::CloseTopic { ticket }
            | Effect::ReopenTopic { ticket }
            | Effect::AskCsat { ticket } => Some(*ticket),
            _ => None,
        }
    }
}

/// Which SLA alert fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaAlertKind {
    FirstResponseWarning,
    FirstResponseBreach,
    ResolutionWarning,
    ResolutionBreach,
}

impl SlaAlertKind {
    pub fn audit_action(self) -> &'static str {
        match self {
            SlaAlertKind::FirstResponseWarning => "sla.first_response_warning",
            SlaAlertKind::FirstResponseBreach => "sla.first_response_breach",
            SlaAlertKind::ResolutionWarning => "sla.resolution_warning",
            SlaAlertKind::ResolutionBreach => "sla.resolution_breach",
        }
    }
}

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

/// A confirmation of a ticket change made by a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Change {
    Assigned { to: String, note: Option<String> },
    Unassigned,
    Status { to: String },
    Priority { to: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum Notice {
    Welcome {
        first_name: String,
        workspaces: Vec<String>,
    },
    AskWorkspaceName,
    WorkspaceNameInvalid,
    WorkspaceCreated {
        name: String,
    },
    NeedWorkspace,
    Help {
        role: Option<Role>,
        in_group: bool,
    },
    OnlyAgents,
    ConnectMissing {
        missing: Vec<Missing>,
    },
    Connected {
        workspace: String,
        title: String,
    },
    AlreadyConnected {
        workspace: String,
    },
    ConnectedElsewhere,
    Disconnected {
        title: String,
    },
    /// `/connect` and the other group commands need the group's creator or an administrator.
    NotGroupAdmin,
    /// To the Owner: the bot was removed from a support group, which is disconnected.
    BotRemovedFromGroup {
        workspace: String,
        title: String,
    },
    /// To the Owner: the bot was removed from the staff chat, which is unlinked.
    StaffChatLost {
        workspace: String,
    },
    /// The ticket's group is no longer connected to its workspace: kept, but read-only.
    TicketReadOnly {
        number: i64,
    },
    NotConnected,
    StaffChatLinked {
        workspace: String,
    },
    StaffChatIsSupportGroup,
    TopicExcluded,
    TopicIncluded,
    AlreadyExcluded,
    NotExcluded,
    NotInTopic,
    NotATicket,
    NotPrivate,
    Refused {
        number: i64,
        action: String,
        status: String,
        allowed: Vec<String>,
    },
    AlreadyAssigned {
        number: i64,
        name: String,
    },
    Changed {
        number: i64,
        change: Change,
    },
    AssignUsage,
    PriorityUsage,
    UnknownAgent {
        query: String,
    },
    NewTicket {
        ticket: TicketSummary,
    },
    TicketInfo {
        ticket: TicketSummary,
    },
    /// A toast: what was asked for went to the presser's private chat.
    SentPrivately,
    /// Posted where someone spoke when their private chat is closed to the bot.
    StartBotFirst {
        name: String,
    },
    CsatThanks {
        score: u8,
    },
    CsatOnlyCustomer,
    CsatAlready,
    ButtonExpired,
    Settings {
        workspace: String,
        store_bodies: bool,
        auto_close_hours: i32,
    },
    SettingsSaved,
    Ok,
    /// A permission refusal, worded by the domain (`permissions::Denied`).
    Denied {
        reason: String,
    },
    Seats {
        rows: Vec<SeatRow>,
        currency: String,
        basic_price: u32,
        pro_price: u32,
    },
    InviteLink {
        token: String,
        pro: bool,
        expires: String,
    },
    NoFreeSeat {
        pro: bool,
        can_buy: bool,
    },
    OwnLeaveRequest,
    InviteUsage,
    InviteRefused {
        reason: String,
    },
    Joined {
        workspace: String,
        pro: bool,
    },
    MemberJoined {
        name: String,
        pro: bool,
    },
    Members {
        workspace: String,
        rows: Vec<MemberRow>,
        manage: bool,
    },
    MemberActions {
        member: MemberRow,
    },
    MemberUpdated {
        name: String,
    },
    RemovedFromWorkspace {
        workspace: String,
    },
    CannotChangeOwner,
    LeaveAsked {
        request: i64,
        name: String,
        reason: Option<String>,
    },
    LeaveSent,
    LeaveAlreadyPending,
    LeaveApproved {
        workspace: String,
    },
    LeaveDenied {
        workspace: String,
    },
    LeaveAlreadyDecided,
    OwnerCannotLeave,
    TransferAsk {
        user: i64,
        name: String,
    },
    TransferUsage,
    Transferred {
        workspace: String,
        name: String,
    },
    BecameOwner {
        workspace: String,
    },
    Permissions {
        toggles: Vec<(String, bool)>,
    },
    PaymentApplied {
        pro: bool,
        count: u32,
        until: String,
    },
    SeatExpired {
        pro: bool,
        until: String,
    },
    /// To the new assignee, privately, with a button to the topic.
    AssignedToYou {
        ticket: TicketSummary,
        /// Who assigned it; `None` = routing.
        by: Option<String>,
        /// The transfer note of `/assign @x note`.
        note: Option<String>,
    },
    /// The staff chat's line per assignment.
    StaffAssigned {
        number: i64,
        subject: String,
        to: String,
        by: Option<String>,
        claimed: bool,
        chat_id: i64,
        thread_id: i32,
    },
    /// The staff chat: a ticket has waited unassigned longer than the workspace allows.
    UnassignedAlert {
        ticket: TicketSummary,
        minutes: i32,
    },
    Availability {
        workspace: String,
        available: bool,
    },
    Queue {
        workspace: String,
        strategy: String,
        paused: bool,
        depth: u64,
        overdue: usize,
        unassigned: Vec<QueueTicket>,
        agents: Vec<AgentLoad>,
    },
    /// Agents to give a ticket to (from `/queue`).
    AssignPicker {
        ticket: i64,
        number: i64,
        agents: Vec<AgentLoad>,
    },
    MyTickets {
        workspace: String,
        available: bool,
        tickets: Vec<QueueTicket>,
        #[serde(default)]
        reminders: Vec<ReminderRow>,
    },
    RoutingSettings {
        view: RoutingView,
    },
    AgentsSettings {
        agents: Vec<AgentLoad>,
    },
    AgentSettings {
        agent: AgentLoad,
    },
    IntakeSettings {
        categories: Vec<CategoryRow>,
        keywords: Vec<KeywordRow>,
        timeout_minutes: i32,
    },
    /// Asks for a free-text value, with a Cancel button.
    Prompt {
        what: PromptKind,
    },
    PromptCancelled,
    /// A typed value was refused; `reason` says what is expected. The prompt stays open (with
    /// its Cancel button): the next message is another try.
    InvalidInput {
        reason: String,
    },
    /// Posted in a new topic: the customer picks what the ticket is about.
    IntakeQuestion {
        ticket: i64,
        categories: Vec<(i64, String)>,
    },
    IntakeChosen {
        category: String,
    },
    IntakeOnlyCustomer,
    /// An SLA warning (to the assignee and the staff chat) or breach (staff chat).
    SlaAlert {
        ticket: TicketSummary,
        kind: SlaAlertKind,
        left: String,
    },
    /// An escalation post: by a person (`/escalate`) or a rule (`by: None`), naming admins when
    /// the rule says so.
    Escalated {
        ticket: TicketSummary,
        reason: String,
        by: Option<String>,
        admins: Vec<String>,
    },
    EscalationRaised {
        number: i64,
        level: i32,
    },
    RemindUsage,
    ReminderSet {
        number: i64,
        due: String,
    },
    Reminder {
        ticket: TicketSummary,
        text: String,
    },
    ReminderCancelled,
    SlaSettings {
        rows: Vec<PolicyRow>,
    },
    HoursSettings {
        time_zone: String,
        week: String,
        holidays: Vec<HolidayRow>,
    },
    EscalationSettings {
        rules: Vec<EscalationRow>,
    },
    TagUsage,
    Tagged {
        number: i64,
        customer: bool,
        tags: Vec<String>,
    },
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

impl Notice {
    /// Notices that carry what only staff may read (tags, escalation, reminders, transfer notes,
    /// loads, SLA clocks). In a group, where the customer reads along, they go to the person
    /// privately instead (see [`super::Work::reply`]).
    pub fn is_staff_only(&self) -> bool {
        matches!(
            self,
            Notice::Tagged { .. }
                | Notice::EscalationRaised { .. }
                | Notice::ReminderSet { .. }
                | Notice::Changed {
                    change: Change::Assigned { note: Some(_), .. },
                    ..
                }
                | Notice::TicketInfo { .. }
                | Notice::AssignPicker { .. }
                | Notice::Queue { .. }
                | Notice::MyTickets { .. }
                | Notice::SlaAlert { .. }
                | Notice::Escalated { .. }
                | Notice::Reminder { .. }
                | Notice::AssignedToYou { .. }
                | Notice::UnassignedAlert { .. }
        )
    }

    /// Refusals are shown as alerts (a dialog the presser must dismiss), confirmations as toasts.
    pub fn is_alert(&self) -> bool {
        matches!(
            self,
            Notice::OnlyAgents
                | Notice::Refused { .. }
                | Notice::AlreadyAssigned { .. }
                | Notice::CsatOnlyCustomer
                | Notice::CsatAlready
                | Notice::ButtonExpired
                | Notice::NotATicket
                | Notice::NeedWorkspace
                | Notice::Denied { .. }
                | Notice::CannotChangeOwner
                | Notice::LeaveAlreadyDecided
                | Notice::NoFreeSeat { .. }
                | Notice::OwnLeaveRequest
                | Notice::IntakeOnlyCustomer
                | Notice::NotGroupAdmin
                | Notice::TicketReadOnly { .. }
        )
    }
}
