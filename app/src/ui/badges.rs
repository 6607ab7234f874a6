//! Small status badges.

use crate::domain::state::{Priority, RequestState, StatusCategory};
use leptos::prelude::*;

/// A request's state, coloured by its status category.
#[component]
pub fn StateBadge(state: RequestState) -> impl IntoView {
    let class = match state.category() {
        StatusCategory::Open => "badge badge-open",
        StatusCategory::Paused => "badge badge-paused",
        StatusCategory::Done => "badge badge-done",
    };
    view! { <span class=class data-state=state.as_str()>{state.label()}</span> }
}

/// A request's priority.
#[component]
pub fn PriorityBadge(priority: Priority) -> impl IntoView {
    view! { <span class=format!("priority priority-{}", priority.as_str())>{priority.label()}</span> }
}
