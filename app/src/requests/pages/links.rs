//! A request's linked requests, and (for its department's agents) linking another request or
//! closing this one as a duplicate.

use crate::domain::state::StatusCategory;
use crate::requests::api::{CloseAsDuplicate, LinkRequest};
use crate::requests::model::{LinkKind, RequestDetail};
use crate::ui::badges::StateBadge;
use crate::ui::error_view::InlineError;
use leptos::prelude::*;

/// Linked requests; for agents, the forms that link and close as a duplicate.
#[component]
pub fn LinksPanel(detail: RequestDetail) -> impl IntoView {
    let link = expect_context::<ServerAction<LinkRequest>>();
    let duplicate = expect_context::<ServerAction<CloseAsDuplicate>>();
    let link_error = move || link.value().get().and_then(Result::err);
    let duplicate_error = move || duplicate.value().get().and_then(Result::err);
    let number = detail.id.to_string();
    let open = detail.state.category() != StatusCategory::Done;
    let may_link = detail.may_link;
    let no_links = detail.links.is_empty();
    let lines = detail
        .links
        .into_iter()
        .map(|linked| {
            let number = number.clone();
            let unlink = (may_link && linked.kind == LinkKind::Related).then(|| {
                view! {
                    <ActionForm action=link attr:class="inline-form">
                        <input type="hidden" name="number" value=number.clone()/>
                        <input type="hidden" name="other" value=linked.id.to_string()/>
                        <input type="hidden" name="unlink" value="true"/>
                        <button type="submit" class="button small"
                            aria-label=format!("Remove the link to {}", linked.id)>"Remove"</button>
                    </ActionForm>
                }
            });
            view! {
                <li>
                    <span class="link-kind">{linked.kind.label()}</span>" "
                    <a href=format!("/requests/{}", linked.id)>{linked.id.to_string()}</a>
                    " "{linked.title.clone()}" "
                    <StateBadge state=linked.state/>
                    {unlink}
                </li>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="links-heading" class="panel links-panel">
            <h2 id="links-heading">"Linked requests"</h2>
            {if no_links {
                view! { <p class="muted">"No linked requests."</p> }.into_any()
            } else {
                view! { <ul class="link-list">{lines}</ul> }.into_any()
            }}
            {may_link.then(|| view! {
                <ActionForm action=link attr:class="inline-form link-form">
                    <input type="hidden" name="number" value=detail.id.to_string()/>
                    <label for="link-other">"Link a related request"</label>
                    <input id="link-other" name="other" type="text" required
                        placeholder="REQ-000042" inputmode="numeric" autocomplete="off"/>
                    <button type="submit" class="button">"Link"</button>
                </ActionForm>
                {move || link_error().map(|error| view! { <InlineError error/> })}
            })}
            {(may_link && open).then(|| view! {
                <details class="confirm duplicate-form">
                    <summary class="button">"Close as a duplicate…"</summary>
                    <ActionForm action=duplicate attr:class="stack">
                        <input type="hidden" name="number" value=detail.id.to_string()/>
                        <input type="hidden" name="version" value=detail.version.to_string()/>
                        <label for="duplicate-of">"Duplicate of (the request that goes on)"</label>
                        <input id="duplicate-of" name="survivor" type="text" required
                            placeholder="REQ-000042" autocomplete="off"/>
                        <label for="duplicate-note">"What the requester is told (optional)"</label>
                        <textarea id="duplicate-note" name="note" rows="2"></textarea>
                        <p class="muted small">
                            "This request is closed; its requester is told and follows the one that goes on."
                        </p>
                        <button type="submit" class="button danger">"Close as duplicate"</button>
                        {move || duplicate_error().map(|error| view! { <InlineError error/> })}
                    </ActionForm>
                </details>
            })}
        </section>
    }
}
