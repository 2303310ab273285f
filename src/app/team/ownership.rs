//! Leaving and handing over (SPEC §6): leave requests and their decision, the transfer of
//! ownership, and the Owner's permission toggles.

use tracing::instrument;

use crate::app::effects::Notice;
use crate::app::work::access::{authorize, begin, begin_for, member_entry};
use crate::app::work::{current_workspace, display_name, AppResult, Caller, Ctx, Origin};
use crate::domain::ids::UserId;
use crate::domain::permissions::{Perm, Toggle};
use crate::domain::team::Role;
use crate::domain::ticket::Actor;
use crate::store::{self};

use super::members::remove;

/// `/leave [reason]`: Admins and the Owner get Approve/Deny buttons privately (and in the staff
/// chat when one is linked).
pub async fn leave(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    reason: Option<String>,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let Some((ws, role)) = current_workspace(&w.tx, caller.profile.id).await? else {
        w.reply(caller, Notice::NeedWorkspace).await?;
        return w.commit().await;
    };
    if role == Role::Owner {
        w.reply(caller, Notice::OwnerCannotLeave).await?;
        return w.commit().await;
    }
    if store::team::pending_leave(&w.tx, ws.id, caller.profile.id)
        .await?
        .is_some()
    {
        w.reply(caller, Notice::LeaveAlreadyPending).await?;
        return w.commit().await;
    }
    let req =
        store::team::create_leave(&w.tx, ws.id, caller.profile.id, reason.clone(), w.now).await?;
    w.audit(member_entry(
        ws.id,
        caller.profile.id,
        "member.leave_requested",
        None,
        reason.clone(),
    ))
    .await?;
    let name = display_name(
        store::users::get(&w.tx, caller.profile.id).await?.as_ref(),
        caller.profile.id,
    );
    let notice = Notice::LeaveAsked {
        request: req.id,
        name,
        reason,
    };
    for (m, _) in store::users::members_of(&w.tx, ws.id).await? {
        let admin = Role::from(m.role).can_configure();
        if admin && m.user_id != caller.profile.id {
            w.tell(m.user_id, notice.clone()).await?;
        }
    }
    if let Some(staff) = ws.staff_chat_id {
        w.post(staff, notice).await?;
    }
    w.reply(caller, Notice::LeaveSent).await?;
    w.commit().await
}

/// Approve or Deny on a leave request: decided once; approval frees the seat and the tickets.
#[instrument(skip_all, fields(request), err)]
pub async fn decide_leave(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    request: i64,
    approve: bool,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let Some(req) = store::team::leave(&w.tx, request).await? else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return w.commit().await;
    };
    let Some(ws) = store::workspaces::lock(&w.tx, req.workspace_id).await? else {
        return w.commit().await;
    };
    if !authorize(&mut w, caller, &ws, Perm::ManageMembers).await? {
        return w.commit().await;
    }
    if req.user_id == caller.profile.id {
        w.reply(caller, Notice::OwnLeaveRequest).await?;
        return w.commit().await;
    }
    if approve {
        // The request is old; the person may have changed since. The Owner is never approved
        // away (ownership moves only by /transfer), and someone who left and joined again did
        // not ask this time.
        let refusal = match store::team::member(&w.tx, ws.id, req.user_id).await? {
            None => Some(Notice::LeaveAlreadyDecided),
            Some(m) if Role::from(m.role) == Role::Owner => Some(Notice::CannotChangeOwner),
            Some(m) if m.created_at > req.created_at => Some(Notice::ButtonExpired),
            Some(_) => None,
        };
        if let Some(notice) = refusal {
            w.reply(caller, notice).await?;
            return w.commit().await;
        }
    }
    if !store::team::decide_leave(&w.tx, req.id, approve, caller.profile.id, w.now).await? {
        w.reply(caller, Notice::LeaveAlreadyDecided).await?;
        return w.commit().await;
    }
    let actor = Actor::User(UserId(caller.profile.id));
    let decision = if approve { "approved" } else { "denied" };
    w.audit(member_entry(
        ws.id,
        caller.profile.id,
        "member.leave_decided",
        Some("pending".into()),
        Some(format!("{decision} ({})", req.user_id)),
    ))
    .await?;
    let notice = if approve {
        remove(&mut w, &ws, req.user_id, actor).await?;
        Notice::LeaveApproved {
            workspace: ws.name.clone(),
        }
    } else {
        Notice::LeaveDenied {
            workspace: ws.name.clone(),
        }
    };
    w.tell(req.user_id, notice).await?;
    w.reply(caller, Notice::SettingsSaved).await?;
    w.commit().await
}

/// `/transfer @member`: asks the Owner to confirm.
pub async fn transfer_ask(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    query: &str,
) -> AppResult<()> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::TransferOwnership).await? else {
        return Ok(());
    };
    let q = query.trim();
    let target = match q.parse::<i64>() {
        Ok(id) => Some(id),
        Err(_) if !q.is_empty() => store::users::by_username(&w.tx, q).await?.map(|u| u.id),
        Err(_) => None,
    };
    let member = match target {
        Some(t) if t != caller.profile.id => store::team::member(&w.tx, ws.id, t).await?,
        _ => None,
    };
    let Some(m) = member else {
        w.reply(caller, Notice::TransferUsage).await?;
        return w.commit().await;
    };
    let name = display_name(
        store::users::get(&w.tx, m.user_id).await?.as_ref(),
        m.user_id,
    );
    w.reply(
        caller,
        Notice::TransferAsk {
            user: m.user_id,
            name,
        },
    )
    .await?;
    w.commit().await
}

/// The confirmation: the target holds the Owner slot, the former Owner becomes an Admin on the
/// target's old seat (if any), so nobody loses a seat.
#[instrument(skip_all, err)]
pub async fn transfer_confirm(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    target: i64,
    screen: Option<(i64, i32)>,
) -> AppResult<()> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::TransferOwnership).await? else {
        return Ok(());
    };
    let me = caller.profile.id;
    // Only to someone else who is in the workspace (a forged button could name anyone).
    let member = match store::team::member(&w.tx, ws.id, target).await? {
        Some(m) if target != me && Role::from(m.role) != Role::Owner => Some(m),
        _ => None,
    };
    let Some(m) = member else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return w.commit().await;
    };
    store::team::set_owner(&w.tx, ws.id, target).await?;
    store::team::set_role(&w.tx, ws.id, target, Role::Owner).await?;
    store::team::set_member_seat(&w.tx, ws.id, target, None).await?;
    store::team::set_role(&w.tx, ws.id, me, Role::Admin).await?;
    store::team::set_member_seat(&w.tx, ws.id, me, m.seat_id).await?;
    if let Some(seat) = m.seat_id {
        store::team::set_holder(&w.tx, seat, Some(me)).await?;
    }
    w.audit(member_entry(
        ws.id,
        me,
        "workspace.owner",
        Some(me.to_string()),
        Some(target.to_string()),
    ))
    .await?;
    let name = display_name(store::users::get(&w.tx, target).await?.as_ref(), target);
    w.show(
        caller,
        screen,
        Notice::Transferred {
            workspace: ws.name.clone(),
            name,
        },
    )
    .await?;
    w.tell(
        target,
        Notice::BecameOwner {
            workspace: ws.name.clone(),
        },
    )
    .await?;
    w.commit().await
}

/// `/settings` → Permissions (Owner): shows the toggles, or flips toggle `flip` first.
pub async fn permissions_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    flip: Option<u8>,
    screen: Option<(i64, i32)>,
) -> AppResult<()> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ManagePermissions).await? else {
        return Ok(());
    };
    let mut t = store::team::toggles_of(&ws);
    if let Some(i) = flip {
        let Some(toggle) = Toggle::ALL.get(usize::from(i)).copied() else {
            w.reply(caller, Notice::ButtonExpired).await?;
            return w.commit().await;
        };
        let old = toggle.get(&t);
        toggle.set(&mut t, !old);
        store::team::save_toggles(&w.tx, ws.id, &t).await?;
        w.audit(member_entry(
            ws.id,
            caller.profile.id,
            "settings.permission",
            Some(format!("{}={old}", toggle.as_str())),
            Some(format!("{}={}", toggle.as_str(), !old)),
        ))
        .await?;
    }
    let toggles = Toggle::ALL
        .iter()
        .map(|k| (k.label().to_owned(), k.get(&t)))
        .collect();
    w.show(caller, screen, Notice::Permissions { toggles })
        .await?;
    w.commit().await
}
