//! (ssr) The requests behind each of the dashboard's numbers, and their CSV export.
//!
//! A list is selected by the metric facts kept in the requests' rows, by the same
//! definition the number's buckets were added up from (`domain::metrics::contribution`), and
//! its count is read from those buckets: the two agree by construction, and a test checks it.
//!
//! Layer: read models.

use super::dashboard::{label, view_of, View};
use super::model::{DrillDown, DrillQuery, DrillRow};
use crate::auth::model::{Role, SessionUser};
use crate::db::metric_day::{self, Columns};
use crate::db::{literal, request};
use crate::domain::metrics::{show, Unit, M, METRICS};
use crate::domain::state::RequestState;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// Rows per drill-down page.
pub const DRILL_PAGE: u64 = 50;

/// The period's first instant and the instant after it.
type Instants = (DateTime<Utc>, DateTime<Utc>);

/// What a row says in the list's detail column.
type RowDetail = fn(&Paged) -> String;

/// Where a list's rows come from: requests by the time something happened to them (`column`),
/// newest first. Most lists have one source; the SLA list has one per clock (a row per clock).
struct Source {
    column: request::Column,
    row: RowDetail,
}

/// What a number's list holds.
struct Definition {
    /// "Resolved", "SLA clocks that stopped".
    what: String,
    /// The view's filters and the metric's own (the period is applied to each source's time).
    condition: Condition,
    sources: Vec<Source>,
    /// Whether the rows' times must fall in the period (not for the backlog, which is now).
    in_period: bool,
    /// The buckets' counters the number's count adds up (for the backlog: none, it is read
    /// from the open requests' buckets).
    counted: &'static [M],
    /// The detail column's heading; empty: none.
    detail: &'static str,
}

fn minutes(m: i64) -> String {
    show(Unit::Minutes, Some(m as f64))
}

fn nothing(_: &Paged) -> String {
    String::new()
}

fn resolve_time(f: &Paged) -> String {
    f.resolved_at
        .map(|at| minutes((at - f.created_at).num_minutes().max(0)))
        .unwrap_or_default()
}

fn verdict(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "met",
        Some(false) => "breached",
        None => "",
    }
}

/// What a list reads of a request: the time it is listed by (`at`, the source's column), what
/// its row in the list shows, and what the detail column says (its answers and the rest are
/// not read).
#[derive(Clone, Debug, sea_orm::FromQueryResult)]
struct Paged {
    id: i64,
    title: String,
    department_id: i64,
    state: String,
    priority: String,
    confidential: bool,
    at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    resolved_at: Option<DateTime<Utc>>,
    reopens: i32,
    reassignments: i32,
    rating: Option<i16>,
    resolve_business: Option<i64>,
    response_minutes: Option<i64>,
    response_sla_met: Option<bool>,
    resolution_sla_met: Option<bool>,
    approval_minutes: Option<i64>,
}

/// Which requests a drill-down lists, by its metric.
fn definition(
    view: &View,
    metric: &str,
    min_age: Option<i64>,
    max_age: Option<i64>,
    today: NaiveDate,
) -> AppResult<Definition> {
    use request::Column as F;
    let start = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
            .ok_or_else(|| AppError::BadRequest("That period does not exist.".into()))
    };
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
        Condition::all().add(literal::is_one_of(
            F::State,
            [
                RequestState::Resolved.as_str(),
                RequestState::Closed.as_str(),
            ],
        ))
    };
    let one = |column: F, row: RowDetail| vec![Source { column, row }];
    let def = |what: &str, condition: Condition, counted: &'static [M]| Definition {
        what: what.to_owned(),
        condition: all.clone().add(condition),
        sources: one(F::CreatedAt, nothing),
        in_period: true,
        counted,
        detail: "",
    };
    let resolved_list = |what: &str, more: Condition, counted: &'static [M]| Definition {
        sources: one(F::ResolvedAt, resolve_time),
        detail: "Time to resolve",
        ..def(what, resolved().add(more), counted)
    };
    Ok(match metric {
        // What was opened unless another number is named.
        "opened" | "" => def("Opened", Condition::all(), &[M::Opened]),
        "resolved" | "resolve_median" | "resolve_p90" => {
            resolved_list("Resolved", Condition::all(), &[M::Resolved])
        }
        "resolve_business_median" => Definition {
            sources: one(F::ResolvedAt, |f| {
                f.resolve_business.map(minutes).unwrap_or_default()
            }),
            detail: "Business time to resolve",
            ..resolved_list(
                "Resolved, with a resolution target",
                Condition::all().add(F::ResolveBusiness.is_not_null()),
                &[M::ResolveBusinessCount],
            )
        },
        "response_median" => Definition {
            sources: one(F::ResponseAt, |f| {
                f.response_minutes.map(minutes).unwrap_or_default()
            }),
            detail: "First response after",
            ..def(
                "First responses given",
                Condition::all(),
                &[M::ResponseCount],
            )
        },
        "sla" => Definition {
            sources: vec![
                Source {
                    column: F::ResponseSlaAt,
                    row: |f| format!("First response {}", verdict(f.response_sla_met)),
                },
                Source {
                    column: F::ResolutionSlaAt,
                    row: |f| format!("Resolution {}", verdict(f.resolution_sla_met)),
                },
            ],
            detail: "Clock",
            ..def(
                "SLA clocks that stopped",
                Condition::all(),
                &[M::SlaMet, M::SlaBreached],
            )
        },
        "approval" => Definition {
            sources: one(F::ApprovalAt, |f| {
                f.approval_minutes.map(minutes).unwrap_or_default()
            }),
            detail: "Awaiting approval",
            ..def("Approvals that ended", Condition::all(), &[M::Approvals])
        },
        "reassigned" => Definition {
            sources: one(F::ResolvedAt, |f| f.reassignments.to_string()),
            detail: "Reassignments",
            ..resolved_list(
                "Resolved after a reassignment",
                Condition::all().add(F::Reassignments.gt(0)),
                &[M::Reassigned],
            )
        },
        "reopened" => Definition {
            sources: one(F::ResolvedAt, |f| format!("{} ×", f.reopens)),
            detail: "Reopened",
            ..resolved_list(
                "Resolved after being reopened",
                Condition::all().add(F::Reopens.gt(0)),
                &[M::Reopened],
            )
        },
        "first_contact" => resolved_list(
            "Resolved at first contact",
            Condition::all()
                .add(F::Reassignments.eq(0))
                .add(F::DeskPeople.lte(1)),
            &[M::FirstContact],
        ),
        "csat" => Definition {
            sources: one(F::ResolvedAt, |f| {
                f.rating.map(|r| format!("{r} of 5")).unwrap_or_default()
            }),
            detail: "Rating",
            ..resolved_list(
                "Resolved and rated",
                Condition::all().add(F::Rating.is_not_null()),
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
            Definition {
                in_period: false,
                ..def(&what, open, &[])
            }
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
fn readable(user: &SessionUser, confidential: bool, department: i64) -> bool {
    !confidential
        || user.has_role(Role::SystemAdmin)
        || user
            .agent_departments()
            .contains(&crate::auth::model::DepartmentId(department))
}

/// The period as instants.
fn instants(view: &View) -> Instants {
    let at = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or_default()
    };
    (at(view.days.0), at(view.days.1 + Duration::days(1)))
}

/// Where a page of a list starts: after the row of this time, request and source (the order
/// is time, then request, then source, each newest or highest first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cursor {
    at: DateTime<Utc>,
    id: i64,
    source: usize,
}

impl Cursor {
    fn parse(text: &str) -> AppResult<Cursor> {
        let bad = || AppError::BadRequest(format!("“{text}” is not a place in this list."));
        let mut parts = text.split('.');
        let mut next = || {
            parts
                .next()
                .and_then(|p| p.parse::<i64>().ok())
                .ok_or_else(bad)
        };
        let (micros, id, source) = (next()?, next()?, next()?);
        Ok(Cursor {
            at: DateTime::from_timestamp_micros(micros).ok_or_else(bad)?,
            id,
            source: usize::try_from(source).map_err(|_| bad())?,
        })
    }

    fn text(&self) -> String {
        format!("{}.{}.{}", self.at.timestamp_micros(), self.id, self.source)
    }
}

/// A page of `size` rows of the list after `cursor`, and the cursor of the next page if there
/// is one. Each source is an index walk on its time, newest first; the sources are merged.
async fn page(
    db: &impl ConnectionTrait,
    view: &View,
    def: &Definition,
    cursor: Option<Cursor>,
    size: u64,
) -> AppResult<(Vec<(Paged, usize)>, Option<Cursor>)> {
    use request::Column as F;
    let (from, to) = instants(view);
    let mut rows: Vec<(DateTime<Utc>, Paged, usize)> = Vec::new();
    for (n, source) in def.sources.iter().enumerate() {
        let column = source.column;
        let mut q = request::Entity::find()
            .select_only()
            .columns([
                F::Id,
                F::Title,
                F::DepartmentId,
                F::State,
                F::Priority,
                F::Confidential,
                F::CreatedAt,
                F::ResolvedAt,
                F::Reopens,
                F::Reassignments,
                F::Rating,
                F::ResolveBusiness,
                F::ResponseMinutes,
                F::ResponseSlaMet,
                F::ResolutionSlaMet,
                F::ApprovalMinutes,
            ])
            .column_as(column, "at")
            .filter(def.condition.clone())
            .filter(column.is_not_null());
        if def.in_period {
            q = q.filter(column.gte(from));
        }
        // One upper bound, the tighter of the period's end and the cursor: the index range
        // starts there. (An OR alone would read the index from the top, every page; and with
        // both bounds written, the planner, which does not look at bound values, may start
        // from the period's end.)
        match cursor {
            Some(c) if !def.in_period || c.at < to => {
                let mut after = Condition::any()
                    .add(column.lt(c.at))
                    .add(Condition::all().add(column.eq(c.at)).add(F::Id.lt(c.id)));
                if n < c.source {
                    after = after.add(Condition::all().add(column.eq(c.at)).add(F::Id.eq(c.id)));
                }
                q = q.filter(column.lte(c.at)).filter(after);
            }
            _ if def.in_period => q = q.filter(column.lt(to)),
            _ => {}
        }
        for f in q
            .order_by_desc(column)
            .order_by_desc(F::Id)
            .limit(size + 1)
            .into_model::<Paged>()
            .all(db)
            .await?
        {
            rows.push((f.at, f, n));
        }
    }
    rows.sort_by_key(|(at, f, n)| std::cmp::Reverse((*at, f.id, *n)));
    let more = rows.len() as u64 > size;
    rows.truncate(size as usize);
    let next = more
        .then(|| {
            rows.last().map(|(at, f, n)| Cursor {
                at: *at,
                id: f.id,
                source: *n,
            })
        })
        .flatten();
    Ok((rows.into_iter().map(|(_, f, n)| (f, n)).collect(), next))
}

/// The rows of a page, in its order.
async fn rows_of(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    def: &Definition,
    page: &[(Paged, usize)],
) -> AppResult<Vec<DrillRow>> {
    let names = crate::requests::service::department_names(db).await?;
    Ok(page
        .iter()
        .map(|(r, source)| DrillRow {
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
            detail: def
                .sources
                .get(*source)
                .map(|s| (s.row)(r))
                .unwrap_or_default(),
            readable: readable(user, r.confidential, r.department_id),
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
    let cursor = query.before.as_deref().map(Cursor::parse).transpose()?;
    let (facts, next) = page(db, &view, &def, cursor, DRILL_PAGE).await?;
    let rows = rows_of(db, user, &def, &facts).await?;
    let mut pairs = vec![("metric", query.metric.clone())];
    if let Some(a) = query.min_age {
        pairs.push(("min_age", a.to_string()));
    }
    if let Some(a) = query.max_age {
        pairs.push(("max_age", a.to_string()));
    }
    let base = view.query(&pairs);
    let department = view
        .department
        .and_then(|d| view.departments.iter().find(|(id, _)| *id == d))
        .map(|(_, n)| format!(", {n}"))
        .unwrap_or_default();
    let period = if def.in_period {
        format!(", {}", label(view.days))
    } else {
        String::new()
    };
    let behind = METRICS
        .iter()
        .find(|m| m.key == query.metric && !matches!(m.key, "opened" | "resolved"))
        .map(|m| format!(" — behind “{}”", m.name))
        .unwrap_or_default();
    let counted = match (query.metric.as_str(), count) {
        ("sla", 1) => "1 SLA clock".to_owned(),
        ("sla", n) => format!("{n} SLA clocks"),
        (_, 1) => "1 request".to_owned(),
        (_, n) => format!("{n} requests"),
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
        next: next.map(|c| format!("/insights/requests?{base}&before={}", c.text())),
        csv: format!("/insights/requests/export?{base}"),
        back: format!("/insights?{}", view.query(&[])),
    })
}

/// Rows per batch of a CSV export.
pub const CSV_BATCH: u64 = 2_000;

/// A CSV export of a list: who asked, and what the list holds, settled once; then batches.
pub struct CsvExport {
    user: SessionUser,
    def: Definition,
    view: View,
}

/// Checks who may export `query`'s list, and reads what it holds.
pub async fn csv_export(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    query: &DrillQuery,
    today: NaiveDate,
) -> AppResult<CsvExport> {
    let view = view_of(db, user, &query.view(), today).await?;
    let def = definition(&view, &query.metric, query.min_age, query.max_age, today)?;
    Ok(CsvExport {
        user: user.clone(),
        def,
        view,
    })
}

impl CsvExport {
    /// A batch of the export from `cursor` (the list's order), as CSV lines, and where the
    /// next batch starts (none: this was the last). The first batch (no cursor) begins with
    /// the header line.
    pub async fn batch(
        &self,
        db: &impl ConnectionTrait,
        cursor: Option<&str>,
    ) -> AppResult<(String, Option<String>)> {
        let def = &self.def;
        let (facts, next) = page(
            db,
            &self.view,
            def,
            cursor.map(Cursor::parse).transpose()?,
            CSV_BATCH,
        )
        .await?;
        let rows = rows_of(db, &self.user, def, &facts).await?;
        let mut out = String::new();
        if cursor.is_none() {
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
        Ok((out, next.map(|c| c.text())))
    }
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
