//! Tests of the permission rules: the table in the module docs checked cell by cell for every role
//! and seat, the toggles' names and defaults, and properties over every subject, action and set of
//! toggles.

use proptest::prelude::*;

use super::*;
use crate::domain::seats::Tier;
use crate::domain::team::Role;

const ROLES: [Role; 3] = [Role::Member, Role::Admin, Role::Owner];
/// The column order of the expected table below.
const SEATS: [SeatKind; 3] = [SeatKind::Basic, SeatKind::Pro, SeatKind::Owner];

/// Decodes one expected-table cell.
fn cell(c: char, p: Perm) -> Result<(), Denied> {
    match c {
        '.' => Ok(()),
        'X' => Err(Denied::SeatExpired),
        'P' => Err(Denied::NeedsPro),
        'A' => Err(Denied::NeedsRole(Role::Admin)),
        'O' => Err(Denied::NeedsRole(Role::Owner)),
        'T' => Err(Denied::TurnedOff(
            p.toggle().expect("T only on toggle-gated perms"),
        )),
        other => panic!("bad cell {other:?}"),
    }
}

/// With default toggles. Per role, six cells: Basic active, Basic
/// expired, Pro active, Pro expired, Owner-slot active, Owner-slot
/// expired (the last two only make sense for the Owner, but are pinned
/// down for everyone).
#[rustfmt::skip]
const EXPECTED: [(Perm, [&str; 3]); 17] = [
    //                               Member    Admin     Owner
    (Perm::WorkTickets,          [".X.X.X", ".X.X.X", "......"]),
    (Perm::ViewOwnAnalytics,     ["PX.X.X", "PX.X.X", "......"]),
    (Perm::ViewAllAnalytics,     ["PXTXTX", "PX.X.X", "......"]),
    (Perm::ExportData,           ["TXTXTX", ".X.X.X", "......"]),
    (Perm::ManageExcludedTopics, ["TXTXTX", ".X.X.X", "......"]),
    (Perm::CreateTickets,        [".X.X.X", ".X.X.X", "......"]),
    (Perm::EditTickets,          [".X.X.X", ".X.X.X", "......"]),
    (Perm::DeleteTickets,        ["TXTXTX", ".X.X.X", "......"]),
    (Perm::UseSharedTemplates,   [".X.X.X", ".X.X.X", "......"]),
    (Perm::ManageTemplates,      ["AXAXAX", ".X.X.X", "......"]),
    (Perm::ManageMembers,        ["AXAXAX", ".X.X.X", "......"]),
    (Perm::ConfigureWorkspace,   ["AXAXAX", ".X.X.X", "......"]),
    (Perm::ManageApiKeys,        ["AXAXAX", "PX.X.X", "......"]),
    (Perm::ManageBilling,        ["OXOXOX", "OXOXOX", "......"]),
    (Perm::ManagePermissions,    ["OXOXOX", "OXOXOX", "......"]),
    (Perm::TransferOwnership,    ["OXOXOX", "OXOXOX", "......"]),
    (Perm::DeleteWorkspace,      ["OXOXOX", "OXOXOX", "......"]),
];

fn subjects() -> impl Iterator<Item = Subject> {
    ROLES.into_iter().flat_map(|role| {
        SEATS.into_iter().flat_map(move |seat| {
            [true, false].into_iter().map(move |seat_active| Subject {
                role,
                seat,
                seat_active,
            })
        })
    })
}

#[test]
fn the_whole_table_with_default_toggles() {
    let perms: Vec<Perm> = EXPECTED.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        perms,
        Perm::ALL,
        "table rows must cover every Perm in order"
    );
    let t = Toggles::default();
    for (p, rows) in EXPECTED {
        for (role, row) in ROLES.into_iter().zip(rows) {
            let cells: Vec<char> = row.chars().collect();
            assert_eq!(cells.len(), 6, "{p:?} {role:?}");
            for (i, c) in cells.into_iter().enumerate() {
                let s = Subject {
                    role,
                    seat: SEATS[i / 2],
                    seat_active: i % 2 == 0,
                };
                assert_eq!(check(&s, p, &t), cell(c, p), "{s:?} {p:?}");
            }
        }
    }
}

#[test]
fn default_toggles_match_the_spec() {
    let t = Toggles::default();
    let values: Vec<bool> = Toggle::ALL.iter().map(|k| k.get(&t)).collect();
    assert_eq!(values, [false, false, false, true, true, true, false]);
}

#[test]
fn each_toggle_flips_exactly_its_perm_for_members() {
    let base = Toggles::default();
    for toggle in Toggle::ALL {
        let mut flipped = base;
        toggle.set(&mut flipped, !toggle.get(&base));
        assert_eq!(toggle.get(&flipped), !toggle.get(&base));
        // Exactly one field changed.
        let changed = Toggle::ALL
            .iter()
            .filter(|k| k.get(&flipped) != k.get(&base))
            .count();
        assert_eq!(changed, 1, "{toggle:?}");

        for s in subjects() {
            for p in Perm::ALL {
                let before = check(&s, p, &base);
                let after = check(&s, p, &flipped);
                if s.role != Role::Member || p != toggle.perm() {
                    assert_eq!(before, after, "{toggle:?} changed {p:?} for {s:?}");
                }
            }
        }
        // And it does change it for an active Pro Member (who passes
        // every other step).
        let member = Subject {
            role: Role::Member,
            seat: SeatKind::Pro,
            seat_active: true,
        };
        let (on, off) = if toggle.get(&base) {
            (&base, &flipped)
        } else {
            (&flipped, &base)
        };
        assert_eq!(check(&member, toggle.perm(), on), Ok(()), "{toggle:?}");
        assert_eq!(
            check(&member, toggle.perm(), off),
            Err(Denied::TurnedOff(toggle)),
            "{toggle:?}"
        );
    }
}

#[test]
fn toggles_and_perms_point_at_each_other() {
    for toggle in Toggle::ALL {
        assert_eq!(toggle.perm().toggle(), Some(toggle));
        assert_eq!(toggle.as_str().parse::<Toggle>(), Ok(toggle));
    }
    let gated = Perm::ALL.iter().filter(|p| p.toggle().is_some()).count();
    assert_eq!(gated, Toggle::ALL.len());
    assert!("members_fly".parse::<Toggle>().is_err());
}

#[test]
fn toggle_keys_are_the_serde_field_names() {
    let json = serde_json::to_value(Toggles::default()).expect("serializes");
    let obj = json.as_object().expect("a JSON object");
    assert_eq!(obj.len(), Toggle::ALL.len());
    for toggle in Toggle::ALL {
        assert_eq!(
            obj.get(toggle.as_str()),
            Some(&toggle.get(&Toggles::default()).into())
        );
    }
    // Missing fields fall back to the defaults.
    let partial: Toggles =
        serde_json::from_str(r#"{"members_export": true}"#).expect("deserializes");
    assert!(partial.members_export);
    assert!(partial.shared_templates);
    assert!(!partial.members_delete_tickets);
}

/// A refusal is stored in the outbox inside its notice, so its serialized form is a promise.
#[test]
fn denials_keep_their_stored_form() {
    let stored = [
        (Denied::NeedsRole(Role::Admin), r#"{"needs_role":"admin"}"#),
        (Denied::NeedsPro, r#""needs_pro""#),
        (Denied::SeatExpired, r#""seat_expired""#),
        (
            Denied::TurnedOff(Toggle::MembersExport),
            r#"{"turned_off":"members_export"}"#,
        ),
    ];
    for (denied, json) in stored {
        assert_eq!(serde_json::to_string(&denied).expect("serializes"), json);
        assert_eq!(
            serde_json::from_str::<Denied>(json).expect("deserializes"),
            denied
        );
    }
}

#[test]
fn seat_kinds_from_tiers() {
    assert_eq!(SeatKind::from(Tier::Basic), SeatKind::Basic);
    assert_eq!(SeatKind::from(Tier::Pro), SeatKind::Pro);
    assert!(SeatKind::Owner.is_pro() && SeatKind::Pro.is_pro() && !SeatKind::Basic.is_pro());
    assert!(Subject::owner().is_active() && Subject::owner().is_pro());
}

fn toggles() -> impl Strategy<Value = Toggles> {
    prop::array::uniform7(any::<bool>()).prop_map(|bits| {
        let mut t = Toggles::default();
        for (k, on) in Toggle::ALL.into_iter().zip(bits) {
            k.set(&mut t, on);
        }
        t
    })
}

fn subject() -> impl Strategy<Value = Subject> {
    (
        prop::sample::select(ROLES.to_vec()),
        prop::sample::select(SEATS.to_vec()),
        any::<bool>(),
    )
        .prop_map(|(role, seat, seat_active)| Subject {
            role,
            seat,
            seat_active,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn higher_roles_never_get_less(
        s in subject(),
        p in prop::sample::select(Perm::ALL.to_vec()),
        t in toggles(),
    ) {
        if check(&s, p, &t).is_ok() {
            for role in ROLES.into_iter().filter(|r| *r >= s.role) {
                let higher = Subject { role, ..s };
                prop_assert_eq!(check(&higher, p, &t), Ok(()), "{:?} ok but {:?} not", s, higher);
            }
        }
    }

    #[test]
    fn expired_seats_get_nothing(
        s in subject(),
        p in prop::sample::select(Perm::ALL.to_vec()),
        t in toggles(),
    ) {
        if s.role != Role::Owner && !s.seat_active {
            prop_assert_eq!(check(&s, p, &t), Err(Denied::SeatExpired));
        }
    }

    #[test]
    fn the_owner_can_do_anything(
        seat in prop::sample::select(SEATS.to_vec()),
        seat_active in any::<bool>(),
        p in prop::sample::select(Perm::ALL.to_vec()),
        t in toggles(),
    ) {
        let s = Subject { role: Role::Owner, seat, seat_active };
        prop_assert_eq!(check(&s, p, &t), Ok(()));
    }
}
