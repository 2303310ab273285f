//! topicdesk: a self-hosted helpdesk that lives inside Telegram forum groups.
//!
//! One daemon turns every topic a customer opens in a connected forum supergroup into a ticket,
//! keeps a pinned card in the topic current, and lets agents work the ticket with commands and
//! buttons. Everything it knows lives in a database (SQLite or PostgreSQL) so that a crash or a
//! restart loses nothing.
//!
//! # Layout
//! Floors, bottom up; a module imports only from its own floor or below, never in a circle
//! (`tests/daemon/layers.rs` checks it):
//! - [`domain`], [`clock`]: the pure core (tickets, permissions, seats, routing, business hours)
//!   and the injected source of time. No IO.
//! - [`store`], [`config`], [`metrics`]: the only SQL (queries, typed columns mapped to domain
//!   enums, read models) and the master key that encrypts stored secrets; typed settings with
//!   secrets redacted; process counters.
//! - [`app`]: use cases, one folder per area, sharing one prologue (`app::work`); each owns one
//!   transaction that writes state, audit and outbox together; areas react to recorded changes
//!   at commit instead of calling each other.
//! - [`telegram`], [`http`], [`jobs`], [`state`]: the adapters (inbox listener and handlers,
//!   render, sender; health, metrics and the billing webhook; outbox dispatcher and timer
//!   scheduler) and the one [`state::AppState`] they share.
//! - [`startup`]: builds the application and runs it until a shutdown signal.

pub mod app;
pub mod clock;
pub mod config;
pub mod domain;
pub mod http;
pub mod jobs;
pub mod metrics;
pub mod startup;
pub mod state;
pub mod store;
pub mod telegram;
