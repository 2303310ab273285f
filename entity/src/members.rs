//! A person's role in a workspace (owner, admin, member).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub workspace_id: i64,
    pub user_id: i64,
    pub role: crate::kinds::MemberRole,
    /// The seat the member works on; the Owner needs none.
    pub seat_id: Option<i64>,
    pub created_at: DateTimeUtc,
    /// `/available` (true) or `/away` (false): only available agents are routed tickets.
    pub available: bool,
    /// Capacity: routing skips them while they hold this many open tickets.
    pub max_open: i32,
    /// Lower-cased skill names, comma-separated.
    #[sea_orm(column_type = "Text")]
    pub skills: String,
    /// The rotation turn they last got (0 = never); see `workspaces.next_turn`.
    pub last_turn: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
