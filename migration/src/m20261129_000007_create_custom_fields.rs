//! Custom fields (SPEC §7): the fields an Admin defines per workspace (key, label, type, the
//! choices of the choice types, required or not) and each ticket's values. Also an index that
//! lets `/queue tag:vip` and the Tags screen find a workspace's tag by name without reading
//! every tag row.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000007_create_custom_fields"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CustomFields::Table)
                .col(big_pk_auto(CustomFields::Id))
                .col(big_integer(CustomFields::WorkspaceId))
                .col(string_len(CustomFields::Key, 32))
                .col(string_len(CustomFields::Label, 64))
                .col(string_len(CustomFields::Kind, 16))
                // A JSON array of strings; empty for the kinds without choices.
                .col(text(CustomFields::Choices))
                .col(boolean(CustomFields::Required).default(false).to_owned())
                .col(timestamp_with_time_zone(CustomFields::CreatedAt))
                .col(timestamp_with_time_zone(CustomFields::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_custom_fields_workspace_key")
                .table(CustomFields::Table)
                .col(CustomFields::WorkspaceId)
                .col(CustomFields::Key)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CustomFieldValues::Table)
                .col(big_pk_auto(CustomFieldValues::Id))
                .col(big_integer(CustomFieldValues::WorkspaceId))
                .col(big_integer(CustomFieldValues::FieldId))
                .col(big_integer(CustomFieldValues::TicketId))
                .col(text(CustomFieldValues::Value))
                .col(big_integer_null(CustomFieldValues::UpdatedBy))
                .col(timestamp_with_time_zone(CustomFieldValues::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_custom_field_values_field_ticket")
                .table(CustomFieldValues::Table)
                .col(CustomFieldValues::FieldId)
                .col(CustomFieldValues::TicketId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_custom_field_values_ticket")
                .table(CustomFieldValues::Table)
                .col(CustomFieldValues::WorkspaceId)
                .col(CustomFieldValues::TicketId)
                .to_owned(),
        )
        .await?;

        m.create_index(
            Index::create()
                .name("idx_tags_workspace_tag")
                .table(Tags::Table)
                .col(Tags::WorkspaceId)
                .col(Tags::Tag)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_tags_workspace_tag")
                .table(Tags::Table)
                .to_owned(),
        )
        .await?;
        for t in [
            CustomFieldValues::Table.into_iden(),
            CustomFields::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum CustomFields {
    Table,
    Id,
    WorkspaceId,
    Key,
    Label,
    Kind,
    Choices,
    Required,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CustomFieldValues {
    Table,
    Id,
    WorkspaceId,
    FieldId,
    TicketId,
    Value,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tags {
    Table,
    WorkspaceId,
    Tag,
}
