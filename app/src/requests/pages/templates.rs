//! The department admin's reply templates: write, change and remove the ready-made replies
//! their agents use.

use crate::domain::templates::{BLANKS, BODY_LIMIT, NAME_LIMIT};
use crate::requests::api::{list_reply_templates, DeleteReplyTemplate, SaveReplyTemplate};
use crate::requests::model::ReplyTemplate;
use crate::ui::error_view::{ErrorView, InlineError};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ReplyTemplatesPage() -> impl IntoView {
    let save = ServerAction::<SaveReplyTemplate>::new();
    let delete = ServerAction::<DeleteReplyTemplate>::new();
    let loaded = Resource::new(
        move || (save.version().get(), delete.version().get()),
        |_| list_reply_templates(),
    );
    let save_error = move || save.value().get().and_then(Result::err);
    view! {
        <Title text="Reply templates"/>
        <div class="page-head">
            <h1>"Reply templates"</h1>
            <p class="muted">"Ready-made replies your agents put into a request's reply box, and change before sending."</p>
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                    Ok(found) => {
                        let departments = found.departments.clone();
                        view! {
                            {move || save_error().map(|error| view! { <InlineError error/> })}
                            <section class="panel" aria-labelledby="new-template-heading">
                                <h2 id="new-template-heading">"New template"</h2>
                                <ActionForm action=save attr:class="stack">
                                    <label for="new-template-department">"Department"</label>
                                    <select id="new-template-department" name="department">
                                        {departments.iter().map(|(id, name)| view! {
                                            <option value=id.to_string()>{name.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                    <TemplateFields prefix="new".to_owned() name=String::new() body=String::new()/>
                                    <button type="submit" class="button primary">"Add template"</button>
                                </ActionForm>
                            </section>
                            <section class="panel" aria-labelledby="templates-heading">
                                <h2 id="templates-heading">"Templates"</h2>
                                {if found.templates.is_empty() {
                                    view! { <p class="muted">"No templates yet."</p> }.into_any()
                                } else {
                                    found.templates.into_iter().map(|t| view! { <TemplateEditor template=t save delete/> }).collect_view().into_any()
                                }}
                            </section>
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The name and text inputs of a template, with the blanks it may hold.
#[component]
fn TemplateFields(prefix: String, name: String, body: String) -> impl IntoView {
    let id = move |part: &str| format!("{prefix}-{part}");
    let blanks = BLANKS
        .iter()
        .map(|(blank, what)| format!("{{{blank}}} {what}"))
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <label for=id("name")>"Name"</label>
        <input id=id("name") name="name" type="text" required maxlength=NAME_LIMIT.to_string() value=name/>
        <label for=id("body")>"Text"</label>
        <textarea id=id("body") name="body" rows="5" required maxlength=BODY_LIMIT.to_string()
            aria-describedby=id("blanks")>{body}</textarea>
        <p id=id("blanks") class="muted small">{format!("Blanks filled in for each request: {blanks}")}</p>
    }
}

/// One template, changed in place or removed.
#[component]
fn TemplateEditor(
    template: ReplyTemplate,
    save: ServerAction<SaveReplyTemplate>,
    delete: ServerAction<DeleteReplyTemplate>,
) -> impl IntoView {
    let ReplyTemplate {
        id,
        department_id,
        department,
        name,
        body,
    } = template;
    let prefix = format!("template-{id}");
    let remove_label = format!("Remove template {name}");
    let heading = name.clone();
    let label = name.clone();
    view! {
        <article class="template-card" aria-label=label>
            <h3>{heading}<span class="muted small">{format!(" · {department}")}</span></h3>
            <ActionForm action=save attr:class="stack">
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="department" value=department_id.to_string()/>
                <TemplateFields prefix=prefix.clone() name=name.clone() body=body.clone()/>
                <div class="button-row">
                    <button type="submit" class="button">"Save"</button>
                </div>
            </ActionForm>
            <ActionForm action=delete attr:class="inline-form">
                <input type="hidden" name="id" value=id.to_string()/>
                <button type="submit" class="button danger small" aria-label=remove_label.clone()>"Remove"</button>
            </ActionForm>
        </article>
    }
}
