//! Typed identifiers.
//!
//! Telegram, the database and the helpdesk all hand out plain integers, and
//! most of them are `i64`. Mixing up a user id with a chat id or a ticket's
//! database id with its human-facing number compiles fine and fails silently
//! at runtime, so every id gets its own newtype. They serialize as the bare
//! number (`#[serde(transparent)]`) so stored JSON and wire formats stay plain.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Declares a transparent integer newtype whose `Display` is the bare number.
macro_rules! id_newtype {
    ($(#[$meta:meta])* $name:ident($inner:ty)) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }
    };
}

id_newtype! {
    /// A Telegram user id — identifies agents and customers alike, because
    /// Telegram is the only identity provider the helpdesk has.
    UserId(i64)
}

id_newtype! {
    /// A Telegram chat id (negative for groups and supergroups); the forum
    /// group that hosts a workspace is addressed by it.
    ChatId(i64)
}

id_newtype! {
    /// A forum topic's `message_thread_id`. Telegram types it as a 32-bit
    /// integer, so it is kept as one instead of widening silently.
    ThreadId(i32)
}

id_newtype! {
    /// The database primary key of a ticket. Internal: use it in storage and
    /// callback data, never show it to people (that's [`TicketNumber`]).
    TicketId(i64)
}

id_newtype! {
    /// The database primary key of a workspace (one forum group = one
    /// workspace).
    WorkspaceId(i64)
}

/// The per-workspace, human-facing ticket number, shown as `#12`.
///
/// It exists separately from [`TicketId`] so that every workspace counts from
/// 1 and numbers don't leak how many tickets other workspaces have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TicketNumber(pub i64);

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_the_bare_number_except_ticket_number() {
        assert_eq!(UserId(42).to_string(), "42");
        assert_eq!(ChatId(-1001234567890).to_string(), "-1001234567890");
        assert_eq!(ThreadId(7).to_string(), "7");
        assert_eq!(TicketId(9).to_string(), "9");
        assert_eq!(WorkspaceId(3).to_string(), "3");
        assert_eq!(TicketNumber(12).to_string(), "#12");
    }

    #[test]
    fn deserializes_from_the_bare_number() -> Result<(), serde::de::value::Error> {
        use serde::de::IntoDeserializer;
        // A derived (non-transparent) newtype would refuse a bare integer, so
        // this pins the wire format to the plain number.
        let user = UserId::deserialize(5_i64.into_deserializer())?;
        assert_eq!(user, UserId(5));
        let number = TicketNumber::deserialize(12_i64.into_deserializer())?;
        assert_eq!(number, TicketNumber(12));
        let thread = ThreadId::deserialize(3_i32.into_deserializer())?;
        assert_eq!(thread, ThreadId(3));
        Ok(())
    }
}
