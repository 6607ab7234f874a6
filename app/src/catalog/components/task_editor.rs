//! Edits an item's fulfilment plan: the tasks, the team of any department doing each, what
//! they must do, which tasks come first, and how long each may take.

use crate::domain::definition::ItemDefinition;
use crate::domain::tasks::{fresh_key, TaskDef};
use crate::tasks::model::TeamOption;
use leptos::prelude::*;

#[component]
pub fn TaskEditor(
    index: usize,
    definition: RwSignal<ItemDefinition>,
    teams: Vec<TeamOption>,
) -> impl IntoView {
    let task = Memo::new(move |_| definition.with(|d| d.tasks.get(index).cloned()));
    let edit = move |change: Box<dyn Fn(&mut TaskDef)>| edit_task(definition, index, change);
    let id = move |part: &str| format!("t{index}-{part}");
    let move_by = move |delta: isize| {
        definition.update(|d| {
            let to = index as isize + delta;
            if to >= 0 && (to as usize) < d.tasks.len() {
                d.tasks.swap(index, to as usize);
            }
        })
    };
    let remove = move |_| {
        definition.update(|d| {
            if index < d.tasks.len() {
                let gone = d.tasks.remove(index).key;
                // Nothing waits for a task that is no longer there.
                for t in &mut d.tasks {
                    t.after.retain(|k| k != &gone);
                }
            }
        })
    };
    view! {
        <li class="field-editor">
            {move || task.get().map(|t| {
                let teams = teams.clone();
                let after = t.after.clone();
                view! {
                    <div class="field-editor-head">
                        <strong>{format!("Task {}", index + 1)}</strong>
                        <div class="button-row">
                            <button type="button" class="button small" aria-label=format!("Move task {} up", index + 1)
                                disabled=index == 0 on:click=move |_| move_by(-1)>"↑"</button>
                            <button type="button" class="button small" aria-label=format!("Move task {} down", index + 1)
                                on:click=move |_| move_by(1)>"↓"</button>
                            <button type="button" class="button small danger" aria-label=format!("Remove task {}", index + 1)
                                on:click=remove>"Remove"</button>
                        </div>
                    </div>
                    <div class="editor-grid">
                        <label for=id("title")>"Title"</label>
                        <input id=id("title") type="text" maxlength="120" prop:value=t.title.clone()
                            on:change=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |t| t.title = v.clone())) }/>
                        <label for=id("team")>"Team"</label>
                        <select id=id("team") on:change=move |ev| {
                            let v = event_target_value(&ev);
                            edit(Box::new(move |t| t.team = v.clone()))
                        }>
                            <option value="" selected=t.team.is_empty()>"Choose a team…"</option>
                            {teams.into_iter().map(|team| {
                                let selected = team.path == t.team;
                                view! { <option value=team.path selected=selected>{team.label}</option> }
                            }).collect_view()}
                        </select>
                        <label for=id("hours")>"Target (hours)"</label>
                        <input id=id("hours") type="number" min="1" max="8760" prop:value=t.target_hours.to_string()
                            on:change=move |ev| {
                                let hours: u32 = event_target_value(&ev).trim().parse().unwrap_or(0);
                                edit(Box::new(move |t| t.target_hours = hours))
                            }/>
                        <label for=id("instructions")>"Instructions"</label>
                        <textarea id=id("instructions") rows="2" maxlength="4000" prop:value=t.instructions.clone()
                            on:change=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |t| t.instructions = v.clone())) }></textarea>
                    </div>
                    <Predecessors definition index after/>
                }
            })}
        </li>
    }
}

fn edit_task(
    definition: RwSignal<ItemDefinition>,
    index: usize,
    change: Box<dyn Fn(&mut TaskDef)>,
) {
    definition.update(|d| {
        if let Some(t) = d.tasks.get_mut(index) {
            change(t);
        }
    })
}

/// The tasks this one starts after, chosen among the plan's other tasks.
#[component]
fn Predecessors(
    definition: RwSignal<ItemDefinition>,
    index: usize,
    after: Vec<String>,
) -> impl IntoView {
    let edit = move |change: Box<dyn Fn(&mut TaskDef)>| edit_task(definition, index, change);
    let id = move |part: &str| format!("t{index}-{part}");
    let others = move || {
        definition.with(|d| {
            d.tasks
                .iter()
                .enumerate()
                .filter(|(n, _)| *n != index)
                .map(|(_, t)| (t.key.clone(), t.title.clone()))
                .collect::<Vec<_>>()
        })
    };
    {
        move || {
            let choices = others();
            (!choices.is_empty()).then(|| {
                let after = after.clone();
                view! {
                    <fieldset class="checkbox-group">
                        <legend class="small">"Starts after"</legend>
                        {choices.into_iter().map(|(key, title)| {
                            let checked = after.contains(&key);
                            let box_id = id(&format!("after-{key}"));
                            let label_for = box_id.clone();
                            let k = key.clone();
                            view! {
                                <label class="checkbox-label" for=label_for>
                                    <input id=box_id type="checkbox" checked=checked on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let k = k.clone();
                                        edit(Box::new(move |t| {
                                            t.after.retain(|a| a != &k);
                                            if on { t.after.push(k.clone()); }
                                        }))
                                    }/>
                                    {format!(" {title}")}
                                </label>
                            }
                        }).collect_view()}
                        <p class="muted small">"None ticked: it opens as soon as the request is approved. Tasks with the same predecessors run in parallel."</p>
                    </fieldset>
                }
            })
        }
    }
}

/// The fulfilment plan's part of the designer.
#[component]
pub fn TasksSection(definition: RwSignal<ItemDefinition>, teams: Vec<TeamOption>) -> impl IntoView {
    view! {
        <h2>"Fulfilment tasks"</h2>
        <p class="muted small">"Once approved, each task goes to its team's queue when the tasks it starts after are done; the request resolves when all are done. None: the department works the request as a whole."</p>
        <ol class="editor-list">
            <For each=move || 0..definition.with(|d| d.tasks.len()) key=|i| *i let:index>
                <TaskEditor index definition teams=teams.clone()/>
            </For>
        </ol>
        <button type="button" class="button" on:click=move |_| definition.update(|d| {
            let key = fresh_key(&d.tasks);
            let after = d.tasks.last().map(|t| vec![t.key.clone()]).unwrap_or_default();
            d.tasks.push(TaskDef {
                key,
                title: String::new(),
                team: String::new(),
                instructions: String::new(),
                after,
                target_hours: 24,
            });
        })>"Add task"</button>
    }
    .into_any()
}
