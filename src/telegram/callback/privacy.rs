//! The buttons of `/settings` → Privacy (SPEC §11): storing message bodies, how long they are
//! kept, and whether webhooks may carry them.

use super::wire::buttons;

buttons! {
    pub enum PrivacyButton {
        /// The Privacy screen.
        PrivacyHome = "vh",
        /// Toggle `store_message_bodies`.
        PrivacyToggleBodies = "vb",
        /// Toggle `webhook_include_bodies`.
        PrivacyToggleWebhook = "vw",
        /// Pick `message_retention_days`. Any `u16` round-trips; the handler checks the range.
        PrivacyRetention { days: u16 } = "vd",
    }
}
