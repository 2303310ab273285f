//! What `/stats` reads: the metadata of a workspace's tickets that matter to a period (created or
//! resolved in it, or still open), as [`TicketFacts`]. No message body is read.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::kinds::TicketStatus;
use entity::{sla_policies, tickets};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

use super::sla::Fired;
use crate::domain::analytics::TicketFacts;

/// The most tickets one `/stats` reads: far beyond a year of a busy team, and a bound on what
/// one command makes the daemon hold.
pub const MAX_TICKETS: u64 = 500_000;

/// The facts of `workspace`'s tickets that matter to `[from, to)`: created or resolved in it, or
/// open now; with `assignee`, only theirs.
pub async fn facts<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    assignee: Option<i64>,
) -> Result<Vec<TicketFacts>, DbErr> {
    let targets: HashMap<String, (bool, bool)> = sla_policies::Entity::find()
        .filter(sla_policies::Column::WorkspaceId.eq(workspace))
        .all(db)
        .await?
        .into_iter()
        .map(|p| {
            let targets = (p.first_response_minutes > 0, p.resolution_minutes > 0);
            (p.priority.as_str().to_owned(), targets)
        })
        .collect();
    let done = [TicketStatus::Resolved, TicketStatus::Closed].map(|s| Expr::value(s.as_str()));
    let mut q = tickets::Entity::find()
        .filter(tickets::Column::WorkspaceId.eq(workspace))
        .filter(tickets::Column::CreatedAt.lt(to))
        .filter(
            Condition::any()
                .add(tickets::Column::CreatedAt.gte(from))
                .add(tickets::Column::ResolvedAt.gte(from))
                .add(Expr::col(tickets::Column::Status).is_not_in(done)),
        );
    if let Some(a) = assignee {
        q = q.filter(tickets::Column::AssigneeId.eq(a));
    }
    let rows = q.limit(MAX_TICKETS).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|t| {
            let (first_target, resolution_target) = targets
                .get(t.priority.as_str())
                .copied()
                .unwrap_or_default();
            TicketFacts {
                created_at: t.created_at,
                first_response_at: t.first_response_at,
                resolved_at: t.resolved_at,
                assignee: t.assignee_id,
                csat: t.csat_score,
                first_target,
                resolution_target,
                first_breached: t.sla_fired & Fired::FIRST_BREACH != 0,
                resolution_breached: t.sla_fired & Fired::RESOLUTION_BREACH != 0,
                open: !matches!(t.status, TicketStatus::Resolved | TicketStatus::Closed),
            }
        })
        .collect())
}
