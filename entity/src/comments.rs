//! An internal comment on a ticket: staff only, never shown in the customer's topic. A reply to
//! a comment is its child (`parent_id`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub workspace_id: i64,
    pub ticket_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// `photo` or `document` when the comment carries a file, kept by Telegram file id.
    pub file_kind: Option<String>,
    pub file_id: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
