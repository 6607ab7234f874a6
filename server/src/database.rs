//! Connecting to the database and bringing its schema up to date.

use app::db::Db;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DbBackend};
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
    Migrator::up(&conn, None)
        .await
        .map_err(|e| anyhow_like::Error::msg(format!("database migration failed: {e}")))?;
    Ok(Db::new(conn))
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
