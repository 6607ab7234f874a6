//! The fields of a form, as employees fill them in: used by the order form and, unchanged, by
//! the designer's live preview, so the preview is exactly what employees will see.

use super::field_input::FieldInput;
use crate::domain::form::{group_rows, FieldDef, FieldKind, RawAnswers};
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
    /// Rendered on the server for the order page, where the form stays plain HTML and only its
    /// interactive parts come alive in the browser: person fields are islands of their own, file
    /// fields upload through the form's rules island, and a group carries a blank row in a `<template>` for the form's rules island to copy
    /// (see `form_rules`). The designer's preview renders the same fields live in its island.
    pub server_rendered: bool,
}

impl FormContext {
    fn state_of(self, field: &FieldDef) -> Signal<FieldState> {
        let key = field.key.clone();
        let unruled = FieldState::unruled(field);
        let state = self.state;
        Signal::derive(move || {
            state
                .with(|s| s.get(&key).cloned())
                .unwrap_or_else(|| unruled.clone())
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
        let server_rendered = self.server_rendered;
        view! { <FieldInput field initial error state on_value on_blur server_rendered/> }
            .into_any()
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
    let cells = Cells {
        form,
        state,
        group_key: StoredValue::new(key.clone()),
        label: StoredValue::new(field.label.clone()),
        sub_fields: StoredValue::new(sub_fields),
        initial: StoredValue::new(initial),
    };
    let remove_row = move |row: u32| {
        let prefix = format!("{}.{row}.", cells.group_key.get_value());
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
    let blank_row = blank_row(form, cells);
    let group_key = field.key.clone();
    view! {
        <fieldset
            class="field group-field"
            class:field-invalid=move || group_error.get().is_some()
            hidden=move || !state.with(|s| s.visible)
            data-field=field.key.clone()
            data-label=field.label.clone()
            data-max-rows=max.to_string()
            id=id.clone()
            aria-describedby=move || group_error.get().map(|_| error_id.clone())
        >
            <legend>
                {field.label.clone()}
                <span class="required" aria-hidden="true" hidden=move || !state.with(|s| s.required)>" *"</span>
            </legend>
            {field.help.clone().map(|help| view! { <p class="help">{help}</p> })}
            <For each=move || rows.get() key=|row| *row let:row>
                {
                    // Numbered by position, so the labels stay 1, 2, 3 as rows come and go.
                    let position = Signal::derive(move || rows.with(|r| r.iter().position(|n| *n == row)).unwrap_or(0) + 1);
                    let can_remove = Signal::derive(move || interactive.get() && rows.with(|r| r.len() > 1));
                    cells.row(row.to_string(), position, can_remove, Callback::new(move |()| remove_row(row)))
                }
            </For>
            {blank_row}
            <button type="button" class="button small" data-add-row="" hidden=move || !interactive.get()
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

/// The blank row the order page's rules island copies when a row is added (its row number is
/// [`BLANK_ROW`], replaced by the new row's). Only the server renders the order page: the
/// browser's build has no blank rows, and none of their code.
#[cfg(feature = "ssr")]
fn blank_row(form: FormContext, cells: Cells) -> Option<AnyView> {
    form.server_rendered.then(|| {
        let row = cells.row(
            BLANK_ROW.to_owned(),
            Signal::derive(|| 0),
            Signal::derive(|| false),
            Callback::new(|()| {}),
        );
        view! { <template data-blank-row="">{row}</template> }.into_any()
    })
}

#[cfg(not(feature = "ssr"))]
fn blank_row(_: FormContext, _: Cells) -> Option<AnyView> {
    None
}

/// The row number in a group's blank row.
pub const BLANK_ROW: &str = "ROW";

/// What every row of one group shares.
#[derive(Clone, Copy)]
struct Cells {
    form: FormContext,
    state: Signal<FieldState>,
    group_key: StoredValue<String>,
    label: StoredValue<String>,
    sub_fields: StoredValue<Vec<FieldDef>>,
    initial: StoredValue<RawAnswers>,
}

impl Cells {
    /// One row: a cell per sub-field (keyed `group.ROW.sub`), and its remove button.
    fn row(
        self,
        row: String,
        position: Signal<usize>,
        can_remove: Signal<bool>,
        on_remove: Callback<()>,
    ) -> impl IntoView {
        let state = self.state;
        let cells = self
            .sub_fields
            .get_value()
            .into_iter()
            .map(|sub| {
                let unruled = sub.clone();
                let cell_state =
                    Signal::derive(move || state.with(|s| FieldState::of_cell(s, &unruled)));
                let cell = FieldDef {
                    key: format!("{}.{row}.{}", self.group_key.get_value(), sub.key),
                    ..sub
                };
                self.initial
                    .with_value(|init| self.form.input(cell, init, cell_state))
            })
            .collect_view();
        let label = self.label;
        view! {
            <fieldset class="group-row" data-row=row>
                <legend>{move || format!("{} {}", label.get_value(), position.get())}</legend>
                <div class="group-cells">{cells}</div>
                <button type="button" class="button small subtle" data-remove-row="" hidden=move || !can_remove.get()
                    aria-label=move || format!("Remove row {} of {}", position.get(), label.get_value())
                    on:click=move |_| on_remove.run(())>"Remove"</button>
            </fieldset>
        }
    }
}
