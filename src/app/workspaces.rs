//! Workspace use cases: creating one, connecting support groups (with the rights check),
//! linking the staff chat, excluding topics, help and the workspace settings.

use tracing::instrument;

use super::effects::{Missing, Notice};
use super::work::{access, current_workspace, refuse_input, AppResult, Caller, Ctx, Origin, Work};
use crate::domain::duration;
use crate::domain::ids::UserId;
use crate::domain::permissions::Perm;
use crate::domain::team::Role;
use crate::domain::ticket::Actor;
use crate::store::{self, audit::Entry};

/// What the bot may do in a group, as Telegram reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BotRights {
    pub is_admin: bool,
    pub can_manage_topics: bool,
    pub can_delete_messages: bool,
    pub can_pin_messages: bool,
}

/// The sender's standing in a group, as Telegram reports it (`getChatMember`) when a group
/// command arrives. Group commands need more than a role in some workspace: anyone can create a
/// workspace of their own, so only the group's own creator and administrators may point the
/// group at one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupRole {
    Creator,
    Administrator,
    Member,
}

impl GroupRole {
    pub fn administers(self) -> bool {
        matches!(self, GroupRole::Creator | GroupRole::Administrator)
    }
}

/// Everything the bot lacks to serve a group; empty means it can be connected.
pub fn missing_rights(is_forum: bool, r: BotRights) -> Vec<Missing> {
    let mut out = Vec::new();
    if !is_forum {
        out.push(Missing::Forum);
    }
    if !r.is_admin {
        out.push(Missing::Admin);
    }
    if !(r.is_admin && r.can_manage_topics) {
        out.push(Missing::ManageTopics);
    }
    if !(r.is_admin && r.can_delete_messages) {
        out.push(Missing::DeleteMessages);
    }
    if !(r.is_admin && r.can_pin_messages) {
        out.push(Missing::PinMessages);
    }
    out
}

async fn begin_as(ctx: &Ctx, origin: Origin, caller: &Caller) -> AppResult<Option<Work>> {
    let Some(w) = Work::begin(ctx, origin).await? else {
        return Ok(None);
    };
    store::users::upsert(&w.tx, &caller.profile, caller.private, w.now).await?;
    Ok(Some(w))
}

/// The caller's current workspace when they may configure it; otherwise they are told why and
/// `None` comes back.
async fn configurable_workspace(
    w: &mut Work,
    caller: &Caller,
) -> AppResult<Option<entity::workspaces::Model>> {
    let Some((ws, _)) = current_workspace(&w.tx, caller.profile.id).await? else {
        w.reply(caller, Notice::NeedWorkspace).await?;
        return Ok(None);
    };
    let ws = store::workspaces::lock(&w.tx, ws.id).await?.unwrap_or(ws);
    Ok(access::authorize(w, caller, &ws, Perm::ConfigureWorkspace)
        .await?
        .then_some(ws))
}

/// The connected group when the caller has `perm` in its workspace; otherwise they are told why.
async fn configurable_group(
    w: &mut Work,
    caller: &Caller,
    chat: i64,
    perm: Perm,
) -> AppResult<Option<entity::support_groups::Model>> {
    let Some(group) = store::groups::get(&w.tx, chat).await? else {
        w.reply(caller, Notice::NotConnected).await?;
        return Ok(None);
    };
    let Some(ws) = store::workspaces::lock(&w.tx, group.workspace_id).await? else {
        return Ok(None);
    };
    Ok(access::authorize(w, caller, &ws, perm)
        .await?
        .then_some(group))
}

/// Refuses a group command from someone who neither created nor administers the group.
async fn group_admin_only(w: &mut Work, caller: &Caller, sender: GroupRole) -> AppResult<bool> {
    if !sender.administers() {
        w.reply(caller, Notice::NotGroupAdmin).await?;
    }
    Ok(sender.administers())
}

/// An update that needs no decision (a message the bot ignores): still recorded as handled.
pub async fn ignore(
    ctx: &Ctx,
    origin: Origin,
    who: Option<&store::users::Profile>,
    private: bool,
) -> AppResult<()> {
    let Some(w) = Work::begin(ctx, origin).await? else {
        return Ok(());
    };
    if let Some(p) = who {
        store::users::upsert(&w.tx, p, private, w.now).await?;
    }
    w.commit().await
}

/// `/start` in the private chat.
pub async fn start(ctx: &Ctx, origin: Origin, caller: &Caller) -> AppResult<()> {
    let Some(mut w) = begin_as(ctx, origin, caller).await? else {
        return Ok(());
    };
    let mut names = Vec::new();
    for m in store::users::memberships(&w.tx, caller.profile.id).await? {
        if let Some(ws) = store::workspaces::get(&w.tx, m.workspace_id).await? {
            names.push(ws.name);
        }
    }
    let notice = Notice::Welcome {
        first_name: caller.profile.first_name.clone(),
        workspaces: names,
    };
    w.reply(caller, notice).await?;
    w.commit().await
}

/// The "Create workspace" button: asks for the name (the next private message).
pub async fn ask_workspace_name(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    chat: i64,
) -> AppResult<()> {
    let Some(mut w) = begin_as(ctx, origin, caller).await? else {
        return Ok(());
    };
    w.reply(caller, Notice::Ok).await?;
    w.post(chat, Notice::AskWorkspaceName).await?;
    w.commit().await
}

/// `/newworkspace <name>` (or the name typed after pressing "Create workspace").
#[instrument(skip_all, err)]
pub async fn create_workspace(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    name: &str,
) -> AppResult<bool> {
    let Some(mut w) = begin_as(ctx, origin, caller).await? else {
        return Ok(true);
    };
    let name = name.trim();
    if !caller.private {
        w.reply(caller, Notice::NotPrivate).await?;
        w.commit().await?;
        return Ok(true);
    }
    if name.is_empty() || name.chars().count() > 64 || name.starts_with('/') {
        w.reply(caller, Notice::WorkspaceNameInvalid).await?;
        w.commit().await?;
        return Ok(false);
    }
    let ws = store::workspaces::create(&w.tx, name, caller.profile.id, w.now).await?;
    store::team::add_member_with_seat(&w.tx, ws.id, caller.profile.id, Role::Owner, None, w.now)
        .await?;
    store::users::set_current_workspace(&w.tx, caller.profile.id, ws.id).await?;
    w.audit(Entry {
        workspace_id: ws.id,
        ticket_id: None,
        actor: Actor::User(UserId(caller.profile.id)),
        action: "workspace.created",
        old_value: None,
        new_value: Some(ws.name.clone()),
        note: None,
    })
    .await?;
    w.reply(caller, Notice::WorkspaceCreated { name: ws.name })
        .await?;
    w.commit().await?;
    Ok(true)
}

/// `/connect` in a group: checks the caller administers the group and may configure their
/// workspace, that the chat is a forum and the bot has the rights it needs, and answers with
/// exactly what is missing otherwise. A group connected elsewhere stays there until it is
/// disconnected.
#[instrument(skip_all, fields(chat), err)]
#[allow(clippy::too_many_arguments)]
pub async fn connect_group(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    chat: i64,
    title: &str,
    is_forum: bool,
    rights: BotRights,
    sender: GroupRole,
) -> AppResult<()> {
    let Some(mut w) = begin_as(ctx, origin, caller).await? else {
        return Ok(());
    };
    if !group_admin_only(&mut w, caller, sender).await? {
        return w.commit().await;
    }
    let Some(ws) = configurable_workspace(&mut w, caller).await? else {
        return w.commit().await;
    };
    if let Some(existing) = store::groups::get(&w.tx, chat).await? {
        let notice = if existing.workspace_id == ws.id {
            Notice::AlreadyConnected { workspace: ws.name }
        } else {
            Notice::ConnectedElsewhere
        };
        w.reply(caller, notice).await?;
        return w.commit().await;
    }
    // A staff chat (of any workspace) is read by staff only; made a support group, its
    // comments, suggestions and alerts would land where customers read.
    if !store::workspaces::with_staff_chat(&w.tx, chat)
        .await?
        .is_empty()
    {
        w.reply(caller, Notice::SupportGroupIsStaffChat).await?;
        return w.commit().await;
    }
    let missing = missing_rights(is_forum, rights);
    if !missing.is_empty() {
        w.reply(caller, Notice::ConnectMissing { missing }).await?;
        return w.commit().await;
    }
    store::groups::connect(&w.tx, chat, ws.id, title, caller.profile.id, w.now).await?;
    // A group coming back to its workspace brings its old tickets back to life.
    super::tickets::rearm_group(&mut w, ws.id, chat).await?;
    w.audit(Entry {
        workspace_id: ws.id,
        ticket_id: None,
        actor: Actor::User(UserId(caller.profile.id)),
        action: "group.connected",
        old_value: None,
        new_value: Some(format!("{title} ({chat})")),
        note: None,
    })
    .await?;
    w.reply(
        caller,
        Notice::Connected {
            workspace: ws.name,
            title: title.to_owned(),
        },
    )
    .await?;
    w.commit().await
}

/// `/disconnect`: the group stops producing tickets; existing tickets stay, read-only. The
/// workspace's Owner or an Admin who administers the group may, and so may the group's creator
/// whatever workspace they are in: a group connected by someone else is never stuck.
pub async fn disconnect_group(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    chat: i64,
    sender: GroupRole,
) -> AppResult<()> {
    let Some(mut w) = begin_as(ctx, origin, caller).await? else {
        return Ok(());
    };
    if !group_admin_only(&mut w, caller, sender).await? {
        return w.commit().await;
    }
    let group = if sender == GroupRole::Creator {
        match store::groups::get(&w.tx, chat).await? {
            Some(g) => {
                store::workspaces::lock(&w.tx, g.workspace_id).await?;
                Some(g)
            }
            None => {
                w.reply(caller, Notice::NotConnected).await?;
                None
            }
        }
    } else {
        configurable_group(&mut w, caller, chat, Perm::ConfigureWorkspace).await?
    };
    let Some(group) = group else {
        return w.commit().await;
    };
    let by = Actor::User(UserId(caller.profile.id));
    let note = (sender == GroupRole::Creator).then_some("by the group's creator");
    disconnect(&mut w, &group, by, note).await?;
    w.reply(caller, Notice::Disconnected { title: group.title })
        .await?;
    w.commit().await
}

/// Disconnects a support group (its workspace locked by the caller) and audits it.
async fn disconnect(
    w: &mut Work,
    group: &entity::support_groups::Model,
    by: Actor,
    note: Option<&str>,
) -> AppResult<()> {
    store::groups::disconnect(&w.tx, group.chat_id).await?;
    w.audit(Entry {
        workspace_id: group.workspace_id,
        ticket_id: None,
        actor: by,
        action: "group.disconnected",
        old_value: Some(format!("{} ({})", group.title, group.chat_id)),
        new_value: None,
        note: note.map(str::to_owned),
    })
    .await
}

/// The bot was removed from a chat (`my_chat_member`: left or kicked). A support group is
/// disconnected (its tickets stay, read-only) and a staff chat unlinked, and the Owner is told;
/// after the bot is added back, `/connect` (or `/staffchat`) is needed again.
pub async fn bot_removed(ctx: &Ctx, origin: Origin, chat: i64) -> AppResult<()> {
    let Some(mut w) = Work::begin(ctx, origin).await? else {
        return Ok(());
    };
    if let Some(group) = store::groups::get(&w.tx, chat).await? {
        if let Some(ws) = store::workspaces::lock(&w.tx, group.workspace_id).await? {
            let note = Some("the bot was removed from the group");
            disconnect(&mut w, &group, Actor::System, note).await?;
            w.tell(
                ws.owner_id,
                Notice::BotRemovedFromGroup {
                    workspace: ws.name.clone(),
                    title: group.title.clone(),
                },
            )
            .await?;
        }
    }
    for ws in store::workspaces::with_staff_chat(&w.tx, chat).await? {
        let Some(ws) = store::workspaces::lock(&w.tx, ws.id).await? else {
            continue;
        };
        store::workspaces::set_staff_chat(&w.tx, ws.id, None).await?;
        w.audit(Entry {
            workspace_id: ws.id,
            ticket_id: None,
            actor: Actor::System,
            action: "workspace.staff_chat",
            old_value: Some(chat.to_string()),
            new_value: None,
            note: Some("the bot was removed from the staff chat".to_owned()),
        })
        .await?;
        w.tell(
            ws.owner_id,
            Notice::StaffChatLost {
                workspace: ws.name.clone(),
            },
        )
        .await?;
    }
    w.commit().await
}

/// `/staffchat` in a group the caller administers: notifications of the caller's workspace go
/// there.
pub async fn link_staff_chat(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    chat: i64,
    sender: GroupRole,
) -> AppResult<()> {
    let Some(mut w) = begin_as(ctx, origin, caller).await? else {
        return Ok(());
    };
    if !group_admin_only(&mut w, caller, sender).await? {
        return w.commit().await;
    }
    let Some(ws) = configurable_workspace(&mut w, caller).await? else {
        return w.commit().await;
    };
    if store::groups::get(&w.tx, chat).await?.is_some() {
        w.reply(caller, Notice::StaffChatIsSupportGroup).await?;
        return w.commit().await;
    }
    store::workspaces::set_staff_chat(&w.tx, ws.id, Some(chat)).await?;
    w.audit(Entry {
        workspace_id: ws.id,
        ticket_id: None,
        actor: Actor::User(UserId(caller.profile.id)),
        action: "workspace.staff_chat",
        old_value: ws.staff_chat_id.map(|c| c.to_string()),
        new_value: Some(chat.to_string()),
        note: None,
    })
    .await?;
    w.reply(caller, Notice::StaffChatLinked { workspace: ws.name })
        .await?;
    w.commit().await
}

/// `/exclude` and `/include` in a topic of a connected group the caller administers.
pub async fn set_topic_excluded(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    chat: i64,
    thread: Option<i32>,
    exclude: bool,
    sender: GroupRole,
) -> AppResult<()> {
    let Some(mut w) = begin_as(ctx, origin, caller).await? else {
        return Ok(());
    };
    if !group_admin_only(&mut w, caller, sender).await? {
        return w.commit().await;
    }
    let Some(group) = configurable_group(&mut w, caller, chat, Perm::ManageExcludedTopics).await?
    else {
        return w.commit().await;
    };
    let Some(thread) = thread else {
        w.reply(caller, Notice::NotInTopic).await?;
        return w.commit().await;
    };
    let changed = if exclude {
        store::groups::exclude(
            &w.tx,
            group.workspace_id,
            chat,
            thread,
            caller.profile.id,
            w.now,
        )
        .await?
    } else {
        store::groups::include(&w.tx, chat, thread).await?
    };
    let notice = match (exclude, changed) {
        (true, true) => Notice::TopicExcluded,
        (true, false) => Notice::AlreadyExcluded,
        (false, true) => Notice::TopicIncluded,
        (false, false) => Notice::NotExcluded,
    };
    if changed {
        w.audit(Entry {
            workspace_id: group.workspace_id,
            ticket_id: None,
            actor: Actor::User(UserId(caller.profile.id)),
            action: if exclude {
                "topic.excluded"
            } else {
                "topic.included"
            },
            old_value: None,
            new_value: Some(format!("{chat}/{thread}")),
            note: None,
        })
        .await?;
    }
    w.reply(caller, notice).await?;
    w.commit().await
}

/// `/help`: only what the person's role may do. In a group, the role in that group's
/// workspace; in private, in their current workspace.
pub async fn help(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    group_chat: Option<i64>,
) -> AppResult<()> {
    let Some(mut w) = begin_as(ctx, origin, caller).await? else {
        return Ok(());
    };
    let role = match group_chat {
        Some(chat) => match store::groups::get(&w.tx, chat).await? {
            Some(g) => store::users::role_in(&w.tx, g.workspace_id, caller.profile.id).await?,
            None => current_workspace(&w.tx, caller.profile.id)
                .await?
                .map(|(_, r)| r),
        },
        None => current_workspace(&w.tx, caller.profile.id)
            .await?
            .map(|(_, r)| r),
    };
    w.reply(
        caller,
        Notice::Help {
            role,
            in_group: group_chat.is_some(),
        },
    )
    .await?;
    w.commit().await
}

/// A change made from the `/settings` screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingChange {
    Show,
    ToggleBodies,
    AutoCloseHours(u16),
    /// The auto-close time's Custom… value, as typed.
    AutoCloseTyped(String),
}

/// `/settings` (Owner/Admin): the privacy and auto-close settings, edited in place.
pub async fn settings(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: SettingChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    let Some(mut w) = begin_as(ctx, origin, caller).await? else {
        return Ok(true);
    };
    let Some(mut ws) = configurable_workspace(&mut w, caller).await? else {
        w.commit().await?;
        return Ok(true);
    };
    let actor = Actor::User(UserId(caller.profile.id));
    match change.clone() {
        SettingChange::Show => {}
        SettingChange::ToggleBodies => {
            let next = !ws.store_message_bodies;
            store::workspaces::set_store_bodies(&w.tx, ws.id, next).await?;
            w.audit(Entry {
                workspace_id: ws.id,
                ticket_id: None,
                actor,
                action: "settings.store_message_bodies",
                old_value: Some(ws.store_message_bodies.to_string()),
                new_value: Some(next.to_string()),
                note: None,
            })
            .await?;
            ws.store_message_bodies = next;
        }
        SettingChange::AutoCloseHours(_) | SettingChange::AutoCloseTyped(_) => {
            let hours = match &change {
                SettingChange::AutoCloseHours(h) => duration::hours_setting(&h.to_string()),
                SettingChange::AutoCloseTyped(text) => duration::hours_setting(text),
                _ => Ok(72),
            };
            let h = match hours {
                Ok(h) => i32::try_from(h).unwrap_or(72),
                Err(problem) => return refuse_input(w, caller, problem).await,
            };
            if h != ws.auto_close_hours {
                store::workspaces::set_auto_close_hours(&w.tx, ws.id, h).await?;
                w.audit(Entry {
                    workspace_id: ws.id,
                    ticket_id: None,
                    actor,
                    action: "settings.auto_close_hours",
                    old_value: Some(ws.auto_close_hours.to_string()),
                    new_value: Some(h.to_string()),
                    note: None,
                })
                .await?;
                ws.auto_close_hours = h;
            }
        }
    }
    let notice = Notice::Settings {
        workspace: ws.name.clone(),
        store_bodies: ws.store_message_bodies,
        auto_close_hours: ws.auto_close_hours,
    };
    w.show(caller, screen, notice).await?;
    w.commit().await?;
    Ok(true)
}
