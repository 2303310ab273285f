//! The Telegram adapter. Updates come in through our own thin [`listener`] (stored in the inbox
//! before they are acknowledged), are handled from the inbox by [`inbox`] through the dptree
//! [`schema`], and everything the bot says goes out later through the outbox and [`sender`].

pub mod callback;
pub mod commands;
pub mod handlers;
pub mod inbox;
pub mod listener;
pub mod render;
pub mod schema;
pub mod sender;

use std::sync::Arc;
use std::time::Instant;

use dashmap::DashMap;
use secrecy::ExposeSecret;
use teloxide::adaptors::throttle::{Limits, Throttle};
use teloxide::prelude::*;
use teloxide::types::Me;

use crate::app::Ctx;
use crate::config::Settings;

/// The bot as the daemon uses it: every send goes through teloxide's `Throttle`, configured from
/// `TOPICDESK_TG_GROUP_PER_MINUTE` / `TOPICDESK_TG_GLOBAL_PER_SECOND`.
pub type TgBot = Throttle<Bot>;

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
    pub pricing: crate::app::team::Pricing,
    /// Payment provider for invoices; `None` = Telegram Stars.
    pub provider_token: Option<secrecy::SecretString>,
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

/// The throttled bot. Telegram documents ~20 messages a minute into one group and ~30 a second
/// overall; teloxide's defaults (10/minute per group) would starve a busy support group for no
/// reason, so both limits come from the configuration. Per chat and second: the per-minute
/// limit spread over the minute, at least one (Telegram's advice for private chats).
pub fn throttled(bot: Bot, settings: &Settings) -> TgBot {
    let limits = Limits {
        messages_per_sec_chat: settings.tg_group_per_minute.div_ceil(60).max(1),
        messages_per_min_chat: settings.tg_group_per_minute.max(1),
        messages_per_min_channel_or_supergroup: settings.tg_group_per_minute,
        messages_per_sec_overall: settings.tg_global_per_second,
    };
    Throttle::new_spawn(bot, limits)
}
