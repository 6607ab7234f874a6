//! Creates a new catalog item in one of the admin's departments; its form is designed next.

use crate::catalog::admin_api::{get_admin_options, CreateCategory, CreateItem};
use crate::ui::error_view::InlineError;
use leptos::prelude::*;

#[component]
pub fn NewItemForm() -> impl IntoView {
    let new_category = ServerAction::<CreateCategory>::new();
    // A new category is offered at once.
    let options = Resource::new(
        move || new_category.version().get(),
        |_| get_admin_options(),
    );
    let create = ServerAction::<CreateItem>::new();
    view! {
        <section class="panel" aria-labelledby="new-item-heading">
            <h2 id="new-item-heading">"New item"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    options.await.ok().map(|o| {
                        let category_departments = o.departments.clone();
                        view! {
                        <ActionForm action=create attr:class="editor-grid">
                            <label for="new-name">"Name"</label>
                            <input id="new-name" name="item[name]" type="text" required placeholder="e.g. Parking permit for visitors"/>
                            <label for="new-department">"Department"</label>
                            <select id="new-department" name="item[department]">
                                {o.departments.iter().map(|(slug, name)| view! { <option value=slug.clone()>{name.clone()}</option> }).collect_view()}
                            </select>
                            <label for="new-category">"Category"</label>
                            <select id="new-category" name="item[category]">
                                {o.categories.iter().map(|(dept, slug, name)| {
                                    let department = o.departments.iter().find(|(d, _)| d == dept).map(|(_, n)| n.clone()).unwrap_or_default();
                                    view! { <option value=format!("{dept}/{slug}")>{format!("{department} · {name}")}</option> }
                                }).collect_view()}
                            </select>
                            <label for="new-team">"Fulfilled by"</label>
                            <select id="new-team" name="item[team]">
                                {o.teams.iter().map(|(dept, slug, name)| {
                                    let department = o.departments.iter().find(|(d, _)| d == dept).map(|(_, n)| n.clone()).unwrap_or_default();
                                    view! { <option value=slug.clone()>{format!("{department} · {name}")}</option> }
                                }).collect_view()}
                            </select>
                            <label for="new-icon">"Icon (an emoji)"</label>
                            <input id="new-icon" name="item[icon]" type="text" maxlength="8" placeholder="📦"/>
                            <label for="new-short">"Short description"</label>
                            <input id="new-short" name="item[short_description]" type="text" maxlength="300"/>
                            <span></span>
                            <div class="stack">
                                {move || create.value().get().and_then(Result::err).map(|error| view! { <InlineError error/> })}
                                <button type="submit" class="button primary">"Create and design"</button>
                            </div>
                        </ActionForm>
                        <h3 id="new-category-heading">"New category"</h3>
                        <ActionForm action=new_category attr:class="editor-grid" attr:aria-labelledby="new-category-heading">
                            <label for="category-department">"Department"</label>
                            <select id="category-department" name="category[department]">
                                {category_departments.into_iter().map(|(slug, name)| view! { <option value=slug>{name}</option> }).collect_view()}
                            </select>
                            <label for="category-name">"Category name"</label>
                            <input id="category-name" name="category[name]" type="text" required maxlength="120" placeholder="e.g. Wellbeing"/>
                            <span></span>
                            <div class="stack">
                                {move || new_category.value().get().and_then(Result::err).map(|error| view! { <InlineError error/> })}
                                <button type="submit" class="button">"Add category"</button>
                            </div>
                        </ActionForm>
                    }})
                })}
            </Suspense>
        </section>
    }
}
