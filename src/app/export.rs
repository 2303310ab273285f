//! `/export audit|tickets [7d|30d|90d|all]` (SPEC §7): the audit log or the tickets as a CSV
//! file in the asker's private chat. Exports need [`Perm::ExportData`] (Owner and Admins, or
//! Members when the Owner allows) and a workspace exports at most once a minute.
//!
//! The file is written when the outbox sends it ([`build`]), from the log as it is then; the REST
//! API's CSV endpoint will use [`build`] too. Every cell goes through
//! [`export::neutralize`], so a customer who names a topic `=HYPERLINK(…)` cannot plant a
//! formula in the team's spreadsheet.

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::ConnectionTrait;

use super::effects::{Effect, ExportKind, ExportNotice, Notice};
use super::work::access::{begin_for, member_entry};
use super::work::{AppError, AppResult, Caller, Ctx, Origin};
use crate::domain::export::{self, Period};
use crate::domain::permissions::Perm;
use crate::store;

/// The most rows one file holds: far beyond a year of a busy team's tickets, and a bound on
/// what one command makes the daemon read and hold.
pub const MAX_ROWS: usize = 100_000;

/// The most bytes one file holds, whatever its rows: audit rows can carry whole template and
/// article bodies, and Telegram takes files of at most 50 MB from a bot.
pub const MAX_BYTES: usize = 45 * 1024 * 1024;

/// Whether the file is full (the writer's buffer is at most a few KB behind).
fn full(out: &csv::Writer<Vec<u8>>, rows: usize) -> bool {
    rows >= MAX_ROWS || out.get_ref().len() >= MAX_BYTES
}

/// A written export.
#[derive(Debug, Clone)]
pub struct Csv {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub rows: usize,
    pub truncated: bool,
}

/// `/export …` in the private chat.
pub async fn export(ctx: &Ctx, origin: Origin, caller: &Caller, args: &str) -> AppResult<()> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ExportData).await? else {
        return Ok(());
    };
    let mut words = args.split_whitespace();
    let kind = match words.next().map(str::to_ascii_lowercase).as_deref() {
        Some("audit") => Some(ExportKind::Audit),
        Some("tickets") => Some(ExportKind::Tickets),
        _ => None,
    };
    let period = Period::parse(words.next().unwrap_or_default());
    let (Some(kind), Some(period), None) = (kind, period, words.next()) else {
        w.reply(caller, Notice::Exports(ExportNotice::Usage))
            .await?;
        return w.commit().await;
    };
    if let Some(secs) = export::wait_secs(ws.last_export_at, w.now) {
        w.reply(caller, Notice::Exports(ExportNotice::TooSoon { secs }))
            .await?;
        return w.commit().await;
    }
    store::workspaces::set_last_export(&w.tx, ws.id, w.now).await?;
    let action = match kind {
        ExportKind::Audit => "export.audit",
        ExportKind::Tickets => "export.tickets",
    };
    w.audit(member_entry(
        ws.id,
        caller.profile.id,
        action,
        None,
        Some(period.code()),
    ))
    .await?;
    w.effect(Effect::SendExport {
        user: caller.profile.id,
        workspace: ws.id,
        export: kind,
        since: period.since(w.now),
        until: w.now,
        period: period.code(),
    })
    .await?;
    w.commit().await
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn opt_time(t: Option<DateTime<Utc>>) -> String {
    t.map(time).unwrap_or_default()
}

/// Writes one record, every cell neutralized.
fn record(out: &mut csv::Writer<Vec<u8>>, cells: &[String]) -> AppResult<()> {
    out.write_record(cells.iter().map(|c| export::neutralize(c).into_owned()))
        .map_err(|e| AppError::Unexpected(e.into()))
}

/// Writes a workspace's export of `kind` over `[since, until]`.
pub async fn build<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    kind: ExportKind,
    since: Option<DateTime<Utc>>,
    until: DateTime<Utc>,
    period: &str,
) -> AppResult<Csv> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let (rows, truncated) = match kind {
        ExportKind::Audit => audit(db, &mut out, workspace, since, until).await?,
        ExportKind::Tickets => tickets(db, &mut out, workspace, since, until).await?,
    };
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("csv: {e}")))?;
    let day = until.format("%Y-%m-%d");
    Ok(Csv {
        file_name: format!("{}-{period}-{day}.csv", kind.code()),
        bytes,
        rows,
        truncated,
    })
}

async fn audit<C: ConnectionTrait>(
    db: &C,
    out: &mut csv::Writer<Vec<u8>>,
    workspace: i64,
    since: Option<DateTime<Utc>>,
    until: DateTime<Utc>,
) -> AppResult<(usize, bool)> {
    let header = [
        "time",
        "ticket",
        "actor",
        "actor_id",
        "action",
        "old_value",
        "new_value",
        "note",
    ];
    record(out, &header.map(String::from))?;
    let (mut rows, mut after) = (0usize, 0i64);
    loop {
        let page = store::export::audit_page(db, workspace, since, until, after).await?;
        let Some(last) = page.last() else {
            return Ok((rows, false));
        };
        after = last.id;
        let actors = page.iter().filter_map(|a| a.actor_id).collect();
        let names = store::export::names(db, actors).await?;
        let ids = page.iter().filter_map(|a| a.ticket_id).collect();
        let numbers = store::export::numbers(db, workspace, ids).await?;
        for a in &page {
            if full(out, rows) {
                return Ok((rows, true));
            }
            let actor = match (a.actor_kind.as_str(), a.actor_id) {
                ("user", Some(id)) => names.get(&id).cloned().unwrap_or_else(|| id.to_string()),
                (kind, _) => kind.to_owned(),
            };
            let ticket = a
                .ticket_id
                .and_then(|t| numbers.get(&t))
                .map(|n| format!("#{n}"))
                .unwrap_or_default();
            record(
                out,
                &[
                    time(a.created_at),
                    ticket,
                    actor,
                    a.actor_id.map(|i| i.to_string()).unwrap_or_default(),
                    a.action.clone(),
                    a.old_value.clone().unwrap_or_default(),
                    a.new_value.clone().unwrap_or_default(),
                    a.note.clone().unwrap_or_default(),
                ],
            )?;
            rows += 1;
        }
    }
}

async fn tickets<C: ConnectionTrait>(
    db: &C,
    out: &mut csv::Writer<Vec<u8>>,
    workspace: i64,
    since: Option<DateTime<Utc>>,
    until: DateTime<Utc>,
) -> AppResult<(usize, bool)> {
    let header = [
        "number",
        "subject",
        "status",
        "priority",
        "customer",
        "customer_id",
        "assignee",
        "assignee_id",
        "tags",
        "created_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "csat",
        "escalation_level",
    ];
    record(out, &header.map(String::from))?;
    let (mut rows, mut after) = (0usize, 0i64);
    loop {
        let page = store::export::tickets_page(db, workspace, since, until, after).await?;
        let Some(last) = page.last() else {
            return Ok((rows, false));
        };
        after = last.id;
        let people = page
            .iter()
            .flat_map(|t| [Some(t.customer_id), t.assignee_id])
            .flatten()
            .collect();
        let names = store::export::names(db, people).await?;
        let ids = page.iter().map(|t| t.id).collect();
        let tags = store::export::ticket_tags(db, workspace, ids).await?;
        for t in &page {
            if full(out, rows) {
                return Ok((rows, true));
            }
            let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| id.to_string());
            record(
                out,
                &[
                    t.number.to_string(),
                    t.subject.clone(),
                    t.status.as_str().to_owned(),
                    t.priority.as_str().to_owned(),
                    name(t.customer_id),
                    t.customer_id.to_string(),
                    t.assignee_id.map(name).unwrap_or_default(),
                    t.assignee_id.map(|i| i.to_string()).unwrap_or_default(),
                    tags.get(&t.id).map(|v| v.join(" ")).unwrap_or_default(),
                    time(t.created_at),
                    opt_time(t.first_response_at),
                    opt_time(t.resolved_at),
                    opt_time(t.closed_at),
                    t.csat_score.map(|c| c.to_string()).unwrap_or_default(),
                    t.escalation_level.to_string(),
                ],
            )?;
            rows += 1;
        }
    }
}
