//! (hydrate) The order form's rules and checks, applied to the page the server rendered.
//!
//! On every change the answers are read from the form's controls as the browser would post
//! them, the form's definition says how each field behaves and what is wrong
//! (`FormDefinition::evaluate`, `validate_answers`: the server's own code), and each field's
//! markup is brought in line: shown or hidden, required, locked, its options limited, its
//! message. The markup is the one `field_input` renders, so a field looks the same whichever
//! side drew it last.

use super::form_files;
use super::form_markup::{all, patch, set_hidden};
use super::form_rows::{add_row, number_rows};
use super::form_rules::{message, today};
use crate::domain::form::{validate_answers, FieldErrors, FieldKind, FormDefinition, RawAnswers};
use crate::domain::rules::{FieldState, FormState};
use leptos::prelude::*;
use leptos::wasm_bindgen::{closure::Closure, JsCast};
use leptos::web_sys::{
    Element, Event, HtmlFormElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement,
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
    /// The form's state itself, for a check that finishes later (the order page's patterns).
    #[cfg(feature = "order-bundle")]
    me: std::rc::Weak<RefCell<Live>>,
    /// Answers the pattern engine is judging now.
    #[cfg(feature = "order-bundle")]
    judging: BTreeSet<(String, String)>,
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
        #[cfg(feature = "order-bundle")]
        me: std::rc::Weak::new(),
        #[cfg(feature = "order-bundle")]
        judging: BTreeSet::new(),
    }));
    #[cfg(feature = "order-bundle")]
    {
        live.borrow_mut().me = Rc::downgrade(&live);
    }
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
    listen(&form, "change", &live, Live::change);
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
    fn change(&mut self, event: &Event) {
        let file = target(event).and_then(|t| t.dyn_into::<HtmlInputElement>().ok());
        if let Some(input) = file {
            if let (Some(field), Some(key)) = (form_files::upload_box(&input), field_key(&input)) {
                // The answer is the upload's token: the field is checked once it has arrived.
                form_files::chosen(field, input, &key);
                return;
            }
        }
        self.touch(event);
        self.refresh();
    }

    /// Marks the field the event happened in as touched.
    fn touch(&mut self, event: &Event) {
        if let Some(key) = target(event).and_then(|t| field_key(&t)) {
            self.touched.insert(key);
        }
    }

    fn click(&mut self, event: &Event) {
        let Some(target) = target(event) else { return };
        if let Some(button) = target.closest("button").ok().flatten() {
            if button.has_attribute("data-remove-file") {
                form_files::remove(&button);
                if let Some(key) = field_key(&button) {
                    self.touched.insert(key);
                }
                self.refresh();
                return;
            }
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
        // A file still on its way is not an answer yet: the form waits for it.
        for key in form_files::uploading(&self.form) {
            self.live
                .insert(key, form_files::STILL_UPLOADING.to_owned());
        }
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
        #[cfg(feature = "order-bundle")]
        self.judge_wanted();
    }

    /// Has the pattern engine judge the answers this check could not tell about yet, then
    /// checks again (the order page's bundle; see `domain::fields::pattern_verdicts`).
    #[cfg(feature = "order-bundle")]
    fn judge_wanted(&mut self) {
        use crate::domain::fields::pattern_verdicts::{record, take_wanted};
        for (regex, text) in take_wanted() {
            if !self.judging.insert((regex.clone(), text.clone())) {
                continue;
            }
            let me = self.me.clone();
            leptos::task::spawn_local(async move {
                let matches = judge(regex.clone(), text.clone()).await;
                let asked = (regex.clone(), text.clone());
                record(regex, text, matches);
                if let Some(live) = me.upgrade() {
                    if let Ok(mut live) = live.try_borrow_mut() {
                        live.judging.remove(&asked);
                        live.refresh();
                    }
                }
            });
        }
    }

    /// A field's type and what the rules say about it; a group's cell (`group.ROW.sub`) is
    /// required as its sub-field is, and locked with its group.
    fn field(&self, key: &str, state: &FormState) -> Option<(FieldKind, FieldState)> {
        let fields = &self.definition.fields;
        if let Some(field) = fields.iter().find(|f| f.key == key) {
            let field_state = state
                .get(key)
                .cloned()
                .unwrap_or_else(|| FieldState::unruled(field));
            return Some((field.kind.clone(), field_state));
        }
        let (group_key, rest) = key.split_once('.')?;
        let (_, sub_key) = rest.split_once('.')?;
        let group = fields.iter().find(|f| f.key == group_key)?;
        let FieldKind::Group { fields: subs, .. } = &group.kind else {
            return None;
        };
        let sub = subs.iter().find(|f| f.key == sub_key)?;
        let group_state = state
            .get(group_key)
            .cloned()
            .unwrap_or_else(|| FieldState::unruled(group));
        Some((sub.kind.clone(), FieldState::of_cell(&group_state, sub)))
    }
}

/// The pattern engine (regex-lite, through the server's own `Pattern::matches`), in a chunk of
/// its own: fetched the first time one of the form's patterns has an answer to judge, so a form
/// without a pattern never downloads it.
#[cfg(feature = "order-bundle")]
#[leptos::prelude::lazy]
fn judge(regex: String, text: String) -> bool {
    crate::domain::fields::Pattern {
        regex,
        message: String::new(),
    }
    .matches(&text)
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
