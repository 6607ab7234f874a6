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

fn percentile(samples: &mut [Duration], q: f64) -> f64 {
    samples.sort();
    let n = ((samples.len() as f64 - 1.0) * q).round() as usize;
    samples.get(n).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Submits and moves on `count` requests each way, prints the figures, and rebuilds the
/// metrics (the changes made without them left the buckets behind).
pub async fn run(
    db: &Db,
    employee: &str,
    agent: &str,
    count: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let file = app::catalog::designer::read_item_file(include_str!(
        "../demo/catalog/report-it-problem.json"
    ))
    .map_err(|e| format!("{e:?}"))?;
    let form = file.definition.form;
    let employee = person(db, employee).await?;
    let agent = person(db, agent).await?;
    let without = db.without_metrics();
    let mut rng = StdRng::seed_from_u64(15);
    // [kept, not kept] × [submit, state change]
    let mut samples: [[Vec<Duration>; 2]; 2] = Default::default();
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
                let row = request::Entity::find_by_id(id.0)
                    .one(&db.conn)
                    .await?
                    .ok_or("the request vanished")?;
                let from: RequestState = row.state.parse().map_err(|_| "unknown state")?;
                let to = [RequestState::InFulfilment, RequestState::Resolved]
                    .into_iter()
                    .find(|to| from.check_transition(*to).is_ok())
                    .ok_or("no state to move the request to")?;
                let change = StateChange {
                    to,
                    expected_version: row.version,
                    note: None,
                };
                let started = Instant::now();
                requests::change_state(handle, &agent, id, change)
                    .await
                    .map_err(|e| format!("state change: {e:?}"))?;
                samples[way][1].push(started.elapsed());
            }
        }
    }
    println!("| change | metrics kept: p50 / p99 | not kept: p50 / p99 | cost at p50 |");
    println!("|---|---|---|---|");
    for (kind, name) in [(0, "submit"), (1, "state change")] {
        let [kept, not] = &mut samples;
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
    let started = Instant::now();
    let read = app::metrics::buckets::rebuild(db).await?;
    println!(
        "metrics rebuilt after the changes made without them: {read} requests in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
