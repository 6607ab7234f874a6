//! The fields of a form, as employees fill them in: used by the order form and, unchanged, by
//! the designer's live preview, so the preview is exactly what employees will see.

use super::field_input::FieldInput;
use crate::domain::form::{group_rows, row_field, FieldDef, FieldKind, RawAnswers};
use crate::domain::rules::{FieldState, FormState};
use leptos::prelude::*;
use std::collections::BTreeSet;

/// Shared by every field of one form.
#[derive(Clone, Copy)]
pub struct FormContext {
    /// The answers as typed, keyed as the form posts them.
    pub values: RwSignal<RawAnswers>,
    /// What the rules say about each field now.
    pub state: Memo<FormState>,
    /// Fields (and group cells) the person has left at least once.
    pub touched: RwSignal<BTreeSet<String>>,
    /// The message to show under a field or a group cell, by key.
    pub error: Callback<String, Option<String>>,
}

impl FormContext {
    fn state_of(self, field: &FieldDef) -> Signal<FieldState> {
        let key = field.key.clone();
        let required = field.required;
        let state = self.state;
        Signal::derive(move || {
            state.with(|s| s.get(&key).cloned()).unwrap_or(FieldState {
                visible: true,
                required,
                read_only: false,
                allowed: None,
                refused: None,
            })
        })
    }

    fn input(self, field: FieldDef, initial: &RawAnswers, state: Signal<FieldState>) -> AnyView {
        let initial = crate::domain::form::raw_value(&field, initial).unwrap_or_default();
        let key = field.key.clone();
        let error = Signal::derive(move || self.error.run(key.clone()));
        let key = field.key.clone();
        let on_value = Callback::new(move |value: String| {
            self.values.update(|v| {
                v.insert(key.clone(), value);
            });
        });
        let key = field.key.clone();
        let on_blur = Callback::new(move |_: ()| {
            self.touched.update(|t| {
                t.insert(key.clone());
            });
        });
        view! { <FieldInput field initial error state on_value on_blur/> }.into_any()
    }
}

/// Every field of a form, groups included.
#[component]
pub fn FormFields(fields: Vec<FieldDef>, initial: RawAnswers, form: FormContext) -> impl IntoView {
    fields
        .into_iter()
        .map(|field| {
            let state = form.state_of(&field);
            if matches!(field.kind, FieldKind::Group { .. }) {
                view! { <GroupInput field initial=initial.clone() form state/> }.into_any()
            } else {
                form.input(field, &initial, state)
            }
        })
        .collect_view()
}

/// A repeating group: one fieldset per row, rows added and removed by the person.
#[component]
fn GroupInput(
    field: FieldDef,
    initial: RawAnswers,
    form: FormContext,
    state: Signal<FieldState>,
) -> impl IntoView {
    let FieldKind::Group {
        fields: sub_fields,
        min_rows,
        max_rows,
    } = field.kind.clone()
    else {
        return ().into_any();
    };
    let max = max_rows
        .unwrap_or(crate::domain::form::MAX_GROUP_ROWS)
        .min(crate::domain::form::MAX_GROUP_ROWS) as usize;
    // The same first rows on the server and in the browser: those already filled in (after a
    // refused plain post), or as many as the group needs at least.
    let filled = group_rows(&field.key, &sub_fields, &initial);
    let first: Vec<u32> = if filled.is_empty() {
        (0..min_rows.unwrap_or(1).max(1)).collect()
    } else {
        filled
    };
    let rows = RwSignal::new(first);
    // Adding and removing rows needs the browser; without JavaScript the first rows are posted.
    let interactive = RwSignal::new(false);
    Effect::new(move |_| interactive.set(true));
    let key = field.key.clone();
    let group_error = {
        let key = key.clone();
        Signal::derive(move || form.error.run(key.clone()))
    };
    let id = format!("field-{}", field.key);
    let error_id = format!("{id}-error");
    let sub_fields = StoredValue::new(sub_fields);
    let initial = StoredValue::new(initial);
    let label = StoredValue::new(field.label.clone());
    let key = StoredValue::new(key);
    let remove_row = move |row: u32| {
        let prefix = format!("{}.{row}.", key.get_value());
        form.values
            .update(|v| v.retain(|k, _| !k.starts_with(&prefix)));
        rows.update(|r| r.retain(|n| *n != row));
    };
    let add_row = move |_| {
        rows.update(|r| {
            let next = r.iter().max().map_or(0, |n| n + 1);
            r.push(next);
        })
    };
    let group_key = field.key.clone();
    view! {
        <fieldset
            class="field group-field"
            class:field-invalid=move || group_error.get().is_some()
            hidden=move || !state.with(|s| s.visible)
            data-field=field.key.clone()
            id=id.clone()
            aria-describedby=move || group_error.get().map(|_| error_id.clone())
        >
            <legend>
                {field.label.clone()}
                {move || state.with(|s| s.required).then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </legend>
            {field.help.clone().map(|help| view! { <p class="help">{help}</p> })}
            <For each=move || rows.get() key=|row| *row let:row>
                {
                    // Numbered by position, so the labels stay 1, 2, 3 as rows come and go.
                    let position = move || rows.with(|r| r.iter().position(|n| *n == row)).unwrap_or(0) + 1;
                    let can_remove = move || interactive.get() && rows.with(|r| r.len() > 1);
                    let cells = sub_fields
                        .get_value()
                        .into_iter()
                        .map(|sub| {
                            let required = sub.required;
                            let cell_state = Signal::derive(move || {
                                state.with(|s| FieldState {
                                    visible: true,
                                    required,
                                    read_only: s.read_only,
                                    allowed: None,
                                    refused: None,
                                })
                            });
                            let cell = row_field(&key.get_value(), row, &sub);
                            initial.with_value(|init| form.input(cell, init, cell_state))
                        })
                        .collect_view();
                    view! {
                        <fieldset class="group-row" data-row=row.to_string()>
                            <legend>{move || format!("{} {}", label.get_value(), position())}</legend>
                            <div class="group-cells">{cells}</div>
                            <button type="button" class="button small subtle" hidden=move || !can_remove()
                                aria-label=move || format!("Remove row {} of {}", position(), label.get_value())
                                on:click=move |_| remove_row(row)>"Remove"</button>
                        </fieldset>
                    }
                }
            </For>
            <button type="button" class="button small" hidden=move || !interactive.get()
                disabled=move || rows.with(|r| r.len() >= max) on:click=add_row>
                {format!("Add a row to “{}”", field.label)}
            </button>
            {move || group_error.get().map(|message| view! {
                <p class="field-error" id=format!("field-{group_key}-error")>{message}</p>
            })}
        </fieldset>
    }
    .into_any()
}
