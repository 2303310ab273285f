//! Reading typed values and definitions: one test per type, the definition line, and
//! properties over arbitrary input.

use super::*;

fn def(kind: FieldKind, choices: &[&str]) -> FieldDef {
    FieldDef {
        key: "k".into(),
        label: "K".into(),
        kind,
        choices: choices.iter().map(|c| (*c).to_owned()).collect(),
        required: false,
    }
}

fn keyed(key: &str, kind: FieldKind, choices: &[&str]) -> FieldDef {
    FieldDef {
        key: key.into(),
        ..def(kind, choices)
    }
}

#[test]
fn text_is_trimmed_and_bounded() {
    let d = def(FieldKind::Text, &[]);
    assert_eq!(parse_value(&d, "  hello world "), Ok("hello world".into()));
    assert_eq!(
        parse_value(&d, &"é".repeat(MAX_TEXT_CHARS)),
        Ok("é".repeat(MAX_TEXT_CHARS))
    );
    assert_eq!(
        parse_value(&d, &"x".repeat(MAX_TEXT_CHARS + 1)),
        Err(ValueProblem::TooLong {
            key: "k".into(),
            max: MAX_TEXT_CHARS
        })
    );
}

#[test]
fn numbers_are_stored_in_their_shortest_form() {
    let d = keyed("priority-score", FieldKind::Number, &[]);
    for (typed, stored) in [
        ("7", "7"),
        ("3.50", "3.5"),
        ("-2", "-2"),
        ("+4", "4"),
        ("1e3", "1000"),
        ("0.1", "0.1"),
        ("-0", "0"),
        (" 12 ", "12"),
    ] {
        assert_eq!(parse_value(&d, typed), Ok(stored.into()), "{typed}");
    }
    for bad in [
        "high",
        "1,5",
        "1.2.3",
        "inf",
        "NaN",
        "",
        "1e400",
        "٣",
        &"9".repeat(65),
    ] {
        assert_eq!(
            parse_value(&d, bad),
            Err(ValueProblem::NotANumber {
                key: "priority-score".into()
            }),
            "{bad}"
        );
    }
}

#[test]
fn checkboxes_read_the_usual_words() {
    let d = def(FieldKind::Checkbox, &[]);
    for yes in ["yes", "YES", "true", "on", "1", "y"] {
        assert_eq!(parse_value(&d, yes), Ok("yes".into()), "{yes}");
    }
    for no in ["no", "False", "off", "0", "n"] {
        assert_eq!(parse_value(&d, no), Ok("no".into()), "{no}");
    }
    assert_eq!(
        parse_value(&d, "maybe"),
        Err(ValueProblem::NotYesNo { key: "k".into() })
    );
}

#[test]
fn dates_are_year_month_day() {
    let d = def(FieldKind::Date, &[]);
    assert_eq!(parse_value(&d, "2026-12-31"), Ok("2026-12-31".into()));
    for bad in ["2026-02-30", "31.12.2026", "2026-1-5", "tomorrow"] {
        assert_eq!(
            parse_value(&d, bad),
            Err(ValueProblem::NotADate { key: "k".into() }),
            "{bad}"
        );
    }
}

#[test]
fn a_single_choice_is_one_of_the_choices_spelled_as_defined() {
    let d = keyed("plan", FieldKind::SingleChoice, &["free", "pro", "Team"]);
    assert_eq!(parse_value(&d, "PRO"), Ok("pro".into()));
    assert_eq!(parse_value(&d, "team"), Ok("Team".into()));
    assert_eq!(
        parse_value(&d, "gold"),
        Err(ValueProblem::NotAChoice {
            key: "plan".into(),
            choices: vec!["free".into(), "pro".into(), "Team".into()]
        })
    );
}

#[test]
fn a_multiple_choice_is_a_comma_separated_subset_in_the_defined_order() {
    let d = def(FieldKind::MultipleChoice, &["slack", "email", "phone"]);
    assert_eq!(
        parse_value(&d, "phone, Slack,phone"),
        Ok("slack, phone".into())
    );
    for bad in ["fax", "slack, fax", " , "] {
        assert!(
            matches!(parse_value(&d, bad), Err(ValueProblem::NotChoices { .. })),
            "{bad}"
        );
    }
}

#[test]
fn toggling_choices_keeps_the_defined_order_and_parts_no_longer_offered() {
    let choices: Vec<String> = ["a", "b", "c"].iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(toggle_choice(&choices, None, "b", true), Some("b".into()));
    assert_eq!(
        toggle_choice(&choices, Some("b"), "a", true),
        Some("a, b".into())
    );
    assert_eq!(
        toggle_choice(&choices, Some("a, b"), "A", false),
        Some("b".into())
    );
    assert_eq!(toggle_choice(&choices, Some("b"), "b", false), None);
    assert_eq!(
        toggle_choice(&choices, Some("old, b"), "a", true),
        Some("a, b, old".into())
    );
    assert!(holds_choice(FieldKind::MultipleChoice, Some("a, B"), "b"));
    assert!(!holds_choice(FieldKind::MultipleChoice, Some("ab"), "a"));
    assert!(holds_choice(FieldKind::SingleChoice, Some("Pro"), "pro"));
    assert!(!holds_choice(FieldKind::SingleChoice, None, "pro"));
}

#[test]
fn a_required_field_cannot_be_cleared() {
    let mut d = def(FieldKind::Text, &[]);
    assert_eq!(clear(&d), Ok(()));
    d.required = true;
    assert_eq!(clear(&d), Err(ValueProblem::Required { key: "k".into() }));
}

#[test]
fn choice_checks_are_stable_and_ignore_case() {
    assert_eq!(choice_check("pro"), choice_check("PRO"));
    assert_ne!(choice_check("pro"), choice_check("free"));
    // Frozen: buttons already in chats carry these.
    assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
}

#[test]
fn definitions_read_as_one_line() {
    assert_eq!(
        parse_definition("plan | Plan | single | free, pro, team | required"),
        Ok(FieldDef {
            key: "plan".into(),
            label: "Plan".into(),
            kind: FieldKind::SingleChoice,
            choices: vec!["free".into(), "pro".into(), "team".into()],
            required: true,
        })
    );
    assert_eq!(
        parse_definition("Priority-Score | Priority   score | number"),
        Ok(FieldDef {
            key: "priority-score".into(),
            label: "Priority score".into(),
            kind: FieldKind::Number,
            choices: vec![],
            required: false,
        })
    );
    let d = parse_definition("vip | VIP | checkbox | required").expect("a checkbox");
    assert!(d.required && d.choices.is_empty());
    let d = parse_definition("due | Due | date | | required").expect("a date");
    assert!(d.required);
    let d = parse_definition("tools | Tools | multi | a, b").expect("a multiple choice");
    assert_eq!((d.kind, d.required), (FieldKind::MultipleChoice, false));
}

#[test]
fn bad_definitions_say_what_is_wrong() {
    use DefinitionProblem as P;
    for (line, problem) in [
        ("plan", P::Form),
        ("a|b|c|d|e|f", P::Form),
        (
            "Plan!| Plan | single | a",
            P::BadKey {
                typed: "Plan!".into(),
            },
        ),
        ("plan | | single | a", P::BadLabel { max: 64 }),
        (
            "plan | Plan | colour",
            P::UnknownKind {
                typed: "colour".into(),
            },
        ),
        ("plan | Plan | single", P::NoChoices),
        ("plan | Plan | single | , ,", P::NoChoices),
        ("n | N | number | a, b", P::ChoicesNotAllowed),
        ("n | N | number | a | required", P::ChoicesNotAllowed),
        (
            "n | N | number | maybe",
            P::BadRequired {
                typed: "maybe".into(),
            },
        ),
        (
            "plan | Plan | single | a, A",
            P::DuplicateChoice { choice: "A".into() },
        ),
        (
            "plan | Plan | single | a | sometimes",
            P::BadRequired {
                typed: "sometimes".into(),
            },
        ),
    ] {
        assert_eq!(parse_definition(line), Err(problem), "{line}");
    }
    let long = format!("k | K | single | {}", "x".repeat(MAX_CHOICE_CHARS + 1));
    assert_eq!(
        parse_definition(&long),
        Err(P::ChoiceTooLong {
            max: MAX_CHOICE_CHARS
        })
    );
    let many: Vec<String> = (0..=MAX_CHOICES).map(|i| format!("c{i}")).collect();
    assert_eq!(
        parse_choices(&many.join(",")),
        Err(P::TooManyChoices { max: MAX_CHOICES })
    );
    assert_eq!(parse_choices(&many[1..].join(",")).map(|c| c.len()), Ok(50));
    assert!(parse_key(&"k".repeat(MAX_KEY_CHARS)).is_ok());
    assert!(parse_key(&"k".repeat(MAX_KEY_CHARS + 1)).is_err());
    assert!(parse_key("ключ").is_err());
}

#[test]
fn kinds_read_their_short_names_and_round_trip() {
    for k in FieldKind::ALL {
        assert_eq!(FieldKind::parse(k.as_str()), Some(k));
    }
    assert_eq!(FieldKind::parse("Single"), Some(FieldKind::SingleChoice));
    assert_eq!(
        FieldKind::parse("multiple choice"),
        Some(FieldKind::MultipleChoice)
    );
    assert_eq!(FieldKind::parse("yes/no"), Some(FieldKind::Checkbox));
    assert_eq!(FieldKind::parse("list"), None);
}

proptest::proptest! {
    /// Whatever is typed, a value is read or refused, and what is stored reads back as itself.
    #[test]
    fn any_value_is_read_or_refused_and_stored_values_are_canonical(
        typed in proptest::prop_oneof![
            proptest::arbitrary::any::<String>(),
            "[-+0-9.eE]{0,12}",
            "(yes|no|on|off|[a-c]|, ){0,5}",
        ],
        k in 0usize..6,
    ) {
        let kind = FieldKind::ALL[k];
        let d = def(kind, &["a", "b", "c"]);
        if let Ok(stored) = parse_value(&d, &typed) {
            proptest::prop_assert!(stored.chars().count() <= MAX_TEXT_CHARS.max(400));
            proptest::prop_assert_eq!(parse_value(&d, &stored), Ok(stored.clone()));
        }
    }

    /// Whatever is typed as a definition, it is read within bounds or refused.
    #[test]
    fn any_definition_is_read_within_bounds_or_refused(
        text in proptest::prop_oneof![
            proptest::arbitrary::any::<String>(),
            "[a-z]{1,5} \\| [A-Za-z ]{0,8} \\| (text|single|multi|number) \\| [a-z, ]{0,20}( \\| required)?",
        ],
    ) {
        if let Ok(d) = parse_definition(&text) {
            proptest::prop_assert!(parse_key(&d.key).is_ok());
            proptest::prop_assert!(!d.label.is_empty() && d.label.chars().count() <= MAX_LABEL_CHARS);
            proptest::prop_assert!(d.choices.len() <= MAX_CHOICES);
            proptest::prop_assert_eq!(d.kind.has_choices(), !d.choices.is_empty());
        }
    }
}
