//! Who may do what: one table of role × action, plus the Owner's toggles
//! (SPEC §6).
//!
//! Permission checks scattered through handlers drift apart (one command
//! forgets the seat check, another hard-codes "admins only" where the Owner
//! made it a toggle). So every permission question in the app is a single
//! call, [`check`], answering with a reason the user can read
//! ([`Denied`]). The caller describes who is asking ([`Subject`]), which
//! action ([`Perm`]) and the workspace's [`Toggles`]; nothing here reads a
//! database.
//!
//! [`check`] asks, in this order, and the first failure is the answer:
//!
//! 1. **Seat** — an expired seat denies everything ([`Denied::SeatExpired`]):
//!    the member can't work until the Owner renews it (SPEC §6). The Owner
//!    role is always active, whatever `seat_active` says.
//! 2. **Role** — the least role the action needs ([`Perm::least_role`]);
//!    actions a toggle can open to Members count as Member-level here.
//! 3. **Pro** — analytics and API keys need a Pro seat ([`Perm::needs_pro`]);
//!    the Owner counts as Pro. Applies to Admins too: an Admin on a Basic
//!    seat gets [`Denied::NeedsPro`] for API keys and analytics.
//! 4. **Toggle** — for Members only, the Owner's switch for that action
//!    ([`Perm::toggle`]); Admins and the Owner ignore toggles.
//!
//! The table with default toggles (`.` allowed, `X` seat expired, `P` needs
//! Pro, `T` turned off, `A`/`O` needs Admin/Owner):
//!
//! | action | Member Basic | Member Pro | Admin Basic | Admin Pro | Owner |
//! |---|---|---|---|---|---|
//! | WorkTickets, CreateTickets, EditTickets, UseSharedTemplates | . | . | . | . | . |
//! | ViewOwnAnalytics | P | . | P | . | . |
//! | ViewAllAnalytics | P | T | P | . | . |
//! | ExportData, ManageExcludedTopics, DeleteTickets | T | T | . | . | . |
//! | ManageTemplates, ManageMembers, ConfigureWorkspace | A | A | . | . | . |
//! | ManageApiKeys | A | A | P | . | . |
//! | ManageBilling, ManagePermissions, TransferOwnership, DeleteWorkspace | O | O | O | O | . |
//!
//! (every non-Owner cell is `X` when the seat has expired).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::seats::Tier;
use super::team::Role;

/// Every action that needs a permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Perm {
    /// Claim, assign, resolve, reply…; read and write field values, write
    /// comments, use templates (including one's own personal templates).
    WorkTickets,
    /// One's own analytics. Pro-only (the Owner counts as Pro).
    ViewOwnAnalytics,
    /// Everyone's analytics. Pro-only; Admins and the Owner always, Members
    /// only with [`Toggle::MembersSeeAllAnalytics`].
    ViewAllAnalytics,
    /// `/export` and CSV downloads. Admins and the Owner; Members only with
    /// [`Toggle::MembersExport`].
    ExportData,
    /// Exclude topics from the helpdesk. Admins and the Owner; Members only
    /// with [`Toggle::MembersManageExcluded`].
    ManageExcludedTopics,
    /// Open a ticket by hand. Members per [`Toggle::MembersCreateTickets`]
    /// (on by default).
    CreateTickets,
    /// Edit a ticket's subject/details. Members per
    /// [`Toggle::MembersEditTickets`] (on by default).
    EditTickets,
    /// Delete a ticket. Members per [`Toggle::MembersDeleteTickets`] (off by
    /// default: it destroys history).
    DeleteTickets,
    /// Use the workspace's shared templates. Members per
    /// [`Toggle::SharedTemplates`] (on by default).
    UseSharedTemplates,
    /// Create, edit and delete shared templates. Admins and the Owner.
    ManageTemplates,
    /// Invite, change roles (never to or from Owner — that's
    /// [`Perm::TransferOwnership`]), move seats, remove members, decide
    /// leave requests. Admins and the Owner.
    ManageMembers,
    /// Connect groups, staff chat, routing, SLA, custom fields, webhooks,
    /// settings other than permissions. Admins and the Owner.
    ConfigureWorkspace,
    /// Create and revoke API keys. Admins and the Owner, and a Pro seat (the
    /// Owner counts as Pro): an API key acts with its creator's reach, so it
    /// is a Pro feature like analytics.
    ManageApiKeys,
    /// `/seats`, buying and renewing seats. Owner only.
    ManageBilling,
    /// The [`Toggles`]. Owner only.
    ManagePermissions,
    /// Owner only.
    TransferOwnership,
    /// Owner only.
    DeleteWorkspace,
}

impl Perm {
    /// Every permission, for exhaustive tests and help screens.
    pub const ALL: [Perm; 17] = [
        Perm::WorkTickets,
        Perm::ViewOwnAnalytics,
        Perm::ViewAllAnalytics,
        Perm::ExportData,
        Perm::ManageExcludedTopics,
        Perm::CreateTickets,
        Perm::EditTickets,
        Perm::DeleteTickets,
        Perm::UseSharedTemplates,
        Perm::ManageTemplates,
        Perm::ManageMembers,
        Perm::ConfigureWorkspace,
        Perm::ManageApiKeys,
        Perm::ManageBilling,
        Perm::ManagePermissions,
        Perm::TransferOwnership,
        Perm::DeleteWorkspace,
    ];

    /// The stable machine name (logs, audit).
    pub const fn as_str(self) -> &'static str {
        match self {
            Perm::WorkTickets => "work_tickets",
            Perm::ViewOwnAnalytics => "view_own_analytics",
            Perm::ViewAllAnalytics => "view_all_analytics",
            Perm::ExportData => "export_data",
            Perm::ManageExcludedTopics => "manage_excluded_topics",
            Perm::CreateTickets => "create_tickets",
            Perm::EditTickets => "edit_tickets",
            Perm::DeleteTickets => "delete_tickets",
            Perm::UseSharedTemplates => "use_shared_templates",
            Perm::ManageTemplates => "manage_templates",
            Perm::ManageMembers => "manage_members",
            Perm::ConfigureWorkspace => "configure_workspace",
            Perm::ManageApiKeys => "manage_api_keys",
            Perm::ManageBilling => "manage_billing",
            Perm::ManagePermissions => "manage_permissions",
            Perm::TransferOwnership => "transfer_ownership",
            Perm::DeleteWorkspace => "delete_workspace",
        }
    }

    /// The Owner's switch that opens this action to Members, if any. When
    /// there is one, Members pass the role step and are decided by the
    /// toggle.
    pub const fn toggle(self) -> Option<Toggle> {
        match self {
            Perm::ViewAllAnalytics => Some(Toggle::MembersSeeAllAnalytics),
            Perm::ExportData => Some(Toggle::MembersExport),
            Perm::ManageExcludedTopics => Some(Toggle::MembersManageExcluded),
            Perm::CreateTickets => Some(Toggle::MembersCreateTickets),
            Perm::EditTickets => Some(Toggle::MembersEditTickets),
            Perm::DeleteTickets => Some(Toggle::MembersDeleteTickets),
            Perm::UseSharedTemplates => Some(Toggle::SharedTemplates),
            _ => None,
        }
    }

    /// The least role that can ever do this (with the right toggles and
    /// seat). Toggle-gated actions are Member-level.
    pub const fn least_role(self) -> Role {
        match self {
            Perm::WorkTickets | Perm::ViewOwnAnalytics => Role::Member,
            Perm::ManageTemplates
            | Perm::ManageMembers
            | Perm::ConfigureWorkspace
            | Perm::ManageApiKeys => Role::Admin,
            Perm::ManageBilling
            | Perm::ManagePermissions
            | Perm::TransferOwnership
            | Perm::DeleteWorkspace => Role::Owner,
            // Toggle-gated: Members can, if the Owner allows it.
            Perm::ViewAllAnalytics
            | Perm::ExportData
            | Perm::ManageExcludedTopics
            | Perm::CreateTickets
            | Perm::EditTickets
            | Perm::DeleteTickets
            | Perm::UseSharedTemplates => Role::Member,
        }
    }

    /// Whether this needs a Pro seat (SPEC §6: "Pro adds analytics and API
    /// keys for that member"). The Owner slot counts as Pro.
    pub const fn needs_pro(self) -> bool {
        matches!(
            self,
            Perm::ViewOwnAnalytics | Perm::ViewAllAnalytics | Perm::ManageApiKeys
        )
    }
}

impl fmt::Display for Perm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The Owner's permission switches (SPEC §6). Stored per workspace; fields
/// missing from stored JSON take their defaults, so adding a toggle later
/// needs no migration of old rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Toggles {
    pub members_see_all_analytics: bool,
    pub members_manage_excluded: bool,
    pub members_export: bool,
    pub shared_templates: bool,
    pub members_create_tickets: bool,
    pub members_edit_tickets: bool,
    pub members_delete_tickets: bool,
}

/// SPEC §6 defaults: Members see only their own analytics, can't touch
/// excluded topics or export, use shared templates, create and edit tickets
/// but not delete them.
impl Default for Toggles {
    fn default() -> Self {
        Toggles {
            members_see_all_analytics: false,
            members_manage_excluded: false,
            members_export: false,
            shared_templates: true,
            members_create_tickets: true,
            members_edit_tickets: true,
            members_delete_tickets: false,
        }
    }
}

/// Which toggle, for the settings screen (buttons, callback data) and the
/// audit log (the key of the changed setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Toggle {
    MembersSeeAllAnalytics,
    MembersManageExcluded,
    MembersExport,
    SharedTemplates,
    MembersCreateTickets,
    MembersEditTickets,
    MembersDeleteTickets,
}

impl Toggle {
    /// Every toggle, in the order the settings screen shows them.
    pub const ALL: [Toggle; 7] = [
        Toggle::MembersSeeAllAnalytics,
        Toggle::MembersManageExcluded,
        Toggle::MembersExport,
        Toggle::SharedTemplates,
        Toggle::MembersCreateTickets,
        Toggle::MembersEditTickets,
        Toggle::MembersDeleteTickets,
    ];

    /// The stable key: the [`Toggles`] field name (and its serde name).
    pub const fn as_str(self) -> &'static str {
        match self {
            Toggle::MembersSeeAllAnalytics => "members_see_all_analytics",
            Toggle::MembersManageExcluded => "members_manage_excluded",
            Toggle::MembersExport => "members_export",
            Toggle::SharedTemplates => "shared_templates",
            Toggle::MembersCreateTickets => "members_create_tickets",
            Toggle::MembersEditTickets => "members_edit_tickets",
            Toggle::MembersDeleteTickets => "members_delete_tickets",
        }
    }

    /// The human label for the settings screen.
    pub const fn label(self) -> &'static str {
        match self {
            Toggle::MembersSeeAllAnalytics => "Members see all analytics",
            Toggle::MembersManageExcluded => "Members manage excluded topics",
            Toggle::MembersExport => "Members export data",
            Toggle::SharedTemplates => "Shared templates",
            Toggle::MembersCreateTickets => "Members create tickets",
            Toggle::MembersEditTickets => "Members edit tickets",
            Toggle::MembersDeleteTickets => "Members delete tickets",
        }
    }

    /// The action this toggle opens to Members (inverse of [`Perm::toggle`]).
    pub const fn perm(self) -> Perm {
        match self {
            Toggle::MembersSeeAllAnalytics => Perm::ViewAllAnalytics,
            Toggle::MembersManageExcluded => Perm::ManageExcludedTopics,
            Toggle::MembersExport => Perm::ExportData,
            Toggle::SharedTemplates => Perm::UseSharedTemplates,
            Toggle::MembersCreateTickets => Perm::CreateTickets,
            Toggle::MembersEditTickets => Perm::EditTickets,
            Toggle::MembersDeleteTickets => Perm::DeleteTickets,
        }
    }

    /// The current value of this toggle.
    pub fn get(self, t: &Toggles) -> bool {
        *self.field(t)
    }

    /// Sets this toggle.
    pub fn set(self, t: &mut Toggles, on: bool) {
        *self.field_mut(t) = on;
    }

    fn field(self, t: &Toggles) -> &bool {
        match self {
            Toggle::MembersSeeAllAnalytics => &t.members_see_all_analytics,
            Toggle::MembersManageExcluded => &t.members_manage_excluded,
            Toggle::MembersExport => &t.members_export,
            Toggle::SharedTemplates => &t.shared_templates,
            Toggle::MembersCreateTickets => &t.members_create_tickets,
            Toggle::MembersEditTickets => &t.members_edit_tickets,
            Toggle::MembersDeleteTickets => &t.members_delete_tickets,
        }
    }

    fn field_mut(self, t: &mut Toggles) -> &mut bool {
        match self {
            Toggle::MembersSeeAllAnalytics => &mut t.members_see_all_analytics,
            Toggle::MembersManageExcluded => &mut t.members_manage_excluded,
            Toggle::MembersExport => &mut t.members_export,
            Toggle::SharedTemplates => &mut t.shared_templates,
            Toggle::MembersCreateTickets => &mut t.members_create_tickets,
            Toggle::MembersEditTickets => &mut t.members_edit_tickets,
            Toggle::MembersDeleteTickets => &mut t.members_delete_tickets,
        }
    }
}

impl fmt::Display for Toggle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A string that is not a [`Toggle`] key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown permission toggle {0:?}")]
pub struct ParseToggleError(pub String);

/// Parses the key ([`Toggle::as_str`]), e.g. from callback data.
impl FromStr for Toggle {
    type Err = ParseToggleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Toggle::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| ParseToggleError(s.to_owned()))
    }
}

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

/// Why [`check`] refused. The messages are shown to the person who asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum Denied {
    /// The least role that would do.
    #[error("{}", needs_role_message(*.0))]
    NeedsRole(Role),
    #[error("This needs a Pro seat.")]
    NeedsPro,
    #[error("Your seat has expired: ask the Owner to renew it.")]
    SeatExpired,
    /// A Member asked for something the Owner has switched off for Members.
    #[error("The Owner has turned this off for Members.")]
    TurnedOff(Toggle),
}

fn needs_role_message(role: Role) -> &'static str {
    match role {
        Role::Member => "Only members of this workspace can do this.",
        Role::Admin => "Only Admins and the Owner can do this.",
        Role::Owner => "Only the Owner can do this.",
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    #[test]
    fn denials_read_as_the_spec_says() {
        assert_eq!(
            Denied::NeedsRole(Role::Admin).to_string(),
            "Only Admins and the Owner can do this."
        );
        assert_eq!(
            Denied::NeedsRole(Role::Owner).to_string(),
            "Only the Owner can do this."
        );
        assert_eq!(Denied::NeedsPro.to_string(), "This needs a Pro seat.");
        assert_eq!(
            Denied::SeatExpired.to_string(),
            "Your seat has expired: ask the Owner to renew it."
        );
        assert_eq!(
            Denied::TurnedOff(Toggle::MembersExport).to_string(),
            "The Owner has turned this off for Members."
        );
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
}
