//! The words of refusals: why a permission or an invite link was refused, read from the data
//! the domain carries ([`Denied`], [`InviteProblem`]).
//!
//! Each function is a `match` with no catch-all arm, so a new reason does not compile until it
//! is worded here. The text is plain: `render` escapes it like any other text.

use crate::domain::permissions::Denied;
use crate::domain::seats::InviteProblem;
use crate::domain::team::Role;

/// Why the permission check refused, to the person who asked.
pub fn denied(denied: Denied) -> &'static str {
    match denied {
        Denied::NeedsRole(Role::Member) => "Only members of this workspace can do this.",
        Denied::NeedsRole(Role::Admin) => "Only Admins and the Owner can do this.",
        Denied::NeedsRole(Role::Owner) => "Only the Owner can do this.",
        Denied::NeedsPro => "This needs a Pro seat.",
        Denied::SeatExpired => "Your seat has expired: ask the Owner to renew it.",
        Denied::TurnedOff(_) => "The Owner has turned this off for Members.",
    }
}

/// Why an invite link can't be used, to whoever opened it: what to do next.
pub fn invite(problem: InviteProblem) -> &'static str {
    match problem {
        InviteProblem::Unknown => {
            "This invite link is not valid. Ask the person who invited you for a new one."
        }
        InviteProblem::Used => {
            "This invite link has already been used. Ask the person who invited you for a new one."
        }
        InviteProblem::Expired => {
            "This invite link has expired. Ask the person who invited you for a new one."
        }
        InviteProblem::SeatExpired => {
            "The seat this invite is for has expired. Ask the workspace Owner to renew it."
        }
        InviteProblem::AlreadyMember => "You are already a member of this workspace.",
    }
}

#[cfg(test)]
mod tests {
    //! The refusals read exactly as they did when the domain wrote them, byte for byte (people
    //! and the integration tests know these sentences).

    use super::*;
    use crate::domain::permissions::Toggle;

    #[test]
    fn denials_read_as_the_spec_says() {
        assert_eq!(
            denied(Denied::NeedsRole(Role::Admin)),
            "Only Admins and the Owner can do this."
        );
        assert_eq!(
            denied(Denied::NeedsRole(Role::Owner)),
            "Only the Owner can do this."
        );
        assert_eq!(denied(Denied::NeedsPro), "This needs a Pro seat.");
        assert_eq!(
            denied(Denied::SeatExpired),
            "Your seat has expired: ask the Owner to renew it."
        );
        assert_eq!(
            denied(Denied::TurnedOff(Toggle::MembersExport)),
            "The Owner has turned this off for Members."
        );
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
            let msg = invite(p);
            assert!(msg.ends_with('.'), "{msg}");
            assert!(msg.chars().next().is_some_and(char::is_uppercase), "{msg}");
        }
        assert_eq!(
            invite(InviteProblem::Used),
            "This invite link has already been used. Ask the person who invited you for a new one."
        );
    }
}
