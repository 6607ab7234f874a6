//! Bulk synthetic history for load and performance testing (`atrium generate --requests N`).
//!
//! Rows are written with multi-row INSERT statements, thousands per statement, in large
//! transactions: a million requests (and their "created" events) take a minute or two on SQLite.

use crate::config::GenerateArgs;
use crate::seed::seed_demo;
use app::db::{catalog_item, request, request_event, user, Db};
use app::domain::clock::ClockState;
use app::domain::state::{Priority, RequestState};
use app::error::AppResult;
use chrono::{Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::Query;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, QuerySelect};
use std::time::Instant;

/// Rows per INSERT statement (well under SQLite's 32,766 bound parameters).
const ROWS_PER_STATEMENT: usize = 1_000;
/// Rows per transaction.
const ROWS_PER_TRANSACTION: u64 = 50_000;

pub async fn generate(db: &Db, args: &GenerateArgs) -> AppResult<()> {
    seed_demo(db).await?;
    let users: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let items = catalog_item::Entity::find().all(&db.conn).await?;
    let mut versions = Vec::new();
    for item in &items {
        let version = app::catalog::service::latest_version(&db.conn, item.id).await?;
        versions.push((item.clone(), version.id));
    }
    // Each department's default calendar: generated open requests' resolution clocks count on it.
    let calendars: std::collections::HashMap<i64, i64> = app::db::calendar::Entity::find()
        .all(&db.conn)
        .await?
        .into_iter()
        .filter(|c| c.is_default)
        .map(|c| (c.department_id, c.id))
        .collect();
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(42);
    let now = Utc::now();
    let total = args.requests;
    let span_minutes = args.days * 24 * 60;
    // New ids continue after the existing rows; generated history is older than the seed's.
    let mut written = 0u64;
    while written < total {
        let batch = (total - written).min(ROWS_PER_TRANSACTION);
        let txn = db.begin_write().await?;
        let mut created_rows = Vec::with_capacity(batch as usize);
        let mut insert = fresh_request_insert();
        let mut in_statement = 0;
        for i in 0..batch {
            let n = written + i;
            let (item, version_id) = &versions[rng.gen_range(0..versions.len())];
            let requester = users[rng.gen_range(0..users.len())];
            // Oldest first, so ids grow with time like real data.
            let age = span_minutes - (n as i64 * span_minutes) / total as i64;
            let created = now - Duration::minutes(age.max(1)) - Duration::days(1);
            let state = pick_state(age / (24 * 60), &mut rng);
            let steps = path_to(state);
            let updated = created + Duration::hours(4 * steps.len() as i64);
            let resolved = matches!(state, RequestState::Resolved | RequestState::Closed)
                .then(|| created + Duration::hours(8));
            let sla = generated_sla(state, created, now, &mut rng);
            insert.values_panic([
                item.id.into(),
                (*version_id).into(),
                item.department_id.into(),
                Some(item.team_id).into(),
                requester.into(),
                requester.into(),
                item.name.clone().into(),
                state.as_str().into(),
                Priority::ALL[rng.gen_range(0..3)].as_str().into(),
                "{}".into(),
                (1 + steps.len() as i32).into(),
                created.into(),
                updated.into(),
                resolved.into(),
                sla.due.into(),
                Some(sla.state.as_str()).into(),
            ]);
            created_rows.push(Generated {
                requester,
                created,
                sla,
                calendar: calendars.get(&item.department_id).copied(),
            });
            in_statement += 1;
            if in_statement == ROWS_PER_STATEMENT {
                txn.execute(&insert).await?;
                insert = fresh_request_insert();
                in_statement = 0;
            }
        }
        if in_statement > 0 {
            txn.execute(&insert).await?;
        }
        created_events(&*txn, batch, &created_rows).await?;
        txn.commit().await?;
        written += batch;
        tracing::info!(
            written,
            total,
            elapsed_s = started.elapsed().as_secs(),
            "generating"
        );
    }
    // The metrics' buckets from the whole history, as `atrium rebuild-metrics` makes them.
    let rebuilding = Instant::now();
    app::metrics::buckets::rebuild(db).await?;
    println!(
        "rebuilt the metrics in {:.1} s",
        rebuilding.elapsed().as_secs_f64()
    );
    if db.backend() == sea_orm::DbBackend::Sqlite {
        db.conn.execute_unprepared("ANALYZE").await?;
    } else {
        db.conn.execute_unprepared("ANALYZE requests").await?;
    }
    println!(
        "generated {total} requests in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The "created" event of each of the `batch` requests just written (the highest ids), with
/// its requester and time from `created_rows`, and the resolution clock of each one still
/// open, in multi-row statements.
async fn created_events(
    txn: &impl ConnectionTrait,
    batch: u64,
    created_rows: &[Generated],
) -> AppResult<()> {
    // The ids just written are the highest ones: read them back in order for the events.
    let mut ids: Vec<i64> = request::Entity::find()
        .select_only()
        .column(request::Column::Id)
        .order_by_desc(request::Column::Id)
        .limit(batch)
        .into_tuple()
        .all(txn)
        .await?;
    ids.reverse();
    for chunk in ids
        .chunks(ROWS_PER_STATEMENT)
        .zip(created_rows.chunks(ROWS_PER_STATEMENT))
    {
        let mut events = Query::insert()
            .into_table(request_event::Entity)
            .columns([
                request_event::Column::RequestId,
                request_event::Column::ActorId,
                request_event::Column::Kind,
                request_event::Column::ToState,
                request_event::Column::Detail,
                request_event::Column::CreatedAt,
            ])
            .to_owned();
        let mut clocks = Query::insert()
            .into_table(app::db::request_clock::Entity)
            .columns([
                app::db::request_clock::Column::RequestId,
                app::db::request_clock::Column::Kind,
                app::db::request_clock::Column::CalendarId,
                app::db::request_clock::Column::State,
                app::db::request_clock::Column::Open,
                app::db::request_clock::Column::TargetMinutes,
                app::db::request_clock::Column::UsedMinutes,
                app::db::request_clock::Column::DueAt,
                app::db::request_clock::Column::ComputedAt,
            ])
            .to_owned();
        let mut any_clock = false;
        for (id, made) in chunk.0.iter().zip(chunk.1) {
            events.values_panic([
                (*id).into(),
                Some(made.requester).into(),
                "created".into(),
                Some("submitted").into(),
                "".into(),
                made.created.into(),
            ]);
            if made.sla.open {
                any_clock = true;
                clocks.values_panic([
                    (*id).into(),
                    "resolution".into(),
                    made.calendar.into(),
                    made.sla.state.as_str().into(),
                    true.into(),
                    (40i64 * 60).into(),
                    0i64.into(),
                    made.sla.due.into(),
                    made.created.into(),
                ]);
            }
        }
        txn.execute(&events).await?;
        if any_clock {
            txn.execute(&clocks).await?;
        }
    }
    Ok(())
}

fn fresh_request_insert() -> sea_orm::sea_query::InsertStatement {
    Query::insert()
        .into_table(request::Entity)
        .columns([
            request::Column::ItemId,
            request::Column::ItemVersionId,
            request::Column::DepartmentId,
            request::Column::TeamId,
            request::Column::RequesterId,
            request::Column::RequestedForId,
            request::Column::Title,
            request::Column::State,
            request::Column::Priority,
            request::Column::Answers,
            request::Column::Version,
            request::Column::CreatedAt,
            request::Column::UpdatedAt,
            request::Column::ResolvedAt,
            request::Column::DueAt,
            request::Column::SlaState,
        ])
        .to_owned()
}

/// A generated request's resolution clock, as its row and `request_clocks` keep it.
struct GeneratedSla {
    state: ClockState,
    due: Option<chrono::DateTime<Utc>>,
    /// Not stopped: a calendar change recomputes it.
    open: bool,
}

/// What a generated request remembers of its making, for its event and its clock.
struct Generated {
    requester: i64,
    created: chrono::DateTime<Utc>,
    sla: GeneratedSla,
    calendar: Option<i64>,
}

/// Open requests are due 16 to 80 hours after they were made (some past it: breached, some
/// within 8 hours: at risk), waiting ones are paused; four in five finished ones met theirs.
fn generated_sla(
    state: RequestState,
    created: chrono::DateTime<Utc>,
    now: chrono::DateTime<Utc>,
    rng: &mut impl Rng,
) -> GeneratedSla {
    use app::domain::state::StatusCategory;
    match state.category() {
        StatusCategory::Done => GeneratedSla {
            state: if rng.gen_bool(0.8) {
                ClockState::Met
            } else {
                ClockState::Breached
            },
            due: None,
            open: false,
        },
        StatusCategory::Paused => GeneratedSla {
            state: ClockState::Paused,
            due: None,
            open: true,
        },
        StatusCategory::Open => {
            let due = created + Duration::hours(rng.gen_range(16..80));
            let state = if due <= now {
                ClockState::Breached
            } else if due - now < Duration::hours(8) {
                ClockState::Warning
            } else {
                ClockState::Running
            };
            GeneratedSla {
                state,
                due: Some(due),
                open: true,
            }
        }
    }
}

/// Older requests are mostly finished; recent ones mostly open.
fn pick_state(age_days: i64, rng: &mut impl Rng) -> RequestState {
    let r = rng.gen_range(0..100);
    match age_days {
        d if d > 30 => match r {
            0..=84 => RequestState::Closed,
            85..=94 => RequestState::Cancelled,
            _ => RequestState::Rejected,
        },
        d if d > 7 => match r {
            0..=59 => RequestState::Resolved,
            60..=79 => RequestState::Closed,
            80..=89 => RequestState::InFulfilment,
            _ => RequestState::WaitingOnRequester,
        },
        _ => match r {
            0..=39 => RequestState::Submitted,
            40..=79 => RequestState::InFulfilment,
            80..=89 => RequestState::WaitingOnRequester,
            _ => RequestState::AwaitingApproval,
        },
    }
}

/// The path a request took to reach `state` (each step a legal transition).
pub fn path_to(state: RequestState) -> &'static [RequestState] {
    use RequestState::*;
    match state {
        Submitted => &[],
        InFulfilment => &[InFulfilment],
        WaitingOnRequester => &[InFulfilment, WaitingOnRequester],
        Resolved => &[InFulfilment, Resolved],
        Closed => &[InFulfilment, Resolved, Closed],
        Cancelled => &[Cancelled],
        AwaitingApproval => &[AwaitingApproval],
        Approved => &[AwaitingApproval, Approved],
        Rejected => &[AwaitingApproval, Rejected],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_paths_are_legal_transitions() {
        for state in RequestState::ALL {
            let mut from = RequestState::Submitted;
            for to in path_to(state) {
                assert!(from.check_transition(*to).is_ok(), "{from} -> {to}");
                from = *to;
            }
            assert_eq!(from, state);
        }
    }
}
