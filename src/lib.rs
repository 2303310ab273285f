//! topicdesk: a self-hosted helpdesk that lives inside Telegram forum groups.
//!
//! One daemon turns every topic a customer opens in a connected forum supergroup into a ticket,
//! keeps a pinned card in the topic current, and lets agents work the ticket with commands and
//! buttons. Everything it knows lives in a database (SQLite or PostgreSQL) so that a crash or a
//! restart loses nothing.
//!
//! # Layout
//! - [`config`]: typed settings from the environment and flags; secrets redacted.
//! - [`startup`]: builds the application and runs it until a shutdown signal.
//! - [`clock`]: the injected source of time, so tests can move it.
//! - [`domain`]: the pure core (ticket lifecycle); decides, never does IO.
//! - [`app`]: use cases; each owns one transaction that writes state, audit and outbox together.
//! - [`store`]: database connection and queries; the only place that knows SQL.
//! - [`telegram`]: the Telegram adapter: inbox listener, dispatcher schema, handlers, rendering,
//!   and the sender that turns outbox effects into Bot API calls.
//! - [`jobs`]: background loops: the outbox dispatcher and the timer scheduler.
//! - [`http`]: health, readiness and metrics endpoints.
//! - [`metrics`]: process counters exported at `/metrics`.

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
