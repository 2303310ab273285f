//! Internal comments (SPEC §7): a ticket's threaded notes that only staff read, and the messages
//! the bot sent about each comment (the author's confirmation, the staff chat's line), so that a
//! reply to one of those messages becomes a child comment.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000006_create_comments"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Comments::Table)
                .col(big_pk_auto(Comments::Id))
                .col(big_integer(Comments::WorkspaceId))
                .col(big_integer(Comments::TicketId))
                .col(big_integer_null(Comments::ParentId))
                .col(big_integer(Comments::AuthorId))
                .col(text(Comments::Body))
                .col(string_len_null(Comments::FileKind, 16))
                .col(string_len_null(Comments::FileId, 256))
                .col(timestamp_with_time_zone(Comments::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_comments_ticket")
                .table(Comments::Table)
                .col(Comments::WorkspaceId)
                .col(Comments::TicketId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CommentMessages::Table)
                .col(big_integer(CommentMessages::ChatId))
                .col(integer(CommentMessages::MessageId))
                .col(big_integer(CommentMessages::CommentId))
                .col(big_integer(CommentMessages::WorkspaceId))
                .primary_key(
                    Index::create()
                        .col(CommentMessages::ChatId)
                        .col(CommentMessages::MessageId),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            CommentMessages::Table.into_iden(),
            Comments::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    Id,
    WorkspaceId,
    TicketId,
    ParentId,
    AuthorId,
    Body,
    FileKind,
    FileId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CommentMessages {
    Table,
    ChatId,
    MessageId,
    CommentId,
    WorkspaceId,
}
