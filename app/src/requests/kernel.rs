//! (ssr) The request kernel: the one way to change a request.
//!
//! Layer: above the audit trail and notifications, below the engines (approvals, tasks) and
//! the use cases that drive them. Every change to a request — submitting it, moving its state,
//! a comment, a rating, an approval decision, a task action, a timeout, auto-close — is one
//! [`RequestWork`]:
//!
//! 1. [`RequestWork::open`] starts a write transaction, locks the request's row
//!    (`SELECT … FOR UPDATE` on PostgreSQL; on SQLite the writer lock of [`Db::begin_write`]
//!    already makes writers take turns); the caller checks access, then the version it saw;
//! 2. the caller changes what it owns (approval rows, task rows) inside [`RequestWork::txn`],
//!    and asks the kernel to move the state ([`RequestWork::transition`], checked by
//!    `domain::state`), to record timeline events, comments and audit rows, and to queue notices;
//! 3. [`RequestWork::commit`] writes the request's row once — state, resolution time, rating,
//!    one version bump — and commits. Dropping the work without committing changes nothing.
//!
//! The state, version, owner, priority, reply mark, resolution time and rating columns are
//! written here and nowhere else.

use super::audit::Change;
use super::model::RequestId;
use crate::db::{comment, request, request_event, Db, WriteTxn};
use crate::domain::clock::ClockState;
use crate::domain::state::{Priority, RequestState};
use crate::error::{AppError, AppResult};
pub use crate::notifications::model::NoticeKind;
use crate::notifications::service::{notify, Delivery, Notice};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Set,
};

/// What a timeline event records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Created,
    StateChanged,
    Commented,
    /// A stage was opened or an approver decided; the detail says it in words.
    Approval,
    /// A task opened, was taken, assigned, sent to another team or completed.
    Task,
    /// The requester rated the service.
    Rated,
    /// The request's owner or priority changed; the detail says it in words.
    Updated,
}

impl EventKind {
    pub const ALL: [EventKind; 7] = [
        EventKind::Created,
        EventKind::StateChanged,
        EventKind::Commented,
        EventKind::Approval,
        EventKind::Task,
        EventKind::Rated,
        EventKind::Updated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::StateChanged => "state_changed",
            EventKind::Commented => "commented",
            EventKind::Approval => "approval",
            EventKind::Task => "task",
            EventKind::Rated => "rated",
            EventKind::Updated => "updated",
        }
    }

    pub fn parse(text: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// The message for a person whose change lost the race: someone else acted first.
pub fn changed_meanwhile(id: RequestId, now: RequestState) -> AppError {
    AppError::Conflict(format!(
        "{id} was changed by someone else a moment ago (it is now {}). Reload to see the latest \
         and try again.",
        now.label().to_lowercase()
    ))
}

fn not_found(id: RequestId) -> AppError {
    AppError::NotFound(format!("Request {id}"))
}

fn parse_state(row: &request::Model) -> AppResult<RequestState> {
    row.state
        .parse()
        .map_err(|e: String| crate::error::internal(&format!("request {} state", row.id), e))
}

/// What the request's row says of its SLA clocks (computed by `sla::clocks` from the history
/// this work has written, and written here at commit).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SlaSummary {
    /// The nearest due time among the clocks that count.
    pub due_at: Option<DateTime<Utc>>,
    /// The most urgent clock's state; none: the request has no clock.
    pub state: Option<ClockState>,
}

/// One unit of work on one locked request. See the module documentation.
pub struct RequestWork {
    txn: WriteTxn,
    row: request::Model,
    /// The state as read under the lock, and as this work has moved it.
    initial: RequestState,
    state: RequestState,
    now: DateTime<Utc>,
    /// History replayed on a back-dated clock (the demo's): notices are written as read.
    replay: bool,
    /// Whether the request itself changed, so its version moves on at commit.
    changed: bool,
    /// A request being submitted: its first committed version is version 1.
    created: bool,
    rating: Option<(i16, Option<String>)>,
    /// A new owner (`Some(None)`: nobody), written at commit.
    owner: Option<Option<i64>>,
    priority: Option<Priority>,
    /// A new "requester replied" mark (`Some(None)`: answered), written at commit.
    replied: Option<Option<DateTime<Utc>>>,
    /// A new team, written at commit.
    team: Option<i64>,
    /// Whether this work reassigned the request (see [`RequestWork::reassigned`]).
    reassigned: bool,
    /// Whether this work recorded anything (an event): only then the update time moves, so
    /// a recomputed clock alone does not make a request "last updated".
    recorded: std::sync::atomic::AtomicBool,
    /// The first timeline event and audit row this work wrote (0: none yet): what came before
    /// them is the request as it was (the metrics' "before").
    first_event: std::sync::atomic::AtomicI64,
    first_audit: std::sync::atomic::AtomicI64,
}

impl RequestWork {
    /// Locks request `id` for a change. The caller checks who may make it before anything
    /// else (someone who may not see the request learns nothing, not even that it changed),
    /// then [`Self::check_seen`] when the person acted on a version they saw.
    pub async fn open(db: &Db, id: RequestId) -> AppResult<Self> {
        let txn = db.begin_write().await?;
        let row = request::Entity::find_by_id(id.0)
            .lock_exclusive()
            .one(&*txn)
            .await?
            .ok_or_else(|| not_found(id))?;
        let state = parse_state(&row)?;
        Ok(Self {
            txn,
            row,
            initial: state,
            state,
            now: db.now(),
            replay: db.is_replay(),
            changed: false,
            created: false,
            rating: None,
            owner: None,
            priority: None,
            replied: None,
            team: None,
            reassigned: false,
            recorded: false.into(),
            first_event: 0.into(),
            first_audit: 0.into(),
        })
    }

    /// Stores a new request (state `submitted`, version 1) with its first event, and holds it
    /// for the rest of the submission.
    pub async fn create(db: &Db, new: request::ActiveModel) -> AppResult<Self> {
        let now = db.now();
        let txn = db.begin_write().await?;
        let mut new = new;
        new.state = Set(RequestState::Submitted.as_str().to_owned());
        new.version = Set(1);
        new.created_at = Set(now);
        new.updated_at = Set(now);
        new.resolved_at = Set(None);
        // Its facts are kept at commit, in this transaction: marked so from the start, the row
        // never enters the index of requests whose facts are missing. (Measuring without the
        // metrics, they are stale like the buckets until the rebuild that measurement ends with.)
        new.facts_kept = Set(true);
        let row = new.insert(&*txn).await?;
        let work = Self {
            txn,
            row,
            initial: RequestState::Submitted,
            state: RequestState::Submitted,
            now,
            replay: db.is_replay(),
            changed: false,
            created: true,
            rating: None,
            owner: None,
            priority: None,
            replied: None,
            team: None,
            reassigned: false,
            recorded: false.into(),
            first_event: 0.into(),
            first_audit: 0.into(),
        };
        work.record(
            Some(work.row.requester_id),
            EventKind::Created,
            None,
            Some(RequestState::Submitted),
            String::new(),
            None,
        )
        .await?;
        Ok(work)
    }

    /// Refuses the change (nothing is written) when the request moved on since the person
    /// read version `seen`: two people acting at once get one outcome.
    pub fn check_seen(&self, seen: i32) -> AppResult<()> {
        if seen == self.row.version {
            Ok(())
        } else {
            Err(changed_meanwhile(self.id(), self.state))
        }
    }

    pub fn id(&self) -> RequestId {
        RequestId(self.row.id)
    }

    /// The request as it was read under the lock (its state column before this work).
    pub fn row(&self) -> &request::Model {
        &self.row
    }

    /// The request's state, with this work's transitions applied.
    pub fn state(&self) -> RequestState {
        self.state
    }

    /// The time of this change, the same for every row it writes.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The transaction, for the rows an engine owns (approvals, tasks).
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// Whether this work keeps the leadership metrics (always, except when measuring their
    /// cost: see `Db::without_metrics`).
    pub fn keeps_metrics(&self) -> bool {
        self.txn.metrics
    }

    /// Something about the request changed (an approval, a task): its version moves on at
    /// commit, so pages opened before show they are stale.
    pub fn touch(&mut self) {
        self.changed = true;
    }

    /// Moves the request to `to`, as the state machine allows, and records it (audit row and
    /// timeline event, with `detail` in words when there is something to say).
    pub async fn transition(
        &mut self,
        to: RequestState,
        actor: Option<i64>,
        detail: impl Into<String>,
    ) -> AppResult<()> {
        let from = self.state;
        from.check_transition(to).map_err(AppError::Conflict)?;
        self.audit(
            actor,
            [Change::request(
                self.row.id,
                "state",
                Some(from.label().to_owned()),
                Some(to.label().to_owned()),
            )],
        )
        .await?;
        self.record(
            actor,
            EventKind::StateChanged,
            Some(from),
            Some(to),
            detail.into(),
            None,
        )
        .await?;
        self.state = to;
        self.changed = true;
        Ok(())
    }

    /// Records the requester's rating, once: a request rated already is refused.
    pub async fn rate(&mut self, actor: i64, score: u8, comment: Option<String>) -> AppResult<()> {
        if self.row.rating.is_some() || self.rating.is_some() {
            return Err(AppError::Conflict(format!(
                "You rated {} already; thank you.",
                self.id()
            )));
        }
        self.audit(
            Some(actor),
            [Change::request(
                self.row.id,
                "rating",
                None,
                Some(format!("{score} of 5")),
            )],
        )
        .await?;
        let said = comment
            .as_ref()
            .map(|c| format!(": “{c}”"))
            .unwrap_or_default();
        self.event(
            Some(actor),
            EventKind::Rated,
            format!("rated the service {score} out of 5{said}"),
        )
        .await?;
        self.rating = Some((i16::from(score), comment));
        self.changed = true;
        Ok(())
    }

    /// The request's owner, with this work's change applied.
    pub fn owner(&self) -> Option<i64> {
        self.owner.unwrap_or(self.row.assignee_id)
    }

    /// The request's priority, with this work's change applied.
    pub fn priority(&self) -> Priority {
        self.priority
            .unwrap_or_else(|| self.row.priority.parse().unwrap_or(Priority::Medium))
    }

    /// Gives the request to `owner` (id and name; `None`: nobody), recorded in the audit trail
    /// and the timeline. Who may own it is the caller's to check.
    pub async fn set_owner(&mut self, actor: i64, owner: Option<(i64, String)>) -> AppResult<()> {
        let before = self.owner();
        let after = owner.as_ref().map(|(id, _)| *id);
        if before == after {
            return Ok(());
        }
        let before_name = match before {
            Some(id) => crate::directory::user_names(&*self.txn, [id])
                .await?
                .remove(&id),
            None => None,
        };
        let after_name = owner.map(|(_, name)| name);
        // The audit row counts as a reassignment when it names an owner before.
        let reassigns = before_name.is_some();
        self.audit(
            Some(actor),
            [Change::request(
                self.row.id,
                "owner",
                before_name,
                after_name.clone(),
            )],
        )
        .await?;
        let detail = match (after, after_name) {
            (Some(id), _) if id == actor => "took the request".to_owned(),
            (Some(_), Some(name)) => format!("gave the request to {name}"),
            _ => "left the request without an owner".to_owned(),
        };
        self.event(Some(actor), EventKind::Updated, detail).await?;
        self.reassigned |= reassigns;
        self.owner = Some(after);
        self.changed = true;
        Ok(())
    }

    /// Sets the request's priority, recorded in the audit trail and the timeline.
    pub async fn set_priority(&mut self, actor: Option<i64>, priority: Priority) -> AppResult<()> {
        let before = self.priority();
        if before == priority {
            return Ok(());
        }
        self.audit(
            actor,
            [Change::request(
                self.row.id,
                "priority",
                Some(before.label().to_owned()),
                Some(priority.label().to_owned()),
            )],
        )
        .await?;
        self.event(
            actor,
            EventKind::Updated,
            format!(
                "changed the priority from {} to {}",
                before.label().to_lowercase(),
                priority.label().to_lowercase()
            ),
        )
        .await?;
        self.priority = Some(priority);
        self.changed = true;
        Ok(())
    }

    /// The request's team, with this work's change applied.
    pub fn team(&self) -> Option<i64> {
        self.team.or(self.row.team_id)
    }

    /// Hands the request to another team (`team`: id and name), without an owner; recorded in
    /// the audit trail and the timeline. Which team is the caller's to check.
    pub async fn hand_to_team(
        &mut self,
        actor: Option<i64>,
        team: (i64, String),
        why: &str,
    ) -> AppResult<()> {
        if self.team() == Some(team.0) {
            return Ok(());
        }
        let before = match self.team() {
            Some(id) => crate::db::team::Entity::find_by_id(id)
                .one(&*self.txn)
                .await?
                .map(|t| t.name),
            None => None,
        };
        self.audit(
            actor,
            [Change::request(
                self.row.id,
                "team",
                before,
                Some(team.1.clone()),
            )],
        )
        .await?;
        self.event(
            actor,
            EventKind::Updated,
            format!("handed the request to {}{why}", team.1),
        )
        .await?;
        if self.owner().is_some() {
            self.audit(
                actor,
                [Change::request(
                    self.row.id,
                    "owner",
                    Some("(owner)".into()),
                    None,
                )],
            )
            .await?;
            self.owner = Some(None);
        }
        self.team = Some(team.0);
        self.reassigned = true;
        self.changed = true;
        Ok(())
    }

    /// Marks that the requester replied and waits for the service desk (`true`), or that the
    /// service desk answered (`false`).
    pub fn mark_reply(&mut self, from_requester: bool) {
        let now = self.now;
        self.replied = Some(from_requester.then_some(now));
    }

    /// Adds a timeline event (approval and task events say what happened in `detail`).
    pub async fn event(
        &self,
        actor: Option<i64>,
        kind: EventKind,
        detail: impl Into<String>,
    ) -> AppResult<()> {
        self.event_with_note(actor, kind, detail, None).await
    }

    /// [`Self::event`] with a `note` that only those who work on the request read.
    pub async fn event_with_note(
        &self,
        actor: Option<i64>,
        kind: EventKind,
        detail: impl Into<String>,
        note: Option<String>,
    ) -> AppResult<()> {
        self.record(actor, kind, None, None, detail.into(), note)
            .await
    }

    async fn record(
        &self,
        actor: Option<i64>,
        kind: EventKind,
        from: Option<RequestState>,
        to: Option<RequestState>,
        detail: String,
        note: Option<String>,
    ) -> AppResult<()> {
        self.recorded
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let event = request_event::ActiveModel {
            request_id: Set(self.row.id),
            actor_id: Set(actor),
            kind: Set(kind.as_str().to_owned()),
            from_state: Set(from.map(|s| s.as_str().to_owned())),
            to_state: Set(to.map(|s| s.as_str().to_owned())),
            detail: Set(detail),
            note: Set(note),
            created_at: Set(self.now),
            ..Default::default()
        }
        .insert(&*self.txn)
        .await?;
        first_of(&self.first_event, event.id);
        Ok(())
    }

    /// Adds a comment (public, or internal to those who work on the request) and its event.
    /// Returns the comment's id.
    pub async fn comment(&self, author: i64, body: String, internal: bool) -> AppResult<i64> {
        let created = comment::ActiveModel {
            request_id: Set(self.row.id),
            author_id: Set(author),
            body: Set(body),
            internal: Set(internal),
            created_at: Set(self.now),
            ..Default::default()
        }
        .insert(&*self.txn)
        .await?;
        self.record(
            Some(author),
            EventKind::Commented,
            None,
            None,
            serde_json::json!({ "comment_id": created.id, "internal": internal }).to_string(),
            None,
        )
        .await?;
        Ok(created.id)
    }

    /// Appends changed values to the request's audit trail.
    pub async fn audit(
        &self,
        actor: Option<i64>,
        changes: impl IntoIterator<Item = Change>,
    ) -> AppResult<()> {
        if let Some(id) =
            super::audit::record(&*self.txn, self.id(), actor, changes, self.now).await?
        {
            first_of(&self.first_audit, id);
        }
        Ok(())
    }

    /// Whether this work reassigned the request: changed its team, or its owner from someone
    /// (a first owner is not a reassignment). The metrics' count of reassignments changes only
    /// then, so only then is it counted again from the audit trail.
    pub fn reassigned(&self) -> bool {
        self.reassigned
    }

    /// Whether this work is the request's submission (it had no "before").
    pub fn is_new(&self) -> bool {
        self.created
    }

    /// The first timeline event and audit row this work wrote (`None`: none): rows before them
    /// are the request's history as it was before this work.
    pub fn first_written(&self) -> (Option<i64>, Option<i64>) {
        let read = |a: &std::sync::atomic::AtomicI64| {
            Some(a.load(std::sync::atomic::Ordering::Relaxed)).filter(|id| *id > 0)
        };
        (read(&self.first_event), read(&self.first_audit))
    }

    /// The request's row as [`Self::commit`] will write it (the clocks' summary aside).
    pub fn projected_row(&self) -> request::Model {
        let mut row = self.row.clone();
        if self.state != self.initial {
            row.state = self.state.as_str().to_owned();
            match self.state {
                RequestState::Resolved => row.resolved_at = Some(self.now),
                RequestState::InFulfilment => row.resolved_at = None,
                _ => {}
            }
        }
        if let Some(owner) = self.owner {
            row.assignee_id = owner;
        }
        if let Some(team) = self.team {
            row.team_id = Some(team);
        }
        if let Some(priority) = self.priority {
            row.priority = priority.as_str().to_owned();
        }
        if let Some((score, comment)) = &self.rating {
            row.rating = Some(*score);
            row.rating_comment = comment.clone();
            row.rated_at = Some(self.now);
        }
        row
    }

    /// Tells `people` about this request (in the portal, and by mail as each prefers).
    pub async fn notify(
        &self,
        kind: NoticeKind,
        people: impl IntoIterator<Item = i64>,
        title: String,
        body: String,
    ) -> AppResult<()> {
        notify(
            &*self.txn,
            people,
            &Notice::about(self.row.id, kind, title, body),
            if self.replay {
                Delivery::Past(self.now)
            } else {
                Delivery::Now(self.now)
            },
        )
        .await
    }

    /// The people watching the request who may still read it: someone who lost access (moved
    /// department, deactivated) hears nothing more of it.
    pub async fn watchers(&self) -> AppResult<Vec<i64>> {
        let mut allowed = Vec::new();
        for id in crate::notifications::service::watchers(&*self.txn, self.row.id).await? {
            let who =
                crate::auth::service::load_session_user(&*self.txn, crate::ids::UserId(id)).await?;
            if let Some(who) = who {
                if super::access::access_in(&*self.txn, &who, &self.row)
                    .await
                    .is_ok()
                {
                    allowed.push(id);
                }
            }
        }
        Ok(allowed)
    }

    /// Tells the requester (and watchers) that the request is resolved, and asks for a rating.
    pub async fn tell_resolved(&self) -> AppResult<()> {
        let mut people = self.watchers().await?;
        people.push(self.row.requester_id);
        self.notify(
            NoticeKind::Progress,
            people,
            format!("{} {} is resolved", self.id(), self.row.title),
            "Tell us how we did: rate it on the request's page.".to_owned(),
        )
        .await
    }

    /// Writes the request's row — once, under the version read at `open` — with its clocks'
    /// `sla` summary and the metric `facts` columns that changed, runs the metrics' `buckets`
    /// upserts with the row (on PostgreSQL in the same statement, on SQLite in the same batch:
    /// no round trip of their own), and commits. Returns the request's state after the change. Use cases
    /// commit through `workflow::commit`, which computes the clocks (and moves the metrics) first.
    pub async fn commit(
        self,
        sla: SlaSummary,
        facts: Vec<(request::Column, sea_orm::Value)>,
        buckets: crate::db::metric_day::Upserts,
    ) -> AppResult<RequestState> {
        let row = &self.row;
        let mut update = request::Entity::update_many()
            .col_expr(request::Column::DueAt, Expr::value(sla.due_at))
            .col_expr(
                request::Column::SlaState,
                Expr::value(sla.state.map(|s| s.as_str().to_owned())),
            )
            .filter(request::Column::Id.eq(row.id))
            .filter(request::Column::Version.eq(row.version));
        // Comments alone do not move the version: a reply must not make an agent's open
        // state change fail as stale.
        if self.changed && !self.created {
            update = update.col_expr(request::Column::Version, Expr::value(row.version + 1));
        }
        if self.changed || self.recorded.load(std::sync::atomic::Ordering::Relaxed) {
            update = update.col_expr(request::Column::UpdatedAt, Expr::value(self.now));
        }
        if self.state != self.initial {
            update = update.col_expr(request::Column::State, Expr::value(self.state.as_str()));
            match self.state {
                RequestState::Resolved => {
                    update = update.col_expr(request::Column::ResolvedAt, Expr::value(self.now));
                }
                RequestState::InFulfilment => {
                    update = update.col_expr(
                        request::Column::ResolvedAt,
                        Expr::value(Option::<DateTime<Utc>>::None),
                    );
                }
                _ => {}
            }
        }
        if let Some(owner) = self.owner {
            update = update.col_expr(request::Column::AssigneeId, Expr::value(owner));
        }
        if let Some(team) = self.team {
            update = update.col_expr(request::Column::TeamId, Expr::value(team));
        }
        if let Some(priority) = self.priority {
            update = update.col_expr(request::Column::Priority, Expr::value(priority.as_str()));
        }
        if let Some(replied) = self.replied {
            update = update.col_expr(request::Column::RequesterRepliedAt, Expr::value(replied));
        }
        if let Some((score, comment)) = &self.rating {
            update = update
                .col_expr(request::Column::Rating, Expr::value(*score))
                .col_expr(request::Column::RatingComment, Expr::value(comment.clone()))
                .col_expr(request::Column::RatedAt, Expr::value(self.now));
        }
        for (column, value) in facts {
            update = update.col_expr(column, Expr::value(value));
        }
        use sea_orm::{ConnectionTrait, QueryTrait};
        let txn = &*self.txn;
        let written = match txn.get_database_backend() {
            sea_orm::DbBackend::Postgres if !buckets.is_empty() => {
                let statement = crate::db::metric_day::with_upserts(
                    &buckets.statements,
                    update.build(sea_orm::DbBackend::Postgres),
                );
                txn.execute_raw(statement).await?.rows_affected()
            }
            sea_orm::DbBackend::Sqlite if !buckets.is_empty() => {
                let statement = crate::db::metric_day::with_upserts_sqlite(
                    &buckets.statements,
                    update.build(sea_orm::DbBackend::Sqlite),
                );
                // SQLite counts the batch's changes together (the rollup's triggers' not
                // included): the buckets' rows, and the request's.
                txn.execute_raw(statement)
                    .await?
                    .rows_affected()
                    .saturating_sub(buckets.rows)
            }
            _ => update.exec(txn).await?.rows_affected,
        };
        if written != 1 {
            // Only a writer that bypassed the lock could get here.
            return Err(changed_meanwhile(self.id(), self.state));
        }
        let state = self.state;
        self.txn.commit().await?;
        Ok(state)
    }
}

/// A request's timeline as its SLA clocks read it (`domain::sla::changes`): submission, state
/// changes, and public replies by someone other than the requester (or the person it is for).
/// The clock engine and the metrics engine both read history this way.
pub fn clock_history(
    row: &request::Model,
    events: &[request_event::Model],
) -> Vec<crate::domain::sla::HistoryEvent> {
    use crate::domain::sla::{Happening, HistoryEvent};
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let happening = match EventKind::parse(&e.kind) {
            Some(EventKind::Created) => Some(Happening::Submitted),
            Some(EventKind::StateChanged) => e
                .to_state
                .as_deref()
                .and_then(|s| s.parse::<RequestState>().ok())
                .map(Happening::State),
            Some(EventKind::Commented) => {
                let public = serde_json::from_str::<serde_json::Value>(&e.detail)
                    .ok()
                    .and_then(|d| d.get("internal").and_then(|i| i.as_bool()))
                    == Some(false);
                let by_the_desk = e
                    .actor_id
                    .is_some_and(|a| a != row.requester_id && a != row.requested_for_id);
                (public && by_the_desk).then_some(Happening::AgentReplied)
            }
            _ => None,
        };
        if let Some(happening) = happening {
            out.push(HistoryEvent {
                at: e.created_at,
                seq: e.id,
                happening,
            });
        }
    }
    out
}

/// Keeps the lowest id written (the first).
fn first_of(slot: &std::sync::atomic::AtomicI64, id: i64) {
    let _ = slot.fetch_update(
        std::sync::atomic::Ordering::Relaxed,
        std::sync::atomic::Ordering::Relaxed,
        |current| (current == 0 || id < current).then_some(id),
    );
}

#[cfg(test)]
mod tests {
    use super::EventKind;

    #[test]
    fn event_kinds_round_trip() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(EventKind::parse("nonsense"), None);
    }
}
