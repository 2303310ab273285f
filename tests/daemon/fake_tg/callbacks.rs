//! Button presses and payments: users press inline buttons and confirm payments (updates), the bot
//! answers callback and pre-checkout queries and sends invoices, and tests read the answers.

use serde_json::{json, Value};

use super::http::{bad, ApiErr};
use super::json::chat_instance;
use super::model::FakeUser;
use super::params::{check_markup, p_bool, p_json, p_str};
use super::state::{MsgRec, World};
use super::{FakeTelegram, BOT_ID};

impl FakeTelegram {
    /// A user presses an inline button: delivers a `callback_query` whose `message` is the
    /// current state of that message (an inaccessible message, `date: 0`, if it was deleted).
    /// Returns the callback query id.
    pub fn press_button(&self, user: &FakeUser, chat: i64, message_id: i32, data: &str) -> String {
        self.mutate(|w| {
            let message = match w.chat(chat).live_msg(message_id) {
                Some(_) => w.msg_json_by_id(chat, message_id, true),
                None => json!({
                    "message_id": message_id,
                    "chat": w.chat_json(w.chat(chat)),
                    "date": 0,
                }),
            };
            w.next_query += 1;
            let id = (4_422_000_000_000_000_000u64 + w.next_query).to_string();
            w.callbacks.insert(id.clone(), None);
            let payload = json!({
                "id": id,
                "from": w.user_json(user.id),
                "message": message,
                "chat_instance": chat_instance(chat),
                "data": data,
            });
            w.push_update("callback_query", payload);
            id
        })
    }

    /// Presses the callback button whose text is `button_text` (panics if there is none).
    pub fn press_button_text(
        &self,
        user: &FakeUser,
        chat: i64,
        message_id: i32,
        button_text: &str,
    ) -> String {
        let msg = self
            .message(chat, message_id)
            .unwrap_or_else(|| panic!("fake_tg: no message {message_id} in chat {chat}"));
        let data = msg
            .buttons()
            .into_iter()
            .find(|(t, _)| t == button_text)
            .map(|(_, d)| d)
            .unwrap_or_else(|| {
                panic!(
                    "fake_tg: message {message_id} has no callback button {button_text:?}; \
                     buttons: {:?}",
                    msg.buttons()
                )
            });
        self.press_button(user, chat, message_id, &data)
    }

    /// A user confirms a payment: delivers a `pre_checkout_query`. Returns its id.
    pub fn pre_checkout(
        &self,
        user: &FakeUser,
        currency: &str,
        total_amount: u32,
        invoice_payload: &str,
    ) -> String {
        self.mutate(|w| {
            w.next_query += 1;
            let id = (5_533_000_000_000_000_000u64 + w.next_query).to_string();
            w.pre_checkouts.insert(id.clone(), None);
            let payload = json!({
                "id": id,
                "from": w.user_json(user.id),
                "currency": currency,
                "total_amount": total_amount,
                "invoice_payload": invoice_payload,
            });
            w.push_update("pre_checkout_query", payload);
            id
        })
    }

    /// The `successful_payment` service message in the user's private chat. Returns its id.
    pub fn successful_payment(
        &self,
        user: &FakeUser,
        currency: &str,
        total_amount: u32,
        invoice_payload: &str,
    ) -> i32 {
        let charge = format!("tg_charge_{}_{}", user.id, total_amount);
        self.inject_message(
            user.id,
            None,
            user,
            json!({ "successful_payment": {
                "currency": currency,
                "total_amount": total_amount,
                "invoice_payload": invoice_payload,
                "telegram_payment_charge_id": charge,
                "provider_payment_charge_id": "",
            }}),
        )
    }

    /// `Some((text, show_alert))` once the bot answered the callback query.
    pub fn callback_answer(&self, id: &str) -> Option<(Option<String>, bool)> {
        self.world().callbacks.get(id).cloned().flatten()
    }

    /// `Some((ok, error_message))` once the bot answered the pre-checkout query.
    pub fn pre_checkout_answer(&self, id: &str) -> Option<(bool, Option<String>)> {
        self.world().pre_checkouts.get(id).cloned().flatten()
    }
}

impl World {
    pub(super) fn answer_callback_query(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let id = p_str(p, "callback_query_id").unwrap_or_default();
        match self.callbacks.get_mut(&id) {
            Some(slot @ None) => {
                *slot = Some((p_str(p, "text"), p_bool(p, "show_alert")));
                Ok(json!(true))
            }
            _ => Err(bad(
                "query is too old and response timeout expired or query id is invalid",
            )),
        }
    }

    pub(super) fn answer_pre_checkout_query(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let id = p_str(p, "pre_checkout_query_id").unwrap_or_default();
        let ok = p_bool(p, "ok");
        let error = p_str(p, "error_message");
        if !ok && error.as_deref().is_none_or(str::is_empty) {
            return Err(bad("ERROR_MESSAGE_EMPTY"));
        }
        match self.pre_checkouts.get_mut(&id) {
            Some(slot @ None) => {
                *slot = Some((ok, error));
                Ok(json!(true))
            }
            _ => Err(bad(
                "query is too old and response timeout expired or query id is invalid",
            )),
        }
    }

    pub(super) fn send_invoice(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        self.check_can_send(chat)?;
        let (thread, reply_to) = self.target(chat, p)?;
        let title = p_str(p, "title").ok_or_else(|| bad("title is empty"))?;
        let description = p_str(p, "description").ok_or_else(|| bad("description is empty"))?;
        p_str(p, "payload").ok_or_else(|| bad("payload is empty"))?;
        let currency = p_str(p, "currency").ok_or_else(|| bad("currency is empty"))?;
        let prices = p_json(p, "prices")
            .and_then(|v| v.as_array().cloned())
            .filter(|a| !a.is_empty())
            .ok_or_else(|| bad("INVOICE_PRICES_EMPTY"))?;
        let total: i64 = prices
            .iter()
            .filter_map(|pr| pr.get("amount").and_then(Value::as_i64))
            .sum();
        let markup = check_markup(p_json(p, "reply_markup"))?;
        let id = self.alloc_msg_id(chat);
        let mut m = MsgRec::new(id, BOT_ID, thread);
        m.reply_to = reply_to;
        m.media = Some("invoice".to_owned());
        m.content.insert(
            "invoice".to_owned(),
            json!({
                "title": title,
                "description": description,
                "start_parameter": p_str(p, "start_parameter").unwrap_or_default(),
                "currency": currency,
                "total_amount": total,
            }),
        );
        m.reply_markup = markup;
        self.insert_msg(chat, m);
        Ok(self.msg_json_by_id(chat, id, true))
    }
}
