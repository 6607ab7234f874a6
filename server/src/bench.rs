//! `atrium bench`: server-side latency of the busiest pages, measured through the real router
//! (session lookup, server functions, database, server-side rendering) without network noise.
//!
//! Run it against a large database made by `atrium generate`, with a release build.

use crate::config::BenchArgs;
use crate::seed::DEMO_PASSWORD;
use app::db::{request, user, Db};
use axum::body::Body;
use axum::Router;
use http::{header, Request, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// Latency figures of one measured page.
#[derive(Debug)]
pub struct Figures {
    pub name: String,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub max: Duration,
}

/// Signs in through the real login endpoint and returns the session cookie.
pub async fn sign_in(app: &Router, email: &str, password: &str) -> Result<String, String> {
    let body = format!(
        "email={}&password={}",
        crate::middleware::percent_encode(email),
        crate::middleware::percent_encode(password)
    );
    let response = app
        .clone()
        .oneshot(
            Request::post("/api/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json")
                .body(Body::from(body))
                .map_err(|e| e.to_string())?,
        )
        .await
        .map_err(|e| e.to_string())?;
    if !(response.status().is_success() || response.status().is_redirection()) {
        return Err(format!("sign-in as {email} failed: {}", response.status()));
    }
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| {
            c.starts_with(crate::SESSION_COOKIE) || c.starts_with(crate::SECURE_SESSION_COOKIE)
        })
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
        .ok_or_else(|| "no session cookie after sign-in".to_owned())
}

async fn measure(
    app: &Router,
    cookie: &str,
    path: &str,
    iterations: usize,
) -> Result<Figures, String> {
    let mut samples = Vec::with_capacity(iterations);
    for i in 0..iterations + 10 {
        let started = Instant::now();
        let response = app
            .clone()
            .oneshot(
                Request::get(path)
                    .header(header::COOKIE, cookie)
                    .body(Body::empty())
                    .map_err(|e| e.to_string())?,
            )
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .map_err(|e| e.to_string())?;
        let elapsed = started.elapsed();
        if status != StatusCode::OK {
            return Err(format!("{path}: HTTP {status}"));
        }
        // A list page shows its table, a request page its details: a page that rendered an
        // error instead would measure nothing.
        let expected = if path.starts_with("/requests/") {
            "answers-heading"
        } else if path.starts_with("/insights?") {
            "insights-table"
        } else {
            "request-table"
        };
        if i == 0 && !String::from_utf8_lossy(&body).contains(expected) {
            return Err(format!("{path}: the page has no `{expected}`"));
        }
        // The first few warm caches and pools; they are not counted.
        if i >= 10 {
            samples.push(elapsed);
        }
    }
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    Ok(Figures {
        name: path.to_owned(),
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
        max: *samples.last().unwrap_or(&Duration::ZERO),
    })
}

/// Throughput of one page under concurrent load.
#[derive(Debug)]
pub struct Throughput {
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

/// `clients` tasks load `path` with `cookie` back to back for `seconds` (after a one-second
/// warm-up that is not counted), through the whole router on this process's runtime: the
/// server's own cost per page, with no network in between.
pub async fn throughput(
    app: &Router,
    cookie: &str,
    path: &str,
    clients: usize,
    seconds: u64,
) -> Result<Throughput, String> {
    let warm_up = Instant::now() + Duration::from_secs(1);
    let end = warm_up + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..clients.max(1))
        .map(|_| {
            let (app, cookie, path) = (app.clone(), cookie.to_owned(), path.to_owned());
            tokio::spawn(async move {
                let mut samples = Vec::new();
                loop {
                    let started = Instant::now();
                    if started >= end {
                        return Ok::<_, String>(samples);
                    }
                    let request = Request::get(path.as_str())
                        .header(header::COOKIE, cookie.as_str())
                        .body(Body::empty())
                        .map_err(|e| e.to_string())?;
                    let response = app
                        .clone()
                        .oneshot(request)
                        .await
                        .map_err(|e| e.to_string())?;
                    let status = response.status();
                    axum::body::to_bytes(response.into_body(), usize::MAX)
                        .await
                        .map_err(|e| e.to_string())?;
                    if status != StatusCode::OK {
                        return Err(format!("{path}: HTTP {status}"));
                    }
                    if started >= warm_up {
                        samples.push(started.elapsed());
                    }
                }
            })
        })
        .collect();
    let mut samples = Vec::new();
    for task in tasks {
        samples.extend(task.await.map_err(|e| e.to_string())??);
    }
    if samples.is_empty() {
        return Err("no page finished in the measured time".into());
    }
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    Ok(Throughput {
        per_second: samples.len() as f64 / seconds.max(1) as f64,
        p50: at(0.50),
        p99: at(0.99),
        max: *samples.last().unwrap_or(&Duration::ZERO),
    })
}

pub async fn run(db: Db, args: &BenchArgs) -> Result<(), Box<dyn std::error::Error>> {
    let total = request::Entity::find().count(&db.conn).await?;
    let max_id: i64 = request::Entity::find()
        .select_only()
        .column(request::Column::Id)
        .order_by_desc(request::Column::Id)
        .into_tuple()
        .one(&db.conn)
        .await?
        .unwrap_or(0);
    let employee = match &args.employee {
        Some(email) => email.clone(),
        None => {
            // The person with the most requests: the worst case for "My requests".
            let (requester, _): (i64, i64) = request::Entity::find()
                .select_only()
                .column(request::Column::RequesterId)
                .column_as(
                    sea_orm::sea_query::Expr::expr(sea_orm::sea_query::Func::count(
                        sea_orm::sea_query::Expr::col(request::Column::Id),
                    )),
                    "n",
                )
                .group_by(request::Column::RequesterId)
                .order_by_desc(sea_orm::sea_query::Expr::col("n"))
                .into_tuple()
                .one(&db.conn)
                .await?
                .ok_or("no requests: run `atrium generate` first")?;
            user::Entity::find_by_id(requester)
                .one(&db.conn)
                .await?
                .ok_or("requester missing")?
                .email
        }
    };
    let db_for_cases = db.conn.clone();
    let find_user = |email: String| {
        let conn = db.conn.clone();
        async move {
            user::Entity::find()
                .filter(user::Column::Email.eq(email))
                .one(&conn)
                .await?
                .ok_or_else(|| Box::<dyn std::error::Error>::from("no such person"))
        }
    };
    let employee_name = find_user(employee.clone()).await?.name;
    if args.writes > 0 {
        let kept = bench_router(db.clone())?;
        let routers = crate::bench_writes::Routers {
            not_kept: bench_router(db.without_metrics())?,
            employee: sign_in(&kept, &employee, DEMO_PASSWORD).await?,
            agent: sign_in(&kept, &args.agent, DEMO_PASSWORD).await?,
            kept,
        };
        return crate::bench_writes::run(&db, &employee, &args.agent, args.writes, Some(routers))
            .await;
    }
    let db_for_recompute = db.clone();
    let agent_department = find_user(args.agent.clone()).await?.department_id;
    let app = bench_router(db)?;
    let employee_cookie = sign_in(&app, &employee, DEMO_PASSWORD).await?;
    if let Some(clients) = args.concurrent {
        let figures = throughput(&app, &employee_cookie, &args.page, clients, args.seconds).await?;
        println!(
            "{clients} concurrent clients, `{}` as {employee}, {} s: {:.0} pages/s; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            args.page,
            args.seconds,
            figures.per_second,
            ms(figures.p50),
            ms(figures.p99),
            ms(figures.max)
        );
        return Ok(());
    }
    let agent_cookie = sign_in(&app, &args.agent, DEMO_PASSWORD).await?;
    let leader_cookie = sign_in(&app, &args.leader, DEMO_PASSWORD).await?;
    println!(
        "requests in database: {total}; employee: {employee}; agent: {}",
        args.agent
    );
    // A cursor half-way down the history: keyset paging should cost the same as page one.
    let middle = max_id / 2;
    let deep_mine = format!("/my-requests?state=all&before={middle}");
    let deep_queue = format!("/queue?state=all&before={middle}");
    // The queue's other orders and filters, from the top and half-way down.
    let middle_row = request::Entity::find()
        .filter(request::Column::Id.lte(middle))
        .filter(request::Column::DepartmentId.eq(agent_department))
        .order_by_desc(request::Column::Id)
        .one(&db_for_cases)
        .await?
        .ok_or("no requests: run `atrium generate` first")?;
    let deep_updated = format!(
        "/queue?state=all&sort=updated&before=t{}.{}",
        middle_row.updated_at.timestamp_micros(),
        middle_row.id
    );
    let deep_priority = format!("/queue?state=all&sort=priority&before=g2.{}", middle_row.id);
    let by_item = format!("/queue?item={}", middle_row.item_id);
    let item_word = middle_row
        .title
        .split_whitespace()
        .next()
        .unwrap_or("a")
        .to_lowercase();
    let by_item_word = format!("/queue?q={item_word}");
    let requester_word = employee_name
        .split_whitespace()
        .last()
        .unwrap_or("a")
        .to_lowercase();
    let by_requester = format!("/queue?q={requester_word}");
    // A request as its department's agent reads it: answers, timeline, links, reply templates
    // and the requester's context (their other open requests counted).
    let request_page = format!("/requests/{}", app::ids::RequestId(middle_row.id));
    // Due soonest, from the top and from a cursor among the requests with a due time.
    let due_rows: Vec<(i64, Option<chrono::DateTime<chrono::Utc>>)> = request::Entity::find()
        .select_only()
        .column(request::Column::Id)
        .column(request::Column::DueAt)
        .filter(request::Column::DepartmentId.eq(agent_department))
        .filter(request::Column::DueAt.is_not_null())
        .order_by_asc(request::Column::DueAt)
        .order_by_asc(request::Column::Id)
        .limit(2_000)
        .into_tuple()
        .all(&db_for_cases)
        .await?;
    let deep_due = match due_rows.last() {
        Some((id, Some(due))) => format!("/queue?sort=due&before=d{}.{id}", due.timestamp_micros()),
        _ => "/queue?sort=due".to_owned(),
    };
    let by_item_insights = format!("/insights?period=quarter&item={}", middle_row.item_id);
    let cases = [
        (&employee_cookie, "/my-requests"),
        (&employee_cookie, "/my-requests?state=closed"),
        (&employee_cookie, deep_mine.as_str()),
        (&agent_cookie, "/queue"),
        (&agent_cookie, "/queue?state=all"),
        (&agent_cookie, "/queue?state=resolved"),
        (&agent_cookie, "/queue?owner=nobody"),
        (&agent_cookie, deep_queue.as_str()),
        (&agent_cookie, "/queue?sort=oldest"),
        (&agent_cookie, "/queue?sort=updated"),
        (&agent_cookie, deep_updated.as_str()),
        (&agent_cookie, "/queue?sort=priority"),
        (&agent_cookie, deep_priority.as_str()),
        (&agent_cookie, "/queue?sort=owner"),
        (&agent_cookie, "/queue?owner=nobody&team=mine&sort=oldest"),
        (&agent_cookie, "/queue?priority=high"),
        (&agent_cookie, by_item.as_str()),
        (&agent_cookie, by_item_word.as_str()),
        (&agent_cookie, by_requester.as_str()),
        (&agent_cookie, request_page.as_str()),
        (&agent_cookie, "/queue?sort=due"),
        (&agent_cookie, deep_due.as_str()),
        (&agent_cookie, "/queue?sla=at_risk"),
        (&agent_cookie, "/queue?sla=breached&sort=due"),
        (&leader_cookie, "/insights?period=quarter"),
        (
            &leader_cookie,
            "/insights?period=custom&from=2020-01-01&to=2030-12-31",
        ),
        (
            &leader_cookie,
            "/insights/requests?metric=resolved&period=quarter",
        ),
        (
            &leader_cookie,
            "/insights/requests?metric=backlog&min_age=31",
        ),
        (
            &leader_cookie,
            "/insights/requests?metric=sla&period=quarter",
        ),
        (
            &leader_cookie,
            "/insights/requests?metric=reopened&period=quarter",
        ),
        (
            &leader_cookie,
            "/insights/requests?metric=approval&period=quarter",
        ),
        (&leader_cookie, by_item_insights.as_str()),
    ];
    println!("| page | p50 | p95 | p99 | max |");
    println!("|---|---|---|---|---|");
    for (cookie, path) in cases {
        let f = measure(&app, cookie, path, args.iterations).await?;
        println!(
            "| `{}` | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
            f.name,
            ms(f.p50),
            ms(f.p95),
            ms(f.p99),
            ms(f.max)
        );
    }
    if args.recompute > 0 {
        recompute_clocks(&db_for_recompute, args.recompute).await?;
    }
    export_csv(&app, &leader_cookie).await?;
    Ok(())
}

/// The peak resident memory of this process so far (Linux), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Downloads the CSV of every request resolved over the whole history, streamed, and prints
/// rows per second and the process's peak memory before and after.
async fn export_csv(app: &Router, cookie: &str) -> Result<(), Box<dyn std::error::Error>> {
    use futures::StreamExt;
    let before = peak_rss_mib();
    let started = Instant::now();
    let request = Request::builder()
        .uri(
            "/insights/requests/export?metric=resolved&period=custom&from=2024-12-01&to=2029-11-30",
        )
        .header(header::COOKIE, cookie)
        .body(Body::empty())?;
    let response = app.clone().oneshot(request).await?;
    if response.status() != StatusCode::OK {
        return Err(format!("CSV export answered {}", response.status()).into());
    }
    let mut body = response.into_body().into_data_stream();
    let (mut bytes, mut lines) = (0usize, 0usize);
    while let Some(data) = body.next().await {
        let data = data?;
        bytes += data.len();
        lines += data.iter().filter(|b| **b == b'\n').count();
    }
    let took = started.elapsed();
    println!(
        "CSV export: {} rows, {:.1} MB in {:.2} s ({:.0} rows/s); peak memory {:.0} MiB before, {:.0} MiB after",
        lines.saturating_sub(1),
        bytes as f64 / 1e6,
        took.as_secs_f64(),
        lines as f64 / took.as_secs_f64().max(1e-9),
        before.unwrap_or(0.0),
        peak_rss_mib().unwrap_or(0.0)
    );
    Ok(())
}

/// Recomputes the clocks of up to `most` open requests the way a calendar change does, batch
/// by batch, and prints the time taken and the longest batch (a write transaction: other
/// writers wait at most that long).
async fn recompute_clocks(db: &Db, most: usize) -> Result<(), Box<dyn std::error::Error>> {
    use app::sla::clocks::{recompute, RECOMPUTE_BATCH};
    let ids: Vec<i64> = app::db::request_clock::Entity::find()
        .select_only()
        .column(app::db::request_clock::Column::RequestId)
        .filter(app::db::request_clock::Column::Open.eq(true))
        .order_by_asc(app::db::request_clock::Column::RequestId)
        .limit(most as u64)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let started = Instant::now();
    let mut longest = Duration::ZERO;
    let mut done = 0;
    for batch in ids.chunks(RECOMPUTE_BATCH) {
        let at = Instant::now();
        done += recompute(db, batch).await?;
        longest = longest.max(at.elapsed());
    }
    let took = started.elapsed();
    println!(
        "recomputed the clocks of {done} open requests in {:.1} s ({:.0} per second); longest batch of {RECOMPUTE_BATCH}: {:.1} ms",
        took.as_secs_f64(),
        done as f64 / took.as_secs_f64().max(1e-9),
        ms(longest)
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The application over `db`, as the server builds it.
fn bench_router(db: Db) -> Result<Router, Box<dyn std::error::Error>> {
    let state = crate::app_state(
        db,
        bench_files()?,
        crate::leptos_options(
            std::path::Path::new("target/site"),
            ([127, 0, 0, 1], 3000).into(),
        ),
        app::state::RuntimeSettings::default(),
    );
    Ok(crate::router(state))
}

/// A file store in a new temporary folder: the benchmark uploads nothing, but the application
/// needs one.
fn bench_files() -> Result<std::sync::Arc<dyn app::attachments::service::FileStore>, String> {
    let dir = std::env::temp_dir().join(format!("atrium-bench-files-{}", std::process::id()));
    let store = crate::files::ObjectFileStore::open(&dir.to_string_lossy())?;
    Ok(std::sync::Arc::new(store))
}
