//! The answer to "may this person do this?": who is asking ([`Subject`], sitting in a
//! [`SeatKind`]), and [`check`], which walks the seat, role, Pro and toggle steps described in the
//! `permissions` module docs and refuses with a [`Denied`] saying which step failed (the words
//! for it are the Telegram adapter's).
//!
//! The actions and toggles it weighs are defined in `actions.rs`.

use serde::{Deserialize, Serialize};

use super::actions::{Perm, Toggle, Toggles};
use crate::domain::seats::Tier;
use crate::domain::team::Role;

/// What kind of seat someone sits in. The Owner slot is free and includes
/// everything Pro has; the Owner never expires (see [`Subject::is_active`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeatKind {
    Owner,
    Basic,
    Pro,
}

impl SeatKind {
    /// Whether this seat has Pro features (Pro, or the Owner slot).
    pub const fn is_pro(self) -> bool {
        matches!(self, SeatKind::Owner | SeatKind::Pro)
    }
}

/// A paid seat of a tier.
impl From<Tier> for SeatKind {
    fn from(t: Tier) -> Self {
        match t {
            Tier::Basic => SeatKind::Basic,
            Tier::Pro => SeatKind::Pro,
        }
    }
}

/// Who is asking: role, seat kind, and whether their seat is active (not
/// expired; ignored for the Owner, who is always active).
///
/// Expected combinations: the Owner in [`SeatKind::Owner`], everyone else in
/// a Basic or Pro seat. If they disagree the role wins: a `Role::Owner` is
/// active and Pro on any seat; a non-Owner in the Owner slot counts as Pro
/// (that is what the slot includes) but still needs `seat_active`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Subject {
    pub role: Role,
    pub seat: SeatKind,
    pub seat_active: bool,
}

impl Subject {
    /// The Owner, in the Owner slot.
    pub const fn owner() -> Self {
        Subject {
            role: Role::Owner,
            seat: SeatKind::Owner,
            seat_active: true,
        }
    }

    /// Whether the seat lets them work at all. The Owner never expires (so a
    /// workspace always has someone who can renew); for everyone else it is
    /// `seat_active`, whatever the seat kind — a non-Owner recorded in the
    /// Owner slot (an app inconsistency) gets no free pass.
    pub const fn is_active(&self) -> bool {
        matches!(self.role, Role::Owner) || self.seat_active
    }

    /// Whether they have Pro features. The Owner counts as Pro even if the
    /// recorded seat says otherwise (e.g. right after an ownership
    /// transfer, before seats are reshuffled).
    pub const fn is_pro(&self) -> bool {
        matches!(self.role, Role::Owner) || self.seat.is_pro()
    }
}

/// Why [`check`] refused, as data: which step failed and what it wanted. Travels inside the
/// notice that answers the person (so it is serialized into the outbox).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Denied {
    /// The least role that would do.
    NeedsRole(Role),
    NeedsPro,
    SeatExpired,
    /// A Member asked for something the Owner has switched off for Members.
    TurnedOff(Toggle),
}

/// Whether `s` may do `p` in a workspace with toggles `t`; see the module
/// docs for the order of the checks and the full table.
pub fn check(s: &Subject, p: Perm, t: &Toggles) -> Result<(), Denied> {
    if !s.is_active() {
        return Err(Denied::SeatExpired);
    }
    let least = p.least_role();
    if s.role < least {
        return Err(Denied::NeedsRole(least));
    }
    if p.needs_pro() && !s.is_pro() {
        return Err(Denied::NeedsPro);
    }
    if s.role == Role::Member {
        if let Some(toggle) = p.toggle() {
            if !toggle.get(t) {
                return Err(Denied::TurnedOff(toggle));
            }
        }
    }
    Ok(())
}
