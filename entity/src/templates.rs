//! A canned response (SPEC §8): its current name, category and body, shared with the workspace
//! or personal to its author. Every change is also a row of `template_versions`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "templates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub workspace_id: i64,
    /// Who created it: the owner of a personal template.
    pub author_id: i64,
    /// Shared with everyone in the workspace, or personal to its author.
    pub shared: bool,
    /// Lower case, typed after `/t`; unique among the shared templates and among each author's
    /// personal ones.
    pub name: String,
    /// Groups the `/t` buttons; empty for none.
    pub category: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// The number of the version the fields above hold (the newest).
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
