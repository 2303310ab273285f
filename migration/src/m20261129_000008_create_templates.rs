//! Canned responses (SPEC §8): templates, shared or personal, and every version of each (every
//! edit is a new version; older ones stay readable and can be restored).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000008_create_templates"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Templates::Table)
                .col(big_pk_auto(Templates::Id))
                .col(big_integer(Templates::WorkspaceId))
                .col(big_integer(Templates::AuthorId))
                .col(boolean(Templates::Shared))
                .col(string_len(Templates::Name, 32))
                .col(string_len(Templates::Category, 64))
                .col(text(Templates::Body))
                .col(integer(Templates::Version))
                .col(timestamp_with_time_zone(Templates::CreatedAt))
                .col(timestamp_with_time_zone(Templates::UpdatedAt))
                .to_owned(),
        )
        .await?;
        // `/t <name>` and the lists look templates up by workspace and name.
        m.create_index(
            Index::create()
                .name("idx_templates_workspace_name")
                .table(Templates::Table)
                .col(Templates::WorkspaceId)
                .col(Templates::Name)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TemplateVersions::Table)
                .col(big_pk_auto(TemplateVersions::Id))
                .col(big_integer(TemplateVersions::WorkspaceId))
                .col(big_integer(TemplateVersions::TemplateId))
                .col(integer(TemplateVersions::Version))
                .col(string_len(TemplateVersions::Name, 32))
                .col(string_len(TemplateVersions::Category, 64))
                .col(text(TemplateVersions::Body))
                .col(big_integer(TemplateVersions::AuthorId))
                .col(timestamp_with_time_zone(TemplateVersions::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_template_versions_version")
                .table(TemplateVersions::Table)
                .col(TemplateVersions::TemplateId)
                .col(TemplateVersions::Version)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TemplateVersions::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Templates::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Templates {
    Table,
    Id,
    WorkspaceId,
    AuthorId,
    Shared,
    Name,
    Category,
    Body,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TemplateVersions {
    Table,
    Id,
    WorkspaceId,
    TemplateId,
    Version,
    Name,
    Category,
    Body,
    AuthorId,
    CreatedAt,
}
