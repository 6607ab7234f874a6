//! The Approvals inbox, and the decide controls also used on a request's page.

use crate::approvals::api::{list_approvals, DecideApproval};
use crate::ui::error_view::{ErrorView, InlineError};
use crate::ui::time;
use leptos::prelude::*;
use leptos_meta::Title;

/// Approve in one click (with an optional comment), or reject with a reason.
#[component]
pub fn DecideForms(
    approval_id: i64,
    action: ServerAction<DecideApproval>,
    /// Where a browser without JavaScript returns after deciding.
    back: String,
) -> impl IntoView {
    let id = approval_id.to_string();
    let (approve_id, reject_id) = (id.clone(), id.clone());
    let (approve_back, reject_back) = (back.clone(), back);
    let approve_comment = format!("approve-comment-{id}");
    let reject_reason = format!("reject-reason-{id}");
    let (approve_label_for, reject_label_for) = (approve_comment.clone(), reject_reason.clone());
    view! {
        <div class="decide">
            <ActionForm action=action attr:class="decide-form">
                <input type="hidden" name="approval_id" value=approve_id/>
                <input type="hidden" name="decision" value="approve"/>
                <input type="hidden" name="back" value=approve_back/>
                <label for=approve_label_for>"Comment (optional)"</label>
                <input id=approve_comment type="text" name="comment" maxlength="2000"/>
                <button type="submit" class="button primary small">"Approve"</button>
            </ActionForm>
            <ActionForm action=action attr:class="decide-form">
                <input type="hidden" name="approval_id" value=reject_id/>
                <input type="hidden" name="decision" value="reject"/>
                <input type="hidden" name="back" value=reject_back/>
                <label for=reject_label_for>"Reason for rejecting"</label>
                <input id=reject_reason type="text" name="comment" maxlength="2000" required/>
                <button type="submit" class="button danger small">"Reject"</button>
            </ActionForm>
        </div>
    }
}

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let decide = ServerAction::<DecideApproval>::new();
    let items = Resource::new(move || decide.version().get(), |_| list_approvals());
    view! {
        <Title text="Approvals"/>
        <div class="page-head"><h1>"Approvals"</h1></div>
        {move || decide.value().get().map(|result| match result {
            Ok(done) => view! { <p class="success" role="status">{done.message}</p> }.into_any(),
            Err(error) => view! { <InlineError error/> }.into_any(),
        })}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match items.await {
                    Ok(items) if items.is_empty() => view! {
                        <p class="muted">"Nothing waits on you. Requests you are asked to approve appear here."</p>
                    }.into_any(),
                    Ok(items) => view! {
                        <ul class="approval-list">
                            {items.into_iter().map(|item| {
                                let number = item.request.to_string();
                                view! {
                                    <li class="panel approval-card">
                                        <p class="request-number"><a href=format!("/requests/{number}")>{number.clone()}</a></p>
                                        <h2>{item.title.clone()}</h2>
                                        <p class="request-meta">
                                            <span>{format!("Requested by {}", item.requester)}</span>
                                            <span>{item.department.clone()}</span>
                                            <span>{format!("{} · {} decides", item.stage_name, item.rule)}</span>
                                            <span>"Asked " <time datetime=item.asked_at.clone()>{time::short(&item.asked_at)}</time></span>
                                        </p>
                                        <DecideForms approval_id=item.approval_id action=decide back="/approvals".to_owned()/>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
