//! (ssr) The fulfilment engine: creates a request's tasks from its item's plan, opens each task
//! when the tasks it comes after are done, hands tasks out, and resolves the request when the
//! last task is done.
//!
//! Layer: an engine on the request kernel. Every task action is one `RequestWork` (the request
//! row locked, its version moved on) and names the task version it was made against, so two
//! agents taking the same task at once get one owner, and the other is told who.

use super::model::{QueueFilter, TaskQueue, TaskView, TeamOption, TeamSetting};
use crate::auth::model::{DepartmentId, Role, SessionUser};
use crate::db::{department, literal, request, task, team, user, Db};
use crate::domain::definition::ItemDefinition;
use crate::domain::tasks::{pick_assignee, ready, Assignment, TaskState};
use crate::error::{AppError, AppResult};
use crate::requests::audit::{person, Change};
use crate::requests::kernel::{EventKind, NoticeKind, RequestWork};
use crate::requests::model::RequestId;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::{BTreeSet, HashMap};

/// Rows the queue shows at most.
const QUEUE_LIMIT: u64 = 200;

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn state_of(row: &task::Model) -> TaskState {
    TaskState::parse(&row.state).unwrap_or(TaskState::Cancelled)
}

/// A task event on the request's timeline, in words.
async fn note(work: &RequestWork, actor: Option<i64>, text: String) -> AppResult<()> {
    work.event(actor, EventKind::Task, text).await
}

/// A task event whose `remark` (a completion note, why it was sent on) only those who work on
/// the request read: the requester sees the event without it.
async fn note_with_remark(
    work: &RequestWork,
    actor: Option<i64>,
    text: String,
    remark: Option<String>,
) -> AppResult<()> {
    work.event_with_note(actor, EventKind::Task, text, remark)
        .await
}

/// Team names as "Department · Team", by team id.
async fn team_labels(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, (String, String)>> {
    let departments: HashMap<i64, (String, String)> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, (d.slug, d.name)))
        .collect();
    Ok(team::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| {
            let (slug, name) = departments
                .get(&t.department_id)
                .cloned()
                .unwrap_or_default();
            (
                t.id,
                (format!("{slug}/{}", t.slug), format!("{name} · {}", t.name)),
            )
        })
        .collect())
}

/// Every team, for "send to another team".
pub async fn destinations(db: &impl ConnectionTrait) -> AppResult<Vec<TeamOption>> {
    let mut teams: Vec<TeamOption> = team_labels(db)
        .await?
        .into_values()
        .map(|(path, label)| TeamOption { path, label })
        .collect();
    teams.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(teams)
}

/// Hands a newly opened (or re-routed) task to a member when its team assigns automatically.
async fn auto_assign(txn: &impl ConnectionTrait, team_id: i64) -> AppResult<Option<i64>> {
    let Some(team) = team::Entity::find_by_id(team_id).one(txn).await? else {
        return Ok(None);
    };
    let rule = Assignment::parse(&team.assignment).unwrap_or(Assignment::Manual);
    if rule == Assignment::Manual {
        return Ok(None);
    }
    let members: Vec<i64> = crate::directory::team_members(txn, team_id)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut load = HashMap::new();
    if rule == Assignment::LeastLoaded && !members.is_empty() {
        let rows: Vec<(Option<i64>, i64)> = task::Entity::find()
            .select_only()
            .column(task::Column::AssigneeId)
            .column_as(task::Column::Id.count(), "open")
            .filter(task::Column::AssigneeId.is_in(members.clone()))
            .filter(literal::is(task::Column::State, TaskState::Open.as_str()))
            .group_by(task::Column::AssigneeId)
            .into_tuple()
            .all(txn)
            .await?;
        load = rows
            .into_iter()
            .filter_map(|(id, n)| id.map(|id| (id, n as u64)))
            .collect();
    }
    let chosen = pick_assignee(rule, &members, team.last_assigned_id, &load);
    if let Some(chosen) = chosen {
        team::Entity::update_many()
            .col_expr(team::Column::LastAssignedId, Expr::value(chosen))
            .filter(team::Column::Id.eq(team_id))
            .exec(txn)
            .await?;
    }
    Ok(chosen)
}

/// Creates a request's tasks from its plan and opens the first ones, inside the transaction
/// that approved (or submitted) it. Returns whether the plan has tasks (the request is then in
/// fulfilment); a team deleted since the item was published falls back to the item's team.
pub(crate) async fn start(work: &RequestWork, definition: &ItemDefinition) -> AppResult<bool> {
    let (txn, row, now) = (work.txn(), work.row(), work.now());
    if definition.tasks.is_empty() {
        return Ok(false);
    }
    let fallback = match row.team_id {
        Some(id) => team::Entity::find_by_id(id).one(txn).await?,
        None => None,
    };
    for (position, plan) in definition.tasks.iter().enumerate() {
        let team = match crate::directory::find_team(txn, &plan.team).await? {
            Some(team) => team,
            None => fallback.clone().ok_or_else(|| {
                AppError::Conflict(format!(
                    "The team {} for “{}” no longer exists: ask the department to fix the item.",
                    plan.team, plan.title
                ))
            })?,
        };
        task::ActiveModel {
            request_id: Set(row.id),
            position: Set(position as i32),
            key: Set(plan.key.clone()),
            title: Set(plan.title.clone()),
            instructions: Set(plan.instructions.clone()),
            after_keys: Set(plan.after.join(",")),
            department_id: Set(team.department_id),
            team_id: Set(team.id),
            assignee_id: Set(None),
            state: Set(TaskState::Pending.as_str().to_owned()),
            target_hours: Set(plan.target_hours as i32),
            due_at: Set(None),
            opened_at: Set(None),
            completed_at: Set(None),
            completed_by_id: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    open_ready(work, definition).await?;
    Ok(true)
}

/// Opens every pending task whose predecessors are done. Returns whether all tasks are done.
async fn open_ready(work: &RequestWork, definition: &ItemDefinition) -> AppResult<bool> {
    let (txn, request_id, now) = (work.txn(), work.id().0, work.now());
    let rows = task::Entity::find()
        .filter(task::Column::RequestId.eq(request_id))
        .order_by_asc(task::Column::Position)
        .all(txn)
        .await?;
    let opened: BTreeSet<usize> = rows
        .iter()
        .filter(|t| state_of(t) != TaskState::Pending)
        .map(|t| t.position as usize)
        .collect();
    let done: BTreeSet<usize> = rows
        .iter()
        .filter(|t| state_of(t) == TaskState::Done)
        .map(|t| t.position as usize)
        .collect();
    let labels = team_labels(txn).await?;
    for position in ready(&definition.tasks, &opened, &done) {
        let Some(row) = rows.iter().find(|t| t.position as usize == position) else {
            continue;
        };
        let assignee = match row.assignee_id {
            Some(already) => Some(already),
            None => auto_assign(txn, row.team_id).await?,
        };
        task::Entity::update_many()
            .col_expr(task::Column::State, Expr::value(TaskState::Open.as_str()))
            .col_expr(task::Column::OpenedAt, Expr::value(now))
            .col_expr(
                task::Column::DueAt,
                Expr::value(now + Duration::hours(i64::from(row.target_hours))),
            )
            .col_expr(task::Column::AssigneeId, Expr::value(assignee))
            .col_expr(task::Column::Version, Expr::value(row.version + 1))
            .col_expr(task::Column::UpdatedAt, Expr::value(now))
            .filter(task::Column::Id.eq(row.id))
            .exec(txn)
            .await?;
        let team = labels
            .get(&row.team_id)
            .map(|l| l.1.clone())
            .unwrap_or_default();
        if let Some(assignee) = assignee {
            tell_assignee(work, assignee, row).await?;
        }
        work.audit(
            None,
            [
                Change::task(row.id, "state", Some("Waiting".into()), Some("Open".into())),
                Change::task(
                    row.id,
                    "assignee",
                    person(txn, row.assignee_id).await?,
                    person(txn, assignee).await?,
                ),
            ],
        )
        .await?;
        let who = match assignee {
            Some(id) => format!(", assigned to {}", user_name(txn, id).await?),
            None => String::new(),
        };
        note(
            work,
            None,
            format!("Task “{}” opened for {team}{who}", row.title),
        )
        .await?;
    }
    Ok(rows.iter().all(|t| state_of(t) == TaskState::Done))
}

async fn user_name(db: &impl ConnectionTrait, id: i64) -> AppResult<String> {
    Ok(user::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|u| u.name)
        .unwrap_or_default())
}

/// Tells a person a task is theirs.
async fn tell_assignee(work: &RequestWork, assignee: i64, row: &task::Model) -> AppResult<()> {
    let title = &work.row().title;
    work.notify(
        NoticeKind::Work,
        [assignee],
        format!("Task for you: {} on {}", row.title, work.id()),
        format!("{title}. {}", row.instructions),
    )
    .await
}

/// Cancels the tasks still pending or open (the request was cancelled).
pub(crate) async fn cancel_unfinished(work: &RequestWork) -> AppResult<()> {
    let (txn, request_id, now) = (work.txn(), work.id().0, work.now());
    let unfinished = task::Entity::find()
        .filter(task::Column::RequestId.eq(request_id))
        .filter(literal::is_one_of(
            task::Column::State,
            [TaskState::Pending.as_str(), TaskState::Open.as_str()],
        ))
        .all(txn)
        .await?;
    work.audit(
        None,
        unfinished
            .iter()
            .map(|t| {
                Change::task(
                    t.id,
                    "state",
                    Some(state_of(t).label().to_owned()),
                    Some(TaskState::Cancelled.label().to_owned()),
                )
            })
            .collect::<Vec<_>>(),
    )
    .await?;
    task::Entity::update_many()
        .col_expr(
            task::Column::State,
            Expr::value(TaskState::Cancelled.as_str()),
        )
        .col_expr(task::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            task::Column::Version,
            Expr::col(task::Column::Version).add(1),
        )
        .filter(task::Column::RequestId.eq(request_id))
        .filter(literal::is_one_of(
            task::Column::State,
            [TaskState::Pending.as_str(), TaskState::Open.as_str()],
        ))
        .exec(txn)
        .await?;
    Ok(())
}

/// Titles of the tasks of a request not done yet (a person may not resolve it over them).
pub(crate) async fn unfinished_titles(
    db: &impl ConnectionTrait,
    request_id: i64,
) -> AppResult<Vec<String>> {
    Ok(task::Entity::find()
        .filter(task::Column::RequestId.eq(request_id))
        .filter(literal::is_one_of(
            task::Column::State,
            [TaskState::Pending.as_str(), TaskState::Open.as_str()],
        ))
        .order_by_asc(task::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.title)
        .collect())
}

fn may_work(user: &SessionUser, row: &task::Model) -> bool {
    user.works_in(DepartmentId(row.department_id))
}

fn may_route(user: &SessionUser, row: &task::Model, request_department: i64) -> bool {
    may_work(user, row) || user.works_in(DepartmentId(request_department))
}

/// Builds the views of task rows for one viewer.
async fn views(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    rows: Vec<task::Model>,
    requests: &HashMap<i64, request::Model>,
) -> AppResult<Vec<TaskView>> {
    let labels = team_labels(db).await?;
    let people: Vec<i64> = rows
        .iter()
        .flat_map(|t| [t.assignee_id, t.completed_by_id])
        .flatten()
        .collect();
    let names: HashMap<i64, String> = if people.is_empty() {
        HashMap::new()
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(people))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect()
    };
    // Titles of sibling tasks, for "waits for".
    let request_ids: Vec<i64> = requests.keys().copied().collect();
    let siblings: Vec<task::Model> = if rows.iter().any(|t| state_of(t) == TaskState::Pending) {
        task::Entity::find()
            .filter(task::Column::RequestId.is_in(request_ids))
            .all(db)
            .await?
    } else {
        Vec::new()
    };
    let mut members: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    let now = Utc::now();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(req) = requests.get(&row.request_id) else {
            continue;
        };
        let state = state_of(&row);
        let route = may_route(user, &row, req.department_id)
            && matches!(state, TaskState::Pending | TaskState::Open);
        if route && !members.contains_key(&row.team_id) {
            members.insert(
                row.team_id,
                crate::directory::team_members(db, row.team_id).await?,
            );
        }
        let waits_for = if state == TaskState::Pending {
            pending_predecessors(&row, &siblings)
        } else {
            Vec::new()
        };
        out.push(TaskView {
            id: row.id,
            request: RequestId(row.request_id),
            request_title: req.title.clone(),
            title: row.title.clone(),
            instructions: row.instructions.clone(),
            team: labels
                .get(&row.team_id)
                .map(|l| l.1.clone())
                .unwrap_or_default(),
            team_id: row.team_id,
            state,
            assignee: row.assignee_id.and_then(|id| names.get(&id).cloned()),
            assigned_to_me: row.assignee_id == Some(user.id.0),
            waits_for,
            due_at: row.due_at.map(timestamp),
            overdue: state == TaskState::Open && row.due_at.is_some_and(|d| d < now),
            completed_at: row.completed_at.map(timestamp),
            completed_by: row.completed_by_id.and_then(|id| names.get(&id).cloned()),
            version: row.version,
            may_work: may_work(user, &row) && matches!(state, TaskState::Pending | TaskState::Open),
            may_route: route,
            members: if route {
                members.get(&row.team_id).cloned().unwrap_or_default()
            } else {
                Vec::new()
            },
        });
    }
    Ok(out)
}

/// Titles of the not-yet-done tasks a pending task waits for.
fn pending_predecessors(row: &task::Model, siblings: &[task::Model]) -> Vec<String> {
    let after: Vec<&str> = row
        .after_keys
        .split(',')
        .filter(|k| !k.is_empty())
        .collect();
    siblings
        .iter()
        .filter(|t| t.request_id == row.request_id && after.contains(&t.key.as_str()))
        .filter(|t| state_of(t) != TaskState::Done)
        .map(|t| t.title.clone())
        .collect()
}

/// A request's tasks, in plan order, for a viewer allowed to see the request.
/// The request's tasks as `user` sees them. Instructions are the plan's, for those who work
/// on the request (`works_on`); the requester, leadership and approvers see what is being done
/// and by whom, not how.
pub async fn for_request(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    row: &request::Model,
    works_on: bool,
) -> AppResult<Vec<TaskView>> {
    let rows = task::Entity::find()
        .filter(task::Column::RequestId.eq(row.id))
        .order_by_asc(task::Column::Position)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let requests = HashMap::from([(row.id, row.clone())]);
    let mut views = views(db, user, rows, &requests).await?;
    if !works_on {
        for view in &mut views {
            view.instructions.clear();
            view.members.clear();
        }
    }
    Ok(views)
}

/// The task queue of the viewer's departments' teams.
pub async fn queue(db: &Db, user: &SessionUser, filter: QueueFilter) -> AppResult<TaskQueue> {
    if !user.is_agent() {
        return Err(AppError::Forbidden);
    }
    let conn = &db.conn;
    let mut query = task::Entity::find();
    if !user.has_role(Role::SystemAdmin) {
        let departments: Vec<i64> = user.agent_departments().into_iter().map(|d| d.0).collect();
        query = query.filter(task::Column::DepartmentId.is_in(departments));
    }
    query = match filter {
        QueueFilter::Mine => query
            .filter(task::Column::AssigneeId.eq(user.id.0))
            .filter(literal::is(task::Column::State, TaskState::Open.as_str())),
        QueueFilter::Unassigned => query
            .filter(task::Column::AssigneeId.is_null())
            .filter(literal::is(task::Column::State, TaskState::Open.as_str())),
        QueueFilter::Open => {
            query.filter(literal::is(task::Column::State, TaskState::Open.as_str()))
        }
        QueueFilter::Done => {
            query.filter(literal::is(task::Column::State, TaskState::Done.as_str()))
        }
    };
    query = if filter == QueueFilter::Done {
        query.order_by_desc(task::Column::CompletedAt)
    } else {
        // Most urgent first.
        query
            .order_by_asc(task::Column::DueAt)
            .order_by_asc(task::Column::Id)
    };
    let rows = query.limit(QUEUE_LIMIT).all(conn).await?;
    let request_ids: BTreeSet<i64> = rows.iter().map(|t| t.request_id).collect();
    let requests: HashMap<i64, request::Model> = if request_ids.is_empty() {
        HashMap::new()
    } else {
        request::Entity::find()
            .filter(request::Column::Id.is_in(request_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect()
    };
    let tasks = views(conn, user, rows, &requests).await?;
    let labels = team_labels(conn).await?;
    let mut teams: Vec<TeamSetting> = team::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .filter(|t| user.works_in(DepartmentId(t.department_id)))
        .map(|t| TeamSetting {
            id: t.id,
            label: labels.get(&t.id).map(|l| l.1.clone()).unwrap_or_default(),
            assignment: Assignment::parse(&t.assignment).unwrap_or(Assignment::Manual),
            may_edit: admin_of(user, t.department_id),
        })
        .collect();
    teams.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(TaskQueue {
        tasks,
        teams,
        destinations: destinations(conn).await?,
    })
}

fn admin_of(user: &SessionUser, department_id: i64) -> bool {
    user.administers(DepartmentId(department_id))
}

/// Sets how a team hands out tasks (its department's admins only).
pub async fn set_assignment(
    db: &Db,
    user: &SessionUser,
    team_id: i64,
    rule: Assignment,
) -> AppResult<()> {
    let team = team::Entity::find_by_id(team_id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| AppError::NotFound("The team".into()))?;
    if !admin_of(user, team.department_id) {
        return Err(AppError::Forbidden);
    }
    team::Entity::update_many()
        .col_expr(team::Column::Assignment, Expr::value(rule.as_str()))
        .filter(team::Column::Id.eq(team.id))
        .exec(&db.conn)
        .await?;
    tracing::info!(
        team = team.id,
        rule = rule.as_str(),
        user = user.id.0,
        "team assignment set"
    );
    Ok(())
}

/// Something a person does to a task.
#[derive(Clone, Debug, PartialEq)]
pub enum TaskAction {
    /// Assign it to myself.
    Take,
    /// Assign it to a member of its team.
    Assign { user_id: i64 },
    /// Send it to another team (of any department), saying why.
    Reassign { team: String, reason: String },
    /// Mark it done, with an optional note for the record.
    Complete { note: Option<String> },
}

/// The request a task belongs to (read without a lock, to know which request to lock).
pub async fn request_of_task(db: &impl ConnectionTrait, task_id: i64) -> AppResult<RequestId> {
    task::Entity::find_by_id(task_id)
        .one(db)
        .await?
        .map(|t| RequestId(t.request_id))
        .ok_or_else(|| AppError::NotFound("The task".into()))
}

/// What a task action did.
pub struct Acted {
    /// In words, for the person who acted.
    pub message: String,
    /// For a completed task: whether every task of the request is done now (the next ones
    /// have been opened otherwise).
    pub all_done: Option<bool>,
}

/// Applies one action to a task of the locked request. Moving the request on when the last
/// task is done is the workflow's.
pub async fn act(
    work: &mut RequestWork,
    user: &SessionUser,
    task_id: i64,
    expected_version: i32,
    action: TaskAction,
) -> AppResult<Acted> {
    let not_found = || AppError::NotFound("The task".into());
    let row = task::Entity::find_by_id(task_id)
        .one(work.txn())
        .await?
        .filter(|t| t.request_id == work.id().0)
        .ok_or_else(not_found)?;
    let may_see = crate::requests::access::access_in(work.txn(), user, work.row())
        .await
        .is_ok();
    if !may_see && !may_route(user, &row, work.row().department_id) {
        return Err(not_found());
    }
    check_task_version(work, &row, expected_version).await?;
    let mut acting = Acting {
        work,
        user,
        row: &row,
        update: task::Entity::update_many()
            .col_expr(task::Column::Version, Expr::value(row.version + 1))
            .col_expr(task::Column::UpdatedAt, Expr::value(work.now())),
        changes: Vec::new(),
        before_assignee: person(work.txn(), row.assignee_id).await?,
    };
    let finished = matches!(action, TaskAction::Complete { .. });
    let message = match action {
        TaskAction::Take => acting.take().await?,
        TaskAction::Assign { user_id } => acting.assign(user_id).await?,
        TaskAction::Reassign { team, reason } => acting.reassign(&team, reason).await?,
        TaskAction::Complete { note } => acting.complete(note).await?,
    };
    let Acting {
        update, changes, ..
    } = acting;
    let updated = update
        .filter(task::Column::Id.eq(row.id))
        .filter(task::Column::Version.eq(row.version))
        .exec(work.txn())
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::Conflict(format!(
            "“{}” on {} changed while you acted; reload and try again.",
            row.title,
            work.id()
        )));
    }
    work.audit(Some(user.id.0), changes).await?;
    let all_done = if finished {
        let definition =
            crate::db::definition::definition_of_request(work.txn(), work.row()).await?;
        Some(open_ready(work, &definition).await?)
    } else {
        None
    };
    // Every task change moves the request's version on, so pages open before it are stale.
    work.touch();
    tracing::info!(
        task = row.id,
        request = work.id().0,
        user = user.id.0,
        "task changed"
    );
    Ok(Acted { message, all_done })
}

/// Refuses an action made against a task version that is no longer current, or on a task
/// that is finished, saying what it is now.
async fn check_task_version(
    work: &RequestWork,
    row: &task::Model,
    expected_version: i32,
) -> AppResult<()> {
    let number = work.id();
    let state = state_of(row);
    if row.version != expected_version {
        let now_with = match row.assignee_id {
            Some(id) => format!(
                " (it is now {} and with {})",
                state.label().to_lowercase(),
                user_name(work.txn(), id).await?
            ),
            None => format!(" (it is now {})", state.label().to_lowercase()),
        };
        return Err(AppError::Conflict(format!(
            "“{}” on {number} was changed by someone else a moment ago{now_with}. Reload and try again.",
            row.title
        )));
    }
    if !matches!(state, TaskState::Pending | TaskState::Open) {
        return Err(AppError::Conflict(format!(
            "“{}” on {number} is {} already.",
            row.title,
            state.label().to_lowercase()
        )));
    }
    Ok(())
}

/// One task action being applied: the task's new column values and the audit rows.
struct Acting<'a> {
    work: &'a RequestWork,
    user: &'a SessionUser,
    row: &'a task::Model,
    update: sea_orm::UpdateMany<task::Entity>,
    changes: Vec<Change>,
    before_assignee: Option<String>,
}

impl Acting<'_> {
    /// Adds column values to the task's update.
    fn set(
        &mut self,
        columns: impl FnOnce(sea_orm::UpdateMany<task::Entity>) -> sea_orm::UpdateMany<task::Entity>,
    ) {
        let update = std::mem::replace(&mut self.update, task::Entity::update_many());
        self.update = columns(update);
    }

    fn set_assignee(&mut self, assignee: Option<i64>, name: Option<String>) {
        self.set(|u| u.col_expr(task::Column::AssigneeId, Expr::value(assignee)));
        self.changes.push(Change::task(
            self.row.id,
            "assignee",
            self.before_assignee.clone(),
            name,
        ));
    }

    async fn take(&mut self) -> AppResult<String> {
        let (user, row) = (self.user, self.row);
        if !may_work(user, row) {
            return Err(AppError::Forbidden);
        }
        if row.assignee_id == Some(user.id.0) {
            return Err(AppError::Conflict(format!(
                "“{}” is yours already.",
                row.title
            )));
        }
        self.set_assignee(Some(user.id.0), Some(user.name.clone()));
        note(self.work, Some(user.id.0), format!("took “{}”", row.title)).await?;
        Ok(format!("“{}” on {} is yours.", row.title, self.work.id()))
    }

    async fn assign(&mut self, user_id: i64) -> AppResult<String> {
        let (work, user, row) = (self.work, self.user, self.row);
        if !may_route(user, row, work.row().department_id) {
            return Err(AppError::Forbidden);
        }
        let members = crate::directory::team_members(work.txn(), row.team_id).await?;
        let Some((_, name)) = members.iter().find(|(id, _)| *id == user_id) else {
            return Err(AppError::BadRequest(
                "Assign the task to a member of its team (or send it to another team first)."
                    .into(),
            ));
        };
        self.set_assignee(Some(user_id), Some(name.clone()));
        if user_id != user.id.0 {
            tell_assignee(work, user_id, row).await?;
        }
        let said = format!("assigned “{}” to {name}", row.title);
        note(work, Some(user.id.0), said).await?;
        Ok(format!(
            "“{}” on {} is assigned to {name}.",
            row.title,
            work.id()
        ))
    }

    async fn reassign(&mut self, path: &str, reason: String) -> AppResult<String> {
        let (work, user, row) = (self.work, self.user, self.row);
        if !may_route(user, row, work.row().department_id) {
            return Err(AppError::Forbidden);
        }
        let reason = reason.trim().to_owned();
        if reason.is_empty() {
            return Err(AppError::BadRequest(
                "Say why it goes to another team: they will read your reason.".into(),
            ));
        }
        if reason.chars().count() > 2000 {
            return Err(AppError::BadRequest(
                "Keep the reason under 2,000 characters.".into(),
            ));
        }
        let target = crate::directory::find_team(work.txn(), path)
            .await?
            .ok_or_else(|| AppError::BadRequest(format!("There is no team {path}.")))?;
        if target.id == row.team_id {
            return Err(AppError::BadRequest(
                "The task is with that team already.".into(),
            ));
        }
        let assignee = if state_of(row) == TaskState::Open {
            auto_assign(work.txn(), target.id).await?
        } else {
            None
        };
        self.set(|u| {
            u.col_expr(task::Column::TeamId, Expr::value(target.id))
                .col_expr(
                    task::Column::DepartmentId,
                    Expr::value(target.department_id),
                )
        });
        if let Some(assignee) = assignee {
            tell_assignee(work, assignee, row).await?;
        }
        let labels = team_labels(work.txn()).await?;
        let label = |id: i64| labels.get(&id).map(|l| l.1.clone()).unwrap_or_default();
        let (from, to) = (label(row.team_id), label(target.id));
        self.changes.push(Change::task(
            row.id,
            "team",
            Some(from.clone()),
            Some(to.clone()),
        ));
        let assignee_name = person(work.txn(), assignee).await?;
        self.set_assignee(assignee, assignee_name);
        let said = format!("sent “{}” from {from} to {to}", row.title);
        note_with_remark(work, Some(user.id.0), said, Some(reason)).await?;
        Ok(format!(
            "“{}” on {} is now with {to}.",
            row.title,
            work.id()
        ))
    }

    async fn complete(&mut self, remark: Option<String>) -> AppResult<String> {
        let (work, user, row) = (self.work, self.user, self.row);
        if !may_work(user, row) {
            return Err(AppError::Forbidden);
        }
        let state = state_of(row);
        if state == TaskState::Pending {
            return Err(AppError::Conflict(format!(
                "“{}” cannot be done yet: it waits for the tasks before it.",
                row.title
            )));
        }
        // A task is done by the person who has it: someone else's task is taken over first
        // (one outcome, and the record says who did the work); an unowned one is taken by
        // completing it (below).
        if row.assignee_id.is_some_and(|owner| owner != user.id.0) {
            let name = self
                .before_assignee
                .clone()
                .unwrap_or_else(|| "Someone".into());
            return Err(AppError::Conflict(format!(
                "{name} has “{}”: take it over first if you did it.",
                row.title
            )));
        }
        let remark = remark
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        if remark.as_ref().is_some_and(|n| n.chars().count() > 2000) {
            return Err(AppError::BadRequest(
                "Keep the note under 2,000 characters.".into(),
            ));
        }
        self.set(|u| {
            u.col_expr(task::Column::State, Expr::value(TaskState::Done.as_str()))
                .col_expr(task::Column::CompletedAt, Expr::value(work.now()))
                .col_expr(task::Column::CompletedById, Expr::value(user.id.0))
        });
        self.changes.push(Change::task(
            row.id,
            "state",
            Some(state.label().to_owned()),
            Some(TaskState::Done.label().to_owned()),
        ));
        if row.assignee_id.is_none() {
            self.set_assignee(Some(user.id.0), Some(user.name.clone()));
        }
        let text = format!("completed “{}”", row.title);
        note_with_remark(work, Some(user.id.0), text, remark).await?;
        Ok(format!("“{}” on {} is done.", row.title, work.id()))
    }
}

/// Problems with the teams a plan names, for the designer's save check.
pub async fn check_references(
    db: &impl ConnectionTrait,
    definition: &ItemDefinition,
) -> AppResult<Vec<crate::domain::rules::DefinitionError>> {
    let mut problems = Vec::new();
    for (n, plan) in definition.tasks.iter().enumerate() {
        if plan.team.contains('/') && crate::directory::find_team(db, &plan.team).await?.is_none() {
            problems.push(crate::domain::rules::DefinitionError {
                at: format!("task {}", n + 1),
                message: format!("“{}”: there is no team {}.", plan.title, plan.team),
            });
        }
    }
    Ok(problems)
}
