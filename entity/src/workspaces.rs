//! A tenant: its settings and the counter that gives tickets gapless numbers.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workspaces")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub owner_id: i64,
    pub staff_chat_id: Option<i64>,
    pub next_ticket_number: i64,
    pub auto_close_hours: i32,
    pub store_message_bodies: bool,
    pub created_at: DateTimeUtc,
    /// The Owner's permission toggles as a JSON object; missing keys mean the default.
    #[sea_orm(column_type = "Text")]
    pub permission_toggles: String,
    /// `manual`, `round_robin`, `least_loaded` or `skill` (SPEC §5).
    pub routing_strategy: String,
    /// Distribution paused: new tickets wait until it resumes.
    pub routing_paused: bool,
    /// Skill routing with nobody skilled falls back to every eligible agent.
    pub skill_fallback: bool,
    /// Announce tickets unassigned this long in the staff chat; 0 = never.
    pub unassigned_alert_minutes: i32,
    /// How long a new ticket waits for its customer to pick a category.
    pub intake_timeout_minutes: i32,
    /// The next rotation turn to hand out; an agent's `last_turn` is the turn they last got.
    pub next_turn: i64,
    /// IANA zone of the business hours (`Europe/Berlin`).
    pub time_zone: String,
    /// The weekly schedule in `domain::sla::format_week` form (`mon-fri 09:00-17:00`).
    #[sea_orm(column_type = "Text")]
    pub business_week: String,
    /// Holidays as comma-separated `YYYY-MM-DD` local dates.
    #[sea_orm(column_type = "Text")]
    pub holidays: String,
    /// When the last CSV export was asked for (one a minute per workspace).
    pub last_export_at: Option<DateTimeUtc>,
    /// Message bodies older than this many days are purged by the daily job (SPEC §11).
    pub message_retention_days: i32,
    /// Whether webhooks may carry message bodies. Stored and shown only for now: webhooks come
    /// in a later issue, and they must read this before sending any body.
    pub webhook_include_bodies: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
