//! Seats: what a workspace has paid for, who sits in each seat, and the rules
//! for invites and purchases.
//!
//! Seats are where money meets access, so mistakes here either lock paying
//! people out or hand out seats for free. The rules live here, as pure
//! functions over plain facts the caller loads ([`SeatFacts`],
//! [`InviteFacts`]), with the current time passed in rather than read, so every
//! edge (a seat that expires this very second, a renewal on January 31st) can
//! be tested directly.
//!
//! A seat's state is never stored: it is derived from its facts by [`state`],
//! so a seat can't be "Filled" in one column and expired in another.
//! Expiry never deletes anything: the holder keeps the seat (and their
//! tickets, comments, history) and gets everything back when it is renewed.
//!
//! Invoices carry an [`InvoicePayload`] that Telegram echoes back in
//! `pre_checkout_query` and `successful_payment`; it is parsed strictly
//! because it decides what a payment buys.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Months, Utc};
use serde::{Deserialize, Serialize};

use super::ids::UserId;

/// The kind of a paid seat. Pro adds analytics and API keys for its holder
/// (SPEC §6); the Owner's free slot is not a tier (see
/// `permissions::SeatKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Basic,
    Pro,
}

impl Tier {
    /// Every tier, cheapest first — for buy buttons and `/seats`.
    pub const ALL: [Tier; 2] = [Tier::Basic, Tier::Pro];

    /// The stable machine name (storage, serde, commands, invoice payloads).
    pub const fn as_str(self) -> &'static str {
        match self {
            Tier::Basic => "basic",
            Tier::Pro => "pro",
        }
    }

    /// The human name shown on cards and buttons.
    pub const fn label(self) -> &'static str {
        match self {
            Tier::Basic => "Basic",
            Tier::Pro => "Pro",
        }
    }
}

/// Human form: `Basic`, `Pro`.
impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A string that is not a [`Tier`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown seat tier {0:?}; expected basic or pro")]
pub struct ParseTierError(pub String);

/// Case-insensitive, because people type `/invite Pro` as often as
/// `/invite pro`.
impl FromStr for Tier {
    type Err = ParseTierError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Tier::ALL
            .into_iter()
            .find(|t| s.eq_ignore_ascii_case(t.as_str()))
            .ok_or_else(|| ParseTierError(s.to_owned()))
    }
}

/// Where a seat is (SPEC §6). Derived by [`state`], never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeatState {
    /// Paid and held by a member.
    Filled,
    /// Paid, empty, and reserved by an unused, unexpired invite.
    Pending,
    /// Paid and empty: an invite can fill it.
    Available,
    /// The paid period ended. A holder keeps the seat but cannot work
    /// tickets until it is renewed.
    Expired,
}

impl SeatState {
    /// Every state, in the order `/seats` lists them.
    pub const ALL: [SeatState; 4] = [
        SeatState::Filled,
        SeatState::Pending,
        SeatState::Available,
        SeatState::Expired,
    ];

    /// The stable machine name (serde, logs, API).
    pub const fn as_str(self) -> &'static str {
        match self {
            SeatState::Filled => "filled",
            SeatState::Pending => "pending",
            SeatState::Available => "available",
            SeatState::Expired => "expired",
        }
    }

    /// The human name shown in `/seats`.
    pub const fn label(self) -> &'static str {
        match self {
            SeatState::Filled => "Filled",
            SeatState::Pending => "Pending",
            SeatState::Available => "Available",
            SeatState::Expired => "Expired",
        }
    }
}

/// Human form: `Filled`, `Pending`, `Available`, `Expired`.
impl fmt::Display for SeatState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What the database knows about a seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SeatFacts {
    /// The end of the paid period (exclusive: the seat is expired at this
    /// instant).
    pub paid_until: DateTime<Utc>,
    /// Who sits in it, if anyone.
    pub holder: Option<UserId>,
    /// Whether an invite for this seat exists that is neither used nor
    /// expired *at the `now` the caller will pass to [`state`]*. The caller
    /// computes it (e.g. with [`invite_is_live`]) because it owns the invite
    /// rows.
    pub pending_invite: bool,
}

/// The state of a seat at `now`.
///
/// Expired once `paid_until <= now`, whoever holds it: no data is lost, the
/// holder keeps the seat and gets to work again when it is renewed. Otherwise
/// Filled with a holder, Pending with an unused, unexpired invite, else
/// Available. A holder wins over an invite, so a stale invite row can't make
/// an occupied seat look free.
pub fn state(f: &SeatFacts, now: DateTime<Utc>) -> SeatState {
    if f.paid_until <= now {
        SeatState::Expired
    } else if f.holder.is_some() {
        SeatState::Filled
    } else if f.pending_invite {
        SeatState::Pending
    } else {
        SeatState::Available
    }
}

/// The new `paid_until` of a seat renewed or bought for `months` calendar
/// months: counted from `paid_until` if still in the future (renewing early
/// never loses paid time), else from `now` (renewing late doesn't charge for
/// the lapse). `None` is a brand-new seat.
///
/// Calendar months via [`chrono::Months`]: the day of month is kept and
/// clamped to the month's end, so Jan 31 + 1 month is Feb 28 (29 in leap
/// years). Consequence worth knowing: two 1-month renewals from Jan 31 end
/// on Mar 28, one 2-month renewal ends on Mar 31 (the day drifts down after
/// a short month and never comes back). Saturates at the latest representable instant instead of failing
/// (unreachable with the payload limits of 12 months).
pub fn extend(paid_until: Option<DateTime<Utc>>, now: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    let base = match paid_until {
        Some(until) if until > now => until,
        _ => now,
    };
    base.checked_add_months(Months::new(months))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Invite tokens: 7 days (SPEC §6), long enough to survive a weekend, short
/// enough that a leaked link doesn't stay useful.
pub const INVITE_VALIDITY: Duration = Duration::days(7);

/// Whether an invite counts towards [`SeatFacts::pending_invite`] at `now`:
/// not used and not yet expired. Same boundary as [`check_invite`].
pub fn invite_is_live(used: bool, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    !used && expires_at > now
}

/// Why an invite can't be used. The messages are shown to the person who
/// opened the link, so they say what to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum InviteProblem {
    /// No such token, or its seat is gone.
    #[error("This invite link is not valid. Ask the person who invited you for a new one.")]
    Unknown,
    /// The token was already accepted (invites are single-use), or its seat
    /// has been filled since.
    #[error(
        "This invite link has already been used. Ask the person who invited you for a new one."
    )]
    Used,
    /// Older than [`INVITE_VALIDITY`].
    #[error("This invite link has expired. Ask the person who invited you for a new one.")]
    Expired,
    /// The seat the invite is for is no longer paid for.
    #[error("The seat this invite is for has expired. Ask the workspace Owner to renew it.")]
    SeatExpired,
    /// The person opening the link already has a seat in the workspace.
    #[error("You are already a member of this workspace.")]
    AlreadyMember,
}

/// What the database knows about an invite token and its seat, as seen by
/// the person opening it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InviteFacts {
    /// Whether the token was found at all (when false, the other fields are
    /// ignored).
    pub exists: bool,
    pub used: bool,
    pub expires_at: DateTime<Utc>,
    /// The seat the invite reserves; `None` if it has been deleted.
    pub seat: Option<SeatFacts>,
    /// Whether the person opening the link is already a member of the
    /// invite's workspace.
    pub invitee_already_member: bool,
}

/// Whether the invite can be accepted at `now`; the first problem wins, in
/// this order: Unknown (no token, or no seat), Used, Expired
/// (`expires_at <= now`), AlreadyMember, SeatExpired.
///
/// The order goes from "this link is worthless" to "this link is fine but
/// you/the seat aren't": a stranger poking at a bad token learns nothing
/// about the workspace, and a member who taps a fresh link is told they're
/// already in before being told about billing they can't fix.
///
/// A seat that already has a holder reports Used: the invite has been
/// overtaken (the seat was filled some other way), and accepting it would
/// evict someone.
pub fn check_invite(f: &InviteFacts, now: DateTime<Utc>) -> Result<(), InviteProblem> {
    let Some(seat) = f.seat.as_ref().filter(|_| f.exists) else {
        return Err(InviteProblem::Unknown);
    };
    if f.used || seat.holder.is_some() {
        return Err(InviteProblem::Used);
    }
    if f.expires_at <= now {
        return Err(InviteProblem::Expired);
    }
    if f.invitee_already_member {
        return Err(InviteProblem::AlreadyMember);
    }
    if state(seat, now) == SeatState::Expired {
        return Err(InviteProblem::SeatExpired);
    }
    Ok(())
}

/// Which seats a purchase/renewal of `count` seats applies to: expired seats
/// of that tier first (renewing restores their holders, which is what an
/// Owner paying after a lapse expects), oldest first so long-standing members
/// come back first; the rest are new seats.
///
/// Returns `(seat ids to renew, number of seats to create)`; the two always
/// add up to `count`.
pub fn allocate_purchase(expired_seat_ids_oldest_first: &[i64], count: u32) -> (Vec<i64>, u32) {
    let renew: Vec<i64> = expired_seat_ids_oldest_first
        .iter()
        .copied()
        .take(usize::try_from(count).unwrap_or(usize::MAX))
        .collect();
    // `renew.len() <= count`, so this fits and never underflows.
    let renewed = u32::try_from(renew.len()).unwrap_or(count);
    (renew, count.saturating_sub(renewed))
}

/// Which seats an expiry (or reduction) of `count` seats hits: Available
/// first, then Pending, then Filled — so people lose access only when no
/// empty seat is left — newest first within each (the highest id, since ids
/// only grow), so long-standing members are kept longest.
///
/// Seats already Expired are skipped. Returns at most `count` ids, fewer if
/// there aren't enough seats; a Pending seat in the result should have its
/// invite revoked by the caller.
pub fn pick_to_expire(seats: &[(i64, SeatState)], count: u32) -> Vec<i64> {
    let rank = |s: SeatState| match s {
        SeatState::Available => Some(0u8),
        SeatState::Pending => Some(1),
        SeatState::Filled => Some(2),
        SeatState::Expired => None,
    };
    let mut candidates: Vec<(u8, i64)> = seats
        .iter()
        .filter_map(|&(id, s)| rank(s).map(|r| (r, id)))
        .collect();
    candidates.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    candidates
        .into_iter()
        .map(|(_, id)| id)
        .take(usize::try_from(count).unwrap_or(usize::MAX))
        .collect()
}

/// The most seats of one tier a single grant (the operator CLI, one billing webhook event) may
/// add: enough for any real team, small enough that a typo or a forged count cannot create
/// millions of rows in one transaction.
pub const MAX_GRANT_SEATS: u32 = 1_000;
/// The furthest a granted period may reach, in months from now (10 years).
pub const MAX_GRANT_MONTHS: u32 = 120;

/// Why a grant of seats is refused, worded for the operator or integrator who asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GrantProblem {
    #[error("at most {MAX_GRANT_SEATS} seats of each tier per grant")]
    TooManySeats,
    #[error("the paid period ends in the past")]
    EndsInThePast,
    #[error("the paid period may reach at most {MAX_GRANT_MONTHS} months ahead")]
    EndsTooLate,
}

/// Checks a grant of `basic` and `pro` seats paid until `until`.
pub fn check_grant(
    basic: u32,
    pro: u32,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), GrantProblem> {
    if basic > MAX_GRANT_SEATS || pro > MAX_GRANT_SEATS {
        return Err(GrantProblem::TooManySeats);
    }
    if until <= now {
        return Err(GrantProblem::EndsInThePast);
    }
    if until > extend(None, now, MAX_GRANT_MONTHS) {
        return Err(GrantProblem::EndsTooLate);
    }
    Ok(())
}

/// The most seats one invoice may buy.
pub const MAX_INVOICE_SEATS: u32 = 100;
/// The most months one invoice may cover.
pub const MAX_INVOICE_MONTHS: u32 = 12;

/// What an invoice buys, carried in the Telegram invoice payload as
/// `seats:v1:<workspace_id>:<tier>:<count>:<months>` (at most 42 bytes, well
/// under Telegram's 128).
///
/// The payload comes back from Telegram in `pre_checkout_query` (answer it
/// with an error if [`InvoicePayload::decode`] fails) and
/// `successful_payment` (apply what it decodes to, keyed by the charge id).
/// Versioned so a later format can coexist with invoices still in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InvoicePayload {
    pub workspace_id: i64,
    pub tier: Tier,
    /// 1..=[`MAX_INVOICE_SEATS`].
    pub count: u32,
    /// 1..=[`MAX_INVOICE_MONTHS`].
    pub months: u32,
}

/// Why a string is not a valid [`InvoicePayload`]. Not for end users: a bad
/// payload means a forged or foreign invoice, so log it and refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// Not `seats:<version>:…` with the right number of parts, or a number
    /// that isn't written canonically.
    #[error("not a seats invoice payload")]
    Malformed,
    /// A seats payload of a version this build doesn't understand.
    #[error("unsupported seats invoice payload version {0:?}")]
    UnsupportedVersion(String),
    #[error("unknown seat tier {0:?} in invoice payload")]
    UnknownTier(String),
    #[error("seat count {0} out of range 1..={MAX_INVOICE_SEATS}")]
    CountOutOfRange(u32),
    #[error("months {0} out of range 1..={MAX_INVOICE_MONTHS}")]
    MonthsOutOfRange(u32),
}

const PAYLOAD_PREFIX: &str = "seats";
const PAYLOAD_VERSION: &str = "v1";

impl InvoicePayload {
    /// Builds a payload, checking the same limits [`InvoicePayload::decode`]
    /// enforces — use it before sending an invoice so a payload that would be
    /// refused at checkout is never issued.
    pub fn new(
        workspace_id: i64,
        tier: Tier,
        count: u32,
        months: u32,
    ) -> Result<Self, PayloadError> {
        let p = InvoicePayload {
            workspace_id,
            tier,
            count,
            months,
        };
        p.validate()?;
        Ok(p)
    }

    fn validate(&self) -> Result<(), PayloadError> {
        if !(1..=MAX_INVOICE_SEATS).contains(&self.count) {
            return Err(PayloadError::CountOutOfRange(self.count));
        }
        if !(1..=MAX_INVOICE_MONTHS).contains(&self.months) {
            return Err(PayloadError::MonthsOutOfRange(self.months));
        }
        Ok(())
    }

    /// The payload string. Encodes whatever it holds; a value that skipped
    /// [`InvoicePayload::new`] and is out of range won't decode.
    pub fn encode(&self) -> String {
        format!(
            "{PAYLOAD_PREFIX}:{PAYLOAD_VERSION}:{}:{}:{}:{}",
            self.workspace_id,
            self.tier.as_str(),
            self.count,
            self.months
        )
    }

    /// Parses exactly what [`InvoicePayload::encode`] produces and rejects
    /// anything else: the tier must be lowercase, numbers canonical (no sign,
    /// no leading zeros, no spaces), so one purchase has one spelling.
    pub fn decode(s: &str) -> Result<Self, PayloadError> {
        let parts: Vec<&str> = s.split(':').collect();
        let [prefix, version, workspace, tier, count, months] = parts.as_slice() else {
            return Err(PayloadError::Malformed);
        };
        if *prefix != PAYLOAD_PREFIX {
            return Err(PayloadError::Malformed);
        }
        if *version != PAYLOAD_VERSION {
            return Err(PayloadError::UnsupportedVersion((*version).to_owned()));
        }
        let workspace_id: i64 = canonical(workspace)?;
        let tier = Tier::ALL
            .into_iter()
            .find(|t| t.as_str() == *tier)
            .ok_or_else(|| PayloadError::UnknownTier((*tier).to_owned()))?;
        let count: u32 = canonical(count)?;
        let months: u32 = canonical(months)?;
        Self::new(workspace_id, tier, count, months)
    }
}

/// Parses an integer only if printing it back gives the same text.
fn canonical<T: FromStr + ToString>(s: &str) -> Result<T, PayloadError> {
    let n: T = s.parse().map_err(|_| PayloadError::Malformed)?;
    if n.to_string() == s {
        Ok(n)
    } else {
        Err(PayloadError::Malformed)
    }
}

/// The price of an invoice in minor units (cents): `unit_price * count *
/// months`, `None` on overflow so a huge order is refused instead of
/// wrapping into a cheap one.
pub fn invoice_total(unit_price: u32, count: u32, months: u32) -> Option<u32> {
    unit_price.checked_mul(count)?.checked_mul(months)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

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

    #[test]
    fn invite_problems_read_as_sentences() {
        for p in [
            InviteProblem::Unknown,
            InviteProblem::Used,
            InviteProblem::Expired,
            InviteProblem::SeatExpired,
            InviteProblem::AlreadyMember,
        ] {
            let msg = p.to_string();
            assert!(msg.ends_with('.'), "{msg}");
            assert!(msg.chars().next().is_some_and(char::is_uppercase), "{msg}");
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
}
