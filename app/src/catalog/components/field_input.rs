//! One form field: label, help, the right control for its type, and its error message.

use crate::domain::form::{fmt_number, FieldDef, FieldKind, SelectOption};
use crate::domain::rules::FieldState;
use leptos::prelude::*;

#[component]
pub fn FieldInput(
    field: FieldDef,
    /// The value to show first (a default, or what was posted before).
    initial: String,
    error: Signal<Option<String>>,
    /// What the form's rules say about this field now.
    state: Signal<FieldState>,
    on_value: Callback<String>,
    on_blur: Callback<()>,
    /// Rendered on the server for the order page: person fields become islands of their own
    /// and file fields upload what they are given (see `form_fields::FormContext`).
    #[prop(optional)]
    server_rendered: bool,
) -> impl IntoView {
    // Only the server renders the order page; in the browser (the designer's preview) the
    // island branches below are dead, and this keeps them out of the designer's code.
    let server_rendered = server_rendered && cfg!(feature = "ssr");
    if field.kind == FieldKind::Section {
        return view! {
            <div class="form-section" hidden=move || !state.with(|s| s.visible) data-field=field.key.clone()>
                <h3>{field.label.clone()}</h3>
                {field.help.clone().map(|help| view! { <p class="help">{help}</p> })}
            </div>
        }
        .into_any();
    }
    let id = format!("field-{}", field.key);
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let c = Control {
        name: format!("answers[{}]", field.key),
        id: id.clone(),
        key: field.key.clone(),
        initial,
        placeholder: field.placeholder.clone().unwrap_or_default(),
        help_id: field.help.as_ref().map(|_| help_id.clone()),
        error_id: error_id.clone(),
        error,
        state,
        on_value,
        on_blur,
    };
    let Control { name, initial, .. } = c.clone();
    let (described_by, read_only, required) = (c.described_by(), c.read_only(), c.required());
    let control = match &field.kind {
        FieldKind::LongText { .. } => text_control(&c, &field.kind),
        FieldKind::Select { .. } | FieldKind::Department | FieldKind::MultiSelect { .. } => {
            choice_control(&c, &field.kind)
        }
        FieldKind::Checkbox | FieldKind::YesNo => toggle_control(&c, &field.kind),
        FieldKind::Attachment {
            accept,
            max_size_mb,
        } => view! {
            <super::file_input::FileInput
                id=id.clone()
                name=name.clone()
                accept=accept.clone()
                max_size_mb=*max_size_mb
                initial=initial.clone()
                invalid=Signal::derive(move || error.get().is_some())
                described_by=Signal::derive(described_by.clone())
                item=server_rendered.then(upload_item)
            />
        }
        .into_any(),
        // Groups are laid out by `form_fields`, row by row.
        FieldKind::Group { .. } => ().into_any(),
        FieldKind::User if server_rendered => view! {
            <super::person_picker::PersonPickerIsland
                id=id.clone()
                name=name.clone()
                initial=initial.clone()
                invalid=error.get_untracked().is_some()
                read_only=read_only()
            />
        }
        .into_any(),
        FieldKind::User => view! {
            <super::person_picker::PersonPicker
                id=id.clone()
                name=name.clone()
                initial=initial.clone()
                invalid=Signal::derive(move || error.get().is_some())
                read_only=Signal::derive(read_only)
                on_value
                on_blur
                search=super::person_picker::search_directory
            />
        }
        .into_any(),
        _ => text_control(&c, &field.kind),
    };
    let is_checkbox = matches!(field.kind, FieldKind::Checkbox);
    view! {
        <div
            class="field"
            class:field-invalid=move || error.get().is_some()
            class:field-inline=is_checkbox
            hidden=move || !state.with(|s| s.visible)
            data-field=field.key.clone()
        >
            <label id=format!("{id}-label") for=id.clone()>
                {field.label.clone()}
                {match &field.kind {
                    FieldKind::Money { currency, .. } => Some(format!(" ({currency})")),
                    _ => None,
                }}
                <span class="required" aria-hidden="true" hidden=move || !required()>" *"</span>
            </label>
            {control}
            {field.help.clone().map(|help| view! { <p class="help" id=help_id>{help}</p> })}
            {move || error.get().map(|message| view! {
                <p class="field-error" id=error_id.clone()>{message}</p>
            })}
        </div>
    }
    .into_any()
}

/// The item whose form the server is rendering, for its file fields' uploads.
fn upload_item() -> String {
    use_context::<super::file_input::UploadTarget>()
        .map(|t| t.0)
        .unwrap_or_default()
}

/// What every control of a field shares: its names, first value, messages, the rules' verdict
/// and where its value goes.
#[derive(Clone)]
struct Control {
    id: String,
    name: String,
    key: String,
    initial: String,
    placeholder: String,
    help_id: Option<String>,
    error_id: String,
    error: Signal<Option<String>>,
    state: Signal<FieldState>,
    on_value: Callback<String>,
    on_blur: Callback<()>,
}

impl Control {
    fn described_by(&self) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
        let (help, error_id, error) = (self.help_id.clone(), self.error_id.clone(), self.error);
        move || {
            let mut ids: Vec<String> = help.iter().cloned().collect();
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    }

    fn invalid(&self) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
        let error = self.error;
        move || error.get().is_some().then_some("true")
    }

    fn required(&self) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
        let state = self.state;
        move || state.with(|s| s.required)
    }

    fn aria_required(&self) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
        let required = self.required();
        move || required().then_some("true")
    }

    fn read_only(&self) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
        let state = self.state;
        move || state.with(|s| s.read_only)
    }

    fn aria_readonly(&self) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
        let read_only = self.read_only();
        move || read_only().then_some("true")
    }

    /// An option stays listed unless a rule restricts the choice to others.
    fn option_allowed(&self) -> impl Fn(&str) -> bool + Copy + Send + Sync + 'static {
        let state = self.state;
        move |value: &str| state.with(|s| s.allowed.as_ref().is_none_or(|a| a.contains(value)))
    }

    fn on_input(&self) -> impl Fn(leptos::ev::Event) + Copy + 'static {
        let on_value = self.on_value;
        move |ev| on_value.run(event_target_value(&ev))
    }

    fn blur(&self) -> impl Fn(leptos::ev::FocusEvent) + Copy + 'static {
        let on_blur = self.on_blur;
        move |_| on_blur.run(())
    }

    /// Check boxes and radio buttons have no `readonly`, and a disabled one would not be
    /// posted: a locked one keeps its value by refusing the click (which keyboard toggles are
    /// too).
    fn keep_locked(&self) -> impl Fn(leptos::ev::MouseEvent) + Copy + 'static {
        let read_only = self.read_only();
        move |ev| {
            if read_only() {
                ev.prevent_default();
            }
        }
    }
}

/// A text, number, date or email input, or a text area.
fn text_control(c: &Control, kind: &FieldKind) -> AnyView {
    let Control {
        id,
        name,
        initial,
        placeholder,
        ..
    } = c.clone();
    let (invalid, aria_required, read_only) = (c.invalid(), c.aria_required(), c.read_only());
    let described_by = c.described_by();
    let (on_input, blur) = (c.on_input(), c.blur());
    match kind {
        FieldKind::LongText { max_length, .. } => view! {
            <textarea
                id=id.clone()
                name=name.clone()
                rows="5"
                maxlength=max_length.map(|m| m.to_string())
                placeholder=placeholder.clone()
                readonly=read_only
                aria-required=aria_required
                aria-invalid=invalid
                aria-describedby=described_by.clone()
                on:input=on_input
                on:blur=blur
            >
                {initial.clone()}
            </textarea>
        }
        .into_any(),
        kind => {
            let (input_type, min, max, step, max_length) = match kind {
                FieldKind::Number { min, max, step } => (
                    "number",
                    min.map(fmt_number),
                    max.map(fmt_number),
                    Some(step.map(fmt_number).unwrap_or_else(|| "any".into())),
                    None,
                ),
                FieldKind::Money { min, max, .. } => (
                    "number",
                    min.map(fmt_number),
                    max.map(fmt_number),
                    Some("0.01".to_owned()),
                    None,
                ),
                FieldKind::Date { .. } => ("date", None, None, None, None),
                FieldKind::DateTime { .. } => ("datetime-local", None, None, None, None),
                FieldKind::Email => ("email", None, None, None, None),
                FieldKind::ShortText { max_length, .. } => {
                    ("text", None, None, None, max_length.map(|m| m.to_string()))
                }
                _ => ("text", None, None, None, None),
            };
            view! {
                <input
                    id=id.clone()
                    name=name.clone()
                    type=input_type
                    value=initial.clone()
                    min=min
                    max=max
                    step=step
                    maxlength=max_length
                    placeholder=placeholder.clone()
                    readonly=read_only
                    aria-required=aria_required
                    aria-invalid=invalid
                    aria-describedby=described_by.clone()
                    on:input=on_input
                    on:blur=blur
                />
            }
            .into_any()
        }
    }
}

/// A select (as a list or as radio buttons), a department, or a multi select.
fn choice_control(c: &Control, kind: &FieldKind) -> AnyView {
    let Control {
        id, name, initial, ..
    } = c.clone();
    let (invalid, aria_required, read_only) = (c.invalid(), c.aria_required(), c.read_only());
    let described_by = c.described_by();
    let (on_input, blur) = (c.on_input(), c.blur());
    let (option_allowed, aria_readonly) = (c.option_allowed(), c.aria_readonly());
    match kind {
        FieldKind::Select {
            options,
            radio: true,
        } => {
            let choices = options
                .iter()
                .map(|o| {
                    let option_id = format!("{id}-{}", o.value);
                    let label_for = option_id.clone();
                    let value = o.value.clone();
                    let allowed = Signal::derive(move || option_allowed(&value));
                    view! {
                        <label class="radio" for=label_for hidden=move || !allowed.get()>
                            <input
                                id=option_id
                                type="radio"
                                name=name.clone()
                                value=o.value.clone()
                                checked=initial == o.value
                                disabled=move || !allowed.get() || read_only()
                                on:change=on_input
                            />
                            {o.label.clone()}
                        </label>
                    }
                })
                .collect_view();
            view! {
                <div
                    class="radio-group"
                    role="radiogroup"
                    aria-readonly=aria_readonly
                    aria-labelledby=format!("{id}-label")
                    aria-required=aria_required
                    aria-invalid=invalid
                    aria-describedby=described_by.clone()
                >
                    {choices}
                </div>
            }
            .into_any()
        }
        kind @ (FieldKind::Select { .. } | FieldKind::Department) => {
            // A department field is a select over the organisation's departments.
            let (options, prompt) = match kind {
                FieldKind::Select { options, .. } => (options.clone(), "Choose…"),
                _ => (
                    use_context::<crate::catalog::model::DepartmentChoices>()
                        .unwrap_or_default()
                        .0,
                    "Choose a department…",
                ),
            };
            view! {
            <select
                id=id.clone()
                name=name.clone()
                aria-required=aria_required
                aria-invalid=invalid
                aria-describedby=described_by.clone()
                on:change=on_input
                on:blur=blur
            >
                <option value="" selected=initial.is_empty()>{prompt}</option>
                {options
                    .iter()
                    .map(|o| {
                        let value = o.value.clone();
                        let selected = o.value == initial;
                        let allowed = Signal::derive(move || {
                            option_allowed(&value) && (!read_only() || selected)
                        });
                        view! {
                            <option
                                value=o.value.clone()
                                selected=selected
                                disabled=move || !allowed.get()
                                hidden=move || !allowed.get()
                            >
                                {o.label.clone()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            }
            .into_any()
        }
        FieldKind::MultiSelect { options, .. } => multi_select_control(c, options),
        _ => ().into_any(),
    }
}

/// A checkbox, or yes/no radio buttons.
fn toggle_control(c: &Control, kind: &FieldKind) -> AnyView {
    let Control {
        id, name, initial, ..
    } = c.clone();
    let (invalid, described_by) = (c.invalid(), c.described_by());
    let (on_input, blur, on_value) = (c.on_input(), c.blur(), c.on_value);
    let (aria_readonly, keep_locked) = (c.aria_readonly(), c.keep_locked());
    match kind {
        FieldKind::Checkbox => view! {
            <input
                id=id.clone()
                name=name.clone()
                type="checkbox"
                class="checkbox"
                checked=!initial.is_empty() && initial != "false"
                aria-readonly=aria_readonly
                on:click=keep_locked
                aria-invalid=invalid
                aria-describedby=described_by.clone()
                on:change=move |ev| {
                    on_value.run(if event_target_checked(&ev) { "on".into() } else { String::new() })
                }
                on:blur=blur
            />
        }
            .into_any(),
        FieldKind::YesNo => {
            let option = |value: &'static str, label: &'static str| {
                let option_id = format!("{id}-{value}");
                let label_for = option_id.clone();
                view! {
                    <label class="radio" for=label_for>
                        <input
                            id=option_id
                            type="radio"
                            name=name.clone()
                            value=value
                            checked=initial == value
                            on:click=keep_locked
                            on:change=on_input
                        />
                        {label}
                    </label>
                }
            };
            view! {
                <div
                    class="radio-group"
                    role="radiogroup"
                    aria-readonly=aria_readonly
                    aria-labelledby=format!("{id}-label")
                    aria-invalid=invalid
                    aria-describedby=described_by.clone()
                >
                    {option("yes", "Yes")}
                    {option("no", "No")}
                </div>
            }
                .into_any()
        }
        _ => ().into_any(),
    }
}

/// A multi select: a box per option; the chosen values travel joined under the field's key.
fn multi_select_control(c: &Control, options: &[SelectOption]) -> AnyView {
    let Control { id, initial, .. } = c.clone();
    let (invalid, described_by, on_value) = (c.invalid(), c.described_by(), c.on_value);
    let (option_allowed, aria_readonly, keep_locked) =
        (c.option_allowed(), c.aria_readonly(), c.keep_locked());
    let chosen = RwSignal::new(
        crate::domain::form::split_multi(&initial)
            .into_iter()
            .map(str::to_owned)
            .collect::<std::collections::BTreeSet<String>>(),
    );
    let key = c.key.clone();
    view! {
            <fieldset
                id=id.clone()
                class="checkbox-group"
                aria-labelledby=format!("{id}-label")
                aria-invalid=invalid
                aria-describedby=described_by.clone()
            >
                {options
                    .iter()
                    .map(|o| {
                        let value = o.value.clone();
                        let option_id = format!("{id}-{}", o.value);
                        let label_for = option_id.clone();
                        let checked = chosen.with_untracked(|c| c.contains(&value));
                        let allowed_value = value.clone();
                        view! {
                            <label class="checkbox-label" for=label_for hidden=move || !option_allowed(&allowed_value)>
                                <input
                                    id=option_id
                                    type="checkbox"
                                    name=format!("answers[{key}.{value}]")
                                    checked=checked
                                    aria-readonly=aria_readonly
                                    on:click=keep_locked
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| {
                                            if on { c.insert(value.clone()); } else { c.remove(&value); }
                                        });
                                        let joined = chosen.with_untracked(|c| {
                                            c.iter().cloned().collect::<Vec<_>>().join(&crate::domain::form::MULTI_SEPARATOR.to_string())
                                        });
                                        on_value.run(joined);
                                    }
                                />
                                {o.label.clone()}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
        }
        .into_any()
}
