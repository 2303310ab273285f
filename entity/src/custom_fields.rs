//! A custom field an Admin defined for a workspace's tickets (SPEC §7).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "custom_fields")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub workspace_id: i64,
    /// What `/set` and templates call it; unique per workspace.
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    /// The choices of a choice field, as a JSON array of strings.
    #[sea_orm(column_type = "Text")]
    pub choices: String,
    pub required: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// `custom_fields.kind`. A value the database holds that is not listed here fails the query
/// that reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum FieldKind {
    #[sea_orm(string_value = "text")]
    Text,
    #[sea_orm(string_value = "number")]
    Number,
    #[sea_orm(string_value = "single_choice")]
    SingleChoice,
    #[sea_orm(string_value = "multiple_choice")]
    MultipleChoice,
    #[sea_orm(string_value = "checkbox")]
    Checkbox,
    #[sea_orm(string_value = "date")]
    Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
