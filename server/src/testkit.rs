//! Fresh databases for tests: a new SQLite file each time, and a new PostgreSQL database when
//! `ATRIUM_TEST_PG` names a server (e.g. `postgres://postgres@127.0.0.1:5432/postgres`).

use app::db::Db;
use sea_orm::{ConnectionTrait, Database};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// A migrated, empty SQLite database in a new file under the system temp folder.
pub async fn fresh_sqlite() -> Db {
    let dir = std::env::temp_dir().join("atrium-tests");
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let path = dir.join(format!("t_{}.db", unique_suffix()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    crate::database::connect(&url, 8)
        .await
        .expect("connect to fresh SQLite")
}

/// The PostgreSQL server URL for tests, if configured.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("ATRIUM_TEST_PG")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A migrated, empty PostgreSQL database, or `None` when `ATRIUM_TEST_PG` is not set.
/// Panics (failing the test loudly) when it is set but the server cannot be reached.
pub async fn fresh_postgres() -> Option<Db> {
    let admin_url = postgres_admin_url()?;
    let name = format!("atrium_t_{}", unique_suffix());
    let admin = Database::connect(admin_url.as_str())
        .await
        .unwrap_or_else(|e| panic!("ATRIUM_TEST_PG is set but PostgreSQL is unreachable: {e}"));
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.ok();
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base)
        .unwrap_or(&admin_url);
    let url = format!("{base}/{name}");
    Some(
        crate::database::connect(&url, 8)
            .await
            .expect("connect to fresh PostgreSQL"),
    )
}

/// Every database the tests should run on: SQLite always, PostgreSQL when configured.
pub async fn all_databases() -> Vec<(&'static str, Db)> {
    let mut dbs = vec![("sqlite", fresh_sqlite().await)];
    if let Some(pg) = fresh_postgres().await {
        dbs.push(("postgres", pg));
    }
    dbs
}

/// A file store over a fresh temporary folder.
pub fn fresh_files() -> std::sync::Arc<dyn app::attachments::service::FileStore> {
    let dir = std::env::temp_dir()
        .join("atrium-tests")
        .join(format!("files_{}", unique_suffix()));
    std::sync::Arc::new(
        crate::files::ObjectFileStore::open(&dir.to_string_lossy()).expect("open a file folder"),
    )
}

/// The signed-in view of a person of the demo organisation, by email.
pub async fn person(db: &Db, email: &str) -> app::auth::model::SessionUser {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let row = app::db::user::Entity::find()
        .filter(app::db::user::Column::Email.eq(email))
        .one(&db.conn)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("no {email}"));
    app::auth::service::load_session_user(&db.conn, app::auth::model::UserId(row.id))
        .await
        .expect("load")
        .expect("active")
}
