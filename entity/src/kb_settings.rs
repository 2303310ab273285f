//! A workspace's external knowledge-base search: its URL and its bearer token, the token
//! encrypted with the master key (`store::secrets`), never stored in clear.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kb_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub workspace_id: i64,
    pub external_url: Option<String>,
    /// `v1.<base64 of nonce and ciphertext>`; see `store::secrets`.
    pub external_token: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
