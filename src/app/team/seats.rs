//! Seats and their purchase (SPEC §6): the Owner's overview, invoices, pre-checkout checks
//! and payments (Telegram Stars or a provider), seats that lapse, and the operator's grants and
//! the billing webhook for installations that bill outside Telegram.

use chrono::{DateTime, Utc};
use entity::workspaces::Model as Workspace;
use tracing::instrument;

use crate::app::effects::{CheckoutRefusal, Effect, Notice, SeatRow};
use crate::app::effects::{SeatLabel, SeatStateLabel};
use crate::app::work::access::{begin, begin_for};
use crate::app::work::{display_name, AppError, AppResult, Caller, Ctx, Origin, Work};
use crate::domain::ids::UserId;
use crate::domain::permissions::Perm;
use crate::domain::seats::{self, InvoicePayload, SeatFacts, SeatState, Tier};
use crate::domain::ticket::Actor;
use crate::store::{self, audit::Entry};

use crate::config::Pricing;

pub(crate) fn tier_of(pro: bool) -> Tier {
    if pro {
        Tier::Pro
    } else {
        Tier::Basic
    }
}

pub(crate) fn day(d: DateTime<Utc>) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn facts(seat: &entity::seats::Model, pending: &[i64]) -> SeatFacts {
    SeatFacts {
        paid_until: seat.paid_until,
        holder: seat.holder_id.map(UserId),
        pending_invite: pending.contains(&seat.id),
    }
}

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
        kind: SeatLabel::Owner,
        state: SeatStateLabel::Filled,
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
        let kind = match Tier::from(seat.tier) {
            Tier::Basic => SeatLabel::Basic,
            Tier::Pro => SeatLabel::Pro,
        };
        let state = match state {
            SeatState::Filled => SeatStateLabel::Filled,
            SeatState::Pending => SeatStateLabel::Pending,
            SeatState::Available => SeatStateLabel::Available,
            SeatState::Expired => SeatStateLabel::Expired,
        };
        rows.push(SeatRow {
            kind,
            state,
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
    let refusal = match InvoicePayload::decode(payload) {
        Err(_) => Some(CheckoutRefusal::InvalidInvoice),
        Ok(p) => match store::workspaces::get(&w.tx, p.workspace_id).await? {
            None => Some(CheckoutRefusal::NoWorkspace),
            Some(ws) if ws.owner_id != caller.profile.id => Some(CheckoutRefusal::NotOwner),
            Some(_) => {
                let expected = seats::invoice_total(pricing.unit(p.tier), p.count, p.months);
                (currency != pricing.currency || expected != Some(total))
                    .then_some(CheckoutRefusal::PriceChanged)
            }
        },
    };
    w.effect(Effect::AnswerCheckout {
        id: query_id.to_owned(),
        refusal,
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
            tier: p.tier,
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
        .filter(|s| Tier::from(s.tier) == tier && s.paid_until <= w.now)
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
        let seat = store::team::create_seat(&w.tx, workspace, tier, until, w.now).await?;
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
pub(crate) async fn free_seat(
    w: &Work,
    workspace: i64,
    tier: Tier,
) -> AppResult<Option<entity::seats::Model>> {
    let pending = store::team::seats_with_pending_invites(&w.tx, workspace, w.now).await?;
    Ok(store::team::seats_of(&w.tx, workspace)
        .await?
        .into_iter()
        .find(|s| {
            Tier::from(s.tier) == tier
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
    let pro = Tier::from(seat.tier) == Tier::Pro;
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
                    .filter(|s| Tier::from(s.tier) == tier)
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
                        .filter(|s| Tier::from(s.tier) == tier)
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
