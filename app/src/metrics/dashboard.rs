//! (ssr) The leadership dashboard and its drill-down lists: read from the daily buckets
//! (never from the requests), and the requests behind each count read by the same definition.
//!
//! Layer: read models. Leadership and system admins see every department; department admins
//! and agents see their own; nobody else sees the dashboard.

use super::model::{
    Choice, Dashboard, DepartmentRow, Figure, InsightsQuery, MetricInfo, Trend, TrendPoint,
};
use crate::auth::model::{Role, SessionUser};
use crate::db::metric_day::{self, Columns};
use crate::db::{catalog_item, category, team};
use crate::domain::metrics::{
    change, period_days, show, Counts, Period, Slice, Unit, AGES, M, METRICS,
};
use crate::error::{AppError, AppResult};
use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
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
pub(super) struct View {
    pub period: Period,
    pub days: (NaiveDate, NaiveDate),
    pub previous: (NaiveDate, NaiveDate),
    pub departments: Vec<(i64, String)>,
    pub department: Option<i64>,
    pub team: Option<i64>,
    pub category: Option<i64>,
    pub item: Option<i64>,
    /// The items a category or an item filter leaves; `None`: every item.
    pub items: Option<Vec<i64>>,
    pub priority: Option<String>,
    /// The filters' choices within the viewer's departments.
    pub choices: Choices,
}

#[derive(Default)]
pub(super) struct Choices {
    pub teams: Vec<Choice>,
    pub categories: Vec<Choice>,
    /// With each item's category.
    pub items: Vec<(Choice, i64)>,
}

/// An id of the address, which must be one of `choices`.
fn chosen(text: Option<&str>, what: &str, choices: &[i64]) -> AppResult<Option<i64>> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let id: i64 = text.parse().map_err(|_| {
        AppError::BadRequest(format!("“{text}” is not a {what} of this dashboard."))
    })?;
    if !choices.contains(&id) {
        return Err(AppError::Forbidden);
    }
    Ok(Some(id))
}

async fn choices_of(
    db: &impl ConnectionTrait,
    departments: &[(i64, String)],
) -> AppResult<Choices> {
    let ids: Vec<i64> = departments.iter().map(|(id, _)| *id).collect();
    let name_of = |d: i64| {
        departments
            .iter()
            .find(|(id, _)| *id == d)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let choice = |id: i64, name: String, department: i64| Choice {
        id,
        name,
        department: name_of(department),
    };
    let teams = team::Entity::find()
        .filter(team::Column::DepartmentId.is_in(ids.clone()))
        .order_by_asc(team::Column::Name)
        .all(db)
        .await?;
    let categories = category::Entity::find()
        .filter(category::Column::DepartmentId.is_in(ids.clone()))
        .order_by_asc(category::Column::Name)
        .all(db)
        .await?;
    let items = catalog_item::Entity::find()
        .filter(catalog_item::Column::DepartmentId.is_in(ids))
        .order_by_asc(catalog_item::Column::Name)
        .all(db)
        .await?;
    let by_department = |a: &Choice, b: &Choice| a.department.cmp(&b.department);
    let mut out = Choices {
        teams: teams
            .into_iter()
            .map(|t| choice(t.id, t.name, t.department_id))
            .collect(),
        categories: categories
            .into_iter()
            .map(|c| choice(c.id, c.name, c.department_id))
            .collect(),
        items: items
            .into_iter()
            .map(|i| (choice(i.id, i.name, i.department_id), i.category_id))
            .collect(),
    };
    out.teams.sort_by(by_department);
    out.categories.sort_by(by_department);
    out.items.sort_by(|a, b| by_department(&a.0, &b.0));
    Ok(out)
}

pub(super) async fn view_of(
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
    let department_ids: Vec<i64> = departments.iter().map(|(id, _)| *id).collect();
    let department = chosen(query.department.as_deref(), "department", &department_ids)?;
    let choices = choices_of(db, &departments).await?;
    let ids = |list: &[Choice]| list.iter().map(|c| c.id).collect::<Vec<i64>>();
    let team = chosen(query.team.as_deref(), "team", &ids(&choices.teams))?;
    let category = chosen(
        query.category.as_deref(),
        "category",
        &ids(&choices.categories),
    )?;
    let item_ids: Vec<i64> = choices.items.iter().map(|(c, _)| c.id).collect();
    let item = chosen(query.item.as_deref(), "catalog item", &item_ids)?;
    let items = (category.is_some() || item.is_some()).then(|| {
        choices
            .items
            .iter()
            .filter(|(c, in_category)| {
                category.is_none_or(|k| k == *in_category) && item.is_none_or(|i| i == c.id)
            })
            .map(|(c, _)| c.id)
            .collect()
    });
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
        team,
        category,
        item,
        items,
        priority,
        choices,
    })
}

impl View {
    /// The departments the view covers.
    pub fn department_ids(&self) -> Vec<i64> {
        match self.department {
            Some(d) => vec![d],
            None => self.departments.iter().map(|(id, _)| *id).collect(),
        }
    }

    pub fn slice(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Slice {
        Slice {
            from,
            to,
            departments: Some(self.department_ids()),
            team: self.team,
            items: self.items.clone(),
            priority: self.priority.clone(),
        }
    }

    /// The address query of this view with `more` pairs (for links).
    pub fn query(&self, more: &[(&str, String)]) -> String {
        self.query_for(self.department, more)
    }

    /// [`query`](Self::query) for one department (none: every department of the view).
    pub fn query_for(&self, department: Option<i64>, more: &[(&str, String)]) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.append_pair("period", self.period.as_str());
        if self.period == Period::Custom {
            out.append_pair("from", &self.days.0.to_string());
            out.append_pair("to", &self.days.1.to_string());
        }
        for (key, id) in [
            ("department", department),
            ("team", self.team),
            ("category", self.category),
            ("item", self.item),
        ] {
            if let Some(id) = id {
                out.append_pair(key, &id.to_string());
            }
        }
        if let Some(p) = &self.priority {
            out.append_pair("priority", p);
        }
        for (k, v) in more {
            out.append_pair(k, v);
        }
        out.finish()
    }

    /// The filters narrower than a department, in words (", team Service desk").
    pub fn narrowed(&self) -> String {
        let name = |list: &[Choice], id: Option<i64>| {
            id.and_then(|id| list.iter().find(|c| c.id == id).map(|c| c.name.clone()))
        };
        let items: Vec<Choice> = self.choices.items.iter().map(|(c, _)| c.clone()).collect();
        let mut out = String::new();
        for (label, name) in [
            ("team", name(&self.choices.teams, self.team)),
            ("category", name(&self.choices.categories, self.category)),
            ("item", name(&items, self.item)),
            ("priority", self.priority.clone()),
        ] {
            if let Some(name) = name {
                out.push_str(&format!(", {label} {name}"));
            }
        }
        out
    }
}

pub(super) fn label(days: (NaiveDate, NaiveDate)) -> String {
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
            format!(
                "/insights/requests?{}",
                view.query_for(department.or(view.department), &pairs)
            )
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
                    href: (m.key != "deflection").then(|| drill(m.key, &[])),
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
        team: view.team,
        category: view.category,
        item: view.item,
        priority: view.priority.clone(),
        trends: trends(db, &view, today, open_now).await?,
        departments: view.departments.clone(),
        teams: view.choices.teams.clone(),
        categories: view.choices.categories.clone(),
        items: view.choices.items.iter().map(|(c, _)| c.clone()).collect(),
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
