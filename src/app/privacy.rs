//! `/mydata` (SPEC §11): a person gets a JSON file of everything stored about them, in every
//! workspace. The file is written when the outbox sends it ([`my_data`]), from the data as it
//! is then, and goes to their own private chat only.

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use super::effects::Effect;
use super::work::access::begin;
use super::work::{AppError, AppResult, Caller, Ctx, Origin};
use crate::store;

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn opt_time(t: Option<DateTime<Utc>>) -> Value {
    t.map(time).map(Value::String).unwrap_or(Value::Null)
}

/// `/mydata` in the private chat.
pub async fn request(ctx: &Ctx, origin: Origin, caller: &Caller) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    w.effect(Effect::SendMyData {
        user: caller.profile.id,
    })
    .await?;
    w.commit().await
}

/// The JSON file of everything stored about `user`, pretty-printed.
pub async fn my_data<C: ConnectionTrait>(
    db: &C,
    user: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<u8>> {
    let d = store::privacy::person(db, user).await?;
    let profile = d.profile.as_ref().map(|u| {
        json!({
            "telegram_id": u.id,
            "first_name": u.first_name,
            "last_name": u.last_name,
            "username": u.username,
            "started_the_bot": u.started_bot,
            "updated_at": time(u.updated_at),
        })
    });
    let memberships: Vec<Value> = d
        .memberships
        .iter()
        .map(|(m, ws, seat)| {
            json!({
                "workspace_id": m.workspace_id,
                "workspace": ws.as_ref().map(|w| w.name.clone()),
                "role": m.role.as_str(),
                "since": time(m.created_at),
                "available": m.available,
                "max_open": m.max_open,
                "seat": seat.as_ref().map(|s| json!({
                    "tier": s.tier.as_str(),
                    "paid_until": time(s.paid_until),
                })),
            })
        })
        .collect();
    let tickets: Vec<Value> = d
        .tickets_opened
        .iter()
        .map(|t| {
            json!({
                "workspace_id": t.workspace_id,
                "number": t.number,
                "subject": t.subject,
                "status": t.status.as_str(),
                "priority": t.priority.as_str(),
                "created_at": time(t.created_at),
                "first_response_at": opt_time(t.first_response_at),
                "resolved_at": opt_time(t.resolved_at),
                "closed_at": opt_time(t.closed_at),
                "csat": t.csat_score,
            })
        })
        .collect();
    let messages: Vec<Value> = d
        .messages
        .iter()
        .map(|m| {
            json!({
                "ticket_id": m.ticket_id,
                "telegram_message_id": m.tg_message_id,
                "as": m.role,
                "body": m.body,
                "sent_at": time(m.created_at),
                "edited_at": opt_time(m.edited_at),
            })
        })
        .collect();
    let comments: Vec<Value> = d
        .comments
        .iter()
        .map(|c| {
            json!({
                "workspace_id": c.workspace_id,
                "ticket_id": c.ticket_id,
                "in_reply_to": c.parent_id,
                "body": c.body,
                "file": c.file_kind,
                "written_at": time(c.created_at),
            })
        })
        .collect();
    let audit: Vec<Value> = d
        .audit
        .iter()
        .map(|a| {
            json!({
                "workspace_id": a.workspace_id,
                "ticket_id": a.ticket_id,
                "action": a.action,
                "old_value": a.old_value,
                "new_value": a.new_value,
                "note": a.note,
                "at": time(a.created_at),
            })
        })
        .collect();
    let reminders: Vec<Value> = d
        .reminders
        .iter()
        .map(|r| {
            json!({
                "workspace_id": r.workspace_id,
                "ticket_id": r.ticket_id,
                "text": r.text,
                "due_at": time(r.due_at),
                "fired_at": opt_time(r.fired_at),
                "cancelled_at": opt_time(r.cancelled_at),
            })
        })
        .collect();
    let all = json!({
        "exported_at": time(now),
        "profile": profile,
        "memberships": memberships,
        "tickets_opened": tickets,
        "messages": messages,
        "comments": comments,
        "audit": audit,
        "reminders": reminders,
    });
    serde_json::to_vec_pretty(&all).map_err(|e| AppError::Unexpected(e.into()))
}
