//! The wire format every area's buttons share: the version, the separator, how each field
//! type is written and read ([`Field`]), and the [`buttons!`] macro that turns one declaration
//! per area into its enum, its encoder and its decoder, so a button is written down once.
//!
//! It imports no area; the areas import it.

use crate::app::effects::NumberSetting;
use crate::domain::ids::{TicketId, UserId};
use crate::domain::routing::Strategy;
use crate::domain::ticket::Priority;

/// The most bytes Telegram accepts in `callback_data`.
pub const MAX_CALLBACK_DATA_LEN: usize = 64;

/// The current format version; the first `|`-separated field.
pub(super) const VERSION: &str = "1";

/// Field separator. Never appears inside a field: all fields are numbers or
/// fixed short codes.
pub(super) const SEP: char = '|';

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

/// A value a button carries: written as plain base-10 numbers or fixed short codes, read back
/// strictly. Reading may accept spellings `write` never produces (`+5`, `05`); the decoder
/// re-encodes what it read and refuses those, so every value has one encoding.
pub(crate) trait Field: Sized {
    fn write(&self, out: &mut String);
    fn read(field: &str) -> Result<Self, CallbackDecodeError>;
    /// The ticket this field names, if it is a ticket id: a button's ticket is its first one.
    fn ticket(&self) -> Option<TicketId> {
        None
    }
}

fn bad(field: &str) -> CallbackDecodeError {
    CallbackDecodeError::BadField(field.to_owned())
}

macro_rules! int_fields {
    ($($int:ty),+) => {$(
        impl Field for $int {
            fn write(&self, out: &mut String) {
                out.push_str(&self.to_string());
            }
            fn read(field: &str) -> Result<Self, CallbackDecodeError> {
                field.parse().map_err(|_| bad(field))
            }
        }
    )+};
}

int_fields!(i64, u16, u8);

/// A yes/no field: exactly "0" or "1".
impl Field for bool {
    fn write(&self, out: &mut String) {
        out.push_str(if *self { "1" } else { "0" });
    }
    fn read(field: &str) -> Result<Self, CallbackDecodeError> {
        match field {
            "0" => Ok(false),
            "1" => Ok(true),
            other => Err(bad(other)),
        }
    }
}

impl Field for TicketId {
    fn write(&self, out: &mut String) {
        self.0.write(out);
    }
    fn read(field: &str) -> Result<Self, CallbackDecodeError> {
        i64::read(field).map(TicketId)
    }
    fn ticket(&self) -> Option<TicketId> {
        Some(*self)
    }
}

impl Field for UserId {
    fn write(&self, out: &mut String) {
        self.0.write(out);
    }
    fn read(field: &str) -> Result<Self, CallbackDecodeError> {
        i64::read(field).map(UserId)
    }
}

/// Reads a fixed short code back into the value `code_of` gives it.
pub(super) fn from_code<T: Copy>(
    all: &[T],
    code_of: fn(T) -> &'static str,
    field: &str,
) -> Result<T, CallbackDecodeError> {
    all.iter()
        .copied()
        .find(|&v| code_of(v) == field)
        .ok_or_else(|| bad(field))
}

/// One-letter priority codes. Deliberately not `Priority::as_str`, so
/// renaming a priority's display/storage name can't break old buttons.
pub(super) const fn priority_code(p: Priority) -> &'static str {
    match p {
        Priority::Low => "l",
        Priority::Normal => "n",
        Priority::High => "h",
        Priority::Urgent => "u",
    }
}

impl Field for Priority {
    fn write(&self, out: &mut String) {
        out.push_str(priority_code(*self));
    }
    fn read(field: &str) -> Result<Self, CallbackDecodeError> {
        from_code(&Priority::ALL, priority_code, field)
    }
}

/// One-letter strategy codes. Deliberately not `Strategy::as_str`, so
/// renaming a strategy's storage name can't break old buttons.
pub(super) const fn strategy_code(s: Strategy) -> &'static str {
    match s {
        Strategy::Manual => "m",
        Strategy::RoundRobin => "r",
        Strategy::LeastLoaded => "l",
        Strategy::Skill => "s",
    }
}

impl Field for Strategy {
    fn write(&self, out: &mut String) {
        out.push_str(strategy_code(*self));
    }
    fn read(field: &str) -> Result<Self, CallbackDecodeError> {
        from_code(&Strategy::ALL, strategy_code, field)
    }
}

/// Code for "no per-group override: inherit the workspace's strategy".
/// Must differ from every [`strategy_code`].
pub(super) const INHERIT_CODE: &str = "i";

/// A group's strategy override: a [`strategy_code`], or [`INHERIT_CODE`].
impl Field for Option<Strategy> {
    fn write(&self, out: &mut String) {
        out.push_str(match self {
            Some(s) => strategy_code(*s),
            None => INHERIT_CODE,
        });
    }
    fn read(field: &str) -> Result<Self, CallbackDecodeError> {
        if field == INHERIT_CODE {
            Ok(None)
        } else {
            Strategy::read(field).map(Some)
        }
    }
}

/// One-letter codes of the settings with a Custom… button, frozen like the others.
pub(super) const fn number_setting_code(s: NumberSetting) -> &'static str {
    match s {
        NumberSetting::UnassignedAlert => "a",
        NumberSetting::IntakeTimeout => "i",
        NumberSetting::AutoClose => "c",
        NumberSetting::Retention => "r",
    }
}

impl Field for NumberSetting {
    fn write(&self, out: &mut String) {
        out.push_str(number_setting_code(*self));
    }
    fn read(field: &str) -> Result<Self, CallbackDecodeError> {
        from_code(&NumberSetting::ALL, number_setting_code, field)
    }
}

/// Checks the field count for `tag` and hands the fields back as an array.
pub(super) fn arity<'a, const N: usize>(
    tag: &'static str,
    fields: &[&'a str],
) -> Result<[&'a str; N], CallbackDecodeError> {
    <[&str; N]>::try_from(fields).map_err(|_| CallbackDecodeError::WrongFieldCount {
        tag,
        expected: N,
        found: fields.len(),
    })
}

/// The first ticket id among a button's fields.
pub(super) fn first_ticket(fields: &[Option<TicketId>]) -> Option<TicketId> {
    fields.iter().copied().flatten().next()
}

/// Declares one area's buttons, each once, as `Variant { field: Type, … } = "tag"`, and
/// generates from that one list the area's enum, its wire tags, its encoder and its strict
/// decoder. Fields are written in the declared order, each by its [`Field`] impl; a field may
/// add `where check` to refuse values its type would accept (`check(value) -> Result<(), _>`).
///
/// Tags are two letters, unique across all areas (a test checks), and never reused once
/// retired: buttons already sitting in chats carry them.
macro_rules! buttons {
    (
        $(#[$meta:meta])*
        pub enum $Area:ident {
            $(
                $(#[$vmeta:meta])*
                $Variant:ident $({
                    $($field:ident : $Ty:ty $(where $check:path)?),+ $(,)?
                })? = $tag:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $Area {
            $(
                $(#[$vmeta])*
                $Variant $({ $($field: $Ty),+ })?
            ),+
        }

        impl $Area {
            /// This area's wire tags, in declaration order.
            #[cfg(test)]
            pub(super) const TAGS: &'static [&'static str] = &[$($tag),+];

            /// This button's wire tag.
            #[cfg(test)]
            pub(super) fn tag(&self) -> &'static str {
                match self {
                    $(Self::$Variant { .. } => $tag,)+
                }
            }

            /// Appends `<tag>[|field…]`.
            pub(super) fn write(&self, out: &mut String) {
                match self {
                    $(Self::$Variant { $($($field),+)? } => {
                        out.push_str($tag);
                        $($(
                            out.push($crate::telegram::callback::wire::SEP);
                            $crate::telegram::callback::wire::Field::write($field, out);
                        )+)?
                    })+
                }
            }

            /// The button `tag` names, read from `fields`; `None` when the tag is not one of
            /// this area's.
            pub(super) fn read(
                tag: &str,
                fields: &[&str],
            ) -> Result<Option<Self>, $crate::telegram::callback::wire::CallbackDecodeError> {
                Ok(Some(match tag {
                    $($tag => {
                        let [$($($field),+)?] =
                            $crate::telegram::callback::wire::arity($tag, fields)?;
                        $($(
                            let $field = <$Ty as $crate::telegram::callback::wire::Field>::read(
                                $field,
                            )?;
                            $($check($field)?;)?
                        )+)?
                        Self::$Variant { $($($field),+)? }
                    })+
                    _ => return Ok(None),
                }))
            }

            /// The ticket this button acts on: its first ticket-id field, if any.
            pub(super) fn ticket(&self) -> Option<$crate::domain::ids::TicketId> {
                match self {
                    $(Self::$Variant { $($($field),+)? } => {
                        $crate::telegram::callback::wire::first_ticket(&[
                            $($($crate::telegram::callback::wire::Field::ticket($field)),+)?
                        ])
                    })+
                }
            }
        }
    };
}

pub(super) use buttons;
