//! (ssr) The request lists, read models: "My requests", and the agent queue — one page of the
//! requests of the viewer's departments, filtered, searched and sorted as the address says,
//! continuing from a keyset cursor.
//!
//! Every order of the queue is an index walk, so page 1,000 costs what page 1 costs and no order sorts the
//! whole queue: newest and oldest walk the primary key; "last updated" walks
//! `(updated_at, id)`; priority and owner walk one group at a time (critical, then high…;
//! nobody's, then each owner by name) down `(priority, id)` and `(assignee_id, id)`.

use super::model::{OwnerFilter, Page, RequestSummary, StateFilter, TaskProgress};
use super::service::PAGE_SIZE;
use crate::auth::model::{Role, SessionUser};
use crate::db::{catalog_item, literal, request, task, team, team_member, user, Db};
use crate::domain::queue::{priority_groups, Cursor, QueueFilter, QueueSort, Search, TeamFilter};
use crate::domain::state::Priority;
use crate::error::{AppError, AppResult};
use crate::ids::RequestId;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use sea_orm::{QuerySelect, Select};
use std::collections::HashMap;

/// One page of the person's requests (theirs, and those ordered for them), newest first,
/// continuing below the `before` cursor.
///
/// Keyset paging on the primary key: each page is an index range scan, so page 1,000 is as fast
/// as page 1 (OFFSET would read and discard every earlier row).
pub async fn list_mine(
    db: &Db,
    user: &SessionUser,
    filter: StateFilter,
    before: Option<i64>,
) -> AppResult<Page<RequestSummary>> {
    // Their own orders, and those others made for them: two index ranges, merged.
    let mine = Condition::all().add(request::Column::RequesterId.eq(user.id.0));
    let for_them = Condition::all()
        .add(request::Column::RequestedForId.eq(user.id.0))
        .add(request::Column::OnBehalf.eq(true));
    let mut rows = Vec::new();
    for whose in [mine, for_them] {
        let mut query = request::Entity::find().filter(whose);
        if let Some(states) = filter.states() {
            query = query.filter(literal::is_one_of(
                request::Column::State,
                states.iter().map(|s| s.as_str()),
            ));
        }
        if let Some(before) = before {
            query = query.filter(request::Column::Id.lt(before));
        }
        rows.extend(
            query
                .order_by_desc(request::Column::Id)
                .limit(PAGE_SIZE + 1)
                .all(&db.conn)
                .await?,
        );
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.id));
    rows.dedup_by_key(|r| r.id);
    let next = if rows.len() as u64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| r.id.to_string())
    } else {
        None
    };
    Ok(Page {
        items: summaries(&db.conn, rows, db.now()).await?,
        next,
    })
}

/// Rows per page of the queue.
pub const QUEUE_PAGE: usize = 25;

/// One page of the queue as `view` describes it. `people` are the owners of the viewer's
/// departments in name order (the owner sort walks them).
pub async fn queue(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    view: &QueueFilter,
    people: &[(i64, String)],
    now: DateTime<Utc>,
) -> AppResult<Page<RequestSummary>> {
    let Some(base) = condition(user, view) else {
        return Err(AppError::Forbidden);
    };
    let want = QUEUE_PAGE + 1;
    let (mut rows, groups): (Vec<request::Model>, Vec<i64>) = match view.sort {
        QueueSort::Newest | QueueSort::Oldest => {
            let newest = view.sort == QueueSort::Newest;
            // Oldest first among active requests: the oldest rows are mostly finished, so a
            // walk up the numbers would read most of the table. One range of the
            // `(department_id, state, id)` index per state instead, merged.
            let states: Vec<Option<&'static str>> = match view.state.states() {
                Some(states) if !newest && states.len() > 1 => {
                    states.into_iter().map(|s| Some(s.as_str())).collect()
                }
                _ => vec![None],
            };
            let mut rows = Vec::new();
            for state in states {
                let mut query = request::Entity::find().filter(base.clone());
                if let Some(state) = state {
                    query = query.filter(literal::is(request::Column::State, state));
                }
                if let Some(Cursor::Id(id)) = view.cursor {
                    query = query.filter(if newest {
                        request::Column::Id.lt(id)
                    } else {
                        request::Column::Id.gt(id)
                    });
                }
                let query = if newest {
                    query.order_by_desc(request::Column::Id)
                } else {
                    query.order_by_asc(request::Column::Id)
                };
                rows.extend(query.limit(want as u64).all(db).await?);
            }
            if newest {
                rows.sort_by_key(|r| std::cmp::Reverse(r.id));
            } else {
                rows.sort_by_key(|r| r.id);
            }
            rows.truncate(want);
            (rows, Vec::new())
        }
        QueueSort::Updated => {
            let mut query = request::Entity::find().filter(base);
            if let Some(Cursor::Time(micros, id)) = view.cursor {
                let at = DateTime::<Utc>::from_timestamp_micros(micros)
                    .ok_or_else(|| AppError::BadRequest("That page address is broken.".into()))?;
                // `updated_at <= at` first: the index range starts at the cursor (an OR alone
                // would read the index from the top).
                query = query.filter(request::Column::UpdatedAt.lte(at)).filter(
                    Condition::any()
                        .add(request::Column::UpdatedAt.lt(at))
                        .add(request::Column::Id.lt(id)),
                );
            }
            let rows = query
                .order_by_desc(request::Column::UpdatedAt)
                .order_by_desc(request::Column::Id)
                .limit(want as u64)
                .all(db)
                .await?;
            (rows, Vec::new())
        }
        QueueSort::Priority => {
            let groups: Vec<(i64, Condition)> = priority_groups()
                .into_iter()
                .filter(|p| view.priority.is_none_or(|only| only == *p))
                .map(|p| {
                    (
                        priority_rank(p),
                        Condition::all().add(literal::is(request::Column::Priority, p.as_str())),
                    )
                })
                .collect();
            walk_groups(db, base, groups, view.cursor, want).await?
        }
        QueueSort::Owner => {
            let groups = owner_groups(user, view.owner, people);
            walk_groups(db, base, groups, view.cursor, want).await?
        }
        QueueSort::Due => (due_soonest(db, base, view.cursor, want).await?, Vec::new()),
    };
    let next = if rows.len() > QUEUE_PAGE {
        rows.truncate(QUEUE_PAGE);
        rows.last().map(|last| {
            match view.sort {
                QueueSort::Newest | QueueSort::Oldest => Cursor::Id(last.id),
                QueueSort::Updated => Cursor::Time(last.updated_at.timestamp_micros(), last.id),
                QueueSort::Priority | QueueSort::Owner => {
                    Cursor::Group(groups.get(QUEUE_PAGE - 1).copied().unwrap_or(0), last.id)
                }
                QueueSort::Due => Cursor::Due(last.due_at.map(|t| t.timestamp_micros()), last.id),
            }
            .as_query()
        })
    } else {
        None
    };
    Ok(Page {
        items: summaries(db, rows, now).await?,
        next,
    })
}

/// Due soonest: requests with a counting clock along `(due_at, id)` (only open requests
/// have one, so the walk is short), then the rest newest first.
async fn due_soonest(
    db: &impl ConnectionTrait,
    base: Condition,
    cursor: Option<Cursor>,
    want: usize,
) -> AppResult<Vec<request::Model>> {
    let mut rows = Vec::new();
    let broken = || AppError::BadRequest("That page address is broken.".into());
    if !matches!(cursor, Some(Cursor::Due(None, _))) {
        let mut query = request::Entity::find()
            .filter(base.clone())
            .filter(request::Column::DueAt.is_not_null());
        if let Some(Cursor::Due(Some(micros), id)) = cursor {
            let at = DateTime::<Utc>::from_timestamp_micros(micros).ok_or_else(broken)?;
            query = query.filter(request::Column::DueAt.gte(at)).filter(
                Condition::any()
                    .add(request::Column::DueAt.gt(at))
                    .add(request::Column::Id.gt(id)),
            );
        }
        rows = query
            .order_by_asc(request::Column::DueAt)
            .order_by_asc(request::Column::Id)
            .limit(want as u64)
            .all(db)
            .await?;
    }
    if rows.len() < want {
        let mut query = request::Entity::find()
            .filter(base)
            .filter(request::Column::DueAt.is_null());
        if let Some(Cursor::Due(None, id)) = cursor {
            query = query.filter(request::Column::Id.lt(id));
        }
        rows.extend(
            query
                .order_by_desc(request::Column::Id)
                .limit((want - rows.len()) as u64)
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}

/// What every row of the view satisfies; `None` for someone who works in no department (they
/// have no queue).
fn condition(user: &SessionUser, view: &QueueFilter) -> Option<Condition> {
    let mut all = Condition::all();
    if !user.has_role(Role::SystemAdmin) {
        let departments: Vec<i64> = user.agent_departments().into_iter().map(|d| d.0).collect();
        if departments.is_empty() {
            return None;
        }
        all = all.add(request::Column::DepartmentId.is_in(departments));
    }
    all = match view.owner {
        OwnerFilter::Anyone => all,
        OwnerFilter::Me => all.add(request::Column::AssigneeId.eq(user.id.0)),
        OwnerFilter::Nobody => all.add(request::Column::AssigneeId.is_null()),
    };
    all = match view.team {
        TeamFilter::Any => all,
        TeamFilter::One(team) => all.add(request::Column::TeamId.eq(team)),
        TeamFilter::Mine => all.add(
            request::Column::TeamId.in_subquery(
                Query::select()
                    .column(team_member::Column::TeamId)
                    .from(team_member::Entity)
                    .and_where(Expr::col(team_member::Column::UserId).eq(user.id.0))
                    .to_owned(),
            ),
        ),
    };
    if let Some(priority) = view.priority {
        all = all.add(literal::is(request::Column::Priority, priority.as_str()));
    }
    if let Some(item) = view.item {
        all = all.add(request::Column::ItemId.eq(item));
    }
    if let Some(states) = view.state.states() {
        all = all.add(literal::is_one_of(
            request::Column::State,
            states.iter().map(|s| s.as_str()),
        ));
    }
    if let Some(states) = view.sla.states() {
        all = all.add(literal::is_one_of(
            request::Column::SlaState,
            states.iter().copied(),
        ));
    }
    match view.search() {
        Search::None => {}
        Search::Number(RequestId(id)) => all = all.add(request::Column::Id.eq(id)),
        Search::Words(words) => {
            for word in words {
                // LIKE wildcards typed by people are text, not patterns.
                let word = word.replace(['%', '_', '\\'], "");
                if !word.is_empty() {
                    all = all.add(word_condition(&word));
                }
            }
        }
    }
    Some(all)
}

/// A search word is found in the item's name (a request's title is its item's name) or in the
/// requester's name. Matched against the small tables, then by index on the requests.
fn word_condition(word: &str) -> Condition {
    let pattern = format!("%{word}%");
    let names_like = |column: Expr| Expr::expr(Func::lower(column)).like(pattern.clone());
    Condition::any()
        .add(
            request::Column::ItemId.in_subquery(
                Query::select()
                    .column(catalog_item::Column::Id)
                    .from(catalog_item::Entity)
                    .and_where(names_like(Expr::col(catalog_item::Column::Name)))
                    .to_owned(),
            ),
        )
        .add(
            request::Column::RequesterId.in_subquery(
                Query::select()
                    .column(user::Column::Id)
                    .from(user::Entity)
                    .and_where(names_like(Expr::col(user::Column::Name)))
                    .to_owned(),
            ),
        )
}

/// A priority's group key in cursors (its rank, critical highest).
fn priority_rank(priority: Priority) -> i64 {
    match priority {
        Priority::Low => 1,
        Priority::Medium => 2,
        Priority::High => 3,
        Priority::Critical => 4,
    }
}

/// The owner sort's groups in order: nobody's, each person by name, then owners who no longer
/// work in the viewer's departments (key -1).
fn owner_groups(
    user: &SessionUser,
    owner: OwnerFilter,
    people: &[(i64, String)],
) -> Vec<(i64, Condition)> {
    let one = |id: i64| (id, Condition::all().add(request::Column::AssigneeId.eq(id)));
    let nobody = (
        0,
        Condition::all().add(request::Column::AssigneeId.is_null()),
    );
    match owner {
        OwnerFilter::Me => vec![one(user.id.0)],
        OwnerFilter::Nobody => vec![nobody],
        OwnerFilter::Anyone => {
            let mut groups = vec![nobody];
            groups.extend(people.iter().map(|(id, _)| one(*id)));
            groups.push((
                -1,
                Condition::all()
                    .add(request::Column::AssigneeId.is_not_null())
                    .add(request::Column::AssigneeId.is_not_in(people.iter().map(|(id, _)| *id))),
            ));
            groups
        }
    }
}

/// Walks the groups in order from the cursor's group, newest first within each, until `want`
/// rows are found. Returns the rows and each row's group key.
async fn walk_groups(
    db: &impl ConnectionTrait,
    base: Condition,
    groups: Vec<(i64, Condition)>,
    cursor: Option<Cursor>,
    want: usize,
) -> AppResult<(Vec<request::Model>, Vec<i64>)> {
    let (start, below) = match cursor {
        Some(Cursor::Group(key, id)) => match groups.iter().position(|(k, _)| *k == key) {
            Some(at) => (at, Some(id)),
            // The group is gone (the person left the department): start again at the top.
            None => (0, None),
        },
        _ => (0, None),
    };
    let mut rows = Vec::new();
    let mut keys = Vec::new();
    for (at, (key, group)) in groups.into_iter().enumerate().skip(start) {
        let mut query: Select<request::Entity> =
            request::Entity::find().filter(base.clone()).filter(group);
        if at == start {
            if let Some(id) = below {
                query = query.filter(request::Column::Id.lt(id));
            }
        }
        let found = query
            .order_by_desc(request::Column::Id)
            .limit((want - rows.len()) as u64)
            .all(db)
            .await?;
        keys.extend(std::iter::repeat_n(key, found.len()));
        rows.extend(found);
        if rows.len() >= want {
            break;
        }
    }
    Ok((rows, keys))
}

/// The rows as the list shows them: names in one query, task progress in one query.
pub async fn summaries(
    db: &impl ConnectionTrait,
    rows: Vec<request::Model>,
    now: DateTime<Utc>,
) -> AppResult<Vec<RequestSummary>> {
    let names = crate::directory::user_names(
        db,
        rows.iter()
            .flat_map(|r| std::iter::once(r.requester_id).chain(r.assignee_id)),
    )
    .await?;
    let departments = super::service::department_names(db).await?;
    let progress = task_progress(db, rows.iter().map(|r| r.id).collect(), now).await?;
    rows.into_iter()
        .map(|r| {
            Ok(RequestSummary {
                id: RequestId(r.id),
                state: super::service::parse_state(&r)?,
                priority: r.priority.parse().unwrap_or(Priority::Medium),
                department: departments
                    .get(&r.department_id)
                    .cloned()
                    .unwrap_or_default(),
                requester: names.get(&r.requester_id).cloned().unwrap_or_default(),
                owner: r.assignee_id.and_then(|id| names.get(&id).cloned()),
                replied: r.requester_replied_at.is_some(),
                version: r.version,
                tasks: progress.get(&r.id).copied(),
                sla: crate::sla::clocks::badge(&r, now),
                created_at: super::service::timestamp(r.created_at),
                updated_at: super::service::timestamp(r.updated_at),
                title: r.title,
            })
        })
        .collect()
}

/// Each request's tasks: how many are done of those not cancelled, and how many open ones are
/// past their target.
async fn task_progress(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
    now: DateTime<Utc>,
) -> AppResult<HashMap<i64, TaskProgress>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String, Option<DateTime<Utc>>)> = task::Entity::find()
        .select_only()
        .column(task::Column::RequestId)
        .column(task::Column::State)
        .column(task::Column::DueAt)
        .filter(task::Column::RequestId.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    let mut progress: HashMap<i64, TaskProgress> = HashMap::new();
    for (request_id, state, due_at) in rows {
        let entry = progress.entry(request_id).or_default();
        match state.as_str() {
            "cancelled" => continue,
            "done" => entry.done += 1,
            "open" if due_at.is_some_and(|due| due < now) => entry.overdue += 1,
            _ => {}
        }
        entry.total += 1;
    }
    progress.retain(|_, p| p.total > 0);
    Ok(progress)
}

/// The queue's filter choices: the teams and the catalog items of the viewer's departments, by
/// name.
pub async fn choices(
    db: &impl ConnectionTrait,
    user: &SessionUser,
) -> AppResult<(Vec<(i64, String)>, Vec<(i64, String)>)> {
    let departments: Option<Vec<i64>> = (!user.has_role(Role::SystemAdmin))
        .then(|| user.agent_departments().into_iter().map(|d| d.0).collect());
    let mut teams = team::Entity::find()
        .select_only()
        .column(team::Column::Id)
        .column(team::Column::Name)
        .order_by_asc(team::Column::Name);
    let mut items = catalog_item::Entity::find()
        .select_only()
        .column(catalog_item::Column::Id)
        .column(catalog_item::Column::Name)
        .order_by_asc(catalog_item::Column::Name);
    if let Some(departments) = departments {
        teams = teams.filter(team::Column::DepartmentId.is_in(departments.clone()));
        items = items.filter(catalog_item::Column::DepartmentId.is_in(departments));
    }
    Ok((
        teams.into_tuple().all(db).await?,
        items.into_tuple().all(db).await?,
    ))
}
