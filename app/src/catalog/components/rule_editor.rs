//! Edits the rules of a form: "when <field> <op> <value>, then <effect> <field>".
//!
//! Rules with compound conditions (all/any), e.g. from an imported file, are shown read-only.

use crate::domain::form::{FieldKind, FormDefinition};
use crate::domain::rules::{Condition, Effect, FieldTest, Op, Rule};
use leptos::prelude::*;
use serde_json::Value;

const OPS: [Op; 8] = [
    Op::Equals,
    Op::NotEquals,
    Op::In,
    Op::GreaterThan,
    Op::LessThan,
    Op::IsEmpty,
    Op::IsNotEmpty,
    Op::Contains,
];
const EFFECTS: [&str; 4] = ["show", "hide", "require", "read_only"];

fn effect_name(effect: &Effect) -> &'static str {
    match effect {
        Effect::Show { .. } => "show",
        Effect::Hide { .. } => "hide",
        Effect::Require { .. } => "require",
        Effect::ReadOnly { .. } => "read_only",
        Effect::RestrictOptions { .. } => "restrict_options",
    }
}

fn make_effect(name: &str, field: String) -> Effect {
    match name {
        "hide" => Effect::Hide { field },
        "require" => Effect::Require { field },
        "read_only" => Effect::ReadOnly { field },
        _ => Effect::Show { field },
    }
}

/// Turns what the admin typed into a value of the right type for the tested field.
pub fn parse_value(kind: Option<&FieldKind>, op: Op, text: &str) -> Option<Value> {
    if matches!(op, Op::IsEmpty | Op::IsNotEmpty) {
        return None;
    }
    let one = |t: &str| -> Value {
        let t = t.trim();
        match kind {
            Some(FieldKind::Number { .. }) => t
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .unwrap_or_else(|| Value::String(t.into())),
            Some(FieldKind::Checkbox) => Value::Bool(matches!(t, "yes" | "true" | "on")),
            _ => Value::String(t.into()),
        }
    };
    Some(if op == Op::In {
        Value::Array(text.split(',').map(one).collect())
    } else {
        one(text)
    })
}

fn value_text(value: &Option<Value>) -> String {
    match value {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| value_text(&Some(v.clone())))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

/// A change to a single-condition rule: its test and its effect, with the form for context.
type RuleChange = Box<dyn Fn(&mut FieldTest, &mut Effect, &FormDefinition)>;

#[component]
pub fn RuleEditor(index: usize, definition: RwSignal<FormDefinition>) -> impl IntoView {
    let rule = move || definition.with(|d| d.rules.get(index).cloned());
    let keys = move || {
        definition.with(|d| {
            d.fields
                .iter()
                .map(|f| (f.key.clone(), f.label.clone()))
                .collect::<Vec<_>>()
        })
    };
    let update = move |change: RuleChange| {
        definition.update(|d| {
            let snapshot = d.clone();
            if let Some(Rule {
                when: Condition::Field(test),
                then,
            }) = d.rules.get_mut(index)
            {
                if let Some(effect) = then.first_mut() {
                    change(test, effect, &snapshot);
                }
            }
        })
    };
    let id = move |part: &str| format!("r{index}-{part}");
    let field_options = move |selected: String| {
        keys()
            .into_iter()
            .map(|(key, label)| {
                let is = key == selected;
                view! { <option value=key selected=is>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <li class="rule-editor">
            {move || match rule() {
                Some(Rule { when: Condition::Field(test), then }) if then.len() == 1 => {
                    let effect = then[0].clone();
                    view! {
                        <div class="rule-row">
                            <span>"When"</span>
                            <label class="visually-hidden" for=id("field")>"Tested field"</label>
                            <select id=id("field") on:change=move |ev| { let v = event_target_value(&ev); update(Box::new(move |t, _, _| t.field = v.clone())) }>
                                {field_options(test.field.clone())}
                            </select>
                            <label class="visually-hidden" for=id("op")>"Comparison"</label>
                            <select id=id("op") on:change=move |ev| {
                                let v = event_target_value(&ev);
                                update(Box::new(move |t, _, d| {
                                    if let Some(op) = OPS.into_iter().find(|o| o.label() == v) {
                                        let kind = d.fields.iter().find(|f| f.key == t.field).map(|f| &f.kind);
                                        t.value = parse_value(kind, op, &value_text(&t.value));
                                        t.op = op;
                                    }
                                }))
                            }>
                                {OPS.into_iter().map(|o| view! { <option value=o.label() selected=o == test.op>{o.label()}</option> }).collect_view()}
                            </select>
                            <label class="visually-hidden" for=id("value")>"Value"</label>
                            <input id=id("value") type="text" placeholder="value" prop:value=value_text(&test.value)
                                disabled=matches!(test.op, Op::IsEmpty | Op::IsNotEmpty)
                                on:change=move |ev| {
                                    let text = event_target_value(&ev);
                                    update(Box::new(move |t, _, d| {
                                        let kind = d.fields.iter().find(|f| f.key == t.field).map(|f| &f.kind);
                                        t.value = parse_value(kind, t.op, &text);
                                    }))
                                }/>
                            <span>"then"</span>
                            <label class="visually-hidden" for=id("effect")>"Effect"</label>
                            <select id=id("effect") on:change=move |ev| {
                                let v = event_target_value(&ev);
                                update(Box::new(move |_, e, _| *e = make_effect(&v, e.field().to_owned())))
                            }>
                                {EFFECTS.into_iter().map(|name| view! { <option value=name selected=effect_name(&effect) == name>{name.replace('_', " ")}</option> }).collect_view()}
                            </select>
                            <label class="visually-hidden" for=id("target")>"Affected field"</label>
                            <select id=id("target") on:change=move |ev| {
                                let v = event_target_value(&ev);
                                update(Box::new(move |_, e, _| *e = make_effect(effect_name(e), v.clone())))
                            }>
                                {field_options(effect.field().to_owned())}
                            </select>
                        </div>
                    }
                    .into_any()
                }
                Some(other) => view! {
                    <pre class="rule-json">{serde_json::to_string_pretty(&other).unwrap_or_default()}</pre>
                }
                .into_any(),
                None => ().into_any(),
            }}
            <button type="button" class="button small danger" aria-label=move || format!("Remove rule {}", index + 1)
                on:click=move |_| definition.update(|d| { if index < d.rules.len() { d.rules.remove(index); } })>"Remove rule"</button>
        </li>
    }
}
