//! The agent queue: views (built in and saved), filters and search, sortable columns, bulk
//! actions. A server component: every control is a link or a plain form, so it all works
//! without JavaScript and sends no code to the browser.

use crate::domain::queue::{
    built_in_views, QueueFilter, QueueQuery, QueueSort, SlaFilter, TeamFilter,
};
use crate::domain::state::{Priority, RequestState};
use crate::requests::api::{list_queue, BulkUpdate, DeleteQueueView, SaveQueueView};
use crate::requests::model::{OwnerFilter, QueueView, SavedView};
use crate::ui::error_view::ErrorView;
use crate::ui::request_table::RequestTable;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn QueuePage() -> impl IntoView {
    let query = use_query_map();
    let raw = Memo::new(move |_| {
        let q = query.read();
        QueueQuery {
            state: q.get("state"),
            owner: q.get("owner"),
            team: q.get("team"),
            priority: q.get("priority"),
            item: q.get("item"),
            q: q.get("q"),
            sla: q.get("sla"),
            sort: q.get("sort"),
            before: q.get("before"),
        }
    });
    let page = Resource::new(move || raw.get(), list_queue);
    view! {
        <Title text="Queue"/>
        <h1>"Queue"</h1>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let view = QueueFilter::parse(&raw.get_untracked());
                match page.await {
                    Ok(queue) => view! { <Queue queue view/> }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Queue(queue: QueueView, view: QueueFilter) -> impl IntoView {
    let empty = if view.is_narrowed() {
        "Nothing matches this view. Clear the filters to see the whole queue."
    } else {
        "Nothing in the queue. Well done."
    };
    let QueueView {
        page,
        people,
        teams,
        items,
        saved,
    } = queue;
    view! {
        <Views saved current=view.address()/>
        <FilterForm view=view.clone() teams items/>
        <SaveView address=view.address()/>
        <BulkForm people show=!page.items.is_empty()>
            <RequestTable
                page
                base=view.address()
                show_requester=true
                selectable=true
                sorting=view
                empty_message=empty
            />
        </BulkForm>
    }
}

/// The built-in views and the person's saved ones, as links; the current one is marked.
#[component]
fn Views(saved: Vec<SavedView>, current: String) -> impl IntoView {
    let link = {
        let current = current.clone();
        move |name: String, address: String| {
            let here = address == current;
            view! {
                <a href=address class="view-link" aria-current=here.then_some("page")>{name}</a>
            }
        }
    };
    let all = QueueFilter::default();
    view! {
        <nav class="queue-views" aria-label="Queue views">
            {link("Everything open".into(), all.address())}
            {built_in_views()
                .into_iter()
                .map(|(name, view)| link(name.into(), view.address()))
                .collect_view()}
            {saved
                .into_iter()
                .map(|v| view! {
                    <span class="saved-view">
                        {link(v.name.clone(), v.address.clone())}
                        <DeleteView id=v.id name=v.name/>
                    </span>
                })
                .collect_view()}
        </nav>
    }
}

#[component]
fn DeleteView(id: i64, name: String) -> impl IntoView {
    let delete = ServerAction::<DeleteQueueView>::new();
    view! {
        <ActionForm action=delete attr:class="inline-form">
            <input type="hidden" name="id" value=id.to_string()/>
            <button type="submit" class="link-button" aria-label=format!("Delete the view {name}")>"×"</button>
        </ActionForm>
    }
}

/// The filters and the search: a plain GET form (the sort rides along).
#[component]
fn FilterForm(
    view: QueueFilter,
    teams: Vec<(i64, String)>,
    items: Vec<(i64, String)>,
) -> impl IntoView {
    let state = view.state.as_query();
    let team = view.team;
    let states = [("active", "Active"), ("all", "All states")]
        .into_iter()
        .chain(
            RequestState::ALL
                .into_iter()
                .map(|s| (s.as_str(), s.label())),
        )
        .map(
            |(value, label)| view! { <option value=value selected=state == value>{label}</option> },
        )
        .collect_view();
    view! {
        <form method="get" action="/queue" class="filter-form queue-filters" role="search">
            <span class="filter">
                <label for="queue-search">"Search"</label>
                <input id="queue-search" type="search" name="q" value=view.text.clone()
                    placeholder="Number, item or requester" maxlength="100"/>
            </span>
            <span class="filter">
                <label for="owner-filter">"Owner"</label>
                <select id="owner-filter" name="owner">
                    {OwnerFilter::ALL
                        .into_iter()
                        .map(|o| view! { <option value=o.as_query() selected=o == view.owner>{o.label()}</option> })
                        .collect_view()}
                </select>
            </span>
            <span class="filter">
                <label for="team-filter">"Team"</label>
                <select id="team-filter" name="team">
                    <option value="any" selected=team == TeamFilter::Any>"Any team"</option>
                    <option value="mine" selected=team == TeamFilter::Mine>"My teams"</option>
                    {teams
                        .into_iter()
                        .map(|(id, name)| view! { <option value=id.to_string() selected=team == TeamFilter::One(id)>{name}</option> })
                        .collect_view()}
                </select>
            </span>
            <span class="filter">
                <label for="priority-filter">"Priority"</label>
                <select id="priority-filter" name="priority">
                    <option value="" selected=view.priority.is_none()>"Any priority"</option>
                    {Priority::ALL
                        .into_iter()
                        .rev()
                        .map(|p| view! { <option value=p.as_str() selected=view.priority == Some(p)>{p.label()}</option> })
                        .collect_view()}
                </select>
            </span>
            <span class="filter">
                <label for="item-filter">"Item"</label>
                <select id="item-filter" name="item">
                    <option value="" selected=view.item.is_none()>"Any item"</option>
                    {items
                        .into_iter()
                        .map(|(id, name)| view! { <option value=id.to_string() selected=view.item == Some(id)>{name}</option> })
                        .collect_view()}
                </select>
            </span>
            <span class="filter">
                <label for="state-filter">"State"</label>
                <select id="state-filter" name="state">{states}</select>
            </span>
            <span class="filter">
                <label for="sla-filter">"Service level"</label>
                <select id="sla-filter" name="sla">
                    {SlaFilter::ALL
                        .into_iter()
                        .map(|f| view! { <option value=f.as_query() selected=f == view.sla>{f.label()}</option> })
                        .collect_view()}
                </select>
            </span>
            <span class="filter">
                <label for="sort-filter">"Order"</label>
                <select id="sort-filter" name="sort">
                    {QueueSort::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.as_query() selected=s == view.sort>{s.label()}</option> })
                        .collect_view()}
                </select>
            </span>
            <button type="submit" class="button small">"Apply"</button>
        </form>
    }
}

/// Saves the view on screen under a name (the same name replaces it).
#[component]
fn SaveView(address: String) -> impl IntoView {
    let save = ServerAction::<SaveQueueView>::new();
    let error = move || save.value().get().and_then(Result::err);
    view! {
        <details class="save-view">
            <summary>"Save this view…"</summary>
            <ActionForm action=save attr:class="inline-form">
                <input type="hidden" name="address" value=address/>
                <label for="view-name">"Name"</label>
                <input id="view-name" name="name" required maxlength="60" placeholder="e.g. Laptops waiting"/>
                <button type="submit" class="button small">"Save view"</button>
            </ActionForm>
            {move || error().map(|error| view! { <crate::ui::error_view::InlineError error/> })}
        </details>
    }
}

/// The queue's bulk actions: one form around the list, so ticking requests and pressing an
/// action posts without JavaScript. Each ticked request carries the version listed.
#[component]
fn BulkForm(people: Vec<(i64, String)>, show: bool, children: Children) -> impl IntoView {
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
                            <label for="bulk-priority">"New priority"</label>
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
