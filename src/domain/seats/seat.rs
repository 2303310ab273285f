//! A seat and its paid period: the [`Tier`] it was bought at, the [`SeatState`] derived from its
//! [`SeatFacts`] at a given instant ([`state`]), how a renewal moves its end ([`extend`]), and
//! which seats a purchase renews ([`allocate_purchase`]) or an expiry hits ([`pick_to_expire`]).
//!
//! This is what invites and billing build on (`invite.rs`, `billing.rs`); it knows nothing of
//! either.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::ids::UserId;

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
    /// computes it (e.g. with [`invite_is_live`](super::invite_is_live))
    /// because it owns the invite rows.
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
