//! (ssr) The SLA clock engine: a request's clocks computed from its own history, stored with
//! the request in the kernel's transaction, and the thresholds due to be acted on.
//!
//! Layer: engines. `domain::clock::compute` is the only way a clock is computed; this module
//! feeds it (the request's events, its item version's policy, the calendar's versions) and
//! stores its result in `request_clocks` and in the request's row (nearest due time, most
//! urgent state), so queues sort and filter without computing. Every use case commits a request
//! through `workflow::commit`, which refreshes them first, so the stored clocks follow every
//! change, including one made by hand.

use crate::db::{calendar, definition, request, request_clock, request_event};
use crate::domain::calendar::Versions;
use crate::domain::clock::{compute, Clock, Mark, Target};
use crate::domain::sla::{changes, ClockKind, HistoryEvent, SlaPolicy};
use crate::domain::state::Priority;
use crate::error::AppResult;
use crate::requests::kernel::{clock_history, RequestWork, SlaSummary};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

/// One clock of a request, computed.
#[derive(Clone, Debug)]
pub struct Computed {
    pub kind: ClockKind,
    pub clock: Clock,
    pub target: Target,
    /// The calendar it counts on (`None`: round the clock), and its name in words.
    pub calendar_id: Option<i64>,
    pub calendar_label: String,
    /// The calendar's versions it counted on.
    pub versions: Versions,
    /// What was acted on already (from the stored row).
    pub warned_pct: u8,
    pub breach_acted: bool,
}

impl Computed {
    /// `8 h target on the Berlin office calendar`, `4 h round-the-clock target`.
    pub fn target_text(&self) -> String {
        let hours = crate::domain::clock_story::duration_text(self.clock.target);
        if self.target.business {
            format!("{hours} target on {}", self.calendar_label)
        } else {
            format!("{hours} round-the-clock target")
        }
    }
}

/// The request's policy, if its item version has one that reads (a stored policy that does
/// not read is logged and counts as none: it must not stop work on the request).
async fn policy_of(
    db: &impl ConnectionTrait,
    row: &request::Model,
) -> AppResult<Option<SlaPolicy>> {
    let definition = definition::definition_of_request(db, row).await?;
    match definition.sla_policy() {
        Ok(policy) => Ok(policy),
        Err(error) => {
            tracing::warn!(request = row.id, %error, "stored SLA policy does not read");
            Ok(None)
        }
    }
}

/// What the request's policy does on a breach (the owner is told when it says nothing).
pub async fn breach_actions(
    work: &RequestWork,
) -> AppResult<Vec<crate::domain::sla::BreachAction>> {
    Ok(policy_of(work.txn(), work.row())
        .await?
        .map(|p| p.breach_actions())
        .unwrap_or_default())
}

/// The request's history as its clocks read it: submission, state changes, and the first
/// public reply by someone other than the requester (or the person it is for).
async fn history(db: &impl ConnectionTrait, row: &request::Model) -> AppResult<Vec<HistoryEvent>> {
    let events = request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(row.id))
        .order_by_asc(request_event::Column::Id)
        .all(db)
        .await?;
    Ok(clock_history(row, &events))
}

/// The request's clocks at `now`, computed from its history (`priority`: the one its targets
/// are read for). Empty when its item has no policy.
pub async fn compute_all(
    db: &impl ConnectionTrait,
    row: &request::Model,
    priority: Priority,
    now: DateTime<Utc>,
) -> AppResult<Vec<Computed>> {
    Ok(compute_with(db, row, priority, now, None).await?.0)
}

/// [`compute_all`] from the request's events when they were read already, with the clock rows
/// stored before.
async fn compute_with(
    db: &impl ConnectionTrait,
    row: &request::Model,
    priority: Priority,
    now: DateTime<Utc>,
    events: Option<&[request_event::Model]>,
) -> AppResult<(Vec<Computed>, Vec<request_clock::Model>)> {
    let Some(policy) = policy_of(db, row).await? else {
        return Ok(Default::default());
    };
    if ClockKind::ALL
        .into_iter()
        .all(|kind| policy.target(kind, priority).is_none())
    {
        return Ok(Default::default());
    }
    let chosen =
        calendar::for_department(db, row.department_id, policy.calendar.as_deref()).await?;
    let history = match events {
        Some(events) => clock_history(row, events),
        None => history(db, row).await?,
    };
    let rows = request_clock::of_request(db, row.id).await?;
    let computed = compute_from(&policy, &chosen, &history, &rows, priority, now);
    Ok((computed, rows))
}

/// The clocks of a policy from a request's history, its stored rows (what was acted on) and
/// the calendar chosen.
fn compute_from(
    policy: &SlaPolicy,
    chosen: &calendar::Chosen,
    history: &[HistoryEvent],
    rows: &[request_clock::Model],
    priority: Priority,
    now: DateTime<Utc>,
) -> Vec<Computed> {
    ClockKind::ALL
        .into_iter()
        .filter_map(|kind| policy.target(kind, priority).map(|t| (kind, t)))
        .map(|(kind, target)| {
            let clock = compute(&changes(kind, history), &chosen.versions, &target, now);
            let acted = rows.iter().find(|r| r.kind == kind.as_str());
            Computed {
                kind,
                target,
                calendar_id: chosen.calendar.as_ref().map(|c| c.id),
                calendar_label: chosen.label(),
                versions: chosen.versions.clone(),
                warned_pct: acted.map_or(0, |r| u8::try_from(r.warned_pct).unwrap_or(0)),
                breach_acted: acted.is_some_and(|r| r.breach_acted),
                clock,
            }
        })
        .collect()
}

/// The summary the request's row keeps: the nearest due time among counting clocks, the most
/// urgent state.
pub fn summary(clocks: &[Computed]) -> SlaSummary {
    SlaSummary {
        due_at: clocks
            .iter()
            .filter(|c| c.clock.counting)
            .filter_map(|c| c.clock.due)
            .min(),
        state: clocks
            .iter()
            .map(|c| c.clock.state)
            .max_by_key(|s| s.urgency()),
    }
}

/// Whether the escalation worker acts on the thresholds crossed in this work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acting {
    /// Store the clocks; what was acted on stays as it was.
    No,
    /// The worker acts on what is due: it is stored as acted on, in the same transaction as
    /// the actions, so each threshold fires once.
    Yes,
}

/// A threshold to act on now.
#[derive(Clone, Debug)]
pub struct Due {
    pub clock: Computed,
    pub mark: Mark,
}

/// Computes the request's clocks from this work's history and stores them (in its
/// transaction). Returns the summary for the request's row and, when `acting`, the thresholds
/// to act on now (stored as acted on).
pub async fn refresh(work: &RequestWork, acting: Acting) -> AppResult<(SlaSummary, Vec<Due>)> {
    let (summary, due, _) = refresh_with(work, acting, None).await?;
    Ok((summary, due))
}

/// [`refresh`] from the request's events when they were read already (all of them, this
/// work's included); also returns the request's clock rows as they now stand.
pub async fn refresh_with(
    work: &RequestWork,
    acting: Acting,
    events: Option<&[request_event::Model]>,
) -> AppResult<(SlaSummary, Vec<Due>, Vec<request_clock::Model>)> {
    let now = work.now();
    let mut row = work.row().clone();
    row.state = work.state().as_str().to_owned();
    let (clocks, before) = compute_with(work.txn(), &row, work.priority(), now, events).await?;
    let mut due = Vec::new();
    let mut stored = Vec::with_capacity(clocks.len());
    for computed in &clocks {
        let (mut warned_pct, mut breach_acted) = (computed.warned_pct, computed.breach_acted);
        if acting == Acting::Yes {
            for mark in computed.clock.marks_to_act_on(warned_pct, breach_acted) {
                match mark {
                    Mark::Breach => {
                        breach_acted = true;
                        warned_pct = warned_pct.max(99);
                    }
                    Mark::Warning(p) => warned_pct = warned_pct.max(p),
                }
                due.push(Due {
                    clock: computed.clone(),
                    mark,
                });
            }
        }
        let next_check = computed.clock.next_check(
            &computed.versions,
            &computed.target,
            now,
            warned_pct,
            breach_acted,
        );
        stored.push(
            store(
                work.txn(),
                row.id,
                computed,
                warned_pct,
                breach_acted,
                next_check,
                now,
            )
            .await?,
        );
    }
    if clocks.is_empty() {
        request_clock::Entity::delete_many()
            .filter(request_clock::Column::RequestId.eq(row.id))
            .exec(work.txn())
            .await?;
    } else {
        // A clock of a kind no longer computed (another priority's targets) stays as it was.
        stored.extend(
            before
                .into_iter()
                .filter(|b| !clocks.iter().any(|c| c.kind.as_str() == b.kind)),
        );
    }
    Ok((summary(&clocks), due, stored))
}

/// Stores a computed clock; returns the row as stored (its id aside).
async fn store(
    db: &impl ConnectionTrait,
    request_id: i64,
    computed: &Computed,
    warned_pct: u8,
    breach_acted: bool,
    next_check: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> AppResult<request_clock::Model> {
    let clock = &computed.clock;
    let model = request_clock::Model {
        id: 0,
        request_id,
        kind: computed.kind.as_str().to_owned(),
        calendar_id: computed.calendar_id,
        state: clock.state.as_str().to_owned(),
        open: !clock.stopped,
        target_minutes: clock.target.num_minutes(),
        used_minutes: clock.used.num_minutes(),
        due_at: clock.due,
        breached_at: clock.breached_at,
        warned_pct: i16::from(warned_pct),
        breach_acted,
        next_check_at: next_check,
        computed_at: now,
    };
    let row = request_clock::ActiveModel {
        request_id: Set(model.request_id),
        kind: Set(model.kind.clone()),
        calendar_id: Set(model.calendar_id),
        state: Set(model.state.clone()),
        open: Set(model.open),
        target_minutes: Set(model.target_minutes),
        used_minutes: Set(model.used_minutes),
        due_at: Set(model.due_at),
        breached_at: Set(model.breached_at),
        warned_pct: Set(model.warned_pct),
        breach_acted: Set(model.breach_acted),
        next_check_at: Set(model.next_check_at),
        computed_at: Set(model.computed_at),
        ..Default::default()
    };
    request_clock::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                request_clock::Column::RequestId,
                request_clock::Column::Kind,
            ])
            .update_columns([
                request_clock::Column::CalendarId,
                request_clock::Column::State,
                request_clock::Column::Open,
                request_clock::Column::TargetMinutes,
                request_clock::Column::UsedMinutes,
                request_clock::Column::DueAt,
                request_clock::Column::BreachedAt,
                request_clock::Column::WarnedPct,
                request_clock::Column::BreachActed,
                request_clock::Column::NextCheckAt,
                request_clock::Column::ComputedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(model)
}

/// Requests with a clock whose next threshold is due by `now`, claimed for `lease` (another
/// replica skips them until it runs out; the thresholds themselves fire once under the
/// request's lock either way). Most `limit`.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    limit: u64,
) -> AppResult<Vec<i64>> {
    let due: Vec<(i64, i64, Option<DateTime<Utc>>)> = request_clock::Entity::find()
        .select_only()
        .column(request_clock::Column::Id)
        .column(request_clock::Column::RequestId)
        .column(request_clock::Column::NextCheckAt)
        .filter(request_clock::Column::NextCheckAt.lte(now))
        .order_by_asc(request_clock::Column::NextCheckAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let mut claimed = Vec::new();
    for (id, request_id, seen) in due {
        // Compare and set: a replica that claimed it first moved the time on.
        let taken = request_clock::Entity::update_many()
            .col_expr(request_clock::Column::NextCheckAt, Expr::value(now + lease))
            .filter(request_clock::Column::Id.eq(id))
            .filter(request_clock::Column::NextCheckAt.eq(seen))
            .exec(db)
            .await?;
        if taken.rows_affected == 1 && !claimed.contains(&request_id) {
            claimed.push(request_id);
        }
    }
    Ok(claimed)
}

/// The stored clocks of requests (for lists): request id → (kind, state, due).
pub async fn stored_states(
    db: &impl ConnectionTrait,
    request_ids: &[i64],
) -> AppResult<Vec<request_clock::Model>> {
    if request_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(request_clock::Entity::find()
        .filter(request_clock::Column::RequestId.is_in(request_ids.iter().copied()))
        .all(db)
        .await?)
}

/// The requests with an open clock (not stopped) on `calendar_id`, numbered after `after`, at
/// most `limit`, by number: a calendar's change recomputes them in batches (an index walk).
pub async fn open_on_calendar(
    db: &impl ConnectionTrait,
    calendar_id: i64,
    after: i64,
    limit: u64,
) -> AppResult<Vec<i64>> {
    let mut ids: Vec<i64> = request_clock::Entity::find()
        .select_only()
        .column(request_clock::Column::RequestId)
        .filter(request_clock::Column::CalendarId.eq(calendar_id))
        .filter(request_clock::Column::Open.eq(true))
        .filter(request_clock::Column::RequestId.gt(after))
        .order_by_asc(request_clock::Column::RequestId)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    ids.dedup();
    Ok(ids)
}

/// A computed clock as the request page shows it, times in `zone`.
pub fn view(c: &Computed, zone: chrono_tz::Tz, now: DateTime<Utc>) -> crate::sla::model::ClockView {
    use crate::domain::clock::ClockState;
    use crate::domain::clock_story::{duration_text, moment, story};
    let clock = &c.clock;
    let target = c.target_text();
    let percent = if clock.target.num_minutes() > 0 {
        (clock.used.num_minutes() * 100 / clock.target.num_minutes()).clamp(0, 100) as u8
    } else {
        100
    };
    let zone_name = |t: DateTime<Utc>| {
        format!(
            "{} {}",
            moment(t, zone),
            t.with_timezone(&zone).format("%Z")
        )
    };
    let summary = match (clock.state, clock.due) {
        (ClockState::Running | ClockState::Warning, Some(due)) => format!(
            "Due {} ({} left)",
            zone_name(due),
            duration_text(clock.target - clock.used)
        ),
        (ClockState::Breached, _) => match clock.breached_at {
            Some(at) => format!("Breached {}", zone_name(at)),
            None => "Breached".into(),
        },
        (ClockState::Met, _) => format!(
            "Met: {} of {}",
            duration_text(clock.used),
            duration_text(clock.target)
        ),
        (ClockState::Paused, _) => format!(
            "Paused: {} of {} used",
            duration_text(clock.used),
            duration_text(clock.target)
        ),
        (state, _) => state.label().to_owned(),
    };
    crate::sla::model::ClockView {
        name: c.kind.label().to_owned(),
        state: clock.state.as_str().to_owned(),
        state_label: clock.state.label().to_owned(),
        target: target.clone(),
        percent,
        summary,
        story: story(clock, &target, zone, now),
    }
}

/// A list's badge for a request row (its stored summary), `None` without clocks.
pub fn badge(row: &request::Model, now: DateTime<Utc>) -> Option<crate::sla::model::SlaBadge> {
    use crate::domain::clock::ClockState;
    let state = ClockState::parse(row.sla_state.as_deref()?)?;
    Some(crate::sla::model::SlaBadge {
        state: state.as_str().to_owned(),
        text: crate::domain::clock_story::badge_text(state, row.due_at, now),
        due: row
            .due_at
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    })
}

/// Requests recomputed per transaction when a calendar changes: short enough that other
/// writers wait at most a few tens of milliseconds (measured in `atrium bench`).
pub const RECOMPUTE_BATCH: usize = 100;

/// Recomputes the clocks of requests `ids` (at most [`RECOMPUTE_BATCH`]) in one write
/// transaction, reading their events, stored clocks, policies and calendars in bulk, and
/// writes each request's summary (due time, most urgent state). Nothing else of a request
/// changes, so its version stays (pages open on it are not made stale).
pub async fn recompute(db: &crate::db::Db, ids: &[i64]) -> AppResult<usize> {
    use std::collections::HashMap;
    if ids.is_empty() {
        return Ok(0);
    }
    let now = db.now();
    let txn = db.begin_write().await?;
    let rows = request::Entity::find()
        .filter(request::Column::Id.is_in(ids.iter().copied()))
        .lock_exclusive()
        .all(&*txn)
        .await?;
    let mut events: HashMap<i64, Vec<request_event::Model>> = HashMap::new();
    for e in request_event::Entity::find()
        .filter(request_event::Column::RequestId.is_in(ids.iter().copied()))
        .order_by_asc(request_event::Column::Id)
        .all(&*txn)
        .await?
    {
        events.entry(e.request_id).or_default().push(e);
    }
    let mut stored_rows: HashMap<i64, Vec<request_clock::Model>> = HashMap::new();
    for c in request_clock::Entity::find()
        .filter(request_clock::Column::RequestId.is_in(ids.iter().copied()))
        .all(&*txn)
        .await?
    {
        stored_rows.entry(c.request_id).or_default().push(c);
    }
    let mut policies: HashMap<i64, Option<SlaPolicy>> = HashMap::new();
    let mut calendars: HashMap<(i64, Option<String>), calendar::Chosen> = HashMap::new();
    let mut done = 0;
    for row in rows {
        if let std::collections::hash_map::Entry::Vacant(slot) = policies.entry(row.item_version_id)
        {
            slot.insert(policy_of(&*txn, &row).await?);
        }
        let Some(Some(policy)) = policies.get(&row.item_version_id) else {
            continue;
        };
        let key = (row.department_id, policy.calendar.clone());
        if let std::collections::hash_map::Entry::Vacant(slot) = calendars.entry(key.clone()) {
            slot.insert(
                calendar::for_department(&*txn, row.department_id, policy.calendar.as_deref())
                    .await?,
            );
        }
        let Some(chosen) = calendars.get(&key) else {
            continue;
        };
        let priority = row.priority.parse().unwrap_or(Priority::Medium);
        let history = clock_history(&row, &events.remove(&row.id).unwrap_or_default());
        let acted = stored_rows.remove(&row.id).unwrap_or_default();
        let clocks = compute_from(policy, chosen, &history, &acted, priority, now);
        for c in &clocks {
            let next =
                c.clock
                    .next_check(&c.versions, &c.target, now, c.warned_pct, c.breach_acted);
            store(&*txn, row.id, c, c.warned_pct, c.breach_acted, next, now).await?;
        }
        let sla = summary(&clocks);
        request::Entity::update_many()
            .col_expr(request::Column::DueAt, Expr::value(sla.due_at))
            .col_expr(
                request::Column::SlaState,
                Expr::value(sla.state.map(|s| s.as_str().to_owned())),
            )
            .filter(request::Column::Id.eq(row.id))
            .exec(&*txn)
            .await?;
        done += 1;
    }
    txn.commit().await?;
    Ok(done)
}
