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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
