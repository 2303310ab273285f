//! Every variable, conditions, strict undefined, what the subset refuses, the limits of one
//! render, the typed forms, and the rights table.

use std::collections::BTreeMap;

use super::*;
use crate::domain::ids::UserId;
use crate::domain::permissions::{Denied, SeatKind, Subject, Toggle, Toggles};
use crate::domain::team::Role;

fn vars() -> Vars {
    Vars {
        customer_name: "Carol Smith".into(),
        customer_first_name: "Carol".into(),
        customer_username: "carols".into(),
        ticket_number: 42,
        subject: "Can't log in".into(),
        agent_name: "Ann Agent".into(),
        workspace_name: "Acme".into(),
        priority: "high".into(),
        category: "billing".into(),
        fields: BTreeMap::from([
            ("plan".to_owned(), "Pro".to_owned()),
            ("seats".to_owned(), "5".to_owned()),
        ]),
    }
}

fn ok(body: &str) -> String {
    check(body).unwrap_or_else(|p| panic!("{body:?} refused at save: {p:?}"));
    render(body, &vars()).unwrap_or_else(|p| panic!("{body:?} failed to render: {p:?}"))
}

#[test]
fn every_variable_renders_its_value() {
    let cases = [
        ("{{ customer_name }}", "Carol Smith"),
        ("{{ customer_first_name }}", "Carol"),
        ("{{ customer_username }}", "carols"),
        ("{{ ticket_number }}", "42"),
        (
            "{% if ticket_number > 41 %}#{{ ticket_number }}{% endif %}",
            "#42",
        ),
        ("{{ subject }}", "Can't log in"),
        ("{{ agent_name }}", "Ann Agent"),
        ("{{ workspace_name }}", "Acme"),
        ("{{ priority }}", "high"),
        ("{{ category }}", "billing"),
        ("{{ fields.plan }}", "Pro"),
        ("{{ fields['seats'] }}", "5"),
    ];
    for (body, want) in cases {
        assert_eq!(ok(body), want, "{body}");
    }
    assert_eq!(
        ok("Hi {{ customer_first_name }}, ticket #{{ ticket_number }} ({{ subject }}) is with {{ agent_name }} of {{ workspace_name }}."),
        "Hi Carol, ticket #42 (Can't log in) is with Ann Agent of Acme."
    );
    // Every documented variable is accepted at save.
    for v in VARIABLES {
        assert!(check(&format!("{{{{ {v} }}}}")).is_ok(), "{v}");
    }
}

#[test]
fn conditions_loops_and_filters_work_on_the_ticket() {
    let body = r#"{% if category == "billing" %}Billing will call you.{% elif category == "tech" %}Tech.{% else %}Thanks.{% endif %}"#;
    assert_eq!(ok(body), "Billing will call you.");
    let mut other = vars();
    other.category = String::new();
    assert_eq!(render(body, &other).as_deref(), Ok("Thanks."));
    assert_eq!(
        ok("{% if priority in ['high', 'urgent'] and ticket_number > 40 %}fast{% endif %}"),
        "fast"
    );
    assert_eq!(
        ok("{% for key in fields %}{{ key }}={{ fields[key] }};{% endfor %}"),
        "plan=Pro;seats=5;"
    );
    assert_eq!(
        ok("{{ customer_first_name|upper }} {{ subject|lower }} {{ workspace_name|length }}"),
        "CAROL can't log in 4"
    );
    assert_eq!(
        ok("{{ fields.missing|default('none') }} {% if fields.missing is defined %}x{% else %}y{% endif %}"),
        "none y"
    );
    // Whitespace control and comments.
    assert_eq!(ok("a {#- note -#} b {%- if true %} c{% endif -%} "), "ab c");
}

#[test]
fn unknown_variables_are_refused_at_save_and_fields_may_be_any_key() {
    assert_eq!(
        check("Hi {{ customer_nme }}"),
        Err(TemplateProblem::UnknownVariable {
            name: "customer_nme".into()
        })
    );
    assert_eq!(
        check("{% if vip %}x{% endif %}"),
        Err(TemplateProblem::UnknownVariable { name: "vip".into() })
    );
    assert_eq!(
        check("{{ subject.foo }}"),
        Err(TemplateProblem::UnknownVariable {
            name: "subject.foo".into()
        })
    );
    // A field that no ticket has yet may be defined later.
    assert!(check("Plan: {{ fields.not_yet_defined }}").is_ok());
    // Loop variables are declared by the loop.
    assert!(check("{% for k in fields %}{{ k }}{{ loop.index }}{% endfor %}").is_ok());
}

#[test]
fn strict_undefined_names_the_missing_variable_at_render() {
    let mut v = vars();
    v.fields.clear();
    assert_eq!(
        render("Plan: {{ fields.plan }}", &v),
        Err(TemplateProblem::Undefined {
            name: "fields.plan".into()
        })
    );
    assert_eq!(
        render("Plan: {{ fields.plan|upper }}", &v),
        Err(TemplateProblem::Undefined {
            name: "fields.plan".into()
        })
    );
    assert_eq!(
        render(
            "{% if fields.plan == 'Pro' %}x{% endif %} {{ subject }}",
            &v
        ),
        Err(TemplateProblem::Undefined {
            name: "fields.plan".into()
        })
    );
    // A body saved before a rule changed, naming a variable nobody has.
    assert_eq!(
        render("{{ nope }}", &v),
        Err(TemplateProblem::Undefined {
            name: "nope".into()
        })
    );
}

#[test]
fn syntax_errors_are_refused_with_their_line() {
    match check("line one\n{% if category %}\nno end") {
        Err(TemplateProblem::Syntax { line, detail }) => {
            assert!(line.is_some(), "{detail}");
            assert!(!detail.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        check("{{ }}"),
        Err(TemplateProblem::Syntax { .. })
    ));
    assert!(matches!(
        check("{{ subject|nosuchfilter }}"),
        Err(TemplateProblem::Failed { .. })
    ));
    // Only the cheap filters exist (`title` costs a hundred times more per character).
    for f in FILTERS {
        assert!(check(&format!("{{{{ subject|{f} }}}}")).is_ok(), "{f}");
    }
    assert!(matches!(
        check("{{ subject|title }}"),
        Err(TemplateProblem::Failed { .. })
    ));
    assert!(matches!(
        check("{{ ticket_number - subject }}"),
        Err(TemplateProblem::Failed { .. })
    ));
}

#[test]
fn output_is_plain_text_for_the_adapter_to_escape() {
    // No auto-escaping here: the adapter escapes the whole text once (body and values alike).
    let mut v = vars();
    v.customer_name = "<b>x</b> & \"co\"".into();
    assert_eq!(
        render("Dear {{ customer_name }} <3 & {{ '<i>' }}", &v).as_deref(),
        Ok("Dear <b>x</b> & \"co\" <3 & <i>")
    );
}

#[test]
fn the_subset_refuses_what_could_grow_values_or_capture_output() {
    for (body, what) in [
        ("{{ 'x' * 100000000 }}", "*"),
        ("{% for i in range(10**9) %}x{% endfor %}", "*"),
        ("{{ subject ~ subject }}", "~"),
        ("{{ subject + subject }}", "+"),
        ("{% set s = subject %}", "{% set %}"),
        ("{% filter upper %}x{% endfilter %}", "{% filter %}"),
        ("{% macro m() %}x{% endmacro %}", "{% macro %}"),
        ("{% raw %}{{ x }}{% endraw %}", "{% raw %}"),
        ("{% include 'other' %}", "{% include %}"),
        ("{%- with a = 1 %}{% endwith %}", "{% with %}"),
        // A map literal's `}}` must not end the tag early and hide what follows it.
        (
            "{% if ticket_number > 1 %}{{ [{\"a\": {\"b\": 1}}, \"x\"*100000000][1]|length }}{% endif %}",
            "{",
        ),
        ("{{ {'a': 1} }}", "{"),
        ("{{ subject } }}", "}"),
    ] {
        assert_eq!(
            check(body),
            Err(TemplateProblem::NotAllowed { what: what.into() }),
            "{body}"
        );
    }
    // Inside strings and outside tags these characters are text.
    assert_eq!(ok("{{ '{}}' }} {x}"), "{}} {x}");
    assert_eq!(
        ok("5 * 3 ~ 2 + 1 = {{ 'a*b~c+d' }} {% if subject != \"*\" %}ok{% endif %}"),
        "5 * 3 ~ 2 + 1 = a*b~c+d ok"
    );
    assert!(check("{%+ if true +%}x{% endif %}").is_ok());
    // range() is no function here either.
    assert!(check("{% for i in range(1000000000) %}x{% endfor %}").is_err());
}

#[test]
fn one_render_costs_bounded_work_and_output() {
    // Nested loops over the fields run out of fuel rather than for ever.
    let mut v = vars();
    v.fields = (0..60).map(|i| (format!("k{i}"), "v".into())).collect();
    let nested = "{% for a in fields %}{% for b in fields %}{% for c in fields %}{{ a }}{% endfor %}{% endfor %}{% endfor %}";
    assert!(check(nested).is_ok(), "no fields to loop over at save");
    assert_eq!(render(nested, &v), Err(TemplateProblem::TooMuchWork));
    // Output longer than a message is refused, not cut.
    v.fields = (0..40)
        .map(|i| (format!("k{i:02}"), "x".repeat(200)))
        .collect();
    assert_eq!(
        render("{% for k in fields %}{{ fields[k] }}{% endfor %}", &v),
        Err(TemplateProblem::OutputTooLong {
            max: MAX_OUTPUT_CHARS
        })
    );
    // Deep nesting is refused by the parser's own limit.
    let deep = format!("{}x{}", "{% if 1 %}".repeat(180), "{% endif %}".repeat(180));
    assert!(deep.chars().count() <= MAX_BODY_CHARS);
    assert!(
        matches!(body_of(&deep), Err(TemplateProblem::Syntax { .. })),
        "{:?}",
        body_of(&deep)
    );
    let deep = format!("{}x{}", "(".repeat(1000), ")".repeat(1000));
    assert!(matches!(
        check(&format!("{{{{ {deep} }}}}")),
        Err(TemplateProblem::Syntax { .. })
    ));
    assert_eq!(
        body_of(&"x".repeat(MAX_BODY_CHARS + 1)),
        Err(TemplateProblem::BodyTooLong {
            max: MAX_BODY_CHARS
        })
    );
    assert_eq!(
        render("{% if false %}x{% endif %}  ", &vars()),
        Err(TemplateProblem::EmptyOutput)
    );
}

#[test]
fn typed_forms_read_name_category_and_body() {
    assert_eq!(
        parse_draft(
            " Refund | Billing \nHi {{ customer_first_name|upper }} | your refund\nis on its way "
        ),
        Ok(Draft {
            name: "refund".into(),
            category: "Billing".into(),
            body: "Hi {{ customer_first_name|upper }} | your refund\nis on its way".into(),
        })
    );
    assert_eq!(
        parse_draft("hello\nHi there"),
        Ok(Draft {
            name: "hello".into(),
            category: String::new(),
            body: "Hi there".into(),
        })
    );
    assert_eq!(parse_draft("hello | Hi there"), Err(TemplateProblem::Form));
    assert!(matches!(
        parse_draft("two words | x\nbody"),
        Err(TemplateProblem::BadName { .. })
    ));
    assert_eq!(parse_draft("a | b\n  "), Err(TemplateProblem::EmptyBody));
    assert_eq!(
        parse_draft("a | b | c\nbody"),
        Err(TemplateProblem::LabelForm)
    );
    assert_eq!(
        parse_draft(&format!("a | {}\nbody", "c".repeat(MAX_CATEGORY_CHARS + 1))),
        Err(TemplateProblem::BadCategory)
    );
    assert_eq!(
        parse_label("Greeting-2 | General"),
        Ok(("greeting-2".into(), "General".into()))
    );
    assert_eq!(parse_label("solo"), Ok(("solo".into(), String::new())));
    assert_eq!(parse_label("a | b | c"), Err(TemplateProblem::LabelForm));
    assert!(name_of(&"n".repeat(MAX_NAME_CHARS)).is_ok());
    assert!(name_of(&"n".repeat(MAX_NAME_CHARS + 1)).is_err());
    assert!(name_of("").is_err());
    assert!(name_of("héllo").is_err());
}

fn subject(role: Role, active: bool) -> Subject {
    Subject {
        role,
        seat: if role == Role::Owner {
            SeatKind::Owner
        } else {
            SeatKind::Basic
        },
        seat_active: active,
    }
}

#[test]
fn rights_follow_the_toggle_for_members_and_keep_personal_templates_private() {
    let on = Toggles::default();
    let off = Toggles {
        shared_templates: false,
        ..Toggles::default()
    };
    let (me, other) = (UserId(1), UserId(2));
    let shared_mine = Template {
        shared: true,
        author: me,
    };
    let shared_theirs = Template {
        shared: true,
        author: other,
    };
    let personal_mine = Template {
        shared: false,
        author: me,
    };
    let personal_theirs = Template {
        shared: false,
        author: other,
    };
    let member = subject(Role::Member, true);
    let admin = subject(Role::Admin, true);
    let owner = subject(Role::Owner, true);
    let lapsed = subject(Role::Admin, false);
    let turned_off = Verdict::Denied(Denied::TurnedOff(Toggle::SharedTemplates));

    // Creating.
    assert_eq!(may_create(&member, true, &on), Ok(()));
    assert_eq!(
        may_create(&member, true, &off),
        Err(Denied::TurnedOff(Toggle::SharedTemplates))
    );
    assert_eq!(may_create(&member, false, &off), Ok(()));
    assert_eq!(may_create(&admin, true, &off), Ok(()));
    assert_eq!(may_create(&owner, true, &off), Ok(()));
    assert_eq!(may_create(&lapsed, false, &on), Err(Denied::SeatExpired));

    // Using.
    assert_eq!(may_use(&member, me, shared_theirs, &on), Verdict::Allowed);
    assert_eq!(may_use(&member, me, shared_theirs, &off), turned_off);
    assert_eq!(may_use(&admin, me, shared_theirs, &off), Verdict::Allowed);
    assert_eq!(may_use(&member, me, personal_mine, &off), Verdict::Allowed);
    assert_eq!(may_use(&owner, me, personal_theirs, &on), Verdict::Hidden);
    assert_eq!(
        may_use(&lapsed, me, shared_mine, &on),
        Verdict::Denied(Denied::SeatExpired)
    );

    // Changing.
    assert_eq!(may_change(&member, me, shared_mine, &on), Verdict::Allowed);
    assert_eq!(may_change(&member, me, shared_mine, &off), turned_off);
    assert_eq!(
        may_change(&member, me, shared_theirs, &on),
        Verdict::Denied(Denied::NeedsRole(Role::Admin))
    );
    assert_eq!(
        may_change(&admin, me, shared_theirs, &off),
        Verdict::Allowed
    );
    assert_eq!(
        may_change(&member, me, personal_mine, &off),
        Verdict::Allowed
    );
    assert_eq!(
        may_change(&admin, me, personal_theirs, &on),
        Verdict::Hidden
    );
    assert_eq!(
        may_change(&lapsed, me, personal_mine, &on),
        Verdict::Denied(Denied::SeatExpired)
    );
}

proptest::proptest! {
    /// Whatever is typed, saving answers (accepted or a problem) and a saved body renders or
    /// fails within the output limit.
    #[test]
    fn any_body_is_checked_and_rendered_within_bounds(
        body in proptest::prop_oneof![
            proptest::arbitrary::any::<String>(),
            "([a-z ]{0,5}|\\{\\{ ?(customer_name|fields\\.[a-z]{1,3}|subject|x)(\\|upper)? ?\\}\\}|\\{% ?(if|for|endif|endfor|else|set|raw) ?[a-z =\"'*~+]{0,8}%\\}|\\{#|#\\}|[{}%*~+\"'])*",
        ],
    ) {
        if check(&body).is_ok() {
            if let Ok(text) = render(&body, &vars()) {
                proptest::prop_assert!(text.chars().count() <= MAX_OUTPUT_CHARS);
                proptest::prop_assert!(!text.is_empty());
            }
        }
    }
}
