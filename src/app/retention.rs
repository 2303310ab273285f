//! Privacy and retention (SPEC §11): the `/settings` → Privacy screen, and the daily job that
//! forgets message bodies.
//!
//! The job runs on the `purge_bodies` timer: armed a minute after the first start, then once a
//! day (the timer row is the stored schedule, so restarts and replicas do not repeat it). For
//! each workspace it clears the bodies of topic messages logged more than
//! `message_retention_days` ago — and, while `store_message_bodies` is off, all of them: bodies
//! are stored only while that setting is on, so turning it off empties the log at the next run.
//! Comments are the team's notes, not message bodies, and stay. Raw updates still waiting in the
//! inbox past the shortest retention of any workspace lose their texts too (handled ones never
//! keep a body). Each statement touches one batch, so no run holds a long lock; every workspace
//! that lost bodies gets one audit row with the count.
//!
//! `webhook_include_bodies` is only stored and shown here: webhooks come in a later issue, and
//! must read it before sending any body.

use chrono::Duration;

use super::effects::{Notice, PrivacyNotice};
use super::work::{access, current_workspace, refuse_input, AppResult, Caller, Ctx, Origin, Work};
use crate::domain::duration;
use crate::domain::ids::UserId;
use crate::domain::permissions::Perm;
use crate::domain::ticket::Actor;
use crate::store::{self, audit::Entry, retention, timers::TimerKind};

/// How often the purge runs.
pub const PURGE_EVERY: Duration = Duration::days(1);
/// How soon after the first start the purge runs.
pub const FIRST_PURGE_AFTER: Duration = Duration::minutes(1);

/// A change made on the Privacy screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrivacyChange {
    Show,
    ToggleBodies,
    ToggleWebhookBodies,
    RetentionDays(u16),
    /// The retention's Custom… value, as typed.
    RetentionTyped(String),
}

/// `/settings` → Privacy (ConfigureWorkspace only). Returns false when typed input was refused
/// (the prompt stays).
pub async fn privacy_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: PrivacyChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    let Some(mut w) = Work::begin(ctx, origin).await? else {
        return Ok(true);
    };
    store::users::upsert(&w.tx, &caller.profile, caller.private, w.now).await?;
    let Some((ws, _)) = current_workspace(&w.tx, caller.profile.id).await? else {
        w.reply(caller, Notice::NeedWorkspace).await?;
        w.commit().await?;
        return Ok(true);
    };
    let mut ws = store::workspaces::lock(&w.tx, ws.id).await?.unwrap_or(ws);
    if !access::authorize(&mut w, caller, &ws, Perm::ConfigureWorkspace).await? {
        w.commit().await?;
        return Ok(true);
    }
    let actor = Actor::User(UserId(caller.profile.id));
    let (action, old, new) = match change {
        PrivacyChange::Show => (None, String::new(), String::new()),
        PrivacyChange::ToggleBodies => {
            let next = !ws.store_message_bodies;
            store::workspaces::set_store_bodies(&w.tx, ws.id, next).await?;
            let old = ws.store_message_bodies.to_string();
            ws.store_message_bodies = next;
            (Some("settings.store_message_bodies"), old, next.to_string())
        }
        PrivacyChange::ToggleWebhookBodies => {
            let next = !ws.webhook_include_bodies;
            retention::set_webhook_bodies(&w.tx, ws.id, next).await?;
            let old = ws.webhook_include_bodies.to_string();
            ws.webhook_include_bodies = next;
            (
                Some("settings.webhook_include_bodies"),
                old,
                next.to_string(),
            )
        }
        PrivacyChange::RetentionDays(_) | PrivacyChange::RetentionTyped(_) => {
            let days = match &change {
                PrivacyChange::RetentionDays(d) => duration::days_setting(&d.to_string()),
                PrivacyChange::RetentionTyped(text) => duration::days_setting(text),
                _ => Ok(365),
            };
            let days = match days {
                Ok(d) => i32::try_from(d).unwrap_or(365),
                Err(problem) => return refuse_input(w, caller, problem).await,
            };
            if days == ws.message_retention_days {
                (None, String::new(), String::new())
            } else {
                retention::set_retention_days(&w.tx, ws.id, days).await?;
                let old = ws.message_retention_days.to_string();
                ws.message_retention_days = days;
                (
                    Some("settings.message_retention_days"),
                    old,
                    days.to_string(),
                )
            }
        }
    };
    if let Some(action) = action {
        w.audit(Entry {
            workspace_id: ws.id,
            ticket_id: None,
            actor,
            action,
            old_value: Some(old),
            new_value: Some(new),
            note: None,
        })
        .await?;
    }
    let notice = Notice::Privacy(PrivacyNotice::Screen {
        workspace: ws.name.clone(),
        store_bodies: ws.store_message_bodies,
        retention_days: ws.message_retention_days,
        webhook_bodies: ws.webhook_include_bodies,
    });
    w.show(caller, screen, notice).await?;
    w.commit().await?;
    Ok(true)
}

/// The purge timer fired: claims it (re-arming it for tomorrow) in one short transaction, then
/// purges in batches, each its own statement, then audits. Another replica that fired the same
/// timer finds it taken and does nothing.
pub async fn purge(ctx: &Ctx, due: &entity::timers::Model) -> AppResult<()> {
    let Some(mut w) = Work::begin(ctx, Origin::Internal).await? else {
        return Ok(());
    };
    if store::timers::take(&w.tx, due.id, w.now).await?.is_none() {
        w.tx.rollback().await?;
        return Ok(());
    }
    w.set_timer(TimerKind::PurgeBodies, 0, w.now + PURGE_EVERY)
        .await?;
    w.commit().await?;

    let now = ctx.clock.now();
    let policies = retention::policies(&ctx.db).await?;
    let mut purged = Vec::new();
    for p in &policies {
        let before = if p.store_bodies {
            now - Duration::days(i64::from(p.retention_days.max(1)))
        } else {
            now
        };
        let mut count = 0u64;
        loop {
            let n = retention::purge_message_batch(&ctx.db, p.workspace_id, before).await?;
            count += n;
            if n < retention::BATCH {
                break;
            }
        }
        if count > 0 {
            purged.push((p.workspace_id, count));
        }
    }
    let redacted = match policies.iter().map(|p| p.retention_days.max(1)).min() {
        Some(days) => redact_inbox(ctx, now - Duration::days(i64::from(days))).await?,
        None => 0,
    };
    tracing::info!(workspaces = purged.len(), redacted, "purged message bodies");
    if purged.is_empty() {
        return Ok(());
    }
    let Some(mut w) = Work::begin(ctx, Origin::Internal).await? else {
        return Ok(());
    };
    for (workspace_id, count) in purged {
        w.audit(Entry {
            workspace_id,
            ticket_id: None,
            actor: Actor::System,
            action: "privacy.purged_bodies",
            old_value: None,
            new_value: Some(count.to_string()),
            note: Some("message bodies past the retention".to_owned()),
        })
        .await?;
    }
    w.commit().await
}

/// Strips the texts from updates still waiting in the inbox that arrived before `before`, a
/// batch at a time; returns how many changed.
async fn redact_inbox(ctx: &Ctx, before: chrono::DateTime<chrono::Utc>) -> AppResult<u64> {
    let mut after = i64::MIN;
    let mut changed = 0;
    loop {
        let rows = retention::unhandled_updates(&ctx.db, before, after).await?;
        let Some((last, _)) = rows.last() else {
            return Ok(changed);
        };
        after = *last;
        for (id, payload) in &rows {
            let redacted = store::inbox::redact_bodies(payload);
            if retention::replace_payload(&ctx.db, *id, &redacted).await? {
                changed += 1;
            }
        }
    }
}
