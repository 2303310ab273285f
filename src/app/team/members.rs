//! Members (SPEC §6): invites and joining, the members screen and what an Admin or the Owner
//! does to a member (role, seat, removal).

use chrono::{DateTime, Utc};
use entity::workspaces::Model as Workspace;
use rand::distr::{Alphanumeric, SampleString};
use tracing::instrument;

use crate::app::effects::MemberSeat;
use crate::app::effects::{MemberRow, Notice};
use crate::app::work::access::{begin, begin_for, member_entry, subject};
use crate::app::work::{current_workspace, display_name, AppResult, Caller, Ctx, Origin, Work};
use crate::domain::ids::UserId;
use crate::domain::permissions::{self, Perm, SeatKind};
use crate::domain::seats::{self, InviteFacts, Tier};
use crate::domain::team::Role;
use crate::domain::ticket::{Actor, Command};
use crate::store::{self};

use super::seats::{day, facts, free_seat, tier_of};

/// `/invite basic|pro`: a single-use link to a free seat, valid 7 days.
pub async fn invite(ctx: &Ctx, origin: Origin, caller: &Caller, pro: bool) -> AppResult<()> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ManageMembers).await? else {
        return Ok(());
    };
    let tier = tier_of(pro);
    let free = free_seat(&w, ws.id, tier).await?;
    let Some(seat) = free else {
        w.reply(
            caller,
            Notice::NoFreeSeat {
                pro,
                can_buy: ws.owner_id == caller.profile.id,
            },
        )
        .await?;
        return w.commit().await;
    };
    let token = Alphanumeric.sample_string(&mut rand::rng(), 24);
    let expires = w.now + seats::INVITE_VALIDITY;
    store::team::create_invite(
        &w.tx,
        store::team::NewInvite {
            workspace_id: ws.id,
            seat_id: seat.id,
            token: &token,
            created_by: caller.profile.id,
            expires_at: expires,
        },
        w.now,
    )
    .await?;
    w.audit(member_entry(
        ws.id,
        caller.profile.id,
        "member.invited",
        None,
        Some(format!("{} seat {}", tier.as_str(), seat.id)),
    ))
    .await?;
    w.reply(
        caller,
        Notice::InviteLink {
            token,
            pro,
            expires: day(expires),
        },
    )
    .await?;
    w.commit().await
}

/// `/start join_<token>`: fills the invite's seat with the caller, who becomes a Member.
#[instrument(skip_all, err)]
pub async fn join(ctx: &Ctx, origin: Origin, caller: &Caller, token: &str) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let invite = store::team::invite_by_token(&w.tx, token).await?;
    if let Some(i) = &invite {
        store::workspaces::lock(&w.tx, i.workspace_id).await?;
    }
    let seat = match &invite {
        Some(i) => store::team::seat(&w.tx, i.seat_id).await?,
        None => None,
    };
    let already = match &invite {
        Some(i) => store::team::member(&w.tx, i.workspace_id, caller.profile.id)
            .await?
            .is_some(),
        None => false,
    };
    let f = InviteFacts {
        exists: invite.is_some(),
        used: invite.as_ref().is_some_and(|i| i.used_at.is_some()),
        expires_at: invite.as_ref().map_or(w.now, |i| i.expires_at),
        seat: seat.as_ref().map(|s| facts(s, &[])),
        invitee_already_member: already,
    };
    let (Some(invite), Some(seat)) = (invite, seat) else {
        w.reply(
            caller,
            Notice::InviteUnusable {
                problem: seats::InviteProblem::Unknown,
            },
        )
        .await?;
        return w.commit().await;
    };
    if let Err(problem) = seats::check_invite(&f, w.now) {
        w.reply(caller, Notice::InviteUnusable { problem }).await?;
        return w.commit().await;
    }
    if seat.holder_id.is_some()
        || !store::team::use_invite(&w.tx, invite.id, caller.profile.id, w.now).await?
    {
        w.reply(
            caller,
            Notice::InviteUnusable {
                problem: seats::InviteProblem::Used,
            },
        )
        .await?;
        return w.commit().await;
    }
    let Some(ws) = store::workspaces::get(&w.tx, invite.workspace_id).await? else {
        return w.commit().await;
    };
    store::team::set_holder(&w.tx, seat.id, Some(caller.profile.id)).await?;
    store::team::add_member_with_seat(
        &w.tx,
        ws.id,
        caller.profile.id,
        Role::Member,
        Some(seat.id),
        w.now,
    )
    .await?;
    store::users::set_current_workspace(&w.tx, caller.profile.id, ws.id).await?;
    let pro = Tier::from(seat.tier) == Tier::Pro;
    w.audit(member_entry(
        ws.id,
        caller.profile.id,
        "member.joined",
        None,
        Some(format!(
            "{} seat {}",
            Tier::from(seat.tier).as_str(),
            seat.id
        )),
    ))
    .await?;
    w.reply(
        caller,
        Notice::Joined {
            workspace: ws.name.clone(),
            pro,
        },
    )
    .await?;
    let name = display_name(
        store::users::get(&w.tx, caller.profile.id).await?.as_ref(),
        caller.profile.id,
    );
    w.tell(invite.created_by, Notice::MemberJoined { name, pro })
        .await?;
    // A filled seat is a new agent: waiting tickets may go to them now.
    w.reroute(ws.id);
    w.commit().await
}

async fn member_rows<C: sea_orm::ConnectionTrait>(
    db: &C,
    ws: &Workspace,
    now: DateTime<Utc>,
) -> AppResult<Vec<MemberRow>> {
    let mut rows = Vec::new();
    for (m, u) in store::users::members_of(db, ws.id).await? {
        let Some(s) = subject(db, ws, m.user_id, now).await? else {
            continue;
        };
        let seat = match (s.role, m.seat_id, s.seat) {
            (Role::Owner, _, _) => MemberSeat::OwnerSlot,
            (_, None, _) => MemberSeat::NoSeat,
            (_, Some(_), SeatKind::Pro) => MemberSeat::Pro,
            (_, Some(_), _) => MemberSeat::Basic,
        };
        rows.push(MemberRow {
            user_id: m.user_id,
            name: display_name(u.as_ref(), m.user_id),
            role: s.role,
            seat,
            seat_active: s.seat_active,
        });
    }
    Ok(rows)
}

/// `/members` (and its Back button): people, roles and seats; Admins and the Owner get buttons.
pub async fn members(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    screen: Option<(i64, i32)>,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let Some((ws, _)) = current_workspace(&w.tx, caller.profile.id).await? else {
        w.reply(caller, Notice::NeedWorkspace).await?;
        return w.commit().await;
    };
    let manage = match subject(&w.tx, &ws, caller.profile.id, w.now).await? {
        Some(s) => {
            permissions::check(&s, Perm::ManageMembers, &store::team::toggles_of(&ws)).is_ok()
        }
        None => false,
    };
    let rows = member_rows(&w.tx, &ws, w.now).await?;
    let notice = Notice::Members {
        workspace: ws.name.clone(),
        rows,
        manage,
    };
    w.show(caller, screen, notice).await?;
    w.commit().await
}

/// What an Admin can do to a member from `/members`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberAction {
    Show,
    SetRole(Role),
    MoveSeat(Tier),
    Remove,
}

/// A `/members` button on one member. Nobody changes the Owner here (ownership moves only by
/// transfer), and Admins can't touch themselves.
#[instrument(skip_all, fields(target), err)]
pub async fn member_action(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    target: i64,
    action: MemberAction,
    screen: Option<(i64, i32)>,
) -> AppResult<()> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ManageMembers).await? else {
        return Ok(());
    };
    let Some(m) = store::team::member(&w.tx, ws.id, target).await? else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return w.commit().await;
    };
    let role = Role::from(m.role);
    let name = display_name(store::users::get(&w.tx, target).await?.as_ref(), target);
    if action != MemberAction::Show && (role == Role::Owner || target == caller.profile.id) {
        w.reply(caller, Notice::CannotChangeOwner).await?;
        return w.commit().await;
    }
    let actor = caller.profile.id;
    match action {
        MemberAction::Show => {}
        MemberAction::SetRole(new) => {
            if new != role && new != Role::Owner {
                store::team::set_role(&w.tx, ws.id, target, new).await?;
                w.audit(member_entry(
                    ws.id,
                    actor,
                    "member.role",
                    Some(format!("{target}: {role}")),
                    Some(format!("{target}: {new}")),
                ))
                .await?;
            }
        }
        MemberAction::MoveSeat(tier) => {
            let current = match m.seat_id {
                Some(id) => store::team::seat(&w.tx, id).await?,
                None => None,
            };
            if current.as_ref().is_none_or(|s| Tier::from(s.tier) != tier) {
                let free = free_seat(&w, ws.id, tier).await?;
                let Some(free) = free else {
                    w.reply(
                        caller,
                        Notice::NoFreeSeat {
                            pro: tier == Tier::Pro,
                            can_buy: ws.owner_id == caller.profile.id,
                        },
                    )
                    .await?;
                    return w.commit().await;
                };
                if let Some(old) = &current {
                    store::team::set_holder(&w.tx, old.id, None).await?;
                }
                store::team::set_holder(&w.tx, free.id, Some(target)).await?;
                store::team::set_member_seat(&w.tx, ws.id, target, Some(free.id)).await?;
                w.audit(member_entry(
                    ws.id,
                    actor,
                    "member.seat",
                    current.map(|s| {
                        format!("{target}: {} seat {}", Tier::from(s.tier).as_str(), s.id)
                    }),
                    Some(format!(
                        "{target}: {} seat {}",
                        Tier::from(free.tier).as_str(),
                        free.id
                    )),
                ))
                .await?;
            }
        }
        MemberAction::Remove => {
            remove(&mut w, &ws, target, Actor::User(UserId(actor))).await?;
            w.audit(member_entry(
                ws.id,
                actor,
                "member.removed",
                Some(format!("{target} ({role})")),
                None,
            ))
            .await?;
            w.tell(
                target,
                Notice::RemovedFromWorkspace {
                    workspace: ws.name.clone(),
                },
            )
            .await?;
            let rows = member_rows(&w.tx, &ws, w.now).await?;
            w.show(
                caller,
                screen,
                Notice::Members {
                    workspace: ws.name.clone(),
                    rows,
                    manage: true,
                },
            )
            .await?;
            return w.commit().await;
        }
    }
    let member = member_rows(&w.tx, &ws, w.now)
        .await?
        .into_iter()
        .find(|r| r.user_id == target);
    match member {
        Some(member) => {
            w.show(caller, screen, Notice::MemberActions { member })
                .await?
        }
        None => w.reply(caller, Notice::MemberUpdated { name }).await?,
    }
    w.commit().await
}

/// Takes someone out of the workspace: their seat becomes Available and the tickets they were
/// working go back to the queue.
pub(crate) async fn remove(w: &mut Work, ws: &Workspace, user: i64, actor: Actor) -> AppResult<()> {
    if let Some(m) = store::team::member(&w.tx, ws.id, user).await? {
        if let Some(seat) = m.seat_id {
            store::team::set_holder(&w.tx, seat, None).await?;
        }
    }
    store::team::remove_member(&w.tx, ws.id, user).await?;
    for t in store::team::open_tickets_of(&w.tx, ws.id, user).await? {
        let t = store::tickets::get_locked(&w.tx, t.id).await?.unwrap_or(t);
        if let Err(e) = crate::app::lifecycle::apply(
            w,
            t,
            &Command::Release { by: actor },
            actor,
            Default::default(),
        )
        .await?
        {
            tracing::warn!(error = %e, "ticket not released");
        }
    }
    Ok(())
}
