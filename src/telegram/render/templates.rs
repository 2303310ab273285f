//! The words of canned responses: the templates screens, their prompts, the `/t` picker, what
//! went wrong with a template, and the posted template itself — plain text from the engine,
//! escaped here as a whole for the HTML parse mode every message is sent with.

use super::common::{back, cb, esc, t, when};
use super::workspace::{invalid_input, prompt};
use super::{Button, Rendered};
use crate::app::effects::{TemplateNotice, TemplatePrompt, TemplateRow, VersionRow};
use crate::domain::ids::TicketId;
use crate::domain::template::{TemplateProblem, MAX_CATEGORY_CHARS, MAX_NAME_CHARS, VARIABLES};
use crate::telegram::callback::{TemplateButton, WorkspaceButton};

/// How many picker buttons share a row.
const PER_ROW: usize = 2;

/// A template's text as the bot posts it in the topic: all of it escaped, so neither the body
/// nor a value (a customer named `<b>x</b>`) can add markup.
pub fn posted(text: &str) -> Rendered {
    t(esc(text))
}

pub(super) fn notice(n: &TemplateNotice) -> Rendered {
    match n {
        TemplateNotice::List {
            rows,
            page,
            pages,
            add_shared,
            settings,
        } => list(rows, *page, *pages, *add_shared, *settings),
        TemplateNotice::Detail {
            template,
            body,
            can_change,
        } => detail(template, body, *can_change),
        TemplateNotice::Versions { template, versions } => versions_screen(template, versions),
        TemplateNotice::Version {
            template,
            version,
            body,
            can_restore,
        } => version_screen(template, version, body, *can_restore),
        TemplateNotice::ConfirmDelete { template } => confirm_delete(template),
        TemplateNotice::Prompt { ask } => prompt(prompt_text(ask)),
        TemplateNotice::Refused { problem } => invalid_input(&problem_words(problem)),
        TemplateNotice::NotRestored { problem } => t(format!(
            "This version was not restored: {}",
            esc(&problem_words(problem))
        )),
        TemplateNotice::TooMany { shared, max } => t(format!(
            "No more {} templates fit: the limit is {max}. Delete one first.",
            scope(*shared)
        )),
        TemplateNotice::Unknown { name } => t(format!(
            "You have no template named “{}”. Nothing was posted. Send /t in the topic to pick one, or see /templates.",
            esc(name)
        )),
        TemplateNotice::RenderFailed { name, problem } => t(format!(
            "Template “{}” was not sent, nothing was posted in the topic: {}",
            esc(name),
            esc(&problem_words(problem))
        )),
        TemplateNotice::Picker {
            ticket,
            number,
            rows,
            page,
            pages,
        } => picker(*ticket, *number, rows, *page, *pages),
        TemplateNotice::NoTemplates => t(
            "You have no templates to send yet. Add some with /templates (or /settings → Templates).",
        ),
        TemplateNotice::Sent { name, number } => t(format!(
            "Sent “{}” to ticket #{number}.",
            esc(name)
        )),
    }
}

fn scope(shared: bool) -> &'static str {
    if shared {
        "shared"
    } else {
        "personal"
    }
}

/// `name · Category` for labels and titles (escaped by the caller when it is HTML).
fn label(r: &TemplateRow) -> String {
    if r.category.is_empty() {
        r.name.clone()
    } else {
        format!("{} · {}", r.name, r.category)
    }
}

fn icon(r: &TemplateRow) -> &'static str {
    if r.shared {
        "📄"
    } else {
        "👤"
    }
}

/// ◀ and ▶ between pages, when there are several.
fn pager(page: u16, pages: u16, to: impl Fn(u16) -> TemplateButton) -> Option<Vec<Button>> {
    if pages <= 1 {
        return None;
    }
    let mut row = Vec::new();
    if page > 0 {
        row.push(cb("◀", to(page - 1)));
    }
    if page + 1 < pages {
        row.push(cb("▶", to(page + 1)));
    }
    Some(row)
}

fn list(rows: &[TemplateRow], page: u16, pages: u16, add_shared: bool, settings: bool) -> Rendered {
    let mut text = String::from("📝 <b>Templates</b>");
    if pages > 1 {
        text.push_str(&format!(" (page {} of {pages})", page + 1));
    }
    text.push_str("\nSend one in a ticket's topic with /t &lt;name&gt;, or /t to pick it from buttons. 📄 shared · 👤 personal (yours only).\n");
    if rows.is_empty() {
        text.push_str("\nNone yet.");
    }
    for r in rows {
        text.push_str(&format!(
            "\n{} <code>{}</code>{} · v{}",
            icon(r),
            esc(&r.name),
            if r.category.is_empty() {
                String::new()
            } else {
                format!(" · {}", esc(&r.category))
            },
            r.version
        ));
    }
    let mut kb: Vec<Vec<Button>> = rows
        .iter()
        .map(|r| {
            vec![cb(
                format!("{} {}", icon(r), label(r)),
                TemplateButton::Show { id: r.id },
            )]
        })
        .collect();
    kb.extend(pager(page, pages, |page| TemplateButton::List { page }));
    let mut add = Vec::new();
    if add_shared {
        add.push(cb(
            "➕ Shared template",
            TemplateButton::Add { shared: true },
        ));
    }
    add.push(cb(
        "➕ Personal template",
        TemplateButton::Add { shared: false },
    ));
    kb.push(add);
    if settings {
        kb.push(vec![cb("« Settings", WorkspaceButton::SettingsHome)]);
    }
    Rendered {
        text,
        keyboard: Some(kb),
    }
}

fn title(r: &TemplateRow) -> String {
    let mut s = format!("{} <b>{}</b>", icon(r), esc(&r.name));
    if !r.category.is_empty() {
        s.push_str(&format!(" · {}", esc(&r.category)));
    }
    s
}

fn detail(r: &TemplateRow, body: &str, can_change: bool) -> Rendered {
    let who = if r.shared {
        format!("Shared, created by {}", esc(&r.author))
    } else {
        "Personal: only you see and send it".to_owned()
    };
    let text = format!(
        "{}\n{who}. Version {}, {}.\n\n<pre>{}</pre>\n\nSend it with <code>/t {}</code> in a ticket's topic.",
        title(r),
        r.version,
        esc(&when(r.updated_at, &r.zone)),
        esc(body),
        esc(&r.name)
    );
    let mut kb = Vec::new();
    if can_change {
        kb.push(vec![
            cb("✏ Edit body", TemplateButton::EditBody { id: r.id }),
            cb("🏷 Name & category", TemplateButton::EditLabel { id: r.id }),
        ]);
    }
    let mut row = vec![cb("🕘 Versions", TemplateButton::Versions { id: r.id })];
    if can_change {
        row.push(cb("🗑 Delete", TemplateButton::AskDelete { id: r.id }));
    }
    kb.push(row);
    kb.push(vec![cb("« Templates", TemplateButton::List { page: 0 })]);
    Rendered {
        text,
        keyboard: Some(kb),
    }
}

fn version_label(v: &VersionRow) -> String {
    format!("v{} · {} · {}", v.version, when(v.at, &v.zone), v.author)
}

fn versions_screen(r: &TemplateRow, versions: &[VersionRow]) -> Rendered {
    let text = format!(
        "🕘 Versions of {}, newest first. Every edit is a new version; open one to read or restore it.",
        title(r)
    );
    let mut kb: Vec<Vec<Button>> = versions
        .iter()
        .map(|v| {
            let current = if v.version == r.version { "• " } else { "" };
            vec![cb(
                format!("{current}{}", version_label(v)),
                TemplateButton::Version { id: v.id },
            )]
        })
        .collect();
    kb.push(vec![back(TemplateButton::Show { id: r.id })]);
    Rendered {
        text,
        keyboard: Some(kb),
    }
}

fn version_screen(r: &TemplateRow, v: &VersionRow, body: &str, can_restore: bool) -> Rendered {
    let state = if v.version == r.version {
        " (current)".to_owned()
    } else {
        format!(" of {}", r.version)
    };
    let mut text = format!(
        "🕘 {}, version {}{state}\nBy {}, {}.\nName: <code>{}</code>",
        title(r),
        v.version,
        esc(&v.author),
        esc(&when(v.at, &v.zone)),
        esc(&v.name)
    );
    if !v.category.is_empty() {
        text.push_str(&format!(" · Category: {}", esc(&v.category)));
    }
    text.push_str(&format!("\n\n<pre>{}</pre>", esc(body)));
    let mut kb = Vec::new();
    if can_restore {
        kb.push(vec![cb(
            "↩ Restore this version",
            TemplateButton::Restore { id: v.id },
        )]);
    }
    kb.push(vec![back(TemplateButton::Versions { id: r.id })]);
    Rendered {
        text,
        keyboard: Some(kb),
    }
}

fn confirm_delete(r: &TemplateRow) -> Rendered {
    Rendered {
        text: format!(
            "Delete {} and all its versions? This can't be undone (the audit log keeps its last text).",
            title(r)
        ),
        keyboard: Some(vec![vec![
            cb("🗑 Yes, delete", TemplateButton::Delete { id: r.id }),
            back(TemplateButton::Show { id: r.id }),
        ]]),
    }
}

/// The variables a body may use, for prompts.
fn variables() -> String {
    VARIABLES
        .iter()
        .map(|v| {
            if *v == "fields" {
                "<code>{{ fields.&lt;key&gt; }}</code>".to_owned()
            } else {
                format!("<code>{{{{ {v} }}}}</code>")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

const HOW: &str = "Conditions: <code>{% if category == \"billing\" %}…{% else %}…{% endif %}</code>. Filters: upper, lower, capitalize, trim, default, length. A variable a ticket lacks stops the template from being sent, so guard optional ones: <code>{% if fields.plan is defined %}…{% endif %}</code>.";

fn prompt_text(what: &TemplatePrompt) -> String {
    match what {
        TemplatePrompt::Add { shared } => format!(
            "Send the new {} template: <code>name | category</code> on the first line (or just a name), the body on the next lines. For example:\n<pre>refund | Billing\nHi {{{{ customer_first_name }}}}, your refund for ticket #{{{{ ticket_number }}}} is on its way.</pre>\nA name is 1 to {MAX_NAME_CHARS} of a-z, 0-9, _ and -; a category at most {MAX_CATEGORY_CHARS} characters.\nVariables: {}.\n{HOW}",
            scope(*shared),
            variables()
        ),
        TemplatePrompt::Body { name, body } => format!(
            "Send the new body of <b>{}</b> (the old one stays as a version). Now:\n<pre>{}</pre>\nVariables: {}.\n{HOW}",
            esc(name),
            esc(body),
            variables()
        ),
        TemplatePrompt::Label { name, category } => format!(
            "Send the new name and category of <b>{}</b> as <code>name | category</code> (or just a name). Now: <code>{} | {}</code>",
            esc(name),
            esc(name),
            esc(category)
        ),
    }
}

fn picker(ticket: i64, number: i64, rows: &[TemplateRow], page: u16, pages: u16) -> Rendered {
    let mut text = format!("📝 Templates for ticket <b>#{number}</b>: press one to post it in the topic as your reply.");
    if pages > 1 {
        text.push_str(&format!(" (page {} of {pages})", page + 1));
    }
    let mut kb: Vec<Vec<Button>> = Vec::new();
    let mut category: Option<&str> = None;
    for r in rows {
        if category != Some(r.category.as_str()) {
            category = Some(r.category.as_str());
            let heading = if r.category.is_empty() {
                "Other".to_owned()
            } else {
                esc(&r.category)
            };
            text.push_str(&format!("\n\n<b>{heading}</b>:"));
            kb.push(Vec::new());
        }
        text.push_str(&format!(" {} {}", icon(r), esc(&r.name)));
        let button = cb(
            format!("{} {}", icon(r), label(r)),
            TemplateButton::Pick {
                ticket: TicketId(ticket),
                template: r.id,
            },
        );
        match kb.last_mut() {
            Some(row) if row.len() < PER_ROW => row.push(button),
            _ => kb.push(vec![button]),
        }
    }
    kb.extend(pager(page, pages, |page| TemplateButton::PickerPage {
        ticket: TicketId(ticket),
        page,
    }));
    Rendered {
        text,
        keyboard: Some(kb),
    }
}

/// What is wrong with a template, in plain words (escaped by the caller).
pub(super) fn problem_words(p: &TemplateProblem) -> String {
    let line = |l: &Option<usize>| l.map(|l| format!(" on line {l}")).unwrap_or_default();
    match p {
        TemplateProblem::Form => {
            "Send name | category on the first line, then the body on the next lines.".to_owned()
        }
        TemplateProblem::LabelForm => "Send: name | category (or just a name).".to_owned(),
        TemplateProblem::BadName { typed } => format!(
            "“{typed}” can't be a name: use 1 to {MAX_NAME_CHARS} of a-z, 0-9, _ and -, like refund or late-delivery."
        ),
        TemplateProblem::BadCategory => {
            format!("A category is one line of at most {MAX_CATEGORY_CHARS} characters.")
        }
        TemplateProblem::NameTaken { name, shared } => format!(
            "There is already a {} template named “{name}”: pick another name.",
            scope(*shared)
        ),
        TemplateProblem::EmptyBody => "The body is empty.".to_owned(),
        TemplateProblem::BodyTooLong { max } => {
            format!("The body is longer than {max} characters.")
        }
        TemplateProblem::Syntax { line: l, detail } => {
            format!("the template has a syntax error{}: {detail}.", line(l))
        }
        TemplateProblem::NotAllowed { what } => format!(
            "“{what}” can't be used in templates: they use {{{{ variables }}}}, the filters listed, and {{% if %}} / {{% for %}} blocks."
        ),
        TemplateProblem::UnknownVariable { name } => format!(
            "there is no variable “{name}”. Variables: {}.",
            VARIABLES
                .iter()
                .map(|v| if *v == "fields" { "fields.<key>" } else { v })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        TemplateProblem::Undefined { name } => {
            format!("“{name}” is not defined for this ticket.")
        }
        TemplateProblem::TooMuchWork => {
            "it takes too much work to render (loops too long or nested too deep).".to_owned()
        }
        TemplateProblem::OutputTooLong { max } => {
            format!("the text would be longer than {max} characters.")
        }
        TemplateProblem::EmptyOutput => "the text would be empty for this ticket.".to_owned(),
        TemplateProblem::Failed { line: l, detail } => {
            format!("it can't be rendered{}: {detail}.", line(l))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template::{render, Vars};

    /// The posted text is escaped for HTML as a whole: values and the body's own text alike.
    #[test]
    fn a_posted_template_cannot_inject_markup() {
        let mut vars = Vars::sample();
        vars.customer_first_name = "<b>x</b>".into();
        let text = render("Hi {{ customer_first_name }} & <i>welcome</i>", &vars).expect("renders");
        assert_eq!(
            posted(&text).text,
            "Hi &lt;b&gt;x&lt;/b&gt; &amp; &lt;i&gt;welcome&lt;/i&gt;"
        );
        assert!(posted(&text).keyboard.is_none());
    }

    fn row(id: i64, category: &str, shared: bool) -> TemplateRow {
        TemplateRow {
            id,
            name: format!("t{id}"),
            category: category.into(),
            shared,
            version: 1,
            author: "<Ann>".into(),
            updated_at: chrono::DateTime::UNIX_EPOCH,
            zone: "UTC".into(),
        }
    }

    #[test]
    fn the_picker_groups_buttons_by_category_and_escapes_them() {
        let rows = [
            row(1, "<Billing>", true),
            row(2, "<Billing>", false),
            row(3, "<Billing>", true),
            row(4, "", true),
        ];
        let r = picker(9, 7, &rows, 0, 1);
        assert!(
            r.text.contains("<b>&lt;Billing&gt;</b>: 📄 t1 👤 t2 📄 t3"),
            "{}",
            r.text
        );
        assert!(r.text.contains("<b>Other</b>: 📄 t4"), "{}", r.text);
        let kb = r.keyboard.expect("buttons");
        let sizes: Vec<usize> = kb.iter().map(Vec::len).collect();
        assert_eq!(sizes, [2, 1, 1]);
        for row in &kb {
            for b in row {
                let Button::Callback(_, d) = b else {
                    panic!("{b:?}")
                };
                assert!(d.encode().len() <= 64);
                assert_eq!(d.ticket(), Some(crate::domain::ids::TicketId(9)));
            }
        }
    }

    #[test]
    fn every_screen_escapes_what_people_typed() {
        let r = row(1, "<cat>", true);
        let v = VersionRow {
            id: 5,
            version: 1,
            name: "t1".into(),
            category: "<cat>".into(),
            author: "<Ann>".into(),
            at: chrono::DateTime::UNIX_EPOCH,
            zone: "UTC".into(),
        };
        let problem = TemplateProblem::Undefined { name: "<x>".into() };
        for n in [
            TemplateNotice::List {
                rows: vec![r.clone()],
                page: 0,
                pages: 2,
                add_shared: true,
                settings: true,
            },
            TemplateNotice::Detail {
                template: r.clone(),
                body: "<body>".into(),
                can_change: true,
            },
            TemplateNotice::Versions {
                template: r.clone(),
                versions: vec![v.clone()],
            },
            TemplateNotice::Version {
                template: r.clone(),
                version: v,
                body: "<body>".into(),
                can_restore: true,
            },
            TemplateNotice::ConfirmDelete { template: r },
            TemplateNotice::Prompt {
                ask: TemplatePrompt::Body {
                    name: "t1".into(),
                    body: "<body>".into(),
                },
            },
            TemplateNotice::Refused {
                problem: problem.clone(),
            },
            TemplateNotice::NotRestored {
                problem: problem.clone(),
            },
            TemplateNotice::RenderFailed {
                name: "<n>".into(),
                problem,
            },
            TemplateNotice::Unknown { name: "<n>".into() },
        ] {
            let text = notice(&n).text;
            for raw in ["<cat>", "<Ann>", "<body>", "<x>", "<n>"] {
                assert!(!text.contains(raw), "{raw} in {text}");
            }
        }
    }

    #[test]
    fn every_problem_is_worded() {
        for p in [
            TemplateProblem::Form,
            TemplateProblem::LabelForm,
            TemplateProblem::BadName {
                typed: "a b".into(),
            },
            TemplateProblem::BadCategory,
            TemplateProblem::NameTaken {
                name: "x".into(),
                shared: true,
            },
            TemplateProblem::EmptyBody,
            TemplateProblem::BodyTooLong { max: 4000 },
            TemplateProblem::Syntax {
                line: Some(2),
                detail: "unexpected end".into(),
            },
            TemplateProblem::NotAllowed { what: "*".into() },
            TemplateProblem::UnknownVariable { name: "vip".into() },
            TemplateProblem::Undefined {
                name: "fields.plan".into(),
            },
            TemplateProblem::TooMuchWork,
            TemplateProblem::OutputTooLong { max: 4096 },
            TemplateProblem::EmptyOutput,
            TemplateProblem::Failed {
                line: None,
                detail: "boom".into(),
            },
        ] {
            assert!(problem_words(&p).len() > 10, "{p:?}");
        }
        assert!(problem_words(&TemplateProblem::Undefined {
            name: "fields.plan".into()
        })
        .contains("fields.plan"));
    }
}
