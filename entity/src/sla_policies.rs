//! An SLA policy: first-response and resolution targets for one priority of a workspace.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sla_policies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub workspace_id: i64,
    pub priority: crate::kinds::TicketPriority,
    pub first_response_minutes: i32,
    pub resolution_minutes: i32,
    /// Count business hours only (the workspace's calendar); otherwise 24/7.
    pub business_hours: bool,
    /// Warn at this percentage of a target.
    pub warn_percent: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
