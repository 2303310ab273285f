//! One version of a template: what it was after one create, edit or restore. Older versions
//! stay readable and can be restored (as a new version).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "template_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub workspace_id: i64,
    pub template_id: i64,
    /// 1, 2, …: unique per template.
    pub version: i32,
    pub name: String,
    pub category: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// Who made this version.
    pub author_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
