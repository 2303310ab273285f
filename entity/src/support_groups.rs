//! A forum supergroup connected to a workspace: its topics become tickets.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub chat_id: i64,
    pub workspace_id: i64,
    pub title: String,
    pub connected_by: i64,
    pub connected_at: DateTimeUtc,
    /// Overrides the workspace's routing strategy for this group's tickets when set.
    pub routing_strategy: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
