//! Use cases. Each one opens one unit of work ([`Work`]: one transaction), loads what it needs,
//! lets the domain decide, and writes state, audit rows, timers and outbox effects together
//! before committing. Telegram is never called from here: effects are rows that the outbox
//! dispatcher sends after the commit, so a crash repeats at most the one send in flight.
//!
//! # Layout
//! - [`work`]: the prologue every use case shares (context, caller, permission check, unit of
//!   work, changes and their reactions). It imports no area.
//! - [`effects`]: what the use cases ask of Telegram, as data.
//! - [`lifecycle`]: [`lifecycle::apply`], the one way a ticket moves; it records the move.
//! - Areas, each reacting to recorded changes instead of calling the others back:
//!   [`tickets`], [`routing`], [`sla`], [`reminders`], [`tags`], [`fields`], [`comments`],
//!   [`templates`], [`export`], [`kb`], [`analytics`], [`team`], [`workspaces`].
//! - [`delivery`]: what the outbox sender learned (a card's message id, a renamed or deleted
//!   topic), written back through a use case.
//!
//! Areas import each other one way only (`tickets -> routing`, `sla -> routing`,
//! `tags -> sla`, `routing -> reminders`, `tickets -> kb`); the project's layer check keeps it so.

pub mod analytics;
pub mod comments;
pub mod delivery;
pub mod effects;
pub mod export;
pub mod fields;
pub mod kb;
pub mod lifecycle;
pub mod privacy;
pub mod reminders;
pub mod retention;
pub mod routing;
pub mod sla;
pub mod tags;
pub mod team;
pub mod templates;
pub mod tickets;
pub mod work;
pub mod workspaces;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

pub use work::{
    current_workspace, display_name, AppError, AppResult, Caller, Changed, Ctx, Origin, Reaction,
    Wake, Work,
};

use crate::clock::Clock;
use crate::metrics::Metrics;

/// Every area's reaction to recorded changes, in the order they run for each change: the SLA
/// clocks first (a new ticket's clocks start, a move pauses or resumes them), then routing (a
/// new ticket's intake, assignment notices, the queue), then the escalation rules a change
/// sets off (they may move the ticket again, which is one more change).
pub const REACTIONS: &[Reaction] = &[
    sla::clocks::react,
    routing::engine::react,
    sla::escalation::react,
];

/// The context of a daemon, a replica or an operator command: fresh wake-ups and counters, and
/// every area's reactions.
pub fn context(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Ctx {
    Ctx {
        db,
        clock,
        wake: Wake::default(),
        metrics: Arc::new(Metrics::default()),
        reactions: REACTIONS,
    }
}
