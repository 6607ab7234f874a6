//! The Approvals inbox, and the decide controls also used on a request's page.

use crate::approvals::api::{
    list_approvals, my_delegations, AddDelegation, DecideApproval, RemoveDelegation,
};
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
        {move || decide.value().get().and_then(Result::err).map(|error| view! { <InlineError error/> })}
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
                                            {item.on_behalf_of.clone().map(|away| view! { <span class="delegated">{format!("For {away}, who is away")}</span> })}
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
        <Delegations/>
    }
}

/// "While I'm away, this person approves for me": the caller's delegations, and a form to add
/// one. Approvals opened between the two dates go to the delegate.
#[component]
fn Delegations() -> impl IntoView {
    let add = ServerAction::<AddDelegation>::new();
    let remove = ServerAction::<RemoveDelegation>::new();
    let list = Resource::new(
        move || (add.version().get(), remove.version().get()),
        |_| my_delegations(),
    );
    view! {
        <section class="panel" aria-labelledby="delegation-heading">
            <h2 id="delegation-heading">"While you are away"</h2>
            <p class="muted small">"Name a colleague who approves for you between two dates. Approvals asked of you in that time go to them, marked as on your behalf."</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    list.await.ok().map(|rows| view! {
                        <ul class="delegation-list">
                            {rows.into_iter().map(|d| view! {
                                <li>
                                    {format!("{} approves for you from {} to {}", d.delegate, d.starts_on, d.ends_on)}
                                    <ActionForm action=remove attr:class="inline-form">
                                        <input type="hidden" name="id" value=d.id.to_string()/>
                                        <button type="submit" class="button small subtle" aria-label=format!("End the delegation to {}", d.delegate)>"End"</button>
                                    </ActionForm>
                                </li>
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Suspense>
            <ActionForm action=add attr:class="editor-grid">
                <label for="delegate-email">"Colleague's email"</label>
                <input id="delegate-email" type="email" name="delegate" required placeholder="name@example.com"/>
                <label for="delegate-from">"First day"</label>
                <input id="delegate-from" type="date" name="starts_on" required/>
                <label for="delegate-to">"Last day"</label>
                <input id="delegate-to" type="date" name="ends_on" required/>
                <span></span>
                <div class="stack">
                    {move || add.value().get().and_then(Result::err).map(|error| view! { <InlineError error/> })}
                    <button type="submit" class="button">"Add delegation"</button>
                </div>
            </ActionForm>
        </section>
    }
}
