//! What the app layer asks of Telegram, as data. Effects are stored in the outbox (serialized
//! with serde, so their shape is a compatibility promise: add variants, don't repurpose them)
//! and carried out by the Telegram sender. Notices say *what* to tell someone, refusals carry
//! *why* as data ([`Invalid`], [`CheckoutRefusal`], the domain's reasons); all wording lives in
//! the Telegram adapter (`telegram::render`, and `telegram::words` for refusals).

mod comments;
mod export;
mod fields;
mod invalid;
mod kb;
mod notice;
mod privacy;
mod rows;
mod stats;
mod templates;

use serde::{Deserialize, Serialize};

pub use crate::store::summary::{SlaLine, TicketSummary};
pub use comments::{CommentNotice, CommentOn, CommentRow};
pub use export::{ExportKind, ExportNotice};
pub use fields::{FieldPrompt, FieldsNotice, TagRow};
pub use invalid::Invalid;
pub use kb::{ExternalHit, KbHit, KbNotice, KbPrompt};
pub use notice::{Change, Notice, SlaAlertKind};
pub use privacy::PrivacyNotice;
pub use rows::{
    AgentLoad, CategoryRow, EscalationRow, HolidayRow, KeywordRow, MemberRow, MemberSeat, Missing,
    NumberSetting, PolicyRow, PromptKind, QueueTicket, ReminderRow, RoutingView, SeatLabel,
    SeatRow, SeatStateLabel,
};
pub use stats::{AgentStats, SpreadView, StatsNotice, StatsPeriodProblem, StatsView};
pub use templates::{TemplateNotice, TemplatePrompt, TemplateRow, VersionRow};

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

/// Why a payment is refused at checkout. The payer reads it in Telegram's payment form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckoutRefusal {
    /// The invoice's payload is not one this build issues (forged, foreign or outdated).
    InvalidInvoice,
    /// The invoice's workspace has been deleted.
    NoWorkspace,
    /// Only the workspace's Owner buys seats.
    NotOwner,
    /// The price or the currency changed since the invoice was sent.
    PriceChanged,
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
    /// Accepts (`refusal: None`) or refuses a pre-checkout query; Telegram needs it within 10 s.
    AnswerCheckout {
        id: String,
        refusal: Option<CheckoutRefusal>,
    },
    /// A message about an internal comment (the author's confirmation, the staff chat's
    /// line): sent like [`Effect::SendPrivate`] (with its fallback hint when the author never
    /// started the bot), then remembered, so that a reply to it adds to the comment's thread.
    SendComment {
        chat: i64,
        comment: i64,
        notice: Notice,
        fallback: Option<(i64, Option<i32>)>,
    },
    /// A CSV export, written when it is sent (an export is the log as it is then) and sent as
    /// a file to `user`'s private chat.
    SendExport {
        user: i64,
        workspace: i64,
        export: ExportKind,
        since: Option<chrono::DateTime<chrono::Utc>>,
        until: chrono::DateTime<chrono::Utc>,
        /// `7d`, `30d`, `90d` or `all`, for the file's name and caption.
        period: String,
    },
    /// `/mydata`: the JSON file of everything stored about `user`, written when it is sent and
    /// sent to their own private chat.
    SendMyData {
        user: i64,
    },
    /// Deletes a message someone sent (a `/note` or `/kb` command, whose text must not stay in
    /// the customer's topic). A message already gone, or one the bot may not delete, is let go.
    DeleteMessage {
        chat: i64,
        message_id: i32,
    },
    /// A canned response posted into a ticket's topic as the bot for `agent` (plain text,
    /// escaped when sent). Once sent it is logged as that agent's message.
    PostTemplate {
        ticket: i64,
        agent: i64,
        text: String,
    },
    /// [`Effect::AnswerCheckout`] with the refusal already in words. Kept for rows written
    /// before typed reasons; never produced now.
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
            Effect::Send { chat, .. }
            | Effect::Edit { chat, .. }
            | Effect::SendComment { chat, .. } => Some(*chat),
            Effect::SendPrivate { user, .. }
            | Effect::SendExport { user, .. }
            | Effect::SendMyData { user } => Some(*user),
            Effect::SendInvoice { chat, .. } => Some(*chat),
            // A delete takes staff text out of a customer's topic: it must not wait in the
            // group's lane behind paced sends, 429 waits and backoffs, and it needs no order.
            Effect::DeleteMessage { .. } => None,
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
                | Effect::SendComment { .. }
                | Effect::SendExport { .. }
                | Effect::SendMyData { .. }
                | Effect::PostTemplate { .. }
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
            | Effect::AskCsat { ticket }
            | Effect::PostTemplate { ticket, .. } => Some(*ticket),
            _ => None,
        }
    }
}
