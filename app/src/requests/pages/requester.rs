//! The requester's context beside a request, for the agents who work on it.

use crate::requests::model::RequesterContext;
use crate::ui::badges::StateBadge;
use leptos::prelude::*;

/// Who the request is for: title, department, manager, location, other open requests.
#[component]
pub fn RequesterPanel(context: RequesterContext) -> impl IntoView {
    let more = context
        .open_count
        .saturating_sub(context.open_requests.len() as u64);
    view! {
        <section aria-labelledby="requester-heading" class="requester-panel">
            <h2 id="requester-heading">"Requester"</h2>
            <p class="requester-name">
                <strong>{context.name.clone()}</strong>
                <br/>
                <span class="muted">{context.title.clone()}</span>
            </p>
            <dl class="facts">
                <dt>"Department"</dt>
                <dd>{context.department.clone()}</dd>
                <dt>"Manager"</dt>
                <dd>{context.manager.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                <dt>"Location"</dt>
                <dd>{context.location.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                <dt>"Email"</dt>
                <dd><a href=format!("mailto:{}", context.email)>{context.email.clone()}</a></dd>
            </dl>
            <h3>"Their other open requests"</h3>
            {if context.open_requests.is_empty() {
                view! { <p class="muted small">"None here."</p> }.into_any()
            } else {
                view! {
                    <ul class="link-list">
                        {context.open_requests.into_iter().map(|r| view! {
                            <li>
                                <a href=format!("/requests/{}", r.id)>{r.id.to_string()}</a>
                                " "{r.title}" "
                                <StateBadge state=r.state/>
                            </li>
                        }).collect_view()}
                    </ul>
                    {(more > 0).then(|| view! { <p class="muted small">{format!("and {more} more")}</p> })}
                }
                .into_any()
            }}
        </section>
    }
}
