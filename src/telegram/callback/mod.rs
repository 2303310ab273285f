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
//! - Then a two-letter tag names the button, and its fields follow,
//!   `|`-separated; numbers are plain base-10 (readable in logs,
//!   and even two `i64::MIN` values fit: the longest encoding is 46 bytes).
//! - Decoding is strict and total: any input, however malformed, yields an
//!   error rather than a panic, and only the exact bytes `encode` produces
//!   are accepted (no `+5`, `05` or trailing `|`), so every value has one
//!   encoding.
//!
//! [`CallbackData`] is an enum of areas, each an enum of its buttons declared
//! once (variant, fields, tag) in its own file — `ticket.rs`, `team.rs`, `routing.rs`,
//! `sla.rs`, `workspace.rs`, `kb.rs`, `fields.rs`, `templates.rs` — with the `buttons!` macro of
//! `wire.rs`, which generates the encoder and decoder from that one declaration. The area is not
//! on the wire:
//! tags are unique across all areas, so moving a button between areas changes no
//! encoding.
//!
//! The format is frozen by tests: changing a tag breaks buttons already
//! sitting in chats.

mod fields;
mod kb;
mod privacy;
mod routing;
mod sla;
mod team;
mod templates;
mod ticket;
mod wire;
mod workspace;

#[cfg(test)]
mod format_tests;
#[cfg(test)]
mod tests;

pub use self::fields::FieldsButton;
pub use self::kb::KbButton;
pub use self::privacy::PrivacyButton;
pub use self::routing::RoutingButton;
pub use self::sla::{HoursField, SlaButton};
pub use self::team::TeamButton;
pub use self::templates::TemplateButton;
pub use self::ticket::TicketButton;
pub use self::wire::{CallbackDecodeError, MAX_CALLBACK_DATA_LEN};
pub use self::workspace::WorkspaceButton;

use self::wire::{SEP, VERSION};
use crate::domain::ids::TicketId;

/// Lists the areas once: the [`CallbackData`] enum, a `From` per area, and the
/// area-by-area dispatch of encoding, decoding and the ticket accessor.
macro_rules! areas {
    ($($(#[$meta:meta])* $Area:ident($Button:ident),)+) => {
        /// Everything an inline button can ask the bot to do, by area.
        ///
        /// Buttons carry ids only, never state: the handler must reload the ticket
        /// and re-check permissions, because the button may be stale or forged.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum CallbackData {
            $($(#[$meta])* $Area($Button),)+
        }

        $(impl From<$Button> for CallbackData {
            fn from(button: $Button) -> Self {
                CallbackData::$Area(button)
            }
        })+

        impl CallbackData {
            /// Appends `<tag>[|field…]`.
            fn write(&self, out: &mut String) {
                match self {
                    $(CallbackData::$Area(b) => b.write(out),)+
                }
            }

            /// The button `tag` names, from whichever area owns the tag.
            fn read(tag: &str, fields: &[&str]) -> Result<Self, CallbackDecodeError> {
                $(if let Some(b) = $Button::read(tag, fields)? {
                    return Ok(CallbackData::$Area(b));
                })+
                Err(CallbackDecodeError::UnknownTag(tag.to_owned()))
            }

            /// This button's wire tag.
            #[cfg(test)]
            fn tag(&self) -> &'static str {
                match self {
                    $(CallbackData::$Area(b) => b.tag(),)+
                }
            }

            /// The ticket this button acts on, if any — lets a dispatcher load the
            /// ticket and check permissions once, before matching on the action.
            pub fn ticket(&self) -> Option<TicketId> {
                match self {
                    $(CallbackData::$Area(b) => b.ticket(),)+
                }
            }
        }

        /// Every wire tag of every area.
        #[cfg(test)]
        const ALL_TAGS: &[&[&str]] = &[$($Button::TAGS,)+];
    };
}

areas! {
    /// The ticket card and the CSAT question.
    Ticket(TicketButton),
    /// Members, seats, leaving, transfer, permissions.
    Team(TeamButton),
    /// Routing settings, agents, intake, the queue.
    Routing(RoutingButton),
    /// SLA policies, business hours, escalation, reminders.
    Sla(SlaButton),
    /// Creating a workspace, the settings home, prompts.
    Workspace(WorkspaceButton),
    /// The knowledge base: its settings, and posting an article into a ticket.
    Kb(KbButton),
    /// Custom fields (settings and `/info`), the Tags screen.
    Fields(FieldsButton),
    /// Canned responses: their screens and the `/t` picker.
    Templates(TemplateButton),
    /// `/settings` → Privacy: bodies, retention, webhooks.
    Privacy(PrivacyButton),
}

impl CallbackData {
    /// The compact wire form, `1|<tag>[|field…]`. Always at most
    /// [`MAX_CALLBACK_DATA_LEN`] bytes, for every possible value.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(MAX_CALLBACK_DATA_LEN);
        out.push_str(VERSION);
        out.push(SEP);
        self.write(&mut out);
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
        let value = Self::read(tag, &fields)?;

        // Integer parsing accepts `+5` and `007`; the re-encoding check
        // turns those into errors so the mapping stays one-to-one.
        if value.encode() != s {
            return Err(E::NonCanonical);
        }
        Ok(value)
    }
}
