//! Building the world a test starts from: users and their private chats, supergroups (forum or
//! not), who created or administers a group, and the bot's membership and rights in it
//! (including being removed and added back, which Telegram reports as `my_chat_member`).

use serde_json::json;

use super::model::{BotRights, FakeUser};
use super::state::{ChatKind, ChatRec, UserRec};
use super::{FakeTelegram, BOT_ID};

impl FakeTelegram {
    /// Registers a user (ids 100001, 100002, …) and their private chat with the bot. The user
    /// has not started the bot yet; `language_code` is `"en"`.
    pub fn add_user(&self, first_name: &str, username: Option<&str>) -> FakeUser {
        self.mutate(|w| {
            let id = w.next_user;
            w.next_user += 1;
            w.users.insert(
                id,
                UserRec {
                    id,
                    first_name: first_name.to_owned(),
                    username: username.map(str::to_owned),
                    language_code: Some("en".to_owned()),
                    started: false,
                    blocked: false,
                },
            );
            w.chats.insert(id, ChatRec::new(id, ChatKind::Private, 1));
            FakeUser {
                id,
                first_name: first_name.to_owned(),
                username: username.map(str::to_owned),
            }
        })
    }

    /// Marks the user as having started the bot (without sending anything).
    pub fn start_bot(&self, user: &FakeUser) {
        self.mutate(|w| {
            let u = w.user_mut(user.id);
            u.started = true;
            u.blocked = false;
        });
    }

    /// The user blocks the bot: sends to them fail with 403 "Forbidden: bot was blocked by the
    /// user" until they write to the bot again.
    pub fn block_bot(&self, user: &FakeUser) {
        self.mutate(|w| w.user_mut(user.id).blocked = true);
    }

    pub fn has_started(&self, user: &FakeUser) -> bool {
        self.world().users.get(&user.id).is_some_and(|u| u.started)
    }

    /// A forum supergroup (topics enabled). The bot is a plain member without rights until
    /// [`set_bot_rights`](Self::set_bot_rights) is called.
    pub fn add_forum_group(&self, title: &str) -> i64 {
        self.add_group(title, true)
    }

    /// A forum supergroup `creator` created, with the bot an administrator with every right it
    /// needs: a group ready for `/connect`.
    pub fn add_forum_owned_by(&self, title: &str, creator: &FakeUser) -> i64 {
        let chat = self.add_forum_group(title);
        self.set_creator(chat, creator);
        self.set_bot_rights(chat, BotRights::full());
        chat
    }

    /// A supergroup, forum or not. Ids count down from -1001000000001.
    pub fn add_group(&self, title: &str, is_forum: bool) -> i64 {
        self.mutate(|w| {
            let id = w.next_group;
            w.next_group -= 1;
            let kind = ChatKind::Supergroup {
                title: title.to_owned(),
                is_forum,
                rights: BotRights::none(),
                kicked: false,
                creator: None,
                admins: Vec::new(),
            };
            // Message 1 is conceptually the group's creation; ids for traffic start at 2.
            w.chats.insert(id, ChatRec::new(id, kind, 2));
            id
        })
    }

    /// Sets the bot's membership/rights in a group (also un-kicks it).
    pub fn set_bot_rights(&self, chat: i64, rights: BotRights) {
        self.mutate(|w| {
            if let ChatKind::Supergroup {
                rights: r, kicked, ..
            } = &mut w.chat_mut(chat).kind
            {
                *r = rights;
                *kicked = false;
            }
        });
    }

    /// Removes the bot from the group: API calls on it fail with 403 "Forbidden: bot was kicked
    /// from the supergroup chat" and no updates from it are delivered.
    pub fn kick_bot(&self, chat: i64) {
        self.mutate(|w| {
            if let ChatKind::Supergroup { kicked, rights, .. } = &mut w.chat_mut(chat).kind {
                *kicked = true;
                *rights = BotRights::none();
            }
        });
    }

    /// A user removes the bot from the group: like [`kick_bot`](Self::kick_bot), and the bot
    /// gets the `my_chat_member` update Telegram sends (status `kicked`).
    pub fn remove_bot(&self, chat: i64, by: &FakeUser) {
        self.mutate(|w| {
            let old = match &w.chat(chat).kind {
                ChatKind::Supergroup { rights, .. } if rights.is_admin => {
                    w.admin_json(BOT_ID, *rights)
                }
                _ => json!({ "status": "member", "user": w.user_json(BOT_ID) }),
            };
            if let ChatKind::Supergroup { kicked, rights, .. } = &mut w.chat_mut(chat).kind {
                *kicked = true;
                *rights = BotRights::none();
            }
            let new = w.kicked_json(BOT_ID);
            w.push_my_chat_member(chat, by, old, new);
        });
    }

    /// A user adds the bot back as an administrator with `rights`; the bot gets the
    /// `my_chat_member` update.
    pub fn add_bot_back(&self, chat: i64, by: &FakeUser, rights: BotRights) {
        self.set_bot_rights(chat, rights);
        self.mutate(|w| {
            let (old, new) = (w.kicked_json(BOT_ID), w.admin_json(BOT_ID, rights));
            w.push_my_chat_member(chat, by, old, new);
        });
    }

    /// Makes `user` the group's creator (`getChatMember` status `creator`).
    pub fn set_creator(&self, chat: i64, user: &FakeUser) {
        self.mutate(|w| {
            if let ChatKind::Supergroup { creator, .. } = &mut w.chat_mut(chat).kind {
                *creator = Some(user.id);
            }
        });
    }

    /// Makes `user` an administrator with full rights.
    pub fn add_admin(&self, chat: i64, user: &FakeUser) {
        self.mutate(|w| {
            if let ChatKind::Supergroup { admins, .. } = &mut w.chat_mut(chat).kind {
                if !admins.contains(&user.id) {
                    admins.push(user.id);
                }
            }
        });
    }
}
