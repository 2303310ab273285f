//! Invite links: how long one lives ([`INVITE_VALIDITY`]), whether it still reserves its seat
//! ([`invite_is_live`]), and whether the person opening it may take the seat ([`check_invite`]).
//!
//! The answers are read by whoever opened the link, possibly a stranger, so the order in which
//! problems are reported is part of the rules (see [`check_invite`]). The seat side of each
//! question comes from `seat.rs`.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::seat::{state, SeatFacts, SeatState};

/// Invite tokens: 7 days (SPEC §6), long enough to survive a weekend, short
/// enough that a leaked link doesn't stay useful.
pub const INVITE_VALIDITY: Duration = Duration::days(7);

/// Whether an invite counts towards [`SeatFacts::pending_invite`] at `now`:
/// not used and not yet expired. Same boundary as [`check_invite`].
pub fn invite_is_live(used: bool, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    !used && expires_at > now
}

/// Why an invite can't be used, as data. It is read by the person who opened the link, so its
/// words (in the Telegram adapter) say what to do next; it travels inside their notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InviteProblem {
    /// No such token, or its seat is gone.
    Unknown,
    /// The token was already accepted (invites are single-use), or its seat
    /// has been filled since.
    Used,
    /// Older than [`INVITE_VALIDITY`].
    Expired,
    /// The seat the invite is for is no longer paid for.
    SeatExpired,
    /// The person opening the link already has a seat in the workspace.
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
