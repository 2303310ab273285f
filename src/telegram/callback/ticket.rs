//! The buttons that act on one ticket: the card's (claim, assign, status, priority) and the
//! customer's CSAT rating.

use super::wire::{buttons, CallbackDecodeError};
use crate::domain::ids::{TicketId, UserId};
use crate::domain::ticket::Priority;

buttons! {
    pub enum TicketButton {
        Claim { ticket: TicketId } = "cm",
        /// Shows the list of agents to pick from.
        AssignMenu { ticket: TicketId } = "am",
        AssignTo { ticket: TicketId, agent: UserId } = "at",
        Pending { ticket: TicketId } = "pd",
        Resolve { ticket: TicketId } = "rs",
        Close { ticket: TicketId } = "cl",
        Reopen { ticket: TicketId } = "ro",
        /// Shows the priority picker.
        PriorityMenu { ticket: TicketId } = "pm",
        SetPriority { ticket: TicketId, priority: Priority } = "sp",
        /// Restores the card's main buttons (leaves a menu).
        BackToCard { ticket: TicketId } = "bk",
        /// A customer satisfaction rating. Only `1..=5` is valid: `encode` is
        /// total and will write any `u8`, but `decode` rejects scores outside
        /// that range, so build these only with valid scores.
        Csat { ticket: TicketId, score: u8 where csat_score } = "cs",
    }
}

fn csat_score(score: u8) -> Result<(), CallbackDecodeError> {
    if (1..=5).contains(&score) {
        Ok(())
    } else {
        Err(CallbackDecodeError::CsatOutOfRange(score))
    }
}
