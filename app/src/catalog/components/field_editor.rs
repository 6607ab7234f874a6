//! Edits one field of a form definition in place: label, key, type, required, help, and the
//! settings of its type.

use crate::domain::form::{fmt_number, FieldDef, FieldKind, FormDefinition, SelectOption};
use crate::domain::rules::kind_name;
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
        FieldKind::Section,
    ]
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

fn options_from_text(text: &str) -> Vec<SelectOption> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|label| SelectOption::new(&key_from_label(label), label))
        .collect()
}

#[component]
pub fn FieldEditor(index: usize, definition: RwSignal<FormDefinition>) -> impl IntoView {
    let read = move |f: fn(&FieldDef) -> String| {
        move || definition.with(|d| d.fields.get(index).map(f).unwrap_or_default())
    };
    let edit = move |change: Box<dyn Fn(&mut FieldDef)>| {
        definition.update(|d| {
            if let Some(field) = d.fields.get_mut(index) {
                change(field);
            }
        })
    };
    let kind_label = move || {
        definition.with(|d| {
            d.fields
                .get(index)
                .map(|f| kind_name(&f.kind))
                .unwrap_or("")
        })
    };
    let id = move |part: &str| format!("f{index}-{part}");
    let on_label = move |ev| {
        let label = event_target_value(&ev);
        edit(Box::new(move |f| {
            // The key follows the label until someone edits the key itself.
            if f.key.is_empty() || f.key == key_from_label(&f.label) {
                f.key = key_from_label(&label);
            }
            f.label = label.clone();
        }))
    };
    let on_kind = move |ev| {
        let chosen = event_target_value(&ev);
        if let Some(kind) = field_types().into_iter().find(|k| kind_name(k) == chosen) {
            edit(Box::new(move |f| f.kind = kind.clone()));
        }
    };
    let move_by = move |delta: isize| {
        definition.update(|d| {
            let to = index as isize + delta;
            if to >= 0 && (to as usize) < d.fields.len() {
                d.fields.swap(index, to as usize);
            }
        })
    };
    let settings = move || {
        let kind = definition.with(|d| d.fields.get(index).map(|f| f.kind.clone()))?;
        Some(match kind {
            FieldKind::Select { options, .. } | FieldKind::MultiSelect { options, .. } => view! {
                <label for=id("options")>"Options (one per line)"</label>
                <textarea
                    id=id("options")
                    rows="3"
                    prop:value=options_text(&options)
                    on:change=move |ev| {
                        let options = options_from_text(&event_target_value(&ev));
                        edit(Box::new(move |f| match &mut f.kind {
                            FieldKind::Select { options: o, .. } | FieldKind::MultiSelect { options: o, .. } => *o = options.clone(),
                            _ => {}
                        }))
                    }
                ></textarea>
            }
            .into_any(),
            FieldKind::Number { min, max, step } => {
                let number = move |value: String| value.trim().parse::<f64>().ok();
                view! {
                    <div class="inline-inputs">
                        <label>"Min " <input type="number" step="any" prop:value=min.map(fmt_number).unwrap_or_default()
                            on:change=move |ev| { let v = number(event_target_value(&ev)); edit(Box::new(move |f| if let FieldKind::Number { min, .. } = &mut f.kind { *min = v })) }/></label>
                        <label>"Max " <input type="number" step="any" prop:value=max.map(fmt_number).unwrap_or_default()
                            on:change=move |ev| { let v = number(event_target_value(&ev)); edit(Box::new(move |f| if let FieldKind::Number { max, .. } = &mut f.kind { *max = v })) }/></label>
                        <label>"Step " <input type="number" step="any" prop:value=step.map(fmt_number).unwrap_or_default()
                            on:change=move |ev| { let v = number(event_target_value(&ev)); edit(Box::new(move |f| if let FieldKind::Number { step, .. } = &mut f.kind { *step = v })) }/></label>
                    </div>
                }
                .into_any()
            }
            FieldKind::Money { currency, .. } => view! {
                <label for=id("currency")>"Currency (three letters)"</label>
                <input id=id("currency") type="text" maxlength="3" prop:value=currency
                    on:change=move |ev| { let v = event_target_value(&ev).to_uppercase(); edit(Box::new(move |f| if let FieldKind::Money { currency, .. } = &mut f.kind { *currency = v.clone() })) }/>
            }
            .into_any(),
            FieldKind::ShortText { pattern, .. } => {
                let (regex, message) = pattern.map(|p| (p.regex, p.message)).unwrap_or_default();
                let set_pattern = move |regex: Option<String>, message: Option<String>| {
                    edit(Box::new(move |f| {
                        if let FieldKind::ShortText { pattern, .. } = &mut f.kind {
                            let mut p = pattern.take().unwrap_or(crate::domain::form::Pattern { regex: String::new(), message: String::new() });
                            if let Some(r) = &regex { p.regex = r.clone(); }
                            if let Some(m) = &message { p.message = m.clone(); }
                            *pattern = (!p.regex.is_empty()).then_some(p);
                        }
                    }))
                };
                view! {
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
        })
    };
    view! {
        <li class="field-editor">
            <div class="field-editor-head">
                <strong>{move || format!("{}. {}", index + 1, kind_label())}</strong>
                <div class="button-row">
                    <button type="button" class="button small" aria-label=move || format!("Move field {} up", index + 1)
                        disabled=move || index == 0 on:click=move |_| move_by(-1)>"↑"</button>
                    <button type="button" class="button small" aria-label=move || format!("Move field {} down", index + 1)
                        disabled=move || { index + 1 >= definition.with(|d| d.fields.len()) } on:click=move |_| move_by(1)>"↓"</button>
                    <button type="button" class="button small danger" aria-label=move || format!("Remove field {}", index + 1)
                        on:click=move |_| definition.update(|d| { if index < d.fields.len() { d.fields.remove(index); } })>"Remove"</button>
                </div>
            </div>
            <div class="editor-grid">
                <label for=id("label")>"Label"</label>
                <input id=id("label") type="text" prop:value=read(|f| f.label.clone()) on:input=on_label/>
                <label for=id("key")>"Key"</label>
                <input id=id("key") type="text" prop:value=read(|f| f.key.clone())
                    on:input=move |ev| { let key = event_target_value(&ev); edit(Box::new(move |f| f.key = key.clone())) }/>
                <label for=id("type")>"Type"</label>
                <select id=id("type") on:change=on_kind>
                    {field_types().into_iter().map(|k| {
                        let name = kind_name(&k);
                        view! { <option value=name selected=move || kind_label() == name>{name}</option> }
                    }).collect_view()}
                </select>
                <label for=id("help")>"Help text"</label>
                <input id=id("help") type="text" prop:value=read(|f| f.help.clone().unwrap_or_default())
                    on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |f| f.help = Some(v.clone()).filter(|h| !h.is_empty()))) }/>
            </div>
            <label class="checkbox-label" for=id("required")>
                <input id=id("required") type="checkbox"
                    prop:checked=move || definition.with(|d| d.fields.get(index).is_some_and(|f| f.required))
                    on:change=move |ev| { let on = event_target_checked(&ev); edit(Box::new(move |f| f.required = on)) }/>
                " Required"
            </label>
            {settings}
        </li>
    }
}
