//! (ssr) The approval engine: opens the stages of a request's plan in order, records each
//! approver's decision, and moves the request on when a stage is decided.
//!
//! Layer: an engine on the request kernel. Every decision is one `RequestWork`: the request's
//! row is locked and its version moves on in the same transaction, so approvers acting at the
//! same moment are applied one after another: the stage is decided exactly once, and a
//! decision that arrives after it is told what happened.

use super::model::{ApprovalLine, InboxItem};
use crate::auth::model::SessionUser;
use crate::db::{
    approval, delegation, department, item_version, literal, request, team_member, user, Db,
};
use crate::domain::approvals::{Approver, FieldApprovers, StageOutcome, Vote};
use crate::domain::definition::ItemDefinition;
use crate::domain::form::{answers_to_raw, Answers, RawAnswers};
use crate::domain::state::RequestState;
use crate::error::{missing, AppError, AppResult};
use crate::requests::audit::Change;
use crate::requests::kernel::{EventKind, NoticeKind, RequestWork};
use crate::requests::model::RequestId;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::{BTreeSet, HashMap};

/// The people a stage asks, by user id: resolved from the plan when the stage opens. The
/// requester never approves their own request. When nobody is found (no manager on file, an
/// empty team), the item department's admins are asked instead, so a request never stalls.
async fn resolve_approvers(
    db: &impl ConnectionTrait,
    approvers: &[Approver],
    requester: &user::Model,
    department_id: i64,
    answers: &Answers,
) -> AppResult<(Vec<i64>, bool)> {
    let mut ids = BTreeSet::new();
    for approver in approvers {
        match approver {
            Approver::User { email } => {
                if let Some(u) = crate::directory::active_user_by_email(db, email).await? {
                    ids.insert(u.id);
                }
            }
            Approver::Team { team: path } => {
                if let Some(t) = crate::directory::find_team(db, path).await? {
                    let members = team_member::Entity::find()
                        .filter(team_member::Column::TeamId.eq(t.id))
                        .all(db)
                        .await?;
                    ids.extend(members.into_iter().map(|m| m.user_id));
                }
            }
            Approver::Manager => ids.extend(requester.manager_id),
            Approver::ManagersManager => {
                if let Some(manager) = requester.manager_id {
                    let m = user::Entity::find_by_id(manager).one(db).await?;
                    ids.extend(m.and_then(|m| m.manager_id));
                }
            }
            Approver::DepartmentHead => {
                let d = department::Entity::find_by_id(department_id)
                    .one(db)
                    .await?;
                ids.extend(d.and_then(|d| d.head_id));
            }
            Approver::Field { field, among } => {
                // Checked when the request was submitted; checked again here, since the
                // directory may have changed since (a later stage opens days after).
                if let Some(email) = answers.get(field).and_then(|v| v.as_str()) {
                    if let Some(u) = crate::directory::active_user_by_email(db, email).await? {
                        if may_be_named(db, among, requester, u.id).await? {
                            ids.insert(u.id);
                        }
                    }
                }
            }
        }
    }
    ids.remove(&requester.id);
    // Only people who can sign in can decide.
    let active: Vec<i64> = if ids.is_empty() {
        Vec::new()
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(ids.iter().copied().collect::<Vec<_>>()))
            .filter(user::Column::Active.eq(true))
            .all(db)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect()
    };
    if !active.is_empty() {
        return Ok((active, false));
    }
    let admins = crate::db::role_grant::Entity::find()
        .filter(crate::db::role_grant::Column::Role.eq("department_admin"))
        .filter(crate::db::role_grant::Column::DepartmentId.eq(department_id))
        .all(db)
        .await?
        .into_iter()
        .map(|g| g.user_id)
        .filter(|id| *id != requester.id)
        .collect();
    Ok((admins, true))
}

/// The people above someone: their manager, that manager's manager, and so on (a loop in the
/// directory, or a chain longer than any organisation's, ends the walk).
async fn manager_chain(db: &impl ConnectionTrait, person: &user::Model) -> AppResult<Vec<i64>> {
    const LONGEST: usize = 32;
    let mut chain = Vec::new();
    let mut next = person.manager_id;
    while let Some(id) = next {
        if chain.contains(&id) || id == person.id || chain.len() == LONGEST {
            break;
        }
        chain.push(id);
        next = user::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(|m| m.manager_id);
    }
    Ok(chain)
}

/// Whether a stage that takes its approver from a field may ask `candidate` for this requester.
async fn may_be_named(
    db: &impl ConnectionTrait,
    among: &FieldApprovers,
    requester: &user::Model,
    candidate: i64,
) -> AppResult<bool> {
    Ok(match among {
        FieldApprovers::ManagerChain => manager_chain(db, requester).await?.contains(&candidate),
        FieldApprovers::Team { team } => match crate::directory::find_team(db, team).await? {
            Some(t) => team_member::Entity::find()
                .filter(team_member::Column::TeamId.eq(t.id))
                .filter(team_member::Column::UserId.eq(candidate))
                .one(db)
                .await?
                .is_some(),
            None => false,
        },
    })
}

/// At submission: each person named in a field that an applicable stage asks must be someone
/// the item allows there. Answers a field error per field, in the form's own words.
pub async fn check_named_approvers(
    db: &impl ConnectionTrait,
    definition: &ItemDefinition,
    requester: &SessionUser,
    raw: &RawAnswers,
    answers: &Answers,
) -> AppResult<crate::domain::form::FieldErrors> {
    let mut errors = crate::domain::form::FieldErrors::new();
    let stages =
        crate::domain::approvals::applicable_stages(&definition.approvals, &definition.form, raw);
    let mut requester_row = None;
    for stage in stages.into_iter().map(|n| &definition.approvals[n]) {
        for approver in &stage.approvers {
            let Approver::Field { field, among } = approver else {
                continue;
            };
            if errors.contains_key(field) {
                continue;
            }
            let Some(email) = answers.get(field).and_then(|v| v.as_str()) else {
                continue;
            };
            // Nobody in the directory: the reference check already says so.
            let Some(candidate) = crate::directory::active_user_by_email(db, email).await? else {
                continue;
            };
            if requester_row.is_none() {
                requester_row = user::Entity::find_by_id(requester.id.0).one(db).await?;
            }
            let Some(requester) = requester_row.as_ref() else {
                return Err(missing("requester"));
            };
            if !may_be_named(db, among, requester, candidate.id).await? {
                errors.insert(field.clone(), among.refusal());
            }
        }
    }
    Ok(errors)
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The delegate standing in for a person on `day`, if they set one.
async fn delegate_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    day: chrono::NaiveDate,
) -> AppResult<Option<i64>> {
    let delegations = delegation::Entity::find()
        .filter(delegation::Column::UserId.eq(user_id))
        .filter(delegation::Column::StartsOn.lte(day))
        .filter(delegation::Column::EndsOn.gte(day))
        .order_by_desc(delegation::Column::Id)
        .all(db)
        .await?;
    // A delegate who can no longer sign in (deactivated) is passed over: the approver keeps
    // the seat rather than it going to nobody.
    for d in delegations {
        let active = user::Entity::find_by_id(d.delegate_id)
            .one(db)
            .await?
            .is_some_and(|u| u.active);
        if active {
            return Ok(Some(d.delegate_id));
        }
    }
    Ok(None)
}

/// Opens stage `stage` of the plan for a request: one waiting row per approver, and an event
/// saying who was asked.
async fn open_stage(
    work: &RequestWork,
    definition: &ItemDefinition,
    stage: usize,
    answers: &Answers,
) -> AppResult<()> {
    let (txn, row, now) = (work.txn(), work.row(), work.now());
    let plan = &definition.approvals[stage];
    let requester = user::Entity::find_by_id(row.requester_id)
        .one(txn)
        .await?
        .ok_or_else(|| missing(format!("the requester of request {}", row.id)))?;
    let (approvers, fallback) =
        resolve_approvers(txn, &plan.approvers, &requester, row.department_id, answers).await?;
    if approvers.is_empty() {
        return Err(AppError::Conflict(format!(
            "Nobody can approve “{}” for this request: ask the department to name an approver.",
            plan.name
        )));
    }
    // People away hand their approvals to their delegate for the dates they set.
    let mut seats: Vec<(i64, Option<i64>)> = Vec::new();
    for approver_id in &approvers {
        // A delegate never takes a second seat on one stage, so four eyes stay four: someone
        // who approves this stage already (or sits on it for another), or the requester, cannot
        // stand in, and the approver keeps their own seat.
        let seat = match delegate_of(txn, *approver_id, now.date_naive()).await? {
            Some(delegate)
                if delegate != row.requester_id
                    && !approvers.contains(&delegate)
                    && !seats.iter().any(|(id, _)| *id == delegate) =>
            {
                (delegate, Some(*approver_id))
            }
            _ => (*approver_id, None),
        };
        if !seats.iter().any(|(id, _)| *id == seat.0) {
            seats.push(seat);
        }
    }
    for (approver_id, on_behalf_of) in &seats {
        approval::ActiveModel {
            request_id: Set(row.id),
            stage: Set(stage as i32),
            stage_name: Set(plan.name.clone()),
            approver_id: Set(*approver_id),
            on_behalf_of_id: Set(*on_behalf_of),
            decision: Set(None),
            comment: Set(None),
            decided_at: Set(None),
            created_at: Set(now),
            timed_out_at: Set(None),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    work.notify(
        NoticeKind::Approvals,
        seats.iter().map(|(id, _)| *id),
        format!("Approval needed: {} {}", RequestId(row.id), row.title),
        format!(
            "{} asks for “{}” ({}). Approve or reject it in your Approvals inbox.",
            requester.name, row.title, plan.name
        ),
    )
    .await?;
    let everyone: Vec<i64> = seats
        .iter()
        .flat_map(|(id, behalf)| std::iter::once(*id).chain(*behalf))
        .collect();
    let known = crate::directory::user_names(txn, everyone.iter().copied()).await?;
    let name = |id: &i64| known.get(id).cloned().unwrap_or_default();
    let mut asked: Vec<String> = seats
        .iter()
        .map(|(id, behalf)| match behalf {
            Some(away) => format!("{} (for {})", name(id), name(away)),
            None => name(id),
        })
        .collect();
    asked.sort();
    let detail = format!(
        "{}: waiting on {}{} ({} decides)",
        plan.name,
        join_names(&asked),
        if fallback {
            ", the department's admins, as nobody else could be found"
        } else {
            ""
        },
        plan.decision.label()
    );
    work.event(None, EventKind::Approval, detail).await
}

/// Starts the approval plan of a just-submitted request, inside its transaction. Returns
/// whether approval began (the request then waits in `awaiting_approval`).
pub(crate) async fn start(
    work: &RequestWork,
    definition: &ItemDefinition,
    raw: &RawAnswers,
    answers: &Answers,
) -> AppResult<bool> {
    let Some(first) = definition.next_stage(raw, None) else {
        return Ok(false);
    };
    open_stage(work, definition, first, answers).await?;
    Ok(true)
}

/// An approver's decision: approve, or reject with a reason (the requester is told it).
#[derive(Clone, Debug)]
pub struct Verdict {
    pub approve: bool,
    pub comment: Option<String>,
}

/// Checks a decision before anything is locked: a comment of reasonable length, and a reason
/// for a rejection. Returns the comment, trimmed (none when blank).
pub fn check_verdict(verdict: &Verdict) -> AppResult<Option<String>> {
    let comment = verdict
        .comment
        .as_ref()
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if comment.as_ref().is_some_and(|c| c.chars().count() > 2000) {
        return Err(AppError::BadRequest(
            "Keep the comment under 2,000 characters.".into(),
        ));
    }
    if !verdict.approve && comment.is_none() {
        return Err(AppError::BadRequest(
            "Say why you reject it: the requester is told your reason.".into(),
        ));
    }
    Ok(comment)
}

/// How a decision (or a timeout) left its stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageEnd {
    /// The stage waits for more votes, or the next stage opened.
    Waiting,
    /// The last applicable stage approved: the request is approved.
    Approved,
    /// The stage rejected: the request is rejected.
    Rejected,
}

/// What a decision did, for the decider and for the workflow.
pub struct Decided {
    /// In words, for the person who decided.
    pub message: String,
    pub end: StageEnd,
}

/// The request an approval of the caller's belongs to (read without a lock, to know which
/// request to lock). Someone else's approval is not found.
pub async fn request_of_approval(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    approval_id: i64,
) -> AppResult<RequestId> {
    approval::Entity::find_by_id(approval_id)
        .one(db)
        .await?
        .filter(|a| a.approver_id == user.id.0)
        .map(|a| RequestId(a.request_id))
        .ok_or_else(|| AppError::NotFound("The approval".into()))
}

/// Records the caller's decision on one of their approvals of the locked request, and
/// concludes the stage when the vote decides it (closing the other seats, opening the next
/// stage, telling the requester). Moving the request on is the workflow's.
pub async fn decide(
    work: &mut RequestWork,
    user: &SessionUser,
    approval_id: i64,
    verdict: Verdict,
) -> AppResult<Decided> {
    let comment = check_verdict(&verdict)?;
    let not_found = || AppError::NotFound("The approval".into());
    let number = work.id();
    // Read under the lock: another decision may have closed this one meanwhile.
    let mine = approval::Entity::find_by_id(approval_id)
        .one(work.txn())
        .await?
        .filter(|a| a.approver_id == user.id.0 && a.request_id == number.0)
        .ok_or_else(not_found)?;
    if let Some(done) = &mine.decision {
        return Err(AppError::Conflict(match Vote::parse(done) {
            Some(Vote::Closed) => format!(
                "{number} no longer needs your decision: the stage “{}” was decided by others.",
                mine.stage_name
            ),
            _ => format!("You already {done} {number}."),
        }));
    }
    let state = work.state();
    if state != RequestState::AwaitingApproval {
        return Err(AppError::Conflict(format!(
            "{number} is no longer waiting for approval: it is {}.",
            state.label().to_lowercase()
        )));
    }
    let vote = if verdict.approve {
        Vote::Approved
    } else {
        Vote::Rejected
    };
    let verb = vote.as_str();
    approval::Entity::update_many()
        .col_expr(approval::Column::Decision, Expr::value(verb))
        .col_expr(approval::Column::Comment, Expr::value(comment.clone()))
        .col_expr(approval::Column::DecidedAt, Expr::value(work.now()))
        .filter(approval::Column::Id.eq(mine.id))
        .exec(work.txn())
        .await?;
    work.audit(
        Some(user.id.0),
        [Change::approval(
            mine.id,
            "decision",
            None,
            Some(match &comment {
                Some(c) => format!("{verb} ({c})"),
                None => verb.to_owned(),
            }),
        )],
    )
    .await?;
    let definition = crate::db::definition::definition_of_request(work.txn(), work.row()).await?;
    let stage = mine.stage as usize;
    let plan = definition
        .approvals
        .get(stage)
        .ok_or_else(|| missing(format!("stage {stage} of {number}'s approval plan")))?;
    let votes = approval::Entity::find()
        .filter(approval::Column::RequestId.eq(number.0))
        .filter(approval::Column::Stage.eq(mine.stage))
        .all(work.txn())
        .await?;
    let count = |d: Vote| {
        votes
            .iter()
            .filter(|v| v.decision.as_deref() == Some(d.as_str()))
            .count()
    };
    // An escalated seat was handed to the approver's manager, whose vote counts instead.
    let eligible = votes.len() - count(Vote::Escalated);
    let outcome = plan
        .decision
        .outcome(eligible, count(Vote::Approved), count(Vote::Rejected));
    let note = comment
        .as_ref()
        .map(|c| format!(": “{c}”"))
        .unwrap_or_default();
    work.event(
        Some(user.id.0),
        EventKind::Approval,
        format!("{verb} ({}){note}", plan.name),
    )
    .await?;
    let mut message = format!("You {verb} {number}.");
    let decider = Decider {
        id: Some(user.id.0),
        name: user.name.clone(),
        reason: comment.clone(),
    };
    let (said, end) = conclude_stage(work, &definition, stage, outcome, decider).await?;
    message.push_str(&said);
    tracing::info!(
        request = number.0,
        approval = approval_id,
        verb,
        "approval decided"
    );
    Ok(Decided { message, end })
}

/// Who decided a stage: a person (with their comment), or the engine on a timeout.
struct Decider {
    id: Option<i64>,
    name: String,
    reason: Option<String>,
}

/// Concludes a stage once a vote (or a timeout) leaves it `outcome`: closes the votes no
/// longer needed, opens the next applicable stage, or — when the request is approved or
/// rejected — tells the requester (a rejection's reason also as a public comment). Returns what
/// happened in words, for the decider, and how the stage ended, for the workflow.
async fn conclude_stage(
    work: &mut RequestWork,
    definition: &ItemDefinition,
    stage: usize,
    outcome: StageOutcome,
    decider: Decider,
) -> AppResult<(String, StageEnd)> {
    let number = work.id();
    let plan = definition
        .approvals
        .get(stage)
        .ok_or_else(|| missing(format!("stage {stage} of {number}'s approval plan")))?;
    // Every decision moves the version on, so pages open before it see they are stale.
    work.touch();
    if outcome != StageOutcome::Pending {
        close_open_votes(work, stage, decider.id).await?;
    }
    let end = match outcome {
        StageOutcome::Pending => {
            let said = format!(" “{}” is waiting for more approvers.", plan.name);
            return Ok((said, StageEnd::Waiting));
        }
        StageOutcome::Rejected => StageEnd::Rejected,
        StageOutcome::Approved => {
            let answers: Answers = serde_json::from_str(&work.row().answers)
                .map_err(|e| crate::error::internal("parsing stored answers", e))?;
            let raw = answers_to_raw(&definition.form, &answers);
            if let Some(next) = definition.next_stage(&raw, Some(stage)) {
                open_stage(work, definition, next, &answers).await?;
                let said = format!(" It goes on to “{}”.", definition.approvals[next].name);
                return Ok((said, StageEnd::Waiting));
            }
            StageEnd::Approved
        }
    };
    let reason = decider.reason.clone().unwrap_or_default();
    let title = work.row().title.clone();
    let (subject, body, message) = match end {
        StageEnd::Rejected => (
            format!("{number} {title} was rejected"),
            format!("{} rejected it at “{}”: {reason}", decider.name, plan.name),
            " The request is rejected and the requester is told why.",
        ),
        _ => (
            format!("{number} {title} is approved"),
            "Every approval is in: it goes to fulfilment.".to_owned(),
            " Every approval is in: the request goes to fulfilment.",
        ),
    };
    work.notify(
        NoticeKind::Approvals,
        [work.row().requester_id],
        subject,
        body,
    )
    .await?;
    if end == StageEnd::Rejected && !reason.is_empty() {
        if let Some(author) = decider.id {
            let text = format!("Rejected at “{}”: {reason}", plan.name);
            work.comment(author, text, false).await?;
        }
    }
    Ok((message.to_owned(), end))
}

/// Closes every seat still waiting on the request (it was cancelled or rejected): nobody is
/// asked to decide on it any more.
pub async fn close_waiting(work: &RequestWork) -> AppResult<()> {
    let open: Vec<i32> = approval::Entity::find()
        .select_only()
        .column(approval::Column::Stage)
        .filter(approval::Column::RequestId.eq(work.id().0))
        .filter(approval::Column::Decision.is_null())
        .distinct()
        .into_tuple()
        .all(work.txn())
        .await?;
    for stage in open {
        close_open_votes(work, stage as usize, None).await?;
    }
    Ok(())
}

/// The stage is decided: the approvers who have not voted need not act any more.
async fn close_open_votes(work: &RequestWork, stage: usize, decider: Option<i64>) -> AppResult<()> {
    let open = approval::Entity::find()
        .filter(approval::Column::RequestId.eq(work.id().0))
        .filter(approval::Column::Stage.eq(stage as i32))
        .filter(approval::Column::Decision.is_null())
        .all(work.txn())
        .await?;
    work.audit(
        decider,
        open.iter()
            .map(|a| {
                Change::approval(
                    a.id,
                    "decision",
                    None,
                    Some(Vote::Closed.as_str().to_owned()),
                )
            })
            .collect::<Vec<_>>(),
    )
    .await?;
    approval::Entity::update_many()
        .col_expr(
            approval::Column::Decision,
            Expr::value(Vote::Closed.as_str()),
        )
        .col_expr(approval::Column::DecidedAt, Expr::value(work.now()))
        .filter(approval::Column::RequestId.eq(work.id().0))
        .filter(approval::Column::Stage.eq(stage as i32))
        .filter(approval::Column::Decision.is_null())
        .exec(work.txn())
        .await?;
    Ok(())
}

/// What waits on a person, oldest first.
pub async fn inbox(db: &Db, user: &SessionUser) -> AppResult<Vec<InboxItem>> {
    let waiting = approval::Entity::find()
        .filter(approval::Column::ApproverId.eq(user.id.0))
        .filter(approval::Column::Decision.is_null())
        .order_by_asc(approval::Column::Id)
        .limit(200)
        .all(&db.conn)
        .await?;
    if waiting.is_empty() {
        return Ok(Vec::new());
    }
    let requests: HashMap<i64, request::Model> = request::Entity::find()
        .filter(request::Column::Id.is_in(waiting.iter().map(|a| a.request_id).collect::<Vec<_>>()))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let requesters: Vec<i64> = requests
        .values()
        .map(|r| r.requester_id)
        .chain(waiting.iter().filter_map(|a| a.on_behalf_of_id))
        .collect();
    let people = crate::directory::user_names(&db.conn, requesters.iter().copied()).await?;
    let departments: HashMap<i64, String> = department::Entity::find()
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let mut rules: HashMap<i64, ItemDefinition> = HashMap::new();
    let mut out = Vec::with_capacity(waiting.len());
    for a in waiting {
        let Some(r) = requests.get(&a.request_id) else {
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(slot) = rules.entry(r.item_version_id) {
            if let Some(v) = item_version::Entity::find_by_id(r.item_version_id)
                .one(&db.conn)
                .await?
            {
                slot.insert(crate::db::definition::parse_definition(&v)?);
            }
        }
        let rule = rules
            .get(&r.item_version_id)
            .and_then(|d| d.approvals.get(a.stage as usize))
            .map(|s| s.decision.label())
            .unwrap_or_default();
        let answers: std::collections::BTreeMap<String, serde_json::Value> =
            serde_json::from_str(&r.answers).unwrap_or_default();
        let facts = rules
            .get(&r.item_version_id)
            .map(|d| crate::domain::form::key_facts(&d.form.fields, &answers))
            .unwrap_or_default();
        out.push(InboxItem {
            approval_id: a.id,
            request: RequestId(r.id),
            title: r.title.clone(),
            requester: people.get(&r.requester_id).cloned().unwrap_or_default(),
            department: departments
                .get(&r.department_id)
                .cloned()
                .unwrap_or_default(),
            on_behalf_of: a.on_behalf_of_id.and_then(|id| people.get(&id).cloned()),
            stage_name: a.stage_name,
            rule,
            asked_at: a
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            facts,
        });
    }
    Ok(out)
}

/// The person's latest decisions, newest first.
pub async fn past_decisions(
    db: &impl ConnectionTrait,
    user: &SessionUser,
) -> AppResult<Vec<crate::approvals::model::PastDecision>> {
    let decided = approval::Entity::find()
        .filter(approval::Column::ApproverId.eq(user.id.0))
        .filter(
            approval::Column::Decision.is_in([Vote::Approved.as_str(), Vote::Rejected.as_str()]),
        )
        .order_by_desc(approval::Column::DecidedAt)
        .order_by_desc(approval::Column::Id)
        .limit(20)
        .all(db)
        .await?;
    let requests: HashMap<i64, request::Model> = request::Entity::find()
        .filter(request::Column::Id.is_in(decided.iter().map(|a| a.request_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let people =
        crate::directory::user_names(db, requests.values().map(|r| r.requester_id)).await?;
    Ok(decided
        .into_iter()
        .filter_map(|a| {
            let r = requests.get(&a.request_id)?;
            Some(crate::approvals::model::PastDecision {
                request: RequestId(r.id),
                title: r.title.clone(),
                requester: people.get(&r.requester_id).cloned().unwrap_or_default(),
                approved: a.decision.as_deref().and_then(Vote::parse) == Some(Vote::Approved),
                comment: a.comment,
                decided_at: a
                    .decided_at
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .unwrap_or_default(),
            })
        })
        .collect())
}

/// How many approvals wait on a person (the header's badge).
pub async fn waiting_count(db: &impl ConnectionTrait, user_id: i64) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(approval::Entity::find()
        .filter(approval::Column::ApproverId.eq(user_id))
        .filter(approval::Column::Decision.is_null())
        .count(db)
        .await?)
}

/// Every approval line of a request, for its page (the caller has checked access).
pub async fn for_request(
    db: &impl ConnectionTrait,
    viewer: &SessionUser,
    request_id: i64,
) -> AppResult<Vec<ApprovalLine>> {
    let rows = approval::Entity::find()
        .filter(approval::Column::RequestId.eq(request_id))
        .order_by_asc(approval::Column::Stage)
        .order_by_asc(approval::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows
        .iter()
        .flat_map(|a| std::iter::once(a.approver_id).chain(a.on_behalf_of_id))
        .collect();
    let people = crate::directory::user_names(db, ids.iter().copied()).await?;
    Ok(rows
        .into_iter()
        .map(|a| ApprovalLine {
            approval_id: a.id,
            stage_name: a.stage_name,
            approver: people.get(&a.approver_id).cloned().unwrap_or_default(),
            on_behalf_of: a.on_behalf_of_id.and_then(|id| people.get(&id).cloned()),
            status: a.decision.as_deref().and_then(Vote::parse),
            comment: a.comment,
            decided_at: a
                .decided_at
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            mine: a.approver_id == viewer.id.0 && a.decision.is_none(),
        })
        .collect())
}

/// Approvers named in a plan that do not exist: people by email (active), teams by
/// `department/team`. Checked when a definition is saved or imported.
pub async fn check_references(
    db: &impl ConnectionTrait,
    definition: &ItemDefinition,
) -> AppResult<Vec<crate::domain::rules::DefinitionError>> {
    let mut problems = Vec::new();
    for (n, stage) in definition.approvals.iter().enumerate() {
        let at = format!("approval stage {}", n + 1);
        for approver in &stage.approvers {
            let missing = match approver {
                Approver::User { email } => crate::directory::active_user_by_email(db, email)
                    .await?
                    .is_none()
                    .then(|| {
                        format!(
                            "“{}”: nobody with the email {email} can sign in.",
                            stage.name
                        )
                    }),
                Approver::Team { team: path }
                | Approver::Field {
                    among: FieldApprovers::Team { team: path },
                    ..
                } => {
                    let found = crate::directory::find_team(db, path).await?.is_some();
                    (!found).then(|| format!("“{}”: there is no team {path}.", stage.name))
                }
                _ => None,
            };
            if let Some(message) = missing {
                problems.push(crate::domain::rules::DefinitionError {
                    at: at.clone(),
                    message,
                });
            }
        }
    }
    Ok(problems)
}

/// A person's delegations that have not ended, soonest first.
pub async fn my_delegations(
    db: &Db,
    user: &SessionUser,
) -> AppResult<Vec<super::model::DelegationView>> {
    let today = db.now().date_naive();
    let rows = delegation::Entity::find()
        .filter(delegation::Column::UserId.eq(user.id.0))
        .filter(delegation::Column::EndsOn.gte(today))
        .order_by_asc(delegation::Column::StartsOn)
        .all(&db.conn)
        .await?;
    let people = crate::directory::user_names(&db.conn, rows.iter().map(|d| d.delegate_id)).await?;
    Ok(rows
        .into_iter()
        .map(|d| super::model::DelegationView {
            id: d.id,
            delegate: people.get(&d.delegate_id).cloned().unwrap_or_default(),
            starts_on: d.starts_on.format("%Y-%m-%d").to_string(),
            ends_on: d.ends_on.format("%Y-%m-%d").to_string(),
        })
        .collect())
}

/// "From `starts_on` to `ends_on`, `delegate_email` approves for me." Approvals opened in that
/// time go to the delegate, marked as on the person's behalf.
pub async fn add_delegation(
    db: &Db,
    user: &SessionUser,
    delegate_email: &str,
    starts_on: &str,
    ends_on: &str,
) -> AppResult<()> {
    let date = |text: &str, what: &str| {
        chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::BadRequest(format!("Enter the {what} as YYYY-MM-DD.")))
    };
    let (starts, ends) = (date(starts_on, "first day")?, date(ends_on, "last day")?);
    let today = db.now().date_naive();
    if ends < starts {
        return Err(AppError::BadRequest(
            "The last day must not be before the first.".into(),
        ));
    }
    if ends < today {
        return Err(AppError::BadRequest("Those days are over already.".into()));
    }
    if (ends - starts).num_days() > 366 {
        return Err(AppError::BadRequest(
            "A delegation lasts at most a year.".into(),
        ));
    }
    let delegate = crate::directory::active_user_by_email(&db.conn, delegate_email.trim())
        .await?
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "Nobody with the email {} can sign in.",
                delegate_email.trim()
            ))
        })?;
    if delegate.id == user.id.0 {
        return Err(AppError::BadRequest(
            "Choose someone else to approve for you.".into(),
        ));
    }
    let txn = db.begin_write().await?;
    delegation::ActiveModel {
        user_id: Set(user.id.0),
        delegate_id: Set(delegate.id),
        starts_on: Set(starts),
        ends_on: Set(ends),
        created_at: Set(db.now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Ends one of the caller's delegations (someone else's is "not found").
pub async fn remove_delegation(db: &Db, user: &SessionUser, id: i64) -> AppResult<()> {
    let txn = db.begin_write().await?;
    let result = delegation::Entity::delete_many()
        .filter(delegation::Column::Id.eq(id))
        .filter(delegation::Column::UserId.eq(user.id.0))
        .exec(&*txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::NotFound("The delegation".into()));
    }
    txn.commit().await?;
    Ok(())
}

/// The requests whose current stage has waited past its timeout, read without any lock so
/// that the worker opens a write transaction only for what is due (each is checked again
/// under the lock).
pub async fn due_timeouts(db: &Db, now: DateTime<Utc>) -> AppResult<Vec<i64>> {
    let waiting: Vec<(i64, i32, DateTime<Utc>)> = approval::Entity::find()
        .select_only()
        .column(approval::Column::RequestId)
        .column(approval::Column::Stage)
        .column(approval::Column::CreatedAt)
        .filter(approval::Column::Decision.is_null())
        .filter(approval::Column::TimedOutAt.is_null())
        .into_tuple()
        .all(&db.conn)
        .await?;
    if waiting.is_empty() {
        return Ok(Vec::new());
    }
    // The stage each request waits on, and since when.
    let mut current: HashMap<i64, (i32, DateTime<Utc>)> = HashMap::new();
    for (request_id, stage, asked) in waiting {
        let entry = current.entry(request_id).or_insert((stage, asked));
        if stage > entry.0 {
            *entry = (stage, asked);
        } else if stage == entry.0 && asked < entry.1 {
            entry.1 = asked;
        }
    }
    let versions: Vec<(i64, i64)> = request::Entity::find()
        .select_only()
        .column(request::Column::Id)
        .column(request::Column::ItemVersionId)
        .filter(request::Column::Id.is_in(current.keys().copied().collect::<Vec<_>>()))
        .filter(literal::is(
            request::Column::State,
            RequestState::AwaitingApproval.as_str(),
        ))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut timeouts: HashMap<i64, Vec<Option<u32>>> = HashMap::new();
    let mut due = Vec::new();
    for (request_id, version_id) in versions {
        if let std::collections::hash_map::Entry::Vacant(slot) = timeouts.entry(version_id) {
            let hours = match item_version::Entity::find_by_id(version_id)
                .one(&db.conn)
                .await?
            {
                Some(version) => crate::db::definition::parse_definition(&version)?
                    .approvals
                    .iter()
                    .map(|stage| stage.timeout.map(|t| t.hours))
                    .collect(),
                None => Vec::new(),
            };
            slot.insert(hours);
        }
        let Some((stage, since)) = current.get(&request_id) else {
            continue;
        };
        let hours = timeouts
            .get(&version_id)
            .and_then(|stages| stages.get(*stage as usize).copied().flatten());
        if hours.is_some_and(|h| now >= *since + chrono::Duration::hours(i64::from(h))) {
            due.push(request_id);
        }
    }
    due.sort_unstable();
    Ok(due)
}

/// Times out the current stage of the locked request if it is (still) due: reminds the
/// approvers, escalates each waiting seat to the approver's manager, or decides the stage, as
/// the item's plan says. `None` when nothing was due.
pub async fn time_out_stage(
    work: &mut RequestWork,
    now: DateTime<Utc>,
) -> AppResult<Option<StageEnd>> {
    use crate::domain::approvals::TimeoutOutcome;
    let id = work.id();
    if work.state() != RequestState::AwaitingApproval {
        return Ok(None);
    }
    let votes = approval::Entity::find()
        .filter(approval::Column::RequestId.eq(id.0))
        .order_by_asc(approval::Column::Id)
        .all(work.txn())
        .await?;
    let Some(stage) = votes.iter().map(|v| v.stage).max() else {
        return Ok(None);
    };
    let in_stage: Vec<&approval::Model> = votes.iter().filter(|v| v.stage == stage).collect();
    let waiting: Vec<&approval::Model> = in_stage
        .iter()
        .copied()
        .filter(|v| v.decision.is_none() && v.timed_out_at.is_none())
        .collect();
    let Some(opened) = in_stage.iter().map(|v| v.created_at).min() else {
        return Ok(None);
    };
    if waiting.is_empty() {
        return Ok(None);
    }
    let definition = crate::db::definition::definition_of_request(work.txn(), work.row()).await?;
    let Some(plan) = definition.approvals.get(stage as usize) else {
        return Ok(None);
    };
    let Some(timeout) = plan.timeout else {
        return Ok(None);
    };
    if now < opened + chrono::Duration::hours(i64::from(timeout.hours)) {
        return Ok(None);
    }
    let after = format!("no decision within {} hours", timeout.hours);
    let end = match timeout.outcome {
        TimeoutOutcome::Remind => {
            remind(work, plan, &waiting, &after).await?;
            StageEnd::Waiting
        }
        TimeoutOutcome::Escalate => {
            escalate(work, plan, stage, &in_stage, &waiting, &after).await?;
            StageEnd::Waiting
        }
        TimeoutOutcome::AutoApprove | TimeoutOutcome::AutoReject => {
            let approve = timeout.outcome == TimeoutOutcome::AutoApprove;
            let verb = if approve { "approved" } else { "rejected" };
            let detail = format!("{}: {after}; {verb} automatically", plan.name);
            work.event(None, EventKind::Approval, detail).await?;
            let outcome = if approve {
                StageOutcome::Approved
            } else {
                StageOutcome::Rejected
            };
            let decider = Decider {
                id: None,
                name: "Atrium".to_owned(),
                reason: Some(after.clone()),
            };
            conclude_stage(work, &definition, stage as usize, outcome, decider)
                .await?
                .1
        }
    };
    tracing::info!(request = id.0, stage, "approval stage timed out");
    Ok(Some(end))
}

/// Marks seats as timed out, so each stage times out once.
async fn mark_timed_out(work: &RequestWork, ids: Vec<i64>) -> AppResult<()> {
    approval::Entity::update_many()
        .col_expr(approval::Column::TimedOutAt, Expr::value(work.now()))
        .filter(approval::Column::Id.is_in(ids))
        .exec(work.txn())
        .await?;
    Ok(())
}

/// A stage's timeout says "remind": the waiting approvers hear again.
async fn remind(
    work: &mut RequestWork,
    plan: &crate::domain::approvals::ApprovalStage,
    waiting: &[&approval::Model],
    after: &str,
) -> AppResult<()> {
    mark_timed_out(work, waiting.iter().map(|v| v.id).collect()).await?;
    let people: Vec<i64> = waiting.iter().map(|v| v.approver_id).collect();
    let (number, title) = (work.id(), work.row().title.clone());
    work.notify(
        NoticeKind::Approvals,
        people.clone(),
        format!("Reminder: approval needed for {number} {title}"),
        format!(
            "“{}” has had {after}. Please decide in your Approvals inbox.",
            plan.name
        ),
    )
    .await?;
    let known = crate::directory::user_names(work.txn(), people.iter().copied()).await?;
    let mut asked: Vec<String> = people
        .iter()
        .filter_map(|p| known.get(p).cloned())
        .collect();
    asked.sort();
    let detail = format!("{}: {after}; reminded {}", plan.name, join_names(&asked));
    work.event(None, EventKind::Approval, detail).await?;
    work.touch();
    Ok(())
}

/// A stage's timeout says "escalate": each waiting seat goes to the approver's manager.
async fn escalate(
    work: &mut RequestWork,
    plan: &crate::domain::approvals::ApprovalStage,
    stage: i32,
    in_stage: &[&approval::Model],
    waiting: &[&approval::Model],
    after: &str,
) -> AppResult<()> {
    let (txn, now, requester) = (work.txn(), work.now(), work.row().requester_id);
    let mut handed = Vec::new();
    for seat in waiting {
        let manager = user::Entity::find_by_id(seat.approver_id)
            .one(txn)
            .await?
            .and_then(|u| u.manager_id)
            .filter(|m| *m != requester)
            .filter(|m| !in_stage.iter().any(|v| v.approver_id == *m));
        let Some(manager) = manager else {
            mark_timed_out(work, vec![seat.id]).await?;
            continue;
        };
        approval::Entity::update_many()
            .col_expr(
                approval::Column::Decision,
                Expr::value(Vote::Escalated.as_str()),
            )
            .col_expr(approval::Column::DecidedAt, Expr::value(now))
            .col_expr(approval::Column::TimedOutAt, Expr::value(now))
            .filter(approval::Column::Id.eq(seat.id))
            .exec(txn)
            .await?;
        approval::ActiveModel {
            request_id: Set(work.id().0),
            stage: Set(stage),
            stage_name: Set(plan.name.clone()),
            approver_id: Set(manager),
            on_behalf_of_id: Set(Some(seat.approver_id)),
            decision: Set(None),
            comment: Set(None),
            decided_at: Set(None),
            created_at: Set(now),
            timed_out_at: Set(Some(now)),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        handed.push((seat.approver_id, manager));
    }
    let everyone: Vec<i64> = handed.iter().flat_map(|(a, m)| [*a, *m]).collect();
    let known = crate::directory::user_names(txn, everyone.iter().copied()).await?;
    let name = |id: &i64| known.get(id).cloned().unwrap_or_default();
    let (number, title) = (work.id(), work.row().title.clone());
    work.notify(
        NoticeKind::Approvals,
        handed.iter().map(|(_, m)| *m),
        format!("Approval escalated to you: {number} {title}"),
        format!("“{}” had {after}; you decide in their place.", plan.name),
    )
    .await?;
    let detail = if handed.is_empty() {
        format!("{}: {after}; nobody to escalate to", plan.name)
    } else {
        let moves: Vec<String> = handed
            .iter()
            .map(|(a, m)| format!("{} to {}", name(a), name(m)))
            .collect();
        format!(
            "{}: {after}; escalated from {}",
            plan.name,
            join_names(&moves)
        )
    };
    work.event(None, EventKind::Approval, detail).await?;
    work.touch();
    Ok(())
}
