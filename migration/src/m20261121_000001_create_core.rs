//! The foundation schema: workspaces and their people, connected groups, tickets with their message
//! log and audit trail, and the three durable queues that make the daemon crash-safe (inbox of
//! Telegram updates, outbox of Telegram effects, timers).
//!
//! Uniqueness that the product promises is enforced here, not only in memory: one topic is one
//! ticket (`tickets(chat_id, thread_id)`), ticket numbers are unique per workspace, an update is
//! stored once (`inbox.update_id`), a message is logged once per ticket.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261121_000001_create_core"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Workspaces::Table)
                .col(big_pk_auto(Workspaces::Id))
                .col(string(Workspaces::Name))
                .col(big_integer(Workspaces::OwnerId))
                .col(big_integer_null(Workspaces::StaffChatId))
                .col(big_integer(Workspaces::NextTicketNumber).default(1))
                .col(integer(Workspaces::AutoCloseHours).default(72))
                .col(boolean(Workspaces::StoreMessageBodies).default(true))
                .col(timestamp_with_time_zone(Workspaces::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(big_integer(Users::Id).primary_key())
                .col(string(Users::FirstName))
                .col(string_null(Users::LastName))
                .col(string_null(Users::Username))
                .col(boolean(Users::StartedBot).default(false))
                .col(big_integer_null(Users::CurrentWorkspaceId))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_users_username",
            Users::Table,
            &[Users::Username],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Members::Table)
                .col(big_pk_auto(Members::Id))
                .col(big_integer(Members::WorkspaceId))
                .col(big_integer(Members::UserId))
                .col(string_len(Members::Role, 16))
                .col(timestamp_with_time_zone(Members::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "uq_members_workspace_user",
            Members::Table,
            &[Members::WorkspaceId, Members::UserId],
            true,
        )
        .await?;
        index(
            m,
            "idx_members_user",
            Members::Table,
            &[Members::UserId],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SupportGroups::Table)
                .col(big_integer(SupportGroups::ChatId).primary_key())
                .col(big_integer(SupportGroups::WorkspaceId))
                .col(string(SupportGroups::Title))
                .col(big_integer(SupportGroups::ConnectedBy))
                .col(timestamp_with_time_zone(SupportGroups::ConnectedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_support_groups_workspace",
            SupportGroups::Table,
            &[SupportGroups::WorkspaceId],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ExcludedTopics::Table)
                .col(big_pk_auto(ExcludedTopics::Id))
                .col(big_integer(ExcludedTopics::WorkspaceId))
                .col(big_integer(ExcludedTopics::ChatId))
                .col(integer(ExcludedTopics::ThreadId))
                .col(big_integer(ExcludedTopics::ExcludedBy))
                .col(timestamp_with_time_zone(ExcludedTopics::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "uq_excluded_topics_topic",
            ExcludedTopics::Table,
            &[ExcludedTopics::ChatId, ExcludedTopics::ThreadId],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Tickets::Table)
                .col(big_pk_auto(Tickets::Id))
                .col(big_integer(Tickets::WorkspaceId))
                .col(big_integer(Tickets::Number))
                .col(big_integer(Tickets::ChatId))
                .col(integer(Tickets::ThreadId))
                .col(string(Tickets::Subject))
                .col(big_integer(Tickets::CustomerId))
                .col(string_len(Tickets::Status, 16))
                .col(string_len(Tickets::Priority, 16))
                .col(big_integer_null(Tickets::AssigneeId))
                .col(integer_null(Tickets::CardMessageId))
                .col(boolean(Tickets::TopicRenamed).default(false))
                .col(timestamp_with_time_zone_null(Tickets::TopicDeletedAt))
                .col(small_integer_null(Tickets::CsatScore))
                .col(timestamp_with_time_zone(Tickets::CreatedAt))
                .col(timestamp_with_time_zone(Tickets::UpdatedAt))
                .col(timestamp_with_time_zone_null(Tickets::FirstResponseAt))
                .col(timestamp_with_time_zone_null(Tickets::ResolvedAt))
                .col(timestamp_with_time_zone_null(Tickets::ClosedAt))
                .col(timestamp_with_time_zone_null(
                    Tickets::LastCustomerMessageAt,
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "uq_tickets_topic",
            Tickets::Table,
            &[Tickets::ChatId, Tickets::ThreadId],
            true,
        )
        .await?;
        index(
            m,
            "uq_tickets_workspace_number",
            Tickets::Table,
            &[Tickets::WorkspaceId, Tickets::Number],
            true,
        )
        .await?;
        index(
            m,
            "idx_tickets_workspace_status",
            Tickets::Table,
            &[Tickets::WorkspaceId, Tickets::Status],
            false,
        )
        .await?;
        index(
            m,
            "idx_tickets_assignee",
            Tickets::Table,
            &[Tickets::AssigneeId],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TicketMessages::Table)
                .col(big_pk_auto(TicketMessages::Id))
                .col(big_integer(TicketMessages::TicketId))
                .col(integer(TicketMessages::TgMessageId))
                .col(big_integer(TicketMessages::SenderId))
                .col(string_len(TicketMessages::Role, 16))
                .col(boolean(TicketMessages::IsCommand).default(false))
                .col(text_null(TicketMessages::Body))
                .col(timestamp_with_time_zone(TicketMessages::CreatedAt))
                .col(timestamp_with_time_zone_null(TicketMessages::EditedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "uq_ticket_messages_message",
            TicketMessages::Table,
            &[TicketMessages::TicketId, TicketMessages::TgMessageId],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_pk_auto(AuditLog::Id))
                .col(big_integer(AuditLog::WorkspaceId))
                .col(big_integer_null(AuditLog::TicketId))
                .col(string_len(AuditLog::ActorKind, 16))
                .col(big_integer_null(AuditLog::ActorId))
                .col(string_len(AuditLog::Action, 64))
                .col(text_null(AuditLog::OldValue))
                .col(text_null(AuditLog::NewValue))
                .col(text_null(AuditLog::Note))
                .col(timestamp_with_time_zone(AuditLog::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_audit_workspace_time",
            AuditLog::Table,
            &[AuditLog::WorkspaceId, AuditLog::CreatedAt],
            false,
        )
        .await?;
        index(
            m,
            "idx_audit_ticket",
            AuditLog::Table,
            &[AuditLog::TicketId],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Inbox::Table)
                .col(big_integer(Inbox::UpdateId).primary_key())
                .col(text(Inbox::Payload))
                .col(timestamp_with_time_zone(Inbox::ReceivedAt))
                .col(timestamp_with_time_zone_null(Inbox::ProcessedAt))
                .col(integer(Inbox::Attempts).default(0))
                .col(timestamp_with_time_zone_null(Inbox::RetryAt))
                .col(text_null(Inbox::LastError))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_inbox_pending",
            Inbox::Table,
            &[Inbox::ProcessedAt, Inbox::UpdateId],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(big_pk_auto(Outbox::Id))
                .col(big_integer_null(Outbox::ChatId))
                .col(text(Outbox::Effect))
                .col(timestamp_with_time_zone(Outbox::CreatedAt))
                .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                .col(timestamp_with_time_zone_null(Outbox::LeasedUntil))
                .col(integer(Outbox::Attempts).default(0))
                .col(text_null(Outbox::LastError))
                .col(timestamp_with_time_zone_null(Outbox::DeadAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "idx_outbox_due",
            Outbox::Table,
            &[Outbox::DeadAt, Outbox::NextAttemptAt],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Timers::Table)
                .col(big_pk_auto(Timers::Id))
                .col(string_len(Timers::Kind, 32))
                .col(big_integer(Timers::TicketId))
                .col(timestamp_with_time_zone(Timers::DueAt))
                .col(timestamp_with_time_zone(Timers::CreatedAt))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "uq_timers_kind_ticket",
            Timers::Table,
            &[Timers::Kind, Timers::TicketId],
            true,
        )
        .await?;
        index(m, "idx_timers_due", Timers::Table, &[Timers::DueAt], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Timers::Table.into_iden(),
            Outbox::Table.into_iden(),
            Inbox::Table.into_iden(),
            AuditLog::Table.into_iden(),
            TicketMessages::Table.into_iden(),
            Tickets::Table.into_iden(),
            ExcludedTopics::Table.into_iden(),
            SupportGroups::Table.into_iden(),
            Members::Table.into_iden(),
            Users::Table.into_iden(),
            Workspaces::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}

/// Creates a (unique) index; named explicitly so `down` and later migrations can refer to it.
async fn index<T: IntoIden + Copy + 'static, C: IntoIden + Copy + 'static>(
    m: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: &[C],
    unique: bool,
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for c in cols {
        stmt.col(*c);
    }
    if unique {
        stmt.unique();
    }
    m.create_index(stmt.to_owned()).await
}

#[derive(DeriveIden, Clone, Copy)]
enum Workspaces {
    Table,
    Id,
    Name,
    OwnerId,
    StaffChatId,
    NextTicketNumber,
    AutoCloseHours,
    StoreMessageBodies,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
    FirstName,
    LastName,
    Username,
    StartedBot,
    CurrentWorkspaceId,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Members {
    Table,
    Id,
    WorkspaceId,
    UserId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SupportGroups {
    Table,
    ChatId,
    WorkspaceId,
    Title,
    ConnectedBy,
    ConnectedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ExcludedTopics {
    Table,
    Id,
    WorkspaceId,
    ChatId,
    ThreadId,
    ExcludedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Tickets {
    Table,
    Id,
    WorkspaceId,
    Number,
    ChatId,
    ThreadId,
    Subject,
    CustomerId,
    Status,
    Priority,
    AssigneeId,
    CardMessageId,
    TopicRenamed,
    TopicDeletedAt,
    CsatScore,
    CreatedAt,
    UpdatedAt,
    FirstResponseAt,
    ResolvedAt,
    ClosedAt,
    LastCustomerMessageAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TicketMessages {
    Table,
    Id,
    TicketId,
    TgMessageId,
    SenderId,
    Role,
    IsCommand,
    Body,
    CreatedAt,
    EditedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditLog {
    Table,
    Id,
    WorkspaceId,
    TicketId,
    ActorKind,
    ActorId,
    Action,
    OldValue,
    NewValue,
    Note,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Inbox {
    Table,
    UpdateId,
    Payload,
    ReceivedAt,
    ProcessedAt,
    Attempts,
    RetryAt,
    LastError,
}

#[derive(DeriveIden, Clone, Copy)]
enum Outbox {
    Table,
    Id,
    ChatId,
    Effect,
    CreatedAt,
    NextAttemptAt,
    LeasedUntil,
    Attempts,
    LastError,
    DeadAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Timers {
    Table,
    Id,
    Kind,
    TicketId,
    DueAt,
    CreatedAt,
}
