//! The leadership dashboard (`/insights`) and the requests behind its numbers
//! (`/insights/requests`): server components, plain GET forms and links, no code in the
//! browser.

use super::api::{drill_requests, get_dashboard};
use super::model::{Choice, Dashboard, DrillDown, DrillQuery, Figure, InsightsQuery};
use crate::domain::metrics::Period;
use crate::domain::state::Priority;
use crate::ui::chart::TrendChart;
use crate::ui::error_view::ErrorView;
use crate::ui::time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The dashboard view an address asks for.
fn view_of(q: &leptos_router::params::ParamsMap) -> InsightsQuery {
    InsightsQuery {
        period: q.get("period"),
        from: q.get("from"),
        to: q.get("to"),
        department: q.get("department"),
        team: q.get("team"),
        category: q.get("category"),
        item: q.get("item"),
        priority: q.get("priority"),
    }
}

#[component]
pub fn InsightsPage() -> impl IntoView {
    let query = use_query_map();
    let dashboard = Resource::new(move || view_of(&query.read()), get_dashboard);
    view! {
        <Title text="Insights"/>
        <div class="page-head">
            <h1>"Insights"</h1>
            <p class="muted">"How every department serves the company. Each number says how it is counted and opens the requests behind it."</p>
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(dashboard) => view! { <DashboardView dashboard/> }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let period = dashboard.period.clone();
    let department = dashboard.department;
    let priority = dashboard.priority.clone();
    let columns: Vec<String> = dashboard
        .rows
        .iter()
        .map(|r| r.name.clone())
        .chain(std::iter::once(dashboard.total.name.clone()))
        .collect();
    let rows: Vec<Vec<Figure>> = dashboard
        .rows
        .iter()
        .map(|r| r.figures.clone())
        .chain(std::iter::once(dashboard.total.figures.clone()))
        .collect();
    view! {
        <form method="get" action="/insights" class="filter-form insights-filters">
            <span class="filter">
                <label for="insights-period">"Period"</label>
                <select id="insights-period" name="period">
                    {Period::ALL.into_iter().map(|p| view! {
                        <option value=p.as_str() selected=p.as_str() == period>{p.label()}</option>
                    }).collect_view()}
                </select>
            </span>
            <span class="filter">
                <label for="insights-from">"From"</label>
                <input id="insights-from" type="date" name="from" value=dashboard.from.clone()/>
            </span>
            <span class="filter">
                <label for="insights-to">"To"</label>
                <input id="insights-to" type="date" name="to" value=dashboard.to.clone()/>
            </span>
            <span class="filter">
                <label for="insights-department">"Department"</label>
                <select id="insights-department" name="department">
                    <option value="" selected=department.is_none()>"All departments"</option>
                    {dashboard.departments.iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=department == Some(*id)>{name.clone()}</option>
                    }).collect_view()}
                </select>
            </span>
            <ChoiceSelect id="insights-team" name="team" label="Team" any="Any team" choices=dashboard.teams.clone() chosen=dashboard.team/>
            <ChoiceSelect id="insights-category" name="category" label="Category" any="Any category" choices=dashboard.categories.clone() chosen=dashboard.category/>
            <ChoiceSelect id="insights-item" name="item" label="Item" any="Any item" choices=dashboard.items.clone() chosen=dashboard.item/>
            <span class="filter">
                <label for="insights-priority">"Priority"</label>
                <select id="insights-priority" name="priority">
                    <option value="" selected=priority.is_none()>"Any priority"</option>
                    {Priority::ALL.into_iter().rev().map(|p| view! {
                        <option value=p.as_str() selected=priority.as_deref() == Some(p.as_str())>{p.label()}</option>
                    }).collect_view()}
                </select>
            </span>
            <button type="submit" class="button small">"Apply"</button>
        </form>
        <p class="insights-period">
            {format!("{} · compared with the period of the same length before it. Dates from and to apply to “Dates”.", dashboard.period_label)}
        </p>
        <div class="table-scroll">
            <table class="insights-table">
                <caption class="visually-hidden">{format!("Service by department, {}", dashboard.period_label)}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Metric"</th>
                        {columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {dashboard.metrics.iter().enumerate().map(|(n, metric)| {
                        let info = format!("How “{}” is counted", metric.name);
                        view! {
                            <tr>
                                <th scope="row">
                                    {metric.name.clone()}
                                    <details class="formula">
                                        <summary aria-label=info.clone() title=info>"?"</summary>
                                        <p>{metric.formula.clone()}</p>
                                    </details>
                                </th>
                                {rows.iter().map(|figures| {
                                    let figure = figures.get(n).cloned().unwrap_or_default();
                                    view! { <td><FigureView figure/></td> }
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <section aria-labelledby="trends-heading" class="trends">
            <h2 id="trends-heading">"The last twelve months"</h2>
            <div class="trend-grid">
                {dashboard.trends.into_iter().map(|trend| view! { <TrendChart trend/> }).collect_view()}
            </div>
        </section>
    }
}

/// A filter's select, its choices grouped by department.
#[component]
fn ChoiceSelect(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    any: &'static str,
    choices: Vec<Choice>,
    chosen: Option<i64>,
) -> impl IntoView {
    let mut groups: Vec<(String, Vec<Choice>)> = Vec::new();
    for choice in choices {
        match groups.last_mut() {
            Some((department, list)) if *department == choice.department => list.push(choice),
            _ => groups.push((choice.department.clone(), vec![choice])),
        }
    }
    view! {
        <span class="filter">
            <label for=id>{label}</label>
            <select id=id name=name>
                <option value="" selected=chosen.is_none()>{any}</option>
                {groups.into_iter().map(|(department, list)| view! {
                    <optgroup label=department>
                        {list.into_iter().map(|c| view! {
                            <option value=c.id.to_string() selected=chosen == Some(c.id)>{c.name}</option>
                        }).collect_view()}
                    </optgroup>
                }).collect_view()}
            </select>
        </span>
    }
}

#[component]
fn FigureView(figure: Figure) -> impl IntoView {
    let value = match figure.href {
        Some(href) => view! { <a href=href class="figure-link">{figure.value}</a> }.into_any(),
        None => view! { <span>{figure.value}</span> }.into_any(),
    };
    let class = match figure.better {
        Some(true) => "change better",
        Some(false) => "change worse",
        None => "change",
    };
    view! {
        {value}
        {figure.change.map(|c| view! { <span class=class>{c}</span> })}
    }
}

#[component]
pub fn InsightsRequestsPage() -> impl IntoView {
    let query = use_query_map();
    let list = Resource::new(
        move || {
            let q = query.read();
            DrillQuery {
                min_age: q.get("min_age").and_then(|v| v.parse().ok()),
                max_age: q.get("max_age").and_then(|v| v.parse().ok()),
                before: q.get("before"),
                ..DrillQuery::of(view_of(&q), q.get("metric").unwrap_or_default())
            }
        },
        drill_requests,
    );
    view! {
        <Title text="Insights: the requests behind a number"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! { <DrillView list/> }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DrillView(list: DrillDown) -> impl IntoView {
    let detail = list.detail.clone();
    let with_detail = !detail.is_empty();
    view! {
        <div class="page-head">
            <p><a href=list.back.clone()>"← Insights"</a></p>
            <h1>{list.title.clone()}</h1>
            <p>
                {list.counted.clone()}
                " · "
                <a href=list.csv.clone() download="requests.csv">"Download CSV"</a>
            </p>
        </div>
        {if list.rows.is_empty() {
            view! { <p class="empty">"No requests to show."</p> }.into_any()
        } else {
            view! {
                <table class="request-table drill-table">
                    <thead>
                        <tr>
                            <th scope="col">"Number"</th>
                            <th scope="col">"Request"</th>
                            <th scope="col" class="col-state">"State"</th>
                            <th scope="col" class="col-wide">"Department"</th>
                            <th scope="col" class="col-tablet">"Submitted"</th>
                            <th scope="col" class="col-tablet">"Resolved"</th>
                            {(!detail.is_empty()).then(|| view! { <th scope="col">{detail.clone()}</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {list.rows.into_iter().map(|r| view! {
                            <tr>
                                <td>
                                    {if r.readable {
                                        view! { <a href=format!("/requests/{}", r.number)>{r.number.clone()}</a> }.into_any()
                                    } else {
                                        view! {
                                            <span>{r.number.clone()}</span>
                                            <span class="confidential-tag" title="Read only by those involved and the department that fulfils it">"Confidential"</span>
                                        }.into_any()
                                    }}
                                </td>
                                <td>{r.title}</td>
                                <td class="col-state">{r.state}</td>
                                <td class="col-wide">{r.department}</td>
                                <td class="col-tablet"><time datetime=r.created_at.clone()>{time::short(&r.created_at)}</time></td>
                                <td class="col-tablet">{r.resolved_at.map(|t| time::short(&t)).unwrap_or_default()}</td>
                                {with_detail.then(|| view! { <td>{r.detail}</td> })}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {list.next.map(|href| view! { <p class="pager"><a class="button" href=href>"Older requests →"</a></p> })}
    }
}
