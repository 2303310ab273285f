//! Hardening (issue 8): where polling resumes lives in its own row instead of being derived from
//! the inbox (so pruning and update ids that restart lower cannot move it); a timer that fails
//! counts its attempts and backs off on its own; the outbox finds the oldest live row of each chat
//! by index; and a topic is unique per workspace, so a group moved to another workspace can open
//! tickets there while the old workspace keeps its own, read-only.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{add, drop};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000005_harden"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DaemonState::Table)
                .col(string_len(DaemonState::Key, 64).primary_key())
                .col(big_integer(DaemonState::Value))
                .to_owned(),
        )
        .await?;

        add(
            m,
            Timers::Table,
            integer(Timers::Attempts).default(0).to_owned(),
        )
        .await?;
        add(m, Timers::Table, text_null(Timers::LastError)).await?;

        m.create_index(
            Index::create()
                .name("idx_outbox_chat")
                .table(Outbox::Table)
                .col(Outbox::ChatId)
                .col(Outbox::Id)
                .to_owned(),
        )
        .await?;

        m.drop_index(
            Index::drop()
                .name("uq_tickets_topic")
                .table(Tickets::Table)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_tickets_workspace_topic")
                .table(Tickets::Table)
                .col(Tickets::WorkspaceId)
                .col(Tickets::ChatId)
                .col(Tickets::ThreadId)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("uq_tickets_workspace_topic")
                .table(Tickets::Table)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_tickets_topic")
                .table(Tickets::Table)
                .col(Tickets::ChatId)
                .col(Tickets::ThreadId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_outbox_chat")
                .table(Outbox::Table)
                .to_owned(),
        )
        .await?;
        drop(m, Timers::Table, &["attempts", "last_error"]).await?;
        m.drop_table(Table::drop().table(DaemonState::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum DaemonState {
    Table,
    Key,
    Value,
}

#[derive(DeriveIden, Clone, Copy)]
enum Timers {
    Table,
    Attempts,
    LastError,
}

#[derive(DeriveIden, Clone, Copy)]
enum Outbox {
    Table,
    ChatId,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Tickets {
    Table,
    WorkspaceId,
    ChatId,
    ThreadId,
}
