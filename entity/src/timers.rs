//! A durable due time (auto-close, later SLA and reminders), fired once by the scheduler.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "timers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub subject_id: i64,
    pub due_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    /// Failed attempts to fire it; each failure moves `due_at` back by a growing delay, so a
    /// timer that keeps failing never holds the others up.
    pub attempts: i32,
    #[sea_orm(column_type = "Text")]
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
