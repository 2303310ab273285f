//! The Telegram adapter. Updates come in through our own thin [`listener`] (stored in the inbox
//! before they are acknowledged), are handled from the inbox by [`inbox`] through the dptree
//! [`schema`], and everything the bot says goes out later through the outbox and [`sender`].

pub mod callback;
pub mod commands;
pub mod handlers;
pub mod inbox;
pub mod listener;
pub mod pacer;
pub mod render;
pub mod schema;
pub mod sender;

use std::sync::Arc;
use std::time::Instant;

use dashmap::DashMap;
use secrecy::ExposeSecret;
use teloxide::prelude::*;
use teloxide::types::Me;

use crate::app::Ctx;
use crate::config::Settings;

/// The bot as the daemon uses it. Sends are paced by [`pacer::Pacer`] in the outbox, per chat, not
/// by teloxide's `Throttle` (which freezes every chat on one chat's 429).
pub type TgBot = Bot;

/// A conversation step in a private chat that waits for free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialogue {
    /// "Create workspace" was pressed: the next private message is the name.
    WorkspaceName,
    /// Settings → Agents → Set skills: the next message is this agent's skills.
    Skills {
        user: i64,
    },
    /// Settings → Intake → ➕ Category: the next message is `name; skill; priority`.
    Category,
    /// Settings → Intake → ➕ Keyword rule: the next message is `keyword = skill`.
    Keyword,
    /// Settings → SLA → ✏ a priority: the next message is its targets.
    SlaTargets {
        priority: crate::domain::ticket::Priority,
    },
    /// Settings → Business hours: the next message is the time zone / week / a holiday.
    TimeZone,
    Week,
    Holiday,
    /// Settings → Escalation → ➕ Rule: the next message is the rule.
    EscalationRule,
    /// A setting's Custom… button: the next message is its value.
    Number(crate::app::effects::NumberSetting),
}

/// How long a dialogue step waits for its answer before it is forgotten.
pub const DIALOGUE_TTL: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Shared by every handler and the sender.
pub struct AppState {
    pub ctx: Ctx,
    pub bot: TgBot,
    pub me: Me,
    /// Dialogue steps keyed by user id. In memory on purpose: losing one on restart only means
    /// pressing the button again. Never hold a guard across `.await`.
    pub dialogues: Arc<DashMap<i64, (Dialogue, Instant)>>,
    /// Seat prices, to validate checkouts.
    pub pricing: crate::config::Pricing,
    /// Payment provider for invoices; `None` = Telegram Stars.
    pub provider_token: Option<secrecy::SecretString>,
    /// Telegram's send limits per chat and overall, applied by the outbox.
    pub pacer: pacer::Pacer,
    /// See `Settings::fault_injection`.
    #[cfg(feature = "fault-injection")]
    pub fault_injection: bool,
}

impl AppState {
    pub fn take_dialogue(&self, user: i64) -> Option<Dialogue> {
        let (_, (d, at)) = self.dialogues.remove(&user)?;
        (at.elapsed() < DIALOGUE_TTL).then_some(d)
    }
}

/// Telegram's Bot API, as teloxide uses it by default.
pub fn default_api_url() -> url::Url {
    teloxide::Bot::new("").api_url()
}

/// The raw bot with the configured API URL.
pub fn raw_bot(settings: &Settings) -> Option<Bot> {
    let token = settings.token.as_ref()?;
    let mut bot = Bot::new(token.expose_secret());
    if let Some(url) = &settings.api_url {
        bot = bot.set_api_url(url.clone());
    }
    Some(bot)
}

/// The send limits from `TOPICDESK_TG_GROUP_PER_MINUTE` / `TOPICDESK_TG_GLOBAL_PER_SECOND`.
/// Telegram documents ~20 messages a minute into one group and ~30 a second overall; teloxide's
/// defaults (10 a minute per group) would starve a busy support group for no reason.
pub fn pacer(settings: &Settings) -> pacer::Pacer {
    pacer::Pacer::new(pacer::Limits::new(
        settings.tg_group_per_minute,
        settings.tg_global_per_second,
    ))
}
