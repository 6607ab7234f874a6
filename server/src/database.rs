//! Connecting to the database and bringing its schema up to date.

use app::db::Db;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, TransactionTrait,
};
use std::time::Duration;

/// Connects, applies pending migrations, and returns the handle services use.
pub async fn connect(url: &str, max_connections: u32) -> anyhow_like::Result<Db> {
    crate::config::validate_database_url(url).map_err(anyhow_like::Error::msg)?;
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(15))
        // A connection is checked with a round trip before it is handed out only after it sat
        // idle (a server or a proxy may have dropped it), not at every query: the check at
        // every query was a whole extra round trip per query (for SQLite, a hand-off to its
        // connection's thread and back).
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .create_if_missing(true)
        });
    let conn = Database::connect(options).await.map_err(|e| {
        anyhow_like::Error::msg(format!(
            "cannot connect to the database at {}: {e}",
            redact(url)
        ))
    })?;
    if conn.get_database_backend() == DbBackend::Sqlite {
        // Lets the query planner use statistics gathered on large tables.
        conn.execute_unprepared("PRAGMA optimize=0x10002")
            .await
            .ok();
    }
    let db = Db::new(conn);
    under_startup_lock(&db.conn, async {
        Migrator::up(&db.conn, None)
            .await
            .map_err(|e| anyhow_like::Error::msg(format!("database migration failed: {e}")))?;
        complete_metrics(&db).await
    })
    .await??;
    Ok(db)
}

/// A database from before requests' metric facts were stored gets them (and its buckets)
/// rebuilt once, so the drill-down lists are complete; a fresh or up-to-date one is untouched.
async fn complete_metrics(db: &Db) -> anyhow_like::Result<()> {
    let fail = |e: app::error::AppError| {
        anyhow_like::Error::msg(format!("rebuilding the metrics failed: {e}"))
    };
    if app::metrics::buckets::facts_missing(&db.conn)
        .await
        .map_err(fail)?
    {
        tracing::info!("rebuilding the leadership metrics from history (once, after an upgrade)");
        let read = app::metrics::buckets::rebuild(db).await.map_err(fail)?;
        tracing::info!(requests = read, "leadership metrics rebuilt");
    }
    Ok(())
}

/// Seeds the demo organisation unless it is there, under the start-up lock: replicas asked to
/// seed at the same moment seed it once.
pub async fn seed_demo_once(db: &Db) -> anyhow_like::Result<()> {
    under_startup_lock(&db.conn, async {
        crate::seed::seed_demo(db)
            .await
            .map_err(|e| anyhow_like::Error::msg(format!("seeding the demo failed: {e}")))
    })
    .await?
}

/// The key of the PostgreSQL advisory lock replicas take turns on at start-up ("ATRIUM").
const STARTUP_LOCK: i64 = 0x4154_5249_554d;

/// Runs `work` while holding the start-up lock. Replicas that start together (or a rolling
/// upgrade that brings a migration) would otherwise migrate the same empty database at once
/// and fail on duplicate catalog entries. On PostgreSQL a transaction-scoped advisory lock
/// is held, on one pinned connection, for the whole of `work`: one replica migrates, the
/// others wait, then find nothing left to do. SQLite needs none: one process owns the file.
async fn under_startup_lock<T>(
    conn: &DatabaseConnection,
    work: impl std::future::Future<Output = T>,
) -> anyhow_like::Result<T> {
    if conn.get_database_backend() != DbBackend::Postgres {
        return Ok(work.await);
    }
    let fail = |e: sea_orm::DbErr| anyhow_like::Error::msg(format!("start-up lock: {e}"));
    let lock = conn.begin().await.map_err(fail)?;
    lock.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({STARTUP_LOCK})"))
        .await
        .map_err(fail)?;
    let out = work.await;
    lock.commit().await.map_err(fail)?;
    Ok(out)
}

/// Hides a password in a database URL before it is logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A tiny error type for start-up failures: a message for the operator.
pub mod anyhow_like {
    #[derive(Debug)]
    pub struct Error(pub String);

    impl Error {
        pub fn msg(message: impl Into<String>) -> Self {
            Error(message.into())
        }
    }

    impl std::fmt::Display for Error {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for Error {}

    pub type Result<T> = std::result::Result<T, Error>;
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://atrium:secret@db:5432/atrium"),
            "postgres://atrium:***@db:5432/atrium"
        );
        assert_eq!(super::redact("sqlite://atrium.db"), "sqlite://atrium.db");
    }
}
