//! `/stats` benchmark (run with `cargo bench --bench stats`).
//!
//! Seeds one workspace with 100,000 tickets spread over 90 days (most answered and resolved, a
//! fifth with a breached first response, a tenth rated, twelve agents), then times what `/stats`
//! does for the 7, 30 and 90 days: reading the tickets' metadata (`store::analytics::facts`) and
//! computing the figures (`domain::analytics::figures`). Charts are not drawn yet.
//!
//! The database is a fresh SQLite file in a temporary directory, or `DATABASE_URL` if set (it
//! must point at an empty database).

use std::time::Instant;

use anyhow::{bail, Context};
use chrono::{Duration, Utc};
use entity::tickets;
use migration::MigratorTrait;
use sea_orm::{ActiveValue::Set, DbBackend, EntityTrait, PaginatorTrait, TransactionTrait};
use topicdesk::domain::analytics::{self, Period};

const TICKETS: i64 = 100_000;
const CHUNK: usize = 500;

/// A small deterministic generator: the same data on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("temp dir")?;
    let url = match std::env::var("DATABASE_URL") {
        Ok(u) if !u.is_empty() => u,
        _ => format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("stats-bench.db").display()
        ),
    };
    let db = topicdesk::store::connect(&url)
        .await
        .with_context(|| format!("connect to {}", topicdesk::config::redact_url(&url)))?;
    migration::Migrator::up(&db, None)
        .await
        .context("migrations")?;
    if tickets::Entity::find().count(&db).await? != 0 {
        bail!("the database is not empty; point DATABASE_URL at a fresh one");
    }
    let backend = match db.get_database_backend() {
        DbBackend::Sqlite => "SQLite",
        DbBackend::Postgres => "PostgreSQL",
        _ => "other",
    };
    let now = Utc::now();
    let ws = topicdesk::store::workspaces::create(&db, "stats bench", 1, now).await?;

    let seeding = Instant::now();
    let mut rng = Lcg(42);
    let tx = db.begin().await?;
    let ids: Vec<i64> = (1..=TICKETS).collect();
    for chunk in ids.chunks(CHUNK) {
        let models: Vec<tickets::ActiveModel> = chunk
            .iter()
            .map(|&n| {
                let created = now - Duration::seconds(rng.next(90 * 86_400) as i64);
                let answered = rng.next(10) < 9;
                let first = answered.then(|| created + Duration::seconds(rng.next(7_200) as i64));
                let resolved = (answered && rng.next(10) < 8)
                    .then(|| created + Duration::seconds(3_600 + rng.next(200_000) as i64))
                    .filter(|r| *r < now);
                let breached = if rng.next(5) == 0 { 2 } else { 0 };
                tickets::ActiveModel {
                    workspace_id: Set(ws.id),
                    number: Set(n),
                    chat_id: Set(-1_001_000_000_000),
                    thread_id: Set(n as i32),
                    subject: Set(format!("bench ticket {n}")),
                    customer_id: Set(1_000_000 + n),
                    status: Set(if resolved.is_some() {
                        entity::kinds::TicketStatus::Resolved
                    } else {
                        entity::kinds::TicketStatus::InProgress
                    }),
                    priority: Set(entity::kinds::TicketPriority::Normal),
                    assignee_id: Set(Some(100 + rng.next(12) as i64)),
                    topic_renamed: Set(true),
                    csat_score: Set((rng.next(10) == 0).then(|| 1 + rng.next(5) as i16)),
                    created_at: Set(created),
                    updated_at: Set(created),
                    first_response_at: Set(first),
                    resolved_at: Set(resolved),
                    sla_fired: Set(breached),
                    ..Default::default()
                }
            })
            .collect();
        tickets::Entity::insert_many(models)
            .exec_without_returning(&tx)
            .await?;
    }
    tx.commit().await?;
    println!(
        "stats: database {backend}, {TICKETS} tickets seeded in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );

    let zone = chrono_tz::Europe::Berlin;
    for period in ["7d", "30d", "90d"] {
        let p = Period::parse(period, now, &zone).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let read = Instant::now();
        let facts = topicdesk::store::analytics::facts(&db, ws.id, p.from, p.to, None).await?;
        let read = read.elapsed();
        let compute = Instant::now();
        let f = analytics::figures(&facts, &p, &zone);
        let compute = compute.elapsed();
        println!(
            "stats {period:>3}: {:>6} tickets read in {:>6.1} ms, figures in {:>5.1} ms \
             (created {}, resolved {}, backlog {}, {} agents)",
            facts.len(),
            read.as_secs_f64() * 1000.0,
            compute.as_secs_f64() * 1000.0,
            f.created,
            f.resolved,
            f.backlog,
            f.agents.len()
        );
    }
    Ok(())
}
