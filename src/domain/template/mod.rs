//! Canned responses (SPEC §8), the pure part: what a template's name, category and body may be,
//! how a body is checked when it is saved ([`check`]), how it is rendered for a ticket
//! ([`render`]), and who may use or change a shared or a personal template (`rights.rs`).
//!
//! Bodies are Jinja, rendered by minijinja with strict undefined: a variable the ticket does not
//! have is an error that names the variable, never an empty hole in a message the customer
//! reads. The variables are [`VARIABLES`]; `fields.<key>` reads a ticket's custom field.
//!
//! A body is written by staff but rendered inside the daemon, so what one render may cost is
//! bounded: the body's length ([`MAX_BODY_CHARS`]), the engine's instructions (fuel) and
//! recursion, the output ([`MAX_OUTPUT_CHARS`]), and the language itself. Bodies use a subset of
//! Jinja (`scan.rs`): `{{ … }}` with the filters of [`FILTERS`], and `if`/`for` blocks; the
//! operators that build large values (`*` repeats a string, `~` and `+` concatenate) and the
//! blocks that capture output are refused, so no value can outgrow what the ticket and the body
//! hold. Rendering produces plain text: the Telegram adapter escapes all of it for the parse mode
//! it sends with, so neither a customer named `<b>x</b>` nor a body with `<` can inject markup.
//!
//! # Layout
//! - `scan.rs`: the subset of Jinja a body may use.
//! - `engine.rs`: the minijinja environment, [`check`] and [`render`].
//! - `rights.rs`: who may use, create and change which templates ([`Verdict`]).
//! - `tests.rs`: every variable, conditions, strict undefined, the limits, the rights.

mod engine;
mod rights;
mod scan;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use engine::{check, render};
pub use rights::{may_change, may_create, may_use, Template, Verdict};

/// The most characters a body may have.
pub const MAX_BODY_CHARS: usize = 4000;
/// The most characters a rendered template may have: one Telegram message.
pub const MAX_OUTPUT_CHARS: usize = 4096;
/// The most characters of a name (it is typed after `/t`).
pub const MAX_NAME_CHARS: usize = 32;
/// The most characters of a category (it labels a group of buttons).
pub const MAX_CATEGORY_CHARS: usize = 32;
/// The instructions one render may run. A page of text with a hundred variables and a loop
/// over a ticket's fields needs well under a thousand; the bound keeps the worst body (loops
/// nested over the fields, each step filtering a long string) to milliseconds.
pub const FUEL: u64 = 5_000;
/// How deep blocks and loops may nest while rendering.
pub const RECURSION_LIMIT: usize = 64;

/// Every variable a body may use: a ticket's, its customer's, the agent's and the workspace's.
/// `fields` is a map: `fields.<key>` (or `fields["key"]`) is one custom field's value.
pub const VARIABLES: [&str; 10] = [
    "customer_name",
    "customer_first_name",
    "customer_username",
    "ticket_number",
    "subject",
    "agent_name",
    "workspace_name",
    "priority",
    "category",
    "fields",
];

/// The filters a body may use: none of them makes a value much longer than its input, and each
/// costs little per character (minijinja's `title` costs a hundred times more, so it is left out).
pub const FILTERS: [&str; 7] = [
    "lower",
    "upper",
    "capitalize",
    "trim",
    "default",
    "d",
    "length",
];

/// What a template is rendered with: the values of [`VARIABLES`] for one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Vars {
    /// First and last name.
    pub customer_name: String,
    pub customer_first_name: String,
    /// Without the `@`; empty when the customer has no username.
    pub customer_username: String,
    pub ticket_number: i64,
    pub subject: String,
    /// The agent who sends the template, as customers see them (first and last name).
    pub agent_name: String,
    pub workspace_name: String,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    /// The ticket's intake category; empty when it has none.
    pub category: String,
    /// The ticket's custom field values by key, as they are shown (display strings).
    pub fields: BTreeMap<String, String>,
}

/// Why a template (or what was typed for one) is refused, or why rendering it failed. Carried
/// as data into the notice that tells the person; the Telegram adapter words it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum TemplateProblem {
    /// Not a first line `name | category` followed by the body on the next lines.
    Form,
    /// Not in the form `name | category` (or `name`).
    LabelForm,
    /// A name is 1 to [`MAX_NAME_CHARS`] of `a-z`, `0-9`, `_` and `-`.
    BadName {
        typed: String,
    },
    /// A category is at most [`MAX_CATEGORY_CHARS`] characters on one line.
    BadCategory,
    /// Another template where this one would live (the shared ones, or its author's personal
    /// ones) has this name.
    NameTaken {
        name: String,
        shared: bool,
    },
    EmptyBody,
    BodyTooLong {
        max: usize,
    },
    /// The body is not valid Jinja; `detail` is the engine's own description.
    Syntax {
        line: Option<usize>,
        detail: String,
    },
    /// Something outside the subset of Jinja templates may use (`what`: an operator or a block).
    NotAllowed {
        what: String,
    },
    /// A variable that no ticket has (found when the body is saved).
    UnknownVariable {
        name: String,
    },
    /// A variable this ticket does not have (found when the body is rendered).
    Undefined {
        name: String,
    },
    /// Rendering ran more instructions than [`FUEL`], or nested deeper than [`RECURSION_LIMIT`].
    TooMuchWork,
    /// The rendered text is longer than `max` characters.
    OutputTooLong {
        max: usize,
    },
    /// The rendered text is empty (Telegram sends no empty message).
    EmptyOutput,
    /// Rendering failed otherwise (a filter that does not exist, a wrong type); `detail` is the
    /// engine's own description.
    Failed {
        line: Option<usize>,
        detail: String,
    },
}

/// A template as typed at the "add" prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub name: String,
    pub category: String,
    pub body: String,
}

/// Reads a new template: its first line is `name | category` (or just the name), the body is
/// every line after it. (The body starts on its own line because Jinja's filters use `|` too.)
/// The body is checked ([`check`]).
pub fn parse_draft(text: &str) -> Result<Draft, TemplateProblem> {
    let Some((head, body)) = text.trim_start().split_once('\n') else {
        return Err(TemplateProblem::Form);
    };
    let (name, category) = parse_label(head)?;
    let body = body_of(body)?;
    Ok(Draft {
        name,
        category,
        body,
    })
}

/// Reads `name | category` or `name` (no category), for renaming a template.
pub fn parse_label(text: &str) -> Result<(String, String), TemplateProblem> {
    let mut parts = text.split('|');
    let name = parts.next().unwrap_or_default();
    let category = parts.next().unwrap_or_default();
    if parts.next().is_some() || name.contains('\n') {
        return Err(TemplateProblem::LabelForm);
    }
    Ok((name_of(name)?, category_of(category)?))
}

/// A name as it is stored and typed after `/t`: lower case, 1 to [`MAX_NAME_CHARS`] of `a-z`,
/// `0-9`, `_` and `-`.
pub fn name_of(typed: &str) -> Result<String, TemplateProblem> {
    let name = typed.trim().to_lowercase();
    let ok = (1..=MAX_NAME_CHARS).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Ok(name)
    } else {
        Err(TemplateProblem::BadName {
            typed: typed.trim().chars().take(MAX_NAME_CHARS + 8).collect(),
        })
    }
}

/// A category: one line of at most [`MAX_CATEGORY_CHARS`] characters; empty means none.
pub fn category_of(typed: &str) -> Result<String, TemplateProblem> {
    let category = typed.trim();
    if category.chars().count() > MAX_CATEGORY_CHARS || category.contains(['\n', '\r']) {
        return Err(TemplateProblem::BadCategory);
    }
    Ok(category.to_owned())
}

/// A body as it is stored: trimmed, not empty, at most [`MAX_BODY_CHARS`], and valid
/// ([`check`]).
pub fn body_of(typed: &str) -> Result<String, TemplateProblem> {
    let body = typed.trim();
    if body.is_empty() {
        return Err(TemplateProblem::EmptyBody);
    }
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(TemplateProblem::BodyTooLong {
            max: MAX_BODY_CHARS,
        });
    }
    check(body)?;
    Ok(body.to_owned())
}
