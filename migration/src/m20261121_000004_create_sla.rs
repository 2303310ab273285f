//! SLA, business hours, escalation and reminders (SPEC §9, §7): SLA policies per priority, the
//! workspace's calendar, each ticket's SLA clocks and escalation level, escalation rules,
//! reminders, and the ticket and customer tags that escalation rules can trigger on. Every deadline is also a row in `timers`, so nothing here is ever scanned.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{add, drop};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261121_000004_create_sla"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add(
            m,
            Workspaces::Table,
            string_len(Workspaces::TimeZone, 64)
                .default("UTC")
                .to_owned(),
        )
        .await?;
        add(
            m,
            Workspaces::Table,
            text(Workspaces::BusinessWeek)
                .default("mon-fri 09:00-17:00")
                .to_owned(),
        )
        .await?;
        add(
            m,
            Workspaces::Table,
            text(Workspaces::Holidays).default("").to_owned(),
        )
        .await?;

        add(
            m,
            Tickets::Table,
            timestamp_with_time_zone_null(Tickets::FirstResponseDue),
        )
        .await?;
        add(
            m,
            Tickets::Table,
            timestamp_with_time_zone_null(Tickets::ResolutionDue),
        )
        .await?;
        add(
            m,
            Tickets::Table,
            big_integer(Tickets::ResolutionUsedSecs)
                .default(0)
                .to_owned(),
        )
        .await?;
        add(
            m,
            Tickets::Table,
            timestamp_with_time_zone_null(Tickets::ResolutionSince),
        )
        .await?;
        add(
            m,
            Tickets::Table,
            integer(Tickets::SlaFired).default(0).to_owned(),
        )
        .await?;
        add(
            m,
            Tickets::Table,
            integer(Tickets::EscalationLevel).default(0).to_owned(),
        )
        .await?;
        add(
            m,
            Tickets::Table,
            timestamp_with_time_zone_null(Tickets::WaitingSince),
        )
        .await?;
        add(
            m,
            Tickets::Table,
            integer(Tickets::EscalatedUnassigned).default(0).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SlaPolicies::Table)
                .col(big_pk_auto(SlaPolicies::Id))
                .col(big_integer(SlaPolicies::WorkspaceId))
                .col(string_len(SlaPolicies::Priority, 16))
                .col(integer(SlaPolicies::FirstResponseMinutes))
                .col(integer(SlaPolicies::ResolutionMinutes))
                .col(boolean(SlaPolicies::BusinessHours))
                .col(integer(SlaPolicies::WarnPercent))
                .col(timestamp_with_time_zone(SlaPolicies::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_sla_policies_priority")
                .table(SlaPolicies::Table)
                .col(SlaPolicies::WorkspaceId)
                .col(SlaPolicies::Priority)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(EscalationRules::Table)
                .col(big_pk_auto(EscalationRules::Id))
                .col(big_integer(EscalationRules::WorkspaceId))
                .col(string_len(EscalationRules::Trigger, 32))
                .col(string_len_null(EscalationRules::TriggerArg, 64))
                .col(string_len(EscalationRules::Action, 32))
                .col(string_len_null(EscalationRules::ActionArg, 64))
                .col(timestamp_with_time_zone(EscalationRules::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_escalation_rules_workspace")
                .table(EscalationRules::Table)
                .col(EscalationRules::WorkspaceId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Reminders::Table)
                .col(big_pk_auto(Reminders::Id))
                .col(big_integer(Reminders::WorkspaceId))
                .col(big_integer(Reminders::TicketId))
                .col(big_integer(Reminders::UserId))
                .col(timestamp_with_time_zone(Reminders::DueAt))
                .col(text(Reminders::Text))
                .col(timestamp_with_time_zone(Reminders::CreatedAt))
                .col(timestamp_with_time_zone_null(Reminders::FiredAt))
                .col(timestamp_with_time_zone_null(Reminders::CancelledAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Tags::Table)
                .col(big_pk_auto(Tags::Id))
                .col(big_integer(Tags::WorkspaceId))
                .col(string_len(Tags::SubjectKind, 16))
                .col(big_integer(Tags::SubjectId))
                .col(string_len(Tags::Tag, 32))
                .col(timestamp_with_time_zone(Tags::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_tags_subject_tag")
                .table(Tags::Table)
                .col(Tags::WorkspaceId)
                .col(Tags::SubjectKind)
                .col(Tags::SubjectId)
                .col(Tags::Tag)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_reminders_user")
                .table(Reminders::Table)
                .col(Reminders::UserId)
                .col(Reminders::FiredAt)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Tags::Table.into_iden(),
            Reminders::Table.into_iden(),
            EscalationRules::Table.into_iden(),
            SlaPolicies::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        drop(
            m,
            Tickets::Table,
            &[
                "first_response_due",
                "resolution_due",
                "resolution_used_secs",
                "resolution_since",
                "sla_fired",
                "escalation_level",
                "waiting_since",
                "escalated_unassigned",
            ],
        )
        .await?;
        drop(
            m,
            Workspaces::Table,
            &["time_zone", "business_week", "holidays"],
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Workspaces {
    Table,
    TimeZone,
    BusinessWeek,
    Holidays,
}

#[derive(DeriveIden, Clone, Copy)]
enum Tickets {
    Table,
    FirstResponseDue,
    ResolutionDue,
    ResolutionUsedSecs,
    ResolutionSince,
    SlaFired,
    EscalationLevel,
    WaitingSince,
    EscalatedUnassigned,
}

#[derive(DeriveIden)]
enum SlaPolicies {
    Table,
    Id,
    WorkspaceId,
    Priority,
    FirstResponseMinutes,
    ResolutionMinutes,
    BusinessHours,
    WarnPercent,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EscalationRules {
    Table,
    Id,
    WorkspaceId,
    Trigger,
    TriggerArg,
    Action,
    ActionArg,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Tags {
    Table,
    Id,
    WorkspaceId,
    SubjectKind,
    SubjectId,
    Tag,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Reminders {
    Table,
    Id,
    WorkspaceId,
    TicketId,
    UserId,
    DueAt,
    Text,
    CreatedAt,
    FiredAt,
    CancelledAt,
}
