//! Fault injection: the next calls of a method fail the way Telegram fails (429 with
//! `retry_after`, "message thread not found", a blocked user, …), and flood limits make every send
//! into a chat fail with 429 until lifted. A faulted call is logged and changes no state.

use std::collections::VecDeque;

use serde_json::Value;

use super::http::{bad, forbidden, ApiErr};
use super::params::p_i64;
use super::state::World;
use super::FakeTelegram;

/// A failure injected with [`FakeTelegram::fail_next`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 429 "Too Many Requests: retry after N" with `parameters.retry_after = N`
    /// (teloxide: `RequestError::RetryAfter`).
    RetryAfter(u32),
    /// 500 "Internal Server Error". Note: teloxide sleeps 10 s before parsing any 5xx
    /// response, so a daemon using teloxide will be slow to observe this one.
    ServerError,
    /// 400 "Bad Request: message thread not found".
    ThreadNotFound,
    /// 403 "Forbidden: bot was blocked by the user" (teloxide: `ApiError::BotBlocked`).
    Forbidden,
    /// 400 "Bad Request: chat not found" (teloxide: `ApiError::ChatNotFound`).
    ChatNotFound,
    /// Anything else; `code` is used both as HTTP status and `error_code`.
    Custom { code: u16, description: String },
}

impl Fault {
    pub(super) fn to_err(&self) -> ApiErr {
        match self {
            Fault::RetryAfter(secs) => ApiErr {
                code: 429,
                description: format!("Too Many Requests: retry after {secs}"),
                retry_after: Some(*secs),
            },
            Fault::ServerError => ApiErr {
                code: 500,
                description: "Internal Server Error".to_owned(),
                retry_after: None,
            },
            Fault::ThreadNotFound => bad("message thread not found"),
            Fault::Forbidden => forbidden("bot was blocked by the user"),
            Fault::ChatNotFound => bad("chat not found"),
            Fault::Custom { code, description } => ApiErr {
                code: *code,
                description: description.clone(),
                retry_after: None,
            },
        }
    }
}

impl FakeTelegram {
    /// The next `times` calls of `method` (case-insensitive) fail with `fault`. Faulted calls are
    /// logged with `faulted: true` and change no state. Faults queue up per method.
    pub fn fail_next(&self, method: &str, times: usize, fault: Fault) {
        self.mutate(|w| {
            let q = w.faults.entry(method.to_ascii_lowercase()).or_default();
            q.extend(std::iter::repeat_n(fault, times));
        });
    }

    /// How many injected faults are still waiting for `method`.
    pub fn pending_faults(&self, method: &str) -> usize {
        self.world()
            .faults
            .get(&method.to_ascii_lowercase())
            .map_or(0, VecDeque::len)
    }

    pub fn clear_faults(&self) {
        self.mutate(|w| w.faults.clear());
    }

    /// Telegram flood-limits the chat: every message the bot sends into it (`sendMessage`,
    /// `sendInvoice`) fails with 429 and `retry_after = secs`, again and again, until
    /// [`unflood`](Self::unflood). Edits, answers and other chats are not affected.
    pub fn flood(&self, chat: i64, secs: u32) {
        self.mutate(|w| {
            w.flooded.insert(chat, secs);
        });
    }

    pub fn unflood(&self, chat: i64) {
        self.mutate(|w| {
            w.flooded.remove(&chat);
        });
    }
}

impl World {
    /// The fault this call meets, if any. A flooded chat refuses every send (`send*`) before any
    /// injected fault is used up.
    pub(super) fn fault_for(&mut self, method: &str, params: &Value) -> Option<Fault> {
        let sends = method.starts_with("send");
        let flood = p_i64(params, "chat_id")
            .and_then(|c| self.flooded.get(&c).copied())
            .filter(|_| sends)
            .map(Fault::RetryAfter);
        flood.or_else(|| self.take_fault(method))
    }

    pub(super) fn take_fault(&mut self, method: &str) -> Option<Fault> {
        let q = self.faults.get_mut(method)?;
        let f = q.pop_front();
        if q.is_empty() {
            self.faults.remove(method);
        }
        f
    }
}
