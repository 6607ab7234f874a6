//! A list of requests with a state filter and "older" paging, shared by "My requests" and the
//! agent queue.

use crate::domain::state::RequestState;
use crate::requests::model::{Page, RequestSummary, StateFilter};
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
) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <p class="empty">{empty_message}</p> }.into_any();
    }
    let next = page.next.map(|cursor| {
        let separator = if base.contains('?') { '&' } else { '?' };
        format!("{base}{separator}before={cursor}")
    });
    view! {
        <table class="request-table">
            <thead>
                <tr>
                    <th scope="col">"Number"</th>
                    <th scope="col">"Request"</th>
                    <th scope="col">"State"</th>
                    <th scope="col">"Priority"</th>
                    <th scope="col">"Department"</th>
                    {show_requester.then(|| view! { <th scope="col">"Requester"</th> })}
                    <th scope="col">"Opened"</th>
                </tr>
            </thead>
            <tbody>
                {page
                    .items
                    .into_iter()
                    .map(|r| {
                        let number = r.id.to_string();
                        view! {
                            <tr>
                                <td><a href=format!("/requests/{number}")>{number.clone()}</a></td>
                                <td>{r.title}</td>
                                <td><StateBadge state=r.state/></td>
                                <td><PriorityBadge priority=r.priority/></td>
                                <td>{r.department}</td>
                                {show_requester.then(|| view! { <td>{r.requester.clone()}</td> })}
                                <td><time datetime=r.created_at.clone()>{time::short(&r.created_at)}</time></td>
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
