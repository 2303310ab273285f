//! A knowledge-base article of a workspace (SPEC §9). `tags` is the normalized tags joined by
//! commas. The full-text index is the backend's own (an FTS5 table on SQLite, a generated
//! `search` column on PostgreSQL) and is not mapped here: only `store::kb` queries it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kb_articles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub workspace_id: i64,
    pub title: String,
    pub body: String,
    pub tags: String,
    pub url: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
