//! Chat members: `getChatMember`, the member JSON of creators, administrators, members and the
//! kicked bot, and the `my_chat_member` update.

use serde_json::{json, Value};

use super::http::{bad, ApiErr};
use super::model::{BotRights, FakeUser};
use super::params::p_i64;
use super::state::{now, ChatKind, ChatRec, World};
use super::BOT_ID;

impl World {
    /// The bot may always ask about itself, even in a group it was kicked from.
    pub(super) fn get_chat_member(&self, p: &Value) -> Result<Value, ApiErr> {
        let chat = self.chat_param(p, "chat_id")?;
        let user = p_i64(p, "user_id").ok_or_else(|| bad("user_id is empty"))?;
        if user != BOT_ID {
            self.check_member(chat)?;
        }
        self.member_json(self.chat(chat), user)
    }

    fn member_json(&self, chat: &ChatRec, user: i64) -> Result<Value, ApiErr> {
        let member = |u: i64| json!({ "status": "member", "user": self.user_json(u) });
        match &chat.kind {
            ChatKind::Private => {
                if user == BOT_ID || user == chat.id {
                    Ok(member(user))
                } else {
                    Err(bad("user not found"))
                }
            }
            ChatKind::Supergroup {
                rights,
                kicked,
                creator,
                admins,
                ..
            } => {
                if user == BOT_ID {
                    if *kicked {
                        Ok(json!({
                            "status": "kicked",
                            "user": self.user_json(BOT_ID),
                            "until_date": 0,
                        }))
                    } else if rights.is_admin {
                        Ok(self.admin_json(BOT_ID, *rights))
                    } else {
                        Ok(member(BOT_ID))
                    }
                } else if *creator == Some(user) {
                    Ok(json!({
                        "status": "creator",
                        "user": self.user_json(user),
                        "is_anonymous": false,
                    }))
                } else if admins.contains(&user) {
                    Ok(self.admin_json(user, BotRights::full()))
                } else if self.users.contains_key(&user) {
                    Ok(member(user))
                } else {
                    Err(bad("user not found"))
                }
            }
        }
    }

    pub(super) fn admin_json(&self, user: i64, rights: BotRights) -> Value {
        json!({
            "status": "administrator",
            "user": self.user_json(user),
            "can_be_edited": false,
            "is_anonymous": false,
            "can_manage_chat": true,
            "can_change_info": false,
            "can_delete_messages": rights.can_delete_messages,
            "can_manage_video_chats": false,
            "can_restrict_members": false,
            "can_promote_members": false,
            "can_invite_users": true,
            "can_post_stories": false,
            "can_edit_stories": false,
            "can_delete_stories": false,
            "can_pin_messages": rights.can_pin_messages,
            "can_manage_topics": rights.can_manage_topics,
        })
    }

    pub(super) fn kicked_json(&self, user: i64) -> Value {
        json!({ "status": "kicked", "user": self.user_json(user), "until_date": 0 })
    }

    /// The `my_chat_member` update Telegram sends when `by` changes the bot's membership.
    pub(super) fn push_my_chat_member(&mut self, chat: i64, by: &FakeUser, old: Value, new: Value) {
        let payload = json!({
            "chat": self.chat_json(self.chat(chat)),
            "from": self.user_json(by.id),
            "date": now(),
            "old_chat_member": old,
            "new_chat_member": new,
        });
        self.push_update("my_chat_member", payload);
    }
}
