//! Who may use, create and change which templates.
//!
//! The permission table (`domain::permissions`) has two template actions: `UseSharedTemplates`
//! (Members per the Owner's "shared templates" toggle, on by default) and `ManageTemplates`
//! (Admins and the Owner). SPEC §8 adds personal templates, and the issue lets the toggle decide
//! whether Members may create shared ones. Together:
//!
//! - **Personal** templates belong to their author alone: only they see, use, edit, restore or
//!   delete them (anyone who may work tickets may keep some). To everyone else, the Owner
//!   included, they do not exist ([`Verdict::Hidden`]).
//! - **Shared** templates are used by everyone who may `UseSharedTemplates`. Admins and the
//!   Owner always create and change any of them (`ManageTemplates`). A Member creates shared
//!   templates, and changes the ones they created, only while the toggle is on; shared
//!   templates someone else created are the Admins' to change. With the toggle off a Member
//!   neither uses nor writes shared templates.
//!
//! An expired seat denies everything, as everywhere (the permission check's first step).

use crate::domain::ids::UserId;
use crate::domain::permissions::{check, Denied, Perm, Subject, Toggles};
use crate::domain::team::Role;

/// What the rights depend on: whether a template is shared, and who created it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    pub shared: bool,
    pub author: UserId,
}

/// The answer about one template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Someone else's personal template: as if it did not exist.
    Hidden,
    Denied(Denied),
}

impl From<Result<(), Denied>> for Verdict {
    fn from(r: Result<(), Denied>) -> Self {
        match r {
            Ok(()) => Verdict::Allowed,
            Err(d) => Verdict::Denied(d),
        }
    }
}

/// Whether `who` (user `me`) may send template `t` into a ticket.
pub fn may_use(who: &Subject, me: UserId, t: Template, toggles: &Toggles) -> Verdict {
    if !t.shared && t.author != me {
        return Verdict::Hidden;
    }
    let perm = if t.shared {
        Perm::UseSharedTemplates
    } else {
        Perm::WorkTickets
    };
    check(who, perm, toggles).into()
}

/// Whether `who` may create a shared (or a personal) template.
pub fn may_create(who: &Subject, shared: bool, toggles: &Toggles) -> Result<(), Denied> {
    check(who, Perm::WorkTickets, toggles)?;
    match (shared, who.role) {
        (false, _) => Ok(()),
        (true, Role::Admin | Role::Owner) => check(who, Perm::ManageTemplates, toggles),
        (true, Role::Member) => check(who, Perm::UseSharedTemplates, toggles),
    }
}

/// Whether `who` (user `me`) may edit, restore or delete template `t`.
pub fn may_change(who: &Subject, me: UserId, t: Template, toggles: &Toggles) -> Verdict {
    if !t.shared {
        return if t.author == me {
            check(who, Perm::WorkTickets, toggles).into()
        } else {
            Verdict::Hidden
        };
    }
    match who.role {
        Role::Admin | Role::Owner => check(who, Perm::ManageTemplates, toggles).into(),
        Role::Member => match check(who, Perm::UseSharedTemplates, toggles) {
            Err(d) => Verdict::Denied(d),
            Ok(()) if t.author == me => Verdict::Allowed,
            Ok(()) => Verdict::Denied(Denied::NeedsRole(Role::Admin)),
        },
    }
}
