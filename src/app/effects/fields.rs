//! What the custom-fields area and the Tags screen tell people ([`FieldsNotice`], carried by
//! `Notice::Fields`): `/set`'s answers, the Custom fields and Tags settings screens, their
//! prompts and refusals, and the usage of the tag filters of `/queue` and `/mytickets`.
//! Serialized into the outbox like every notice: add variants, don't repurpose them.

use serde::{Deserialize, Serialize};

use crate::domain::fields::{DefinitionProblem, FieldKind, ValueProblem};
use crate::domain::tags::TagProblem;
use crate::store::fields::Field;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum FieldsNotice {
    /// `/set` without a field: how to use it, with the workspace's field keys.
    SetUsage { keys: Vec<String> },
    /// `/set <key>` names no field of the workspace.
    UnknownField { key: String, keys: Vec<String> },
    /// A value refused by its field's type (or a required field cleared).
    ValueRefused { number: i64, problem: ValueProblem },
    /// A value was accepted (`None`: cleared); `value` is what was stored.
    ValueSet {
        number: i64,
        label: String,
        kind: FieldKind,
        value: Option<String>,
    },
    /// `/settings` → Custom fields.
    FieldList { fields: Vec<Field> },
    /// One field's screen: `values` tickets have a value; `confirm_delete` asks before deleting.
    FieldScreen {
        field: Field,
        values: u64,
        confirm_delete: bool,
    },
    /// Asks for a free-text value, with a Cancel button.
    Prompt { ask: FieldPrompt },
    /// A typed definition (or part of one) refused; the prompt stays open.
    DefinitionRefused { problem: DefinitionProblem },
    /// `/settings` → Tags: one page of the workspace's tags.
    TagList {
        tags: Vec<TagRow>,
        page: u16,
        pages: u16,
    },
    /// One tag's screen: rename, merge, delete (`confirm_delete` asks first).
    TagScreen { tag: TagRow, confirm_delete: bool },
    /// A typed tag name refused; the prompt stays open.
    TagRefused { problem: TagProblem },
    /// `/queue` (`mine: false`) or `/mytickets` with an argument that is no filter.
    FilterUsage { mine: bool },
}

impl FieldsNotice {
    /// Field values, keys and choices are for staff: `/set` is typed in a ticket's topic, which
    /// the customer reads, so its answers go to the agent privately.
    pub fn is_staff_only(&self) -> bool {
        matches!(
            self,
            FieldsNotice::SetUsage { .. }
                | FieldsNotice::UnknownField { .. }
                | FieldsNotice::ValueRefused { .. }
                | FieldsNotice::ValueSet { .. }
        )
    }

    /// A refused button press is an alert the presser must dismiss.
    pub fn is_alert(&self) -> bool {
        matches!(self, FieldsNotice::ValueRefused { .. })
    }
}

/// A tag on the Tags screen: its name, the handle its buttons carry, and how many tickets and
/// customers carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagRow {
    pub handle: i64,
    pub tag: String,
    pub tickets: u64,
    pub customers: u64,
}

/// What a fields or tags prompt asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "prompt", rename_all = "snake_case")]
pub enum FieldPrompt {
    /// A new field, as one line.
    Add,
    /// A field's new label.
    Label { label: String },
    /// A choice field's new choices.
    Choices { label: String, current: Vec<String> },
    /// A tag's new name.
    TagRename { tag: String },
    /// The tag to merge `tag` into.
    TagMerge { tag: String },
}
