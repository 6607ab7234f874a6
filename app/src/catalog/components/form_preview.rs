//! A live preview of a form as employees will see it, rules active, nothing submitted.

use super::field_input::FieldInput;
use crate::domain::form::{validate_field_in_state, FormDefinition, RawAnswers};
use crate::domain::rules::{evaluate, FieldState};
use leptos::prelude::*;

#[component]
pub fn FormPreview(
    definition: Signal<FormDefinition>,
    /// Choices for department fields.
    departments: Vec<crate::domain::form::SelectOption>,
) -> impl IntoView {
    provide_context(crate::catalog::model::DepartmentChoices(departments));
    let values = RwSignal::new(RawAnswers::new());
    let state = Memo::new(move |_| definition.with(|d| values.with(|v| evaluate(d, v))));
    view! {
        <div class="preview stack" aria-label="Preview of the form">
            {move || {
                definition
                    .get()
                    .fields
                    .into_iter()
                    .map(|field| {
                        let key = field.key.clone();
                        let required = field.required;
                        let field_state = Signal::derive({
                            let key = key.clone();
                            move || {
                                state.with(|s| s.get(&key).cloned()).unwrap_or(FieldState {
                                    visible: true,
                                    required,
                                    read_only: false,
                                    allowed: None,
                                })
                            }
                        });
                        let f = field.clone();
                        let error = Signal::derive(move || {
                            let s = field_state.get();
                            if !s.visible {
                                return None;
                            }
                            values.with(|v| {
                                crate::domain::form::raw_value(&f, v).and_then(|raw| {
                                    validate_field_in_state(
                                        &f,
                                        s.required,
                                        s.allowed.as_ref(),
                                        Some(&raw),
                                        chrono::Utc::now().date_naive(),
                                    )
                                    .err()
                                })
                            })
                        });
                        let initial = values.with_untracked(|v| v.get(&key).cloned().unwrap_or_default());
                        let on_value = Callback::new(move |value: String| {
                            values.update(|v| {
                                v.insert(key.clone(), value);
                            })
                        });
                        view! {
                            <FieldInput
                                field
                                initial
                                error
                                state=field_state
                                on_value
                                on_blur=Callback::new(|_| ())
                            />
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}
