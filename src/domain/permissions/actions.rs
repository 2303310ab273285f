//! What can be asked for: every action that needs a permission ([`Perm`]) with the least role and
//! seat it needs, and the Owner's switches ([`Toggle`], stored as [`Toggles`]) that open some of
//! those actions to Members.
//!
//! `Perm` and `Toggle` name each other ([`Perm::toggle`], [`Toggle::perm`]), so they share this
//! file. Deciding whether a given person may do a given action is `decide.rs`'s job.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::domain::team::Role;

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
