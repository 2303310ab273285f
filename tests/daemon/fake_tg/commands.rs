//! Bot commands per scope and language: `setMyCommands` (validated like Telegram),
//! `deleteMyCommands`, `getMyCommands`, and what tests read back about them.

use serde_json::{json, Value};

use super::http::{bad, ApiErr};
use super::params::{p_get, p_json, p_str};
use super::state::World;
use super::FakeTelegram;

#[derive(Clone, Debug)]
pub(super) struct CommandSet {
    pub(super) scope_type: String,
    pub(super) scope_key: String,
    pub(super) scope: Value,
    pub(super) language: String,
    pub(super) commands: Vec<Value>,
}

impl FakeTelegram {
    /// Command names last set (without language code) for a scope type such as `"default"`,
    /// `"all_private_chats"`, `"all_group_chats"`, `"chat"`, `"chat_administrators"`. For the
    /// per-chat scope types, the most recently set chat wins; use
    /// [`command_set`](Self::command_set) to pick a chat.
    pub fn commands(&self, scope_type: &str) -> Vec<String> {
        self.world()
            .commands
            .iter()
            .rev()
            .find(|s| s.scope_type == scope_type && s.language.is_empty())
            .map(|s| command_names(&s.commands))
            .unwrap_or_default()
    }

    /// `(command, description)` pairs for an exact scope (JSON as in the Bot API, e.g.
    /// `{"type":"chat","chat_id":-100…}`) and language code.
    pub fn command_set(
        &self,
        scope: &Value,
        language_code: Option<&str>,
    ) -> Option<Vec<(String, String)>> {
        let (_, key) = scope_key(scope);
        let lang = language_code.unwrap_or("");
        self.world()
            .commands
            .iter()
            .find(|s| s.scope_key == key && s.language == lang)
            .map(|s| {
                s.commands
                    .iter()
                    .map(|c| {
                        (
                            c.get("command")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_owned(),
                            c.get("description")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_owned(),
                        )
                    })
                    .collect()
            })
    }

    /// All scopes that currently have commands: `(scope JSON, language code)`.
    pub fn command_scopes(&self) -> Vec<(Value, String)> {
        self.world()
            .commands
            .iter()
            .map(|s| (s.scope.clone(), s.language.clone()))
            .collect()
    }
}

impl World {
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
        if p_get(&scope, "chat_id").is_some() {
            self.chat_param(&scope, "chat_id")?;
        }
        let (scope_type, key) = scope_key(&scope);
        let lang = p_str(p, "language_code").unwrap_or_default();
        self.commands
            .retain(|s| !(s.scope_key == key && s.language == lang));
        if !commands.is_empty() {
            self.commands.push(CommandSet {
                scope_type,
                scope_key: key,
                scope,
                language: lang,
                commands,
            });
        }
        Ok(json!(true))
    }

    pub(super) fn delete_my_commands(&mut self, p: &Value) -> Result<Value, ApiErr> {
        let scope = p_json(p, "scope").unwrap_or_else(|| json!({ "type": "default" }));
        let (_, key) = scope_key(&scope);
        let lang = p_str(p, "language_code").unwrap_or_default();
        self.commands
            .retain(|s| !(s.scope_key == key && s.language == lang));
        Ok(json!(true))
    }

    pub(super) fn get_my_commands(&self, p: &Value) -> Result<Value, ApiErr> {
        let scope = p_json(p, "scope").unwrap_or_else(|| json!({ "type": "default" }));
        let (_, key) = scope_key(&scope);
        let lang = p_str(p, "language_code").unwrap_or_default();
        let cmds = self
            .commands
            .iter()
            .find(|s| s.scope_key == key && s.language == lang)
            .map(|s| s.commands.clone())
            .unwrap_or_default();
        Ok(Value::Array(cmds))
    }
}

fn scope_key(scope: &Value) -> (String, String) {
    let ty = scope
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("default")
        .to_owned();
    let chat = p_str(scope, "chat_id").unwrap_or_default();
    let user = p_str(scope, "user_id").unwrap_or_default();
    let key = format!("{ty}|{chat}|{user}");
    (ty, key)
}

fn command_names(commands: &[Value]) -> Vec<String> {
    commands
        .iter()
        .filter_map(|c| c.get("command").and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}
