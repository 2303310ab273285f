//! What the bot says about internal comments (SPEC §7). Every one of these is for staff only: a
//! comment's text never goes to a ticket's topic, which its customer reads.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One comment in a thread view, in thread order (each reply right after its parent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentRow {
    pub id: i64,
    /// 0 for a comment that starts a thread, 1 for a reply to it, and so on.
    pub depth: u32,
    pub author: String,
    pub at: DateTime<Utc>,
    pub text: String,
    /// `photo` or `document` when a file is attached.
    pub file: Option<String>,
}

/// The ticket a comment message is about, as the message names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentOn {
    pub ticket: i64,
    pub number: i64,
    pub subject: String,
    pub chat: i64,
    pub thread: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum CommentNotice {
    /// To the author, privately: the comment is stored. A reply to this message adds to its
    /// thread.
    Saved {
        on: CommentOn,
        text: String,
        file: Option<String>,
        /// It answers another comment.
        is_reply: bool,
    },
    /// To the staff chat: someone commented. A reply to this message adds to its thread.
    StaffLine {
        on: CommentOn,
        author: String,
        text: String,
        file: Option<String>,
        is_reply: bool,
    },
    /// `/notes` (and the second half of `/ticket`): the ticket's comments, threaded.
    Thread {
        on: CommentOn,
        comments: Vec<CommentRow>,
        /// How many comments the ticket has in all (the view shows at most the newest 200).
        total: u64,
        zone: String,
    },
    NoteUsage,
    CommentUsage,
    /// `/notes` or `/ticket` without a ticket number.
    TicketUsage {
        command: String,
    },
    /// No such ticket in the caller's workspace (or one they may not see: the same answer).
    NoTicket {
        number: Option<i64>,
    },
    /// `/comment` typed in a group: it was deleted there; comments are written privately.
    UsePrivateChat,
}
