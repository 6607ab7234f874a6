//! "My requests".

use crate::requests::api::list_my_requests;
use crate::requests::model::StateFilter;
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
