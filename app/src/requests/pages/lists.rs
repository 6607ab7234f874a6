//! "My requests" and the agent queue.

use crate::requests::api::{list_my_requests, list_queue, BulkUpdate};
use crate::requests::model::{OwnerFilter, StateFilter};
use crate::ui::error_view::ErrorView;
use crate::ui::request_table::{RequestTable, StateFilterForm};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Reads `state` and `before` from the address.
fn list_query(default: StateFilter) -> Memo<(StateFilter, Option<String>, Option<i64>)> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        let state = q.get("state");
        let filter = StateFilter::from_query(state.as_deref(), default);
        let before = q.get("before").and_then(|b| b.parse().ok());
        (filter, state, before)
    })
}

fn list_base(path: &str, filter: StateFilter) -> String {
    format!("{path}?state={}", filter.as_query())
}

#[component]
pub fn MyRequestsPage() -> impl IntoView {
    let params = list_query(StateFilter::All);
    let page = Resource::new(
        move || params.get(),
        |(_, state, before)| list_my_requests(state, before),
    );
    view! {
        <Title text="My requests"/>
        <div class="page-head">
            <h1>"My requests"</h1>
            <StateFilterForm action="/my-requests" current=params.get_untracked().0/>
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let filter = params.get_untracked().0;
                match page.await {
                    Ok(page) => view! {
                        <RequestTable
                            page
                            base=list_base("/my-requests", filter)
                            show_requester=false
                            empty_message="No requests here yet. Order something from the catalog."
                        />
                    }
                        .into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn QueuePage() -> impl IntoView {
    let params = list_query(StateFilter::Active);
    let query = use_query_map();
    let owner = Memo::new(move |_| OwnerFilter::from_query(query.read().get("owner").as_deref()));
    let page = Resource::new(
        move || (params.get(), owner.get()),
        |((_, state, before), owner)| list_queue(state, Some(owner.as_query().to_owned()), before),
    );
    view! {
        <Title text="Queue"/>
        <div class="page-head">
            <h1>"Queue"</h1>
            <StateFilterForm action="/queue" current=params.get_untracked().0 owner=owner.get_untracked()/>
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let filter = params.get_untracked().0;
                let owner = owner.get_untracked();
                match page.await {
                    Ok(queue) => view! {
                        <BulkForm people=queue.people.clone() show=!queue.page.items.is_empty()>
                            <RequestTable
                                page=queue.page
                                base=format!("{}&owner={}", list_base("/queue", filter), owner.as_query())
                                show_requester=true
                                selectable=true
                                empty_message="Nothing in the queue. Well done."
                            />
                        </BulkForm>
                    }
                        .into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The queue's bulk actions: one form around the list, so ticking requests and pressing an
/// action posts without JavaScript. Each ticked request carries the version listed.
#[component]
fn BulkForm(people: Vec<(i64, String)>, show: bool, children: Children) -> impl IntoView {
    use crate::domain::state::{Priority, RequestState};
    let bulk = ServerAction::<BulkUpdate>::new();
    let error = move || bulk.value().get().and_then(Result::err);
    let states = [
        RequestState::InFulfilment,
        RequestState::WaitingOnRequester,
        RequestState::Resolved,
        RequestState::Cancelled,
    ];
    view! {
        <ActionForm action=bulk attr:class="bulk-form">
            {show.then(|| view! {
                <fieldset class="bulk-bar">
                    <legend>"With the ticked requests"</legend>
                    <div class="bulk-row">
                        <button type="submit" class="button small primary" name="action" value="take">"Take them"</button>
                        <span class="bulk-group">
                            <label for="bulk-owner">"Give to"</label>
                            <select id="bulk-owner" name="owner">
                                {people.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="button small" name="action" value="give">"Give"</button>
                        </span>
                        <span class="bulk-group">
                            <label for="bulk-priority">"Priority"</label>
                            <select id="bulk-priority" name="priority">
                                {Priority::ALL.into_iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="button small" name="action" value="priority">"Set priority"</button>
                        </span>
                        <span class="bulk-group">
                            <label for="bulk-state">"Move to"</label>
                            <select id="bulk-state" name="state">
                                {states.into_iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="button small" name="action" value="state">"Move"</button>
                        </span>
                    </div>
                    <details class="bulk-reply">
                        <summary>"Reply to each requester…"</summary>
                        <label for="bulk-comment">"Reply"</label>
                        <textarea id="bulk-comment" name="comment" rows="2"></textarea>
                        <button type="submit" class="button small" name="action" value="comment">"Send to each"</button>
                    </details>
                    {move || error().map(|error| view! { <crate::ui::error_view::InlineError error/> })}
                </fieldset>
            })}
            {children()}
        </ActionForm>
    }
}
