//! The department admin's catalog: their items, with design and export, and an import form.

use crate::catalog::admin_api::{list_admin_items, ImportItem};
use crate::ui::error_view::{ErrorView, InlineError};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminCatalogPage() -> impl IntoView {
    let items = Resource::new(|| (), |_| list_admin_items());
    let import = ServerAction::<ImportItem>::new();
    view! {
        <Title text="Catalog admin"/>
        <div class="page-head">
            <h1>"Catalog admin"</h1>
            <p>
                <a href="/admin/templates">"Reply templates"</a>" your agents use · "
                <a href="/admin/calendars">"Business calendars"</a>" your service levels count on"
            </p>
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match items.await {
                    Ok(items) => view! {
                        <table class="request-table">
                            <thead><tr>
                                <th scope="col">"Item"</th><th scope="col">"Department"</th><th scope="col">"Category"</th>
                                <th scope="col">"Published"</th><th scope="col">"Draft"</th><th scope="col">"Actions"</th>
                            </tr></thead>
                            <tbody>
                                {items.into_iter().map(|i| view! {
                                    <tr>
                                        <td>{format!("{} {}", i.icon, i.name)}</td>
                                        <td>{i.department}</td>
                                        <td>{i.category}</td>
                                        <td>{i.published_version.map(|v| format!("v{v}")).unwrap_or_else(|| "—".into())}</td>
                                        <td>{if i.has_draft { "Unpublished changes" } else { "" }}</td>
                                        <td class="button-row">
                                            <a class="button small" href=format!("/admin/catalog/{}", i.slug)>{format!("Design {}", i.name)}</a>
                                            <a class="button small" href=format!("/admin/catalog/{}/export", i.slug) download="">"Export"</a>
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        // Only for those who may design: a refusal shows nothing of the page.
                        <crate::catalog::components::new_item_form::NewItemForm/>
                        <ImportPanel import/>
                    }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ImportPanel(import: ServerAction<ImportItem>) -> impl IntoView {
    view! {
        <section class="panel import-panel" aria-labelledby="import-heading">
            <h2 id="import-heading">"Import an item"</h2>
            <p class="muted">"Paste an exported item file. A new item starts unpublished; an existing one gets a new draft. Nothing changes if the file has a problem."</p>
            <ActionForm action=import attr:class="stack">
                <label for="import-text">"Item file (JSON)"</label>
                <textarea id="import-text" name="text" rows="8" required></textarea>
                {move || import.value().get().and_then(Result::err).map(|error| view! { <InlineError error/> })}
                <button type="submit" class="button">"Import"</button>
            </ActionForm>
        </section>
    }
}
