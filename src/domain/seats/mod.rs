//! Seats: what a workspace has paid for, who sits in each seat, and the rules
//! for invites and purchases.
//!
//! Seats are where money meets access, so mistakes here either lock paying
//! people out or hand out seats for free. The rules live here, as pure
//! functions over plain facts the caller loads ([`SeatFacts`],
//! [`InviteFacts`]), with the current time passed in rather than read, so every
//! edge (a seat that expires this very second, a renewal on January 31st) can
//! be tested directly.
//!
//! A seat's state is never stored: it is derived from its facts by [`state`],
//! so a seat can't be "Filled" in one column and expired in another.
//! Expiry never deletes anything: the holder keeps the seat (and their
//! tickets, comments, history) and gets everything back when it is renewed.
//!
//! Invoices carry an [`InvoicePayload`] that Telegram echoes back in
//! `pre_checkout_query` and `successful_payment`; it is parsed strictly
//! because it decides what a payment buys.
//!
//! # Layout
//!
//! - `seat.rs`: a seat itself — its [`Tier`], its derived [`SeatState`], its paid period
//!   ([`extend`]), and which seats a purchase or an expiry touches.
//! - `invite.rs`: invite links, and whether one can be accepted ([`check_invite`]).
//! - `billing.rs`: what a payment or a grant may buy — the bounds on grants ([`check_grant`]), the
//!   [`InvoicePayload`] Telegram carries, and its price ([`invoice_total`]).
//!
//! `invite.rs` and `billing.rs` both build on `seat.rs` and never on each other.

mod billing;
mod invite;
mod seat;

pub use billing::{
    check_grant, invoice_total, GrantProblem, InvoicePayload, PayloadError, MAX_GRANT_MONTHS,
    MAX_GRANT_SEATS, MAX_INVOICE_MONTHS, MAX_INVOICE_SEATS,
};
pub use invite::{check_invite, invite_is_live, InviteFacts, InviteProblem, INVITE_VALIDITY};
pub use seat::{
    allocate_purchase, extend, pick_to_expire, state, ParseTierError, SeatFacts, SeatState, Tier,
};

#[cfg(test)]
mod tests;
