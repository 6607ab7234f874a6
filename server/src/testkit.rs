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

/// Every database, each seeded with the demo organisation.
pub async fn seeded_databases() -> Vec<(&'static str, Db)> {
    let dbs = all_databases().await;
    for (_, db) in &dbs {
        crate::seed::seed_demo(db).await.expect("seed");
    }
    dbs
}

/// A request's state as stored.
pub async fn request_state(
    db: &Db,
    id: app::requests::model::RequestId,
) -> app::domain::state::RequestState {
    use sea_orm::EntityTrait;
    app::db::request::Entity::find_by_id(id.0)
        .one(&db.conn)
        .await
        .expect("query")
        .expect("request")
        .state
        .parse()
        .expect("state")
}

/// A request's version as stored (what a person who opened it now would act on).
pub async fn request_version(db: &Db, id: app::requests::model::RequestId) -> i32 {
    use sea_orm::EntityTrait;
    app::db::request::Entity::find_by_id(id.0)
        .one(&db.conn)
        .await
        .expect("query")
        .expect("request")
        .version
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

/// A mail received by [`SmtpSink`].
#[derive(Clone, Debug)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    /// The message as sent (headers and body).
    pub data: String,
}

/// A minimal SMTP server on loopback that accepts every mail and keeps it, for tests.
pub struct SmtpSink {
    pub mails: std::sync::Arc<std::sync::Mutex<Vec<ReceivedMail>>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpSink {
    /// Listens on `127.0.0.1:port`.
    pub async fn start(port: u16) -> SmtpSink {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind the SMTP sink");
        let mails = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = mails.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 sink ready\r\n").await;
                    let mut to = Vec::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let upper = line.to_ascii_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO")
                        {
                            b"250 sink\r\n"
                        } else if upper.starts_with("RCPT TO:") {
                            to.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
                            b"250 OK\r\n"
                        } else if upper.starts_with("DATA") {
                            let _ = write.write_all(b"354 go on\r\n").await;
                            let mut data = String::new();
                            while let Ok(Some(body)) = lines.next_line().await {
                                if body == "." {
                                    break;
                                }
                                data.push_str(&body);
                                data.push('\n');
                            }
                            kept.lock().expect("mails").push(ReceivedMail {
                                to: std::mem::take(&mut to),
                                data,
                            });
                            b"250 kept\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"250 OK\r\n"
                        };
                        if write.write_all(reply).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        SmtpSink { mails, task }
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.mails.lock().expect("mails").clone()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A loopback port nothing listens on (at the moment of asking).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
