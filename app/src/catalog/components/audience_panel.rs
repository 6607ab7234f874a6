//! "Who may order": everyone, members of chosen departments, or holders of chosen roles.
//! Takes effect at once.

use crate::auth::model::Role;
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
    // Loaded in the browser, where the designer works (see `History` in the designer page).
    let current = LocalResource::new(move || get_audience(slug.get_value()));
    let save = ServerAction::<SetAudience>::new();
    // "everyone", "departments" or "roles".
    let mode = RwSignal::new("everyone");
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let roles = RwSignal::new(BTreeSet::<Role>::new());
    Effect::new(move |_| match current.get() {
        Some(Ok(Audience::Departments { departments })) => {
            mode.set("departments");
            chosen.set(departments.into_iter().collect());
        }
        Some(Ok(Audience::Roles { roles: held })) => {
            mode.set("roles");
            roles.set(held.into_iter().collect());
        }
        _ => {}
    });
    let on_save = move |_| {
        let audience = match mode.get_untracked() {
            "departments" => Audience::Departments {
                departments: chosen.get_untracked().into_iter().collect(),
            },
            "roles" => Audience::Roles {
                roles: roles.get_untracked().into_iter().collect(),
            },
            _ => Audience::Everyone,
        };
        save.dispatch(SetAudience {
            slug: slug.get_value(),
            audience,
        });
    };
    let choice = move |value: &'static str, label: &'static str| {
        let id = format!("audience-{value}");
        let label_for = id.clone();
        view! {
            <label class="radio" for=label_for>
                <input id=id type="radio" name="audience" prop:checked=move || mode.get() == value on:change=move |_| mode.set(value)/>
                {label}
            </label>
        }
    };
    view! {
        <section class="panel" aria-labelledby="audience-heading">
            <h2 id="audience-heading">"Who may order"</h2>
            <div class="stack" role="radiogroup" aria-labelledby="audience-heading">
                {choice("everyone", "Everyone")}
                {choice("departments", "Only members of these departments")}
                <fieldset class="checkbox-group indent" disabled=move || mode.get() != "departments">
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
                {choice("roles", "Only people with one of these roles")}
                <fieldset class="checkbox-group indent" disabled=move || mode.get() != "roles">
                    <legend class="visually-hidden">"Roles"</legend>
                    {Role::ALL.into_iter().map(|role| {
                        let id = format!("audience-role-{}", role.as_str());
                        let label_for = id.clone();
                        view! {
                            <label class="checkbox-label" for=label_for>
                                <input id=id type="checkbox" prop:checked=move || roles.with(|r| r.contains(&role))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        roles.update(|r| { if on { r.insert(role); } else { r.remove(&role); } });
                                    }/>
                                {role.label()}
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
