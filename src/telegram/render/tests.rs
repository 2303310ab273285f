//! Tests of the whole rendering through [`notice`]: the long-message cut, and samples of
//! notices checked for text, escaping and button sizes.

use super::*;
use crate::app::effects::{AgentLoad, Missing, SlaAlertKind, SlaLine, TicketSummary};

#[test]
fn long_messages_are_cut_at_a_line_with_their_tags_closed_and_a_note() {
    let short = "<b>fits</b>";
    assert_eq!(fit_message(short), short);
    let line = format!("<b>{}</b> &amp; more", "x".repeat(80));
    let long: String = (0..100)
        .map(|_| line.clone())
        .collect::<Vec<_>>()
        .join("\n");
    let fitted = fit_message(&format!("<i>{long}</i>"));
    assert!(fitted.encode_utf16().count() <= MAX_MESSAGE_LEN);
    assert!(fitted.ends_with(SHORTENED));
    let body = fitted.trim_end_matches(SHORTENED);
    assert!(body.ends_with("more</i>"), "cut at a line end: {body:?}");
    assert!(open_tags(body).is_empty(), "{body:?}");
    // A single huge line is cut inside, but never inside a tag or an entity.
    let one_line = format!("<code>{}</code>", "&amp;".repeat(2000));
    let fitted = fit_message(&one_line);
    let body = fitted.trim_end_matches(SHORTENED);
    assert!(
        body.ends_with("&amp;</code>"),
        "{:?}",
        &body[body.len() - 20..]
    );
    assert!(fitted.encode_utf16().count() <= MAX_MESSAGE_LEN);
    // Wide characters count as Telegram counts them.
    let emoji = "🎫".repeat(3000);
    assert!(fit_message(&emoji).encode_utf16().count() <= MAX_MESSAGE_LEN);
}

fn routing_samples() -> Vec<Notice> {
    use crate::app::effects::{CategoryRow, KeywordRow, QueueTicket, RoutingView};
    let summary = TicketSummary {
        id: 1,
        number: 7,
        subject: "<script>".into(),
        status: "open".into(),
        priority: "urgent".into(),
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
        first_response_sla: Some(SlaLine {
            due_at: None,
            zone: None,
            left_secs: None,
            due: "Mon 23 Nov 10:00 CET".into(),
            left: "45 min".into(),
            breached: false,
            paused: false,
        }),
        resolution_sla: Some(SlaLine {
            due_at: None,
            zone: None,
            left_secs: None,
            due: String::new(),
            left: "3 h 00 min".into(),
            breached: false,
            paused: true,
        }),
        escalation_level: 2,
        tags: vec!["<vip>".into()],
        customer_tags: vec!["<churn>".into()],
        fields: vec![],
    };
    let agent = AgentLoad {
        user_id: 3,
        name: "<Ann>".into(),
        load: 2,
        max_open: 10,
        available: false,
        seat_active: true,
        skills: vec!["billing".into()],
    };
    let q = QueueTicket {
        id: 1,
        number: 7,
        subject: "<script>".into(),
        status: "open".into(),
        priority: "high".into(),
        waiting_minutes: 75,
        overdue: true,
        chat_id: -1001234567890,
        thread_id: 5,
    };
    vec![
        Notice::AssignedToYou {
            ticket: summary.clone(),
            by: None,
            note: Some("<i>".into()),
        },
        Notice::StaffAssigned {
            number: 7,
            subject: "<script>".into(),
            to: "<Ann>".into(),
            by: None,
            claimed: false,
            chat_id: -1001234567890,
            thread_id: 5,
        },
        Notice::UnassignedAlert {
            ticket: summary.clone(),
            minutes: 30,
        },
        Notice::Availability {
            workspace: "<Acme>".into(),
            available: true,
        },
        Notice::Availability {
            workspace: "<Acme>".into(),
            available: false,
        },
        Notice::Queue {
            workspace: "<Acme>".into(),
            strategy: "round_robin".into(),
            paused: true,
            depth: 3,
            overdue: 1,
            unassigned: vec![q.clone()],
            agents: vec![agent.clone()],
            filter: vec![],
        },
        Notice::AssignPicker {
            ticket: 1,
            number: 7,
            agents: vec![agent.clone()],
        },
        Notice::MyTickets {
            workspace: "<Acme>".into(),
            available: true,
            tickets: vec![q],
            reminders: vec![crate::app::effects::ReminderRow {
                id: 1,
                number: 7,
                due: "Mon".into(),
                due_at: None,
                zone: None,
                text: "<call>".into(),
            }],
            filter: vec![],
        },
        Notice::RoutingSettings {
            view: RoutingView {
                strategy: "skill".into(),
                paused: false,
                fallback: true,
                alert_minutes: 30,
                groups: vec![(-1001234567890, "<Support>".into(), None)],
            },
        },
        Notice::AgentsSettings {
            agents: vec![agent.clone()],
        },
        Notice::AgentSettings { agent },
        Notice::IntakeSettings {
            categories: vec![CategoryRow {
                id: 1,
                name: "<Billing>".into(),
                skill: Some("billing".into()),
                priority: "high".into(),
            }],
            keywords: vec![KeywordRow {
                id: 1,
                keyword: "<refund>".into(),
                skill: "billing".into(),
            }],
            timeout_minutes: 5,
        },
        Notice::Prompt {
            what: PromptKind::Skills {
                user: 3,
                name: "<Ann>".into(),
                current: String::new(),
            },
        },
        Notice::Prompt {
            what: PromptKind::Category,
        },
        Notice::Prompt {
            what: PromptKind::Keyword,
        },
        Notice::PromptCancelled,
        Notice::InvalidInput {
            reason: "<bad>".into(),
        },
        Notice::IntakeQuestion {
            ticket: 1,
            categories: vec![(1, "Billing".into()), (2, "Tech".into())],
        },
        Notice::IntakeChosen {
            category: "<Billing>".into(),
        },
        Notice::IntakeOnlyCustomer,
        Notice::SlaAlert {
            ticket: summary.clone(),
            kind: SlaAlertKind::ResolutionBreach,
            left: "0 min".into(),
            left_secs: None,
        },
        Notice::SlaAlert {
            ticket: summary.clone(),
            kind: SlaAlertKind::FirstResponseWarning,
            left: "5 min".into(),
            left_secs: None,
        },
        Notice::Escalated {
            ticket: summary.clone(),
            reason: "<why>".into(),
            by: Some("<Ann>".into()),
            admins: vec!["@olga".into()],
        },
        Notice::EscalationRaised {
            number: 7,
            level: 1,
        },
        Notice::RemindUsage,
        Notice::ReminderSet {
            number: 7,
            due: "Mon".into(),
            due_at: None,
            zone: None,
        },
        Notice::Reminder {
            ticket: summary.clone(),
            text: "<call>".into(),
        },
        Notice::ReminderCancelled,
        Notice::SlaSettings {
            rows: vec![
                crate::app::effects::PolicyRow {
                    priority: "urgent".into(),
                    targets: Some((30, 240, true, 80)),
                },
                crate::app::effects::PolicyRow {
                    priority: "low".into(),
                    targets: None,
                },
            ],
        },
        Notice::HoursSettings {
            time_zone: "Europe/Berlin".into(),
            week: "mon-fri 09:00-17:00".into(),
            holidays: vec![crate::app::effects::HolidayRow {
                label: "2026-12-25".into(),
                ymd: 20261225,
            }],
        },
        Notice::EscalationSettings {
            rules: vec![crate::app::effects::EscalationRow {
                id: 1,
                text: "manual -> post".into(),
            }],
        },
        Notice::Prompt {
            what: PromptKind::EscalationRule,
        },
        Notice::Prompt {
            what: PromptKind::Week,
        },
        Notice::TagUsage,
        Notice::Tagged {
            number: 7,
            customer: true,
            tags: vec!["<vip>".into()],
        },
    ]
}

/// Routing, SLA and tag notices are worded in their own area files: each one must really have
/// text there, and never carry raw markup from people's input.
#[test]
fn every_routing_notice_has_escaped_text() {
    for n in routing_samples() {
        let r = notice(&n, "bot");
        assert!(!r.text.trim().is_empty(), "{n:?}");
        for raw in [
            "<script>",
            "<Ann>",
            "<Acme>",
            "<i>",
            "<bad>",
            "<Billing>",
            "<refund>",
            "<Support>",
            "<call>",
            "<why>",
            "<vip>",
            "<churn>",
        ] {
            assert!(!r.text.contains(raw), "{raw} unescaped in {}", r.text);
        }
        for row in r.keyboard.iter().flatten() {
            for b in row {
                if let Button::Callback(_, d) = b {
                    assert!(d.encode().len() <= 64);
                }
            }
        }
    }
}

#[test]
fn connect_answer_names_every_missing_right() {
    let r = notice(
        &Notice::ConnectMissing {
            missing: vec![Missing::ManageTopics, Missing::PinMessages],
        },
        "bot",
    );
    assert!(r.text.contains("Manage topics"));
    assert!(r.text.contains("Pin messages"));
    assert!(!r.text.contains("Delete messages"));
}

/// A typed refusal shows exactly what the worded one of an older outbox row shows, keyboard
/// included, and escapes what the person typed.
#[test]
fn typed_refusals_read_as_the_worded_rows_they_replace() {
    use crate::app::effects::Invalid;
    use crate::domain::permissions::Denied;
    use crate::domain::seats::InviteProblem;
    let same = |typed: Notice, worded: Notice| {
        assert_eq!(notice(&typed, "bot"), notice(&worded, "bot"), "{typed:?}");
        assert!(!notice(&typed, "bot").text.is_empty(), "{typed:?}");
    };
    same(
        Notice::NotPermitted {
            denied: Denied::NeedsPro,
        },
        Notice::Denied {
            reason: "This needs a Pro seat.".into(),
        },
    );
    same(
        Notice::InviteUnusable {
            problem: InviteProblem::AlreadyMember,
        },
        Notice::InviteRefused {
            reason: "You are already a member of this workspace.".into(),
        },
    );
    let problem = Invalid::CategoryPriority {
        typed: "<bad>".into(),
    };
    same(
        Notice::InputRefused { problem },
        Notice::InvalidInput {
            reason: "\"<bad>\" is not a priority: use low, normal, high or urgent.".into(),
        },
    );
    let r = notice(
        &Notice::InputRefused {
            problem: Invalid::Category,
        },
        "bot",
    );
    assert!(r.text.starts_with("⚠️ Send: &lt;name&gt;; "), "{}", r.text);
    assert!(r.keyboard.is_some());
}

/// Times carried as data read exactly as the words older rows carried: the same line either
/// way, in the workspace's zone.
#[test]
fn typed_times_read_as_the_worded_rows_they_replace() {
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00Z")
        .expect("instant")
        .to_utc();
    let typed = SlaLine {
        due_at: Some(at),
        zone: Some("Europe/Berlin".into()),
        left_secs: Some(45 * 60),
        due: String::new(),
        left: String::new(),
        breached: false,
        paused: false,
    };
    let worded = SlaLine {
        due_at: None,
        zone: None,
        left_secs: None,
        due: "Mon 23 Nov 10:00 CET".into(),
        left: "45 min".into(),
        breached: false,
        paused: false,
    };
    assert_eq!(
        super::sla::clock_line("First response", &typed),
        super::sla::clock_line("First response", &worded)
    );
    let set = |due: &str, due_at, zone: Option<&str>| {
        notice(
            &Notice::ReminderSet {
                number: 7,
                due: due.into(),
                due_at,
                zone: zone.map(str::to_owned),
            },
            "bot",
        )
    };
    assert_eq!(
        set("", Some(at), Some("Europe/Berlin")),
        set("Mon 23 Nov 10:00 CET", None, None)
    );
}
