//! The database: connecting (with the SQLite settings a single daemon needs) and every query
//! the use cases run. Nothing outside this module writes SQL or touches entities directly,
//! except through the small mapping helpers here.

pub mod analytics;
pub mod audit;
pub mod comments;
pub mod export;
pub mod fields;
pub mod groups;
pub mod inbox;
pub mod kb;
pub mod kinds;
pub mod outbox;
pub mod privacy;
pub mod retention;
pub mod routing;
pub mod secrets;
pub mod sla;
pub mod summary;
pub mod tags;
pub mod team;
pub mod templates;
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
    let file = if sqlite { sqlite_file(url) } else { None };
    if !sqlite {
        probe(url).await?;
    }
    if let Some(path) = file.as_ref().filter(|_| url.contains("mode=rwc")) {
        create_private(path);
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
    if let Some(path) = &file {
        // The WAL and shared-memory files hold the same data as the database.
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.clone().into_os_string();
            p.push(suffix);
            restrict(std::path::Path::new(&p))?;
        }
    }
    Ok(db)
}

/// The file of a `sqlite:` URL (`sqlite://topicdesk.db?mode=rwc`, `sqlite:///abs/path.db`);
/// `None` for an in-memory database.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| path.into())
}

/// Creates the database file readable and writable by its owner only (the database holds
/// every conversation); an existing file is left to [`restrict`].
fn create_private(path: &std::path::Path) {
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    // Already there, a missing directory, no right to write: the driver opens it or says why in
    // its own words.
    let _ = open.open(path);
}

/// Takes group and world access away from an existing database file.
fn restrict(path: &std::path::Path) -> Result<(), DbErr> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::metadata(path) {
            Ok(meta) if meta.permissions().mode() & 0o077 != 0 => {
                let mode = meta.permissions().mode() & 0o700;
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(
                    |e| DbErr::Custom(format!("cannot make {} private: {e}", path.display())),
                )?;
            }
            _ => {}
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
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

/// Whether an error is the database being busy or away rather than anything about the data:
/// SQLite's "database is locked" when another process writes, a PostgreSQL deadlock or
/// serialization failure (one side is rolled back and may simply try again), a lost or
/// exhausted connection. Such work is retried soon as it is; it is not a failure of its own.
pub fn is_transient(e: &DbErr) -> bool {
    if matches!(e, DbErr::ConnectionAcquire(_) | DbErr::Conn(_)) {
        return true;
    }
    let text = e.to_string().to_lowercase();
    [
        "database is locked",
        "database table is locked",
        "deadlock detected",
        "could not serialize",
        "connection reset",
        "connection refused",
        "broken pipe",
        "pool timed out",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

/// Checks the database answers; used by `/readyz`.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}
