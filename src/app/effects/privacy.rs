//! What the bot says about privacy settings (SPEC §11): the `/settings` → Privacy screen.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum PrivacyNotice {
    /// The Privacy screen: whether bodies are stored, for how long, and whether webhooks may
    /// carry them.
    Screen {
        workspace: String,
        store_bodies: bool,
        retention_days: i32,
        webhook_bodies: bool,
    },
}
