//! Read models: what a message that describes a ticket shows (the card, `/info`, staff-chat
//! lines), read in one place so that use cases and the Telegram sender show the same thing.

use chrono::{DateTime, Utc};
use entity::tickets::Model as Ticket;
use sea_orm::DbErr;
use serde::{Deserialize, Serialize};

use super::sla::Fired;
use super::users::display_name;
use crate::domain::ticket::{Priority, Status};
use entity::kinds::TicketStatus;

/// A snapshot of a ticket for messages that describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketSummary {
    pub id: i64,
    pub number: i64,
    pub subject: String,
    pub status: String,
    pub priority: String,
    pub customer: String,
    pub assignee: Option<String>,
    pub chat_id: i64,
    pub thread_id: i32,
    pub created_at: String,
    pub first_response_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub messages: i64,
    pub csat: Option<i16>,
    pub topic_deleted: bool,
    /// The SLA clocks; absent in summaries stored before SLA existed.
    #[serde(default)]
    pub first_response_sla: Option<SlaLine>,
    #[serde(default)]
    pub resolution_sla: Option<SlaLine>,
    #[serde(default)]
    pub escalation_level: i32,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub customer_tags: Vec<String>,
    /// Every custom field of the workspace with this ticket's value (staff only: `/info`).
    #[serde(default)]
    pub fields: Vec<super::fields::FieldLine>,
}

/// One SLA clock as shown on the card and in `/info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaLine {
    /// When it is due, and the workspace's time zone to show it in; `None` while paused.
    /// Absent in lines stored before render chose the words (they carry `due` instead).
    #[serde(default)]
    pub due_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub zone: Option<String>,
    /// Working seconds left, negative once late. Absent in older lines (they carry `left`).
    #[serde(default)]
    pub left_secs: Option<i64>,
    /// The due time in the workspace's zone; empty while paused.
    pub due: String,
    /// Working time left ("1 h 20 min"; negative once late).
    pub left: String,
    pub breached: bool,
    pub paused: bool,
}

/// A snapshot for messages that describe a ticket.
pub async fn ticket<C: sea_orm::ConnectionTrait>(
    db: &C,
    t: &Ticket,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<TicketSummary, DbErr> {
    let (first_response_sla, resolution_sla) = lines(db, t, now).await?;
    let customer = display_name(
        super::users::get(db, t.customer_id).await?.as_ref(),
        t.customer_id,
    );
    let assignee = match t.assignee_id {
        Some(a) => Some(display_name(super::users::get(db, a).await?.as_ref(), a)),
        None => None,
    };
    let fmt = |d: chrono::DateTime<chrono::Utc>| d.format("%Y-%m-%d %H:%M UTC").to_string();
    Ok(TicketSummary {
        id: t.id,
        number: t.number,
        subject: t.subject.clone(),
        status: Status::from(t.status).as_str().to_owned(),
        priority: Priority::from(t.priority).as_str().to_owned(),
        customer,
        assignee,
        chat_id: t.chat_id,
        thread_id: t.thread_id,
        created_at: fmt(t.created_at),
        first_response_at: t.first_response_at.map(fmt),
        resolved_at: t.resolved_at.map(fmt),
        closed_at: t.closed_at.map(fmt),
        messages: super::tickets::count_messages(db, t.id).await?,
        csat: t.csat_score,
        topic_deleted: t.topic_deleted_at.is_some(),
        first_response_sla,
        resolution_sla,
        escalation_level: t.escalation_level,
        tags: super::tags::of(db, t.workspace_id, super::tags::On::Ticket(t.id)).await?,
        customer_tags: super::tags::of(
            db,
            t.workspace_id,
            super::tags::On::Customer(t.customer_id),
        )
        .await?,
        fields: super::fields::lines(db, t.workspace_id, t.id).await?,
    })
}

/// The SLA lines of a ticket for the card and `/info`, relative to `now`.
async fn lines<C: sea_orm::ConnectionTrait>(
    db: &C,
    t: &Ticket,
    now: DateTime<Utc>,
) -> Result<(Option<SlaLine>, Option<SlaLine>), DbErr> {
    let Some(ws) = super::workspaces::get(db, t.workspace_id).await? else {
        return Ok((None, None));
    };
    // Render words the times; `due` and `left` stay empty (they are for older rows).
    let line = |due: DateTime<Utc>, breached: bool| SlaLine {
        due_at: Some(due),
        zone: Some(ws.time_zone.clone()),
        left_secs: Some((due - now).num_seconds()),
        due: String::new(),
        left: String::new(),
        breached: breached || due <= now,
        paused: false,
    };
    let first = t
        .first_response_due
        .map(|d| line(d, t.sla_fired & Fired::FIRST_BREACH != 0));
    let resolution = match t.resolution_due {
        Some(d) => Some(line(d, t.sla_fired & Fired::RESOLUTION_BREACH != 0)),
        None if t.status == TicketStatus::Pending => {
            match super::sla::policy(db, t.workspace_id, t.priority).await? {
                Some(p) => {
                    let left = i64::from(p.resolution_minutes) * 60 - t.resolution_used_secs;
                    Some(SlaLine {
                        due_at: None,
                        zone: None,
                        left_secs: Some(left),
                        due: String::new(),
                        left: String::new(),
                        breached: t.sla_fired & Fired::RESOLUTION_BREACH != 0 || left <= 0,
                        paused: true,
                    })
                }
                None => None,
            }
        }
        None => None,
    };
    Ok((first, resolution))
}
