//! (ssr) The workflow: the one place that decides what happens next to a request.
//!
//! Layer: workflow and use cases — above the engines (approvals, tasks), which it drives, and
//! the request kernel, whose unit of work it opens and commits. The engines change what they
//! own and report how it ended ([`StageEnd`], [`Acted::all_done`]); this module looks the next
//! steps up in the pure table of `domain::workflow` and carries them out in the same unit of
//! work, so a decision and everything it causes are one transaction.

pub mod escalations;

use crate::approvals::model::DecisionResult;
use crate::approvals::service::{self as approvals, StageEnd, Verdict};
use crate::auth::model::SessionUser;
use crate::db::{literal, request, Db};
use crate::domain::definition::ItemDefinition;
use crate::domain::form::{Answers, RawAnswers};
use crate::domain::state::RequestState;
use crate::domain::workflow::{next_steps, Happening, Step};
use crate::error::{missing, AppError, AppResult};
use crate::requests::kernel::RequestWork;
use crate::requests::model::RequestId;
use crate::tasks::service::{self as tasks, TaskAction};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// Commits a unit of work with what follows from it in the same transaction: the request's
/// SLA clocks recomputed from its history, and the metrics' buckets moved by the difference
/// the change made. Every use case commits a request this way.
pub async fn commit(work: RequestWork) -> AppResult<RequestState> {
    let before = facts_before(&work).await?;
    commit_with(work, before).await
}

/// What the metrics knew about a request before a unit of work.
pub(crate) struct Before {
    /// None for a new request.
    facts: Option<crate::domain::metrics::Facts>,
    /// Read from the facts kept in its row (else from its history: kept at commit).
    stored: bool,
}

/// What was known about the request before this work: the facts its last commit kept in its
/// row (read under the lock already) — or, for a request from before they were kept, read from
/// what came before the work's first rows.
pub(crate) async fn facts_before(work: &RequestWork) -> AppResult<Before> {
    use crate::metrics::buckets::{clock_rows, facts_of, Cut};
    if work.is_new() || !work.keeps_metrics() {
        return Ok(Before {
            facts: None,
            stored: false,
        });
    }
    if let Some(kept) = work.row().facts() {
        return Ok(Before {
            facts: Some(kept),
            stored: true,
        });
    }
    let (event, audit) = work.first_written();
    let clocks = clock_rows(work.txn(), work.row().id).await?;
    Ok(Before {
        facts: Some(facts_of(work.txn(), work.row(), Cut { event, audit }, &clocks).await?),
        stored: false,
    })
}

/// [`commit`] with the facts read before the work began changing the request. The request's
/// timeline is read once, for its clocks and its facts; its owner and team changes only when
/// this work reassigned it (otherwise the count of reassignments is the one before).
pub(crate) async fn commit_with(work: RequestWork, before: Before) -> AppResult<RequestState> {
    use crate::metrics::buckets::{events_of, facts, moves, trail_of};
    use crate::sla::clocks::{refresh, refresh_with, Acting};
    if !work.keeps_metrics() {
        let (summary, _) = refresh(&work, Acting::No).await?;
        return work.commit(summary, Vec::new(), Default::default()).await;
    }
    let id = work.row().id;
    let events = events_of(work.txn(), id, None).await?;
    let (summary, _, clocks) = refresh_with(&work, Acting::No, Some(&events)).await?;
    let row = work.projected_row();
    let after = if work.reassigned() {
        facts(
            &row,
            &events,
            &trail_of(work.txn(), id, None).await?,
            &clocks,
        )
    } else {
        crate::domain::metrics::Facts {
            reassignments: before.facts.as_ref().map_or(0, |b| b.reassignments),
            ..facts(&row, &events, &[], &clocks)
        }
    };
    let buckets = moves(
        before.facts.as_ref(),
        &after,
        sea_orm::ConnectionTrait::get_database_backend(work.txn()),
    );
    // The row's fact columns change where the facts did (all of them when none were kept).
    use crate::db::request::{as_inserted, fact_changes};
    let in_row = if work.is_new() {
        Some(as_inserted(&after))
    } else {
        before.facts.filter(|_| before.stored)
    };
    work.commit(summary, fact_changes(in_row.as_ref(), &after), buckets)
        .await
}

/// Carries out `steps`. `actor` made the first move (an approver, an agent); later moves are
/// the consequences Atrium draws from it.
async fn carry_out(
    work: &mut RequestWork,
    definition: Option<&ItemDefinition>,
    steps: Vec<Step>,
    actor: Option<i64>,
    opening: Option<(&RawAnswers, &Answers)>,
) -> AppResult<()> {
    let mut actor = actor;
    for step in steps {
        match step {
            Step::OpenApproval => {
                let (raw, answers) =
                    opening.ok_or_else(|| missing("the answers an approval opens on"))?;
                let definition =
                    definition.ok_or_else(|| missing("the definition an approval opens on"))?;
                approvals::start(work, definition, raw, answers).await?;
            }
            Step::OpenTasks => {
                let definition =
                    definition.ok_or_else(|| missing("the definition tasks open on"))?;
                tasks::start(work, definition).await?;
            }
            Step::MoveTo(to) => {
                work.transition(to, actor.take(), "").await?;
                if to == RequestState::Resolved {
                    work.tell_resolved().await?;
                }
            }
            Step::CloseOpenWork => {
                approvals::close_waiting(work).await?;
                tasks::cancel_unfinished(work).await?;
            }
        }
    }
    Ok(())
}

/// A request was just created in `work`: its approval opens, or its tasks, or it waits for
/// an agent.
pub async fn on_submitted(
    work: &mut RequestWork,
    definition: &ItemDefinition,
    raw: &RawAnswers,
    answers: &Answers,
) -> AppResult<()> {
    let happening = Happening::Submitted {
        approval_applies: definition.next_stage(raw, None).is_some(),
        has_tasks: !definition.tasks.is_empty(),
    };
    let steps = next_steps(work.state(), happening);
    carry_out(work, Some(definition), steps, None, Some((raw, answers))).await
}

/// An approval stage ended: an approved request goes to fulfilment, a rejected one ends.
async fn on_stage_decided(
    work: &mut RequestWork,
    end: StageEnd,
    decider: Option<i64>,
) -> AppResult<()> {
    let definition = crate::db::definition::definition_of_request(work.txn(), work.row()).await?;
    let happening = match end {
        StageEnd::Waiting => return Ok(()),
        StageEnd::Approved => Happening::Approved {
            has_tasks: !definition.tasks.is_empty(),
        },
        StageEnd::Rejected => Happening::Rejected,
    };
    let steps = next_steps(work.state(), happening);
    carry_out(work, Some(&definition), steps, decider, None).await
}

/// A task was done: the request resolves when it was the last one.
async fn on_task_done(
    work: &mut RequestWork,
    all_done: bool,
    actor: Option<i64>,
) -> AppResult<bool> {
    let steps = next_steps(work.state(), Happening::TaskDone { all_done });
    let resolves = steps.contains(&Step::MoveTo(RequestState::Resolved));
    // Resolving opens nothing: the definition is not needed.
    carry_out(work, None, steps, actor, None).await?;
    Ok(resolves)
}

/// A person cancelled the request (the state is `cancelled` already in `work`): nothing that
/// was waiting on it waits any more.
pub async fn on_cancelled(work: &mut RequestWork) -> AppResult<()> {
    let steps = next_steps(work.state(), Happening::Cancelled);
    carry_out(work, None, steps, None, None).await
}

/// An approver decides one of their approvals, in one transaction with everything it causes.
pub async fn decide_approval(
    db: &Db,
    user: &SessionUser,
    approval_id: i64,
    verdict: Verdict,
) -> AppResult<DecisionResult> {
    approvals::check_verdict(&verdict)?;
    let request = approvals::request_of_approval(&db.conn, user, approval_id).await?;
    // Concurrent deciders (and agents, and workers) take turns on the request's lock.
    let mut work = RequestWork::open(db, request).await?;
    let decided = approvals::decide(&mut work, user, approval_id, verdict).await?;
    on_stage_decided(&mut work, decided.end, Some(user.id.0)).await?;
    crate::workflow::commit(work).await?;
    Ok(DecisionResult {
        request,
        message: decided.message,
    })
}

/// Most approvals decided at once.
pub const DECIDE_MANY_LIMIT: usize = 50;

/// An approver decides several approvals the same way with one comment, each in its own
/// transaction: one that was decided meanwhile (or is not theirs) is refused, the rest go on.
/// Returns (request number, outcome) per approval, in the order given.
pub async fn decide_many(
    db: &Db,
    user: &SessionUser,
    approval_ids: &[i64],
    approve: bool,
    comment: Option<String>,
) -> AppResult<Vec<(String, Result<String, String>)>> {
    if approval_ids.is_empty() {
        return Err(AppError::BadRequest(
            "Tick the approvals to decide first.".into(),
        ));
    }
    if approval_ids.len() > DECIDE_MANY_LIMIT {
        return Err(AppError::BadRequest(format!(
            "Decide at most {DECIDE_MANY_LIMIT} approvals at once."
        )));
    }
    let verdict = Verdict { approve, comment };
    // A missing reason refuses the whole batch before anything is decided.
    approvals::check_verdict(&verdict)?;
    let mut outcomes = Vec::with_capacity(approval_ids.len());
    for &id in approval_ids {
        outcomes.push(match decide_approval(db, user, id, verdict.clone()).await {
            Ok(decided) => (decided.request.to_string(), Ok(decided.message)),
            // Named by its request where the person may know it, else by its number.
            Err(e) => {
                let label = match approvals::request_of_approval(&db.conn, user, id).await {
                    Ok(request) => request.to_string(),
                    Err(_) => format!("Approval {id}"),
                };
                (label, Err(e.to_string()))
            }
        });
    }
    Ok(outcomes)
}

/// A person acts on a task (take, assign, send on, complete), in one transaction with what it
/// causes (the next tasks opening, the request resolving).
pub async fn act_on_task(
    db: &Db,
    user: &SessionUser,
    task_id: i64,
    expected_version: i32,
    action: TaskAction,
) -> AppResult<String> {
    let request = tasks::request_of_task(&db.conn, task_id).await?;
    let mut work = RequestWork::open(db, request).await?;
    let acted = tasks::act(&mut work, user, task_id, expected_version, action).await?;
    let mut message = acted.message;
    if let Some(all_done) = acted.all_done {
        if on_task_done(&mut work, all_done, Some(user.id.0)).await? {
            message.push_str(" Every task is done: the request is resolved.");
        }
    }
    crate::workflow::commit(work).await?;
    Ok(message)
}

/// Acts on approval stages that waited longer than their timeout (remind, escalate,
/// approve or reject, as each item's plan says). Each stage times out once: replicas running
/// this together take turns on the request's lock, and a stage is checked again under it.
/// Returns how many stages timed out.
pub async fn apply_timeouts(db: &Db, now: DateTime<Utc>) -> AppResult<usize> {
    let mut acted = 0;
    for id in approvals::due_timeouts(db, now).await? {
        let mut work = match RequestWork::open(db, RequestId(id)).await {
            Ok(work) => work,
            Err(AppError::NotFound(_)) => continue,
            Err(other) => return Err(other),
        };
        let Some(end) = approvals::time_out_stage(&mut work, now).await? else {
            continue;
        };
        on_stage_decided(&mut work, end, None).await?;
        crate::workflow::commit(work).await?;
        acted += 1;
    }
    Ok(acted)
}

/// Closes requests resolved more than `days` ago and not reopened. Each row is closed under
/// its version, so several replicas running this at once close each request once. Returns how
/// many were closed.
pub async fn close_resolved(db: &Db, days: u32, now: DateTime<Utc>) -> AppResult<usize> {
    let cutoff = now - chrono::Duration::days(i64::from(days));
    let due = request::Entity::find()
        .filter(literal::is(
            request::Column::State,
            RequestState::Resolved.as_str(),
        ))
        .filter(request::Column::ResolvedAt.lte(cutoff))
        .order_by_asc(request::Column::Id)
        .limit(500)
        .all(&db.conn)
        .await?;
    let mut closed = 0;
    for row in due {
        let mut work = RequestWork::open(db, RequestId(row.id)).await?;
        // Another worker (or a reopen) got there first: nothing to do.
        if work.check_seen(row.version).is_err() || work.state() != RequestState::Resolved {
            continue;
        }
        work.transition(
            RequestState::Closed,
            None,
            format!("closed automatically {days} days after it was resolved"),
        )
        .await?;
        crate::workflow::commit(work).await?;
        closed += 1;
    }
    if closed > 0 {
        tracing::info!(closed, days, "resolved requests closed");
    }
    Ok(closed)
}

/// The workflow's clock, run every minute by each replica: approval timeouts, SLA warnings and
/// breaches, then requests resolved more than `auto_close_days` ago close (0: never).
pub async fn tick(db: &Db, now: DateTime<Utc>, auto_close_days: u32) -> AppResult<()> {
    apply_timeouts(db, now).await?;
    crate::sla::calendars::recompute_pending(db).await?;
    escalations::escalate(db, now).await?;
    if auto_close_days > 0 {
        close_resolved(db, auto_close_days, now).await?;
    }
    Ok(())
}
