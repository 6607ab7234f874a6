//! The task queue (`/tasks`), and the task cards also shown on a request's page.

use super::api::{list_tasks, ActOnTask, SetTeamAssignment};
use super::model::{QueueFilter, TaskView, TeamOption, TeamSetting};
use crate::domain::tasks::{Assignment, TaskState};
use crate::ui::error_view::{ErrorView, InlineError};
use crate::ui::time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Hidden fields every task form carries.
#[component]
fn TaskFormHidden(task: i64, version: i32, action: &'static str, back: String) -> impl IntoView {
    view! {
        <input type="hidden" name="task_id" value=task.to_string()/>
        <input type="hidden" name="version" value=version.to_string()/>
        <input type="hidden" name="action" value=action/>
        <input type="hidden" name="back" value=back/>
    }
}

/// The outcome of the last task action, as a status line.
#[component]
pub fn TaskMessage(action: ServerAction<ActOnTask>) -> impl IntoView {
    move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| view! { <InlineError error/> })
    }
}

/// One task: what, who, by when, and the actions the viewer may take.
#[component]
pub fn TaskCard(
    task: TaskView,
    destinations: Vec<TeamOption>,
    action: ServerAction<ActOnTask>,
    /// Where a browser without JavaScript returns.
    back: String,
    /// Show which request the task belongs to (in the queue).
    show_request: bool,
) -> impl IntoView {
    let id = task.id;
    let version = task.version;
    let number = task.request.to_string();
    let state_class = format!("task-state task-{}", task.state.as_str());
    let open = task.state == TaskState::Open;
    let take = task.may_work && !task.assigned_to_me;
    // Done by whoever has it: someone else's task is taken over first.
    let complete = task.may_work && open && (task.assigned_to_me || task.assignee.is_none());
    let take_text = if task.assignee.is_some() {
        "Take over"
    } else {
        "Take"
    };
    let route = task.may_route;
    let members = task.members.clone();
    let (b1, b2, b3, b4) = (back.clone(), back.clone(), back.clone(), back);
    let title = task.title.clone();
    let done_label = format!("Mark “{}” done", task.title);
    view! {
        <li class="panel task-card" class:overdue=task.overdue aria-label=format!("Task: {}", task.title)>
            <div class="task-head">
                <div>
                    {show_request.then(|| view! {
                        <p class="request-number">
                            <a href=format!("/requests/{number}")>{number.clone()}</a>
                            {format!(" · {}", task.request_title)}
                        </p>
                    })}
                    <h3>{task.title.clone()}</h3>
                </div>
                <span class=state_class>{task.state.label()}</span>
            </div>
            <p class="request-meta">
                <span>{task.team.clone()}</span>
                <span>{match &task.assignee {
                    Some(name) => format!("Assigned to {name}"),
                    None => "Unassigned".to_owned(),
                }}</span>
                {task.due_at.clone().filter(|_| open).map(|due| view! {
                    <span class:overdue-text=task.overdue>
                        {if task.overdue { "Overdue since " } else { "Due " }}
                        <time datetime=due.clone()>{time::short(&due)}</time>
                    </span>
                })}
                {task.completed_at.clone().map(|at| view! {
                    <span>
                        {format!("Done by {} ", task.completed_by.clone().unwrap_or_default())}
                        <time datetime=at.clone()>{time::short(&at)}</time>
                    </span>
                })}
                {(!task.waits_for.is_empty()).then(|| view! {
                    <span>{format!("Starts after {}", task.waits_for.join(" and "))}</span>
                })}
            </p>
            {(!task.instructions.is_empty()).then(|| view! {
                <p class="task-instructions">{task.instructions.clone()}</p>
            })}
            <div class="task-actions">
                {take.then(|| view! {
                    <ActionForm action=action attr:class="inline-form">
                        <TaskFormHidden task=id version action="take" back=b1.clone()/>
                        <button type="submit" class="button small" aria-label=format!("Take “{title}”")>{take_text}</button>
                    </ActionForm>
                })}
                {complete.then(|| view! {
                    <ActionForm action=action attr:class="inline-form">
                        <TaskFormHidden task=id version action="complete" back=b2.clone()/>
                        <label class="visually-hidden" for=format!("task-{id}-note")>"Note (optional)"</label>
                        <input id=format!("task-{id}-note") type="text" name="note" maxlength="2000" placeholder="Note (optional)"/>
                        <button type="submit" class="button primary small" aria-label=done_label.clone()>"Mark done"</button>
                    </ActionForm>
                })}
                {route.then(|| view! {
                    <details class="task-route">
                        <summary>"Assign or send to another team"</summary>
                        {(!members.is_empty()).then(|| view! {
                            <ActionForm action=action attr:class="inline-form">
                                <TaskFormHidden task=id version action="assign" back=b3.clone()/>
                                <label for=format!("task-{id}-assignee")>"Assign to"</label>
                                <select id=format!("task-{id}-assignee") name="to">
                                    {members.iter().map(|(uid, name)| view! {
                                        <option value=uid.to_string()>{name.clone()}</option>
                                    }).collect_view()}
                                </select>
                                <button type="submit" class="button small">"Assign"</button>
                            </ActionForm>
                        })}
                        <ActionForm action=action attr:class="editor-grid">
                            <TaskFormHidden task=id version action="reassign" back=b4.clone()/>
                            <label for=format!("task-{id}-team")>"Team"</label>
                            <select id=format!("task-{id}-team") name="to" required>
                                <option value="">"Choose a team…"</option>
                                {destinations.iter().filter(|t| t.label != task.team).map(|t| view! {
                                    <option value=t.path.clone()>{t.label.clone()}</option>
                                }).collect_view()}
                            </select>
                            <label for=format!("task-{id}-reason")>"Why"</label>
                            <input id=format!("task-{id}-reason") type="text" name="note" maxlength="2000" required/>
                            <span></span>
                            <div><button type="submit" class="button small">"Send to that team"</button></div>
                        </ActionForm>
                    </details>
                })}
            </div>
        </li>
    }
}

/// The request page's fulfilment section.
#[component]
pub fn TasksPanel(
    tasks: Vec<TaskView>,
    destinations: Vec<TeamOption>,
    action: ServerAction<ActOnTask>,
    back: String,
) -> impl IntoView {
    let done = tasks.iter().filter(|t| t.state == TaskState::Done).count();
    let total = tasks.len();
    view! {
        <section class="panel" id="tasks" aria-labelledby="tasks-heading">
            <h2 id="tasks-heading">"Fulfilment"</h2>
            <p class="muted small">{format!("{done} of {total} tasks done. The request resolves when the last one is done.")}</p>
            <TaskMessage action/>
            <ol class="task-list">
                {tasks.into_iter().map(|task| view! {
                    <TaskCard task destinations=destinations.clone() action back=back.clone() show_request=false/>
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
pub fn TasksPage() -> impl IntoView {
    let query = use_query_map();
    let show = Memo::new(move |_| query.read().get("show"));
    let act = ServerAction::<ActOnTask>::new();
    let set_rule = ServerAction::<SetTeamAssignment>::new();
    let queue = Resource::new(
        move || (show.get(), act.version().get(), set_rule.version().get()),
        |(show, _, _)| list_tasks(show),
    );
    let current = move || QueueFilter::from_query(show.get().as_deref());
    view! {
        <Title text="Tasks"/>
        <div class="page-head">
            <h1>"Tasks"</h1>
            <nav aria-label="Which tasks" class="filter-links">
                {QueueFilter::ALL.into_iter().map(|f| view! {
                    <a href=format!("/tasks?show={}", f.as_query())
                        aria-current=move || (current() == f).then_some("page")>{f.label()}</a>
                }).collect_view()}
            </nav>
        </div>
        <TaskMessage action=act/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let back = format!("/tasks?show={}", current().as_query());
                match queue.await {
                    Ok(queue) => {
                        let teams = queue.teams.clone();
                        view! {
                            {if queue.tasks.is_empty() {
                                view! { <p class="muted">"No tasks here. Tasks of your teams appear when a request needs them."</p> }.into_any()
                            } else {
                                view! {
                                    <ol class="task-list">
                                        {queue.tasks.into_iter().map(|task| view! {
                                            <TaskCard task destinations=queue.destinations.clone() action=act back=back.clone() show_request=true/>
                                        }).collect_view()}
                                    </ol>
                                }.into_any()
                            }}
                            <TeamSettings teams action=set_rule/>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// How each of the viewer's teams hands out tasks; department admins change it here.
#[component]
fn TeamSettings(teams: Vec<TeamSetting>, action: ServerAction<SetTeamAssignment>) -> impl IntoView {
    if teams.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="panel" aria-labelledby="teams-heading">
            <h2 id="teams-heading">"How teams assign tasks"</h2>
            {move || action.value().get().and_then(Result::err).map(|error| view! { <InlineError error/> })}
            <ul class="team-settings">
                {teams.into_iter().map(|team| {
                    let field = format!("team-{}-assignment", team.id);
                    if team.may_edit {
                        view! {
                            <li>
                                <ActionForm action attr:class="inline-form">
                                    <input type="hidden" name="team_id" value=team.id.to_string()/>
                                    <label for=field.clone()>{team.label.clone()}</label>
                                    <select id=field name="assignment">
                                        {Assignment::ALL.into_iter().map(|a| view! {
                                            <option value=a.as_str() selected=a == team.assignment>{a.label()}</option>
                                        }).collect_view()}
                                    </select>
                                    <button type="submit" class="button small">"Save"</button>
                                </ActionForm>
                            </li>
                        }.into_any()
                    } else {
                        view! { <li>{format!("{}: {}", team.label, team.assignment.label())}</li> }.into_any()
                    }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}
