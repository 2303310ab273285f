//! What the canned-response area tells people ([`TemplateNotice`]), as data: its screens, its
//! prompts, the `/t` picker and its refusals. One variant of [`super::Notice`] wraps it; the
//! words are in `telegram::render::templates`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::template::TemplateProblem;

/// One template in a list or on its screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateRow {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub shared: bool,
    /// The current version's number.
    pub version: i32,
    /// Who created it.
    pub author: String,
    pub updated_at: DateTime<Utc>,
    /// The workspace's time zone, to show times in.
    pub zone: String,
}

/// One version of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionRow {
    /// The version row's id (its buttons carry it).
    pub id: i64,
    pub version: i32,
    pub name: String,
    pub category: String,
    /// Who made it.
    pub author: String,
    pub at: DateTime<Utc>,
    pub zone: String,
}

/// What a template prompt asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "prompt", rename_all = "snake_case")]
pub enum TemplatePrompt {
    /// A new template as `name | category | body`.
    Add { shared: bool },
    /// A new body for `name` (the current one is shown to copy).
    Body { name: String, body: String },
    /// A new `name | category`.
    Label { name: String, category: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum TemplateNotice {
    /// The templates screen: the caller's personal templates and the shared ones they may use,
    /// a page of them.
    List {
        rows: Vec<TemplateRow>,
        page: u16,
        pages: u16,
        /// Whether the caller may create shared templates.
        add_shared: bool,
        /// Whether a Back button leads to `/settings` (Admins and the Owner).
        settings: bool,
    },
    /// One template, with what the caller may do to it.
    Detail {
        template: TemplateRow,
        body: String,
        can_change: bool,
    },
    /// A template's versions, newest first.
    Versions {
        template: TemplateRow,
        versions: Vec<VersionRow>,
    },
    /// One older (or the current) version.
    Version {
        template: TemplateRow,
        version: VersionRow,
        body: String,
        can_restore: bool,
    },
    /// Asks before deleting.
    ConfirmDelete {
        template: TemplateRow,
    },
    Prompt {
        ask: TemplatePrompt,
    },
    /// A typed template, body or name is refused; the prompt stays open.
    Refused {
        problem: TemplateProblem,
    },
    /// A version could not be restored (its name is taken now, or its body no longer passes).
    NotRestored {
        problem: TemplateProblem,
    },
    /// No more templates fit where this one would live.
    TooMany {
        shared: bool,
        max: u64,
    },
    /// `/t <name>`: no template of that name that the caller may use.
    Unknown {
        name: String,
    },
    /// `/t`: rendering failed, nothing was posted.
    RenderFailed {
        name: String,
        problem: TemplateProblem,
    },
    /// `/t` alone: the templates the caller may send into ticket `number`, as buttons.
    Picker {
        ticket: i64,
        number: i64,
        rows: Vec<TemplateRow>,
        page: u16,
        pages: u16,
    },
    /// `/t` alone, with no template to offer.
    NoTemplates,
    /// A picker's button posted `name` into ticket `number`.
    Sent {
        name: String,
        number: i64,
    },
}

impl TemplateNotice {
    /// Refusals are alerts when they answer a button.
    pub fn is_alert(&self) -> bool {
        matches!(
            self,
            TemplateNotice::Refused { .. }
                | TemplateNotice::NotRestored { .. }
                | TemplateNotice::TooMany { .. }
                | TemplateNotice::Unknown { .. }
                | TemplateNotice::RenderFailed { .. }
                | TemplateNotice::NoTemplates
        )
    }
}
