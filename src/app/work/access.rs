//! Who is calling and may they: the one permission check every command and button goes
//! through ([`authorize`]), and the openings of a unit of work that every use case shares.

use chrono::{DateTime, Utc};
use entity::workspaces::Model as Workspace;

use super::{AppResult, Ctx, Origin, Work};
use crate::app::effects::{Notice, ReplyTo};
use crate::domain::ids::UserId;
use crate::domain::permissions::{self, Perm, SeatKind, Subject};
use crate::domain::seats::Tier;
use crate::domain::team::Role;
use crate::domain::ticket::Actor;
use crate::store::{self, audit::Entry, users::Profile};

/// The person acting, where to answer them, and whether it is their private chat.
#[derive(Debug, Clone)]
pub struct Caller {
    pub profile: Profile,
    pub private: bool,
    pub reply: ReplyTo,
}

/// The workspace a person acts in from their private chat: the one they chose last, or their
/// oldest membership.
pub async fn current_workspace<C: sea_orm::ConnectionTrait>(
    db: &C,
    user: i64,
) -> AppResult<Option<(Workspace, Role)>> {
    let memberships = store::users::memberships(db, user).await?;
    let chosen = store::users::get(db, user)
        .await?
        .and_then(|u| u.current_workspace_id);
    let pick = memberships
        .iter()
        .find(|m| Some(m.workspace_id) == chosen)
        .or_else(|| memberships.first());
    let Some(m) = pick else { return Ok(None) };
    let Some(ws) = store::workspaces::get(db, m.workspace_id).await? else {
        return Ok(None);
    };
    let role = Role::from(m.role);
    Ok(Some((ws, role)))
}

/// Who `user` is in `ws` for permission checks; `None` when they are not a member.
pub async fn subject<C: sea_orm::ConnectionTrait>(
    db: &C,
    ws: &Workspace,
    user: i64,
    now: DateTime<Utc>,
) -> AppResult<Option<Subject>> {
    match store::team::member(db, ws.id, user).await? {
        Some(m) => subject_of(db, &m, now).await,
        None => Ok(None),
    }
}

/// [`subject`] for a membership row already loaded (routing reads the whole team at once).
pub async fn subject_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    m: &entity::members::Model,
    now: DateTime<Utc>,
) -> AppResult<Option<Subject>> {
    let role = Role::from(m.role);
    if role == Role::Owner {
        return Ok(Some(Subject {
            role,
            seat: SeatKind::Owner,
            seat_active: true,
        }));
    }
    let seat = match m.seat_id {
        Some(id) => store::team::seat(db, id).await?,
        None => None,
    };
    Ok(Some(match seat {
        Some(s) => Subject {
            role,
            seat: if Tier::from(s.tier) == Tier::Pro {
                SeatKind::Pro
            } else {
                SeatKind::Basic
            },
            seat_active: s.paid_until > now,
        },
        // A member without a seat (removed from it) works nothing until given one.
        None => Subject {
            role,
            seat: SeatKind::Basic,
            seat_active: false,
        },
    }))
}

/// The one permission check: answers the caller with the reason and returns false when denied.
pub async fn authorize(
    w: &mut Work,
    caller: &Caller,
    ws: &Workspace,
    perm: Perm,
) -> AppResult<bool> {
    let Some(s) = subject(&w.tx, ws, caller.profile.id, w.now).await? else {
        // Not in the workspace: say who may, as for a member without the role.
        let notice = match perm {
            Perm::WorkTickets => Notice::OnlyAgents,
            other => Notice::NotPermitted {
                denied: permissions::Denied::NeedsRole(other.least_role()),
            },
        };
        w.reply(caller, notice).await?;
        return Ok(false);
    };
    match permissions::check(&s, perm, &store::team::toggles_of(ws)) {
        Ok(()) => Ok(true),
        Err(denied) => {
            w.reply(caller, Notice::NotPermitted { denied }).await?;
            Ok(false)
        }
    }
}

pub(crate) async fn begin(ctx: &Ctx, origin: Origin, caller: &Caller) -> AppResult<Option<Work>> {
    let Some(w) = Work::begin(ctx, origin).await? else {
        return Ok(None);
    };
    store::users::upsert(&w.tx, &caller.profile, caller.private, w.now).await?;
    Ok(Some(w))
}

/// Opens the work of a command or screen that acts in the caller's current workspace and needs
/// `perm`. `None` when the update was handled already, or when the caller has no workspace or
/// lacks the right: then they were told why, and that answer is committed here.
pub(crate) async fn begin_for(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    perm: Perm,
) -> AppResult<Option<(Work, Workspace)>> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(None);
    };
    let Some((ws, _)) = current_workspace(&w.tx, caller.profile.id).await? else {
        w.reply(caller, Notice::NeedWorkspace).await?;
        w.commit().await?;
        return Ok(None);
    };
    // Locked first, before anything of the workspace is written (the daemon's lock order).
    let ws = store::workspaces::lock(&w.tx, ws.id).await?.unwrap_or(ws);
    if !authorize(&mut w, caller, &ws, perm).await? {
        w.commit().await?;
        return Ok(None);
    }
    Ok(Some((w, ws)))
}

/// A command whose words are for staff only (`/set plan pro`, `/tag +churn-risk`), typed by a
/// member in a support group: it leaves the group before anything else is sent, since the
/// customer reads the topic. A customer's own command is theirs and stays.
pub(crate) async fn take_out_of_group(
    w: &mut Work,
    caller: &Caller,
    chat: i64,
    message_id: i32,
) -> AppResult<()> {
    let Some(group) = store::groups::get(&w.tx, chat).await? else {
        return Ok(());
    };
    if store::team::member(&w.tx, group.workspace_id, caller.profile.id)
        .await?
        .is_some()
    {
        w.effect(crate::app::effects::Effect::DeleteMessage { chat, message_id })
            .await?;
    }
    Ok(())
}

/// An audit row of a member acting on the workspace (not on a ticket).
pub(crate) fn member_entry(
    ws: i64,
    actor: i64,
    action: &'static str,
    old: Option<String>,
    new: Option<String>,
) -> Entry {
    Entry {
        workspace_id: ws,
        ticket_id: None,
        actor: Actor::User(UserId(actor)),
        action,
        old_value: old,
        new_value: new,
        note: None,
    }
}
