//! Ticket use cases: creating tickets from topics, logging topic messages, and every move of the
//! lifecycle, whether it comes from a command, a button, a message, a topic closed by hand or a
//! timer. All of them end in [`crate::app::lifecycle::apply`], which asks the domain and writes the result.

pub mod act;
pub mod topics;

pub use act::{act, auto_close, usage};
pub(crate) use topics::rearm_group;
pub use topics::{message_edited, rate, topic_created, topic_message, topic_toggled_by_hand};

use crate::app::effects::CardMenu;
use crate::domain::ticket::Priority;
use crate::store::users::Profile;

/// How a use case finds its ticket: by the topic it was invoked in, or by id (buttons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketRef {
    Topic { chat: i64, thread: i32 },
    Id(i64),
}

/// Whom `/assign` names: free text (`@username` or a numeric id) or a picked agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignTarget {
    Query(String),
    User(i64),
}

/// What an agent asks of a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Claim,
    Assign {
        target: AssignTarget,
        note: Option<String>,
    },
    Unassign,
    Pending,
    Resolve,
    Close,
    Reopen,
    /// `None` when the argument was not a priority.
    Priority(Option<Priority>),
    Info,
    ShowMenu(CardMenu),
}

/// A message written in a topic of a connected group.
#[derive(Debug, Clone)]
pub struct TopicMessage {
    pub chat: i64,
    pub thread: i32,
    pub message_id: i32,
    pub from: Profile,
    pub text: Option<String>,
    pub is_command: bool,
    /// The topic's name when Telegram tells it (the creation service message the message
    /// replies to), for topics the bot never saw created.
    pub topic_name: Option<String>,
}
