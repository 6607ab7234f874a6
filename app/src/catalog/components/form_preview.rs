//! A live preview of a form as employees will see it, rules active, nothing submitted.

use super::form_fields::{FormContext, FormFields};
use crate::domain::form::{validate_answers, FormDefinition, RawAnswers};

use leptos::prelude::*;

#[component]
pub fn FormPreview(
    definition: Signal<FormDefinition>,
    /// Choices for department fields.
    departments: Vec<crate::domain::form::SelectOption>,
) -> impl IntoView {
    provide_context(crate::catalog::model::DepartmentChoices(departments));
    let values = RwSignal::new(RawAnswers::new());
    let touched = RwSignal::new(std::collections::BTreeSet::<String>::new());
    let state = Memo::new(move |_| definition.with(|d| values.with(|v| d.evaluate(v))));
    let errors = Memo::new(move |_| {
        definition.with(|d| {
            values.with(|v| {
                validate_answers(d, v, chrono::Utc::now().date_naive())
                    .err()
                    .unwrap_or_default()
            })
        })
    });
    let form = FormContext {
        values,
        state,
        touched,
        error: Callback::new(move |key: String| {
            touched
                .with(|t| t.contains(&key))
                .then(|| errors.with(|e| e.get(&key).cloned()))
                .flatten()
        }),
        server_rendered: false,
    };
    view! {
        <div class="preview stack" aria-label="Preview of the form">
            // Rebuilt when the definition changes; answers typed so far are kept.
            {move || {
                let initial = values.get_untracked();
                view! { <FormFields fields=definition.get().fields initial form/> }
            }}
        </div>
    }
}
