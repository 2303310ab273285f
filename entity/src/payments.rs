//! A Telegram payment for seats, applied once per charge id.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub charge_id: String,
    pub workspace_id: i64,
    pub user_id: i64,
    pub tier: crate::kinds::SeatTier,
    pub count: i32,
    pub months: i32,
    pub total: i64,
    pub currency: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
