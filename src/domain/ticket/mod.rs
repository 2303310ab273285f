//! The ticket lifecycle as a pure function.
//!
//! A ticket's workflow is the one place where a subtle bug silently corrupts
//! support history (a ticket that is "in progress" with nobody on it, a
//! closed ticket that jumps back to "assigned" on a stray message). So the
//! rules live here, in one table-shaped function with no IO:
//! [`TicketState::apply`] takes the current state and a [`Command`] and
//! either refuses it ([`TransitionError`]) or returns the [`Event`]s that
//! describe what changed; [`TicketState::evolve`] folds those events into the
//! next state. The caller persists the events/state and talks to Telegram.
//!
//! There is deliberately no time here: the lifecycle has no time-based rules
//! of its own. Timestamps (when an event happened, when to auto-close) are the
//! caller's job; auto-close is modelled as `Close { by: Actor::System }`,
//! issued by whoever tracks the clock.
//!
//! Transition table (anything not listed is refused with
//! [`TransitionError::NotAllowed`]):
//!
//! | from | to | how |
//! |---|---|---|
//! | open | assigned | `Claim` (assignee := claimer), `Assign` |
//! | assigned | open | `Unassign` |
//! | open, assigned | in_progress | `AgentReplied` (an unassigned ticket is then assigned to that agent) |
//! | in_progress | pending | `MarkPending` |
//! | pending | in_progress | `CustomerReplied` |
//! | open, assigned, in_progress, pending | resolved | `Resolve` (an unassigned ticket is assigned to the resolver) |
//! | resolved | in_progress / open | `CustomerReplied` or `Reopen`: in_progress if it has an assignee, else open |
//! | resolved | closed | `Close` (by a user or by the system) |
//! | closed | assigned / open | `Reopen`: assigned if it has an assignee, else open |
//!
//! Non-moving outcomes are documented on each [`Command`] variant.
//!
//! # Layout
//!
//! - `status.rs`: the two words a ticket is filed under, [`Status`] and [`Priority`], with their
//!   stable machine names and the forms people read and type.
//! - `lifecycle.rs`: the rules — [`Command`], [`Event`], [`TransitionError`] and
//!   [`TicketState::apply`] / [`TicketState::evolve`], which implement the table above using the
//!   words from `status.rs`.
//! - `tests.rs`: the table above checked cell by cell, and random command histories;
//!   `tests/release_tests.rs`: what a departing assignee's tickets do.

mod lifecycle;
mod status;

pub use lifecycle::{allowed_actions, Action, Actor, Command, Event, TicketState, TransitionError};
pub use status::{ParsePriorityError, ParseStatusError, Priority, Status};

#[cfg(test)]
mod tests;
