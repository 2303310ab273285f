//! The pure core of the helpdesk: it decides, it never does IO.
//!
//! Everything here is plain data and functions — no database, no Telegram,
//! no clock, no async. Callers load state, ask the domain what should happen,
//! then persist and announce the result themselves. Keeping the rules apart
//! from the plumbing is what lets them be tested exhaustively and changed
//! without touching the bot.

pub mod analytics;
pub mod duration;
pub mod escalation;
pub mod export;
pub mod fields;
pub mod ids;
pub mod kb;
pub mod permissions;
pub mod routing;
pub mod seats;
pub mod sla;
pub mod tags;
pub mod team;
pub mod template;
pub mod ticket;
