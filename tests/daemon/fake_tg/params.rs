//! Reading request parameters (typed as teloxide sends them in JSON) and the checks most methods
//! share: the chat exists and the bot may act or send there, the target thread and replied-to
//! message exist, and `reply_markup` is a keyboard Telegram would accept.

use serde_json::Value;

use super::http::{bad, forbidden, ApiErr};
use super::state::{ChatKind, World};

pub(super) fn p_get<'a>(p: &'a Value, k: &str) -> Option<&'a Value> {
    p.get(k).filter(|v| !v.is_null())
}

pub(super) fn p_i64(p: &Value, k: &str) -> Option<i64> {
    p_get(p, k)?.as_i64()
}

pub(super) fn p_str(p: &Value, k: &str) -> Option<String> {
    p_get(p, k)?.as_str().map(str::to_owned)
}

pub(super) fn p_bool(p: &Value, k: &str) -> bool {
    p_get(p, k).and_then(Value::as_bool).unwrap_or(false)
}

pub(super) fn p_json(p: &Value, k: &str) -> Option<Value> {
    p_get(p, k).cloned()
}

pub(super) fn p_i32(p: &Value, k: &str) -> Option<i32> {
    p_i64(p, k).and_then(|v| i32::try_from(v).ok())
}

/// Keeps only a real inline keyboard (what Telegram echoes back in `Message.reply_markup`);
/// an empty keyboard counts as none.
pub(super) fn inline_markup(markup: &Option<Value>) -> Option<Value> {
    let m = markup.as_ref()?;
    let rows = m.get("inline_keyboard")?.as_array()?;
    if rows
        .iter()
        .all(|r| r.as_array().is_none_or(|r| r.is_empty()))
    {
        return None;
    }
    Some(m.clone())
}

const BUTTON_ACTIONS: &[&str] = &[
    "callback_data",
    "url",
    "login_url",
    "web_app",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
];

/// Validates `reply_markup` like Telegram does for the mistakes a bot is likely to make.
pub(super) fn check_markup(markup: Option<Value>) -> Result<Option<Value>, ApiErr> {
    let Some(m) = markup else {
        return Ok(None);
    };
    let Some(rows) = m.get("inline_keyboard") else {
        return Ok(Some(m));
    };
    let Some(rows) = rows.as_array() else {
        return Err(bad(
            "can't parse inline keyboard: field \"inline_keyboard\" must be an Array",
        ));
    };
    for row in rows {
        let Some(row) = row.as_array() else {
            return Err(bad("can't parse inline keyboard: rows must be Arrays"));
        };
        for b in row {
            if b.get("text").and_then(Value::as_str).is_none() {
                return Err(bad(
                    "can't parse inline keyboard button: Text must be a String",
                ));
            }
            if let Some(data) = b.get("callback_data") {
                let len = data.as_str().map_or(0, str::len);
                if !(1..=64).contains(&len) {
                    return Err(bad("BUTTON_DATA_INVALID"));
                }
            }
            if let Some(u) = b.get("url") {
                if u.as_str().and_then(|s| url::Url::parse(s).ok()).is_none() {
                    return Err(bad("BUTTON_URL_INVALID"));
                }
            }
            if !BUTTON_ACTIONS.iter().any(|a| b.get(*a).is_some()) {
                return Err(bad(
                    "can't parse inline keyboard button: Text buttons are unallowed in the \
                     inline keyboard",
                ));
            }
        }
    }
    Ok(Some(m))
}

impl World {
    pub(super) fn chat_param(&self, p: &Value, key: &str) -> Result<i64, ApiErr> {
        let Some(v) = p_get(p, key) else {
            return Err(bad(&format!("{key} is empty")));
        };
        let id = match v {
            Value::Number(n) => n.as_i64(),
            // `@username` addressing only works for public chats; the fake has none.
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        match id {
            Some(id) if self.chats.contains_key(&id) => Ok(id),
            _ => Err(bad("chat not found")),
        }
    }

    /// The bot may act in the chat at all (not kicked).
    pub(super) fn check_member(&self, chat: i64) -> Result<(), ApiErr> {
        match &self.chat(chat).kind {
            ChatKind::Supergroup { kicked: true, .. } => {
                Err(forbidden("bot was kicked from the supergroup chat"))
            }
            _ => Ok(()),
        }
    }

    /// The bot may send a new message to the chat.
    pub(super) fn check_can_send(&self, chat: i64) -> Result<(), ApiErr> {
        self.check_member(chat)?;
        if let ChatKind::Private = self.chat(chat).kind {
            if let Some(u) = self.users.get(&chat) {
                if u.blocked {
                    return Err(forbidden("bot was blocked by the user"));
                }
                if !u.started {
                    return Err(forbidden("bot can't initiate conversation with a user"));
                }
            }
        }
        Ok(())
    }

    /// Resolves `message_thread_id` and `reply_parameters` of a send request into
    /// `(thread, reply_to)`.
    pub(super) fn target(
        &self,
        chat: i64,
        p: &Value,
    ) -> Result<(Option<i32>, Option<i32>), ApiErr> {
        let c = self.chat(chat);
        let explicit = p_i64(p, "message_thread_id");
        let mut thread = None;
        if let Some(t) = explicit {
            let t = i32::try_from(t).map_err(|_| bad("message thread not found"))?;
            if c.is_forum() && t == 1 {
                thread = None;
            } else if c.is_forum() && c.live_topic(t).is_some() {
                thread = Some(t);
            } else {
                return Err(bad("message thread not found"));
            }
        }
        let reply_params = p_json(p, "reply_parameters");
        let reply_id = reply_params.as_ref().and_then(|r| p_i64(r, "message_id"));
        let allow = reply_params
            .as_ref()
            .is_some_and(|r| p_bool(r, "allow_sending_without_reply"));
        let mut reply_to = None;
        if let Some(r) = reply_id {
            let found = i32::try_from(r).ok().and_then(|r| c.live_msg(r));
            match found {
                Some(m) => {
                    reply_to = Some(m.id);
                    if explicit.is_none() {
                        thread = m.thread;
                    }
                }
                None if allow => {}
                None => return Err(bad("message to be replied not found")),
            }
        }
        if let Some(t) = thread {
            let closed = c.live_topic(t).is_some_and(|tp| tp.closed);
            if closed && !self.rights(chat).manage_topics() {
                return Err(bad("TOPIC_CLOSED"));
            }
        }
        Ok((thread, reply_to))
    }

    pub(super) fn message_id_param(p: &Value) -> Result<i32, ApiErr> {
        p_i32(p, "message_id").ok_or_else(|| bad("message identifier is not specified"))
    }
}
