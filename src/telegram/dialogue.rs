//! Dialogue steps: what a private chat's next free-text message answers, and how long the
//! question stays open.

/// A conversation step in a private chat that waits for free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialogue {
    /// "Create workspace" was pressed: the next private message is the name.
    WorkspaceName,
    /// Settings → Agents → Set skills: the next message is this agent's skills.
    Skills {
        user: i64,
    },
    /// Settings → Intake → ➕ Category: the next message is `name; skill; priority`.
    Category,
    /// Settings → Intake → ➕ Keyword rule: the next message is `keyword = skill`.
    Keyword,
    /// Settings → SLA → ✏ a priority: the next message is its targets.
    SlaTargets {
        priority: crate::domain::ticket::Priority,
    },
    /// Settings → Business hours: the next message is the time zone / week / a holiday.
    TimeZone,
    Week,
    Holiday,
    /// Settings → Escalation → ➕ Rule: the next message is the rule.
    EscalationRule,
    /// A setting's Custom… button: the next message is its value.
    Number(crate::app::effects::NumberSetting),
    /// Settings → Knowledge base → ➕ Article (`None`) or ✏ Edit: the next message is the article.
    KbArticle {
        id: Option<i64>,
    },
    /// Settings → Knowledge base → External search: the next message is its URL / its token.
    KbExternalUrl,
    KbExternalToken,
    /// Settings → Custom fields → ➕ Field: the next message is the new field, as one line.
    FieldAdd,
    /// Settings → Custom fields → a field → Label / Choices: the next message is the value.
    FieldLabel {
        field: i64,
    },
    FieldChoices {
        field: i64,
    },
    /// Settings → Tags → a tag → Rename / Merge: the next message is a tag name.
    TagRename {
        tag: i64,
    },
    TagMerge {
        tag: i64,
    },
    /// Templates → ➕: the next message is `name | category | body`.
    TemplateAdd {
        shared: bool,
    },
    /// A template's ✏ Edit body: the next message is its new body.
    TemplateBody {
        id: i64,
    },
    /// A template's 🏷 Name & category: the next message is `name | category`.
    TemplateLabel {
        id: i64,
    },
}

/// How long a dialogue step waits for its answer before it is forgotten.
pub const DIALOGUE_TTL: std::time::Duration = std::time::Duration::from_secs(15 * 60);
