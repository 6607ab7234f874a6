//! (hydrate) A field's markup brought in line with what the form's rules and checks say about
//! it: the same attributes and messages `field_input` renders on the server.

use crate::domain::form::FieldKind;
use crate::domain::rules::FieldState;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, HtmlElement, HtmlInputElement, HtmlOptionElement};

/// Makes one field's markup say what its state and message say.
pub(super) fn patch(
    wrapper: &Element,
    key: &str,
    kind: &FieldKind,
    state: &FieldState,
    said: Option<&str>,
) {
    set_hidden(wrapper, !state.visible);
    if matches!(kind, FieldKind::Section) {
        return;
    }
    for mark in all(
        wrapper,
        ":scope > label > .required, :scope > legend > .required",
    ) {
        set_hidden(&mark, !state.required);
    }
    let _ = wrapper
        .class_list()
        .toggle_with_force("field-invalid", said.is_some());
    let id = format!("field-{key}");
    let error_id = format!("{id}-error");
    show_message(wrapper, &error_id, said);
    let described_by = |first: Option<String>| {
        let mut ids: Vec<String> = first.into_iter().collect();
        if wrapper
            .query_selector(&format!("[id='{id}-help']"))
            .ok()
            .flatten()
            .is_some()
        {
            ids.push(format!("{id}-help"));
        }
        if said.is_some() {
            ids.push(error_id.clone());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let control = wrapper
        .query_selector(&format!("[id='{id}']"))
        .ok()
        .flatten();
    let radio_group = wrapper
        .query_selector(":scope > [role=radiogroup]")
        .ok()
        .flatten();
    let allowed = |value: &str| state.allowed.as_ref().is_none_or(|a| a.contains(value));
    let invalid = said.is_some();
    match kind {
        FieldKind::Group { .. } => {
            set_attr(wrapper, "aria-describedby", said.map(|_| error_id.clone()));
        }
        FieldKind::Select { radio: true, .. } | FieldKind::YesNo => {
            let Some(group) = radio_group else { return };
            aria(&group, state, invalid, described_by(None));
            if !matches!(kind, FieldKind::YesNo) {
                set_attr(
                    &group,
                    "aria-required",
                    state.required.then(|| "true".into()),
                );
            }
            for label in all(&group, "label.radio") {
                let Some(input) = input_in(&label) else {
                    continue;
                };
                let ok = allowed(&input.value());
                if matches!(kind, FieldKind::Select { .. }) {
                    set_hidden(&label, !ok);
                    input.set_disabled(!ok || state.read_only);
                }
            }
        }
        FieldKind::Select { .. } | FieldKind::Department => {
            let Some(select) = control else { return };
            set_attr(
                &select,
                "aria-required",
                state.required.then(|| "true".into()),
            );
            set_attr(&select, "aria-invalid", invalid.then(|| "true".into()));
            set_attr(&select, "aria-describedby", described_by(None));
            for option in all(&select, "option") {
                let Some(option) = option.dyn_ref::<HtmlOptionElement>() else {
                    continue;
                };
                if option.value().is_empty() {
                    continue;
                }
                let ok = allowed(&option.value()) && (!state.read_only || option.selected());
                option.set_disabled(!ok);
                set_hidden(option, !ok);
            }
        }
        FieldKind::MultiSelect { .. } => {
            let Some(set) = control else { return };
            set_attr(&set, "aria-invalid", invalid.then(|| "true".into()));
            set_attr(&set, "aria-describedby", described_by(None));
            let prefix = format!("answers[{key}.");
            for label in all(&set, "label.checkbox-label") {
                let Some(input) = input_in(&label) else {
                    continue;
                };
                let name = input.name();
                let value = name
                    .strip_prefix(&prefix)
                    .and_then(|v| v.strip_suffix(']'))
                    .unwrap_or_default();
                set_hidden(&label, !allowed(value));
                set_attr(
                    &input,
                    "aria-readonly",
                    state.read_only.then(|| "true".into()),
                );
            }
        }
        FieldKind::Checkbox => {
            let Some(input) = control else { return };
            aria(&input, state, invalid, described_by(None));
        }
        FieldKind::Attachment { .. } => {
            let Some(input) = control else { return };
            set_attr(&input, "aria-invalid", invalid.then(|| "true".into()));
            set_attr(
                &input,
                "aria-describedby",
                described_by(Some(format!("{id}-status"))),
            );
        }
        FieldKind::User => {
            let Some(input) = control else { return };
            set_attr(&input, "aria-invalid", invalid.then(|| "true".into()));
            set_attr(&input, "readonly", state.read_only.then(String::new));
        }
        _ => {
            let Some(input) = control else { return };
            set_attr(&input, "readonly", state.read_only.then(String::new));
            set_attr(
                &input,
                "aria-required",
                state.required.then(|| "true".into()),
            );
            set_attr(&input, "aria-invalid", invalid.then(|| "true".into()));
            set_attr(&input, "aria-describedby", described_by(None));
        }
    }
}

/// `aria-readonly`, `aria-invalid` and `aria-describedby` of a check box or a radio group.
fn aria(element: &Element, state: &FieldState, invalid: bool, described_by: Option<String>) {
    set_attr(
        element,
        "aria-readonly",
        state.read_only.then(|| "true".into()),
    );
    set_attr(element, "aria-invalid", invalid.then(|| "true".into()));
    set_attr(element, "aria-describedby", described_by);
}

/// The paragraph under a field with its message, added, changed or taken away.
fn show_message(wrapper: &Element, id: &str, said: Option<&str>) {
    let existing = wrapper
        .query_selector(":scope > p.field-error")
        .ok()
        .flatten();
    match (existing, said) {
        (Some(p), Some(text)) => {
            if p.text_content().as_deref() != Some(text) {
                p.set_text_content(Some(text));
            }
        }
        (Some(p), None) => p.remove(),
        (None, Some(text)) => {
            if let Ok(p) = document().create_element("p") {
                p.set_class_name("field-error");
                p.set_id(id);
                p.set_text_content(Some(text));
                let _ = wrapper.append_child(&p);
            }
        }
        (None, None) => {}
    }
}

fn input_in(element: &Element) -> Option<HtmlInputElement> {
    element
        .query_selector("input")
        .ok()
        .flatten()?
        .dyn_into::<HtmlInputElement>()
        .ok()
}

pub(super) fn all(root: &Element, selector: &str) -> Vec<Element> {
    let Ok(list) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

pub(super) fn attr_number(element: &Element, name: &str) -> Option<usize> {
    element.get_attribute(name)?.parse().ok()
}

pub(super) fn set_hidden(element: &Element, hidden: bool) {
    if let Some(element) = element.dyn_ref::<HtmlElement>() {
        if element.hidden() != hidden {
            element.set_hidden(hidden);
        }
    }
}

fn set_attr(element: &Element, name: &str, value: Option<String>) {
    match value {
        Some(value) => {
            if element.get_attribute(name).as_deref() != Some(value.as_str()) {
                let _ = element.set_attribute(name, &value);
            }
        }
        None => {
            if element.has_attribute(name) {
                let _ = element.remove_attribute(name);
            }
        }
    }
}
