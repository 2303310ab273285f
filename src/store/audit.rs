//! The audit log: one row per change, written by the use case in the same transaction as the
//! change itself, so the log can never disagree with the data.

use chrono::{DateTime, Utc};
use entity::audit_log;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

use crate::domain::ticket::Actor;

/// One change: what (`action`), on which ticket, by whom, old → new.
#[derive(Debug, Clone)]
pub struct Entry {
    pub workspace_id: i64,
    pub ticket_id: Option<i64>,
    pub actor: Actor,
    pub action: &'static str,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub note: Option<String>,
}

pub async fn record<C: ConnectionTrait>(db: &C, e: Entry, now: DateTime<Utc>) -> Result<(), DbErr> {
    let (kind, id) = match e.actor {
        Actor::User(u) => ("user", Some(u.0)),
        Actor::System => ("system", None),
    };
    audit_log::Entity::insert(audit_log::ActiveModel {
        workspace_id: Set(e.workspace_id),
        ticket_id: Set(e.ticket_id),
        actor_kind: Set(kind.to_owned()),
        actor_id: Set(id),
        action: Set(e.action.to_owned()),
        old_value: Set(e.old_value),
        new_value: Set(e.new_value),
        note: Set(e.note),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
