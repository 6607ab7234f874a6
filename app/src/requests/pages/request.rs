//! A request's page: state, answers as submitted, timeline, and what the viewer can do next.

use crate::approvals::api::DecideApproval;
use crate::domain::state::{Priority, RequestState};
use crate::requests::api::{
    get_request, AddComment, ChangeRequestState, RateRequest, SetRequestOwner, SetRequestPriority,
};
use crate::requests::model::{RequestDetail, TimelineEntry, TimelineKind};
use crate::tasks::api::ActOnTask;
use crate::ui::badges::{PriorityBadge, StateBadge};
use crate::ui::error_view::{ErrorView, InlineError};
use crate::ui::time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn RequestPage() -> impl IntoView {
    let params = use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let change = ServerAction::<ChangeRequestState>::new();
    let comment = ServerAction::<AddComment>::new();
    let decide = ServerAction::<DecideApproval>::new();
    let act = ServerAction::<ActOnTask>::new();
    let rate = ServerAction::<RateRequest>::new();
    let watch = ServerAction::<crate::notifications::api::WatchRequest>::new();
    let owner = ServerAction::<SetRequestOwner>::new();
    let priority = ServerAction::<SetRequestPriority>::new();
    let link = ServerAction::<crate::requests::api::LinkRequest>::new();
    let duplicate = ServerAction::<crate::requests::api::CloseAsDuplicate>::new();
    provide_context(link);
    provide_context(duplicate);
    provide_context(watch);
    provide_context(owner);
    provide_context(priority);
    provide_context(decide);
    provide_context(act);
    provide_context(rate);
    let request = Resource::new(
        move || {
            (
                params.read().get("number").unwrap_or_default(),
                query
                    .read()
                    .get("template")
                    .and_then(|t| t.parse::<i64>().ok()),
                change.version().get(),
                comment.version().get(),
                decide.version().get(),
                act.version().get(),
                rate.version().get(),
                watch.version().get(),
                owner.version().get(),
                priority.version().get(),
                link.version().get(),
                duplicate.version().get(),
            )
        },
        |(number, template, ..)| get_request(number, template),
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match request.await {
                    Ok(detail) => view! { <RequestView detail change comment/> }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RequestView(
    detail: RequestDetail,
    change: ServerAction<ChangeRequestState>,
    comment: ServerAction<AddComment>,
) -> impl IntoView {
    let number = detail.id.to_string();
    let answers = detail.answer_lines.clone();
    let act = expect_context::<ServerAction<ActOnTask>>();
    view! {
        <Title text=format!("{number} {}", detail.title)/>
        <div class="request-head">
            <p class="request-number">{number.clone()}</p>
            <h1>{detail.title.clone()}</h1>
            <p class="request-meta">
                <StateBadge state=detail.state/>
                <PriorityBadge priority=detail.priority/>
                <span>{detail.department.clone()}</span>
                <span>{if detail.requested_for == detail.requester {
                    format!("Requested by {}", detail.requester)
                } else {
                    format!("For {}, requested by {}", detail.requested_for, detail.requester)
                }}</span>
                {detail.confidential.then(|| view! {
                    <span class="confidential-tag" title="Read only by the requester, the person it is for, its approvers and those who fulfil it">
                        "Confidential"
                    </span>
                })}
                <span class="request-owner">
                    {match &detail.owner {
                        Some(owner) => format!("Owner: {owner}"),
                        None => "No owner yet".to_owned(),
                    }}
                </span>
                <span>
                    "Opened "
                    <time datetime=detail.created_at.clone()>{time::short(&detail.created_at)}</time>
                </span>
            </p>
        </div>
        {detail.question.clone().map(|question| view! {
            <WaitingBanner number=number.clone() question comment/>
        })}
        <div class="request-layout">
            <section aria-labelledby="answers-heading" class="panel">
                <h2 id="answers-heading">"Details"</h2>
                <dl class="answers">
                    {answers
                        .into_iter()
                        .map(|line| view! { <dt>{line.label}</dt><dd><AnswerView value=line.value/></dd> })
                        .collect_view()}
                </dl>
                <p class="muted small">
                    {format!("Submitted with version {} of the “{}” form.", detail.item_version, detail.title)}
                </p>
            </section>
            <aside class="panel">
                {(detail.viewer_is_agent && detail.replied).then(|| view! {
                    <p class="reply-banner" role="status">
                        <span class="reply-tag">"Requester replied"</span>
                        " Answer them in Activity below."
                    </p>
                })}
                <ActionsPanel detail=detail.clone() change/>
                {(!detail.owners.is_empty()).then(|| view! { <OwnerPanel detail=detail.clone()/> })}
                <WatchToggle number=number.clone() watching=detail.watching/>
                {detail.requester_context.clone().map(|context| view! {
                    <super::requester::RequesterPanel context/>
                })}
            </aside>
        </div>
        <div class="request-layout-full">
            {(!detail.clocks.is_empty()).then(|| view! {
                <crate::sla::components::ClocksPanel clocks=detail.clocks.clone()/>
            })}
            {(detail.may_rate || detail.rating.is_some()).then(|| view! { <RatingPanel detail=detail.clone()/> })}
            {(!detail.approvals.is_empty()).then(|| view! { <ApprovalsPanel detail=detail.clone()/> })}
            {(detail.may_link || !detail.links.is_empty()).then(|| view! {
                <super::links::LinksPanel detail=detail.clone()/>
            })}
            {(!detail.tasks.is_empty()).then(|| view! {
                <crate::tasks::pages::TasksPanel
                    tasks=detail.tasks.clone()
                    destinations=detail.destinations.clone()
                    action=act
                    back=format!("/requests/{}", detail.id)
                />
            })}
        </div>
        <section aria-labelledby="timeline-heading" class="panel">
            <h2 id="timeline-heading">"Activity"</h2>
            <ol class="timeline">
                {detail.timeline.iter().cloned().map(|entry| view! { <TimelineItem entry/> }).collect_view()}
            </ol>
            {(!detail.templates.is_empty() || detail.viewer_administers).then(|| view! {
                <TemplatePicker detail=detail.clone()/>
            })}
            <CommentForm number=number viewer_is_agent=detail.viewer_is_agent draft=detail.reply_draft.clone() comment/>
        </section>
        {(!detail.audit.is_empty()).then(|| view! { <AuditTrail lines=detail.audit.clone()/> })}
    }
}

#[component]
fn ActionsPanel(detail: RequestDetail, change: ServerAction<ChangeRequestState>) -> impl IntoView {
    let error = move || change.value().get().and_then(Result::err);
    let state = detail.state;
    if detail.actions.is_empty() {
        return view! {
            <h2>"Status"</h2>
            <p class="muted">{format!("This request is {}.", detail.state.label().to_ascii_lowercase())}</p>
        }
            .into_any();
    }
    view! {
        <h2>"Actions"</h2>
        <ActionForm action=change attr:class="stack">
            <input type="hidden" name="number" value=detail.id.to_string()/>
            <input type="hidden" name="version" value=detail.version.to_string()/>
            <label for="state-note">
                {if detail.viewer_is_agent {
                    "Note to the requester (optional)"
                } else if detail.actions.contains(&RequestState::InFulfilment) {
                    "Reason (needed to reopen)"
                } else {
                    "Reason (optional)"
                }}
            </label>
            <textarea id="state-note" name="note" rows="3"></textarea>
            <div class="button-row">
                {detail
                    .actions
                    .iter()
                    .filter(|to| **to != RequestState::Cancelled)
                    .map(|to| view! {
                        <button type="submit" class="button" name="to" value=to.as_str()>
                            {to.action_label(state)}
                        </button>
                    })
                    .collect_view()}
            </div>
            // Cancelling cannot be undone: it asks first (a plain disclosure, no script needed).
            {detail.actions.contains(&RequestState::Cancelled).then(|| view! {
                <details class="confirm">
                    <summary class="button danger">"Cancel request…"</summary>
                    <p>"Cancelling stops all work on it and cannot be undone."</p>
                    <button type="submit" class="button danger" name="to" value=RequestState::Cancelled.as_str()>
                        "Yes, cancel it"
                    </button>
                </details>
            })}
            {move || error().map(|error| view! { <InlineError error/> })}
        </ActionForm>
    }
    .into_any()
}

/// For the requester of a request waiting on them: the question, and a reply box.
#[component]
fn WaitingBanner(
    number: String,
    question: crate::requests::model::Question,
    comment: ServerAction<AddComment>,
) -> impl IntoView {
    view! {
        <section class="waiting-banner" aria-labelledby="waiting-heading">
            <h2 id="waiting-heading">"Waiting on you"</h2>
            {match question.text {
                Some(text) => view! {
                    <p>{format!("{} asks:", question.asker)}</p>
                    <blockquote class="question">{text}</blockquote>
                }
                    .into_any(),
                None => view! {
                    <p>{format!("{} needs an answer from you to go on.", question.asker)}</p>
                }
                    .into_any(),
            }}
            <ActionForm action=comment attr:class="stack">
                <input type="hidden" name="number" value=number/>
                <label for="waiting-reply">"Your reply"</label>
                <textarea id="waiting-reply" name="body" rows="3" required></textarea>
                <button type="submit" class="button primary">"Send reply"</button>
            </ActionForm>
        </section>
    }
}

/// Who owns the request and how urgent it is, for those who work in its department.
#[component]
fn OwnerPanel(detail: RequestDetail) -> impl IntoView {
    let owner = expect_context::<ServerAction<SetRequestOwner>>();
    let priority = expect_context::<ServerAction<SetRequestPriority>>();
    let owner_error = move || owner.value().get().and_then(Result::err);
    let priority_error = move || priority.value().get().and_then(Result::err);
    let number = detail.id.to_string();
    let version = detail.version.to_string();
    let current = detail.priority;
    let (take_number, take_version) = (number.clone(), version.clone());
    let (give_number, give_version) = (number.clone(), version.clone());
    view! {
        <h2>"Owner and priority"</h2>
        <p>
            {match &detail.owner {
                Some(name) if detail.owner_is_viewer => format!("You own this request ({name})."),
                Some(name) => format!("{name} owns this request."),
                None => "Nobody owns this request yet.".to_owned(),
            }}
        </p>
        {(!detail.owner_is_viewer).then(|| view! {
            <ActionForm action=owner attr:class="inline-form">
                <input type="hidden" name="number" value=take_number/>
                <input type="hidden" name="version" value=take_version/>
                <input type="hidden" name="owner" value="me"/>
                <button type="submit" class="button primary">"Take it"</button>
            </ActionForm>
        })}
        <ActionForm action=owner attr:class="stack">
            <input type="hidden" name="number" value=give_number/>
            <input type="hidden" name="version" value=give_version/>
            <label for="owner-choice">"Give it to"</label>
            <select id="owner-choice" name="owner">
                <option value="nobody">"Nobody (back to the team)"</option>
                {detail
                    .owners
                    .iter()
                    .map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> })
                    .collect_view()}
            </select>
            <button type="submit" class="button">"Give"</button>
            {move || owner_error().map(|error| view! { <InlineError error/> })}
        </ActionForm>
        <ActionForm action=priority attr:class="stack">
            <input type="hidden" name="number" value=number/>
            <input type="hidden" name="version" value=version/>
            <label for="priority-choice">"Priority"</label>
            <select id="priority-choice" name="priority">
                {Priority::ALL
                    .into_iter()
                    .map(|p| view! { <option value=p.as_str() selected=p == current>{p.label()}</option> })
                    .collect_view()}
            </select>
            <button type="submit" class="button">"Set priority"</button>
            {move || priority_error().map(|error| view! { <InlineError error/> })}
        </ActionForm>
    }
}

#[component]
fn TimelineItem(entry: TimelineEntry) -> impl IntoView {
    let (class, body) = match entry.kind {
        TimelineKind::Created => ("event", view! { <p>"submitted the request"</p> }.into_any()),
        TimelineKind::StateChanged { from, to } => (
            "event",
            view! {
                <p>"changed the state from " <StateBadge state=from/> " to " <StateBadge state=to/></p>
            }
                .into_any(),
        ),
        TimelineKind::Approval { text }
        | TimelineKind::Task { text }
        | TimelineKind::Rated { text }
        | TimelineKind::Updated { text } => {
            ("event", view! { <p>{text}</p> }.into_any())
        }
        TimelineKind::Comment { body, internal, files } => (
            if internal { "comment internal" } else { "comment" },
            view! {
                {internal.then(|| view! { <span class="internal-tag">"Internal note"</span> })}
                <p class="comment-body">{body}</p>
                {(!files.is_empty()).then(|| view! {
                    <ul class="comment-files">
                        {files.into_iter().map(|f| view! {
                            <li>
                                <a class="file-link" href=f.href download=f.name.clone()>{f.name.clone()}</a>
                                <span class="muted small">{format!(" ({})", f.size)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                })}
            }
                .into_any(),
        ),
    };
    view! {
        <li class=class>
            <p class="timeline-head">
                <strong>{entry.actor}</strong>
                " · "
                <time datetime=entry.at.clone()>{time::short(&entry.at)}</time>
            </p>
            {body}
        </li>
    }
}

#[component]
fn CommentForm(
    number: String,
    viewer_is_agent: bool,
    draft: Option<String>,
    comment: ServerAction<AddComment>,
) -> impl IntoView {
    let error = move || comment.value().get().and_then(Result::err);
    let number_for_files = number.clone();
    let has_draft = draft.is_some();
    view! {
        <ActionForm action=comment attr:class="stack comment-form">
            <input type="hidden" name="number" value=number/>
            <label for="comment-body">"Add a comment"</label>
            <textarea id="comment-body" name="body" rows=if has_draft { "8" } else { "3" } required>{draft.unwrap_or_default()}</textarea>
            <CommentFiles number=number_for_files/>
            {move || error().map(|error| view! { <InlineError error/> })}
            {if viewer_is_agent {
                // Two separate acts: what the requester reads, and what only colleagues read.
                view! {
                    <div class="button-row">
                        <button type="submit" class="button primary" name="internal" value="false">
                            "Reply to requester"
                        </button>
                        <button type="submit" class="button note-button" name="internal" value="true">
                            "Internal note"
                        </button>
                    </div>
                    <p class="muted small">"An internal note is read only by those who work on the request."</p>
                }
                    .into_any()
            } else {
                view! { <button type="submit" class="button">"Comment"</button> }.into_any()
            }}
        </ActionForm>
    }
}

/// Puts one of the department's reply templates, filled in for this request, into the reply
/// box: a plain GET form (the page comes back with the text in the box), so it works without
/// JavaScript too.
#[component]
fn TemplatePicker(detail: RequestDetail) -> impl IntoView {
    view! {
        <form method="get" action=format!("/requests/{}#comment-body", detail.id) class="inline-form template-picker">
            {if detail.templates.is_empty() {
                view! { <span class="muted small">"No reply templates yet."</span> }.into_any()
            } else {
                view! {
                    <label for="template-choice">"Reply template"</label>
                    <select id="template-choice" name="template">
                        {detail.templates.iter().map(|t| view! {
                            <option value=t.id.to_string()>{t.name.clone()}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" class="button small">"Use"</button>
                }
                .into_any()
            }}
            {detail.viewer_administers.then(|| view! {
                <a class="small" href="/admin/templates">"Manage templates"</a>
            })}
        </form>
    }
}

/// One displayed answer: text, a file link, or a table of group rows.
#[component]
fn AnswerView(value: crate::requests::model::AnswerValue) -> impl IntoView {
    use crate::requests::model::AnswerValue;
    match value {
        AnswerValue::Text(text) => text.into_any(),
        AnswerValue::File { name, size, href } => view! {
            <a class="file-link" href=href download=name.clone()>{name.clone()}</a>
            <span class="muted small">{format!(" ({size})")}</span>
        }
        .into_any(),
        AnswerValue::Rows { columns, rows } => view! {
            <table class="answer-rows">
                <thead>
                    <tr>{columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}</tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| view! {
                            <tr>{row.into_iter().map(|cell| view! { <td>{cell_view(cell)}</td> }).collect_view()}</tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    }
}

fn cell_view(cell: crate::requests::model::AnswerValue) -> AnyView {
    use crate::requests::model::AnswerValue;
    match cell {
        AnswerValue::File { name, href, .. } => {
            view! { <a class="file-link" href=href download=name.clone()>{name.clone()}</a> }
                .into_any()
        }
        other => {
            // An empty cell stays empty (a text node would render as a space).
            let text = other.text();
            (!text.is_empty()).then_some(text).into_any()
        }
    }
}

/// Who was asked to approve, stage by stage, with their decisions; the viewer decides here
/// when one of them is theirs.
#[component]
fn ApprovalsPanel(detail: RequestDetail) -> impl IntoView {
    let decide = expect_context::<ServerAction<DecideApproval>>();
    let back = format!("/requests/{}", detail.id);
    view! {
        <section class="panel" aria-labelledby="approvals-heading">
            <h2 id="approvals-heading">"Approvals"</h2>
            {move || decide.value().get().and_then(Result::err).map(|error| view! { <InlineError error/> })}
            <table class="answer-rows approvals-table">
                <thead><tr>
                    <th scope="col">"Stage"</th><th scope="col">"Approver"</th>
                    <th scope="col">"Decision"</th><th scope="col">"Comment"</th>
                </tr></thead>
                <tbody>
                    {detail.approvals.iter().map(|line| view! {
                        <tr>
                            <td>{line.stage_name.clone()}</td>
                            <td>{line.approver.clone()}{line.on_behalf_of.clone().map(|away| format!(" (for {away})"))}</td>
                            <td><span class=format!("decision decision-{}", line.status.map_or("waiting", |v| v.as_str()))>{line.status.map_or("Waiting", |v| v.label())}</span></td>
                            <td>{line.comment.clone().unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {detail.approvals.iter().filter(|l| l.mine).map(|line| view! {
                <h3 class="small">{format!("Your decision: {}", line.stage_name)}</h3>
                <crate::approvals::pages::DecideForms approval_id=line.approval_id action=decide back=back.clone()/>
            }).collect_view()}
        </section>
    }
}

/// "How did we do?": the requester rates a resolved request once, 1 to 5, with a comment.
#[component]
fn RatingPanel(detail: RequestDetail) -> impl IntoView {
    let rate = expect_context::<ServerAction<RateRequest>>();
    let error = move || rate.value().get().and_then(Result::err);
    if let Some(rating) = detail.rating {
        return view! {
            <section class="panel" aria-labelledby="rating-heading">
                <h2 id="rating-heading">"Rating"</h2>
                <p>
                    <span class="stars" aria-hidden="true">{"★".repeat(rating.score.into())}{"☆".repeat(5 - usize::from(rating.score))}</span>
                    {format!(" {} out of 5", rating.score)}
                </p>
                {rating.comment.map(|c| view! { <p class="comment-body">{c}</p> })}
            </section>
        }
        .into_any();
    }
    const SCORES: [(u8, &str); 5] = [
        (1, "1 · poor"),
        (2, "2"),
        (3, "3"),
        (4, "4"),
        (5, "5 · excellent"),
    ];
    view! {
        <section class="panel" aria-labelledby="rating-heading">
            <h2 id="rating-heading">"How did we do?"</h2>
            <ActionForm action=rate attr:class="stack">
                <input type="hidden" name="number" value=detail.id.to_string()/>
                <fieldset class="rating-choices">
                    <legend>"Rate the service"</legend>
                    {SCORES.into_iter().map(|(score, label)| view! {
                        <label class="checkbox-label" for=format!("rating-{score}")>
                            <input id=format!("rating-{score}") type="radio" name="score" value=score.to_string() required/>
                            {format!(" {label}")}
                        </label>
                    }).collect_view()}
                </fieldset>
                <label for="rating-comment">"Anything to add? (optional)"</label>
                <textarea id="rating-comment" name="comment" rows="2" maxlength="10000"></textarea>
                {move || error().map(|error| view! { <InlineError error/> })}
                <div><button type="submit" class="button primary">"Send rating"</button></div>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// Follow a request: watchers hear of every comment and change.
#[component]
fn WatchToggle(number: String, watching: bool) -> impl IntoView {
    let watch = expect_context::<ServerAction<crate::notifications::api::WatchRequest>>();
    view! {
        <ActionForm action=watch attr:class="watch-form">
            <input type="hidden" name="number" value=number/>
            <input type="hidden" name="watch" value=(!watching).to_string()/>
            <button type="submit" class="button small">
                {if watching { "Stop watching" } else { "Watch this request" }}
            </button>
            <span class="small muted">
                {if watching { " You hear of every comment and change." } else { " Hear of every comment and change." }}
            </span>
        </ActionForm>
    }
}

/// Every change to the request, its approvals and tasks: who, what, when, before → after.
#[component]
fn AuditTrail(lines: Vec<crate::requests::model::AuditLine>) -> impl IntoView {
    let count = lines.len();
    view! {
        <details class="panel audit-trail">
            <summary><h2 class="inline-heading">{format!("Audit trail ({count} changes)")}</h2></summary>
            <table class="answer-rows">
                <thead><tr>
                    <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th>
                    <th scope="col">"Before"</th><th scope="col">"After"</th>
                </tr></thead>
                <tbody>
                    {lines.into_iter().map(|line| view! {
                        <tr>
                            <td><time datetime=line.at.clone()>{time::short(&line.at)}</time></td>
                            <td>{line.actor}</td>
                            <td>{line.what}</td>
                            <td>{line.before}</td>
                            <td>{line.after}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// Files for a comment: each is uploaded as soon as it is chosen (checked by content), and the
/// comment carries their tokens. Needs JavaScript, like every upload: an island inside the
/// server-rendered comment form, which posts the plain way.
#[cfg_attr(not(feature = "order-bundle"), island(lazy))]
#[cfg_attr(feature = "order-bundle", component)]
fn CommentFiles(number: String) -> impl IntoView {
    use crate::attachments::model::UploadedFile;
    let files = RwSignal::new(Vec::<UploadedFile>::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    crate::ui::island::hydrated();
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let input: leptos::web_sys::HtmlInputElement = event_target(&ev);
            let Some(list) = input.files() else {
                return;
            };
            let chosen: Vec<leptos::web_sys::File> =
                (0..list.length()).filter_map(|i| list.get(i)).collect();
            input.set_value("");
            let url = format!("/attachments?request={number}");
            busy.set(true);
            problem.set(None);
            leptos::task::spawn_local(async move {
                for file in chosen {
                    match crate::catalog::components::file_input::upload(&url, &file).await {
                        Ok(uploaded) => files.update(|f| f.push(uploaded)),
                        Err(message) => problem.set(Some(message)),
                    }
                }
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, &number);
    };
    view! {
        <div class="comment-attach">
            <label for="comment-files">"Attach files (optional)"</label>
            <input id="comment-files" type="file" multiple disabled=move || busy.get()
                aria-describedby="comment-files-status" on:change=on_change/>
            <input type="hidden" name="files"
                prop:value=move || files.with(|f| f.iter().map(|u| u.token.clone()).collect::<Vec<_>>().join(","))/>
            <p class="help" id="comment-files-status" role="status">
                {move || if busy.get() { "Uploading…".to_owned() } else { String::new() }}
            </p>
            <ul class="comment-files">
                {move || files.get().into_iter().map(|f| {
                    let token = f.token.clone();
                    view! {
                        <li>
                            {format!("{} ({})", f.name, crate::domain::files::human_size(f.size))}
                            <button type="button" class="link-button" aria-label=format!("Remove the file {}", f.name)
                                on:click=move |_| files.update(|all| all.retain(|u| u.token != token))>"Remove"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || problem.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
            <noscript><p class="help">"Attaching a file needs JavaScript."</p></noscript>
        </div>
    }
}
