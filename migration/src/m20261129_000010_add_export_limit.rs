//! CSV exports (SPEC §7) are limited to one per workspace per minute: the time of the last one
//! lives with the workspace, so restarts and replicas keep the limit.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{add, drop};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000010_add_export_limit"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add(
            m,
            Workspaces::Table,
            timestamp_with_time_zone_null(Workspaces::LastExportAt),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop(m, Workspaces::Table, &["last_export_at"]).await
    }
}

#[derive(DeriveIden, Clone)]
enum Workspaces {
    Table,
    LastExportAt,
}
