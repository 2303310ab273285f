//! What money (or an operator) may buy: the bounds on a grant of seats ([`check_grant`]), the
//! [`InvoicePayload`] an invoice carries through Telegram's payment flow, and an invoice's price
//! ([`invoice_total`]).
//!
//! Everything here guards a boundary where a typo, a forged payload or an overflow would create
//! seats nobody paid for, so inputs are parsed strictly and limits are checked before anything is
//! issued. The seats themselves (tiers, paid periods) are `seat.rs`'s.

use std::str::FromStr;

use chrono::{DateTime, Utc};

use super::seat::{extend, Tier};

/// The most seats of one tier a single grant (the operator CLI, one billing webhook event) may
/// add: enough for any real team, small enough that a typo or a forged count cannot create
/// millions of rows in one transaction.
pub const MAX_GRANT_SEATS: u32 = 1_000;
/// The furthest a granted period may reach, in months from now (10 years).
pub const MAX_GRANT_MONTHS: u32 = 120;

/// Why a grant of seats is refused. The operator or integrator who asked is answered in the
/// words of the CLI or the HTTP API, not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantProblem {
    /// More than [`MAX_GRANT_SEATS`] of a tier.
    TooManySeats,
    EndsInThePast,
    /// Further than [`MAX_GRANT_MONTHS`] ahead.
    EndsTooLate,
}

/// Checks a grant of `basic` and `pro` seats paid until `until`.
pub fn check_grant(
    basic: u32,
    pro: u32,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), GrantProblem> {
    if basic > MAX_GRANT_SEATS || pro > MAX_GRANT_SEATS {
        return Err(GrantProblem::TooManySeats);
    }
    if until <= now {
        return Err(GrantProblem::EndsInThePast);
    }
    if until > extend(None, now, MAX_GRANT_MONTHS) {
        return Err(GrantProblem::EndsTooLate);
    }
    Ok(())
}

/// The most seats one invoice may buy.
pub const MAX_INVOICE_SEATS: u32 = 100;
/// The most months one invoice may cover.
pub const MAX_INVOICE_MONTHS: u32 = 12;

/// What an invoice buys, carried in the Telegram invoice payload as
/// `seats:v1:<workspace_id>:<tier>:<count>:<months>` (at most 42 bytes, well
/// under Telegram's 128).
///
/// The payload comes back from Telegram in `pre_checkout_query` (answer it
/// with an error if [`InvoicePayload::decode`] fails) and
/// `successful_payment` (apply what it decodes to, keyed by the charge id).
/// Versioned so a later format can coexist with invoices still in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InvoicePayload {
    pub workspace_id: i64,
    pub tier: Tier,
    /// 1..=[`MAX_INVOICE_SEATS`].
    pub count: u32,
    /// 1..=[`MAX_INVOICE_MONTHS`].
    pub months: u32,
}

/// Why a string is not a valid [`InvoicePayload`]. Not for end users: a bad
/// payload means a forged or foreign invoice, so log it and refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// Not `seats:<version>:…` with the right number of parts, or a number
    /// that isn't written canonically.
    #[error("not a seats invoice payload")]
    Malformed,
    /// A seats payload of a version this build doesn't understand.
    #[error("unsupported seats invoice payload version {0:?}")]
    UnsupportedVersion(String),
    #[error("unknown seat tier {0:?} in invoice payload")]
    UnknownTier(String),
    #[error("seat count {0} out of range 1..={MAX_INVOICE_SEATS}")]
    CountOutOfRange(u32),
    #[error("months {0} out of range 1..={MAX_INVOICE_MONTHS}")]
    MonthsOutOfRange(u32),
}

const PAYLOAD_PREFIX: &str = "seats";
const PAYLOAD_VERSION: &str = "v1";

impl InvoicePayload {
    /// Builds a payload, checking the same limits [`InvoicePayload::decode`]
    /// enforces — use it before sending an invoice so a payload that would be
    /// refused at checkout is never issued.
    pub fn new(
        workspace_id: i64,
        tier: Tier,
        count: u32,
        months: u32,
    ) -> Result<Self, PayloadError> {
        let p = InvoicePayload {
            workspace_id,
            tier,
            count,
            months,
        };
        p.validate()?;
        Ok(p)
    }

    fn validate(&self) -> Result<(), PayloadError> {
        if !(1..=MAX_INVOICE_SEATS).contains(&self.count) {
            return Err(PayloadError::CountOutOfRange(self.count));
        }
        if !(1..=MAX_INVOICE_MONTHS).contains(&self.months) {
            return Err(PayloadError::MonthsOutOfRange(self.months));
        }
        Ok(())
    }

    /// The payload string. Encodes whatever it holds; a value that skipped
    /// [`InvoicePayload::new`] and is out of range won't decode.
    pub fn encode(&self) -> String {
        format!(
            "{PAYLOAD_PREFIX}:{PAYLOAD_VERSION}:{}:{}:{}:{}",
            self.workspace_id,
            self.tier.as_str(),
            self.count,
            self.months
        )
    }

    /// Parses exactly what [`InvoicePayload::encode`] produces and rejects
    /// anything else: the tier must be lowercase, numbers canonical (no sign,
    /// no leading zeros, no spaces), so one purchase has one spelling.
    pub fn decode(s: &str) -> Result<Self, PayloadError> {
        let parts: Vec<&str> = s.split(':').collect();
        let [prefix, version, workspace, tier, count, months] = parts.as_slice() else {
            return Err(PayloadError::Malformed);
        };
        if *prefix != PAYLOAD_PREFIX {
            return Err(PayloadError::Malformed);
        }
        if *version != PAYLOAD_VERSION {
            return Err(PayloadError::UnsupportedVersion((*version).to_owned()));
        }
        let workspace_id: i64 = canonical(workspace)?;
        let tier = Tier::ALL
            .into_iter()
            .find(|t| t.as_str() == *tier)
            .ok_or_else(|| PayloadError::UnknownTier((*tier).to_owned()))?;
        let count: u32 = canonical(count)?;
        let months: u32 = canonical(months)?;
        Self::new(workspace_id, tier, count, months)
    }
}

/// Parses an integer only if printing it back gives the same text.
fn canonical<T: FromStr + ToString>(s: &str) -> Result<T, PayloadError> {
    let n: T = s.parse().map_err(|_| PayloadError::Malformed)?;
    if n.to_string() == s {
        Ok(n)
    } else {
        Err(PayloadError::Malformed)
    }
}

/// The price of an invoice in minor units (cents): `unit_price * count *
/// months`, `None` on overflow so a huge order is refused instead of
/// wrapping into a cheap one.
pub fn invoice_total(unit_price: u32, count: u32, months: u32) -> Option<u32> {
    unit_price.checked_mul(count)?.checked_mul(months)
}
