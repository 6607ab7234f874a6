//! "Who may order": everyone, or members of chosen departments. Takes effect at once.

use crate::catalog::admin_api::{get_audience, SetAudience};
use crate::catalog::model::Audience;
use crate::domain::form::SelectOption;
use crate::ui::error_view::InlineError;
use leptos::prelude::*;
use std::collections::BTreeSet;

#[component]
pub fn AudiencePanel(slug: String, departments: Vec<SelectOption>) -> impl IntoView {
    let slug = StoredValue::new(slug);
    let departments = StoredValue::new(departments);
    let current = Resource::new(|| (), move |_| get_audience(slug.get_value()));
    let save = ServerAction::<SetAudience>::new();
    let only = RwSignal::new(false);
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    Effect::new(move |_| {
        if let Some(Ok(Audience::Departments { departments })) = current.get() {
            only.set(true);
            chosen.set(departments.into_iter().collect());
        }
    });
    let on_save = move |_| {
        let audience = if only.get_untracked() {
            Audience::Departments {
                departments: chosen.get_untracked().into_iter().collect(),
            }
        } else {
            Audience::Everyone
        };
        save.dispatch(SetAudience {
            slug: slug.get_value(),
            audience,
        });
    };
    view! {
        <section class="panel" aria-labelledby="audience-heading">
            <h2 id="audience-heading">"Who may order"</h2>
            <div class="stack" role="radiogroup" aria-labelledby="audience-heading">
                <label class="radio" for="audience-everyone">
                    <input id="audience-everyone" type="radio" name="audience" prop:checked=move || !only.get() on:change=move |_| only.set(false)/>
                    "Everyone"
                </label>
                <label class="radio" for="audience-departments">
                    <input id="audience-departments" type="radio" name="audience" prop:checked=move || only.get() on:change=move |_| only.set(true)/>
                    "Only members of these departments"
                </label>
                <fieldset class="checkbox-group indent" disabled=move || !only.get()>
                    <legend class="visually-hidden">"Departments"</legend>
                    {departments.get_value().into_iter().map(|d| {
                        let value = d.value.clone();
                        let toggle = d.value.clone();
                        let id = format!("audience-{}", d.value);
                        let label_for = id.clone();
                        view! {
                            <label class="checkbox-label" for=label_for>
                                <input id=id type="checkbox" prop:checked=move || chosen.with(|c| c.contains(&value))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| { if on { c.insert(toggle.clone()); } else { c.remove(&toggle); } });
                                    }/>
                                {d.label}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                {move || save.value().get().map(|result| match result {
                    Ok(()) => view! { <p class="success" role="status">"Saved. It applies at once."</p> }.into_any(),
                    Err(error) => view! { <InlineError error/> }.into_any(),
                })}
                <button type="button" class="button" on:click=on_save>"Save who may order"</button>
            </div>
        </section>
    }
}
