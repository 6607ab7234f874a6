//! Edits one field of a form definition in place: label, key, type, required, help, and the
//! settings of its type.

use crate::domain::definition::ItemDefinition;
use crate::domain::form::{fmt_number, FieldDef, FieldKind, FormDefinition, SelectOption};
use crate::domain::rules::kind_name;
use crate::domain::state::Priority;
use leptos::prelude::*;

/// The types offered in the designer, with a fresh value of each.
pub fn field_types() -> Vec<FieldKind> {
    vec![
        FieldKind::ShortText {
            min_length: None,
            max_length: None,
            pattern: None,
        },
        FieldKind::LongText {
            min_length: None,
            max_length: None,
        },
        FieldKind::Number {
            min: None,
            max: None,
            step: None,
        },
        FieldKind::Money {
            currency: "EUR".into(),
            min: Some(0.0),
            max: None,
        },
        FieldKind::Date { future_only: false },
        FieldKind::DateTime { future_only: false },
        FieldKind::Select {
            radio: false,
            options: vec![SelectOption::new("option_1", "Option 1")],
        },
        FieldKind::MultiSelect {
            options: vec![SelectOption::new("option_1", "Option 1")],
            min: None,
            max: None,
        },
        FieldKind::Checkbox,
        FieldKind::YesNo,
        FieldKind::Email,
        FieldKind::Department,
        FieldKind::User,
        FieldKind::Attachment {
            max_size_mb: None,
            accept: vec![],
        },
        FieldKind::Group {
            fields: vec![FieldDef::new(
                "name",
                "Name",
                FieldKind::ShortText {
                    min_length: None,
                    max_length: None,
                    pattern: None,
                },
                true,
            )],
            min_rows: Some(1),
            max_rows: None,
        },
        FieldKind::Section,
    ]
}

/// The types a field inside a repeating group may have (no headings, no nested groups).
pub fn sub_field_types() -> Vec<FieldKind> {
    field_types()
        .into_iter()
        .filter(|k| !matches!(k, FieldKind::Section | FieldKind::Group { .. }))
        .collect()
}

/// The field at `index` of the form, or at `sub` inside the group at `index`.
fn field_at(d: &FormDefinition, index: usize, sub: Option<usize>) -> Option<&FieldDef> {
    let field = d.fields.get(index)?;
    match (sub, &field.kind) {
        (None, _) => Some(field),
        (Some(j), FieldKind::Group { fields, .. }) => fields.get(j),
        _ => None,
    }
}

/// The list holding the field (the form's, or its group's), for moving and removing.
fn list_of(d: &mut FormDefinition, index: usize, sub: Option<usize>) -> Option<&mut Vec<FieldDef>> {
    match sub {
        None => Some(&mut d.fields),
        Some(_) => match &mut d.fields.get_mut(index)?.kind {
            FieldKind::Group { fields, .. } => Some(fields),
            _ => None,
        },
    }
}

/// Where a field sits in the definition being edited: at `index` of the form, or at `sub`
/// inside the group at `index`.
#[derive(Clone, Copy)]
struct FieldAt {
    definition: RwSignal<ItemDefinition>,
    index: usize,
    sub: Option<usize>,
}

impl FieldAt {
    /// A unique element id for one part of this field's editor.
    fn id(&self, part: &str) -> String {
        match self.sub {
            None => format!("f{}-{part}", self.index),
            Some(j) => format!("f{}-{j}-{part}", self.index),
        }
    }

    fn edit(&self, change: impl Fn(&mut FieldDef)) {
        let (index, sub) = (self.index, self.sub);
        self.definition.update(|d| {
            let position = sub.unwrap_or(index);
            if let Some(field) = list_of(&mut d.form, index, sub).and_then(|l| l.get_mut(position))
            {
                change(field);
            }
        })
    }

    /// The field's number as people read it: `3`, or `3.2` for a group's second sub-field.
    fn number(&self) -> String {
        match self.sub {
            None => format!("{}", self.index + 1),
            Some(j) => format!("{}.{}", self.index + 1, j + 1),
        }
    }

    fn position(&self) -> usize {
        self.sub.unwrap_or(self.index)
    }

    /// How many fields the list holding this one has.
    fn list_len(&self) -> usize {
        let (index, sub) = (self.index, self.sub);
        self.definition.with(|d| match sub {
            None => d.form.fields.len(),
            Some(_) => match d.form.fields.get(index).map(|f| &f.kind) {
                Some(FieldKind::Group { fields, .. }) => fields.len(),
                _ => 0,
            },
        })
    }

    /// Moves the field up (`-1`) or down (`1`) its list.
    fn move_by(&self, delta: isize) {
        let (index, sub, position) = (self.index, self.sub, self.position());
        self.definition.update(|d| {
            if let Some(list) = list_of(&mut d.form, index, sub) {
                let to = position as isize + delta;
                if to >= 0 && (to as usize) < list.len() {
                    list.swap(position, to as usize);
                }
            }
        })
    }

    fn remove(&self) {
        let (index, sub, position) = (self.index, self.sub, self.position());
        self.definition.update(|d| {
            if let Some(list) = list_of(&mut d.form, index, sub) {
                if position < list.len() {
                    list.remove(position);
                }
            }
        })
    }

    fn kind(&self) -> Option<FieldKind> {
        self.definition
            .with(|d| field_at(&d.form, self.index, self.sub).map(|f| f.kind.clone()))
    }
}

/// `"Laptop model"` → `"laptop_model"`: a key derived from a label.
pub fn key_from_label(label: &str) -> String {
    let mut key = String::new();
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
    }
    key.trim_end_matches('_').to_owned()
}

fn options_text(options: &[SelectOption]) -> String {
    options
        .iter()
        .map(|o| o.label.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Options from the designer's text, one per line; an option kept from `before` (same label)
/// keeps the priority it sets.
fn options_from_text(text: &str, before: &[SelectOption]) -> Vec<SelectOption> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|label| SelectOption {
            priority: before
                .iter()
                .find(|o| o.label == label)
                .and_then(|o| o.priority),
            ..SelectOption::new(&key_from_label(label), label)
        })
        .collect()
}

/// Edits the field at `index`, or with `sub` the field at `sub` inside the group at `index`.
#[component]
pub fn FieldEditor(
    index: usize,
    #[prop(optional)] sub: Option<usize>,
    definition: RwSignal<ItemDefinition>,
) -> impl IntoView {
    let read = move |f: fn(&FieldDef) -> String| {
        move || definition.with(|d| field_at(&d.form, index, sub).map(f).unwrap_or_default())
    };
    let at = FieldAt {
        definition,
        index,
        sub,
    };
    let kind_label = move || {
        definition.with(|d| {
            field_at(&d.form, index, sub)
                .map(|f| kind_name(&f.kind))
                .unwrap_or("")
        })
    };
    let id = move |part: &str| at.id(part);
    let number = at.number();
    let types = if sub.is_some() {
        sub_field_types()
    } else {
        field_types()
    };
    let on_label = move |ev| {
        let label = event_target_value(&ev);
        at.edit(move |f| {
            // The key follows the label until someone edits the key itself.
            if f.key.is_empty() || f.key == key_from_label(&f.label) {
                f.key = key_from_label(&label);
            }
            f.label = label.clone();
        })
    };
    let on_kind = move |ev| {
        let chosen = event_target_value(&ev);
        let offered = if sub.is_some() {
            sub_field_types()
        } else {
            field_types()
        };
        if let Some(kind) = offered.into_iter().find(|k| kind_name(k) == chosen) {
            at.edit(move |f| f.kind = kind.clone());
        }
    };
    let settings = move || {
        at.kind().map(|kind| match kind {
            FieldKind::Select { .. } | FieldKind::MultiSelect { .. } => choice_settings(at, kind),
            FieldKind::Attachment { .. } => attachment_settings(at, kind),
            FieldKind::ShortText { .. } => short_text_settings(at, kind),
            _ => limit_settings(at, kind),
        })
    };
    view! {
        <li class="field-editor">
            // Named by its label (its type in brackets), as the employee will read it.
            <FieldEditorHead at title=Signal::derive(move || {
                let label = definition.with(|d| field_at(&d.form, index, sub).map(|f| f.label.clone()).unwrap_or_default());
                if label.trim().is_empty() {
                    format!("{number}. New {} field", kind_label())
                } else {
                    format!("{number}. {label} ({})", kind_label())
                }
            })/>
            <div class="editor-grid">
                <label for=id("label")>"Label"</label>
                <input id=id("label") type="text" prop:value=read(|f| f.label.clone()) on:input=on_label/>
                <label for=id("key")>"Key"</label>
                <input id=id("key") type="text" prop:value=read(|f| f.key.clone())
                    on:input=move |ev| { let key = event_target_value(&ev); at.edit(move |f| f.key = key.clone()) }/>
                <label for=id("type")>"Type"</label>
                <select id=id("type") on:change=on_kind>
                    {types.into_iter().map(|k| {
                        let name = kind_name(&k);
                        view! { <option value=name selected=move || kind_label() == name>{name}</option> }
                    }).collect_view()}
                </select>
                <label for=id("help")>"Help text"</label>
                <input id=id("help") type="text" prop:value=read(|f| f.help.clone().unwrap_or_default())
                    on:input=move |ev| { let v = event_target_value(&ev); at.edit(move |f| f.help = Some(v.clone()).filter(|h| !h.is_empty())) }/>
                <label for=id("placeholder")>"Placeholder"</label>
                <input id=id("placeholder") type="text" prop:value=read(|f| f.placeholder.clone().unwrap_or_default())
                    on:input=move |ev| { let v = event_target_value(&ev); at.edit(move |f| f.placeholder = Some(v.clone()).filter(|h| !h.is_empty())) }/>
                <label for=id("default")>"Default answer"</label>
                <input id=id("default") type="text" prop:value=read(|f| f.default.clone().unwrap_or_default())
                    placeholder="e.g. an option's key, yes, 2026-01-31"
                    on:change=move |ev| { let v = event_target_value(&ev); at.edit(move |f| f.default = Some(v.trim().to_owned()).filter(|h| !h.is_empty())) }/>
            </div>
            <label class="checkbox-label" for=id("required")>
                <input id=id("required") type="checkbox"
                    prop:checked=move || definition.with(|d| field_at(&d.form, index, sub).is_some_and(|f| f.required))
                    on:change=move |ev| { let on = event_target_checked(&ev); at.edit(move |f| f.required = on) }/>
                " Required"
            </label>
            {sub.is_none().then(|| view! {
                <label class="checkbox-label" for=id("summary")>
                    <input id=id("summary") type="checkbox"
                        prop:checked=move || definition.with(|d| field_at(&d.form, index, sub).is_some_and(|f| f.summary))
                        on:change=move |ev| { let on = event_target_checked(&ev); at.edit(move |f| f.summary = on) }/>
                    " Key fact (shown to approvers on their cards)"
                </label>
            })}
            {settings}
            {(sub.is_none()).then(|| view! { <RowFields at/> })}
        </li>
    }
}

/// The field's number and type, with buttons to move and remove it.
#[component]
fn FieldEditorHead(at: FieldAt, title: Signal<String>) -> impl IntoView {
    let number = at.number();
    let position = at.position();
    view! {
        <div class="field-editor-head">
            <strong>{title}</strong>
            <div class="button-row">
                <button type="button" class="button small" aria-label=format!("Move field {number} up")
                    disabled=move || position == 0 on:click=move |_| at.move_by(-1)>"↑"</button>
                <button type="button" class="button small" aria-label=format!("Move field {number} down")
                    disabled=move || { position + 1 >= at.list_len() } on:click=move |_| at.move_by(1)>"↓"</button>
                <button type="button" class="button small danger" aria-label=format!("Remove field {number}")
                    on:click=move |_| at.remove()>"Remove"</button>
            </div>
        </div>
    }
}

/// The fields of each row, when the field is a group: kept apart from the settings above so
/// that typing in them does not rebuild them.
#[component]
fn RowFields(at: FieldAt) -> impl IntoView {
    let FieldAt {
        definition, index, ..
    } = at;
    let sub_count = Memo::new(move |_| {
        definition.with(|d| match d.form.fields.get(index).map(|f| &f.kind) {
            Some(FieldKind::Group { fields, .. }) => Some(fields.len()),
            _ => None,
        })
    });
    move || {
        sub_count.get().map(|_| {
            view! {
                <p class="small muted">"Each row has these fields:"</p>
                <ol class="editor-list nested">
                    <For each=move || 0..sub_count.get().unwrap_or(0) key=|j| *j let:j>
                        {view! { <FieldEditor index sub=j definition/> }.into_any()}
                    </For>
                </ol>
                <button type="button" class="button small" on:click=move |_| definition.update(|d| {
                    if let Some(FieldKind::Group { fields, .. }) = d.form.fields.get_mut(index).map(|f| &mut f.kind) {
                        let n = fields.len() + 1;
                        fields.push(FieldDef::new(&format!("field_{n}"), &format!("Field {n}"), FieldKind::ShortText { min_length: None, max_length: None, pattern: None }, false));
                    }
                })>"Add a field to each row"</button>
            }
        })
    }
}

/// Options of a select or multi select (and, for a select, whether it shows as radio buttons).
fn choice_settings(at: FieldAt, kind: FieldKind) -> AnyView {
    let id = move |part: &str| at.id(part);
    let (options, radio) = match kind {
        FieldKind::Select { options, radio } => (options, Some(radio)),
        FieldKind::MultiSelect { options, .. } => (options, None),
        _ => return ().into_any(),
    };
    view! {
        <label for=id("options")>"Options (one per line)"</label>
        <textarea
            id=id("options")
            rows="3"
            prop:value=options_text(&options)
            on:change=move |ev| {
                let text = event_target_value(&ev);
                at.edit(move |f| {
                    if let FieldKind::Select { options: o, .. } | FieldKind::MultiSelect { options: o, .. } = &mut f.kind {
                        *o = options_from_text(&text, o)
                    }
                })
            }
        ></textarea>
        <OptionPriorities at options=options.clone()/>
        {radio.map(|radio| view! {
            <label class="checkbox-label" for=id("radio")>
                <input id=id("radio") type="checkbox" prop:checked=radio
                    on:change=move |ev| { let on = event_target_checked(&ev); at.edit(move |f| if let FieldKind::Select { radio, .. } = &mut f.kind { *radio = on }) }/>
                " Show every option at once (radio buttons)"
            </label>
        })}
    }
    .into_any()
}

/// Which options set the request's priority when chosen (an urgency or impact field).
#[component]
fn OptionPriorities(at: FieldAt, options: Vec<SelectOption>) -> impl IntoView {
    let any_set = options.iter().any(|o| o.priority.is_some());
    let set = move |position: usize, chosen: String| {
        let priority = chosen.parse::<Priority>().ok();
        at.edit(move |f| {
            if let FieldKind::Select { options, .. } | FieldKind::MultiSelect { options, .. } =
                &mut f.kind
            {
                if let Some(option) = options.get_mut(position) {
                    option.priority = priority;
                }
            }
        })
    };
    view! {
        <details class="option-priorities" open=any_set>
            <summary>"Priority set by each option"</summary>
            <p class="small muted">"For an urgency or impact field: the request arrives with the highest priority its chosen options set, or Medium."</p>
            <div class="editor-grid">
                {options.into_iter().enumerate().map(|(position, option)| {
                    let id = at.id(&format!("option-{position}-priority"));
                    view! {
                        <label for=id.clone()>{option.label.clone()}</label>
                        <select id=id on:change=move |ev| set(position, event_target_value(&ev))>
                            <option value="" selected=option.priority.is_none()>"Leave as it is"</option>
                            {Priority::ALL.into_iter().map(|p| view! {
                                <option value=p.as_str() selected=option.priority == Some(p)>{p.label()}</option>
                            }).collect_view()}
                        </select>
                    }
                }).collect_view()}
            </div>
        </details>
    }
}

/// Size limit and accepted kinds of an attachment.
fn attachment_settings(at: FieldAt, kind: FieldKind) -> AnyView {
    let id = move |part: &str| at.id(part);
    match kind {
            FieldKind::Attachment { max_size_mb, accept } => view! {
                <label for=id("max-mb")>{format!("Largest file in MB (up to {})", crate::domain::files::MAX_ATTACHMENT_MB)}</label>
                <input id=id("max-mb") type="number" min="1" max=crate::domain::files::MAX_ATTACHMENT_MB.to_string()
                    prop:value=max_size_mb.unwrap_or(crate::domain::files::DEFAULT_ATTACHMENT_MB).to_string()
                    on:change=move |ev| { let v = event_target_value(&ev).trim().parse::<u32>().ok(); at.edit(move |f| if let FieldKind::Attachment { max_size_mb, .. } = &mut f.kind { *max_size_mb = v }) }/>
                <fieldset class="checkbox-group">
                    <legend class="small">"Accepted files (none ticked: any supported kind)"</legend>
                    {crate::domain::files::FileKind::ALL.into_iter().map(|kind| {
                        let box_id = id(&format!("accept-{kind:?}"));
                        let label_for = box_id.clone();
                        view! {
                            <label class="checkbox-label" for=label_for>
                                <input id=box_id type="checkbox" prop:checked=accept.contains(&kind)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        at.edit(move |f| if let FieldKind::Attachment { accept, .. } = &mut f.kind {
                                            accept.retain(|k| *k != kind);
                                            if on { accept.push(kind); accept.sort(); }
                                        })
                                    }/>
                                {kind.label()}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            }
            .into_any(),
            _ => ().into_any(),
    }
}

/// Bounds of a number, an amount, a text's length, a date, or a group's rows.
fn limit_settings(at: FieldAt, kind: FieldKind) -> AnyView {
    let id = move |part: &str| at.id(part);
    match kind {
            FieldKind::Group { min_rows, max_rows, .. } => {
                let rows = move |value: String| value.trim().parse::<u32>().ok();
                view! {
                    <div class="inline-inputs">
                        <label>"Fewest rows " <input type="number" min="0" prop:value=min_rows.map(|n| n.to_string()).unwrap_or_default()
                            on:change=move |ev| { let v = rows(event_target_value(&ev)); at.edit(move |f| if let FieldKind::Group { min_rows, .. } = &mut f.kind { *min_rows = v }) }/></label>
                        <label>"Most rows " <input type="number" min="1" max=crate::domain::form::MAX_GROUP_ROWS.to_string() prop:value=max_rows.map(|n| n.to_string()).unwrap_or_default()
                            on:change=move |ev| { let v = rows(event_target_value(&ev)); at.edit(move |f| if let FieldKind::Group { max_rows, .. } = &mut f.kind { *max_rows = v }) }/></label>
                    </div>
                }
                .into_any()
            }
            FieldKind::Number { min, max, step } => {
                let number = move |value: String| crate::domain::numbers::parse_number(value.trim());
                view! {
                    <div class="inline-inputs">
                        <label>"Min " <input type="number" step="any" prop:value=min.map(fmt_number).unwrap_or_default()
                            on:change=move |ev| { let v = number(event_target_value(&ev)); at.edit(move |f| if let FieldKind::Number { min, .. } = &mut f.kind { *min = v }) }/></label>
                        <label>"Max " <input type="number" step="any" prop:value=max.map(fmt_number).unwrap_or_default()
                            on:change=move |ev| { let v = number(event_target_value(&ev)); at.edit(move |f| if let FieldKind::Number { max, .. } = &mut f.kind { *max = v }) }/></label>
                        <label>"Step " <input type="number" step="any" prop:value=step.map(fmt_number).unwrap_or_default()
                            on:change=move |ev| { let v = number(event_target_value(&ev)); at.edit(move |f| if let FieldKind::Number { step, .. } = &mut f.kind { *step = v }) }/></label>
                    </div>
                }
                .into_any()
            }
            FieldKind::Money { currency, min, max } => {
                let number = move |value: String| crate::domain::numbers::parse_number(value.trim());
                view! {
                    <label for=id("currency")>"Currency (three letters)"</label>
                    <input id=id("currency") type="text" maxlength="3" prop:value=currency
                        on:change=move |ev| { let v = event_target_value(&ev).to_ascii_uppercase(); at.edit(move |f| if let FieldKind::Money { currency, .. } = &mut f.kind { *currency = v.clone() }) }/>
                    <div class="inline-inputs">
                        <label>"Min " <input type="number" step="0.01" prop:value=min.map(fmt_number).unwrap_or_default()
                            on:change=move |ev| { let v = number(event_target_value(&ev)); at.edit(move |f| if let FieldKind::Money { min, .. } = &mut f.kind { *min = v }) }/></label>
                        <label>"Max " <input type="number" step="0.01" prop:value=max.map(fmt_number).unwrap_or_default()
                            on:change=move |ev| { let v = number(event_target_value(&ev)); at.edit(move |f| if let FieldKind::Money { max, .. } = &mut f.kind { *max = v }) }/></label>
                    </div>
                }
                .into_any()
            }
            FieldKind::LongText { min_length, max_length } => {
                let count = move |value: String| value.trim().parse::<u32>().ok();
                view! {
                    <div class="inline-inputs">
                        <label>"Fewest characters " <input type="number" min="0" prop:value=min_length.map(|n| n.to_string()).unwrap_or_default()
                            on:change=move |ev| { let v = count(event_target_value(&ev)); at.edit(move |f| if let FieldKind::LongText { min_length, .. } = &mut f.kind { *min_length = v }) }/></label>
                        <label>"Most characters " <input type="number" min="1" prop:value=max_length.map(|n| n.to_string()).unwrap_or_default()
                            on:change=move |ev| { let v = count(event_target_value(&ev)); at.edit(move |f| if let FieldKind::LongText { max_length, .. } = &mut f.kind { *max_length = v }) }/></label>
                    </div>
                }
                .into_any()
            }
            FieldKind::Date { future_only } | FieldKind::DateTime { future_only } => view! {
                <label class="checkbox-label" for=id("future")>
                    <input id=id("future") type="checkbox" prop:checked=future_only
                        on:change=move |ev| { let on = event_target_checked(&ev); at.edit(move |f| if let FieldKind::Date { future_only } | FieldKind::DateTime { future_only } = &mut f.kind { *future_only = on }) }/>
                    " Today or later only"
                </label>
            }
            .into_any(),
            _ => ().into_any(),
    }
}

/// Length limits and pattern of a short text.
fn short_text_settings(at: FieldAt, kind: FieldKind) -> AnyView {
    let id = move |part: &str| at.id(part);
    match kind {
        FieldKind::ShortText {
            pattern,
            min_length,
            max_length,
        } => {
            let count = move |value: String| value.trim().parse::<u32>().ok();
            let lengths = view! {
                <div class="inline-inputs">
                    <label>"Fewest characters " <input type="number" min="0" prop:value=min_length.map(|n| n.to_string()).unwrap_or_default()
                        on:change=move |ev| { let v = count(event_target_value(&ev)); at.edit(move |f| if let FieldKind::ShortText { min_length, .. } = &mut f.kind { *min_length = v }) }/></label>
                    <label>"Most characters " <input type="number" min="1" prop:value=max_length.map(|n| n.to_string()).unwrap_or_default()
                        on:change=move |ev| { let v = count(event_target_value(&ev)); at.edit(move |f| if let FieldKind::ShortText { max_length, .. } = &mut f.kind { *max_length = v }) }/></label>
                </div>
            };
            let (regex, message) = pattern.map(|p| (p.regex, p.message)).unwrap_or_default();
            let set_pattern = move |regex: Option<String>, message: Option<String>| {
                at.edit(move |f| {
                    if let FieldKind::ShortText { pattern, .. } = &mut f.kind {
                        let mut p = pattern.take().unwrap_or(crate::domain::form::Pattern {
                            regex: String::new(),
                            message: String::new(),
                        });
                        if let Some(r) = &regex {
                            p.regex = r.clone();
                        }
                        if let Some(m) = &message {
                            p.message = m.clone();
                        }
                        *pattern = (!p.regex.is_empty()).then_some(p);
                    }
                })
            };
            view! {
                    {lengths}
                    <label for=id("pattern")>"Pattern (regular expression, optional)"</label>
                    <input id=id("pattern") type="text" prop:value=regex placeholder="e.g. [A-Z]{2}-[0-9]{4}"
                        on:change=move |ev| set_pattern(Some(event_target_value(&ev)), None)/>
                    <label for=id("pattern-message")>"Message when it does not match"</label>
                    <input id=id("pattern-message") type="text" prop:value=message placeholder="e.g. Use the form AB-1234."
                        on:change=move |ev| set_pattern(None, Some(event_target_value(&ev)))/>
                }
                .into_any()
        }
        _ => ().into_any(),
    }
}
