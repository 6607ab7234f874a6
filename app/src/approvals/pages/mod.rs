//! The Approvals inbox, and the decide controls also used on a request's page.

use crate::approvals::api::{
    list_approvals, my_delegations, past_decisions, AddDelegation, DecideApproval, DecideMany,
    RemoveDelegation,
};
use crate::approvals::model::PastDecision;
use crate::ui::error_view::{ErrorView, InlineError};
use crate::ui::time;
use leptos::prelude::*;
use leptos_meta::Title;

/// Approve in one click, or reject: one comment box for either (a reason is needed to reject).
#[component]
pub fn DecideForms(
    approval_id: i64,
    action: ServerAction<DecideApproval>,
    /// Where a browser without JavaScript returns after deciding.
    back: String,
) -> impl IntoView {
    let id = approval_id.to_string();
    let comment_id = format!("decide-comment-{id}");
    let label_for = comment_id.clone();
    view! {
        <ActionForm action=action attr:class="decide-form">
            <input type="hidden" name="approval_id" value=id/>
            <input type="hidden" name="back" value=back/>
            <label for=label_for>"Comment (a reason is needed to reject)"</label>
            <input id=comment_id type="text" name="comment" maxlength="2000"/>
            <div class="button-row">
                <button type="submit" class="button primary small" name="decision" value="approve">"Approve"</button>
                <button type="submit" class="button danger small" name="decision" value="reject">"Reject"</button>
            </div>
        </ActionForm>
    }
}

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let decide = ServerAction::<DecideApproval>::new();
    let many = ServerAction::<DecideMany>::new();
    let items = Resource::new(
        move || (decide.version().get(), many.version().get()),
        |_| list_approvals(),
    );
    let past = Resource::new(
        move || (decide.version().get(), many.version().get()),
        |_| past_decisions(),
    );
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
                    Ok(items) => {
                        let several = items.len() > 1;
                        view! {
                        {several.then(|| view! { <DecideManyForm action=many/> })}
                        <ul class="approval-list">
                            {items.into_iter().map(|item| {
                                let number = item.request.to_string();
                                view! {
                                    <li class="panel approval-card">
                                        <p class="request-number">
                                            {several.then(|| view! {
                                                <input type="checkbox" form="decide-many" class="pick"
                                                    name=format!("pick[{}]", item.approval_id) value="on"
                                                    aria-label=format!("Select {number}")/>
                                            })}
                                            <a href=format!("/requests/{number}")>{number.clone()}</a>
                                        </p>
                                        <h2>{item.title.clone()}</h2>
                                        <p class="request-meta">
                                            <span>{format!("Requested by {}", item.requester)}</span>
                                            <span>{item.department.clone()}</span>
                                            <span>{format!("{} · {} decides", item.stage_name, item.rule)}</span>
                                            {item.on_behalf_of.clone().map(|away| view! { <span class="delegated">{format!("For {away}, who is away")}</span> })}
                                            <span>"Asked " <time datetime=item.asked_at.clone()>{time::short(&item.asked_at)}</time></span>
                                        </p>
                                        {(!item.facts.is_empty()).then(|| view! {
                                            <dl class="facts">
                                                {item.facts.iter().cloned().map(|(label, value)| view! {
                                                    <div><dt>{label}</dt><dd>{value}</dd></div>
                                                }).collect_view()}
                                            </dl>
                                        })}
                                        <DecideForms approval_id=item.approval_id action=decide back="/approvals".to_owned()/>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                past.await.ok().filter(|p| !p.is_empty()).map(|past| view! { <PastDecisions past/> })
            })}
        </Suspense>
        <Delegations/>
    }
}

/// Approve or reject every ticked card at once, with one comment. The cards' checkboxes
/// belong to this form (`form="decide-many"`), so it posts without JavaScript.
#[component]
fn DecideManyForm(action: ServerAction<DecideMany>) -> impl IntoView {
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <ActionForm action=action attr:id="decide-many" attr:class="panel bulk-bar decide-many">
            <h2 class="small-heading">"Decide the ticked ones together"</h2>
            <label for="decide-many-comment">"Comment for all (a reason is needed to reject)"</label>
            <input id="decide-many-comment" type="text" name="comment" maxlength="2000"/>
            <div class="button-row">
                <button type="submit" class="button primary small" name="decision" value="approve">"Approve ticked"</button>
                <button type="submit" class="button danger small" name="decision" value="reject">"Reject ticked"</button>
            </div>
            {move || error().map(|error| view! { <InlineError error/> })}
        </ActionForm>
    }
}

#[component]
fn PastDecisions(past: Vec<PastDecision>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="past-heading">
            <h2 id="past-heading">"Your recent decisions"</h2>
            <ul class="work-list">
                {past.into_iter().map(|d| {
                    let number = d.request.to_string();
                    view! {
                        <li>
                            <span class=if d.approved { "decision approved" } else { "decision rejected" }>
                                {if d.approved { "Approved" } else { "Rejected" }}
                            </span>
                            <a href=format!("/requests/{number}")>{format!("{number} {}", d.title)}</a>
                            <span class="muted small">
                                {format!(" · {} · ", d.requester)}
                                <time datetime=d.decided_at.clone()>{time::short(&d.decided_at)}</time>
                                {d.comment.map(|c| format!(" · “{c}”"))}
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
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
