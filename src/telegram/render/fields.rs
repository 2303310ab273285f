//! The words of custom fields and of the Tags screen: `/set`'s answers and refusals, the field
//! lines and buttons of `/info`, the Custom fields and Tags settings with their prompts, and
//! the tag filters of `/queue` and `/mytickets`.

use super::common::{back, cb, esc, mark, t};
use super::workspace::{invalid_input, prompt};
use super::{Button, Rendered};
use crate::app::effects::{FieldPrompt, FieldsNotice, TagRow};
use crate::domain::fields::{
    choice_check, holds_choice, parse_yes_no, DefinitionProblem, FieldKind, ValueProblem,
};
use crate::domain::ids::TicketId;
use crate::domain::tags::{TagFilter, TagProblem, MAX_FILTER_TERMS};
use crate::store::fields::{Field, FieldLine};
use crate::telegram::callback::{CallbackData, FieldsButton, RoutingButton, WorkspaceButton};

/// The most field buttons `/info` shows (Telegram takes about a hundred per message).
const MAX_INFO_BUTTONS: usize = 90;
/// The most characters of a value `/info` shows; the rest is cut.
const MAX_INFO_VALUE_CHARS: usize = 200;
/// The most characters of a button's text.
const MAX_BUTTON_CHARS: usize = 40;

pub(super) fn notice(n: &FieldsNotice) -> Rendered {
    match n {
        FieldsNotice::SetUsage { keys } => t(set_usage(keys)),
        FieldsNotice::UnknownField { key, keys } => t(unknown_field(key, keys)),
        FieldsNotice::ValueRefused { number: _, problem } => t(esc(&value_problem(problem))),
        FieldsNotice::ValueSet {
            number,
            label,
            kind,
            value,
        } => t(value_set(*number, label, *kind, value.as_deref())),
        FieldsNotice::FieldList { fields } => field_list(fields),
        FieldsNotice::FieldScreen {
            field,
            values,
            confirm_delete,
        } => field_screen(field, *values, *confirm_delete),
        FieldsNotice::Prompt { ask } => prompt(prompt_text(ask)),
        FieldsNotice::DefinitionRefused { problem } => invalid_input(&definition_problem(problem)),
        FieldsNotice::TagList { tags, page, pages } => tag_list(tags, *page, *pages),
        FieldsNotice::TagScreen {
            tag,
            confirm_delete,
        } => tag_screen(tag, *confirm_delete),
        FieldsNotice::TagRefused { problem } => invalid_input(&tag_problem(problem)),
        FieldsNotice::FilterUsage { mine } => t(filter_usage(*mine)),
    }
}

// ----- values -------------------------------------------------------------------------------

fn keys_line(keys: &[String]) -> String {
    if keys.is_empty() {
        "This workspace has no custom fields yet: an Admin adds them in /settings → Custom fields."
            .to_owned()
    } else {
        format!("Fields: {}", esc(&keys.join(", ")))
    }
}

fn set_usage(keys: &[String]) -> String {
    format!(
        "Use /set &lt;field&gt; &lt;value&gt; in a ticket's topic, for example /set plan pro; /set &lt;field&gt; alone clears the value.\n{}",
        keys_line(keys)
    )
}

fn unknown_field(key: &str, keys: &[String]) -> String {
    format!("There is no field “{}”.\n{}", esc(key), keys_line(keys))
}

/// Why a value was refused, in plain words (escaped by the caller):
/// `priority-score must be a number`, `plan must be one of: free, pro, team`.
pub(super) fn value_problem(p: &ValueProblem) -> String {
    match p {
        ValueProblem::NotANumber { key } => format!("{key} must be a number"),
        ValueProblem::NotADate { key } => format!("{key} must be a date like 2026-12-31"),
        ValueProblem::NotYesNo { key } => format!("{key} must be yes or no"),
        ValueProblem::NotAChoice { key, choices } => {
            format!("{key} must be one of: {}", choices.join(", "))
        }
        ValueProblem::NotChoices { key, choices } => format!(
            "{key} must be one or more of: {}, separated by commas",
            choices.join(", ")
        ),
        ValueProblem::TooLong { key, max } => format!("{key} must be at most {max} characters"),
        ValueProblem::Required { key } => format!("{key} is required: it can't be cleared"),
    }
}

/// A stored value as people read it.
fn shown(kind: FieldKind, value: &str) -> String {
    match kind {
        FieldKind::Checkbox => match parse_yes_no(value) {
            Some(true) => "yes".to_owned(),
            Some(false) => "no".to_owned(),
            None => value.to_owned(),
        },
        FieldKind::Text
        | FieldKind::Number
        | FieldKind::SingleChoice
        | FieldKind::MultipleChoice
        | FieldKind::Date => value.to_owned(),
    }
}

fn value_set(number: i64, label: &str, kind: FieldKind, value: Option<&str>) -> String {
    match value {
        Some(v) => format!(
            "Ticket #{number} · {}: <b>{}</b>",
            esc(label),
            esc(&shown(kind, v))
        ),
        None => format!("Ticket #{number} · {} cleared.", esc(label)),
    }
}

/// The field lines of `/info`: every field with the ticket's value, required ones flagged
/// while missing.
pub(super) fn info_lines(fields: &[FieldLine]) -> String {
    if fields.is_empty() {
        return String::new();
    }
    let mut s = String::from("\n\n<b>Fields</b>");
    for f in fields {
        let label = esc(&f.def.label);
        match &f.value {
            Some(v) => {
                let mut v = shown(f.def.kind, v);
                if v.chars().count() > MAX_INFO_VALUE_CHARS {
                    v = v.chars().take(MAX_INFO_VALUE_CHARS).collect::<String>() + "…";
                }
                s.push_str(&format!("\n{label}: {}", esc(&v)));
            }
            None if f.def.required => s.push_str(&format!("\n⚠️ {label}: missing (required)")),
            None => s.push_str(&format!("\n{label}: —")),
        }
    }
    s
}

fn button_text(s: String) -> String {
    if s.chars().count() > MAX_BUTTON_CHARS {
        s.chars().take(MAX_BUTTON_CHARS - 1).collect::<String>() + "…"
    } else {
        s
    }
}

/// The buttons of `/info` that set choice fields and checkboxes in place: a single choice's
/// choices (the current one marked), a multiple choice's choices and a checkbox as toggles.
pub(super) fn info_buttons(ticket: i64, fields: &[FieldLine]) -> Vec<Vec<Button>> {
    let ticket = TicketId(ticket);
    let mut rows: Vec<Vec<Button>> = Vec::new();
    let mut budget = MAX_INFO_BUTTONS;
    for f in fields {
        let label = &f.def.label;
        let value = f.value.as_deref();
        let mut buttons: Vec<Button> = Vec::new();
        match f.def.kind {
            FieldKind::Checkbox => {
                let on = value.and_then(parse_yes_no).unwrap_or(false);
                buttons.push(cb(
                    button_text(format!("{} {label}", if on { "☑" } else { "☐" })),
                    FieldsButton::FieldCheck {
                        ticket,
                        field: f.id,
                        on: !on,
                    },
                ));
            }
            FieldKind::SingleChoice | FieldKind::MultipleChoice => {
                let multi = f.def.kind == FieldKind::MultipleChoice;
                for (i, choice) in f.def.choices.iter().enumerate() {
                    let Ok(index) = u8::try_from(i) else { break };
                    let held = holds_choice(f.def.kind, value, choice);
                    let text = if multi {
                        format!("{} {label}: {choice}", if held { "☑" } else { "☐" })
                    } else {
                        mark(held, &format!("{label}: {choice}"))
                    };
                    buttons.push(cb(
                        button_text(text),
                        FieldsButton::FieldPick {
                            ticket,
                            field: f.id,
                            choice: index,
                            check: choice_check(choice),
                            on: !(multi && held),
                        },
                    ));
                }
            }
            FieldKind::Text | FieldKind::Number | FieldKind::Date => {}
        }
        if buttons.len() > budget {
            break;
        }
        budget -= buttons.len();
        let mut row = Vec::new();
        for b in buttons {
            row.push(b);
            if row.len() == 2 {
                rows.push(std::mem::take(&mut row));
            }
        }
        if !row.is_empty() {
            rows.push(row);
        }
    }
    rows
}

// ----- the Custom fields settings -----------------------------------------------------------

fn kind_words(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Text => "text",
        FieldKind::Number => "number",
        FieldKind::SingleChoice => "single choice",
        FieldKind::MultipleChoice => "multiple choice",
        FieldKind::Checkbox => "checkbox",
        FieldKind::Date => "date",
    }
}

fn describe(field: &Field) -> String {
    let d = &field.def;
    let mut s = format!(
        "<code>{}</code> {} — {}",
        esc(&d.key),
        esc(&d.label),
        kind_words(d.kind)
    );
    if !d.choices.is_empty() {
        s.push_str(&format!(": {}", esc(&d.choices.join(", "))));
    }
    if d.required {
        s.push_str(" · required");
    }
    s
}

fn field_list(fields: &[Field]) -> Rendered {
    let mut text = String::from(
        "🧩 <b>Custom fields</b>\nAgents set them with /set &lt;field&gt; &lt;value&gt; in a ticket's topic, or with the buttons of /info; only staff see them.\n",
    );
    if fields.is_empty() {
        text.push_str("\nNone yet.");
    }
    for f in fields {
        text.push_str(&format!("\n• {}", describe(f)));
    }
    let mut kb: Vec<Vec<Button>> = fields
        .chunks(2)
        .map(|pair| {
            pair.iter()
                .map(|f| {
                    cb(
                        button_text(format!("⚙ {}", f.def.label)),
                        FieldsButton::FieldMenu { field: f.id },
                    )
                })
                .collect()
        })
        .collect();
    kb.push(vec![cb("➕ Field", FieldsButton::FieldAdd)]);
    kb.push(vec![back(WorkspaceButton::SettingsHome)]);
    Rendered {
        text,
        keyboard: Some(kb),
    }
}

fn field_screen(field: &Field, values: u64, confirm_delete: bool) -> Rendered {
    let d = &field.def;
    let id = field.id;
    let mut text = format!(
        "🧩 <b>{}</b> (<code>{}</code>)\nType: {}",
        esc(&d.label),
        esc(&d.key),
        kind_words(d.kind)
    );
    if d.kind.has_choices() {
        text.push_str(&format!("\nChoices: {}", esc(&d.choices.join(", "))));
    }
    text.push_str(&format!(
        "\nRequired: {}\nTickets with a value: {values}",
        if d.required { "yes" } else { "no" }
    ));
    if confirm_delete {
        text.push_str(&format!(
            "\n\n⚠️ Delete <b>{}</b> and its {values} ticket values? This can't be undone.",
            esc(&d.label)
        ));
        let kb = vec![
            vec![cb(
                button_text(format!("🗑 Yes, delete {}", d.label)),
                FieldsButton::FieldDeleteConfirm { field: id },
            )],
            vec![back(FieldsButton::FieldMenu { field: id })],
        ];
        return Rendered {
            text,
            keyboard: Some(kb),
        };
    }
    let mut edit = vec![cb("✏ Label", FieldsButton::FieldLabel { field: id })];
    if d.kind.has_choices() {
        edit.push(cb("✏ Choices", FieldsButton::FieldChoices { field: id }));
    }
    let kb = vec![
        edit,
        vec![cb(
            if d.required {
                "Required: make optional"
            } else {
                "Optional: make required"
            },
            FieldsButton::FieldRequired {
                field: id,
                on: !d.required,
            },
        )],
        vec![cb("🗑 Delete", FieldsButton::FieldDelete { field: id })],
        vec![back(FieldsButton::SettingsFields)],
    ];
    Rendered {
        text,
        keyboard: Some(kb),
    }
}

fn prompt_text(what: &FieldPrompt) -> String {
    match what {
        FieldPrompt::Add => "Send the new field as one line: <code>key | label | type | choices | required</code>\nTypes: text, number, single (one choice), multiple (several choices), checkbox, date. Choices, separated by commas, only for single and multiple; end with <code>required</code> if it must be filled.\nFor example <code>plan | Plan | single | free, pro, team | required</code> or <code>priority-score | Priority score | number</code>.".to_owned(),
        FieldPrompt::Label { label } => format!("Send the new label of <b>{}</b>.", esc(label)),
        FieldPrompt::Choices { label, current } => format!(
            "Send the choices of <b>{}</b>, separated by commas (now: {}). Values already set on tickets stay as they are.",
            esc(label),
            esc(&current.join(", "))
        ),
        FieldPrompt::TagRename { tag } => format!(
            "Send the new name of <b>#{}</b>. If a tag of that name exists, the two are merged.",
            esc(tag)
        ),
        FieldPrompt::TagMerge { tag } => format!(
            "Send the tag to merge <b>#{0}</b> into: tickets and customers tagged #{0} get that tag instead.",
            esc(tag)
        ),
    }
}

/// Why a typed definition was refused, in plain words (escaped by the caller).
fn definition_problem(p: &DefinitionProblem) -> String {
    match p {
        DefinitionProblem::Form => "Send the field as key | label | type | choices | required, for example plan | Plan | single | free, pro, team | required".to_owned(),
        DefinitionProblem::BadKey { typed } => format!("“{typed}” is not a key: use 1 to 32 small letters, digits, - and _"),
        DefinitionProblem::KeyTaken { key } => format!("There is a field called {key} already"),
        DefinitionProblem::BadLabel { max } => format!("A label is 1 to {max} characters"),
        DefinitionProblem::UnknownKind { typed } => format!("“{typed}” is not a type: use text, number, single, multiple, checkbox or date"),
        DefinitionProblem::NoChoices => "Single and multiple choice fields need their choices, separated by commas".to_owned(),
        DefinitionProblem::ChoicesNotAllowed => "Only single and multiple choice fields have choices".to_owned(),
        DefinitionProblem::TooManyChoices { max } => format!("A field has at most {max} choices"),
        DefinitionProblem::ChoiceTooLong { max } => format!("A choice is at most {max} characters"),
        DefinitionProblem::DuplicateChoice { choice } => format!("“{choice}” is listed twice"),
        DefinitionProblem::BadRequired { typed } => format!("End with required or optional, not “{typed}”"),
        DefinitionProblem::TooManyFields { max } => format!("A workspace has at most {max} fields: delete one first"),
    }
}

// ----- the Tags settings ----------------------------------------------------------------------

fn counts(tag: &TagRow) -> String {
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{} · {}",
        plural(tag.tickets, "ticket", "tickets"),
        plural(tag.customers, "customer", "customers")
    )
}

fn tag_list(tags: &[TagRow], page: u16, pages: u16) -> Rendered {
    let mut text = String::from("🏷 <b>Tags</b>");
    if pages > 1 {
        text.push_str(&format!(" (page {} of {pages})", page + 1));
    }
    if tags.is_empty() {
        text.push_str("\n\nNo tags yet. Agents tag tickets with /tag +vip in a ticket's topic.");
    }
    for tag in tags {
        text.push_str(&format!("\n#{} — {}", esc(&tag.tag), counts(tag)));
    }
    let mut kb: Vec<Vec<Button>> = tags
        .chunks(2)
        .map(|pair| {
            pair.iter()
                .map(|tag| {
                    cb(
                        button_text(format!("#{} ({})", tag.tag, tag.tickets + tag.customers)),
                        FieldsButton::TagMenu { tag: tag.handle },
                    )
                })
                .collect()
        })
        .collect();
    let mut nav = Vec::new();
    if page > 0 {
        nav.push(cb("‹ Previous", FieldsButton::TagsPage { page: page - 1 }));
    }
    if page + 1 < pages {
        nav.push(cb("Next ›", FieldsButton::TagsPage { page: page + 1 }));
    }
    if !nav.is_empty() {
        kb.push(nav);
    }
    kb.push(vec![back(WorkspaceButton::SettingsHome)]);
    Rendered {
        text,
        keyboard: Some(kb),
    }
}

fn tag_screen(tag: &TagRow, confirm_delete: bool) -> Rendered {
    let h = tag.handle;
    let mut text = format!("🏷 <b>#{}</b>\n{}", esc(&tag.tag), counts(tag));
    if confirm_delete {
        text.push_str(&format!(
            "\n\n⚠️ Take #{} off every ticket and customer? This can't be undone.",
            esc(&tag.tag)
        ));
        let kb = vec![
            vec![cb(
                button_text(format!("🗑 Yes, delete #{}", tag.tag)),
                FieldsButton::TagDeleteConfirm { tag: h },
            )],
            vec![back(FieldsButton::TagMenu { tag: h })],
        ];
        return Rendered {
            text,
            keyboard: Some(kb),
        };
    }
    let kb = vec![
        vec![
            cb("✏ Rename", FieldsButton::TagRename { tag: h }),
            cb("🔀 Merge into…", FieldsButton::TagMerge { tag: h }),
        ],
        vec![cb("🗑 Delete", FieldsButton::TagDelete { tag: h })],
        vec![back(FieldsButton::TagsPage { page: 0 })],
    ];
    Rendered {
        text,
        keyboard: Some(kb),
    }
}

/// Why a typed tag name was refused, in plain words (escaped by the caller).
fn tag_problem(p: &TagProblem) -> String {
    match p {
        TagProblem::BadName { typed } => {
            format!("“{typed}” is not a tag: use letters, digits, - and _ (up to 32)")
        }
        TagProblem::Unknown { tag } => format!(
            "No ticket or customer is tagged #{tag}: merge into a tag that exists, or use Rename"
        ),
        TagProblem::Same => "A tag can't be merged into itself".to_owned(),
    }
}

// ----- filters ------------------------------------------------------------------------------

fn filter_usage(mine: bool) -> String {
    let cmd = if mine { "/mytickets" } else { "/queue" };
    format!(
        "Use {cmd} alone, or {cmd} tag:vip for tickets tagged vip, or {cmd} customer_tag:vip for tickets whose customer is; up to {MAX_FILTER_TERMS} terms, all of which must match."
    )
}

/// A `/queue` or `/mytickets` as its own area words it, with a line under the heading saying
/// which tickets it shows when a filter is on. A filtered queue's Refresh button shows the
/// whole queue again (the filter's tags do not fit a button), and says so.
pub(super) fn filtered(mut r: Rendered, filter: &[TagFilter]) -> Rendered {
    if filter.is_empty() {
        return r;
    }
    let at = r.text.find('\n').unwrap_or(r.text.len());
    r.text.insert_str(at, &filter_line(filter));
    for b in r.keyboard.iter_mut().flatten().flatten() {
        if let Button::Callback(label, CallbackData::Routing(RoutingButton::Queue)) = b {
            *label = "📋 Whole queue".to_owned();
        }
    }
    r
}

/// The line that says what a filtered `/queue` or `/mytickets` shows; empty without a filter.
pub(super) fn filter_line(filter: &[TagFilter]) -> String {
    if filter.is_empty() {
        return String::new();
    }
    let terms: Vec<String> = filter
        .iter()
        .map(|f| match f {
            TagFilter::Ticket(tag) => format!("#{}", esc(tag)),
            TagFilter::Customer(tag) => format!("customer #{}", esc(tag)),
        })
        .collect();
    format!("\nOnly tickets with: {}", terms.join(" · "))
}

#[cfg(test)]
mod tests;
