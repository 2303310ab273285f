//! Team use cases (SPEC §6): seats and their purchase, invites, members and roles, ownership
//! transfer, leave requests, the Owner's permission toggles, and the one permission check every
//! command and button goes through ([`authorize`]).

use chrono::{DateTime, Utc};
use entity::workspaces::Model as Workspace;
use rand::distr::{Alphanumeric, SampleString};
use tracing::instrument;

use super::effects::{Effect, MemberRow, Notice, SeatRow};
use super::{current_workspace, display_name, AppError, AppResult, Caller, Ctx, Origin, Work};
use crate::domain::ids::UserId;
use crate::domain::permissions::{self, Perm, SeatKind, Subject, Toggle};
use crate::domain::seats::{self, InviteFacts, InvoicePayload, SeatFacts, SeatState, Tier};
use crate::domain::team::Role;
use crate::domain::ticket::{Actor, Command};
use crate::store::{self, audit::Entry};

/// What seats cost, as the operator configured it (minor units; Stars: whole stars).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pricing {
    pub currency: String,
    pub basic: u32,
    pub pro: u32,
}

impl Pricing {
    pub fn unit(&self, tier: Tier) -> u32 {
        match tier {
            Tier::Basic => self.basic,
            Tier::Pro => self.pro,
        }
    }
}

fn tier_of(pro: bool) -> Tier {
    if pro {
        Tier::Pro
    } else {
        Tier::Basic
    }
}

fn day(d: DateTime<Utc>) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn facts(seat: &entity::seats::Model, pending: &[i64]) -> SeatFacts {
    SeatFacts {
        paid_until: seat.paid_until,
        holder: seat.holder_id.map(UserId),
        pending_invite: pending.contains(&seat.id),
    }
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
    let Ok(role) = m.role.parse::<Role>() else {
        return Ok(None);
    };
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
            seat: if s.tier == Tier::Pro.as_str() {
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
            other => Notice::Denied {
                reason: permissions::Denied::NeedsRole(other.least_role()).to_string(),
            },
        };
        w.reply(caller, notice).await?;
        return Ok(false);
    };
    match permissions::check(&s, perm, &store::team::toggles_of(ws)) {
        Ok(()) => Ok(true),
        Err(denied) => {
            w.reply(
                caller,
                Notice::Denied {
                    reason: denied.to_string(),
                },
            )
            .await?;
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

pub(crate) fn audit(
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

// ----- seats ---------------------------------------------------------------------------------

/// `/seats`: the Owner slot and every seat with its state, holder and end date, with buy buttons.
pub async fn seats_overview(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    pricing: &Pricing,
) -> AppResult<()> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ManageBilling).await? else {
        return Ok(());
    };
    let owner = display_name(
        store::users::get(&w.tx, ws.owner_id).await?.as_ref(),
        ws.owner_id,
    );
    let mut rows = vec![SeatRow {
        kind: "Owner".into(),
        state: "Filled".into(),
        holder: Some(owner),
        until: None,
    }];
    let pending = store::team::seats_with_pending_invites(&w.tx, ws.id, w.now).await?;
    for seat in store::team::seats_of(&w.tx, ws.id).await? {
        let state = seats::state(&facts(&seat, &pending), w.now);
        let holder = match seat.holder_id {
            Some(h) => Some(display_name(store::users::get(&w.tx, h).await?.as_ref(), h)),
            None => None,
        };
        let kind = seat
            .tier
            .parse::<Tier>()
            .map(|t| t.to_string())
            .unwrap_or(seat.tier.clone());
        rows.push(SeatRow {
            kind,
            state: state.to_string(),
            holder,
            until: Some(day(seat.paid_until)),
        });
    }
    let notice = Notice::Seats {
        rows,
        currency: pricing.currency.clone(),
        basic_price: pricing.basic,
        pro_price: pricing.pro,
    };
    w.reply(caller, notice).await?;
    w.commit().await
}

/// A "Buy a seat" button: sends the Owner an invoice for one seat for one month.
pub async fn buy_seat(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    pro: bool,
    pricing: &Pricing,
) -> AppResult<()> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ManageBilling).await? else {
        return Ok(());
    };
    let tier = tier_of(pro);
    let payload = InvoicePayload {
        workspace_id: ws.id,
        tier,
        count: 1,
        months: 1,
    };
    let Some(total) = seats::invoice_total(pricing.unit(tier), 1, 1) else {
        return Err(AppError::Unexpected(anyhow::anyhow!(
            "seat price overflows"
        )));
    };
    w.effect(Effect::SendInvoice {
        chat: caller.profile.id,
        payload: payload.encode(),
        pro,
        count: 1,
        months: 1,
        total,
    })
    .await?;
    w.reply(caller, Notice::Ok).await?;
    w.commit().await
}

/// A pre-checkout query as Telegram sent it.
#[derive(Debug, Clone)]
pub struct Checkout {
    pub query_id: String,
    pub payload: String,
    pub currency: String,
    pub total: u32,
}

/// Telegram asks whether a checkout may go ahead: the payload must be ours, for a workspace the
/// payer owns, at today's price in the configured currency.
pub async fn pre_checkout(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    checkout: &Checkout,
    pricing: &Pricing,
) -> AppResult<()> {
    let Checkout {
        query_id,
        payload,
        currency,
        total,
    } = checkout;
    let (currency, total) = (currency.as_str(), *total);
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let error = match InvoicePayload::decode(payload) {
        Err(_) => Some("This invoice is not valid any more. Open /seats and try again.".to_owned()),
        Ok(p) => match store::workspaces::get(&w.tx, p.workspace_id).await? {
            None => Some("This workspace no longer exists.".to_owned()),
            Some(ws) if ws.owner_id != caller.profile.id => {
                Some("Only the workspace's Owner can buy seats.".to_owned())
            }
            Some(_) => {
                let expected = seats::invoice_total(pricing.unit(p.tier), p.count, p.months);
                (currency != pricing.currency || expected != Some(total))
                    .then(|| "The price has changed. Open /seats and try again.".to_owned())
            }
        },
    };
    w.effect(Effect::AnswerPreCheckout {
        id: query_id.to_owned(),
        error,
    })
    .await?;
    w.commit().await
}

/// A successful payment: applied once per charge id (a redelivered update adds nothing).
#[instrument(skip_all, fields(charge = charge_id), err)]
pub async fn payment(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    charge_id: &str,
    payload: &str,
    currency: &str,
    total: u32,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let Ok(p) = InvoicePayload::decode(payload) else {
        tracing::error!(
            payload,
            "payment with a payload we never issued; recorded nowhere"
        );
        return w.commit().await;
    };
    store::workspaces::lock(&w.tx, p.workspace_id).await?;
    let new = store::team::record_payment(
        &w.tx,
        store::team::NewPayment {
            charge_id,
            workspace_id: p.workspace_id,
            user_id: caller.profile.id,
            tier: p.tier.as_str(),
            count: p.count as i32,
            months: p.months as i32,
            total: total.into(),
            currency,
        },
        w.now,
    )
    .await?;
    if !new {
        return w.commit().await;
    }
    let until = seats::extend(None, w.now, p.months);
    let ids = add_seats(
        &mut w,
        p.workspace_id,
        p.tier,
        p.count,
        Extend::Months(p.months),
        Actor::User(UserId(caller.profile.id)),
    )
    .await?;
    w.audit(Entry {
        workspace_id: p.workspace_id,
        ticket_id: None,
        actor: Actor::User(UserId(caller.profile.id)),
        action: "billing.payment",
        old_value: None,
        new_value: Some(format!(
            "{} {} seat(s), {} month(s), {total} {currency}",
            p.count,
            p.tier.as_str(),
            p.months
        )),
        note: Some(format!("charge {charge_id}; seats {ids:?}")),
    })
    .await?;
    w.reply(
        caller,
        Notice::PaymentApplied {
            pro: p.tier == Tier::Pro,
            count: p.count,
            until: day(until),
        },
    )
    .await?;
    w.commit().await
}

/// How a purchase sets the paid period: months from now (or from a still-running period), or
/// up to a date (billing elsewhere).
#[derive(Debug, Clone, Copy)]
pub enum Extend {
    Months(u32),
    Until(DateTime<Utc>),
}

/// Adds `count` seats of `tier`: expired seats are renewed first (their holders work again),
/// the rest are new. Each gets a timer for its end. Returns the seat ids.
pub async fn add_seats(
    w: &mut Work,
    workspace: i64,
    tier: Tier,
    count: u32,
    extend: Extend,
    actor: Actor,
) -> AppResult<Vec<i64>> {
    let all = store::team::seats_of(&w.tx, workspace).await?;
    let expired: Vec<i64> = all
        .iter()
        .filter(|s| s.tier == tier.as_str() && s.paid_until <= w.now)
        .map(|s| s.id)
        .collect();
    let (renew, create) = seats::allocate_purchase(&expired, count);
    let until_for = |paid: Option<DateTime<Utc>>, now| match extend {
        Extend::Months(m) => seats::extend(paid, now, m),
        Extend::Until(d) => d,
    };
    let mut ids = Vec::new();
    for id in renew {
        let old = all.iter().find(|s| s.id == id).map(|s| s.paid_until);
        let until = until_for(old, w.now);
        store::team::set_paid_until(&w.tx, id, until).await?;
        w.set_timer(store::timers::TimerKind::SeatExpiry, id, until)
            .await?;
        w.audit(Entry {
            workspace_id: workspace,
            ticket_id: None,
            actor,
            action: "seat.renewed",
            old_value: old.map(day),
            new_value: Some(day(until)),
            note: Some(format!("seat {id}")),
        })
        .await?;
        ids.push(id);
    }
    for _ in 0..create {
        let until = until_for(None, w.now);
        let seat = store::team::create_seat(&w.tx, workspace, tier.as_str(), until, w.now).await?;
        w.set_timer(store::timers::TimerKind::SeatExpiry, seat.id, until)
            .await?;
        w.audit(Entry {
            workspace_id: workspace,
            ticket_id: None,
            actor,
            action: "seat.added",
            old_value: None,
            new_value: Some(format!("{} until {}", tier.as_str(), day(until))),
            note: Some(format!("seat {}", seat.id)),
        })
        .await?;
        ids.push(seat.id);
    }
    // Renewed seats bring their holders back into routing.
    w.reroute(workspace);
    Ok(ids)
}

/// The oldest Available seat of `tier` (paid, empty, no live invite).
async fn free_seat(
    w: &Work,
    workspace: i64,
    tier: Tier,
) -> AppResult<Option<entity::seats::Model>> {
    let pending = store::team::seats_with_pending_invites(&w.tx, workspace, w.now).await?;
    Ok(store::team::seats_of(&w.tx, workspace)
        .await?
        .into_iter()
        .find(|s| {
            s.tier == tier.as_str()
                && seats::state(&facts(s, &pending), w.now) == SeatState::Available
        }))
}

/// The seat-expiry timer fired: tell the holder and the Owner, once, and audit it. The seat's
/// state itself follows from `paid_until`, so checks are exact even before this runs.
pub async fn seat_expired(w: &mut Work, seat_id: i64) -> AppResult<()> {
    let Some(seat) = store::team::seat(&w.tx, seat_id).await? else {
        return Ok(());
    };
    if seat.paid_until > w.now {
        return Ok(()); // renewed since; a new timer is set
    }
    let Some(ws) = store::workspaces::get(&w.tx, seat.workspace_id).await? else {
        return Ok(());
    };
    let pro = seat.tier == Tier::Pro.as_str();
    w.audit(Entry {
        workspace_id: ws.id,
        ticket_id: None,
        actor: Actor::System,
        action: "seat.expired",
        old_value: None,
        new_value: Some(day(seat.paid_until)),
        note: Some(format!("seat {seat_id}")),
    })
    .await?;
    let notice = Notice::SeatExpired {
        pro,
        until: day(seat.paid_until),
    };
    let mut people = vec![ws.owner_id];
    people.extend(seat.holder_id.filter(|h| *h != ws.owner_id));
    for user in people {
        w.tell(user, notice.clone()).await?;
    }
    Ok(())
}

/// A workspace named by id or by exact name (for the operator CLI).
/// Names are not unique (anyone may create "Acme"), so a name that matches several
/// workspaces is refused with their ids rather than guessed.
pub async fn find_workspace(ctx: &Ctx, key: &str) -> AppResult<Option<Workspace>> {
    let all = store::team::all_workspaces(&ctx.db).await?;
    if let Ok(id) = key.parse::<i64>() {
        return Ok(all.into_iter().find(|w| w.id == id));
    }
    let mut named: Vec<Workspace> = all.into_iter().filter(|w| w.name == key).collect();
    if named.len() > 1 {
        let ids: Vec<String> = named.iter().map(|w| w.id.to_string()).collect();
        return Err(AppError::Unexpected(anyhow::anyhow!(
            "{} workspaces are named {key:?} (ids {}); name one by id",
            named.len(),
            ids.join(", ")
        )));
    }
    Ok(named.pop())
}

/// `topicdesk seats grant`: seats paid elsewhere, until a date.
pub async fn grant(
    ctx: &Ctx,
    workspace: i64,
    basic: u32,
    pro: u32,
    until: DateTime<Utc>,
) -> AppResult<Vec<i64>> {
    let Some(mut w) = Work::begin(ctx, Origin::Internal).await? else {
        return Ok(Vec::new());
    };
    store::workspaces::lock(&w.tx, workspace).await?;
    let mut ids = add_seats(
        &mut w,
        workspace,
        Tier::Basic,
        basic,
        Extend::Until(until),
        Actor::System,
    )
    .await?;
    ids.extend(
        add_seats(
            &mut w,
            workspace,
            Tier::Pro,
            pro,
            Extend::Until(until),
            Actor::System,
        )
        .await?,
    );
    w.commit().await?;
    Ok(ids)
}

/// A billing webhook event, already authenticated by the HTTP layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingEvent {
    pub id: String,
    pub kind: String,
    pub workspace_id: i64,
    pub basic: u32,
    pub pro: u32,
    pub period_end: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillingOutcome {
    Applied,
    /// The event id was seen before: acknowledged, nothing changed.
    Replayed,
    UnknownWorkspace,
    UnknownType,
}

/// Applies a billing event once per id: purchased adds seats until `period_end`, renewed moves
/// the end of that many seats, expired ends that many seats now (empty ones first).
#[instrument(skip_all, fields(event = %e.id), err)]
pub async fn billing_event(ctx: &Ctx, e: &BillingEvent) -> AppResult<BillingOutcome> {
    if !matches!(
        e.kind.as_str(),
        "seats.purchased" | "seats.renewed" | "seats.expired"
    ) {
        return Ok(BillingOutcome::UnknownType);
    }
    let Some(mut w) = Work::begin(ctx, Origin::Internal).await? else {
        return Ok(BillingOutcome::Replayed);
    };
    if store::workspaces::lock(&w.tx, e.workspace_id)
        .await?
        .is_none()
    {
        w.tx.rollback().await?;
        return Ok(BillingOutcome::UnknownWorkspace);
    }
    if !store::team::record_billing_event(&w.tx, &e.id, &e.kind, e.workspace_id, w.now).await? {
        w.tx.rollback().await?;
        return Ok(BillingOutcome::Replayed);
    }
    for (tier, count) in [(Tier::Basic, e.basic), (Tier::Pro, e.pro)] {
        if count == 0 {
            continue;
        }
        match e.kind.as_str() {
            "seats.purchased" => {
                add_seats(
                    &mut w,
                    e.workspace_id,
                    tier,
                    count,
                    Extend::Until(e.period_end),
                    Actor::System,
                )
                .await?;
            }
            "seats.renewed" => {
                let all: Vec<_> = store::team::seats_of(&w.tx, e.workspace_id)
                    .await?
                    .into_iter()
                    .filter(|s| s.tier == tier.as_str())
                    .collect();
                let mut left = count;
                for s in all.iter().take(count as usize) {
                    store::team::set_paid_until(&w.tx, s.id, e.period_end).await?;
                    w.set_timer(store::timers::TimerKind::SeatExpiry, s.id, e.period_end)
                        .await?;
                    w.audit(Entry {
                        workspace_id: e.workspace_id,
                        ticket_id: None,
                        actor: Actor::System,
                        action: "seat.renewed",
                        old_value: Some(day(s.paid_until)),
                        new_value: Some(day(e.period_end)),
                        note: Some(format!("seat {} (event {})", s.id, e.id)),
                    })
                    .await?;
                    left -= 1;
                }
                if left > 0 {
                    add_seats(
                        &mut w,
                        e.workspace_id,
                        tier,
                        left,
                        Extend::Until(e.period_end),
                        Actor::System,
                    )
                    .await?;
                }
            }
            _ => {
                let pending =
                    store::team::seats_with_pending_invites(&w.tx, e.workspace_id, w.now).await?;
                let candidates: Vec<(i64, SeatState)> =
                    store::team::seats_of(&w.tx, e.workspace_id)
                        .await?
                        .into_iter()
                        .filter(|s| s.tier == tier.as_str())
                        .map(|s| (s.id, seats::state(&facts(&s, &pending), w.now)))
                        .filter(|(_, st)| *st != SeatState::Expired)
                        .collect();
                for id in seats::pick_to_expire(&candidates, count) {
                    store::team::set_paid_until(&w.tx, id, w.now).await?;
                    // A link to a seat that ended must not come back to life on renewal.
                    store::team::revoke_invites(&w.tx, id, w.now).await?;
                    w.set_timer(store::timers::TimerKind::SeatExpiry, id, w.now)
                        .await?;
                    w.audit(Entry {
                        workspace_id: e.workspace_id,
                        ticket_id: None,
                        actor: Actor::System,
                        action: "seat.ended",
                        old_value: None,
                        new_value: Some(day(w.now)),
                        note: Some(format!("seat {id} (event {})", e.id)),
                    })
                    .await?;
                }
            }
        }
    }
    w.commit().await?;
    Ok(BillingOutcome::Applied)
}

// ----- invites and members -------------------------------------------------------------------

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
    w.audit(audit(
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
            Notice::InviteRefused {
                reason: seats::InviteProblem::Unknown.to_string(),
            },
        )
        .await?;
        return w.commit().await;
    };
    if let Err(problem) = seats::check_invite(&f, w.now) {
        w.reply(
            caller,
            Notice::InviteRefused {
                reason: problem.to_string(),
            },
        )
        .await?;
        return w.commit().await;
    }
    if seat.holder_id.is_some()
        || !store::team::use_invite(&w.tx, invite.id, caller.profile.id, w.now).await?
    {
        w.reply(
            caller,
            Notice::InviteRefused {
                reason: seats::InviteProblem::Used.to_string(),
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
    let pro = seat.tier == Tier::Pro.as_str();
    w.audit(audit(
        ws.id,
        caller.profile.id,
        "member.joined",
        None,
        Some(format!("{} seat {}", seat.tier, seat.id)),
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
            (Role::Owner, _, _) => "Owner slot".to_owned(),
            (_, None, _) => "no seat".to_owned(),
            (_, Some(_), SeatKind::Pro) => "Pro".to_owned(),
            (_, Some(_), _) => "Basic".to_owned(),
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
    let role: Role = m.role.parse().unwrap_or(Role::Member);
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
                w.audit(audit(
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
            if current.as_ref().is_none_or(|s| s.tier != tier.as_str()) {
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
                w.audit(audit(
                    ws.id,
                    actor,
                    "member.seat",
                    current.map(|s| format!("{target}: {} seat {}", s.tier, s.id)),
                    Some(format!("{target}: {} seat {}", free.tier, free.id)),
                ))
                .await?;
            }
        }
        MemberAction::Remove => {
            remove(&mut w, &ws, target, Actor::User(UserId(actor))).await?;
            w.audit(audit(
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
async fn remove(w: &mut Work, ws: &Workspace, user: i64, actor: Actor) -> AppResult<()> {
    if let Some(m) = store::team::member(&w.tx, ws.id, user).await? {
        if let Some(seat) = m.seat_id {
            store::team::set_holder(&w.tx, seat, None).await?;
        }
    }
    store::team::remove_member(&w.tx, ws.id, user).await?;
    for t in store::team::open_tickets_of(&w.tx, ws.id, user).await? {
        let t = store::tickets::get_locked(&w.tx, t.id).await?.unwrap_or(t);
        if let Err(e) = super::tickets::apply(
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

// ----- leaving and ownership -----------------------------------------------------------------

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
    w.audit(audit(
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
        let admin = m.role.parse::<Role>().is_ok_and(Role::can_configure);
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
            Some(m) if m.role == Role::Owner.as_str() => Some(Notice::CannotChangeOwner),
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
    w.audit(audit(
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
        Some(m) if target != me && m.role != Role::Owner.as_str() => Some(m),
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
    w.audit(audit(
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

// ----- permission toggles --------------------------------------------------------------------

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
        w.audit(audit(
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
