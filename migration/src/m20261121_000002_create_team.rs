//! The workspace team: seats (Basic/Pro, paid until a date, held by a member), invites that fill
//! them, payments and billing events applied exactly once (keyed by their external ids), leave
//! requests, and the Owner's permission toggles. Timers get a neutral `subject_id` because seats
//! now have timers too.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261121_000002_create_team"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Seats::Table)
                .col(big_pk_auto(Seats::Id))
                .col(big_integer(Seats::WorkspaceId))
                .col(string_len(Seats::Tier, 16))
                .col(timestamp_with_time_zone(Seats::PaidUntil))
                .col(big_integer_null(Seats::HolderId))
                .col(timestamp_with_time_zone(Seats::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_seats_workspace")
                .table(Seats::Table)
                .col(Seats::WorkspaceId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Invites::Table)
                .col(big_pk_auto(Invites::Id))
                .col(big_integer(Invites::WorkspaceId))
                .col(big_integer(Invites::SeatId))
                .col(string_len_uniq(Invites::Token, 64))
                .col(big_integer(Invites::CreatedBy))
                .col(timestamp_with_time_zone(Invites::CreatedAt))
                .col(timestamp_with_time_zone(Invites::ExpiresAt))
                .col(timestamp_with_time_zone_null(Invites::UsedAt))
                .col(big_integer_null(Invites::UsedBy))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_invites_seat")
                .table(Invites::Table)
                .col(Invites::SeatId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Payments::Table)
                .col(big_pk_auto(Payments::Id))
                .col(string_len_uniq(Payments::ChargeId, 255))
                .col(big_integer(Payments::WorkspaceId))
                .col(big_integer(Payments::UserId))
                .col(string_len(Payments::Tier, 16))
                .col(integer(Payments::Count))
                .col(integer(Payments::Months))
                .col(big_integer(Payments::Total))
                .col(string_len(Payments::Currency, 8))
                .col(timestamp_with_time_zone(Payments::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(BillingEvents::Table)
                .col(string_len(BillingEvents::EventId, 255).primary_key())
                .col(string_len(BillingEvents::Kind, 64))
                .col(big_integer(BillingEvents::WorkspaceId))
                .col(timestamp_with_time_zone(BillingEvents::ReceivedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LeaveRequests::Table)
                .col(big_pk_auto(LeaveRequests::Id))
                .col(big_integer(LeaveRequests::WorkspaceId))
                .col(big_integer(LeaveRequests::UserId))
                .col(text_null(LeaveRequests::Reason))
                .col(string_len(LeaveRequests::Status, 16))
                .col(big_integer_null(LeaveRequests::DecidedBy))
                .col(timestamp_with_time_zone_null(LeaveRequests::DecidedAt))
                .col(timestamp_with_time_zone(LeaveRequests::CreatedAt))
                .to_owned(),
        )
        .await?;

        // SQLite alters one column per statement.
        m.alter_table(
            Table::alter()
                .table(Members::Table)
                .add_column(big_integer_null(Members::SeatId))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Workspaces::Table)
                .add_column(text(Workspaces::PermissionToggles).default("{}"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Timers::Table)
                .rename_column(Timers::TicketId, Timers::SubjectId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Timers::Table)
                .rename_column(Timers::SubjectId, Timers::TicketId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Workspaces::Table)
                .drop_column(Workspaces::PermissionToggles)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Members::Table)
                .drop_column(Members::SeatId)
                .to_owned(),
        )
        .await?;
        for t in [
            LeaveRequests::Table.into_iden(),
            BillingEvents::Table.into_iden(),
            Payments::Table.into_iden(),
            Invites::Table.into_iden(),
            Seats::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Seats {
    Table,
    Id,
    WorkspaceId,
    Tier,
    PaidUntil,
    HolderId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Invites {
    Table,
    Id,
    WorkspaceId,
    SeatId,
    Token,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    UsedBy,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
    ChargeId,
    WorkspaceId,
    UserId,
    Tier,
    Count,
    Months,
    Total,
    Currency,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BillingEvents {
    Table,
    EventId,
    Kind,
    WorkspaceId,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum LeaveRequests {
    Table,
    Id,
    WorkspaceId,
    UserId,
    Reason,
    Status,
    DecidedBy,
    DecidedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Members {
    Table,
    SeatId,
}

#[derive(DeriveIden)]
enum Workspaces {
    Table,
    PermissionToggles,
}

#[derive(DeriveIden)]
enum Timers {
    Table,
    TicketId,
    SubjectId,
}
