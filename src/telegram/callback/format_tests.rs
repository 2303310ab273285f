//! Tests freezing the wire format: the exact string of every button, the field codes, and
//! what garbage decodes to. These strings are sitting in chats; change them and old buttons
//! break.

use super::tests::VARIANTS;
use super::wire::{strategy_code, INHERIT_CODE};
use super::*;
use crate::app::effects::NumberSetting;
use crate::domain::ids::UserId;
use crate::domain::routing::Strategy as Routing;
use crate::domain::ticket::Priority;
// One short name per area keeps the cases readable.
use super::{
    FieldsButton as Fd, PrivacyButton as Pv, RoutingButton as Rt, SlaButton as Sl,
    TeamButton as Tm, TemplateButton as Tp, TicketButton as Tk, WorkspaceButton as Ws,
};

/// Freezes the wire format: these strings are sitting in chats.
#[test]
fn wire_format_is_stable() {
    use CallbackData as C;
    let t = TicketId(42);
    let cases = [
        (C::Ticket(Tk::Claim { ticket: t }), "1|cm|42"),
        (C::Ticket(Tk::AssignMenu { ticket: t }), "1|am|42"),
        (
            C::Ticket(Tk::AssignTo {
                ticket: t,
                agent: UserId(777000),
            }),
            "1|at|42|777000",
        ),
        (C::Ticket(Tk::Pending { ticket: t }), "1|pd|42"),
        (C::Ticket(Tk::Resolve { ticket: t }), "1|rs|42"),
        (C::Ticket(Tk::Close { ticket: t }), "1|cl|42"),
        (C::Ticket(Tk::Reopen { ticket: t }), "1|ro|42"),
        (C::Ticket(Tk::PriorityMenu { ticket: t }), "1|pm|42"),
        (
            C::Ticket(Tk::SetPriority {
                ticket: t,
                priority: Priority::Urgent,
            }),
            "1|sp|42|u",
        ),
        (C::Ticket(Tk::BackToCard { ticket: t }), "1|bk|42"),
        (
            C::Ticket(Tk::Csat {
                ticket: t,
                score: 5,
            }),
            "1|cs|42|5",
        ),
        (C::Workspace(Ws::CreateWorkspace), "1|ws"),
        (C::Workspace(Ws::SettingsToggleBodies), "1|tb"),
        (C::Workspace(Ws::SettingsAutoClose { hours: 48 }), "1|ac|48"),
        (C::Team(Tm::BuySeat { pro: true }), "1|by|1"),
        (C::Team(Tm::MembersList), "1|ml"),
        (C::Team(Tm::MemberMenu { user: UserId(7) }), "1|mm|7"),
        (
            C::Team(Tm::MemberRole {
                user: UserId(7),
                admin: false,
            }),
            "1|mr|7|0",
        ),
        (
            C::Team(Tm::MemberSeat {
                user: UserId(7),
                pro: true,
            }),
            "1|ms|7|1",
        ),
        (C::Team(Tm::MemberRemove { user: UserId(7) }), "1|mx|7"),
        (
            C::Team(Tm::LeaveDecision {
                request: 3,
                approve: true,
            }),
            "1|ld|3|1",
        ),
        (C::Team(Tm::TransferConfirm { user: UserId(7) }), "1|tc|7"),
        (C::Workspace(Ws::SettingsHome), "1|sh"),
        (C::Team(Tm::SettingsPermissions), "1|sm"),
        (C::Team(Tm::PermissionToggle { index: 2 }), "1|pt|2"),
        (C::Routing(Rt::SettingsRouting), "1|rt"),
        (
            C::Routing(Rt::RoutingStrategy {
                strategy: Routing::LeastLoaded,
            }),
            "1|rg|l",
        ),
        (C::Routing(Rt::RoutingPause { paused: true }), "1|rp|1"),
        (C::Routing(Rt::RoutingFallback { on: false }), "1|rf|0"),
        (C::Routing(Rt::RoutingAlert { minutes: 30 }), "1|ra|30"),
        (
            C::Routing(Rt::GroupStrategy {
                chat: -1001234567890,
                strategy: None,
            }),
            "1|gs|-1001234567890|i",
        ),
        (C::Routing(Rt::SettingsAgents), "1|ag"),
        (C::Routing(Rt::AgentMenu { user: UserId(7) }), "1|au|7"),
        (
            C::Routing(Rt::AgentCapacity {
                user: UserId(7),
                max_open: 5,
            }),
            "1|ax|7|5",
        ),
        (C::Routing(Rt::AgentSkills { user: UserId(7) }), "1|ak|7"),
        (C::Routing(Rt::SettingsIntake), "1|ic"),
        (C::Routing(Rt::CategoryAdd), "1|ia"),
        (C::Routing(Rt::CategoryDelete { id: 3 }), "1|id|3"),
        (C::Routing(Rt::KeywordAdd), "1|ka"),
        (C::Routing(Rt::KeywordDelete { id: 3 }), "1|kd|3"),
        (
            C::Routing(Rt::PickCategory {
                ticket: t,
                category: 3,
            }),
            "1|pc|42|3",
        ),
        (C::Workspace(Ws::PromptCancel), "1|px"),
        (C::Routing(Rt::Queue), "1|qu"),
        (C::Routing(Rt::QueueAssign { ticket: t }), "1|qa|42"),
        (C::Sla(Sl::SettingsSla), "1|sl"),
        (
            C::Sla(Sl::SlaEdit {
                priority: Priority::High,
            }),
            "1|se|h",
        ),
        (
            C::Sla(Sl::SlaClear {
                priority: Priority::Low,
            }),
            "1|sx|l",
        ),
        (C::Sla(Sl::SettingsHours), "1|hs"),
        (
            C::Sla(Sl::HoursEdit {
                what: HoursField::TimeZone,
            }),
            "1|he|z",
        ),
        (
            C::Sla(Sl::HolidayDelete { date: 20261225 }),
            "1|hd|20261225",
        ),
        (C::Sla(Sl::SettingsEscalation), "1|es"),
        (C::Sla(Sl::EscalationAdd), "1|ea"),
        (C::Sla(Sl::EscalationDelete { id: 3 }), "1|ed|3"),
        (C::Sla(Sl::ReminderCancel { id: 3 }), "1|rc|3"),
        (
            C::Workspace(Ws::NumberPrompt {
                setting: NumberSetting::UnassignedAlert,
            }),
            "1|np|a",
        ),
        (C::Routing(Rt::IntakeTimeout { minutes: 10 }), "1|iu|10"),
        (C::Kb(KbButton::KbList { page: 2 }), "1|zl|2"),
        (C::Kb(KbButton::KbArticle { id: 7 }), "1|za|7"),
        (C::Kb(KbButton::KbAdd), "1|zn"),
        (C::Kb(KbButton::KbEdit { id: 7 }), "1|ze|7"),
        (C::Kb(KbButton::KbDelete { id: 7 }), "1|zd|7"),
        (C::Kb(KbButton::KbExternal), "1|zx"),
        (C::Kb(KbButton::KbExternalUrl), "1|zu"),
        (C::Kb(KbButton::KbExternalToken), "1|zt"),
        (C::Kb(KbButton::KbExternalClear), "1|zc"),
        (
            C::Kb(KbButton::KbPost {
                ticket: TicketId(12),
                article: 7,
            }),
            "1|zp|12|7",
        ),
        (C::Fields(Fd::SettingsFields), "1|fs"),
        (C::Fields(Fd::FieldMenu { field: 3 }), "1|fm|3"),
        (C::Fields(Fd::FieldAdd), "1|fa"),
        (C::Fields(Fd::FieldLabel { field: 3 }), "1|fl|3"),
        (C::Fields(Fd::FieldChoices { field: 3 }), "1|fc|3"),
        (
            C::Fields(Fd::FieldRequired { field: 3, on: true }),
            "1|fr|3|1",
        ),
        (C::Fields(Fd::FieldDelete { field: 3 }), "1|fd|3"),
        (C::Fields(Fd::FieldDeleteConfirm { field: 3 }), "1|fx|3"),
        (
            C::Fields(Fd::FieldPick {
                ticket: t,
                field: 3,
                choice: 2,
                check: 65535,
                on: false,
            }),
            "1|fp|42|3|2|65535|0",
        ),
        (
            C::Fields(Fd::FieldCheck {
                ticket: t,
                field: 3,
                on: true,
            }),
            "1|fk|42|3|1",
        ),
        (C::Fields(Fd::TagsPage { page: 2 }), "1|ys|2"),
        (C::Fields(Fd::TagMenu { tag: -9 }), "1|ym|-9"),
        (C::Fields(Fd::TagRename { tag: -9 }), "1|yr|-9"),
        (C::Fields(Fd::TagMerge { tag: -9 }), "1|yg|-9"),
        (C::Fields(Fd::TagDelete { tag: -9 }), "1|yd|-9"),
        (C::Fields(Fd::TagDeleteConfirm { tag: -9 }), "1|yx|-9"),
        (C::Templates(Tp::List { page: 2 }), "1|jl|2"),
        (C::Templates(Tp::Add { shared: true }), "1|ja|1"),
        (C::Templates(Tp::Show { id: 7 }), "1|jv|7"),
        (C::Templates(Tp::EditBody { id: 7 }), "1|jb|7"),
        (C::Templates(Tp::EditLabel { id: 7 }), "1|jn|7"),
        (C::Templates(Tp::Versions { id: 7 }), "1|jh|7"),
        (C::Templates(Tp::Version { id: 9 }), "1|jw|9"),
        (C::Templates(Tp::Restore { id: 9 }), "1|jr|9"),
        (C::Templates(Tp::AskDelete { id: 7 }), "1|jd|7"),
        (C::Templates(Tp::Delete { id: 7 }), "1|jx|7"),
        (
            C::Templates(Tp::Pick {
                ticket: t,
                template: 7,
            }),
            "1|jp|42|7",
        ),
        (
            C::Templates(Tp::PickerPage { ticket: t, page: 1 }),
            "1|jg|42|1",
        ),
        (C::Privacy(Pv::PrivacyHome), "1|vh"),
        (C::Privacy(Pv::PrivacyToggleBodies), "1|vb"),
        (C::Privacy(Pv::PrivacyToggleWebhook), "1|vw"),
        (C::Privacy(Pv::PrivacyRetention { days: 90 }), "1|vd|90"),
    ];
    assert_eq!(cases.len(), VARIANTS);
    for (d, s) in cases {
        assert_eq!(d.encode(), s);
        assert_eq!(CallbackData::decode(s), Ok(d));
    }
}

/// Each strategy (and "inherit") has its own code, so none decodes as another.
#[test]
fn strategy_codes_are_distinct() {
    let mut codes: Vec<&str> = Routing::ALL.into_iter().map(strategy_code).collect();
    codes.push(INHERIT_CODE);
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), Routing::ALL.len() + 1);
}

#[test]
fn rejects_garbage() {
    use CallbackDecodeError as E;
    let cases: &[(&str, E)] = &[
        ("", E::UnknownVersion(String::new())),
        ("2|cm|1", E::UnknownVersion("2".into())),
        ("claim:1", E::UnknownVersion("claim:1".into())),
        ("1", E::UnknownTag(String::new())),
        ("1|", E::UnknownTag(String::new())),
        ("1|zz|1", E::UnknownTag("zz".into())),
        ("1|CM|1", E::UnknownTag("CM".into())),
        (
            "1|cm",
            E::WrongFieldCount {
                tag: "cm",
                expected: 1,
                found: 0,
            },
        ),
        (
            "1|cm|1|2",
            E::WrongFieldCount {
                tag: "cm",
                expected: 1,
                found: 2,
            },
        ),
        (
            "1|ws|",
            E::WrongFieldCount {
                tag: "ws",
                expected: 0,
                found: 1,
            },
        ),
        ("1|cm|", E::BadField(String::new())),
        ("1|cm|x", E::BadField("x".into())),
        (
            "1|cm|9223372036854775808",
            E::BadField("9223372036854775808".into()),
        ),
        ("1|sp|1|x", E::BadField("x".into())),
        ("1|sp|1|high", E::BadField("high".into())),
        ("1|cs|1|0", E::CsatOutOfRange(0)),
        ("1|cs|1|6", E::CsatOutOfRange(6)),
        ("1|cs|1|256", E::BadField("256".into())),
        ("1|ac|65536", E::BadField("65536".into())),
        ("1|ac|-1", E::BadField("-1".into())),
        ("1|cm|+1", E::NonCanonical),
        ("1|cm|01", E::NonCanonical),
        ("1|cm|-0", E::NonCanonical),
        ("1|cs|1|05", E::NonCanonical),
        ("1|rg|i", E::BadField("i".into())),
        ("1|rg|manual", E::BadField("manual".into())),
        ("1|gs|-100|x", E::BadField("x".into())),
        ("1|gs|-100|", E::BadField(String::new())),
        (
            "1|gs|-100",
            E::WrongFieldCount {
                tag: "gs",
                expected: 2,
                found: 1,
            },
        ),
        ("1|rp|2", E::BadField("2".into())),
        ("1|ax|7|65536", E::BadField("65536".into())),
        ("1|gs|-0100|i", E::NonCanonical),
        ("1|se|x", E::BadField("x".into())),
        ("1|se|urgent", E::BadField("urgent".into())),
        ("1|sx|", E::BadField(String::new())),
        (
            "1|se",
            E::WrongFieldCount {
                tag: "se",
                expected: 1,
                found: 0,
            },
        ),
        (
            "1|sl|h",
            E::WrongFieldCount {
                tag: "sl",
                expected: 0,
                found: 1,
            },
        ),
        ("1|he|x", E::BadField("x".into())),
        ("1|he|Z", E::BadField("Z".into())),
        ("1|he|tz", E::BadField("tz".into())),
        ("1|he|", E::BadField(String::new())),
        (
            "1|he",
            E::WrongFieldCount {
                tag: "he",
                expected: 1,
                found: 0,
            },
        ),
        (
            "1|he|z|w",
            E::WrongFieldCount {
                tag: "he",
                expected: 1,
                found: 2,
            },
        ),
        (
            "1|hd",
            E::WrongFieldCount {
                tag: "hd",
                expected: 1,
                found: 0,
            },
        ),
        ("1|hd|2026-12-25", E::BadField("2026-12-25".into())),
        ("1|hd|020261225", E::NonCanonical),
        ("1|hd|+20261225", E::NonCanonical),
        (
            "1|ea|1",
            E::WrongFieldCount {
                tag: "ea",
                expected: 0,
                found: 1,
            },
        ),
        (
            "1|ed",
            E::WrongFieldCount {
                tag: "ed",
                expected: 1,
                found: 0,
            },
        ),
        ("1|ed|x", E::BadField("x".into())),
        ("1|ed|03", E::NonCanonical),
        ("1|rc|", E::BadField(String::new())),
        ("1|rc|-0", E::NonCanonical),
        ("1|rc|+3", E::NonCanonical),
    ];
    for (input, want) in cases {
        assert_eq!(CallbackData::decode(input).as_ref(), Err(want), "{input:?}");
    }
    let long = format!("1|cm|{}", "1".repeat(60));
    assert_eq!(CallbackData::decode(&long), Err(E::TooLong(65)));
}
