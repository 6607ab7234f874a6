//! The order form, rendered on the server from the item's form definition.
//!
//! It is a plain form that posts without JavaScript; errors come back with the answers, so
//! nothing typed is lost. In the browser only its interactive parts come alive, each a small
//! island: the rules and checks ([`super::form_rules`]: the very `domain::form` code the server
//! runs on submit, so messages appear as the employee types), person pickers and file uploads.
//! The page downloads those, not the form's renderer.

use super::file_input::UploadTarget;
use super::form_fields::{FormContext, FormFields};
use super::form_rules::FormRules;
use crate::catalog::model::ItemView;
use crate::domain::form::{validate_answers, FieldErrors, RawAnswers};
use crate::error::AppError;
use crate::requests::api::SubmitRequest;
use crate::requests::model::FOR_KEY;
use crate::ui::error_view::InlineError;
use leptos::prelude::*;

/// The order form, with what a plain post that failed brought back: the answers, and what the
/// server said about them.
#[component]
pub fn OrderForm(item: ItemView) -> impl IntoView {
    let action = ServerAction::<SubmitRequest>::new();
    let returned = action.value().get_untracked().and_then(Result::err);
    let definition = item.form.clone();
    let (initial, server_errors): (RawAnswers, FieldErrors) = match &returned {
        Some(AppError::InvalidForm { answers, errors }) => (answers.clone(), errors.clone()),
        _ => (
            definition
                .fields
                .iter()
                .filter_map(|f| f.default.clone().map(|d| (f.key.clone(), d)))
                .collect(),
            FieldErrors::new(),
        ),
    };
    // A refused post counts as a submission tried: every answer's message shows, as the rules
    // island will show them (see `form_rules::message`).
    let attempted = returned.is_some();
    let live = validate_answers(&definition, &initial, super::form_rules::today())
        .err()
        .unwrap_or_default();
    let initial_count = if attempted { live.len() } else { 0 };
    // What the rules island reads (see `FormRules`); a definition is always a JSON tree.
    let tree = serde_json::to_value(&definition).unwrap_or_default();
    let shown: FieldErrors = live
        .keys()
        .chain(server_errors.keys())
        .filter_map(|key| {
            super::form_rules::message(key, false, attempted, &live, &server_errors)
                .map(|m| (key.clone(), m))
        })
        .collect();
    let state = definition.evaluate(&initial);
    let form = FormContext {
        values: RwSignal::new(initial.clone()),
        state: Memo::new(move |_| state.clone()),
        touched: RwSignal::new(Default::default()),
        error: Callback::new(move |key: String| shown.get(&key).cloned()),
        server_rendered: true,
    };
    provide_context(crate::catalog::model::DepartmentChoices(
        item.departments.clone(),
    ));
    provide_context(UploadTarget(item.slug.clone()));
    let for_error = server_errors.get(FOR_KEY).cloned();
    let other_error = match returned {
        Some(AppError::InvalidForm { .. }) | None => None,
        Some(e) => Some(e),
    };
    let for_initial = initial.get(FOR_KEY).cloned().unwrap_or_default();
    view! {
        <ActionForm action=action attr:class="order-form stack" attr:novalidate=true>
            <FormRules definition=tree server_errors attempted initial_count/>
            <input type="hidden" name="item" value=item.slug.clone()/>
            <FormFields fields=item.form.fields initial form/>
            <ForSomeoneElse initial=for_initial error=for_error/>
            {other_error.map(|error| view! { <InlineError error/> })}
            <button type="submit" class="button primary">"Submit request"</button>
        </ActionForm>
    }
}

/// "Ordering for someone else?": a person from the directory, who then finds the request among
/// theirs and hears about it. Open when the form came back naming someone.
#[component]
fn ForSomeoneElse(initial: String, error: Option<String>) -> impl IntoView {
    let open = !initial.is_empty();
    let invalid = error.is_some();
    view! {
        <details class="on-behalf" open=open>
            <summary>"Ordering for someone else?"</summary>
            <div class="field" class:field-invalid=invalid>
                <label for="for-person">"Who is it for?"</label>
                <p class="help" id="for-person-help">
                    "They see it among their requests and hear about it; you stay its requester."
                </p>
                <super::person_picker::PersonPickerIsland
                    id="for-person".to_owned()
                    name="for_person".to_owned()
                    initial
                    invalid
                    read_only=false
                />
                {error.map(|message| view! {
                    <p class="field-error" id="for-person-error">{message}</p>
                })}
            </div>
        </details>
    }
}
