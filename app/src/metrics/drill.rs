//! (ssr) The requests behind each of the dashboard's numbers, and their CSV export.
//!
//! A list is selected from the requests' stored metric facts (`request_facts`) by the same
//! definition the number's buckets were added up from (`domain::metrics::contribution`), and
//! its count is read from those buckets: the two agree by construction, and a test checks it.
//!
//! Layer: read models.

use super::dashboard::{label, view_of, View};
use super::model::{DrillDown, DrillQuery, DrillRow};
use crate::auth::model::{Role, SessionUser};
use crate::db::metric_day::{self, Columns};
use crate::db::{request, request_fact};
use crate::domain::metrics::{show, Unit, M, METRICS};
use crate::domain::state::RequestState;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Rows per drill-down page.
pub const DRILL_PAGE: u64 = 50;

/// The period's first instant and the instant after it.
type Instants = (DateTime<Utc>, DateTime<Utc>);

/// What a row of a list says in its detail column, and how many of the count it accounts for.
type RowDetail = fn(&request_fact::Model, Instants) -> (String, i64);

/// What a number's list holds.
struct Definition {
    /// "Resolved", "Reopened before being resolved".
    what: String,
    condition: Condition,
    /// The buckets' counters the number's count adds up (for the backlog: none, it is read
    /// from the open requests' buckets).
    counted: &'static [M],
    /// The detail column's heading; empty: none.
    detail: &'static str,
    /// What a row says in it, and how many of the count it accounts for.
    row: RowDetail,
}

fn minutes(m: i64) -> String {
    show(Unit::Minutes, Some(m as f64))
}

fn nothing(_: &request_fact::Model, _: Instants) -> (String, i64) {
    (String::new(), 1)
}

fn resolve_time(f: &request_fact::Model, _: Instants) -> (String, i64) {
    let taken = f
        .resolved_at
        .map(|at| (at - f.created_at).num_minutes().max(0));
    (taken.map(minutes).unwrap_or_default(), 1)
}

/// Which requests a drill-down lists, by its metric.
fn definition(
    view: &View,
    metric: &str,
    min_age: Option<i64>,
    max_age: Option<i64>,
    today: NaiveDate,
) -> AppResult<Definition> {
    use request_fact::Column as F;
    let start = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
            .ok_or_else(|| AppError::BadRequest("That period does not exist.".into()))
    };
    let (from, to) = (start(view.days.0)?, start(view.days.1 + Duration::days(1))?);
    let within = move |c: F| Condition::all().add(c.gte(from)).add(c.lt(to));
    let mut all = Condition::all().add(F::DepartmentId.is_in(view.department_ids()));
    if let Some(team) = view.team {
        all = all.add(F::TeamId.eq(team));
    }
    if let Some(items) = &view.items {
        all = all.add(F::ItemId.is_in(items.clone()));
    }
    if let Some(p) = &view.priority {
        all = all.add(F::Priority.eq(p.clone()));
    }
    let resolved = || {
        within(F::ResolvedAt).add(F::State.is_in([
            RequestState::Resolved.as_str(),
            RequestState::Closed.as_str(),
        ]))
    };
    let def = |what: &str, condition: Condition, counted: &'static [M]| Definition {
        what: what.to_owned(),
        condition: all.clone().add(condition),
        counted,
        detail: "",
        row: nothing,
    };
    Ok(match metric {
        // What was opened unless another number is named.
        "opened" | "" => def("Opened", within(F::CreatedAt), &[M::Opened]),
        "resolved" | "resolve_median" | "resolve_p90" => Definition {
            detail: "Time to resolve",
            row: resolve_time,
            ..def("Resolved", resolved(), &[M::Resolved])
        },
        "resolve_business_median" => Definition {
            detail: "Business time to resolve",
            row: |f, _| (f.resolve_business.map(minutes).unwrap_or_default(), 1),
            ..def(
                "Resolved, with a resolution target",
                resolved().add(F::ResolveBusiness.is_not_null()),
                &[M::ResolveBusinessCount],
            )
        },
        "response_median" => Definition {
            detail: "First response after",
            row: |f, _| (f.response_minutes.map(minutes).unwrap_or_default(), 1),
            ..def(
                "First responses given",
                within(F::ResponseAt),
                &[M::ResponseCount],
            )
        },
        "sla" => Definition {
            detail: "SLA clocks stopped in the period",
            row: |f, (from, to)| {
                let mut said = Vec::new();
                for (name, at, met) in [
                    ("First response", f.response_sla_at, f.response_sla_met),
                    ("Resolution", f.resolution_sla_at, f.resolution_sla_met),
                ] {
                    if let (Some(at), Some(met)) = (at, met) {
                        if at >= from && at < to {
                            said.push(format!("{name} {}", if met { "met" } else { "breached" }));
                        }
                    }
                }
                let n = said.len() as i64;
                (said.join(" · "), n)
            },
            ..def(
                "SLA clocks that stopped",
                Condition::any()
                    .add(within(F::ResponseSlaAt))
                    .add(within(F::ResolutionSlaAt)),
                &[M::SlaMet, M::SlaBreached],
            )
        },
        "approval" => Definition {
            detail: "Awaiting approval",
            row: |f, _| (f.approval_minutes.map(minutes).unwrap_or_default(), 1),
            ..def(
                "Approvals that ended",
                within(F::ApprovalAt),
                &[M::Approvals],
            )
        },
        "reassigned" => Definition {
            detail: "Reassignments",
            row: |f, _| (f.reassignments.to_string(), 1),
            ..def(
                "Resolved after a reassignment",
                resolved().add(F::Reassignments.gt(0)),
                &[M::Reassigned],
            )
        },
        "reopened" => Definition {
            detail: "Reopened",
            row: |f, _| (format!("{} ×", f.reopens), 1),
            ..def(
                "Resolved after being reopened",
                resolved().add(F::Reopens.gt(0)),
                &[M::Reopened],
            )
        },
        "first_contact" => Definition {
            detail: "Time to resolve",
            row: resolve_time,
            ..def(
                "Resolved at first contact",
                resolved()
                    .add(F::Reassignments.eq(0))
                    .add(F::DeskPeople.lte(1)),
                &[M::FirstContact],
            )
        },
        "csat" => Definition {
            detail: "Rating",
            row: |f, _| (f.rating.map(|r| format!("{r} of 5")).unwrap_or_default(), 1),
            ..def(
                "Resolved and rated",
                resolved().add(F::Rating.is_not_null()),
                &[M::Rated],
            )
        },
        "backlog" => {
            let done = [
                RequestState::Resolved,
                RequestState::Closed,
                RequestState::Rejected,
                RequestState::Cancelled,
            ]
            .map(|s| s.as_str());
            let mut open = Condition::all().add(F::State.is_not_in(done));
            // Submitted between `max_age` and `min_age` days ago (UTC days).
            if let Some(min) = min_age {
                open = open.add(F::CreatedAt.lt(start(today - Duration::days(min - 1))?));
            }
            if let Some(max) = max_age {
                open = open.add(F::CreatedAt.gte(start(today - Duration::days(max))?));
            }
            let what = match (min_age, max_age) {
                (Some(a), Some(b)) => format!("Open now, submitted {a}–{b} days ago"),
                (Some(a), None) => format!("Open now, submitted over {} days ago", a - 1),
                _ => "Open now".to_owned(),
            };
            def(&what, open, &[])
        }
        other => {
            return Err(AppError::BadRequest(format!(
                "“{other}” is not a number of the dashboard with a list of requests."
            )))
        }
    })
}

/// The number a drill-down lists, read from the same buckets as the dashboard's figure.
async fn count(
    db: &impl ConnectionTrait,
    view: &View,
    def: &Definition,
    query: &DrillQuery,
    today: NaiveDate,
) -> AppResult<i64> {
    if def.counted.is_empty() {
        let open = metric_day::open_by_day(db, &view.slice(None, None)).await?;
        return Ok(open
            .iter()
            .filter(|(_, day, _)| {
                let age = (today - *day).num_days();
                query.min_age.is_none_or(|a| age >= a) && query.max_age.is_none_or(|a| age <= a)
            })
            .map(|(_, _, n)| n)
            .sum());
    }
    let sums = metric_day::by_department(
        db,
        &view.slice(Some(view.days.0), Some(view.days.1)),
        Columns::Only(def.counted),
    )
    .await?;
    Ok(sums
        .values()
        .map(|c| def.counted.iter().map(|m| c.get(*m)).sum::<i64>())
        .sum())
}

/// Whether `user` may open a request of the list: anyone may open what is not confidential
/// (leadership reads every department); a confidential one only those who work in its
/// department (and the system admin). The list shows the others without a link.
fn readable(user: &SessionUser, r: &request::Model) -> bool {
    !r.confidential
        || user.has_role(Role::SystemAdmin)
        || user
            .agent_departments()
            .contains(&crate::auth::model::DepartmentId(r.department_id))
}

/// The period as the instants a row's detail compares with.
fn instants(view: &View) -> Instants {
    let at = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or_default()
    };
    (at(view.days.0), at(view.days.1 + Duration::days(1)))
}

/// The rows of `facts`, in their order, with their requests.
async fn rows_of(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    view: &View,
    def: &Definition,
    facts: &[request_fact::Model],
) -> AppResult<Vec<DrillRow>> {
    let ids: Vec<i64> = facts.iter().map(|f| f.request_id).collect();
    let requests: HashMap<i64, request::Model> = request::Entity::find()
        .filter(request::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let names = crate::requests::service::department_names(db).await?;
    let period = instants(view);
    Ok(facts
        .iter()
        .filter_map(|f| {
            let r = requests.get(&f.request_id)?;
            let (detail, weight) = (def.row)(f, period);
            Some(DrillRow {
                number: crate::ids::RequestId(r.id).to_string(),
                title: r.title.clone(),
                department: names.get(&r.department_id).cloned().unwrap_or_default(),
                state: r
                    .state
                    .parse::<RequestState>()
                    .map(|s| s.label().to_owned())
                    .unwrap_or_else(|_| r.state.clone()),
                priority: r.priority.clone(),
                created_at: crate::requests::service::timestamp(r.created_at),
                resolved_at: r.resolved_at.map(crate::requests::service::timestamp),
                detail,
                weight,
                readable: readable(user, r),
            })
        })
        .collect())
}

/// The requests behind a number, a page at a time, newest first.
pub async fn drill(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    query: &DrillQuery,
    today: NaiveDate,
) -> AppResult<DrillDown> {
    let view = view_of(db, user, &query.view(), today).await?;
    let def = definition(&view, &query.metric, query.min_age, query.max_age, today)?;
    let count = count(db, &view, &def, query, today).await?;
    let mut list = request_fact::Entity::find().filter(def.condition.clone());
    if let Some(before) = query.before {
        list = list.filter(request_fact::Column::RequestId.lt(before));
    }
    let facts = list
        .order_by_desc(request_fact::Column::RequestId)
        .limit(DRILL_PAGE + 1)
        .all(db)
        .await?;
    let more = facts.len() as u64 > DRILL_PAGE;
    let facts: Vec<request_fact::Model> = facts.into_iter().take(DRILL_PAGE as usize).collect();
    let rows = rows_of(db, user, &view, &def, &facts).await?;
    let mut pairs = vec![("metric", query.metric.clone())];
    if let Some(a) = query.min_age {
        pairs.push(("min_age", a.to_string()));
    }
    if let Some(a) = query.max_age {
        pairs.push(("max_age", a.to_string()));
    }
    let base = view.query(&pairs);
    let next = more
        .then(|| {
            facts
                .last()
                .map(|f| format!("/insights/requests?{base}&before={}", f.request_id))
        })
        .flatten();
    let department = view
        .department
        .and_then(|d| view.departments.iter().find(|(id, _)| *id == d))
        .map(|(_, n)| format!(", {n}"))
        .unwrap_or_default();
    let period = if def.counted.is_empty() {
        String::new()
    } else {
        format!(", {}", label(view.days))
    };
    let behind = METRICS
        .iter()
        .find(|m| m.key == query.metric && !matches!(m.key, "opened" | "resolved"))
        .map(|m| format!(" — behind “{}”", m.name))
        .unwrap_or_default();
    let counted = if query.metric == "sla" {
        format!("{count} SLA clocks")
    } else if count == 1 {
        "1 request".to_owned()
    } else {
        format!("{count} requests")
    };
    Ok(DrillDown {
        title: format!(
            "{}{period}{department}{}{behind}",
            def.what,
            view.narrowed()
        ),
        count,
        counted,
        detail: def.detail.to_owned(),
        rows,
        next,
        csv: format!("/insights/requests/export?{base}"),
        back: format!("/insights?{}", view.query(&[])),
    })
}

/// Rows per batch of a CSV export.
pub const CSV_BATCH: u64 = 2_000;

/// A batch of the CSV export after request `after` (by number, ascending), as CSV lines, and
/// the last number written; an empty batch ends the export. The first batch (`after` = 0)
/// begins with the header line.
pub async fn csv_batch(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    query: &DrillQuery,
    today: NaiveDate,
    after: i64,
) -> AppResult<(String, Option<i64>)> {
    let view = view_of(db, user, &query.view(), today).await?;
    let def = definition(&view, &query.metric, query.min_age, query.max_age, today)?;
    let facts = request_fact::Entity::find()
        .filter(def.condition.clone())
        .filter(request_fact::Column::RequestId.gt(after))
        .order_by_asc(request_fact::Column::RequestId)
        .limit(CSV_BATCH)
        .all(db)
        .await?;
    let rows = rows_of(db, user, &view, &def, &facts).await?;
    let mut out = String::new();
    if after == 0 {
        out.push_str("number,title,department,state,priority,submitted,resolved");
        if !def.detail.is_empty() {
            out.push(',');
            out.push_str(&csv_field(&def.detail.to_lowercase()));
        }
        out.push_str("\r\n");
    }
    for d in rows {
        let mut fields = vec![
            d.number,
            d.title,
            d.department,
            d.state,
            d.priority,
            d.created_at,
            d.resolved_at.unwrap_or_default(),
        ];
        if !def.detail.is_empty() {
            fields.push(d.detail);
        }
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok((out, facts.last().map(|f| f.request_id)))
}

/// A CSV field, quoted when it must be; a leading formula character is defused (a spreadsheet
/// must not run what a requester typed).
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}
