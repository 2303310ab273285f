//! Timer scheduler benchmark (run with `cargo bench --bench timers`).
//!
//! Seeds 100,000 open tickets, each with an SLA resolution-breach timer: 2,000 due in a 20 s
//! window that starts about 5 s after seeding, the other 98,000 spread over 30 days starting an
//! hour later. Then it runs the real scheduler loop (`jobs::scheduler::run`) on the wall clock and
//! reports how late the 2,000 fired (the audit row's `created_at` is the instant the scheduler's
//! transaction began, on the same clock, minus the due time), checks that each fired once and
//! that nothing in the future fired, and measures the process CPU while nothing is due.
//!
//! The database is a fresh SQLite file in a temporary directory, or `DATABASE_URL` if set (it
//! must point at an empty database, e.g. a freshly created PostgreSQL one).
//!
//! CPU time is read from `/proc/self/task/*/schedstat` (nanoseconds on CPU per thread, summed
//! over the process's threads) with `/proc/self/stat` utime+stime (clock ticks) as a cross-check:
//! the workspace forbids `unsafe`, which rules out calling `getrusage` through `libc` here.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use anyhow::{bail, Context};
use chrono::{DateTime, Duration, DurationRound, Utc};
use entity::{audit_log, tickets, timers};
use migration::MigratorTrait;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DbBackend, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, TransactionTrait,
};
use tokio_util::sync::CancellationToken;
use topicdesk::clock::{Clock, SystemClock};
use topicdesk::store::timers::TimerKind;

#[path = "support/cpu.rs"]
mod cpu;

const TOTAL: i64 = 100_000;
const IN_WINDOW: i64 = 2_000;
const FUTURE: i64 = TOTAL - IN_WINDOW;
/// The window opens this long after seeding finishes (the scheduler starts in between).
const LEAD: Duration = Duration::seconds(5);
const WINDOW: Duration = Duration::seconds(20);
/// The future timers start this long after the seeding began and spread over `SPREAD`.
const FUTURE_OFFSET: Duration = Duration::hours(1);
const SPREAD: Duration = Duration::days(30);
/// Waiting after the window's last due time before reading the results.
const MARGIN: Duration = Duration::seconds(2);
const IDLE: StdDuration = StdDuration::from_secs(10);
/// Rows per INSERT: tickets have 32 columns, and SQLite allows 32,766 bound parameters.
const TICKET_CHUNK: usize = 500;
const TIMER_CHUNK: usize = 2_000;
/// Tickets per seeding transaction.
const TX_ROWS: usize = 10_000;
const CHAT: i64 = -1_001_000_000_000;
const ACTION: &str = "sla.resolution_breach";

/// The wall clock, counting how often the scheduler goes to sleep (one per loop iteration).
struct CountingClock {
    sleeps: AtomicU64,
}

impl Clock for CountingClock {
    fn now(&self) -> DateTime<Utc> {
        SystemClock.now()
    }

    fn sleep_until(&self, at: DateTime<Utc>) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.sleeps.fetch_add(1, Ordering::Relaxed);
        SystemClock.sleep_until(at)
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,sqlx=error,sea_orm=error"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();

    // 1. A fresh database.
    let dir = tempfile::tempdir().context("temp dir")?;
    let url = match std::env::var("DATABASE_URL") {
        Ok(u) if !u.is_empty() => u,
        _ => format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("timers-bench.db").display()
        ),
    };
    let db = topicdesk::store::connect(&url)
        .await
        .with_context(|| format!("connect to {}", topicdesk::config::redact_url(&url)))?;
    migration::Migrator::up(&db, None)
        .await
        .context("migrations")?;
    if tickets::Entity::find().count(&db).await? != 0
        || timers::Entity::find().count(&db).await? != 0
    {
        bail!("the database is not empty; point DATABASE_URL at a fresh one");
    }
    let backend = match db.get_database_backend() {
        DbBackend::Sqlite => "SQLite",
        DbBackend::Postgres => "PostgreSQL",
        _ => "other",
    };
    println!(
        "timers: database {backend} ({})",
        topicdesk::config::redact_url(&url)
    );

    // 2. Seed: 98,000 future tickets first, then the 2,000 of the window, timed from the end of
    // seeding so the window opens LEAD after it whatever seeding took.
    let seed_start = Instant::now();
    let now = ms(Utc::now())?;
    let ws = topicdesk::store::workspaces::create(&db, "timers bench", 1, now).await?;
    // The tickets' group is connected: a ticket whose group left is read-only and its timers
    // do nothing, which would measure nothing.
    topicdesk::store::groups::connect(&db, CHAT, ws.id, "timers bench", 1, now).await?;
    let future_base = now + FUTURE_OFFSET;
    let future_step = SPREAD / i32::try_from(FUTURE)?;
    let future: Vec<(i64, DateTime<Utc>)> = (1..=FUTURE)
        .map(|id| {
            (
                id,
                future_base + future_step * i32::try_from(id - 1).unwrap_or(0),
            )
        })
        .collect();
    seed(&db, ws.id, &future, now).await?;

    let window_start = ms(Utc::now())? + LEAD;
    let window_step = WINDOW / i32::try_from(IN_WINDOW)?;
    let window: Vec<(i64, DateTime<Utc>)> = (0..IN_WINDOW)
        .map(|k| {
            let id = FUTURE + 1 + k;
            (
                id,
                window_start + window_step * i32::try_from(k).unwrap_or(0),
            )
        })
        .collect();
    seed(&db, ws.id, &window, ms(Utc::now())?).await?;
    if db.get_database_backend() == DbBackend::Postgres {
        // Ids were given explicitly; keep the sequence ahead of them.
        db.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT MAX(id) FROM tickets))",
        )
        .await?;
    }
    let seeded_in = seed_start.elapsed();
    let window_end = window.last().map_or(window_start, |(_, due)| *due);
    println!(
        "timers: seeded {TOTAL} tickets + {TOTAL} timers in {:.1} s; window {IN_WINDOW} timers \
         every {} ms from +{} s to +{:.2} s; {FUTURE} more from +1 h over 30 days",
        seeded_in.as_secs_f64(),
        window_step.num_milliseconds(),
        LEAD.num_seconds(),
        (window_end - (window_start - LEAD)).num_milliseconds() as f64 / 1000.0,
    );

    // 3. The scheduler, as the daemon runs it.
    let clock = Arc::new(CountingClock {
        sleeps: AtomicU64::new(0),
    });
    let ctx = topicdesk::app::context(db.clone(), clock.clone());
    let metrics = ctx.metrics.clone();
    let shutdown = CancellationToken::new();
    let scheduler = tokio::spawn(topicdesk::jobs::scheduler::run(ctx, shutdown.clone()));

    // 4. Through the window, then the lateness of every fire.
    wait_until(window_start).await;
    let busy_cpu = Cpu::read();
    let busy_from = Instant::now();
    wait_until(window_end + MARGIN).await;
    let deadline = Instant::now() + StdDuration::from_secs(30);
    while metrics.timers_fired.load(Ordering::Relaxed) < IN_WINDOW as u64
        && Instant::now() < deadline
    {
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    let busy = Cpu::used(busy_cpu, Cpu::read(), busy_from.elapsed());

    let due_of: HashMap<i64, DateTime<Utc>> = window.iter().copied().collect();
    let rows = fired(&db).await?;
    let mut per_ticket: HashMap<i64, u32> = HashMap::new();
    let mut late_us: Vec<i64> = Vec::with_capacity(rows.len());
    let mut future_fired = 0u64;
    let mut mismatched = 0u64;
    for r in &rows {
        let Some(id) = r.ticket_id else { continue };
        *per_ticket.entry(id).or_default() += 1;
        let Some(due) = due_of.get(&id) else {
            future_fired += 1;
            continue;
        };
        let recorded = r
            .new_value
            .as_deref()
            .and_then(|v| DateTime::parse_from_rfc3339(v).ok())
            .map(|d| d.with_timezone(&Utc));
        if recorded != Some(*due) {
            mismatched += 1;
        }
        late_us.push((r.created_at - *due).num_microseconds().unwrap_or(i64::MAX));
    }
    let twice = per_ticket.values().filter(|n| **n > 1).count();
    let fired_in_window = per_ticket
        .keys()
        .filter(|id| due_of.contains_key(id))
        .count();
    late_us.sort_unstable();
    let first_fire = rows.iter().map(|r| r.created_at).min();
    let last_fire = rows.iter().map(|r| r.created_at).max();

    // 5. Nothing due: only the scheduler's once-a-second recheck runs.
    let sleeps_before = clock.sleeps.load(Ordering::Relaxed);
    let idle_cpu = Cpu::read();
    let idle_from = Instant::now();
    tokio::time::sleep(IDLE).await;
    let idle = Cpu::used(idle_cpu, Cpu::read(), idle_from.elapsed());
    let wakeups = clock.sleeps.load(Ordering::Relaxed) - sleeps_before;
    let idle_secs = idle_from.elapsed().as_secs_f64();

    // After the idle period: still nothing from the future, and every future timer still armed.
    let fired_after = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(ACTION))
        .count(&db)
        .await?;
    let sla_timers_left = timers::Entity::find()
        .filter(timers::Column::Kind.eq(TimerKind::SlaResolutionBreach.as_str()))
        .count(&db)
        .await?;

    shutdown.cancel();
    match tokio::time::timeout(StdDuration::from_secs(5), scheduler).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => bail!("scheduler task failed: {e}"),
        Err(_) => bail!("scheduler did not stop within 5 s of the shutdown signal"),
    }
    db.close().await?;

    // 6. Report.
    println!(
        "timers: fired {fired_in_window}/{IN_WINDOW} in window ({} audit rows; fired twice: \
         {twice}; due time mismatches: {mismatched}); future timers fired: {future_fired} \
         (after idle: {}), still armed: {sla_timers_left}/{FUTURE}",
        rows.len(),
        fired_after.saturating_sub(rows.len() as u64),
    );
    if let (Some(a), Some(b)) = (first_fire, last_fire) {
        println!(
            "timers: first fire {:+.3} s, last fire {:+.3} s relative to the window's first due time",
            (a - window_start).num_milliseconds() as f64 / 1000.0,
            (b - window_start).num_milliseconds() as f64 / 1000.0,
        );
    }
    if late_us.is_empty() {
        println!("timers: lateness n/a (nothing fired)");
    } else {
        println!(
            "timers: lateness p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, min {:.2} ms",
            pct(&late_us, 50.0) as f64 / 1000.0,
            pct(&late_us, 99.0) as f64 / 1000.0,
            late_us.last().copied().unwrap_or(0) as f64 / 1000.0,
            late_us.first().copied().unwrap_or(0) as f64 / 1000.0,
        );
    }
    match busy {
        Some(b) => println!(
            "timers: process CPU while firing (window + margin): {:.1} ms/s ({:.1}% of a core)",
            b.ms_per_s,
            b.ms_per_s / 10.0
        ),
        None => println!("timers: process CPU while firing: n/a (no /proc)"),
    }
    match idle {
        Some(i) => {
            println!(
                "timers: idle scheduler CPU: {:.2} ms/s ({:.3}% of a core) over {:.1} s; \
                 {wakeups} wake-ups ({:.2}/s, each BEGIN + due probe + ROLLBACK + MIN(due_at)) \
                 = {:.2} ms CPU per wake-up; /proc/self/stat cross-check: {} ticks = {:.1} ms/s",
                i.ms_per_s,
                i.ms_per_s / 10.0,
                idle_secs,
                wakeups as f64 / idle_secs,
                if wakeups > 0 {
                    i.ms_per_s * idle_secs / wakeups as f64
                } else {
                    f64::NAN
                },
                i.ticks,
                i.tick_ms_per_s,
            );
        }
        None => println!("timers: idle scheduler CPU: n/a (no /proc)"),
    }
    println!(
        "timers: {TOTAL} tickets seeded in {:.1} s; fired {fired_in_window}/{IN_WINDOW} in window; \
         lateness p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; idle scheduler CPU: {} ms/s ({}% of a core)",
        seeded_in.as_secs_f64(),
        pct(&late_us, 50.0) as f64 / 1000.0,
        pct(&late_us, 99.0) as f64 / 1000.0,
        late_us.last().copied().unwrap_or(0) as f64 / 1000.0,
        idle.map_or("n/a".to_owned(), |i| format!("{:.2}", i.ms_per_s)),
        idle.map_or("n/a".to_owned(), |i| format!("{:.3}", i.ms_per_s / 10.0)),
    );
    drop(dir);
    if fired_in_window as i64 != IN_WINDOW
        || twice > 0
        || future_fired > 0
        || fired_after != rows.len() as u64
    {
        bail!("the scheduler did not fire exactly the window's timers once each");
    }
    Ok(())
}

/// Inserts open tickets with their resolution due time and breach timer, in bulk.
async fn seed(
    db: &DatabaseConnection,
    workspace: i64,
    rows: &[(i64, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    for batch in rows.chunks(TX_ROWS) {
        let tx = db.begin().await?;
        for chunk in batch.chunks(TICKET_CHUNK) {
            let models = chunk
                .iter()
                .map(|&(id, due)| ticket(workspace, id, due, now))
                .collect::<anyhow::Result<Vec<_>>>()?;
            tickets::Entity::insert_many(models)
                .exec_without_returning(&tx)
                .await?;
        }
        for chunk in batch.chunks(TIMER_CHUNK) {
            let models = chunk.iter().map(|&(id, due)| timers::ActiveModel {
                kind: Set(TimerKind::SlaResolutionBreach.as_str().to_owned()),
                subject_id: Set(id),
                due_at: Set(due),
                created_at: Set(now),
                ..Default::default()
            });
            timers::Entity::insert_many(models)
                .exec_without_returning(&tx)
                .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

fn ticket(
    workspace: i64,
    id: i64,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> anyhow::Result<tickets::ActiveModel> {
    Ok(tickets::Model {
        id,
        workspace_id: workspace,
        number: id,
        chat_id: CHAT,
        thread_id: i32::try_from(id)?,
        subject: format!("bench ticket {id}"),
        customer_id: 1_000_000 + id,
        status: entity::kinds::TicketStatus::Open,
        priority: entity::kinds::TicketPriority::Normal,
        assignee_id: None,
        card_message_id: None,
        topic_renamed: false,
        topic_deleted_at: None,
        csat_score: None,
        created_at: now,
        updated_at: now,
        first_response_at: None,
        resolved_at: None,
        closed_at: None,
        last_customer_message_at: None,
        skill: None,
        category_id: None,
        intake_until: None,
        unassigned_alerted: false,
        first_response_due: None,
        resolution_due: Some(due),
        resolution_used_secs: 0,
        resolution_since: Some(now),
        sla_fired: 0,
        escalation_level: 0,
        waiting_since: Some(now),
        escalated_unassigned: 0,
    }
    .into_active_model()
    .reset_all())
}

async fn fired(db: &DatabaseConnection) -> anyhow::Result<Vec<audit_log::Model>> {
    Ok(audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(ACTION))
        .all(db)
        .await?)
}

/// Whole milliseconds, so due times survive every backend's timestamp precision unchanged.
fn ms(t: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
    Ok(t.duration_trunc(Duration::milliseconds(1))?)
}

async fn wait_until(at: DateTime<Utc>) {
    if let Ok(d) = (at - Utc::now()).to_std() {
        tokio::time::sleep(d).await;
    }
}

/// Nearest-rank percentile of sorted values.
fn pct(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Process CPU time: nanoseconds on CPU summed over the live threads, and utime+stime ticks.
#[derive(Clone, Copy)]
struct Cpu {
    ns: u64,
    ticks: u64,
}

#[derive(Clone, Copy)]
struct CpuUse {
    ms_per_s: f64,
    ticks: u64,
    tick_ms_per_s: f64,
}

impl Cpu {
    fn read() -> Option<Cpu> {
        Some(Cpu {
            ns: cpu::thread_ns().ok()?,
            ticks: cpu::stat_ticks().ok()?,
        })
    }

    fn used(before: Option<Cpu>, after: Option<Cpu>, wall: StdDuration) -> Option<CpuUse> {
        let (before, after) = (before?, after?);
        let secs = wall.as_secs_f64();
        let ticks = after.ticks.saturating_sub(before.ticks);
        // USER_HZ is 100 on every Linux ABI.
        Some(CpuUse {
            ms_per_s: after.ns.saturating_sub(before.ns) as f64 / 1e6 / secs,
            ticks,
            tick_ms_per_s: ticks as f64 * 10.0 / secs,
        })
    }
}
