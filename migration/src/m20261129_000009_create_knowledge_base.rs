//! The knowledge base (SPEC §9) and secrets at rest (SPEC §11): articles with their full-text
//! index, the articles posted into tickets, each workspace's external search, and the check
//! value that tells at start whether the master key is the one the stored secrets were
//! encrypted with.
//!
//! The index is each backend's own: on SQLite an FTS5 table over the articles (external
//! content), kept in step by triggers, so every write of an article updates it in the same
//! transaction; on PostgreSQL a generated `tsvector` column (title weighted A, tags B, body C)
//! with a GIN index.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000009_create_knowledge_base"
    }
}

/// SQLite: the FTS5 index over `kb_articles` and the triggers that keep it in step. The porter
/// stemmer over unicode61 is the nearest to PostgreSQL's English configuration.
const SQLITE_FTS: &[&str] = &[
    "CREATE VIRTUAL TABLE kb_articles_fts USING fts5(title, body, tags, content='kb_articles', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER kb_articles_fts_insert AFTER INSERT ON kb_articles BEGIN \
       INSERT INTO kb_articles_fts(rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags); \
     END",
    "CREATE TRIGGER kb_articles_fts_delete AFTER DELETE ON kb_articles BEGIN \
       INSERT INTO kb_articles_fts(kb_articles_fts, rowid, title, body, tags) VALUES ('delete', old.id, old.title, old.body, old.tags); \
     END",
    "CREATE TRIGGER kb_articles_fts_update AFTER UPDATE ON kb_articles BEGIN \
       INSERT INTO kb_articles_fts(kb_articles_fts, rowid, title, body, tags) VALUES ('delete', old.id, old.title, old.body, old.tags); \
       INSERT INTO kb_articles_fts(rowid, title, body, tags) VALUES (new.id, new.title, new.body, new.tags); \
     END",
];

const SQLITE_FTS_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS kb_articles_fts_update",
    "DROP TRIGGER IF EXISTS kb_articles_fts_delete",
    "DROP TRIGGER IF EXISTS kb_articles_fts_insert",
    "DROP TABLE IF EXISTS kb_articles_fts",
];

/// PostgreSQL: the weighted `tsvector`, computed by the database on every write.
const POSTGRES_FTS: &[&str] = &[
    "ALTER TABLE kb_articles ADD COLUMN search tsvector GENERATED ALWAYS AS ( \
       setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || \
       setweight(to_tsvector('english'::regconfig, coalesce(tags, '')), 'B') || \
       setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C') \
     ) STORED",
    "CREATE INDEX idx_kb_articles_search ON kb_articles USING GIN (search)",
];

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(KbArticles::Table)
                .col(big_pk_auto(KbArticles::Id))
                .col(big_integer(KbArticles::WorkspaceId))
                .col(string_len(KbArticles::Title, 200))
                .col(text(KbArticles::Body))
                .col(string_len(KbArticles::Tags, 400).default(""))
                .col(string_len_null(KbArticles::Url, 600))
                .col(timestamp_with_time_zone(KbArticles::CreatedAt))
                .col(timestamp_with_time_zone(KbArticles::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_kb_articles_workspace")
                .table(KbArticles::Table)
                .col(KbArticles::WorkspaceId)
                .col(KbArticles::Title)
                .to_owned(),
        )
        .await?;
        let fts = match m.get_database_backend() {
            sea_orm::DbBackend::Sqlite => SQLITE_FTS,
            sea_orm::DbBackend::Postgres => POSTGRES_FTS,
            other => {
                return Err(DbErr::Migration(format!(
                    "the knowledge base has no full-text index for {other:?}"
                )))
            }
        };
        for sql in fts {
            m.get_connection().execute_unprepared(sql).await?;
        }

        m.create_table(
            Table::create()
                .table(KbLinks::Table)
                .col(big_pk_auto(KbLinks::Id))
                .col(big_integer(KbLinks::WorkspaceId))
                .col(big_integer(KbLinks::TicketId))
                .col(big_integer(KbLinks::ArticleId))
                .col(big_integer(KbLinks::PostedBy))
                .col(timestamp_with_time_zone(KbLinks::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_kb_links_ticket_article")
                .table(KbLinks::Table)
                .col(KbLinks::TicketId)
                .col(KbLinks::ArticleId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(KbSettings::Table)
                .col(big_integer(KbSettings::WorkspaceId).primary_key())
                .col(string_len_null(KbSettings::ExternalUrl, 600))
                .col(text_null(KbSettings::ExternalToken))
                .col(timestamp_with_time_zone(KbSettings::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(MasterKeyCheck::Table)
                .col(integer(MasterKeyCheck::Id).primary_key())
                .col(text(MasterKeyCheck::CheckValue))
                .col(timestamp_with_time_zone(MasterKeyCheck::CreatedAt))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DbBackend::Sqlite {
            for sql in SQLITE_FTS_DOWN {
                m.get_connection().execute_unprepared(sql).await?;
            }
        }
        for t in [
            MasterKeyCheck::Table.into_iden(),
            KbSettings::Table.into_iden(),
            KbLinks::Table.into_iden(),
            KbArticles::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum KbArticles {
    Table,
    Id,
    WorkspaceId,
    Title,
    Body,
    Tags,
    Url,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum KbLinks {
    Table,
    Id,
    WorkspaceId,
    TicketId,
    ArticleId,
    PostedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum KbSettings {
    Table,
    WorkspaceId,
    ExternalUrl,
    ExternalToken,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MasterKeyCheck {
    Table,
    Id,
    CheckValue,
    CreatedAt,
}
