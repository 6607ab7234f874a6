//! (ssr) The metrics engine: what is known about a request now ([`Facts`], read from its row,
//! its timeline, its audit trail and its stored clocks), and the buckets moved by the
//! difference a change makes. `rebuild` sums every request's contribution from scratch.
//!
//! Layer: engines. The workflow reads the facts before a change and after it, in the same
//! transaction, and applies the difference (see `workflow::commit`).

use crate::db::{audit, metric_day, request, request_clock, request_event, Db};
use crate::domain::clock::Status;
use crate::domain::metrics::{contribution, delta, Counts, Facts, Key};
use crate::domain::sla::{changes, ClockKind};
use crate::domain::state::{RequestState, StatusCategory};
use crate::error::AppResult;
use crate::requests::audit::Subject;
use crate::requests::kernel::{clock_history, EventKind};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How much of a request's history to read: all of it, or what came before a change's first
/// rows.
#[derive(Clone, Copy, Debug)]
pub struct Cut {
    pub event: Option<i64>,
    pub audit: Option<i64>,
}

impl Cut {
    pub const ALL: Cut = Cut {
        event: None,
        audit: None,
    };
}

/// The request's stored clocks.
pub async fn clock_rows(
    db: &impl ConnectionTrait,
    request_id: i64,
) -> AppResult<Vec<request_clock::Model>> {
    Ok(request_clock::of_request(db, request_id).await?)
}

/// The request's timeline, in order, up to the event `before` (none: all of it).
pub async fn events_of(
    db: &impl ConnectionTrait,
    request_id: i64,
    before: Option<i64>,
) -> AppResult<Vec<request_event::Model>> {
    let mut events = request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(request_id))
        .order_by_asc(request_event::Column::Id);
    if let Some(first) = before {
        events = events.filter(request_event::Column::Id.lt(first));
    }
    Ok(events.all(db).await?)
}

/// The audit rows the reassignments are counted from: changes of the request's owner and team
/// (a task's team is the task's), in order.
fn trail_query() -> sea_orm::Select<audit::Entity> {
    audit::Entity::find()
        .filter(audit::Column::Entity.eq(Subject::Request.as_str()))
        .filter(audit::Column::Field.is_in(["owner", "team"]))
        .order_by_asc(audit::Column::Id)
}

/// [`trail_query`] for one request, up to the audit row `before` (none: all of it).
pub async fn trail_of(
    db: &impl ConnectionTrait,
    request_id: i64,
    before: Option<i64>,
) -> AppResult<Vec<audit::Model>> {
    let mut trail = trail_query().filter(audit::Column::RequestId.eq(request_id));
    if let Some(first) = before {
        trail = trail.filter(audit::Column::Id.lt(first));
    }
    Ok(trail.all(db).await?)
}

/// What is known about the request: its row, its history up to `cut`, its stored clocks.
pub async fn facts_of(
    db: &impl ConnectionTrait,
    row: &request::Model,
    cut: Cut,
    clocks: &[request_clock::Model],
) -> AppResult<Facts> {
    let events = events_of(db, row.id, cut.event).await?;
    let trail = trail_of(db, row.id, cut.audit).await?;
    Ok(facts(row, &events, &trail, clocks))
}

/// [`facts_of`] from rows read already.
pub fn facts(
    row: &request::Model,
    events: &[request_event::Model],
    trail: &[audit::Model],
    clocks: &[request_clock::Model],
) -> Facts {
    let state: RequestState = row.state.parse().unwrap_or(RequestState::Submitted);
    let history = clock_history(row, events);
    let mut reopens = 0;
    let mut cancelled_at = None;
    let mut desk: BTreeSet<i64> = BTreeSet::new();
    let mut approval_minutes = 0i64;
    let mut approval_since: Option<DateTime<Utc>> = None;
    let mut approval_end = None;
    for e in events {
        let kind = EventKind::parse(&e.kind);
        let from: Option<RequestState> = e.from_state.as_deref().and_then(|s| s.parse().ok());
        let to: Option<RequestState> = e.to_state.as_deref().and_then(|s| s.parse().ok());
        let by_desk = e
            .actor_id
            .filter(|a| *a != row.requester_id && *a != row.requested_for_id);
        match kind {
            Some(EventKind::StateChanged) => {
                if let Some(to) = to {
                    if from == Some(RequestState::Resolved) && to == RequestState::InFulfilment {
                        reopens += 1;
                    }
                    if matches!(to, RequestState::Rejected | RequestState::Cancelled) {
                        cancelled_at = Some(e.created_at);
                    }
                    if to == RequestState::AwaitingApproval {
                        approval_since = Some(e.created_at);
                    } else if let Some(since) = approval_since.take() {
                        approval_minutes += (e.created_at - since).num_minutes().max(0);
                        approval_end = Some(e.created_at);
                    }
                }
                desk.extend(by_desk);
            }
            Some(EventKind::Commented) => desk.extend(by_desk),
            Some(EventKind::Updated) => desk.extend(by_desk),
            _ => {}
        }
    }
    // Reassignments: moments the owner changed from someone, or the team changed.
    let moments: BTreeSet<DateTime<Utc>> = trail
        .iter()
        .filter(|a| a.field == "team" || a.before.is_some())
        .map(|a| a.at)
        .collect();
    let stopped_at = |kind: ClockKind| {
        changes(kind, &history)
            .into_iter()
            .rev()
            .find(|c| c.status == Status::Stopped)
            .map(|c| c.at)
    };
    let clock = |kind: ClockKind| clocks.iter().find(|c| c.kind == kind.as_str() && !c.open);
    let sla = ClockKind::ALL.map(|kind| {
        clock(kind)
            .zip(stopped_at(kind))
            .map(|(c, at)| (at, c.state == "met"))
    });
    Facts {
        key: Key {
            department_id: row.department_id,
            team_id: row.team_id.unwrap_or(0),
            item_id: row.item_id,
            priority: row.priority.clone(),
        },
        created: row.created_at,
        state,
        resolved_at: row.resolved_at,
        cancelled_at: (state.category() == StatusCategory::Done)
            .then_some(cancelled_at)
            .flatten(),
        reopens,
        reassignments: moments.len() as u32,
        desk_people: desk.len() as u32,
        rating: row.rating,
        resolve_business: clock(ClockKind::Resolution).map(|c| c.used_minutes),
        response: clock(ClockKind::Response)
            .and_then(|c| stopped_at(ClockKind::Response).map(|at| (at, c.used_minutes))),
        sla,
        approval: (approval_since.is_none() && approval_end.is_some())
            .then(|| approval_end.map(|end| (end, approval_minutes)))
            .flatten(),
    }
}

/// The upserts that move the buckets by what a change made of a request's facts (the kernel
/// runs them with the request's row, which keeps the facts after the change).
pub fn moves(
    before: Option<&Facts>,
    after: &Facts,
    backend: sea_orm::DatabaseBackend,
) -> metric_day::Upserts {
    metric_day::upserts_of(&delta(before, after), backend)
}

/// Requests read per batch when rebuilding.
const REBUILD_BATCH: u64 = 2_000;

/// Recomputes every bucket and every request's kept facts from history (after an import, or
/// a change of a formula). Returns how many requests were read.
///
/// One write transaction from the first read to the last write, so no change slips between
/// what was read and what is written: other writers wait (about 40 s per million requests on SQLite).
pub async fn rebuild(db: &Db) -> AppResult<usize> {
    let txn = db.begin_write().await?;
    let conn = &*txn;
    metric_day::clear(conn).await?;
    let mut buckets: HashMap<(Key, chrono::NaiveDate), Counts> = HashMap::new();
    let mut after = 0i64;
    let mut read = 0;
    loop {
        let rows = request::Entity::find()
            .filter(request::Column::Id.gt(after))
            .order_by_asc(request::Column::Id)
            .limit(REBUILD_BATCH)
            .all(conn)
            .await?;
        let Some(last) = rows.last().map(|r| r.id) else {
            break;
        };
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut events: BTreeMap<i64, Vec<request_event::Model>> = BTreeMap::new();
        for e in request_event::Entity::find()
            .filter(request_event::Column::RequestId.between(ids[0], last))
            .order_by_asc(request_event::Column::Id)
            .all(conn)
            .await?
        {
            events.entry(e.request_id).or_default().push(e);
        }
        let mut trails: BTreeMap<i64, Vec<audit::Model>> = BTreeMap::new();
        for a in trail_query()
            .filter(audit::Column::RequestId.between(ids[0], last))
            .all(conn)
            .await?
        {
            trails.entry(a.request_id).or_default().push(a);
        }
        let mut clocks: BTreeMap<i64, Vec<request_clock::Model>> = BTreeMap::new();
        for c in request_clock::Entity::find()
            .filter(request_clock::Column::RequestId.between(ids[0], last))
            .all(conn)
            .await?
        {
            clocks.entry(c.request_id).or_default().push(c);
        }
        let mut stored = Vec::with_capacity(rows.len());
        for row in &rows {
            let f = facts(
                row,
                events.get(&row.id).map_or(&[][..], Vec::as_slice),
                trails.get(&row.id).map_or(&[][..], Vec::as_slice),
                clocks.get(&row.id).map_or(&[][..], Vec::as_slice),
            );
            for (day, counts) in contribution(&f) {
                buckets
                    .entry((f.key.clone(), day))
                    .or_default()
                    .add(&counts, 1);
            }
            stored.push((row.id, f));
        }
        request::keep_facts(conn, &stored).await?;
        read += rows.len();
        after = last;
    }
    metric_day::add_all(conn, &buckets).await?;
    txn.commit().await?;
    Ok(read)
}

/// Whether some request has no kept facts (a database from before they were kept): then the
/// metrics are rebuilt once at start-up, so every drill-down list is complete. A partial index
/// holds only such requests.
pub async fn facts_missing(db: &impl ConnectionTrait) -> AppResult<bool> {
    let found = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM requests WHERE facts_kept = FALSE LIMIT 1",
        ))
        .await?;
    Ok(found.is_some())
}
