//! Custom fields (SPEC §7) and the Tags screen: the CRM data an Admin shapes for the team.
//!
//! - [`values`]: a ticket's field values, set with `/set <field> <value>` in its topic or with
//!   the choice and checkbox buttons of `/info`; staff-only, audited old → new.
//! - [`screens`]: `/settings` → Custom fields (define, change, delete fields) and the prompts
//!   of this area.
//! - [`tag_screen`]: `/settings` → Tags (counts, rename, merge, delete).
//!
//! The tag filters of `/queue` and `/mytickets` are read by `domain::tags` and applied by the
//! queue views (`app::routing`); this area imports no other area.

pub mod screens;
pub mod tag_screen;
pub mod values;

pub use screens::{ask, fields_screen, Ask, FieldsChange};
pub use tag_screen::{tags_screen, TagsChange};
pub use values::{press, set, Pick};
