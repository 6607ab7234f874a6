//! An item's catalog entry: name, icon, descriptions, category, team, delivery time, and
//! whether it is listed. Not versioned: it takes effect when saved.

use crate::catalog::admin_api::{get_admin_options, get_item_details, UpdateItemDetails};
use crate::catalog::model::ItemDetails;
use crate::ui::error_view::InlineError;
use leptos::prelude::*;

#[component]
pub fn ItemDetailsPanel(
    slug: String,
    /// Reloaded after each publish (publishing lists the item).
    publish: ServerAction<crate::catalog::admin_api::PublishItem>,
) -> impl IntoView {
    let slug = StoredValue::new(slug);
    // Loaded in the browser, where the designer works (see `History` in the designer page).
    let loaded = LocalResource::new(move || {
        publish.version().track();
        async move {
            let details = get_item_details(slug.get_value()).await?;
            let options = get_admin_options().await?;
            Ok::<_, crate::error::AppError>((details, options))
        }
    });
    let save = ServerAction::<UpdateItemDetails>::new();
    view! {
        <section class="panel" aria-labelledby="details-heading">
            <h2 id="details-heading">"Catalog entry"</h2>
            <p class="muted small">"How the item appears in the catalog. Changes apply when saved; they are not part of the form's versions."</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let (details, options) = match loaded.await {
                        Ok(found) => found,
                        Err(error) => return view! { <InlineError error/> }.into_any(),
                    };
                    let department = details.category.split_once('/').map(|(d, _)| d.to_owned()).unwrap_or_default();
                    let categories: Vec<(String, String)> = options.categories.iter()
                        .filter(|(d, _, _)| *d == department)
                        .map(|(d, slug, name)| (format!("{d}/{slug}"), name.clone()))
                        .collect();
                    let teams: Vec<(String, String)> = options.teams.iter()
                        .filter(|(d, _, _)| *d == department)
                        .map(|(_, slug, name)| (slug.clone(), name.clone()))
                        .collect();
                    let form = RwSignal::new(details);
                    let field = move |get: fn(&ItemDetails) -> String, set: fn(&mut ItemDetails, String)| {
                        (move || form.with(get), move |ev| form.update(|d| set(d, event_target_value(&ev))))
                    };
                    let (name, set_name) = field(|d| d.name.clone(), |d, v| d.name = v);
                    let (icon, set_icon) = field(|d| d.icon.clone(), |d, v| d.icon = v);
                    let (short, set_short) = field(|d| d.short_description.clone(), |d, v| d.short_description = v);
                    let (long, set_long) = field(|d| d.description.clone(), |d, v| d.description = v);
                    let (days, set_days) = field(|d| d.expected_days.to_string(), |d, v| d.expected_days = v.trim().parse().unwrap_or(-1));
                    let current_category = form.with_untracked(|d| d.category.clone());
                    let current_team = form.with_untracked(|d| d.team.clone());
                    view! {
                        <div class="editor-grid">
                            <label for="details-name">"Name"</label>
                            <input id="details-name" type="text" maxlength="120" prop:value=name on:input=set_name/>
                            <label for="details-icon">"Icon (an emoji)"</label>
                            <input id="details-icon" type="text" maxlength="8" prop:value=icon on:input=set_icon/>
                            <label for="details-short">"Short description"</label>
                            <input id="details-short" type="text" maxlength="300" prop:value=short on:input=set_short/>
                            <label for="details-description">"Description"</label>
                            <textarea id="details-description" rows="3" prop:value=long on:input=set_long></textarea>
                            <label for="details-category">"Category"</label>
                            <select id="details-category" on:change=move |ev| form.update(|d| d.category = event_target_value(&ev))>
                                {categories.into_iter().map(|(value, label)| {
                                    let selected = value == current_category;
                                    view! { <option value=value selected=selected>{label}</option> }
                                }).collect_view()}
                            </select>
                            <label for="details-team">"Fulfilled by"</label>
                            <select id="details-team" on:change=move |ev| form.update(|d| d.team = event_target_value(&ev))>
                                {teams.into_iter().map(|(value, label)| {
                                    let selected = value == current_team;
                                    view! { <option value=value selected=selected>{label}</option> }
                                }).collect_view()}
                            </select>
                            <label for="details-days">"Usual delivery (business days)"</label>
                            <input id="details-days" type="number" min="0" max="365" prop:value=days on:input=set_days/>
                        </div>
                        <label class="checkbox-label" for="details-active">
                            <input id="details-active" type="checkbox" prop:checked=move || form.with(|d| d.active)
                                on:change=move |ev| form.update(|d| d.active = event_target_checked(&ev))/>
                            " Listed in the catalog (untick to retire it; its requests stay)"
                        </label>
                        <label class="checkbox-label" for="details-confidential">
                            <input id="details-confidential" type="checkbox" prop:checked=move || form.with(|d| d.confidential)
                                on:change=move |ev| form.update(|d| d.confidential = event_target_checked(&ev))/>
                            " Confidential: its requests are read only by the requester, the person it is for, its approvers and those who fulfil it — not by leadership"
                        </label>
                        <label class="checkbox-label" for="details-general">
                            <input id="details-general" type="checkbox" prop:checked=move || form.with(|d| d.general)
                                on:change=move |ev| form.update(|d| d.general = event_target_checked(&ev))/>
                            " The department's general enquiry (offered when a search finds nothing)"
                        </label>
                        {move || save.value().get().map(|result| match result {
                            Ok(()) => view! { <p class="success" role="status">"Saved."</p> }.into_any(),
                            Err(error) => view! { <InlineError error/> }.into_any(),
                        })}
                        <button type="button" class="button" disabled=move || save.pending().get()
                            on:click=move |_| { save.dispatch(UpdateItemDetails { slug: slug.get_value(), details: form.get_untracked() }); }>
                            "Save catalog entry"
                        </button>
                    }
                    .into_any()
                })}
            </Suspense>
        </section>
    }
}
