//! Bulk synthetic history for load and performance testing (`atrium generate --requests N`).
//!
//! Rows are written with multi-row INSERT statements, thousands per statement, in large
//! transactions: a million requests (with their timelines and clocks) take a minute or two on
//! SQLite. Each department has its own pace (see [`Profile`]), so the dashboard tells a story.

use crate::config::GenerateArgs;
use crate::seed::seed_demo;
use app::db::{catalog_item, request, request_event, user, Db};
use app::domain::clock::ClockState;
use app::domain::state::{Priority, RequestState};
use app::error::AppResult;
use chrono::{Duration, SubsecRound, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::Query;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, QuerySelect};
use std::time::Instant;

/// Rows per INSERT statement (well under SQLite's 32,766 bound parameters).
const ROWS_PER_STATEMENT: usize = 1_000;
/// Rows per transaction.
const ROWS_PER_TRANSACTION: u64 = 50_000;

/// How a department serves, in the generated history: the spread of its times to resolve
/// (log-uniform between two bounds, in minutes), its resolution target, and how often its
/// requests wait for an approval first — so the dashboard tells a story (IT fast, Facilities
/// slow, Finance approving most).
struct Profile {
    resolve: (f64, f64),
    target_minutes: i64,
    approval: f64,
    /// The mean rating its requesters give (a third of them rate).
    rating: f64,
}

fn profile(department_slug: &str) -> Profile {
    match department_slug {
        "it" => Profile {
            resolve: (20.0, 960.0),
            target_minutes: 8 * 60,
            approval: 0.05,
            rating: 4.5,
        },
        "facilities" => Profile {
            resolve: (480.0, 14_400.0),
            target_minutes: 5 * 24 * 60,
            approval: 0.05,
            rating: 3.5,
        },
        "finance" => Profile {
            resolve: (240.0, 7_200.0),
            target_minutes: 3 * 24 * 60,
            approval: 0.6,
            rating: 4.0,
        },
        "hr" => Profile {
            resolve: (120.0, 5_760.0),
            target_minutes: 2 * 24 * 60,
            approval: 0.25,
            rating: 4.2,
        },
        _ => Profile {
            resolve: (240.0, 5_760.0),
            target_minutes: 2 * 24 * 60,
            approval: 0.1,
            rating: 4.0,
        },
    }
}

fn log_uniform((low, high): (f64, f64), rng: &mut impl Rng) -> i64 {
    (low * (high / low).powf(rng.gen_range(0.0..1.0))) as i64
}

pub async fn generate(db: &Db, args: &GenerateArgs) -> AppResult<()> {
    seed_demo(db).await?;
    let users: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let items = catalog_item::Entity::find().all(&db.conn).await?;
    let slugs: std::collections::HashMap<i64, String> = app::db::department::Entity::find()
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|d| (d.id, d.slug))
        .collect();
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
    let now = Utc::now().trunc_subsecs(6);
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
            // Who works on it: one person of the desk, sometimes a second.
            let desk = users[rng.gen_range(0..users.len())];
            let second = if rng.gen_bool(0.15) {
                users[rng.gen_range(0..users.len())]
            } else {
                desk
            };
            // Oldest first, so ids grow with time like real data.
            let age = span_minutes - (n as i64 * span_minutes) / total as i64;
            let created = now - Duration::minutes(age.max(1)) - Duration::days(1);
            let state = pick_state(age / (24 * 60), &mut rng);
            let profile = profile(slugs.get(&item.department_id).map_or("", String::as_str));
            let approval = rng.gen_bool(profile.approval);
            // One in twenty-five finished requests was reopened once on the way.
            let reopened = rng.gen_bool(0.04);
            let steps = path_to(state, approval, reopened);
            // When each step happened: an approval takes 1 to 48 hours, the work after it a
            // draw from the department's spread; nothing happens after now.
            let latest = now - Duration::minutes(1);
            let approved_at = (created + Duration::minutes(rng.gen_range(60..2_880))).min(latest);
            let work_from = if approval { approved_at } else { created };
            let resolved_at =
                (work_from + Duration::minutes(log_uniform(profile.resolve, &mut rng))).min(latest);
            let mut events: Vec<(RequestState, RequestState, chrono::DateTime<Utc>, i64)> =
                Vec::with_capacity(steps.len());
            let mut from = RequestState::Submitted;
            let span = resolved_at - work_from;
            let total_resolutions = steps
                .iter()
                .filter(|s| **s == RequestState::Resolved)
                .count();
            let mut resolutions = 0;
            let mut starts = 0;
            for to in &steps {
                use RequestState::*;
                let at = match to {
                    AwaitingApproval => created + Duration::minutes(1),
                    Approved | Rejected if approval => approved_at,
                    InFulfilment => {
                        starts += 1;
                        work_from
                            + if starts == 1 {
                                span / 10
                            } else {
                                span * 7 / 10
                            }
                    }
                    WaitingOnRequester => work_from + span / 2,
                    Resolved => {
                        resolutions += 1;
                        if resolutions == total_resolutions {
                            resolved_at
                        } else {
                            work_from + span * 6 / 10
                        }
                    }
                    Closed => (resolved_at + Duration::days(3)).min(latest),
                    _ => created + Duration::minutes(30),
                }
                .max(created);
                let actor = if *to == Resolved { second } else { desk };
                events.push((from, *to, at, actor));
                from = *to;
            }
            let updated = events.last().map_or(created, |e| e.2);
            let resolved = matches!(state, RequestState::Resolved | RequestState::Closed)
                .then_some(resolved_at);
            let rating = (resolved.is_some() && rng.gen_bool(0.35)).then(|| {
                (profile.rating + rng.gen_range(-1.5..1.5))
                    .round()
                    .clamp(1.0, 5.0) as i16
            });
            let sla = generated_sla(state, created, resolved, now, &profile, &mut rng);
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
                rating.into(),
            ]);
            created_rows.push(Generated {
                requester,
                created,
                sla,
                calendar: calendars.get(&item.department_id).copied(),
                events,
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
        history_rows(&*txn, batch, &created_rows).await?;
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
    // Statistics for the query planners, on both databases.
    db.conn.execute_unprepared("ANALYZE").await?;
    println!(
        "generated {total} requests in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The timeline of each of the `batch` requests just written (the highest ids) — its
/// "created" event and each state change, with their people and times from `created_rows` —
/// and its resolution clock, in multi-row statements.
async fn history_rows(
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
    let fresh_events = || {
        Query::insert()
            .into_table(request_event::Entity)
            .columns([
                request_event::Column::RequestId,
                request_event::Column::ActorId,
                request_event::Column::Kind,
                request_event::Column::FromState,
                request_event::Column::ToState,
                request_event::Column::Detail,
                request_event::Column::CreatedAt,
            ])
            .to_owned()
    };
    let fresh_clocks = || {
        Query::insert()
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
                app::db::request_clock::Column::BreachedAt,
                app::db::request_clock::Column::ComputedAt,
            ])
            .to_owned()
    };
    let (mut events, mut in_events) = (fresh_events(), 0usize);
    let (mut clocks, mut in_clocks) = (fresh_clocks(), 0usize);
    for (id, made) in ids.iter().zip(created_rows) {
        events.values_panic([
            (*id).into(),
            Some(made.requester).into(),
            "created".into(),
            None::<&str>.into(),
            Some("submitted").into(),
            "".into(),
            made.created.into(),
        ]);
        in_events += 1;
        for (from, to, at, actor) in &made.events {
            events.values_panic([
                (*id).into(),
                Some(*actor).into(),
                "state_changed".into(),
                Some(from.as_str()).into(),
                Some(to.as_str()).into(),
                "".into(),
                (*at).into(),
            ]);
            in_events += 1;
        }
        if in_events >= ROWS_PER_STATEMENT * 3 {
            txn.execute(&events).await?;
            (events, in_events) = (fresh_events(), 0);
        }
        if let Some(clock) = &made.sla.clock {
            clocks.values_panic([
                (*id).into(),
                "resolution".into(),
                made.calendar.filter(|_| clock.open).into(),
                made.sla.state.as_str().into(),
                clock.open.into(),
                clock.target.into(),
                clock.used.into(),
                made.sla.due.into(),
                clock.breached_at.into(),
                made.created.into(),
            ]);
            in_clocks += 1;
            if in_clocks == ROWS_PER_STATEMENT {
                txn.execute(&clocks).await?;
                (clocks, in_clocks) = (fresh_clocks(), 0);
            }
        }
    }
    if in_events > 0 {
        txn.execute(&events).await?;
    }
    if in_clocks > 0 {
        txn.execute(&clocks).await?;
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
            request::Column::Rating,
        ])
        .to_owned()
}

/// A generated request's resolution clock, as its row and `request_clocks` keep it.
struct GeneratedSla {
    state: ClockState,
    due: Option<chrono::DateTime<Utc>>,
    /// Its stored clock (none for a request rejected or cancelled).
    clock: Option<StoredClock>,
}

struct StoredClock {
    /// Not stopped: a calendar change recomputes it.
    open: bool,
    target: i64,
    used: i64,
    breached_at: Option<chrono::DateTime<Utc>>,
}

/// What a generated request remembers of its making, for its timeline and its clock.
struct Generated {
    requester: i64,
    created: chrono::DateTime<Utc>,
    sla: GeneratedSla,
    calendar: Option<i64>,
    /// Each state change: from, to, when, by whom.
    events: Vec<(RequestState, RequestState, chrono::DateTime<Utc>, i64)>,
}

/// A resolved request met its department's target when it took no longer (calendar time: the
/// generated clocks count round the clock once stopped); open requests are due 16 to 80 hours
/// after they were made (some past it: breached, some within 8 hours: at risk), waiting ones
/// are paused.
fn generated_sla(
    state: RequestState,
    created: chrono::DateTime<Utc>,
    resolved: Option<chrono::DateTime<Utc>>,
    now: chrono::DateTime<Utc>,
    profile: &Profile,
    rng: &mut impl Rng,
) -> GeneratedSla {
    use app::domain::state::StatusCategory;
    let target = profile.target_minutes;
    match (state.category(), resolved) {
        (StatusCategory::Done, Some(resolved)) => {
            let used = (resolved - created).num_minutes().max(0);
            let met = used <= target;
            GeneratedSla {
                state: if met {
                    ClockState::Met
                } else {
                    ClockState::Breached
                },
                due: None,
                clock: Some(StoredClock {
                    open: false,
                    target,
                    used,
                    breached_at: (!met).then(|| created + Duration::minutes(target)),
                }),
            }
        }
        // Rejected or cancelled: the clock stopped without a verdict to count.
        (StatusCategory::Done, None) => GeneratedSla {
            state: ClockState::Met,
            due: None,
            clock: None,
        },
        (StatusCategory::Paused, _) => GeneratedSla {
            state: ClockState::Paused,
            due: None,
            clock: Some(StoredClock {
                open: true,
                target,
                used: 0,
                breached_at: None,
            }),
        },
        (StatusCategory::Open, _) => {
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
                clock: Some(StoredClock {
                    open: true,
                    target,
                    used: 0,
                    breached_at: None,
                }),
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

/// The path a request took to reach `state` (each step a legal transition); `approval`: the
/// work waited for an approval first; `reopened`: a resolved request was reopened once and
/// resolved again.
pub fn path_to(state: RequestState, approval: bool, reopened: bool) -> Vec<RequestState> {
    use RequestState::*;
    let work: &[RequestState] = match state {
        Submitted | Cancelled | AwaitingApproval | Approved | Rejected => &[],
        InFulfilment => &[InFulfilment],
        WaitingOnRequester => &[InFulfilment, WaitingOnRequester],
        Resolved if reopened => &[InFulfilment, Resolved, InFulfilment, Resolved],
        Resolved => &[InFulfilment, Resolved],
        Closed if reopened => &[InFulfilment, Resolved, InFulfilment, Resolved, Closed],
        Closed => &[InFulfilment, Resolved, Closed],
    };
    match state {
        Submitted => Vec::new(),
        Cancelled => vec![Cancelled],
        AwaitingApproval => vec![AwaitingApproval],
        Approved => vec![AwaitingApproval, Approved],
        Rejected => vec![AwaitingApproval, Rejected],
        _ if approval => [AwaitingApproval, Approved]
            .into_iter()
            .chain(work.iter().copied())
            .collect(),
        _ => work.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_paths_are_legal_transitions() {
        for state in RequestState::ALL {
            for (approval, reopened) in [(false, false), (true, false), (false, true), (true, true)]
            {
                let mut from = RequestState::Submitted;
                for to in path_to(state, approval, reopened) {
                    assert!(from.check_transition(to).is_ok(), "{from} -> {to}");
                    from = to;
                }
                assert_eq!(from, state);
            }
        }
    }
}
