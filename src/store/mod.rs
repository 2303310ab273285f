//! The database: connecting (with the SQLite settings a single daemon needs) and every query
//! the use cases run. Nothing outside this module writes SQL or touches entities directly,
//! except through the small mapping helpers here.

pub mod audit;
pub mod groups;
pub mod inbox;
pub mod outbox;
pub mod routing;
pub mod sla;
pub mod tags;
pub mod team;
pub mod tickets;
pub mod timers;
pub mod users;
pub mod workspaces;

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

/// Opens the pool. SQLite gets one connection: a single writer avoids "database is locked"
/// between the daemon's own loops, and WAL lets readers of other processes (a `migrate status`)
/// proceed. PostgreSQL gets a normal pool.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let sqlite = url.starts_with("sqlite:");
    if !sqlite {
        probe(url).await?;
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10));
    if sqlite {
        opts.max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None);
    } else {
        opts.max_connections(10).min_connections(1);
    }
    let db = Database::connect(opts).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        )
        .await?;
    }
    Ok(db)
}

/// Fails fast, with the address in the message, when a database server does not answer at all
/// (the pool would otherwise wait out its acquire timeout and report only "timed out").
async fn probe(url: &str) -> Result<(), DbErr> {
    let Ok(parsed) = url::Url::parse(url) else {
        return Ok(());
    };
    let host = parsed.host_str().unwrap_or("localhost").to_owned();
    let port = parsed.port().unwrap_or(5432);
    let addr = format!("{host}:{port}");
    match tokio::time::timeout(
        Duration::from_secs(5),
        tokio::net::TcpStream::connect(&addr),
    )
    .await
    {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(DbErr::Custom(format!("cannot reach {addr}: {e}"))),
        Err(_) => Err(DbErr::Custom(format!(
            "cannot reach {addr}: no answer within 5 s"
        ))),
    }
}

/// Whether row locks with `SKIP LOCKED` exist (PostgreSQL). On SQLite the single connection
/// already serialises writers.
pub fn supports_skip_locked<C: ConnectionTrait>(db: &C) -> bool {
    db.get_database_backend() == DbBackend::Postgres
}

/// Checks the database answers; used by `/readyz`.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}
