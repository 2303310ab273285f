//! Routing (SPEC §5): the workspace's strategy and its switches, a per-group override, each
//! agent's availability, capacity, skills and place in the rotation, each ticket's skill and
//! intake state, and the intake categories and keyword rules that give tickets a skill.
//!
//! The rotation lives here (`workspaces.next_turn`, `members.last_turn`) rather than in memory so
//! that restarts and replicas keep round-robin fair.

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{add, drop};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261121_000003_create_routing"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add(
            m,
            Workspaces::Table,
            string_len(Workspaces::RoutingStrategy, 16)
                .default("manual")
                .to_owned(),
        )
        .await?;
        add(
            m,
            Workspaces::Table,
            boolean(Workspaces::RoutingPaused).default(false).to_owned(),
        )
        .await?;
        add(
            m,
            Workspaces::Table,
            boolean(Workspaces::SkillFallback).default(true).to_owned(),
        )
        .await?;
        add(
            m,
            Workspaces::Table,
            integer(Workspaces::UnassignedAlertMinutes)
                .default(30)
                .to_owned(),
        )
        .await?;
        add(
            m,
            Workspaces::Table,
            integer(Workspaces::IntakeTimeoutMinutes)
                .default(5)
                .to_owned(),
        )
        .await?;
        add(
            m,
            Workspaces::Table,
            big_integer(Workspaces::NextTurn).default(1).to_owned(),
        )
        .await?;

        add(
            m,
            SupportGroups::Table,
            string_len_null(SupportGroups::RoutingStrategy, 16),
        )
        .await?;

        add(
            m,
            Members::Table,
            boolean(Members::Available).default(true).to_owned(),
        )
        .await?;
        add(
            m,
            Members::Table,
            integer(Members::MaxOpen).default(10).to_owned(),
        )
        .await?;
        add(
            m,
            Members::Table,
            text(Members::Skills).default("").to_owned(),
        )
        .await?;
        add(
            m,
            Members::Table,
            big_integer(Members::LastTurn).default(0).to_owned(),
        )
        .await?;

        add(m, Tickets::Table, string_len_null(Tickets::Skill, 64)).await?;
        add(m, Tickets::Table, big_integer_null(Tickets::CategoryId)).await?;
        add(
            m,
            Tickets::Table,
            timestamp_with_time_zone_null(Tickets::IntakeUntil),
        )
        .await?;
        add(
            m,
            Tickets::Table,
            boolean(Tickets::UnassignedAlerted)
                .default(false)
                .to_owned(),
        )
        .await?;
        // Loads per agent and the waiting backlog are both read per workspace and assignee.
        m.create_index(
            Index::create()
                .name("idx_tickets_routing")
                .table(Tickets::Table)
                .col(Tickets::WorkspaceId)
                .col(Tickets::AssigneeId)
                .col(Tickets::Status)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Categories::Table)
                .col(big_pk_auto(Categories::Id))
                .col(big_integer(Categories::WorkspaceId))
                .col(string_len(Categories::Name, 64))
                .col(string_len_null(Categories::Skill, 64))
                .col(string_len(Categories::Priority, 16))
                .col(timestamp_with_time_zone(Categories::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_categories_workspace")
                .table(Categories::Table)
                .col(Categories::WorkspaceId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(KeywordRules::Table)
                .col(big_pk_auto(KeywordRules::Id))
                .col(big_integer(KeywordRules::WorkspaceId))
                .col(string_len(KeywordRules::Keyword, 64))
                .col(string_len(KeywordRules::Skill, 64))
                .col(timestamp_with_time_zone(KeywordRules::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_keyword_rules_workspace")
                .table(KeywordRules::Table)
                .col(KeywordRules::WorkspaceId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(KeywordRules::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Categories::Table).to_owned())
            .await?;
        m.drop_index(
            Index::drop()
                .name("idx_tickets_routing")
                .table(Tickets::Table)
                .to_owned(),
        )
        .await?;
        drop(
            m,
            Tickets::Table,
            &["skill", "category_id", "intake_until", "unassigned_alerted"],
        )
        .await?;
        drop(
            m,
            Members::Table,
            &["available", "max_open", "skills", "last_turn"],
        )
        .await?;
        drop(m, SupportGroups::Table, &["routing_strategy"]).await?;
        drop(
            m,
            Workspaces::Table,
            &[
                "routing_strategy",
                "routing_paused",
                "skill_fallback",
                "unassigned_alert_minutes",
                "intake_timeout_minutes",
                "next_turn",
            ],
        )
        .await?;
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Workspaces {
    Table,
    RoutingStrategy,
    RoutingPaused,
    SkillFallback,
    UnassignedAlertMinutes,
    IntakeTimeoutMinutes,
    NextTurn,
}

#[derive(DeriveIden, Clone, Copy)]
enum SupportGroups {
    Table,
    RoutingStrategy,
}

#[derive(DeriveIden, Clone, Copy)]
enum Members {
    Table,
    Available,
    MaxOpen,
    Skills,
    LastTurn,
}

#[derive(DeriveIden, Clone, Copy)]
enum Tickets {
    Table,
    WorkspaceId,
    AssigneeId,
    Status,
    Skill,
    CategoryId,
    IntakeUntil,
    UnassignedAlerted,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    WorkspaceId,
    Name,
    Skill,
    Priority,
    CreatedAt,
}

#[derive(DeriveIden)]
enum KeywordRules {
    Table,
    Id,
    WorkspaceId,
    Keyword,
    Skill,
    CreatedAt,
}
