//! Who may do what: one table of role × action, plus the Owner's toggles
//! (SPEC §6).
//!
//! Permission checks scattered through handlers drift apart (one command
//! forgets the seat check, another hard-codes "admins only" where the Owner
//! made it a toggle). So every permission question in the app is a single
//! call, [`check`], answering with a typed reason ([`Denied`]) that the
//! adapters put into words. The caller describes who is asking ([`Subject`]), which
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
//!
//! # Layout
//!
//! - `actions.rs`: what can be asked for — every [`Perm`], the least role each needs, and the
//!   Owner's [`Toggles`] that open some of them to Members. `Perm` and [`Toggle`] name each other
//!   (`Perm::toggle`, `Toggle::perm`), so they share the file.
//! - `decide.rs`: who is asking ([`Subject`], [`SeatKind`]) and the answer, [`check`] or
//!   [`Denied`], walking the four steps above.
//! - `tests.rs`: the table above, cell by cell, and properties over every combination.

mod actions;
mod decide;

pub use actions::{ParseToggleError, Perm, Toggle, Toggles};
pub use decide::{check, Denied, SeatKind, Subject};

#[cfg(test)]
mod tests;
