//! `atrium bench --writes N`: what keeping the leadership metrics costs a change to a request.
//!
//! The same use cases — an employee submits an IT problem report (which starts its SLA
//! clocks), the service desk moves it on — run on the same database with the metrics kept and
//! without, in alternating rounds so the database's growth weighs on both alike. Measured at
//! the use case (no HTTP, no page): the metrics' share of what a person waits for is smaller.

use app::auth::service::load_session_user;
use app::db::{request, user, Db};
use app::domain::state::RequestState;
use app::requests::service::{self as requests, StateChange};
use rand::rngs::StdRng;
use rand::SeedableRng;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::time::{Duration, Instant};

/// Changes per round of each kind, before switching between kept and not kept.
const ROUND: usize = 25;
const ITEM: &str = "report-it-problem";

async fn person(db: &Db, email: &str) -> Result<app::auth::model::SessionUser, String> {
    let row = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&db.conn)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("nobody is called {email}"))?;
    load_session_user(&db.conn, app::auth::model::UserId(row.id))
        .await
        .map_err(|e| format!("{e:?}"))?
        .ok_or_else(|| format!("{email} is not active"))
}

/// [kept, not kept] × [submit, start work, resolve].
type Samples = [[Vec<Duration>; 3]; 2];

/// Prints p50 and p99 of each change, kept and not kept, and the cost at p50.
fn table(samples: &mut Samples) {
    println!("| change | metrics kept: p50 / p99 | not kept: p50 / p99 | cost at p50 |");
    println!("|---|---|---|---|");
    for (kind, name) in [
        (0, "submit"),
        (1, "start work (no number moves)"),
        (2, "resolve"),
    ] {
        let [kept, not] = samples;
        let (k50, k99) = (
            percentile(&mut kept[kind], 0.5),
            percentile(&mut kept[kind], 0.99),
        );
        let (n50, n99) = (
            percentile(&mut not[kind], 0.5),
            percentile(&mut not[kind], 0.99),
        );
        println!(
            "| {name} ({} each) | {k50:.2} / {k99:.2} ms | {n50:.2} / {n99:.2} ms | {:+.1}% |",
            kept[kind].len(),
            (k50 / n50.max(1e-9) - 1.0) * 100.0
        );
    }
}

fn percentile(samples: &mut [Duration], q: f64) -> f64 {
    samples.sort();
    let n = ((samples.len() as f64 - 1.0) * q).round() as usize;
    samples.get(n).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// The same application twice, over one database: keeping the metrics and not, with the
/// session cookies of the employee and the agent (sessions live in the database: both work on
/// both).
pub struct Routers {
    pub kept: axum::Router,
    pub not_kept: axum::Router,
    pub employee: String,
    pub agent: String,
}

/// Posts a form to a server function as the browser does without JavaScript, asking for JSON.
async fn post(
    app: &axum::Router,
    cookie: &str,
    path: &str,
    body: String,
) -> Result<serde_json::Value, String> {
    use http::header;
    use tower::ServiceExt;
    let request = http::Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header("sec-fetch-site", "same-origin")
        .body(axum::body::Body::from(body))
        .map_err(|e| e.to_string())?;
    let response = app
        .clone()
        .oneshot(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!(
            "{path} answered {status}: {}",
            String::from_utf8_lossy(&bytes)
        ));
    }
    Ok(serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

/// Submits and moves on `count` requests each way — through the use cases, and through the
/// router as a browser posts the forms when `http` is given — prints the figures, and rebuilds
/// the metrics (the changes made without them left the buckets behind).
pub async fn run(
    db: &Db,
    employee: &str,
    agent: &str,
    count: usize,
    http: Option<Routers>,
) -> Result<(), Box<dyn std::error::Error>> {
    let file = app::catalog::designer::read_item_file(include_str!(
        "../demo/catalog/report-it-problem.json"
    ))
    .map_err(|e| format!("{e:?}"))?;
    let form = file.definition.form;
    let employee = person(db, employee).await?;
    let agent = person(db, agent).await?;
    let without = db.without_metrics();
    settle(db).await?;
    let mut rng = StdRng::seed_from_u64(15);
    let mut samples: Samples = Default::default();
    let rounds = count.div_ceil(ROUND);
    for round in 0..rounds {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for way in order {
            let handle = if way == 0 { db } else { &without };
            for _ in 0..ROUND {
                let today = handle.now().date_naive();
                let raw = crate::seed::history::to_raw(
                    &form,
                    &crate::seed::history::sample_answers(&form, today, &mut rng),
                );
                let started = Instant::now();
                let id = requests::submit(handle, &employee, ITEM, raw)
                    .await
                    .map_err(|e| format!("submit: {e:?}"))?;
                samples[way][0].push(started.elapsed());
                for (kind, to) in [(1, RequestState::InFulfilment), (2, RequestState::Resolved)] {
                    let row = request::Entity::find_by_id(id.0)
                        .one(&db.conn)
                        .await?
                        .ok_or("the request vanished")?;
                    let change = StateChange {
                        to,
                        expected_version: row.version,
                        note: None,
                    };
                    let started = Instant::now();
                    requests::change_state(handle, &agent, id, change)
                        .await
                        .map_err(|e| format!("state change: {e:?}"))?;
                    samples[way][kind].push(started.elapsed());
                }
            }
        }
    }
    println!("Through the use cases (the kernel's transaction and what it reads and writes):");
    println!();
    table(&mut samples);
    if let Some(routers) = http {
        let mut samples: Samples = Default::default();
        for round in 0..rounds {
            let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for way in order {
                let app = if way == 0 {
                    &routers.kept
                } else {
                    &routers.not_kept
                };
                for _ in 0..ROUND {
                    let today = db.now().date_naive();
                    let raw = crate::seed::history::to_raw(
                        &form,
                        &crate::seed::history::sample_answers(&form, today, &mut rng),
                    );
                    let mut body = form_urlencoded::Serializer::new(String::new());
                    body.append_pair("item", ITEM);
                    for (key, value) in &raw {
                        body.append_pair(&format!("answers[{key}]"), value);
                    }
                    let started = Instant::now();
                    let id =
                        post(app, &routers.employee, "/api/submit_request", body.finish()).await?;
                    samples[way][0].push(started.elapsed());
                    let id: app::ids::RequestId = serde_json::from_value(id)
                        .map_err(|e| format!("the submission's answer: {e}"))?;
                    for (kind, to) in [(1, RequestState::InFulfilment), (2, RequestState::Resolved)]
                    {
                        let row = request::Entity::find_by_id(id.0)
                            .one(&db.conn)
                            .await?
                            .ok_or("the request vanished")?;
                        let body = form_urlencoded::Serializer::new(String::new())
                            .append_pair("number", &id.to_string())
                            .append_pair("to", to.as_str())
                            .append_pair("version", &row.version.to_string())
                            .finish();
                        let started = Instant::now();
                        post(app, &routers.agent, "/api/change_request_state", body).await?;
                        samples[way][kind].push(started.elapsed());
                    }
                }
            }
        }
        println!();
        println!("Through the router, as a browser posts the forms (session, form, server function, answer):");
        println!();
        table(&mut samples);
    }
    let started = Instant::now();
    let read = app::metrics::buckets::rebuild(db).await?;
    println!(
        "metrics rebuilt after the changes made without them: {read} requests in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    settle(db).await?;
    Ok(())
}

/// On PostgreSQL, clears the dead row versions a rebuild (or an earlier run) left and refreshes
/// the planner's statistics, so autovacuum does not start in the middle of a measurement and
/// blur it (runs moved by half before this). SQLite has nothing of the kind to wait for.
async fn settle(db: &Db) -> Result<(), Box<dyn std::error::Error>> {
    use sea_orm::ConnectionTrait;
    if db.conn.get_database_backend() == sea_orm::DbBackend::Postgres {
        let started = Instant::now();
        db.conn
            .execute_unprepared(
                "VACUUM (ANALYZE) requests, request_events, request_clocks, audit_log, \
                 metric_days, metric_department_days",
            )
            .await?;
        println!(
            "(PostgreSQL vacuumed and analysed in {:.1} s)",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
