//! Tests of the seat rules: tiers and states, paid periods across month ends, invites and the order
//! of their problems, purchases and expiries, grants, and invoice payloads.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::domain::ids::UserId;

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
}

fn now() -> DateTime<Utc> {
    at(2025, 6, 15)
}

#[test]
fn grants_are_bounded_in_count_and_time() {
    let month = now() + Duration::days(30);
    assert_eq!(check_grant(1_000, 1_000, month, now()), Ok(()));
    assert_eq!(
        check_grant(1_001, 0, month, now()),
        Err(GrantProblem::TooManySeats)
    );
    assert_eq!(
        check_grant(0, u32::MAX, month, now()),
        Err(GrantProblem::TooManySeats)
    );
    assert_eq!(
        check_grant(1, 0, now(), now()),
        Err(GrantProblem::EndsInThePast)
    );
    assert_eq!(check_grant(1, 0, at(2035, 6, 15), now()), Ok(()));
    assert_eq!(
        check_grant(1, 0, at(2035, 6, 16), now()),
        Err(GrantProblem::EndsTooLate)
    );
    assert_eq!(
        check_grant(1, 0, DateTime::<Utc>::MAX_UTC, now()),
        Err(GrantProblem::EndsTooLate)
    );
}

#[test]
fn tiers_parse_case_insensitively_and_display_capitalised() {
    for t in Tier::ALL {
        assert_eq!(t.as_str().parse::<Tier>(), Ok(t));
        assert_eq!(t.as_str().to_uppercase().parse::<Tier>(), Ok(t));
        assert_eq!(t.to_string().parse::<Tier>(), Ok(t));
    }
    assert_eq!(Tier::Basic.to_string(), "Basic");
    assert_eq!(Tier::Pro.to_string(), "Pro");
    assert!("gold".parse::<Tier>().is_err());
    assert!(Tier::Basic < Tier::Pro);
    assert_eq!(
        serde_json::to_string(&Tier::Pro).expect("serializes"),
        "\"pro\""
    );
    assert_eq!(
        serde_json::from_str::<Tier>("\"basic\"").expect("deserializes"),
        Tier::Basic
    );
}

#[test]
fn seat_state_names() {
    let names: Vec<_> = SeatState::ALL
        .iter()
        .map(|s| (s.as_str(), s.to_string()))
        .collect();
    assert_eq!(
        names,
        [
            ("filled", "Filled".to_owned()),
            ("pending", "Pending".to_owned()),
            ("available", "Available".to_owned()),
            ("expired", "Expired".to_owned()),
        ]
    );
    assert_eq!(
        serde_json::to_string(&SeatState::Available).expect("serializes"),
        "\"available\""
    );
}

#[test]
fn every_state_combination() {
    let holder = Some(UserId(7));
    let past = now() - Duration::seconds(1);
    let future = now() + Duration::seconds(1);
    // (paid_until, holder, pending_invite) -> state
    let table = [
        (past, None, false, SeatState::Expired),
        (past, None, true, SeatState::Expired),
        (past, holder, false, SeatState::Expired),
        (past, holder, true, SeatState::Expired),
        (now(), None, false, SeatState::Expired),
        (now(), holder, true, SeatState::Expired),
        (future, None, false, SeatState::Available),
        (future, None, true, SeatState::Pending),
        (future, holder, false, SeatState::Filled),
        (future, holder, true, SeatState::Filled),
    ];
    for (paid_until, holder, pending_invite, expected) in table {
        let f = SeatFacts {
            paid_until,
            holder,
            pending_invite,
        };
        assert_eq!(state(&f, now()), expected, "{f:?}");
    }
}

#[test]
fn extend_counts_from_the_later_of_paid_until_and_now() {
    // Still paid: add to the end of the paid period.
    assert_eq!(extend(Some(at(2025, 7, 10)), now(), 1), at(2025, 8, 10));
    // Lapsed: count from now, the gap isn't charged.
    assert_eq!(extend(Some(at(2025, 5, 1)), now(), 1), at(2025, 7, 15));
    // Expiring exactly now counts as lapsed.
    assert_eq!(extend(Some(now()), now(), 2), at(2025, 8, 15));
    // New seat.
    assert_eq!(extend(None, now(), 12), at(2026, 6, 15));
    assert_eq!(extend(None, now(), 0), now());
}

#[test]
fn extend_clamps_at_month_ends() {
    let before = at(2024, 1, 1);
    assert_eq!(extend(Some(at(2025, 1, 31)), before, 1), at(2025, 2, 28));
    assert_eq!(extend(Some(at(2024, 1, 31)), before, 1), at(2024, 2, 29));
    assert_eq!(extend(None, at(2024, 1, 31), 1), at(2024, 2, 29));
    assert_eq!(extend(None, at(2025, 1, 31), 2), at(2025, 3, 31));
    assert_eq!(extend(Some(at(2025, 3, 31)), before, 1), at(2025, 4, 30));
    assert_eq!(extend(Some(at(2024, 2, 29)), before, 12), at(2025, 2, 28));
    assert_eq!(extend(Some(at(2025, 12, 31)), before, 2), at(2026, 2, 28));
    // Time of day is kept.
    let t = Utc.with_ymd_and_hms(2025, 1, 31, 23, 59, 59).unwrap();
    assert_eq!(
        extend(None, t, 1),
        Utc.with_ymd_and_hms(2025, 2, 28, 23, 59, 59).unwrap()
    );
}

#[test]
fn extend_saturates_instead_of_panicking() {
    let max = DateTime::<Utc>::MAX_UTC;
    assert_eq!(extend(Some(max), now(), 1), max);
    assert_eq!(extend(None, now(), u32::MAX), max);
}

#[test]
fn invite_validity_is_a_week() {
    assert_eq!(INVITE_VALIDITY, Duration::weeks(1));
}

fn good_invite() -> InviteFacts {
    InviteFacts {
        exists: true,
        used: false,
        expires_at: now() + INVITE_VALIDITY,
        seat: Some(SeatFacts {
            paid_until: at(2025, 7, 1),
            holder: None,
            pending_invite: true,
        }),
        invitee_already_member: false,
    }
}

#[test]
fn a_good_invite_is_accepted() {
    assert_eq!(check_invite(&good_invite(), now()), Ok(()));
}

#[test]
fn invite_problems_are_reported_in_order() {
    let expired_seat = Some(SeatFacts {
        paid_until: now(),
        holder: None,
        pending_invite: true,
    });
    // Everything wrong at once, then fix one problem at a time; each
    // step must reveal the next problem in the documented order.
    let mut f = InviteFacts {
        exists: false,
        used: true,
        expires_at: now(),
        seat: expired_seat,
        invitee_already_member: true,
    };
    assert_eq!(check_invite(&f, now()), Err(InviteProblem::Unknown));
    f.exists = true;
    assert_eq!(check_invite(&f, now()), Err(InviteProblem::Used));
    f.used = false;
    assert_eq!(check_invite(&f, now()), Err(InviteProblem::Expired));
    f.expires_at = now() + Duration::seconds(1);
    assert_eq!(check_invite(&f, now()), Err(InviteProblem::AlreadyMember));
    f.invitee_already_member = false;
    assert_eq!(check_invite(&f, now()), Err(InviteProblem::SeatExpired));
    f.seat = good_invite().seat;
    assert_eq!(check_invite(&f, now()), Ok(()));
}

#[test]
fn an_invite_without_a_seat_is_unknown() {
    let f = InviteFacts {
        seat: None,
        ..good_invite()
    };
    assert_eq!(check_invite(&f, now()), Err(InviteProblem::Unknown));
}

#[test]
fn an_invite_whose_seat_was_filled_meanwhile_is_used() {
    let mut f = good_invite();
    if let Some(seat) = f.seat.as_mut() {
        seat.holder = Some(UserId(1));
    }
    assert_eq!(check_invite(&f, now()), Err(InviteProblem::Used));
}

#[test]
fn invite_liveness_matches_check_invite_boundary() {
    assert!(invite_is_live(false, now() + Duration::seconds(1), now()));
    assert!(!invite_is_live(false, now(), now()));
    assert!(!invite_is_live(true, now() + INVITE_VALIDITY, now()));
}

/// An invite problem is stored in the outbox inside its notice, so its serialized form is a
/// promise.
#[test]
fn invite_problems_keep_their_stored_form() {
    for (p, json) in [
        (InviteProblem::Unknown, r#""unknown""#),
        (InviteProblem::Used, r#""used""#),
        (InviteProblem::Expired, r#""expired""#),
        (InviteProblem::SeatExpired, r#""seat_expired""#),
        (InviteProblem::AlreadyMember, r#""already_member""#),
    ] {
        assert_eq!(serde_json::to_string(&p).expect("serializes"), json);
        assert_eq!(
            serde_json::from_str::<InviteProblem>(json).expect("deserializes"),
            p
        );
    }
}

#[test]
fn purchases_renew_expired_seats_first() {
    assert_eq!(allocate_purchase(&[], 0), (vec![], 0));
    assert_eq!(allocate_purchase(&[], 3), (vec![], 3));
    assert_eq!(allocate_purchase(&[4, 2, 9], 0), (vec![], 0));
    assert_eq!(allocate_purchase(&[4, 2, 9], 2), (vec![4, 2], 0));
    assert_eq!(allocate_purchase(&[4, 2, 9], 3), (vec![4, 2, 9], 0));
    assert_eq!(allocate_purchase(&[4, 2, 9], 5), (vec![4, 2, 9], 2));
    assert_eq!(allocate_purchase(&[1], u32::MAX), (vec![1], u32::MAX - 1));
}

#[test]
fn expiry_hits_empty_seats_first_newest_first() {
    use SeatState::*;
    let seats = [
        (1, Filled),
        (2, Available),
        (3, Pending),
        (4, Filled),
        (5, Expired),
        (6, Available),
        (7, Pending),
    ];
    assert_eq!(pick_to_expire(&seats, 0), Vec::<i64>::new());
    assert_eq!(pick_to_expire(&seats, 1), vec![6]);
    assert_eq!(pick_to_expire(&seats, 3), vec![6, 2, 7]);
    assert_eq!(pick_to_expire(&seats, 5), vec![6, 2, 7, 3, 4]);
    // Never an already-expired seat, never more than exist.
    assert_eq!(pick_to_expire(&seats, 100), vec![6, 2, 7, 3, 4, 1]);
    assert_eq!(pick_to_expire(&[], 3), Vec::<i64>::new());
    assert_eq!(pick_to_expire(&[(1, Expired)], 3), Vec::<i64>::new());
    // Input order doesn't matter, ids do.
    assert_eq!(
        pick_to_expire(&[(2, Filled), (9, Filled), (5, Filled)], 2),
        vec![9, 5]
    );
}

#[test]
fn payload_round_trip_and_format() {
    let p = InvoicePayload::new(42, Tier::Pro, 3, 12).expect("in range");
    assert_eq!(p.encode(), "seats:v1:42:pro:3:12");
    assert_eq!(InvoicePayload::decode(&p.encode()), Ok(p));
    let widest = InvoicePayload::new(i64::MIN, Tier::Basic, 100, 12).expect("in range");
    assert!(widest.encode().len() <= 42);
    assert_eq!(InvoicePayload::decode(&widest.encode()), Ok(widest));
}

#[test]
fn payload_rejects_anything_else() {
    use PayloadError::*;
    let cases = [
        ("", Malformed),
        ("seats", Malformed),
        ("seats:v1:42:pro:3", Malformed),
        ("seats:v1:42:pro:3:12:", Malformed),
        ("seats:v1:42:pro:3:12:extra", Malformed),
        ("other:v1:42:pro:3:12", Malformed),
        ("SEATS:v1:42:pro:3:12", Malformed),
        ("seats:v2:42:pro:3:12", UnsupportedVersion("v2".into())),
        ("seats:v1:42:gold:3:12", UnknownTier("gold".into())),
        ("seats:v1:42:Pro:3:12", UnknownTier("Pro".into())),
        ("seats:v1:x:pro:3:12", Malformed),
        ("seats:v1:+42:pro:3:12", Malformed),
        ("seats:v1:042:pro:3:12", Malformed),
        ("seats:v1: 42:pro:3:12", Malformed),
        ("seats:v1:-0:pro:3:12", Malformed),
        ("seats:v1:99999999999999999999:pro:3:12", Malformed),
        ("seats:v1:42:pro:-3:12", Malformed),
        ("seats:v1:42:pro:03:12", Malformed),
        ("seats:v1:42:pro:0:12", CountOutOfRange(0)),
        ("seats:v1:42:pro:101:12", CountOutOfRange(101)),
        ("seats:v1:42:pro:3:0", MonthsOutOfRange(0)),
        ("seats:v1:42:pro:3:13", MonthsOutOfRange(13)),
        ("seats:v1:42:pro:3:99999999999", Malformed),
    ];
    for (s, err) in cases {
        assert_eq!(InvoicePayload::decode(s), Err(err), "{s:?}");
    }
    assert!(InvoicePayload::decode("seats:v1:42:basic:100:1").is_ok());
    assert!(InvoicePayload::decode("seats:v1:42:basic:1:1").is_ok());
}

#[test]
fn payload_new_enforces_the_limits() {
    assert_eq!(
        InvoicePayload::new(1, Tier::Basic, 0, 1),
        Err(PayloadError::CountOutOfRange(0))
    );
    assert_eq!(
        InvoicePayload::new(1, Tier::Basic, 1, 13),
        Err(PayloadError::MonthsOutOfRange(13))
    );
}

#[test]
fn invoice_total_multiplies_and_refuses_overflow() {
    assert_eq!(invoice_total(2900, 3, 12), Some(104_400));
    assert_eq!(invoice_total(3900, 100, 12), Some(4_680_000));
    assert_eq!(invoice_total(0, 5, 5), Some(0));
    assert_eq!(invoice_total(u32::MAX, 1, 1), Some(u32::MAX));
    assert_eq!(invoice_total(u32::MAX, 2, 1), None);
    assert_eq!(invoice_total(u32::MAX / 2, 1, 3), None);
    assert_eq!(invoice_total(65_536, 65_536, 1), None);
    assert_eq!(invoice_total(1 << 16, 1 << 8, 1 << 8), None);
}

fn payload() -> impl Strategy<Value = InvoicePayload> {
    (
        any::<i64>(),
        prop::sample::select(Tier::ALL.to_vec()),
        1..=MAX_INVOICE_SEATS,
        1..=MAX_INVOICE_MONTHS,
    )
        .prop_map(|(workspace_id, tier, count, months)| InvoicePayload {
            workspace_id,
            tier,
            count,
            months,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn payload_decodes_what_it_encodes(p in payload()) {
        prop_assert_eq!(InvoicePayload::decode(&p.encode()), Ok(p));
    }

    #[test]
    fn payload_decode_never_panics(s in ".{0,64}") {
        let _ = InvoicePayload::decode(&s);
    }

    #[test]
    fn payload_decode_is_canonical(s in "seats:v1:-?[0-9]{1,20}:(basic|pro|Pro):[0-9]{1,4}:[0-9]{1,3}") {
        // Whatever decodes re-encodes to exactly the same string.
        if let Ok(p) = InvoicePayload::decode(&s) {
            prop_assert_eq!(p.encode(), s);
        }
    }

    #[test]
    fn extend_never_shortens_and_lands_in_the_future(
        paid_offset in -100_000i64..100_000,
        months in 1u32..=12,
    ) {
        let paid = now() + Duration::hours(paid_offset);
        let next = extend(Some(paid), now(), months);
        prop_assert!(next > now());
        prop_assert!(next > paid);
    }

    #[test]
    fn allocate_always_adds_up(ids in prop::collection::vec(any::<i64>(), 0..20), count in 0u32..30) {
        let (renew, create) = allocate_purchase(&ids, count);
        prop_assert_eq!(renew.len() as u32 + create, count);
        prop_assert_eq!(&renew[..], &ids[..renew.len()]);
    }
}
