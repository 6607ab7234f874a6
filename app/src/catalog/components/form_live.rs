//! (hydrate) The order form's rules and checks, applied to the page the server rendered.
//!
//! On every change the answers are read from the form's controls as the browser would post
//! them, the form's definition says how each field behaves and what is wrong
//! (`FormDefinition::evaluate`, `validate_answers`: the server's own code), and each field's
//! markup is brought in line: shown or hidden, required, locked, its options limited, its
//! message. The markup is the one `field_input` renders, so a field looks the same whichever
//! side drew it last.

use super::form_fields::BLANK_ROW;
use super::form_rules::{message, today};
use crate::domain::form::{validate_answers, FieldErrors, FieldKind, FormDefinition, RawAnswers};
use crate::domain::rules::{FieldState, FormState};
use leptos::prelude::*;
use leptos::wasm_bindgen::{closure::Closure, JsCast};
use leptos::web_sys::{
    Element, Event, HtmlButtonElement, HtmlElement, HtmlFormElement, HtmlInputElement,
    HtmlOptionElement, HtmlSelectElement, HtmlTemplateElement, HtmlTextAreaElement,
};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

/// What the form knows between events.
struct Live {
    form: HtmlFormElement,
    definition: FormDefinition,
    server: FieldErrors,
    touched: BTreeSet<String>,
    attempted: bool,
    submitting: bool,
    /// Fields locked by a rule now: their check boxes and radio buttons refuse clicks.
    locked: BTreeSet<String>,
    /// Problems with the answers as they stand.
    live: FieldErrors,
    summary: RwSignal<usize>,
}

/// Takes over the form around `root` (the rules island's own element).
pub fn wire(
    root: &Element,
    definition: FormDefinition,
    server: FieldErrors,
    attempted: bool,
    summary: RwSignal<usize>,
) {
    let Some(form) = root
        .closest("form")
        .ok()
        .flatten()
        .and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
    else {
        return;
    };
    let live = Rc::new(RefCell::new(Live {
        form: form.clone(),
        definition,
        server,
        touched: BTreeSet::new(),
        attempted,
        submitting: false,
        locked: BTreeSet::new(),
        live: FieldErrors::new(),
        summary,
    }));
    for group in all(&form, "fieldset.group-field") {
        if let Some(add) = group
            .query_selector(":scope > button[data-add-row]")
            .ok()
            .flatten()
        {
            set_hidden(&add, false);
        }
        number_rows(&group);
    }
    live.borrow_mut().refresh();
    listen(&form, "input", &live, |live, event| {
        let _ = event;
        live.refresh();
    });
    listen(&form, "change", &live, |live, event| {
        live.touch(event);
        live.refresh();
    });
    listen(&form, "focusout", &live, |live, event| {
        live.touch(event);
        live.refresh();
    });
    listen(&form, "click", &live, Live::click);
    listen(&form, "submit", &live, Live::submit);
}

/// Calls `handle` with the form's state on each `kind` of event inside the form.
fn listen(
    form: &HtmlFormElement,
    kind: &str,
    live: &Rc<RefCell<Live>>,
    handle: fn(&mut Live, &Event),
) {
    let live = Rc::clone(live);
    let closure = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        if let Ok(mut live) = live.try_borrow_mut() {
            handle(&mut live, &event);
        }
    });
    let _ = form.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
    // The form lives as long as the page.
    closure.forget();
}

impl Live {
    /// Marks the field the event happened in as touched.
    fn touch(&mut self, event: &Event) {
        if let Some(key) = target(event).and_then(|t| field_key(&t)) {
            self.touched.insert(key);
        }
    }

    fn click(&mut self, event: &Event) {
        let Some(target) = target(event) else { return };
        if let Some(button) = target.closest("button").ok().flatten() {
            let group = button.closest("fieldset.group-field").ok().flatten();
            if let Some(group) = group {
                if button.has_attribute("data-add-row") {
                    add_row(&group);
                    self.refresh();
                } else if button.has_attribute("data-remove-row") {
                    if let Some(row) = button.closest("fieldset.group-row").ok().flatten() {
                        row.remove();
                        number_rows(&group);
                        self.refresh();
                    }
                }
            }
            return;
        }
        // Check boxes and radio buttons have no `readonly`, and a disabled one would not be
        // posted: a locked one keeps its value by refusing the click (keyboard toggles too).
        let toggle = target
            .dyn_ref::<HtmlInputElement>()
            .is_some_and(|i| matches!(i.type_().as_str(), "checkbox" | "radio"));
        if toggle && field_key(&target).is_some_and(|key| self.locked.contains(&key)) {
            event.prevent_default();
        }
    }

    fn submit(&mut self, event: &Event) {
        self.attempted = true;
        self.refresh();
        if !self.live.is_empty() || self.submitting {
            event.prevent_default();
            return;
        }
        self.submitting = true;
        if let Some(button) = self
            .form
            .query_selector("button[type=submit]")
            .ok()
            .flatten()
        {
            button.set_text_content(Some("Submitting…"));
            let _ = button.set_attribute("aria-busy", "true");
        }
    }

    /// Brings every field in line with the answers as they stand.
    fn refresh(&mut self) {
        let raw = answers(&self.form);
        let state = self.definition.evaluate(&raw);
        self.live = validate_answers(&self.definition, &raw, today())
            .err()
            .unwrap_or_default();
        self.locked.clear();
        for wrapper in all(&self.form, "[data-field]") {
            let Some(key) = wrapper.get_attribute("data-field") else {
                continue;
            };
            let Some((kind, field_state)) = self.field(&key, &state) else {
                continue;
            };
            if field_state.read_only {
                self.locked.insert(key.clone());
            }
            let touched = self.touched.contains(&key);
            let said = message(&key, touched, self.attempted, &self.live, &self.server);
            patch(&wrapper, &key, &kind, &field_state, said.as_deref());
        }
        self.summary
            .set(if self.attempted { self.live.len() } else { 0 });
    }

    /// A field's type and what the rules say about it; a group's cell (`group.ROW.sub`) is
    /// required as its sub-field is, and locked with its group.
    fn field(&self, key: &str, state: &FormState) -> Option<(FieldKind, FieldState)> {
        let fields = &self.definition.fields;
        if let Some(field) = fields.iter().find(|f| f.key == key) {
            let field_state = state.get(key).cloned().unwrap_or(FieldState {
                visible: true,
                required: field.required,
                read_only: false,
                allowed: None,
                refused: None,
            });
            return Some((field.kind.clone(), field_state));
        }
        let (group_key, rest) = key.split_once('.')?;
        let (_, sub_key) = rest.split_once('.')?;
        let group = fields.iter().find(|f| f.key == group_key)?;
        let FieldKind::Group { fields: subs, .. } = &group.kind else {
            return None;
        };
        let sub = subs.iter().find(|f| f.key == sub_key)?;
        let read_only = state.get(group_key).is_some_and(|s| s.read_only);
        Some((
            sub.kind.clone(),
            FieldState {
                visible: true,
                required: sub.required,
                read_only,
                allowed: None,
                refused: None,
            },
        ))
    }
}

/// The answers as the form would post them now, keyed as the server reads them.
fn answers(form: &HtmlFormElement) -> RawAnswers {
    let mut raw = RawAnswers::new();
    for element in all(form, "[name^='answers[']") {
        let Some(key) = element
            .get_attribute("name")
            .and_then(|n| Some(n.strip_prefix("answers[")?.strip_suffix(']')?.to_owned()))
        else {
            continue;
        };
        let value = if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
            let toggle = matches!(input.type_().as_str(), "checkbox" | "radio");
            if input.disabled() || (toggle && !input.checked()) {
                continue;
            }
            input.value()
        } else if let Some(select) = element.dyn_ref::<HtmlSelectElement>() {
            select.value()
        } else if let Some(text) = element.dyn_ref::<HtmlTextAreaElement>() {
            text.value()
        } else {
            continue;
        };
        raw.insert(key, value);
    }
    raw
}

/// Makes one field's markup say what its state and message say.
fn patch(wrapper: &Element, key: &str, kind: &FieldKind, state: &FieldState, said: Option<&str>) {
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

/// Adds a row to a group: a copy of its blank row, numbered after the last.
fn add_row(group: &Element) {
    let rows = all(group, ":scope > fieldset.group-row");
    let max: usize = attr_number(group, "data-max-rows").unwrap_or(usize::MAX);
    if rows.len() >= max {
        return;
    }
    let next = rows
        .iter()
        .filter_map(|r| r.get_attribute("data-row")?.parse::<u32>().ok())
        .max()
        .map_or(0, |n| n + 1);
    let Some(blank) = group
        .query_selector(":scope > template[data-blank-row]")
        .ok()
        .flatten()
        .and_then(|t| t.dyn_into::<HtmlTemplateElement>().ok())
    else {
        return;
    };
    let Some(key) = group.get_attribute("data-field") else {
        return;
    };
    // The blank row's keys are `group.ROW.sub`; its ids and names are made of them.
    let html = blank
        .inner_html()
        .replace(&format!("{key}.{BLANK_ROW}."), &format!("{key}.{next}."));
    let html = html.replace(
        &format!("data-row=\"{BLANK_ROW}\""),
        &format!("data-row=\"{next}\""),
    );
    let Ok(holder) = document().create_element("template") else {
        return;
    };
    holder.set_inner_html(&html);
    let Some(row) = holder
        .dyn_ref::<HtmlTemplateElement>()
        .and_then(|t| t.content().first_element_child())
    else {
        return;
    };
    let _ = blank.before_with_node_1(&row);
    // A person or file field in the row is an island: bring it to life as the page's were.
    for island in all(&row, "leptos-island") {
        if let Some(name) = island.get_attribute("data-component") {
            let _ = hydrate_island(&island, &name);
        }
    }
    number_rows(group);
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// Leptos's island loader (its `island_script.js`), kept on `window` for islands that
    /// arrive after the page: it finds the island's code by name and hydrates the element.
    #[wasm_bindgen(js_namespace = window, js_name = __hydrateIsland, catch)]
    fn hydrate_island(
        element: &Element,
        name: &str,
    ) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>;
}

/// Numbers a group's rows by position (1, 2, 3 as rows come and go), offers removing a row
/// while more than one is left, and adding one while there is room.
fn number_rows(group: &Element) {
    let label = group.get_attribute("data-label").unwrap_or_default();
    let rows = all(group, ":scope > fieldset.group-row");
    let max: usize = attr_number(group, "data-max-rows").unwrap_or(usize::MAX);
    for (index, row) in rows.iter().enumerate() {
        let position = index + 1;
        if let Some(legend) = row.query_selector(":scope > legend").ok().flatten() {
            legend.set_text_content(Some(&format!("{label} {position}")));
        }
        if let Some(remove) = row
            .query_selector(":scope > button[data-remove-row]")
            .ok()
            .flatten()
        {
            set_hidden(&remove, rows.len() <= 1);
            let _ =
                remove.set_attribute("aria-label", &format!("Remove row {position} of {label}"));
        }
    }
    if let Some(add) = group
        .query_selector(":scope > button[data-add-row]")
        .ok()
        .flatten()
        .and_then(|b| b.dyn_into::<HtmlButtonElement>().ok())
    {
        add.set_disabled(rows.len() >= max);
    }
}

fn target(event: &Event) -> Option<Element> {
    event.target()?.dyn_into::<Element>().ok()
}

/// The key of the field an element belongs to.
fn field_key(element: &Element) -> Option<String> {
    element
        .closest("[data-field]")
        .ok()
        .flatten()?
        .get_attribute("data-field")
}

fn input_in(element: &Element) -> Option<HtmlInputElement> {
    element
        .query_selector("input")
        .ok()
        .flatten()?
        .dyn_into::<HtmlInputElement>()
        .ok()
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let Ok(list) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

fn attr_number(element: &Element, name: &str) -> Option<usize> {
    element.get_attribute(name)?.parse().ok()
}

fn set_hidden(element: &Element, hidden: bool) {
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
