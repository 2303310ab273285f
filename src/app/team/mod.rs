//! Team use cases (SPEC §6): seats and their purchase ([`seats`]), invites, members and roles
//! ([`mod@members`]), leave requests, ownership transfer and the Owner's permission toggles
//! ([`ownership`]). The permission check every command and button goes through lives in the
//! prologue ([`crate::app::work::access`]).

pub mod members;
pub mod ownership;
pub mod seats;

pub use crate::config::Pricing;
pub use members::{invite, join, member_action, members, MemberAction};
pub use ownership::{decide_leave, leave, permissions_screen, transfer_ask, transfer_confirm};
pub use seats::{
    add_seats, billing_event, buy_seat, find_workspace, grant, payment, pre_checkout, seat_expired,
    seats_overview, BillingEvent, BillingOutcome, Checkout, Extend,
};
