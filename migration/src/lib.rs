//! Schema migrations. `topicdesk run` applies pending ones at start; `topicdesk migrate` manages
//! them by hand. Each file is `mYYYYMMDD_HHMMSS_verb_noun.rs` and never changes once released:
//! later schema changes are new migrations.

pub use sea_orm_migration::prelude::*;

mod columns;

mod m20261121_000001_create_core;
mod m20261121_000002_create_team;
mod m20261121_000003_create_routing;
mod m20261121_000004_create_sla;
mod m20261129_000005_harden;
mod m20261129_000006_create_comments;
mod m20261129_000007_create_custom_fields;
mod m20261129_000008_create_templates;
mod m20261129_000009_create_knowledge_base;
mod m20261129_000010_add_export_limit;
mod m20261129_000011_add_retention;

/// The ordered list of every migration the daemon knows.
pub struct Migrator;

#[sea_orm_migration::async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_core::Migration),
            Box::new(m20261121_000002_create_team::Migration),
            Box::new(m20261121_000003_create_routing::Migration),
            Box::new(m20261121_000004_create_sla::Migration),
            Box::new(m20261129_000005_harden::Migration),
            Box::new(m20261129_000006_create_comments::Migration),
            Box::new(m20261129_000007_create_custom_fields::Migration),
            Box::new(m20261129_000008_create_templates::Migration),
            Box::new(m20261129_000009_create_knowledge_base::Migration),
            Box::new(m20261129_000010_add_export_limit::Migration),
            Box::new(m20261129_000011_add_retention::Migration),
        ]
    }
}
