//! The order form, rendered from the item's form definition.
//!
//! Validation is `domain::form`, the very code the server runs on submit: messages appear as the
//! employee types, and a submission the browser lets through is judged the same way again on
//! the server. Without JavaScript the form posts normally; errors come back with the answers, so
//! nothing typed is lost.

use super::field_input::FieldInput;
use crate::catalog::model::ItemView;
use crate::domain::form::{validate_answers, validate_field_in_state, FieldDef, RawAnswers};
use crate::domain::rules::{evaluate, FieldState};
use crate::error::AppError;
use crate::requests::api::SubmitRequest;
use crate::ui::error_view::InlineError;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Today's date, the same way on both sides.
fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

#[component]
pub fn OrderForm(item: ItemView) -> impl IntoView {
    let action = ServerAction::<SubmitRequest>::new();
    provide_context(crate::catalog::model::DepartmentChoices(
        item.departments.clone(),
    ));
    // After a plain (no-JavaScript) post with mistakes, the error carries the answers back.
    let returned = action.value().get_untracked().and_then(Result::err);
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
    let touched = RwSignal::new(std::collections::BTreeSet::<String>::new());
    let attempted = RwSignal::new(returned.is_some());
    let fields = StoredValue::new(item.form.fields.clone());
    let rules = StoredValue::new(item.form.rules.clone());
    // The rules, re-evaluated whenever an answer changes: which fields show, which are required.
    let form_state = Memo::new(move |_| {
        let definition = crate::domain::form::FormDefinition {
            fields: fields.get_value(),
            rules: rules.get_value(),
        };
        values.with(|v| evaluate(&definition, v))
    });
    let state_of =
        move |key: &str| -> Option<FieldState> { form_state.with(|s| s.get(key).cloned()) };

    // The message under a field: the live check once the field was touched or a submit was
    // tried, otherwise whatever the server said last.
    let error_for = move |field: &FieldDef| -> Option<String> {
        let state = state_of(&field.key)?;
        if !state.visible {
            return None;
        }
        let live = || {
            values.with(|v| {
                validate_field_in_state(
                    field,
                    state.required,
                    state.allowed.as_ref(),
                    crate::domain::form::raw_value(field, v).as_deref(),
                    today(),
                )
            })
        };
        if attempted.get() || touched.with(|t| t.contains(&field.key)) {
            live().err()
        } else {
            action.value().with(|v| match v {
                Some(Err(AppError::InvalidForm { errors, .. })) => errors.get(&field.key).cloned(),
                _ => None,
            })
        }
    };
    let error_count = move || {
        if !attempted.get() {
            return 0;
        }
        fields.with_value(|fields| fields.iter().filter(|f| error_for(f).is_some()).count())
    };
    let other_error = move || match action.value().get() {
        Some(Err(AppError::InvalidForm { .. })) | None | Some(Ok(_)) => None,
        Some(Err(e)) => Some(e),
    };
    let on_submit_click = move |ev: leptos::ev::MouseEvent| {
        attempted.set(true);
        let definition = crate::domain::form::FormDefinition {
            fields: fields.get_value(),
            rules: rules.get_value(),
        };
        if values
            .with_untracked(|v| validate_answers(&definition, v, today()))
            .is_err()
        {
            ev.prevent_default();
        }
    };
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
            {item
                .form
                .fields
                .into_iter()
                .map(|field| {
                    let initial = crate::domain::form::raw_value(&field, &initial).unwrap_or_default();
                    let key = field.key.clone();
                    let f = field.clone();
                    let error = Signal::derive(move || error_for(&f));
                    let state_key = field.key.clone();
                    let required = field.required;
                    let state = Signal::derive(move || {
                        state_of(&state_key).unwrap_or(FieldState {
                            visible: true,
                            required,
                            read_only: false,
                            allowed: None,
                        })
                    });
                    let on_value = Callback::new(move |value: String| {
                        values.update(|v: &mut BTreeMap<String, String>| {
                            v.insert(key.clone(), value);
                        });
                    });
                    let key = field.key.clone();
                    let on_blur = Callback::new(move |_: ()| {
                        touched.update(|t| {
                            t.insert(key.clone());
                        });
                    });
                    view! { <FieldInput field initial error state on_value on_blur/> }
                })
                .collect_view()}
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
