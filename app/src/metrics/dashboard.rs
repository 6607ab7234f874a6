//! (ssr) The leadership dashboard and its drill-down lists: read from the daily buckets
//! (never from the requests), and the requests behind each count read by the same definition.
//!
//! Layer: read models. Leadership and system admins see every department; department admins
//! and agents see their own; nobody else sees the dashboard.

use super::model::{
    Dashboard, DepartmentRow, DrillDown, DrillQuery, DrillRow, Figure, InsightsQuery, MetricInfo,
    Trend, TrendPoint,
};
use crate::auth::model::{Role, SessionUser};
use crate::db::metric_day::{self, Columns};
use crate::db::request;
use crate::domain::metrics::{
    change, period_days, show, Counts, Period, Slice, Unit, AGES, M, METRICS,
};
use crate::domain::state::RequestState;
use crate::error::{AppError, AppResult};
use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::BTreeMap;

/// The departments `user` may look at; `None`: they may not see the dashboard.
pub fn viewable(user: &SessionUser, all: &[(i64, String)]) -> Option<Vec<(i64, String)>> {
    if user.has_role(Role::Leadership) || user.has_role(Role::SystemAdmin) {
        return Some(all.to_vec());
    }
    let mine: Vec<i64> = user.agent_departments().into_iter().map(|d| d.0).collect();
    if mine.is_empty() {
        return None;
    }
    Some(
        all.iter()
            .filter(|(id, _)| mine.contains(id))
            .cloned()
            .collect(),
    )
}

/// The view the address asks for, narrowed to what the viewer may see.
struct View {
    period: Period,
    days: (NaiveDate, NaiveDate),
    previous: (NaiveDate, NaiveDate),
    departments: Vec<(i64, String)>,
    department: Option<i64>,
    priority: Option<String>,
}

async fn view_of(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    query: &InsightsQuery,
    today: NaiveDate,
) -> AppResult<View> {
    let mut all: Vec<(i64, String)> = crate::requests::service::department_names(db)
        .await?
        .into_iter()
        .collect();
    all.sort_by(|a, b| a.1.cmp(&b.1));
    let departments = viewable(user, &all).ok_or(AppError::Forbidden)?;
    let department = match query.department.as_deref().filter(|d| !d.is_empty()) {
        None => None,
        Some(text) => {
            let id: i64 = text.parse().map_err(|_| {
                AppError::BadRequest(format!("“{text}” is not a department of this dashboard."))
            })?;
            if !departments.iter().any(|(d, _)| *d == id) {
                return Err(AppError::Forbidden);
            }
            Some(id)
        }
    };
    let priority = query
        .priority
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<crate::domain::state::Priority>()
                .map(|p| p.as_str().to_owned())
                .map_err(|_| AppError::BadRequest(format!("“{p}” is not a priority.")))
        })
        .transpose()?;
    let period = Period::parse(query.period.as_deref());
    let (days, previous) = period_days(period, query.from.as_deref(), query.to.as_deref(), today);
    Ok(View {
        period,
        days,
        previous,
        departments,
        department,
        priority,
    })
}

impl View {
    fn slice(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Slice {
        Slice {
            from,
            to,
            departments: Some(match self.department {
                Some(d) => vec![d],
                None => self.departments.iter().map(|(id, _)| *id).collect(),
            }),
            team: None,
            item: None,
            priority: self.priority.clone(),
        }
    }

    /// The address query of this view with `more` pairs (for links).
    fn query(&self, more: &[(&str, String)]) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.append_pair("period", self.period.as_str());
        if self.period == Period::Custom {
            out.append_pair("from", &self.days.0.to_string());
            out.append_pair("to", &self.days.1.to_string());
        }
        if let Some(d) = self.department {
            out.append_pair("department", &d.to_string());
        }
        if let Some(p) = &self.priority {
            out.append_pair("priority", p);
        }
        for (k, v) in more {
            out.append_pair(k, v);
        }
        out.finish()
    }
}

fn label(days: (NaiveDate, NaiveDate)) -> String {
    let (a, b) = days;
    if a.year() == b.year() {
        format!("{} – {}", a.format("%-d %b"), b.format("%-d %b %Y"))
    } else {
        format!("{} – {}", a.format("%-d %b %Y"), b.format("%-d %b %Y"))
    }
}

/// The dashboard for `query`, as of `today` (UTC).
pub async fn dashboard(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    query: &InsightsQuery,
    today: NaiveDate,
) -> AppResult<Dashboard> {
    let view = view_of(db, user, query, today).await?;
    let now = metric_day::by_department(
        db,
        &view.slice(Some(view.days.0), Some(view.days.1)),
        Columns::All,
    )
    .await?;
    let before = metric_day::by_department(
        db,
        &view.slice(Some(view.previous.0), Some(view.previous.1)),
        Columns::All,
    )
    .await?;
    // The backlog now, and its age: open requests by the day they were submitted (only the
    // buckets that hold any are read).
    let open = metric_day::open_by_day(db, &view.slice(None, None)).await?;
    let mut backlog: BTreeMap<i64, Counts> = BTreeMap::new();
    let mut ages: Vec<BTreeMap<i64, Counts>> = vec![BTreeMap::new(); AGES.len()];
    for (department, day, count) in &open {
        let age = (today - *day).num_days();
        backlog.entry(*department).or_default().0[M::StillOpen as usize] += count;
        for (n, (_, youngest, oldest)) in AGES.iter().enumerate() {
            if age >= *youngest && oldest.is_none_or(|o| age <= o) {
                ages[n].entry(*department).or_default().0[M::StillOpen as usize] += count;
            }
        }
    }
    let open_now: i64 = open.iter().map(|(_, _, n)| n).sum();
    let shown: Vec<(i64, String)> = view
        .departments
        .iter()
        .filter(|(id, _)| view.department.is_none_or(|d| d == *id))
        .cloned()
        .collect();
    let zero = Counts::default();
    let sum = |map: &BTreeMap<i64, Counts>| {
        let mut total = Counts::default();
        for (id, _) in &shown {
            if let Some(c) = map.get(id) {
                total.add(c, 1);
            }
        }
        total
    };
    let row = |name: String,
               department: Option<i64>,
               now: &Counts,
               before: &Counts,
               backlog: &Counts,
               ages: Vec<&Counts>| {
        let drill = |metric: &str, extra: &[(&str, String)]| {
            let mut pairs: Vec<(&str, String)> = vec![("metric", metric.to_owned())];
            pairs.extend(extra.iter().cloned());
            let scoped = View {
                period: view.period,
                days: view.days,
                previous: view.previous,
                departments: Vec::new(),
                department: department.or(view.department),
                priority: view.priority.clone(),
            };
            format!("/insights/requests?{}", scoped.query(&pairs))
        };
        let mut figures: Vec<Figure> = METRICS
            .iter()
            .map(|m| {
                let value = (m.value)(now);
                let (change, better) =
                    change(m, value, (m.value)(before)).map_or((None, None), |(t, b)| (Some(t), b));
                Figure {
                    value: show(m.unit, value),
                    change,
                    better,
                    href: matches!(m.key, "opened" | "resolved").then(|| drill(m.key, &[])),
                }
            })
            .collect();
        // Satisfaction's response rate beside it.
        if let Some(csat) = figures
            .iter_mut()
            .zip(METRICS.iter())
            .find(|(_, m)| m.key == "csat")
        {
            let rate = (now.get(M::Resolved) > 0)
                .then(|| now.get(M::Rated) as f64 / now.get(M::Resolved) as f64);
            if let Some(rate) = rate {
                csat.0.value = format!(
                    "{} ({} rated)",
                    csat.0.value,
                    show(Unit::Percent, Some(rate))
                );
            }
        }
        figures.push(Figure {
            value: backlog.get(M::StillOpen).to_string(),
            change: None,
            better: None,
            href: Some(drill("backlog", &[])),
        });
        for ((_, youngest, oldest), counts) in AGES.iter().zip(ages) {
            let mut extra = vec![("min_age", youngest.to_string())];
            if let Some(oldest) = oldest {
                extra.push(("max_age", oldest.to_string()));
            }
            figures.push(Figure {
                value: counts.get(M::StillOpen).to_string(),
                change: None,
                better: None,
                href: Some(drill("backlog", &extra)),
            });
        }
        DepartmentRow { name, figures }
    };
    let rows = shown
        .iter()
        .map(|(id, name)| {
            row(
                name.clone(),
                Some(*id),
                now.get(id).unwrap_or(&zero),
                before.get(id).unwrap_or(&zero),
                backlog.get(id).unwrap_or(&zero),
                ages.iter().map(|a| a.get(id).unwrap_or(&zero)).collect(),
            )
        })
        .collect();
    let age_totals: Vec<Counts> = ages.iter().map(&sum).collect();
    let total = row(
        "All shown".into(),
        None,
        &sum(&now),
        &sum(&before),
        &sum(&backlog),
        age_totals.iter().collect(),
    );
    let mut metrics: Vec<MetricInfo> = METRICS
        .iter()
        .map(|m| MetricInfo {
            key: m.key.into(),
            name: m.name.into(),
            formula: m.formula.into(),
        })
        .collect();
    metrics.push(MetricInfo {
        key: "backlog".into(),
        name: "Backlog now".into(),
        formula:
            "Requests open now (not resolved, closed, rejected or cancelled), whatever the period."
                .into(),
    });
    for (label, _, _) in AGES {
        metrics.push(MetricInfo {
            key: format!("age {label}"),
            name: format!("Open {label}"),
            formula: format!("Of the backlog now, the requests submitted {label} ago (UTC days)."),
        });
    }
    Ok(Dashboard {
        period_label: label(view.days),
        period: view.period.as_str().into(),
        from: view.days.0.to_string(),
        to: view.days.1.to_string(),
        department: view.department,
        priority: view.priority.clone(),
        trends: trends(db, &view, today, open_now).await?,
        departments: view.departments.clone(),
        metrics,
        rows,
        total,
    })
}

/// Weekly series over the last 52 weeks: volume, backlog, SLA attainment and satisfaction.
/// The backlog at the end of a week is the backlog now less what came in since (opened −
/// resolved − cancelled adds up to what is open), so no history before the window is read.
async fn trends(
    db: &impl ConnectionTrait,
    view: &View,
    today: NaiveDate,
    open_now: i64,
) -> AppResult<Vec<Trend>> {
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let start = monday - Duration::weeks(51);
    let read = [
        M::Opened,
        M::Resolved,
        M::Cancelled,
        M::SlaMet,
        M::SlaBreached,
        M::Rated,
        M::RatingSum,
    ];
    let days = metric_day::by_day(
        db,
        &view.slice(Some(start), Some(today)),
        Columns::Only(&read),
    )
    .await?;
    let net = |c: &Counts| c.get(M::Opened) - c.get(M::Resolved) - c.get(M::Cancelled);
    let mut backlog: i64 = open_now - days.values().map(net).sum::<i64>();
    let mut weeks: Vec<(NaiveDate, Counts)> = (0..52)
        .map(|w| (start + Duration::weeks(w), Counts::default()))
        .collect();
    for (day, counts) in &days {
        let w = ((*day - start).num_days() / 7).clamp(0, 51) as usize;
        weeks[w].1.add(counts, 1);
    }
    let point = |week: NaiveDate, value: Option<f64>| TrendPoint {
        week: week.to_string(),
        value,
    };
    let mut volume = Vec::new();
    let mut open = Vec::new();
    let mut sla = Vec::new();
    let mut csat = Vec::new();
    for (week, c) in &weeks {
        backlog += c.get(M::Opened) - c.get(M::Resolved) - c.get(M::Cancelled);
        volume.push(point(*week, Some(c.get(M::Opened) as f64)));
        open.push(point(*week, Some(backlog as f64)));
        let (met, breached) = (c.get(M::SlaMet), c.get(M::SlaBreached));
        sla.push(point(
            *week,
            (met + breached > 0).then(|| met as f64 * 100.0 / (met + breached) as f64),
        ));
        csat.push(point(
            *week,
            (c.get(M::Rated) > 0).then(|| c.get(M::RatingSum) as f64 / c.get(M::Rated) as f64),
        ));
    }
    Ok(vec![
        Trend {
            name: "Opened per week".into(),
            unit: "requests".into(),
            points: volume,
        },
        Trend {
            name: "Backlog at the end of each week".into(),
            unit: "requests".into(),
            points: open,
        },
        Trend {
            name: "SLA attained per week".into(),
            unit: "%".into(),
            points: sla,
        },
        Trend {
            name: "Satisfaction per week".into(),
            unit: "of 5".into(),
            points: csat,
        },
    ])
}

/// Rows per drill-down page.
pub const DRILL_PAGE: u64 = 50;

/// Which requests a drill-down lists, and its title.
fn drill_condition(
    view: &View,
    metric: &str,
    min_age: Option<i64>,
    max_age: Option<i64>,
    today: NaiveDate,
) -> AppResult<(Condition, String)> {
    let start = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    let (from, to) = (
        start(view.days.0)
            .ok_or_else(|| AppError::BadRequest("That period does not exist.".into()))?,
        start(view.days.1 + Duration::days(1))
            .ok_or_else(|| AppError::BadRequest("That period does not exist.".into()))?,
    );
    let departments: Vec<i64> = match view.department {
        Some(d) => vec![d],
        None => view.departments.iter().map(|(id, _)| *id).collect(),
    };
    let mut all = Condition::all().add(request::Column::DepartmentId.is_in(departments));
    if let Some(p) = &view.priority {
        all = all.add(request::Column::Priority.eq(p.clone()));
    }
    let done = [
        RequestState::Resolved,
        RequestState::Closed,
        RequestState::Rejected,
        RequestState::Cancelled,
    ]
    .map(|s| s.as_str());
    let title = match metric {
        // The list of what was opened unless another number is named.
        "opened" | "" => {
            all = all
                .add(request::Column::CreatedAt.gte(from))
                .add(request::Column::CreatedAt.lt(to));
            format!("Opened, {}", label(view.days))
        }
        "resolved" => {
            all = all
                .add(request::Column::State.is_in([
                    RequestState::Resolved.as_str(),
                    RequestState::Closed.as_str(),
                ]))
                .add(request::Column::ResolvedAt.gte(from))
                .add(request::Column::ResolvedAt.lt(to));
            format!("Resolved, {}", label(view.days))
        }
        "backlog" => {
            all = all.add(request::Column::State.is_not_in(done));
            // Submitted between `max_age` and `min_age` days ago (UTC days).
            if let Some(min) = min_age {
                let newest = start(today - Duration::days(min) + Duration::days(1));
                if let Some(newest) = newest {
                    all = all.add(request::Column::CreatedAt.lt(newest));
                }
            }
            if let Some(max) = max_age {
                if let Some(oldest) = start(today - Duration::days(max)) {
                    all = all.add(request::Column::CreatedAt.gte(oldest));
                }
            }
            match (min_age, max_age) {
                (Some(a), Some(b)) => format!("Open now, submitted {a}–{b} days ago"),
                (Some(a), None) => format!("Open now, submitted over {} days ago", a - 1),
                _ => "Open now".to_owned(),
            }
        }
        other => {
            return Err(AppError::BadRequest(format!(
                "“{other}” has no list of requests: opened, resolved and the backlog do."
            )))
        }
    };
    Ok((all, title))
}

/// The number a drill-down lists, read from the same buckets as the dashboard's figure.
async fn drill_count(
    db: &impl ConnectionTrait,
    view: &View,
    query: &DrillQuery,
    today: NaiveDate,
) -> AppResult<i64> {
    let in_period = |m: M| async move {
        let sums = metric_day::by_department(
            db,
            &view.slice(Some(view.days.0), Some(view.days.1)),
            Columns::Only(&[m]),
        )
        .await?;
        Ok::<i64, AppError>(sums.values().map(|c| c.get(m)).sum())
    };
    match query.metric.as_str() {
        "resolved" => in_period(M::Resolved).await,
        "backlog" => {
            let open = metric_day::open_by_day(db, &view.slice(None, None)).await?;
            Ok(open
                .iter()
                .filter(|(_, day, _)| {
                    let age = (today - *day).num_days();
                    query.min_age.is_none_or(|a| age >= a) && query.max_age.is_none_or(|a| age <= a)
                })
                .map(|(_, _, n)| n)
                .sum())
        }
        _ => in_period(M::Opened).await,
    }
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

/// The requests behind a number, a page at a time, newest first.
pub async fn drill(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    query: &DrillQuery,
    today: NaiveDate,
) -> AppResult<DrillDown> {
    let view = view_of(db, user, &query.view(), today).await?;
    let (condition, title) =
        drill_condition(&view, &query.metric, query.min_age, query.max_age, today)?;
    let count = drill_count(db, &view, query, today).await?;
    let mut list = request::Entity::find().filter(condition);
    if let Some(before) = query.before {
        list = list.filter(request::Column::Id.lt(before));
    }
    let rows = list
        .order_by_desc(request::Column::Id)
        .limit(DRILL_PAGE + 1)
        .all(db)
        .await?;
    let names = crate::requests::service::department_names(db).await?;
    let more = rows.len() as u64 > DRILL_PAGE;
    let rows: Vec<request::Model> = rows.into_iter().take(DRILL_PAGE as usize).collect();
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
            rows.last()
                .map(|r| format!("/insights/requests?{base}&before={}", r.id))
        })
        .flatten();
    let department = view
        .department
        .and_then(|d| names.get(&d).cloned())
        .map(|n| format!(", {n}"))
        .unwrap_or_default();
    Ok(DrillDown {
        title: format!("{title}{department}"),
        count,
        rows: rows.iter().map(|r| drill_row(r, &names, user)).collect(),
        next,
        csv: format!("/insights/requests/export?{base}"),
    })
}

fn drill_row(
    r: &request::Model,
    names: &std::collections::HashMap<i64, String>,
    user: &SessionUser,
) -> DrillRow {
    DrillRow {
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
        readable: readable(user, r),
    }
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
    let (condition, _) =
        drill_condition(&view, &query.metric, query.min_age, query.max_age, today)?;
    let rows = request::Entity::find()
        .filter(condition)
        .filter(request::Column::Id.gt(after))
        .order_by_asc(request::Column::Id)
        .limit(CSV_BATCH)
        .all(db)
        .await?;
    let names = crate::requests::service::department_names(db).await?;
    let mut out = String::new();
    if after == 0 {
        out.push_str("number,title,department,state,priority,submitted,resolved\r\n");
    }
    for r in &rows {
        let d = drill_row(r, &names, user);
        let fields = [
            d.number,
            d.title,
            d.department,
            d.state,
            d.priority,
            d.created_at,
            d.resolved_at.unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok((out, rows.last().map(|r| r.id)))
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
