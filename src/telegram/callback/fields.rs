//! The buttons of custom fields and of the Tags screen: the Custom fields settings, the choice
//! and checkbox buttons of `/info`, and the Tags settings. Fields are named by id, tags by their
//! handle (a hash of the name: names may be longer than callback data holds), and a choice by
//! its position and fingerprint, so a button sent before the Admin changed the choices is
//! refused rather than setting another choice.

use super::wire::buttons;
use crate::domain::ids::TicketId;

buttons! {
    pub enum FieldsButton {
        /// `/settings` → Custom fields.
        SettingsFields = "fs",
        /// One field's screen.
        FieldMenu { field: i64 } = "fm",
        /// Ask for a new field as one line of text.
        FieldAdd = "fa",
        /// Ask for a field's new label.
        FieldLabel { field: i64 } = "fl",
        /// Ask for a choice field's new choices.
        FieldChoices { field: i64 } = "fc",
        /// Make a field required (`on`) or optional.
        FieldRequired { field: i64, on: bool } = "fr",
        /// Ask to confirm deleting a field and its values.
        FieldDelete { field: i64 } = "fd",
        /// Delete a field and its values.
        FieldDeleteConfirm { field: i64 } = "fx",
        /// `/info`: set a single choice to the choice at `choice` (fingerprint `check`), or
        /// add (`on`) or remove it from a multiple choice.
        FieldPick { ticket: TicketId, field: i64, choice: u8, check: u16, on: bool } = "fp",
        /// `/info`: set a checkbox on or off.
        FieldCheck { ticket: TicketId, field: i64, on: bool } = "fk",
        /// `/settings` → Tags, page `page` (from 0).
        TagsPage { page: u16 } = "ys",
        /// One tag's screen.
        TagMenu { tag: i64 } = "ym",
        /// Ask for a tag's new name.
        TagRename { tag: i64 } = "yr",
        /// Ask for the tag to merge this one into.
        TagMerge { tag: i64 } = "yg",
        /// Ask to confirm deleting a tag everywhere.
        TagDelete { tag: i64 } = "yd",
        /// Delete a tag everywhere.
        TagDeleteConfirm { tag: i64 } = "yx",
    }
}
