//! The catalog item designer: fields and rules on the left, the live preview on the right.

use crate::catalog::admin_api::{
    compare_versions, get_draft, item_history, PublishItem, SaveDraft,
};
use crate::catalog::components::field_editor::{field_types, FieldEditor};
use crate::catalog::components::form_preview::FormPreview;
use crate::catalog::components::rule_editor::RuleEditor;
use crate::catalog::model::DraftView;
use crate::domain::definition::ItemDefinition;
use crate::domain::form::FieldDef;
use crate::domain::rules::{kind_name, Condition, Effect as RuleEffect, FieldTest, Op, Rule};
use crate::error::AppError;
use crate::ui::error_view::{ErrorView, InlineError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn DesignerPage() -> impl IntoView {
    let params = use_params_map();
    let draft = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        get_draft,
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match draft.await {
                    Ok(draft) => {
                        let slug = draft.slug.clone();
                        view! {
                            <Title text=format!("Design {}", draft.name)/>
                            <Designer draft/>
                            <crate::sla::components::ItemServiceLevels slug/>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The designer, live in the browser: an island with everything it edits in its props.
#[cfg_attr(not(feature = "order-bundle"), island(lazy))]
#[cfg_attr(feature = "order-bundle", component)]
fn Designer(draft: DraftView) -> impl IntoView {
    crate::ui::island::hydrated();
    let slug = StoredValue::new(draft.slug.clone());
    let definition = RwSignal::new(draft.definition.clone());
    let saved = RwSignal::new(draft.definition.clone());
    let draft_version = RwSignal::new(draft.draft_version);
    let has_draft = RwSignal::new(draft.draft_version.is_some());
    let published_version = RwSignal::new(draft.published_version);
    let published = RwSignal::new(draft.published.clone());
    let save = ServerAction::<SaveDraft>::new();
    let publish = ServerAction::<PublishItem>::new();

    Effect::new(move |_| {
        if let Some(Ok(version)) = save.value().get() {
            draft_version.set(Some(version));
            has_draft.set(true);
            saved.set(
                save.input()
                    .get_untracked()
                    .map(|i| i.definition)
                    .unwrap_or_else(|| definition.get_untracked()),
            );
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(version)) = publish.value().get() {
            draft_version.set(None);
            has_draft.set(false);
            published_version.set(Some(version));
            published.set(Some(saved.get_untracked()));
        }
    });
    let on_save = Callback::new(move |()| {
        save.dispatch(SaveDraft {
            slug: slug.get_value(),
            definition: definition.get_untracked(),
            expected: draft_version.get_untracked(),
        });
    });
    let on_publish = Callback::new(move |()| {
        publish.dispatch(PublishItem {
            slug: slug.get_value(),
        });
    });
    let form = Signal::derive(move || definition.with(|d| d.form.clone()));
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/admin/catalog">"Catalog admin"</a>" › "{draft.department.clone()}</nav>
        <div class="page-head">
            <h1>{format!("Design “{}”", draft.name)}</h1>
            <p class="muted">{move || match (has_draft.get(), published_version.get()) {
                (true, Some(v)) => format!("Draft based on version {v}"),
                (true, None) => "Draft, never published".to_owned(),
                (false, Some(v)) => format!("Showing published version {v}"),
                (false, None) => "Not published yet".to_owned(),
            }}</p>
        </div>
        {view! { <div class="designer-layout">
            <section class="panel" aria-labelledby="fields-heading">
                <FieldsAndRules definition/>
                <crate::catalog::components::approval_editor::ApprovalsSection definition/>
                <crate::catalog::components::task_editor::TasksSection definition teams=draft.teams.clone()/>
            </section>
            <section class="panel preview-panel" aria-labelledby="preview-heading">
                <h2 id="preview-heading">"Preview"</h2>
                <p class="muted small">"Exactly what employees will see. Try it: the rules are live."</p>
                <FormPreview definition=form departments=draft.departments.clone()/>
            </section>
        </div> }.into_any()}
        <SaveBar definition saved has_draft save publish on_save on_publish published published_version/>
        <crate::catalog::components::item_details_panel::ItemDetailsPanel slug=draft.slug.clone() publish/>
        <crate::catalog::components::audience_panel::AudiencePanel
            slug=draft.slug.clone()
            departments=draft.departments.clone()
        />
        <History slug=draft.slug.clone() publish/>
    }
}

/// The form's fields and rules, each with its editor, and buttons to add more.
#[component]
fn FieldsAndRules(definition: RwSignal<ItemDefinition>) -> impl IntoView {
    let new_kind = RwSignal::new("short text".to_owned());
    let add_field = move |_| {
        let kind = field_types()
            .into_iter()
            .find(|k| kind_name(k) == new_kind.get_untracked());
        definition.update(|d| {
            let n = d.form.fields.len() + 1;
            d.form.fields.push(FieldDef::new(
                &format!("field_{n}"),
                &format!("Field {n}"),
                kind.unwrap_or(crate::domain::form::FieldKind::ShortText {
                    pattern: None,
                    min_length: None,
                    max_length: None,
                }),
                false,
            ))
        })
    };
    let add_rule = move |_| {
        definition.update(|d| {
            let (Some(first), Some(last)) = (d.form.fields.first(), d.form.fields.last()) else {
                return;
            };
            let rule = Rule {
                when: Condition::Field(FieldTest {
                    field: first.key.clone(),
                    op: Op::IsNotEmpty,
                    value: None,
                }),
                then: vec![RuleEffect::Show {
                    field: last.key.clone(),
                }],
            };
            d.form.rules.push(rule);
        })
    };
    view! {
        <h2 id="fields-heading">"Fields"</h2>
        <ol class="editor-list">
            <For each=move || 0..definition.with(|d| d.form.fields.len()) key=|i| *i let:index>
                <FieldEditor index definition/>
            </For>
        </ol>
        <div class="button-row">
            <label for="new-field-type" class="visually-hidden">"Type of the new field"</label>
            <select id="new-field-type" on:change=move |ev| new_kind.set(event_target_value(&ev))>
                {field_types().into_iter().map(|k| view! { <option value=kind_name(&k)>{kind_name(&k)}</option> }).collect_view()}
            </select>
            <button type="button" class="button" on:click=add_field>"Add field"</button>
        </div>
        <h2>"Rules"</h2>
        <p class="muted small">"A field with a “show” rule stays hidden until the rule holds. Hidden answers are never stored."</p>
        <ol class="editor-list">
            <For each=move || 0..definition.with(|d| d.form.rules.len()) key=|i| *i let:index>
                <RuleEditor index definition/>
            </For>
        </ol>
        <button type="button" class="button" on:click=add_rule>"Add rule"</button>
    }
}

/// What stops the draft from being saved, what the server said, and the save and publish
/// buttons.
#[component]
fn SaveBar(
    definition: RwSignal<ItemDefinition>,
    saved: RwSignal<ItemDefinition>,
    has_draft: RwSignal<bool>,
    save: ServerAction<SaveDraft>,
    publish: ServerAction<PublishItem>,
    on_save: Callback<()>,
    on_publish: Callback<()>,
    published: RwSignal<Option<ItemDefinition>>,
    published_version: RwSignal<Option<i32>>,
) -> impl IntoView {
    // Publishing asks first, and says what the new version changes.
    let confirming = RwSignal::new(false);
    let changes = move || {
        saved.with(|new| match published.get() {
            Some(old) => crate::domain::diff::describe_changes(&old, new),
            None => vec![
                "The first version: employees can order the item once it is published.".to_owned(),
            ],
        })
    };
    let problems = Memo::new(move |_| definition.with(|d| d.check().err().unwrap_or_default()));
    let dirty = move || definition.with(|d| saved.with(|s| d != s));
    let error = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .or_else(|| publish.value().get().and_then(Result::err))
    };
    view! {
        <section class="panel save-bar" aria-label="Save and publish">
            {move || {
                let problems = problems.get();
                (!problems.is_empty()).then(|| view! {
                    <div class="form-summary" role="alert">
                        <p>"Fix these before saving:"</p>
                        <ul>{problems.into_iter().map(|p| view! { <li>{format!("{}: {}", p.at, p.message)}</li> }).collect_view()}</ul>
                    </div>
                })
            }}
            {move || error().map(|error| match error {
                AppError::InvalidDefinition(list) => view! {
                    <div class="form-summary" role="alert"><ul>{list.into_iter().map(|p| view! { <li>{p.message}</li> }).collect_view()}</ul></div>
                }.into_any(),
                other => view! { <InlineError error=other/> }.into_any(),
            })}
            {move || publish.value().get().and_then(Result::ok).map(|v| view! { <p class="success" role="status">{format!("Published version {v}. New requests use it; earlier requests keep theirs.")}</p> })}
            <div class="button-row">
                <button type="button" class="button" on:click=move |_| on_save.run(()) disabled=move || !dirty() || save.pending().get()>
                    {move || if dirty() { "Save draft" } else { "Saved" }}
                </button>
                <button type="button" class="button primary" on:click=move |_| confirming.set(true)
                    disabled=move || dirty() || !has_draft.get() || publish.pending().get() || confirming.get()
                    title=move || if dirty() { "Save the draft first" } else { "" }>
                    "Publish…"
                </button>
            </div>
            {move || confirming.get().then(|| {
                let next = published_version.get().map_or(1, |v| v + 1);
                let lines = changes();
                view! {
                    <div class="publish-confirm" role="group" aria-labelledby="publish-confirm-heading">
                        <h3 id="publish-confirm-heading">{format!("Publish version {next}?")}</h3>
                        <p class="small muted">"New requests use it; requests already made keep their version."</p>
                        {if lines.is_empty() {
                            view! { <p>"It changes nothing in the form, approvals or tasks."</p> }.into_any()
                        } else {
                            view! { <ul class="change-list">{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul> }.into_any()
                        }}
                        <div class="button-row">
                            <button type="button" class="button primary" on:click=move |_| { confirming.set(false); on_publish.run(()) }>
                                {format!("Publish version {next}")}
                            </button>
                            <button type="button" class="button" on:click=move |_| confirming.set(false)>"Not yet"</button>
                        </div>
                    </div>
                }
            })}
        </section>
    }
}

#[component]
fn History(slug: String, publish: ServerAction<PublishItem>) -> impl IntoView {
    let slug = StoredValue::new(slug);
    // Loaded in the browser (the designer is an island and works only there), again after
    // each publish. (A resource inside a lazy island could run on the server after the page's
    // context was gone.)
    let versions = LocalResource::new(move || {
        publish.version().track();
        item_history(slug.get_value())
    });
    let diff = RwSignal::new(None::<(i32, Vec<String>)>);
    let compare = move |to: i32| {
        leptos::task::spawn_local(async move {
            if let Ok(lines) = compare_versions(slug.get_value(), to - 1, to).await {
                diff.set(Some((to, lines)));
            }
        });
    };
    view! {
        <section class="panel" aria-labelledby="history-heading">
            <h2 id="history-heading">"Version history"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    versions.await.ok().map(|list| view! {
                        <ol class="history">
                            {list.into_iter().map(|v| view! {
                                <li>
                                    {format!("Version {} · {} fields, {} rules · {} · {}", v.version, v.fields, v.rules, v.published_by, crate::ui::time::short(&v.published_at))}
                                    {(v.version > 1).then(|| view! {
                                        <button type="button" class="link-button" on:click=move |_| compare(v.version)>
                                            {format!("What changed in v{}", v.version)}
                                        </button>
                                    })}
                                </li>
                            }).collect_view()}
                        </ol>
                    })
                })}
            </Suspense>
            {move || diff.get().map(|(to, lines)| view! {
                <div class="diff" role="status">
                    <h3>{format!("Version {} → {}", to - 1, to)}</h3>
                    <ul>{if lines.is_empty() { vec!["No changes to the form.".to_owned()] } else { lines }.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                </div>
            })}
        </section>
    }
}
