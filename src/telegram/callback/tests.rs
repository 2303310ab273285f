//! Tests of every button: each variant is sampled with its extreme values, encodes within
//! Telegram's 64 bytes and round-trips; decoding arbitrary input never panics.

use super::*;
use proptest::prelude::*;
// proptest's prelude brings its `Strategy` trait; routing's enum is named
// `Routing` here so neither is ambiguous.
use crate::app::effects::NumberSetting;
use crate::domain::ids::UserId;
use crate::domain::routing::Strategy as Routing;
use crate::domain::ticket::Priority;
use proptest::strategy::Strategy;
// One short name per area keeps the samples readable.
use super::{
    FieldsButton as Fd, KbButton as Kb, PrivacyButton as Pv, RoutingButton as Rt, SlaButton as Sl,
    TeamButton as Tm, TemplateButton as Tp, TicketButton as Tk, WorkspaceButton as Ws,
};

/// How many variants `CallbackData` has. Bump together with
/// `variant_index` when adding one.
pub(super) const VARIANTS: usize = 98;

/// A distinct index per variant. The match has no wildcard, so adding a
/// variant doesn't compile until it gets an index here; the index must
/// be `< VARIANTS` and `samples` must cover every index, or
/// `samples_cover_every_variant` fails.
fn variant_index(d: &CallbackData) -> usize {
    use CallbackData as C;
    match d {
        C::Ticket(Tk::Claim { .. }) => 0,
        C::Ticket(Tk::AssignMenu { .. }) => 1,
        C::Ticket(Tk::AssignTo { .. }) => 2,
        C::Ticket(Tk::Pending { .. }) => 3,
        C::Ticket(Tk::Resolve { .. }) => 4,
        C::Ticket(Tk::Close { .. }) => 5,
        C::Ticket(Tk::Reopen { .. }) => 6,
        C::Ticket(Tk::PriorityMenu { .. }) => 7,
        C::Ticket(Tk::SetPriority { .. }) => 8,
        C::Ticket(Tk::BackToCard { .. }) => 9,
        C::Ticket(Tk::Csat { .. }) => 10,
        C::Workspace(Ws::CreateWorkspace) => 11,
        C::Workspace(Ws::SettingsToggleBodies) => 12,
        C::Workspace(Ws::SettingsAutoClose { .. }) => 13,
        C::Team(Tm::BuySeat { .. }) => 14,
        C::Team(Tm::MembersList) => 15,
        C::Team(Tm::MemberMenu { .. }) => 16,
        C::Team(Tm::MemberRole { .. }) => 17,
        C::Team(Tm::MemberSeat { .. }) => 18,
        C::Team(Tm::MemberRemove { .. }) => 19,
        C::Team(Tm::LeaveDecision { .. }) => 20,
        C::Team(Tm::TransferConfirm { .. }) => 21,
        C::Workspace(Ws::SettingsHome) => 22,
        C::Team(Tm::SettingsPermissions) => 23,
        C::Team(Tm::PermissionToggle { .. }) => 24,
        C::Routing(Rt::SettingsRouting) => 25,
        C::Routing(Rt::RoutingStrategy { .. }) => 26,
        C::Routing(Rt::RoutingPause { .. }) => 27,
        C::Routing(Rt::RoutingFallback { .. }) => 28,
        C::Routing(Rt::RoutingAlert { .. }) => 29,
        C::Routing(Rt::GroupStrategy { .. }) => 30,
        C::Routing(Rt::SettingsAgents) => 31,
        C::Routing(Rt::AgentMenu { .. }) => 32,
        C::Routing(Rt::AgentCapacity { .. }) => 33,
        C::Routing(Rt::AgentSkills { .. }) => 34,
        C::Routing(Rt::SettingsIntake) => 35,
        C::Routing(Rt::CategoryAdd) => 36,
        C::Routing(Rt::CategoryDelete { .. }) => 37,
        C::Routing(Rt::KeywordAdd) => 38,
        C::Routing(Rt::KeywordDelete { .. }) => 39,
        C::Routing(Rt::PickCategory { .. }) => 40,
        C::Workspace(Ws::PromptCancel) => 41,
        C::Routing(Rt::Queue) => 42,
        C::Routing(Rt::QueueAssign { .. }) => 43,
        C::Sla(Sl::SettingsSla) => 44,
        C::Sla(Sl::SlaEdit { .. }) => 45,
        C::Sla(Sl::SlaClear { .. }) => 46,
        C::Sla(Sl::SettingsHours) => 47,
        C::Sla(Sl::HoursEdit { .. }) => 48,
        C::Sla(Sl::HolidayDelete { .. }) => 49,
        C::Sla(Sl::SettingsEscalation) => 50,
        C::Sla(Sl::EscalationAdd) => 51,
        C::Sla(Sl::EscalationDelete { .. }) => 52,
        C::Sla(Sl::ReminderCancel { .. }) => 53,
        C::Workspace(Ws::NumberPrompt { .. }) => 54,
        C::Routing(Rt::IntakeTimeout { .. }) => 55,
        C::Kb(Kb::KbList { .. }) => 56,
        C::Kb(Kb::KbArticle { .. }) => 57,
        C::Kb(Kb::KbAdd) => 58,
        C::Kb(Kb::KbEdit { .. }) => 59,
        C::Kb(Kb::KbDelete { .. }) => 60,
        C::Kb(Kb::KbExternal) => 61,
        C::Kb(Kb::KbExternalUrl) => 62,
        C::Kb(Kb::KbExternalToken) => 63,
        C::Kb(Kb::KbExternalClear) => 64,
        C::Kb(Kb::KbPost { .. }) => 65,
        C::Fields(Fd::SettingsFields) => 66,
        C::Fields(Fd::FieldMenu { .. }) => 67,
        C::Fields(Fd::FieldAdd) => 68,
        C::Fields(Fd::FieldLabel { .. }) => 69,
        C::Fields(Fd::FieldChoices { .. }) => 70,
        C::Fields(Fd::FieldRequired { .. }) => 71,
        C::Fields(Fd::FieldDelete { .. }) => 72,
        C::Fields(Fd::FieldDeleteConfirm { .. }) => 73,
        C::Fields(Fd::FieldPick { .. }) => 74,
        C::Fields(Fd::FieldCheck { .. }) => 75,
        C::Fields(Fd::TagsPage { .. }) => 76,
        C::Fields(Fd::TagMenu { .. }) => 77,
        C::Fields(Fd::TagRename { .. }) => 78,
        C::Fields(Fd::TagMerge { .. }) => 79,
        C::Fields(Fd::TagDelete { .. }) => 80,
        C::Fields(Fd::TagDeleteConfirm { .. }) => 81,
        C::Templates(Tp::List { .. }) => 82,
        C::Templates(Tp::Add { .. }) => 83,
        C::Templates(Tp::Show { .. }) => 84,
        C::Templates(Tp::EditBody { .. }) => 85,
        C::Templates(Tp::EditLabel { .. }) => 86,
        C::Templates(Tp::Versions { .. }) => 87,
        C::Templates(Tp::Version { .. }) => 88,
        C::Templates(Tp::Restore { .. }) => 89,
        C::Templates(Tp::AskDelete { .. }) => 90,
        C::Templates(Tp::Delete { .. }) => 91,
        C::Templates(Tp::Pick { .. }) => 92,
        C::Templates(Tp::PickerPage { .. }) => 93,
        C::Privacy(Pv::PrivacyHome) => 94,
        C::Privacy(Pv::PrivacyToggleBodies) => 95,
        C::Privacy(Pv::PrivacyToggleWebhook) => 96,
        C::Privacy(Pv::PrivacyRetention { .. }) => 97,
    }
}

/// Every variant with extreme values (the longest possible encodings),
/// plus a few ordinary ones.
fn samples() -> Vec<CallbackData> {
    use CallbackData as C;
    let mut out = Vec::new();
    for n in [i64::MIN, -1, 0, 1, 42, i64::MAX] {
        let ticket = TicketId(n);
        out.extend([
            C::Ticket(Tk::Claim { ticket }),
            C::Ticket(Tk::AssignMenu { ticket }),
            C::Ticket(Tk::AssignTo {
                ticket,
                agent: UserId(n),
            }),
            C::Ticket(Tk::AssignTo {
                ticket,
                agent: UserId(i64::MIN),
            }),
            C::Ticket(Tk::Pending { ticket }),
            C::Ticket(Tk::Resolve { ticket }),
            C::Ticket(Tk::Close { ticket }),
            C::Ticket(Tk::Reopen { ticket }),
            C::Ticket(Tk::PriorityMenu { ticket }),
            C::Ticket(Tk::BackToCard { ticket }),
        ]);
        for priority in Priority::ALL {
            out.push(C::Ticket(Tk::SetPriority { ticket, priority }));
        }
        for score in 1..=5 {
            out.push(C::Ticket(Tk::Csat { ticket, score }));
        }
        out.extend([
            C::Routing(Rt::PickCategory {
                ticket,
                category: n,
            }),
            C::Routing(Rt::PickCategory {
                ticket,
                category: i64::MIN,
            }),
            C::Routing(Rt::QueueAssign { ticket }),
            C::Templates(Tp::Pick {
                ticket,
                template: n,
            }),
            C::Templates(Tp::Pick {
                ticket,
                template: i64::MIN,
            }),
            C::Templates(Tp::PickerPage {
                ticket,
                page: u16::MAX,
            }),
            C::Templates(Tp::Show { id: n }),
            C::Templates(Tp::EditBody { id: n }),
            C::Templates(Tp::EditLabel { id: n }),
            C::Templates(Tp::Versions { id: n }),
            C::Templates(Tp::Version { id: n }),
            C::Templates(Tp::Restore { id: n }),
            C::Templates(Tp::AskDelete { id: n }),
            C::Templates(Tp::Delete { id: n }),
        ]);
    }
    for page in [0, 1, u16::MAX] {
        out.push(C::Templates(Tp::List { page }));
    }
    for shared in [false, true] {
        out.push(C::Templates(Tp::Add { shared }));
    }
    out.extend([
        C::Workspace(Ws::CreateWorkspace),
        C::Workspace(Ws::SettingsToggleBodies),
    ]);
    for hours in [0, 1, 24, 72, u16::MAX] {
        out.push(C::Workspace(Ws::SettingsAutoClose { hours }));
    }
    out.extend([
        C::Privacy(Pv::PrivacyHome),
        C::Privacy(Pv::PrivacyToggleBodies),
        C::Privacy(Pv::PrivacyToggleWebhook),
    ]);
    for days in [0, 1, 365, u16::MAX] {
        out.push(C::Privacy(Pv::PrivacyRetention { days }));
    }
    out.extend([
        C::Team(Tm::MembersList),
        C::Workspace(Ws::SettingsHome),
        C::Team(Tm::SettingsPermissions),
    ]);
    for b in [false, true] {
        out.push(C::Team(Tm::BuySeat { pro: b }));
        for n in [i64::MIN, -1, 0, 42, i64::MAX] {
            out.extend([
                C::Team(Tm::MemberMenu { user: UserId(n) }),
                C::Team(Tm::MemberRole {
                    user: UserId(n),
                    admin: b,
                }),
                C::Team(Tm::MemberSeat {
                    user: UserId(n),
                    pro: b,
                }),
                C::Team(Tm::MemberRemove { user: UserId(n) }),
                C::Team(Tm::LeaveDecision {
                    request: n,
                    approve: b,
                }),
                C::Team(Tm::TransferConfirm { user: UserId(n) }),
            ]);
        }
    }
    for index in [0, 6, u8::MAX] {
        out.push(C::Team(Tm::PermissionToggle { index }));
    }
    out.extend([
        C::Routing(Rt::SettingsRouting),
        C::Routing(Rt::SettingsAgents),
        C::Routing(Rt::SettingsIntake),
        C::Routing(Rt::CategoryAdd),
        C::Routing(Rt::KeywordAdd),
        C::Workspace(Ws::PromptCancel),
        C::Routing(Rt::Queue),
        C::Sla(Sl::SettingsSla),
        C::Sla(Sl::SettingsHours),
        C::Sla(Sl::SettingsEscalation),
        C::Sla(Sl::EscalationAdd),
    ]);
    for priority in Priority::ALL {
        out.extend([
            C::Sla(Sl::SlaEdit { priority }),
            C::Sla(Sl::SlaClear { priority }),
        ]);
    }
    for what in HoursField::ALL {
        out.push(C::Sla(Sl::HoursEdit { what }));
    }
    for strategy in Routing::ALL {
        out.push(C::Routing(Rt::RoutingStrategy { strategy }));
    }
    for b in [false, true] {
        out.extend([
            C::Routing(Rt::RoutingPause { paused: b }),
            C::Routing(Rt::RoutingFallback { on: b }),
        ]);
    }
    for minutes in [0, 15, 60, u16::MAX] {
        out.push(C::Routing(Rt::RoutingAlert { minutes }));
    }
    for n in [i64::MIN, -1_001_234_567_890, -1, 0, 42, i64::MAX] {
        out.push(C::Routing(Rt::GroupStrategy {
            chat: n,
            strategy: None,
        }));
        for strategy in Routing::ALL {
            out.push(C::Routing(Rt::GroupStrategy {
                chat: n,
                strategy: Some(strategy),
            }));
        }
        out.extend([
            C::Routing(Rt::AgentMenu { user: UserId(n) }),
            C::Routing(Rt::AgentSkills { user: UserId(n) }),
            C::Routing(Rt::CategoryDelete { id: n }),
            C::Routing(Rt::KeywordDelete { id: n }),
            C::Sla(Sl::HolidayDelete { date: n }),
            C::Sla(Sl::EscalationDelete { id: n }),
            C::Sla(Sl::ReminderCancel { id: n }),
        ]);
        for max_open in [0, 5, u16::MAX] {
            out.push(C::Routing(Rt::AgentCapacity {
                user: UserId(n),
                max_open,
            }));
        }
    }
    for setting in NumberSetting::ALL {
        out.push(C::Workspace(Ws::NumberPrompt { setting }));
    }
    for minutes in [0, 5, u16::MAX] {
        out.push(C::Routing(Rt::IntakeTimeout { minutes }));
    }
    out.extend([
        C::Kb(Kb::KbAdd),
        C::Kb(Kb::KbExternal),
        C::Kb(Kb::KbExternalUrl),
        C::Kb(Kb::KbExternalToken),
        C::Kb(Kb::KbExternalClear),
    ]);
    for page in [0, 1, u16::MAX] {
        out.push(C::Kb(Kb::KbList { page }));
    }
    for n in [i64::MIN, -1, 0, 42, i64::MAX] {
        out.extend([
            C::Kb(Kb::KbArticle { id: n }),
            C::Kb(Kb::KbEdit { id: n }),
            C::Kb(Kb::KbDelete { id: n }),
            C::Kb(Kb::KbPost {
                ticket: TicketId(n),
                article: n,
            }),
            C::Kb(Kb::KbPost {
                ticket: TicketId(i64::MIN),
                article: i64::MIN,
            }),
        ]);
    }
    out.extend([C::Fields(Fd::SettingsFields), C::Fields(Fd::FieldAdd)]);
    for page in [0, 1, u16::MAX] {
        out.push(C::Fields(Fd::TagsPage { page }));
    }
    for n in [i64::MIN, -1, 0, 42, i64::MAX] {
        out.extend([
            C::Fields(Fd::FieldMenu { field: n }),
            C::Fields(Fd::FieldLabel { field: n }),
            C::Fields(Fd::FieldChoices { field: n }),
            C::Fields(Fd::FieldDelete { field: n }),
            C::Fields(Fd::FieldDeleteConfirm { field: n }),
            C::Fields(Fd::TagMenu { tag: n }),
            C::Fields(Fd::TagRename { tag: n }),
            C::Fields(Fd::TagMerge { tag: n }),
            C::Fields(Fd::TagDelete { tag: n }),
            C::Fields(Fd::TagDeleteConfirm { tag: n }),
        ]);
        for on in [false, true] {
            out.push(C::Fields(Fd::FieldRequired { field: n, on }));
            out.push(C::Fields(Fd::FieldCheck {
                ticket: TicketId(n),
                field: n,
                on,
            }));
            // The longest encoding of all: two extreme ids, a choice and its fingerprint.
            out.push(C::Fields(Fd::FieldPick {
                ticket: TicketId(n),
                field: n,
                choice: u8::MAX,
                check: u16::MAX,
                on,
            }));
        }
    }
    out
}

#[test]
fn samples_cover_every_variant() {
    let mut seen = [false; VARIANTS];
    for d in samples() {
        let i = variant_index(&d);
        assert!(i < VARIANTS, "bump VARIANTS for {d:?}");
        seen[i] = true;
    }
    assert!(
        seen.iter().all(|&s| s),
        "samples() misses a variant: {seen:?}"
    );
}

#[test]
fn every_encoding_fits_telegram_limit_and_round_trips() {
    for d in samples() {
        let s = d.encode();
        assert!(
            s.len() <= MAX_CALLBACK_DATA_LEN,
            "{d:?} -> {s} ({} bytes)",
            s.len()
        );
        assert!(s.starts_with("1|"), "{s}");
        assert_eq!(CallbackData::decode(&s), Ok(d), "{s}");
    }
}

#[test]
fn tags_are_unique() {
    let mut tags: Vec<&str> = samples().iter().map(|d| d.tag()).collect();
    tags.sort_unstable();
    tags.dedup();
    assert_eq!(tags.len(), VARIANTS);
    // And as declared: no two areas share a tag.
    let mut declared: Vec<&str> = ALL_TAGS.iter().flat_map(|a| a.iter().copied()).collect();
    declared.sort_unstable();
    declared.dedup();
    assert_eq!(declared.len(), VARIANTS);
}

#[test]
fn ticket_accessor() {
    for d in samples() {
        // Ticket buttons are exactly those whose first field is a ticket id.
        let ticket_tags = [
            "cm", "am", "at", "pd", "rs", "cl", "ro", "pm", "sp", "bk", "cs", "pc", "qa", "zp",
            "fp", "fk", "jp", "jg",
        ];
        let encoded = d.encode();
        let mut fields = encoded.split('|').skip(1);
        let tag = fields.next().unwrap_or_default();
        let expected = match fields.next().map(str::parse::<i64>) {
            Some(Ok(n)) if ticket_tags.contains(&tag) => Some(TicketId(n)),
            _ => None,
        };
        assert_eq!(d.ticket(), expected, "{d:?}");
    }
}

fn any_callback() -> impl Strategy<Value = CallbackData> {
    use CallbackData as C;
    let t = || any::<i64>().prop_map(TicketId);
    prop_oneof![
        t().prop_map(|ticket| C::Ticket(Tk::Claim { ticket })),
        t().prop_map(|ticket| C::Ticket(Tk::AssignMenu { ticket })),
        (t(), any::<i64>()).prop_map(|(ticket, a)| C::Ticket(Tk::AssignTo {
            ticket,
            agent: UserId(a)
        })),
        t().prop_map(|ticket| C::Ticket(Tk::Pending { ticket })),
        t().prop_map(|ticket| C::Ticket(Tk::Resolve { ticket })),
        t().prop_map(|ticket| C::Ticket(Tk::Close { ticket })),
        t().prop_map(|ticket| C::Ticket(Tk::Reopen { ticket })),
        t().prop_map(|ticket| C::Ticket(Tk::PriorityMenu { ticket })),
        (t(), prop::sample::select(Priority::ALL.to_vec()))
            .prop_map(|(ticket, priority)| C::Ticket(Tk::SetPriority { ticket, priority })),
        t().prop_map(|ticket| C::Ticket(Tk::BackToCard { ticket })),
        (t(), 1_u8..=5).prop_map(|(ticket, score)| C::Ticket(Tk::Csat { ticket, score })),
        Just(C::Workspace(Ws::CreateWorkspace)),
        Just(C::Workspace(Ws::SettingsToggleBodies)),
        any::<u16>().prop_map(|hours| C::Workspace(Ws::SettingsAutoClose { hours })),
        any::<bool>().prop_map(|pro| C::Team(Tm::BuySeat { pro })),
        Just(C::Team(Tm::MembersList)),
        any::<i64>().prop_map(|u| C::Team(Tm::MemberMenu { user: UserId(u) })),
        (any::<i64>(), any::<bool>()).prop_map(|(u, admin)| C::Team(Tm::MemberRole {
            user: UserId(u),
            admin
        })),
        (any::<i64>(), any::<bool>()).prop_map(|(u, pro)| C::Team(Tm::MemberSeat {
            user: UserId(u),
            pro
        })),
        any::<i64>().prop_map(|u| C::Team(Tm::MemberRemove { user: UserId(u) })),
        (any::<i64>(), any::<bool>())
            .prop_map(|(request, approve)| C::Team(Tm::LeaveDecision { request, approve })),
        any::<i64>().prop_map(|u| C::Team(Tm::TransferConfirm { user: UserId(u) })),
        Just(C::Workspace(Ws::SettingsHome)),
        Just(C::Team(Tm::SettingsPermissions)),
        any::<u8>().prop_map(|index| C::Team(Tm::PermissionToggle { index })),
        Just(C::Routing(Rt::SettingsRouting)),
        prop::sample::select(Routing::ALL.to_vec())
            .prop_map(|strategy| C::Routing(Rt::RoutingStrategy { strategy })),
        any::<bool>().prop_map(|paused| C::Routing(Rt::RoutingPause { paused })),
        any::<bool>().prop_map(|on| C::Routing(Rt::RoutingFallback { on })),
        any::<u16>().prop_map(|minutes| C::Routing(Rt::RoutingAlert { minutes })),
        (
            any::<i64>(),
            prop::option::of(prop::sample::select(Routing::ALL.to_vec()))
        )
            .prop_map(|(chat, strategy)| C::Routing(Rt::GroupStrategy { chat, strategy })),
        Just(C::Routing(Rt::SettingsAgents)),
        any::<i64>().prop_map(|u| C::Routing(Rt::AgentMenu { user: UserId(u) })),
        (any::<i64>(), any::<u16>()).prop_map(|(u, max_open)| C::Routing(Rt::AgentCapacity {
            user: UserId(u),
            max_open
        })),
        any::<i64>().prop_map(|u| C::Routing(Rt::AgentSkills { user: UserId(u) })),
        Just(C::Routing(Rt::SettingsIntake)),
        Just(C::Routing(Rt::CategoryAdd)),
        any::<i64>().prop_map(|id| C::Routing(Rt::CategoryDelete { id })),
        Just(C::Routing(Rt::KeywordAdd)),
        any::<i64>().prop_map(|id| C::Routing(Rt::KeywordDelete { id })),
        (t(), any::<i64>())
            .prop_map(|(ticket, category)| C::Routing(Rt::PickCategory { ticket, category })),
        Just(C::Workspace(Ws::PromptCancel)),
        Just(C::Routing(Rt::Queue)),
        t().prop_map(|ticket| C::Routing(Rt::QueueAssign { ticket })),
        Just(C::Sla(Sl::SettingsSla)),
        prop::sample::select(Priority::ALL.to_vec())
            .prop_map(|priority| C::Sla(Sl::SlaEdit { priority })),
        prop::sample::select(Priority::ALL.to_vec())
            .prop_map(|priority| C::Sla(Sl::SlaClear { priority })),
        Just(C::Sla(Sl::SettingsHours)),
        prop::sample::select(HoursField::ALL.to_vec())
            .prop_map(|what| C::Sla(Sl::HoursEdit { what })),
        any::<i64>().prop_map(|date| C::Sla(Sl::HolidayDelete { date })),
        Just(C::Sla(Sl::SettingsEscalation)),
        Just(C::Sla(Sl::EscalationAdd)),
        any::<i64>().prop_map(|id| C::Sla(Sl::EscalationDelete { id })),
        any::<i64>().prop_map(|id| C::Sla(Sl::ReminderCancel { id })),
        any::<u16>().prop_map(|page| C::Kb(Kb::KbList { page })),
        any::<i64>().prop_map(|id| C::Kb(Kb::KbArticle { id })),
        any::<i64>().prop_map(|id| C::Kb(Kb::KbEdit { id })),
        any::<i64>().prop_map(|id| C::Kb(Kb::KbDelete { id })),
        (t(), any::<i64>()).prop_map(|(ticket, article)| C::Kb(Kb::KbPost { ticket, article })),
        Just(C::Fields(Fd::SettingsFields)),
        any::<i64>().prop_map(|field| C::Fields(Fd::FieldMenu { field })),
        Just(C::Fields(Fd::FieldAdd)),
        any::<i64>().prop_map(|field| C::Fields(Fd::FieldLabel { field })),
        any::<i64>().prop_map(|field| C::Fields(Fd::FieldChoices { field })),
        (any::<i64>(), any::<bool>())
            .prop_map(|(field, on)| C::Fields(Fd::FieldRequired { field, on })),
        any::<i64>().prop_map(|field| C::Fields(Fd::FieldDelete { field })),
        any::<i64>().prop_map(|field| C::Fields(Fd::FieldDeleteConfirm { field })),
        (t(), any::<i64>(), any::<u8>(), any::<u16>(), any::<bool>()).prop_map(
            |(ticket, field, choice, check, on)| C::Fields(Fd::FieldPick {
                ticket,
                field,
                choice,
                check,
                on
            })
        ),
        (t(), any::<i64>(), any::<bool>())
            .prop_map(|(ticket, field, on)| C::Fields(Fd::FieldCheck { ticket, field, on })),
        any::<u16>().prop_map(|page| C::Fields(Fd::TagsPage { page })),
        any::<i64>().prop_map(|tag| C::Fields(Fd::TagMenu { tag })),
        any::<i64>().prop_map(|tag| C::Fields(Fd::TagRename { tag })),
        any::<i64>().prop_map(|tag| C::Fields(Fd::TagMerge { tag })),
        any::<i64>().prop_map(|tag| C::Fields(Fd::TagDelete { tag })),
        any::<i64>().prop_map(|tag| C::Fields(Fd::TagDeleteConfirm { tag })),
        any::<u16>().prop_map(|page| C::Templates(Tp::List { page })),
        (t(), any::<i64>())
            .prop_map(|(ticket, template)| C::Templates(Tp::Pick { ticket, template })),
        (t(), any::<u16>())
            .prop_map(|(ticket, page)| C::Templates(Tp::PickerPage { ticket, page })),
        any::<i64>().prop_map(|id| C::Templates(Tp::Restore { id })),
        any::<u16>().prop_map(|days| C::Privacy(Pv::PrivacyRetention { days })),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn round_trips(d in any_callback()) {
        let s = d.encode();
        prop_assert!(s.len() <= MAX_CALLBACK_DATA_LEN);
        prop_assert_eq!(CallbackData::decode(&s), Ok(d));
    }

    #[test]
    fn decode_never_panics_on_arbitrary_strings(s in any::<String>()) {
        check_decode(&s)?;
    }

    /// Arbitrary input rarely gets past the version check, so also try
    /// near-misses built from real tags and number-ish fields.
    #[test]
    fn decode_never_panics_on_near_misses(
        s in "[0-2]?\\|(cm|am|at|pd|rs|cl|ro|pm|sp|bk|cs|ws|tb|ac|rg|gs|ax|pc|se|sx|he|hd|ed|rc|[a-z]{0,3})(\\|[-+]?[0-9a-z]{0,21}){0,3}\\|?"
    ) {
        check_decode(&s)?;
    }
}

/// Whatever decodes must be exactly what it would encode to.
fn check_decode(s: &str) -> Result<(), TestCaseError> {
    if let Ok(d) = CallbackData::decode(s) {
        prop_assert_eq!(d.encode(), s);
    }
    Ok(())
}
