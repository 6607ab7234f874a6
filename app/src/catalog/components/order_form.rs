//! The order form, rendered from the item's form definition.
//!
//! Validation is `domain::form`, the very code the server runs on submit: messages appear as the
//! employee types, and a submission the browser lets through is judged the same way again on
//! the server. Without JavaScript the form posts normally; errors come back with the answers, so
//! nothing typed is lost.

use super::file_input::UploadTarget;
use super::form_fields::{FormContext, FormFields};
use crate::catalog::model::ItemView;
use crate::domain::form::{validate_answers, RawAnswers};

use crate::error::AppError;
use crate::requests::api::SubmitRequest;
use crate::requests::model::FOR_KEY;
use crate::ui::error_view::InlineError;
use leptos::prelude::*;

/// Today's date, the same way on both sides.
fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// What the person already typed into the form before this island woke up. The page is usable
/// as plain HTML at once and the island's code arrives a moment later (on a slow line, seconds);
/// hydrating would put the server's values back into the inputs and lose the typing. Read from
/// the form itself and decoded exactly as the server decodes the post.
#[cfg(feature = "hydrate")]
fn typed_before_hydration() -> Option<RawAnswers> {
    use leptos::form::FromFormData;
    use leptos::wasm_bindgen::JsCast;
    let form = document()
        .query_selector("form.order-form")
        .ok()??
        .dyn_into::<leptos::web_sys::HtmlFormElement>()
        .ok()?;
    let data = leptos::web_sys::FormData::new_with_form(&form).ok()?;
    SubmitRequest::from_form_data(&data)
        .ok()
        .map(|posted| posted.answers)
}

#[cfg(not(feature = "hydrate"))]
fn typed_before_hydration() -> Option<RawAnswers> {
    None
}

/// The order form as the server renders it: reads what a plain (no-JavaScript) post that
/// failed brought back, and hands it to the island as a prop. (The island cannot read it
/// itself: in the browser the action starts empty, and the page would hydrate differently from
/// how it was rendered.)
#[component]
pub fn OrderForm(item: ItemView) -> impl IntoView {
    let returned = ServerAction::<SubmitRequest>::new()
        .value()
        .get_untracked()
        .and_then(Result::err);
    view! { <OrderFormIsland item returned/> }
}

/// The form itself, live in the browser: rules, checks, person search, uploads.
#[island(lazy)]
fn OrderFormIsland(item: ItemView, returned: Option<AppError>) -> impl IntoView {
    let action = ServerAction::<SubmitRequest>::new();
    // Read before the view hydrates (which resets the inputs to the rendered values).
    let typed_early = typed_before_hydration();
    provide_context(crate::catalog::model::DepartmentChoices(
        item.departments.clone(),
    ));
    crate::ui::island::hydrated();
    // The server's last word on the answers: a failed plain post's error until this form is
    // submitted from the browser, then the outcome of that submission.
    let last_post = StoredValue::new(returned.clone());
    let server_said = move || match action.value().get() {
        Some(outcome) => outcome.err(),
        None => last_post.get_value(),
    };
    let initial: RawAnswers = match &returned {
        Some(AppError::InvalidForm { answers, .. }) => answers.clone(),
        _ => item
            .form
            .fields
            .iter()
            .filter_map(|f| f.default.clone().map(|d| (f.key.clone(), d)))
            .collect(),
    };
    let values = RwSignal::new(initial.clone());
    // Hydrate as rendered, then take up what was typed meanwhile: the rules and the inputs follow.
    // (Only answers that differ: an unticked box posts nothing, and keeps its rendered state.)
    if let Some(typed) = typed_early {
        let changed: RawAnswers = typed
            .into_iter()
            .filter(|(key, value)| initial.get(key) != Some(value))
            .collect();
        if !changed.is_empty() {
            Effect::new(move |_| {
                values.update(|v| v.extend(changed.clone()));
            });
        }
    }
    let touched = RwSignal::new(std::collections::BTreeSet::<String>::new());
    let attempted = RwSignal::new(returned.is_some());
    let definition = StoredValue::new(item.form.clone());
    // The rules, re-evaluated whenever an answer changes: which fields show, which are required.
    let form_state = Memo::new(move |_| definition.with_value(|d| values.with(|v| d.evaluate(v))));
    // Every problem with the answers as they stand, by field or group-cell key: the very check
    // the server makes on submit.
    let live_errors = Memo::new(move |_| {
        definition.with_value(|d| {
            values.with(|v| validate_answers(d, v, today()).err().unwrap_or_default())
        })
    });
    // The message under a field: the live check once the field was touched or a submit was
    // tried, otherwise whatever the server said last.
    let error = Callback::new(move |key: String| -> Option<String> {
        if attempted.get() || touched.with(|t| t.contains(&key)) {
            live_errors.with(|e| e.get(&key).cloned())
        } else {
            match server_said() {
                Some(AppError::InvalidForm { errors, .. }) => errors.get(&key).cloned(),
                _ => None,
            }
        }
    });
    let form = FormContext {
        values,
        state: form_state,
        touched,
        error,
    };
    let error_count = move || {
        if attempted.get() {
            live_errors.with(|e| e.len())
        } else {
            0
        }
    };
    let for_error = Signal::derive(move || match server_said() {
        Some(AppError::InvalidForm { errors, .. }) => errors.get(FOR_KEY).cloned(),
        _ => None,
    });
    let other_error = move || match server_said() {
        Some(AppError::InvalidForm { .. }) | None => None,
        Some(e) => Some(e),
    };
    let on_submit_click = move |ev: leptos::ev::MouseEvent| {
        attempted.set(true);
        if live_errors.with_untracked(|e| !e.is_empty()) {
            ev.prevent_default();
        }
    };
    provide_context(UploadTarget(item.slug.clone()));
    let slug = item.slug.clone();
    view! {
        <ActionForm action=action attr:class="order-form stack" attr:novalidate=true>
            <input type="hidden" name="item" value=slug/>
            {move || {
                let n = error_count();
                (n > 0).then(|| view! {
                    <div class="form-summary" role="alert">
                        {if n == 1 { "1 answer needs attention.".to_owned() } else { format!("{n} answers need attention.") }}
                    </div>
                })
            }}
            <FormFields fields=item.form.fields initial=initial.clone() form/>
            <ForSomeoneElse initial=initial.get(FOR_KEY).cloned().unwrap_or_default() error=for_error/>
            {move || other_error().map(|error| view! { <InlineError error/> })}
            <button
                type="submit"
                class="button primary"
                on:click=on_submit_click
                disabled=move || action.pending().get()
            >
                {move || if action.pending().get() { "Submitting…" } else { "Submit request" }}
            </button>
        </ActionForm>
    }
}

/// "Ordering for someone else?": a person from the directory, who then finds the request among
/// theirs and hears about it. Open when the form came back naming someone.
#[component]
fn ForSomeoneElse(initial: String, error: Signal<Option<String>>) -> impl IntoView {
    let open = !initial.is_empty();
    view! {
        <details class="on-behalf" open=open>
            <summary>"Ordering for someone else?"</summary>
            <div class="field" class:field-invalid=move || error.get().is_some()>
                <label for="for-person">"Who is it for?"</label>
                <p class="help" id="for-person-help">
                    "They see it among their requests and hear about it; you stay its requester."
                </p>
                <super::person_picker::PersonPicker
                    id="for-person".to_owned()
                    name="for_person".to_owned()
                    initial
                    invalid=Signal::derive(move || error.get().is_some())
                    read_only=Signal::derive(|| false)
                    on_value=Callback::new(|_: String| {})
                    on_blur=Callback::new(|()| {})
                />
                {move || error.get().map(|message| view! {
                    <p class="field-error" id="for-person-error">{message}</p>
                })}
            </div>
        </details>
    }
}
