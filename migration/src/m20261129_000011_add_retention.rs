//! Retention (SPEC §11): how many days message bodies are kept, and whether webhooks may carry
//! bodies. Both live with the workspace, next to `store_message_bodies`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{add, drop};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000011_add_retention"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add(
            m,
            Workspaces::Table,
            integer(Workspaces::MessageRetentionDays)
                .default(365)
                .take(),
        )
        .await?;
        add(
            m,
            Workspaces::Table,
            boolean(Workspaces::WebhookIncludeBodies)
                .default(false)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop(
            m,
            Workspaces::Table,
            &["message_retention_days", "webhook_include_bodies"],
        )
        .await
    }
}

#[derive(DeriveIden, Clone)]
enum Workspaces {
    Table,
    MessageRetentionDays,
    WebhookIncludeBodies,
}
