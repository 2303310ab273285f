//! What to tell someone, as data ([`Notice`]): every message, toast and screen of the bot.
//! The words live in `telegram::render` (refusals' reasons in `telegram::words`), one match
//! per area with no catch-all arm, so a new notice does not compile until it is worded.

use serde::{Deserialize, Serialize};

use super::comments::CommentNotice;
use super::export::ExportNotice;
use super::fields::FieldsNotice;
use super::invalid::Invalid;
use super::kb::KbNotice;
use super::rows::{
    AgentLoad, CategoryRow, EscalationRow, HolidayRow, KeywordRow, MemberRow, Missing, PolicyRow,
    PromptKind, QueueTicket, ReminderRow, RoutingView, SeatRow,
};
use super::stats::StatsNotice;
use super::templates::TemplateNotice;
use crate::domain::permissions::Denied;
use crate::domain::seats::InviteProblem;
use crate::domain::tags::TagFilter;
use crate::domain::team::Role;
use crate::store::summary::TicketSummary;

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
    /// `/connect` in a staff chat: customers would read what is meant for staff.
    SupportGroupIsStaffChat,
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
    /// A permission refusal: which step of the check failed.
    NotPermitted {
        denied: Denied,
    },
    /// A permission refusal already in words. Kept for rows written before typed reasons;
    /// never produced now (see `NotPermitted`).
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
    /// An invite link that can't be used, to the person who opened it.
    InviteUnusable {
        problem: InviteProblem,
    },
    /// An invite refusal already in words. Kept for rows written before typed reasons; never
    /// produced now (see `InviteUnusable`).
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
        /// `/queue tag:vip`: only tickets matching these were counted and listed.
        #[serde(default)]
        filter: Vec<TagFilter>,
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
        /// `/mytickets tag:vip`: only tickets matching these are listed.
        #[serde(default)]
        filter: Vec<TagFilter>,
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
    /// A typed value was refused; `problem` says what is wrong. The prompt stays open (with
    /// its Cancel button): the next message is another try.
    InputRefused {
        problem: Invalid,
    },
    /// A refused value already in words. Kept for rows written before typed reasons; never
    /// produced now (see `InputRefused`).
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
        /// Kept for rows written before render chose the words; empty now.
        left: String,
        /// Seconds left until the breach (a warning) or 0.
        #[serde(default)]
        left_secs: Option<i64>,
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
        /// Kept for rows written before render chose the words; empty now.
        due: String,
        #[serde(default)]
        due_at: Option<chrono::DateTime<chrono::Utc>>,
        /// The workspace's time zone, to show `due_at` in.
        #[serde(default)]
        zone: Option<String>,
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
    /// Internal comments: all of them staff-only.
    Comments(CommentNotice),
    /// CSV exports (answered in the private chat only).
    Exports(ExportNotice),
    /// `/stats` (answered in the private chat only).
    Stats(StatsNotice),
    /// The knowledge base (SPEC §9): its screens, `/kb` and suggestions.
    Kb(KbNotice),
    /// Custom fields, the Tags screen and the tag filters.
    Fields(FieldsNotice),
    /// Canned responses (SPEC §8): their screens, prompts, the `/t` picker and refusals.
    Templates(TemplateNotice),
    /// The Privacy settings screen (SPEC §11).
    Privacy(super::PrivacyNotice),
}

impl Notice {
    /// Notices that carry what only staff may read (tags, escalation, reminders, transfer notes,
    /// loads, SLA clocks). In a group, where the customer reads along, they go to the person
    /// privately instead (see [`crate::app::Work::reply`]).
    pub fn is_staff_only(&self) -> bool {
        // Template names, bodies and refusals are the team's (the rendered text goes to the
        // topic as its own effect, never as an answer).
        if let Notice::Templates(_) = self {
            return true;
        }
        matches!(
            self,
            Notice::Tagged { .. }
                | Notice::Comments(_)
                | Notice::Exports(_)
                | Notice::Stats(_)
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
        ) || matches!(self, Notice::Kb(k) if k.is_staff_only())
            || matches!(self, Notice::Fields(f) if f.is_staff_only())
    }

    /// Refusals are shown as alerts (a dialog the presser must dismiss), confirmations as toasts.
    pub fn is_alert(&self) -> bool {
        if let Notice::Templates(t) = self {
            return t.is_alert();
        }
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
                | Notice::NotPermitted { .. }
                | Notice::Denied { .. }
                | Notice::CannotChangeOwner
                | Notice::LeaveAlreadyDecided
                | Notice::NoFreeSeat { .. }
                | Notice::OwnLeaveRequest
                | Notice::IntakeOnlyCustomer
                | Notice::NotGroupAdmin
                | Notice::TicketReadOnly { .. }
        ) || matches!(self, Notice::Kb(k) if k.is_alert())
            || matches!(self, Notice::Fields(f) if f.is_alert())
    }
}
