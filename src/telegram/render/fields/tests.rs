//! The words of custom fields and tags: refusals read exactly as promised, everything a person
//! typed is escaped, and `/info`'s field buttons fit Telegram.

use super::*;
use crate::app::effects::{Notice, TicketSummary};
use crate::domain::fields::FieldDef;
use crate::telegram::callback::CallbackData;
use crate::telegram::render::notice as render;

fn def(key: &str, label: &str, kind: FieldKind, choices: &[&str], required: bool) -> FieldDef {
    FieldDef {
        key: key.into(),
        label: label.into(),
        kind,
        choices: choices.iter().map(|c| (*c).to_owned()).collect(),
        required,
    }
}

fn line(id: i64, def: FieldDef, value: Option<&str>) -> FieldLine {
    FieldLine {
        id,
        def,
        value: value.map(str::to_owned),
    }
}

fn summary(fields: Vec<FieldLine>) -> TicketSummary {
    TicketSummary {
        id: 1,
        number: 7,
        subject: "s".into(),
        status: "open".into(),
        priority: "normal".into(),
        customer: "Carl".into(),
        assignee: None,
        chat_id: -1001234567890,
        thread_id: 5,
        created_at: "2026-01-01 10:00 UTC".into(),
        first_response_at: None,
        resolved_at: None,
        closed_at: None,
        messages: 1,
        csat: None,
        topic_deleted: false,
        first_response_sla: None,
        resolution_sla: None,
        escalation_level: 0,
        tags: vec![],
        customer_tags: vec![],
        fields,
    }
}

#[test]
fn refused_values_say_exactly_what_is_wrong() {
    let words = |problem: ValueProblem| {
        render(
            &Notice::Fields(FieldsNotice::ValueRefused { number: 7, problem }),
            "bot",
        )
        .text
    };
    assert_eq!(
        words(ValueProblem::NotANumber {
            key: "priority-score".into()
        }),
        "priority-score must be a number"
    );
    assert_eq!(
        words(ValueProblem::NotAChoice {
            key: "plan".into(),
            choices: vec!["free".into(), "pro".into(), "team".into()]
        }),
        "plan must be one of: free, pro, team"
    );
    assert_eq!(
        words(ValueProblem::NotAChoice {
            key: "plan".into(),
            choices: vec!["<b>".into()]
        }),
        "plan must be one of: &lt;b&gt;"
    );
    assert_eq!(
        words(ValueProblem::Required { key: "plan".into() }),
        "plan is required: it can't be cleared"
    );
}

#[test]
fn info_shows_every_field_and_flags_missing_required_ones() {
    let fields = vec![
        line(
            1,
            def(
                "plan",
                "<Plan>",
                FieldKind::SingleChoice,
                &["free", "pro"],
                true,
            ),
            Some("pro"),
        ),
        line(2, def("region", "Region", FieldKind::Text, &[], true), None),
        line(3, def("note", "Note", FieldKind::Text, &[], false), None),
        line(
            4,
            def("vip", "VIP", FieldKind::Checkbox, &[], false),
            Some("yes"),
        ),
        line(
            5,
            def("long", "Long", FieldKind::Text, &[], false),
            Some(&"<".repeat(1000)),
        ),
    ];
    let r = render(
        &Notice::TicketInfo {
            ticket: summary(fields),
        },
        "bot",
    );
    assert!(r.text.contains("&lt;Plan&gt;: pro"), "{}", r.text);
    assert!(
        r.text.contains("⚠️ Region: missing (required)"),
        "{}",
        r.text
    );
    assert!(r.text.contains("Note: —"), "{}", r.text);
    assert!(r.text.contains("VIP: yes"), "{}", r.text);
    assert!(
        !r.text.contains("<Plan>") && !r.text.contains("<<"),
        "{}",
        r.text
    );
    assert!(r.text.contains(&format!("{}…", "&lt;".repeat(200))));
    let labels: Vec<String> = r
        .keyboard
        .iter()
        .flatten()
        .flatten()
        .map(|b| match b {
            Button::Callback(t, _) | Button::Url(t, _) => t.clone(),
        })
        .collect();
    assert!(labels.contains(&"<Plan>: free".to_owned()), "{labels:?}");
    assert!(labels.contains(&"• <Plan>: pro".to_owned()), "{labels:?}");
    assert!(labels.contains(&"☑ VIP".to_owned()), "{labels:?}");
    assert_eq!(labels.last().map(String::as_str), Some("Open topic"));
}

#[test]
fn info_buttons_fit_telegram_and_stop_at_the_budget() {
    let choices: Vec<String> = (0..50).map(|i| format!("choice {i}")).collect();
    let refs: Vec<&str> = choices.iter().map(String::as_str).collect();
    let fields: Vec<FieldLine> = (0..50)
        .map(|i| {
            line(
                i64::MAX - i,
                def(
                    &format!("f{i}"),
                    &if i == 0 {
                        "Tools".to_owned()
                    } else {
                        "L".repeat(64)
                    },
                    FieldKind::MultipleChoice,
                    &refs,
                    false,
                ),
                Some("choice 3, choice 7"),
            )
        })
        .collect();
    let rows = info_buttons(i64::MIN, &fields);
    let n: usize = rows.iter().map(Vec::len).sum();
    assert!(n <= MAX_INFO_BUTTONS && n > 0, "{n}");
    for b in rows.iter().flatten() {
        let Button::Callback(text, data) = b else {
            panic!("a field button is a callback");
        };
        assert!(text.chars().count() <= MAX_BUTTON_CHARS, "{text}");
        let encoded = data.encode();
        assert!(encoded.len() <= 64, "{encoded}");
        assert_eq!(CallbackData::decode(&encoded), Ok(*data));
    }
    // A held choice's button takes it away; another adds it.
    let pick = |want: &str| {
        rows.iter().flatten().find_map(|b| match b {
            Button::Callback(t, CallbackData::Fields(FieldsButton::FieldPick { on, .. }))
                if t.ends_with(want) =>
            {
                Some(*on)
            }
            _ => None,
        })
    };
    assert_eq!(pick("choice 3"), Some(false));
    assert_eq!(pick("choice 4"), Some(true));
}

#[test]
fn every_fields_notice_has_escaped_text() {
    use crate::app::effects::FieldPrompt;
    use crate::domain::fields::DefinitionProblem;
    let field = crate::store::fields::Field {
        id: 3,
        def: def("plan", "<Plan>", FieldKind::SingleChoice, &["<free>"], true),
    };
    let tag = TagRow {
        handle: 9,
        tag: "<vip>".into(),
        tickets: 1,
        customers: 2,
    };
    let samples = vec![
        FieldsNotice::SetUsage {
            keys: vec!["<plan>".into()],
        },
        FieldsNotice::SetUsage { keys: vec![] },
        FieldsNotice::UnknownField {
            key: "<x>".into(),
            keys: vec!["<plan>".into()],
        },
        FieldsNotice::ValueSet {
            number: 7,
            label: "<Plan>".into(),
            kind: FieldKind::Text,
            value: Some("<pro>".into()),
        },
        FieldsNotice::ValueSet {
            number: 7,
            label: "<Plan>".into(),
            kind: FieldKind::Checkbox,
            value: None,
        },
        FieldsNotice::FieldList {
            fields: vec![field.clone()],
        },
        FieldsNotice::FieldList { fields: vec![] },
        FieldsNotice::FieldScreen {
            field: field.clone(),
            values: 2,
            confirm_delete: false,
        },
        FieldsNotice::FieldScreen {
            field,
            values: 2,
            confirm_delete: true,
        },
        FieldsNotice::Prompt {
            ask: FieldPrompt::Add,
        },
        FieldsNotice::Prompt {
            ask: FieldPrompt::Choices {
                label: "<Plan>".into(),
                current: vec!["<free>".into()],
            },
        },
        FieldsNotice::Prompt {
            ask: FieldPrompt::TagMerge {
                tag: "<vip>".into(),
            },
        },
        FieldsNotice::DefinitionRefused {
            problem: DefinitionProblem::BadKey {
                typed: "<x>".into(),
            },
        },
        FieldsNotice::TagList {
            tags: vec![tag.clone()],
            page: 1,
            pages: 3,
        },
        FieldsNotice::TagList {
            tags: vec![],
            page: 0,
            pages: 1,
        },
        FieldsNotice::TagScreen {
            tag: tag.clone(),
            confirm_delete: true,
        },
        FieldsNotice::TagScreen {
            tag,
            confirm_delete: false,
        },
        FieldsNotice::TagRefused {
            problem: TagProblem::Unknown {
                tag: "<vip>".into(),
            },
        },
        FieldsNotice::FilterUsage { mine: true },
    ];
    for n in samples {
        let r = render(&Notice::Fields(n.clone()), "bot");
        assert!(!r.text.trim().is_empty(), "{n:?}");
        for raw in ["<plan>", "<Plan>", "<x>", "<pro>", "<free>", "<vip>"] {
            assert!(!r.text.contains(raw), "{raw} unescaped in {}", r.text);
        }
    }
    let f = filter_line(&[
        TagFilter::Ticket("vip".into()),
        TagFilter::Customer("<c>".into()),
    ]);
    assert_eq!(f, "\nOnly tickets with: #vip · customer #&lt;c&gt;");
}

#[test]
fn a_filtered_queue_says_so_and_its_button_shows_the_whole_queue() {
    use crate::telegram::callback::RoutingButton;
    let queue = |filter: Vec<TagFilter>| {
        render(
            &Notice::Queue {
                workspace: "Acme".into(),
                strategy: "manual".into(),
                paused: false,
                depth: 1,
                overdue: 0,
                unassigned: vec![],
                agents: vec![],
                filter,
            },
            "bot",
        )
    };
    let plain = queue(vec![]);
    assert!(!plain.text.contains("Only tickets with"));
    let r = queue(vec![TagFilter::Ticket("vip".into())]);
    let lines: Vec<&str> = r.text.lines().collect();
    assert_eq!(lines.get(1), Some(&"Only tickets with: #vip"), "{}", r.text);
    let whole = r.keyboard.iter().flatten().flatten().find_map(|b| match b {
        Button::Callback(label, CallbackData::Routing(RoutingButton::Queue)) => Some(label),
        _ => None,
    });
    assert_eq!(whole.map(String::as_str), Some("📋 Whole queue"));
}
