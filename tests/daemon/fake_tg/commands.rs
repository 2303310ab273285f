//! Bot commands per scope: `setMyCommands` (validated like Telegram) and what tests read back.
//! The daemon sets one menu per scope, without a language code, and never reads or deletes them.

use serde_json::{json, Value};

use super::http::{bad, ApiErr};
use super::params::p_json;
use super::state::World;
use super::FakeTelegram;

#[derive(Clone, Debug)]
pub(super) struct CommandSet {
    /// The scope as sent (`{"type": "default"}` when absent); sets are replaced per scope.
    pub(super) scope: Value,
    pub(super) commands: Vec<Value>,
}

impl CommandSet {
    fn scope_type(&self) -> &str {
        self.scope
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("default")
    }
}

impl FakeTelegram {
    /// Command names last set for a scope type such as `"default"`, `"all_private_chats"`,
    /// `"all_group_chats"`, `"all_chat_administrators"`. For the per-chat scope types, the most
    /// recently set chat wins; use [`command_set`](Self::command_set) to pick a chat.
    pub fn commands(&self, scope_type: &str) -> Vec<String> {
        self.world()
            .commands
            .iter()
            .rev()
            .find(|s| s.scope_type() == scope_type)
            .map(|s| {
                s.commands
                    .iter()
                    .filter_map(|c| c.get("command").and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `(command, description)` pairs for an exact scope (JSON as in the Bot API, e.g.
    /// `{"type":"chat","chat_id":-100…}`).
    pub fn command_set(&self, scope: &Value) -> Option<Vec<(String, String)>> {
        let text = |c: &Value, k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        self.world()
            .commands
            .iter()
            .find(|s| s.scope == *scope)
            .map(|s| {
                s.commands
                    .iter()
                    .map(|c| (text(c, "command"), text(c, "description")))
                    .collect()
            })
    }

    /// All scopes that currently have commands.
    pub fn command_scopes(&self) -> Vec<Value> {
        self.world()
            .commands
            .iter()
            .map(|s| s.scope.clone())
            .collect()
    }
}

impl World {
    /// Replaces the commands of the scope; an empty list removes them, as on Telegram.
    pub(super) fn set_my_commands(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let commands = p_json(p, "commands")
            .and_then(|v| v.as_array().cloned())
            .ok_or_else(|| bad("can't parse commands JSON object"))?;
        if commands.len() > 100 {
            return Err(bad("too many commands specified"));
        }
        for c in &commands {
            let name = c.get("command").and_then(Value::as_str).unwrap_or("");
            let valid = (1..=32).contains(&name.len())
                && name
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
            if !valid {
                return Err(bad("BOT_COMMAND_INVALID"));
            }
            let desc = c.get("description").and_then(Value::as_str).unwrap_or("");
            if !(1..=256).contains(&desc.chars().count()) {
                return Err(bad("BOT_COMMAND_DESCRIPTION_INVALID"));
            }
        }
        let scope = p_json(p, "scope").unwrap_or_else(|| json!({ "type": "default" }));
        self.commands.retain(|s| s.scope != scope);
        if !commands.is_empty() {
            self.commands.push(CommandSet { scope, commands });
        }
        Ok(json!(true))
    }
}
