//! A list of requests with a state filter and "older" paging, shared by "My requests" and the
//! agent queue.

use crate::domain::queue::{QueueFilter, QueueSort};
use crate::domain::state::RequestState;
use crate::requests::model::{Page, RequestSummary, StateFilter, TaskProgress};
use crate::ui::badges::{PriorityBadge, StateBadge};
use crate::ui::time;
use leptos::prelude::*;

/// The filter form: a plain GET form, so it works without JavaScript too.
#[component]
pub fn StateFilterForm(action: &'static str, current: StateFilter) -> impl IntoView {
    let option = move |value: &'static str, label: &'static str| {
        view! { <option value=value selected=current.as_query() == value>{label}</option> }
    };
    view! {
        <form method="get" action=action class="filter-form">
            <label for="state-filter">"Show"</label>
            // A server component (the lists send no code to the browser): "Apply" applies.
            <select id="state-filter" name="state">
                {option("active", "Active")}
                {option("all", "All states")}
                {RequestState::ALL
                    .into_iter()
                    .map(|s| option(s.as_str(), s.label()))
                    .collect_view()}
            </select>
            <button type="submit" class="button small">"Apply"</button>
        </form>
    }
}

#[component]
pub fn RequestTable(
    page: Page<RequestSummary>,
    /// The list's address with its filter, to which `before=` is appended for the next page.
    base: String,
    show_requester: bool,
    empty_message: &'static str,
    /// A checkbox per request (`pick[REQ-…]` = its version), for the queue's bulk actions.
    #[prop(optional)]
    selectable: bool,
    /// The queue's view: its column headings sort, and a tasks column shows progress.
    #[prop(optional)]
    sorting: Option<QueueFilter>,
) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <p class="empty">{empty_message}</p> }.into_any();
    }
    let with_tasks = sorting.is_some();
    let with_due = sorting.is_some() || page.items.iter().any(|r| r.sla.is_some());
    let next = page.next.map(|cursor| {
        let separator = if base.contains('?') { '&' } else { '?' };
        format!("{base}{separator}before={cursor}")
    });
    view! {
        <table class="request-table">
            <thead>
                <tr>
                    {selectable.then(|| view! { <th scope="col" class="col-pick"><span class="visually-hidden">"Select"</span></th> })}
                    {heading(&sorting, "Number", "col-number", &[QueueSort::Newest, QueueSort::Oldest])}
                    <th scope="col">"Request"</th>
                    <th scope="col" class="col-state">"State"</th>
                    {with_due.then(|| heading(&sorting, "Due", "col-due", &[QueueSort::Due]))}
                    {heading(&sorting, "Owner", "col-tablet", &[QueueSort::Owner])}
                    {heading(&sorting, "Priority", "col-wide", &[QueueSort::Priority])}
                    {with_tasks.then(|| view! { <th scope="col" class="col-wide">"Tasks"</th> })}
                    <th scope="col" class="col-wide">"Department"</th>
                    {show_requester.then(|| view! { <th scope="col" class="col-tablet">"Requester"</th> })}
                    {heading(&sorting, "Updated", "col-tablet", &[QueueSort::Updated])}
                </tr>
            </thead>
            <tbody>
                {page
                    .items
                    .into_iter()
                    .map(|r| {
                        let number = r.id.to_string();
                        let owner = r.owner.clone();
                        view! {
                            <tr>
                                {selectable.then(|| view! {
                                    <td class="col-pick">
                                        <input type="checkbox" name=format!("pick[{number}]") value=r.version.to_string()
                                            aria-label=format!("Select {number}")/>
                                    </td>
                                })}
                                <td><a href=format!("/requests/{number}")>{number.clone()}</a></td>
                                <td>
                                    {r.title}
                                    {(show_requester && r.replied).then(|| view! { <span class="reply-tag">"Requester replied"</span> })}
                                    <span class="owner-line">{owner.clone().map(|o| format!("Owner: {o}")).unwrap_or_else(|| "No owner yet".into())}</span>
                                </td>
                                <td><StateBadge state=r.state/></td>
                                {with_due.then(|| view! { <td class="col-due"><crate::sla::components::SlaBadgeView badge=r.sla.clone()/></td> })}
                                <td class="col-tablet">
                                    {match owner {
                                        Some(o) => view! { <span>{o}</span> }.into_any(),
                                        None => view! { <span class="unowned">"Nobody yet"</span> }.into_any(),
                                    }}
                                </td>
                                <td class="col-wide"><PriorityBadge priority=r.priority/></td>
                                {with_tasks.then(|| view! { <td class="col-wide">{tasks_cell(&number, r.tasks)}</td> })}
                                <td class="col-wide">{r.department}</td>
                                {show_requester.then(|| view! { <td class="col-tablet">{r.requester.clone()}</td> })}
                                <td class="col-tablet"><time datetime=r.updated_at.clone()>{time::short(&r.updated_at)}</time></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        {next.map(|href| view! { <p class="pager"><a class="button" href=href>"Older requests →"</a></p> })}
    }
        .into_any()
}

/// A column heading; in the queue, the columns that sort are links (pressing the current one
/// again turns the order round where that means something: newest ↔ oldest).
fn heading(
    sorting: &Option<QueueFilter>,
    label: &'static str,
    class: &'static str,
    sorts: &'static [QueueSort],
) -> impl IntoView {
    let Some(view) = sorting else {
        return view! { <th scope="col" class=class>{label}</th> }.into_any();
    };
    let current = sorts.iter().position(|s| *s == view.sort);
    let next = match current {
        Some(at) => sorts[(at + 1) % sorts.len()],
        None => sorts[0],
    };
    let direction = current.map(|at| match sorts[at] {
        QueueSort::Oldest | QueueSort::Owner | QueueSort::Due => "ascending",
        _ => "descending",
    });
    let arrow = match direction {
        Some("ascending") => " ↑",
        Some(_) => " ↓",
        None => "",
    };
    view! {
        <th scope="col" class=class aria-sort=direction>
            <a href=view.sorted(next).address() class="sort-link"
                title=format!("Order by {}", next.label().to_ascii_lowercase())>{label}{arrow}</a>
        </th>
    }
    .into_any()
}

/// "2 of 3", flagged when a task is past its target; links to the request's tasks.
fn tasks_cell(number: &str, tasks: Option<TaskProgress>) -> impl IntoView {
    tasks.map(|t| {
        view! {
            <a href=format!("/requests/{number}#tasks") class="task-progress">{format!("{} of {}", t.done, t.total)}</a>
            {(t.overdue > 0).then(|| view! { <span class="overdue-tag">{format!("{} overdue", t.overdue)}</span> })}
        }
    })
}
