//! The one state every adapter shares: the Telegram side (handlers, the inbox, the sender), the
//! HTTP server and the jobs get the same [`AppState`], built once by `startup` and passed through
//! axum's state and dptree's dependencies, never a `static`.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use dashmap::DashMap;
use secrecy::SecretString;
use teloxide::types::Me;

use crate::app::Ctx;
use crate::config::Pricing;
use crate::telegram::dialogue::{Dialogue, DIALOGUE_TTL};
use crate::telegram::pacer::Pacer;

pub struct AppState {
    /// The database, the clock, the wake-ups and counters of the use cases.
    pub ctx: Ctx,
    pub bot: teloxide::Bot,
    /// Who the bot is, once `getMe` answered (the HTTP server answers before that).
    pub me: OnceLock<Me>,
    /// Dialogue steps keyed by user id, with when they were asked. In memory on purpose: losing
    /// one on restart only means pressing the button again. Never hold a guard across `.await`.
    pub dialogues: Arc<DashMap<i64, (Dialogue, DateTime<Utc>)>>,
    /// Seat prices, to validate checkouts.
    pub pricing: Pricing,
    /// Payment provider for invoices; `None` = Telegram Stars.
    pub provider_token: Option<SecretString>,
    /// `None`: the billing webhook answers 404.
    pub billing_secret: Option<SecretString>,
    /// Telegram's send limits per chat and overall, applied by the outbox.
    pub pacer: Pacer,
    /// Whether Telegram answers: set by `getMe` and every successful poll, cleared when a poll
    /// fails for any reason but a 429. `/readyz` reports it.
    pub telegram_ready: Arc<AtomicBool>,
    /// The knowledge base's external search client and the master key stored secrets are
    /// encrypted with.
    pub kb: Arc<crate::app::kb::Searcher>,
    /// See `Settings::fault_injection`.
    #[cfg(feature = "fault-injection")]
    pub fault_injection: bool,
}

impl AppState {
    /// The bot's username for links (`t.me/<bot>`); empty before `getMe` answered.
    pub fn username(&self) -> String {
        self.me
            .get()
            .and_then(|m| m.username.clone())
            .unwrap_or_default()
    }

    /// Opens a dialogue step: the user's next private message answers it.
    pub fn ask(&self, user: i64, dialogue: Dialogue) {
        self.dialogues
            .insert(user, (dialogue, self.ctx.clock.now()));
    }

    /// The user's open dialogue step, if it is not older than [`DIALOGUE_TTL`]; closes it.
    pub fn take_dialogue(&self, user: i64) -> Option<Dialogue> {
        let (_, (d, at)) = self.dialogues.remove(&user)?;
        let ttl = chrono::Duration::from_std(DIALOGUE_TTL).unwrap_or(chrono::Duration::MAX);
        (self.ctx.clock.now() - at < ttl).then_some(d)
    }
}
