//! Fresh databases for tests: a new SQLite file each time, and a new PostgreSQL database when
//! `ATRIUM_TEST_PG` names a server (e.g. `postgres://postgres@127.0.0.1:5432/postgres`).

use app::auth::model::SessionUser;
use app::db::Db;
use app::domain::state::RequestState;
use app::requests::model::RequestId;
use sea_orm::{ConnectionTrait, Database, EntityTrait, Set};
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

/// SQLite's plan for `query` on `db`, one step a line (`EXPLAIN QUERY PLAN`).
pub async fn sqlite_plan(db: &Db, query: &sea_orm::sea_query::SelectStatement) -> Vec<String> {
    use sea_orm::{DbBackend, Statement};
    let (sql, values) = query.build(sea_orm::sea_query::SqliteQueryBuilder);
    db.conn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            format!("EXPLAIN QUERY PLAN {sql}"),
            values,
        ))
        .await
        .expect("a plan")
        .iter()
        .map(|row| row.try_get::<String>("", "detail").expect("a step"))
        .collect()
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

/// Every database, each with the demo organisation and its catalog (people, teams, items) but
/// not its history: tests that need the history seed it themselves.
pub async fn seeded_databases() -> Vec<(&'static str, Db)> {
    let dbs = all_databases().await;
    for (_, db) in &dbs {
        crate::seed::seed_organisation(db).await.expect("seed");
    }
    dbs
}

/// An item definition with one required short text field, `what`: add approvals or tasks to it
/// (`definition["approvals"] = …`) for the plan a test needs.
pub fn one_field() -> serde_json::Value {
    serde_json::json!({"fields": [
        {"key": "what", "label": "What", "required": true, "type": "short_text"}
    ]})
}

/// A small organisation built for one test, in a few milliseconds: one department (`it`) with a
/// team (`service-desk`) and a category (`hardware`), and four people — an employee, their
/// manager, an agent of the team, and the department's admin. Everyone's password is the
/// demo's.
pub struct Org {
    pub department: i64,
    pub team: i64,
    pub employee: SessionUser,
    pub manager: SessionUser,
    pub agent: SessionUser,
    pub admin: SessionUser,
}

impl Org {
    pub async fn build(db: &Db) -> Org {
        use sea_orm::ActiveModelTrait;
        let (department, team) = add_department(
            db,
            "it",
            "IT",
            ("service-desk", "Service desk"),
            ("hardware", "Hardware"),
        )
        .await;
        let person = |email: &'static str, manager: Option<i64>, roles: &'static [&'static str]| {
            add_person(db, department, email, manager, roles)
        };
        let manager = person("manager@org.test", None, &[]).await;
        let employee = person("employee@org.test", Some(manager), &[]).await;
        let agent = person("agent@org.test", Some(manager), &["agent"]).await;
        let admin = person("admin@org.test", None, &["agent", "department_admin"]).await;
        app::db::team_member::ActiveModel {
            team_id: Set(team),
            user_id: Set(agent),
        }
        .insert(&db.conn)
        .await
        .expect("team member");
        Org {
            department,
            team,
            employee: session_user(db, employee).await,
            manager: session_user(db, manager).await,
            agent: session_user(db, agent).await,
            admin: session_user(db, admin).await,
        }
    }

    /// Publishes an item of the department, ordered by everyone and fulfilled by its team, with
    /// `definition` (an item file's `definition`: fields, rules, approvals, tasks).
    pub async fn item(&self, db: &Db, slug: &str, definition: serde_json::Value) -> String {
        let file = serde_json::json!({
            "format": app::catalog::model::ItemExport::FORMAT,
            "slug": slug,
            "name": format!("Item {slug}"),
            "short_description": "Built for a test.",
            "description": "",
            "icon": "📦",
            "department": "it",
            "category": "hardware",
            "team": "service-desk",
            "expected_days": 3,
            "audience": {"kind": "everyone"},
            "definition": definition,
        });
        let file = app::catalog::designer::read_item_file(&file.to_string()).expect("item file");
        let now = chrono::Utc::now();
        let txn = db.begin_write().await.expect("begin");
        app::catalog::designer::checked_in(&*txn, &file.definition)
            .await
            .expect("a valid item");
        let (_, id) = app::catalog::designer::import_in(&*txn, &self.admin, &file, now)
            .await
            .expect("import");
        let item = app::db::catalog_item::Entity::find_by_id(id)
            .one(&*txn)
            .await
            .expect("query")
            .expect("item");
        app::catalog::designer::publish_in(&*txn, &self.admin, item, now)
            .await
            .expect("publish");
        txn.commit().await.expect("commit");
        slug.to_owned()
    }

    /// One of this organisation's people, by id.
    pub fn by_id(&self, id: i64) -> &SessionUser {
        [&self.employee, &self.manager, &self.agent, &self.admin]
            .into_iter()
            .find(|p| p.id.0 == id)
            .unwrap_or_else(|| panic!("person {id} is not in the test organisation"))
    }

    /// A request for `slug` by the employee, brought to `state` the way people would: through
    /// the use cases (approvers approve, or reject for `rejected`; the agent works it).
    pub async fn request_in(
        &self,
        db: &Db,
        slug: &str,
        answers: &[(&str, &str)],
        state: RequestState,
    ) -> RequestId {
        use app::requests::service::{self as requests, StateChange};
        use RequestState::*;
        let raw = answers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let id = requests::submit(db, &self.employee, slug, raw)
            .await
            .expect("submit");
        for _ in 0..12 {
            let now = request_state(db, id).await;
            if now == state {
                return id;
            }
            if now == AwaitingApproval {
                self.decide_one(db, id, state != Rejected).await;
                continue;
            }
            let (person, to) = match (now, state) {
                (_, Cancelled) => (&self.employee, Cancelled),
                (Submitted | Approved, _) => (&self.agent, InFulfilment),
                (InFulfilment, WaitingOnRequester) => (&self.agent, WaitingOnRequester),
                (InFulfilment, Resolved | Closed) => (&self.agent, Resolved),
                (Resolved, Closed) => (&self.agent, Closed),
                (now, target) => panic!("cannot bring {id} from {now} to {target}"),
            };
            let change = StateChange {
                to,
                expected_version: request_version(db, id).await,
                note: None,
            };
            requests::change_state(db, person, id, change)
                .await
                .unwrap_or_else(|e| panic!("{id}: {now} -> {to}: {e:?}"));
        }
        panic!("{id} did not reach {state}");
    }

    /// The first waiting approval of the request is decided by its approver.
    async fn decide_one(&self, db: &Db, id: RequestId, approve: bool) {
        use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
        let waiting = app::db::approval::Entity::find()
            .filter(app::db::approval::Column::RequestId.eq(id.0))
            .filter(app::db::approval::Column::Decision.is_null())
            .order_by_asc(app::db::approval::Column::Id)
            .one(&db.conn)
            .await
            .expect("query")
            .unwrap_or_else(|| panic!("{id} awaits no approval"));
        let verdict = app::approvals::service::Verdict {
            approve,
            comment: (!approve).then(|| "Not needed.".to_owned()),
        };
        app::workflow::decide_approval(db, self.by_id(waiting.approver_id), waiting.id, verdict)
            .await
            .expect("decide");
    }
}

/// Adds a person to `department` with `roles` besides employee (agent and department admin
/// scoped to that department); returns their id. Their password is the demo's.
pub async fn add_person(
    db: &Db,
    department: i64,
    email: &str,
    manager: Option<i64>,
    roles: &[&str],
) -> i64 {
    use sea_orm::ActiveModelTrait;
    let hash = tokio::task::spawn_blocking(crate::seed::demo_password_hash)
        .await
        .expect("hash")
        .expect("hash");
    let name = email.split('@').next().unwrap_or(email);
    let person = app::db::user::ActiveModel {
        email: Set(email.into()),
        name: Set(format!("{}{}", name[..1].to_uppercase(), &name[1..])),
        title: Set(String::new()),
        password_hash: Set(hash),
        department_id: Set(department),
        manager_id: Set(manager),
        active: Set(true),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&db.conn)
    .await
    .expect("person");
    for role in std::iter::once(&"employee").chain(roles) {
        app::db::role_grant::ActiveModel {
            user_id: Set(person.id),
            role: Set((*role).into()),
            department_id: Set(matches!(*role, "agent" | "department_admin").then_some(department)),
            ..Default::default()
        }
        .insert(&db.conn)
        .await
        .expect("role");
    }
    person.id
}

/// Adds a department (`slug`) with one team and one category, each given as (slug, name);
/// returns the department's and the team's ids.
pub async fn add_department(
    db: &Db,
    slug: &str,
    name: &str,
    team: (&str, &str),
    category: (&str, &str),
) -> (i64, i64) {
    use sea_orm::ActiveModelTrait;
    let department = app::db::department::ActiveModel {
        slug: Set(slug.into()),
        name: Set(name.into()),
        description: Set(String::new()),
        icon: Set("🏢".into()),
        sort_order: Set(0),
        ..Default::default()
    }
    .insert(&db.conn)
    .await
    .expect("department");
    let team = app::db::team::ActiveModel {
        department_id: Set(department.id),
        slug: Set(team.0.into()),
        name: Set(team.1.into()),
        assignment: Set("manual".into()),
        ..Default::default()
    }
    .insert(&db.conn)
    .await
    .expect("team");
    app::db::category::ActiveModel {
        department_id: Set(department.id),
        slug: Set(category.0.into()),
        name: Set(category.1.into()),
        sort_order: Set(0),
        ..Default::default()
    }
    .insert(&db.conn)
    .await
    .expect("category");
    (department.id, team.id)
}

/// A person as the application sees them once signed in.
pub async fn session_user(db: &Db, id: i64) -> SessionUser {
    app::auth::service::load_session_user(&db.conn, app::auth::model::UserId(id))
        .await
        .expect("load")
        .expect("active")
}

/// A request's state as stored.
pub async fn request_state(db: &Db, id: RequestId) -> RequestState {
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
pub async fn request_version(db: &Db, id: RequestId) -> i32 {
    app::db::request::Entity::find_by_id(id.0)
        .one(&db.conn)
        .await
        .expect("query")
        .expect("request")
        .version
}

/// A file store over a fresh temporary folder.
/// A file store in folder `dir` (several routers of one test can share it).
pub fn files_at(dir: &std::path::Path) -> std::sync::Arc<dyn app::attachments::service::FileStore> {
    std::sync::Arc::new(
        crate::files::ObjectFileStore::open(&dir.to_string_lossy()).expect("open a file folder"),
    )
}

pub fn fresh_files() -> std::sync::Arc<dyn app::attachments::service::FileStore> {
    let dir = std::env::temp_dir()
        .join("atrium-tests")
        .join(format!("files_{}", unique_suffix()));
    std::sync::Arc::new(
        crate::files::ObjectFileStore::open(&dir.to_string_lossy()).expect("open a file folder"),
    )
}

/// Stores `bytes` as an upload of `user` named `name`, as the upload route does.
pub async fn store_upload(
    db: &Db,
    files: &dyn app::attachments::service::FileStore,
    user: &app::auth::model::SessionUser,
    name: &str,
    bytes: &[u8],
) -> app::attachments::model::UploadedFile {
    use app::attachments::service as attachments;
    let recognised = attachments::recognise(bytes, name).expect("a recognised file");
    let (token, key) = attachments::new_storage_key();
    let mut writer = files.create(&key).await.expect("create");
    writer.write(bytes.to_vec().into()).await.expect("write");
    writer.finish().await.expect("finish");
    attachments::record_upload(
        db,
        user,
        (token, key),
        name,
        &recognised,
        bytes.len() as u64,
    )
    .await
    .expect("record")
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
