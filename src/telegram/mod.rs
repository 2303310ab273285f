//! The Telegram adapter. Updates come in through our own thin [`listener`] (stored in the inbox
//! before they are acknowledged), are handled from the inbox by [`inbox`] through the dptree
//! [`schema`], and everything the bot says goes out later through the outbox and [`sender`].

pub mod callback;
pub mod commands;
pub mod dialogue;
pub mod handlers;
pub mod inbox;
pub mod listener;
pub mod pacer;
pub mod render;
pub mod schema;
pub mod sender;
pub mod words;

use secrecy::ExposeSecret;
use teloxide::prelude::*;

use crate::config::Settings;

/// The bot as the daemon uses it. Sends are paced by [`pacer::Pacer`] in the outbox, per chat, not
/// by teloxide's `Throttle` (which freezes every chat on one chat's 429).
pub type TgBot = Bot;

pub use crate::state::AppState;
pub use dialogue::{Dialogue, DIALOGUE_TTL};

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
