//! Routing: which agent gets a new ticket, and in what order waiting tickets
//! are served (SPEC §5).
//!
//! Routing is the helpdesk's fairness contract with its agents — the same
//! person shouldn't get every ticket, nobody should be handed more than their
//! `max_open`, and someone who is away or whose seat has lapsed must never be
//! picked. Those rules are easy to get subtly wrong (ties, capacity filling up
//! halfway through a backlog, rotation resetting on restart), so they live
//! here as pure functions over facts the caller loads.
//!
//! Rotation state is not kept in memory: each [`Candidate`] carries the
//! per-workspace sequence number of the last ticket rotation gave them
//! (`last_turn`), which the caller persists. That is what lets round-robin
//! survive restarts and be shared by several replicas, and it makes every
//! decision here a deterministic function of its inputs.
//!
//! # Layout
//!
//! - `strategy.rs`: [`Strategy`], the workspace setting that says how tickets reach agents, with
//!   its stored and human names.
//! - `assign.rs`: the rules themselves — [`choose`] an agent for one ticket, [`plan`] a whole
//!   backlog in [`backlog_order`] — over the [`Candidate`]s the caller loads.
//! - `tests.rs`: examples for every strategy and the fairness properties (capacity is never
//!   exceeded, rotation visits everyone before repeating).

mod assign;
mod strategy;

pub use assign::{backlog_order, choose, plan, plan_each, Candidate, NoAgent, Request};
pub use strategy::{ParseStrategyError, Strategy};

#[cfg(test)]
mod tests;
