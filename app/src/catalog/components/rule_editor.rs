//! Edits the rules of a form: "when all (or any) of these conditions hold, then do these
//! things": show, hide, require, make read-only, restrict the options of fields, or refuse an
//! answer with a message. A condition compares with a value (chosen from the field's options
//! where it has them) or with another field's answer ("Last day is less than First day").
//!
//! A rule's controls are rebuilt only when its shape changes (which fields, comparisons and
//! effects), never for text typed into it, so using one control never loses what was typed in
//! another.
//!
//! Conditions nested more than one level deep (possible in an imported file) are shown as they
//! are, read-only; the rule can still be removed.

use crate::domain::definition::ItemDefinition;
use crate::domain::form::{FieldKind, FormDefinition, SelectOption};
use crate::domain::rules::{
    field_value, working_days_value, Condition, Effect, FieldTest, Op, Operand, Rule,
};
use leptos::prelude::*;
use serde_json::Value;

const EFFECTS: [(&str, &str); 6] = [
    ("show", "show"),
    ("hide", "hide"),
    ("require", "require"),
    ("read_only", "make read-only"),
    ("restrict_options", "limit the options of"),
    ("refuse", "refuse the answer to"),
];

fn effect_name(effect: &Effect) -> &'static str {
    match effect {
        Effect::Show { .. } => "show",
        Effect::Hide { .. } => "hide",
        Effect::Require { .. } => "require",
        Effect::ReadOnly { .. } => "read_only",
        Effect::RestrictOptions { .. } => "restrict_options",
        Effect::Refuse { .. } => "refuse",
    }
}

/// The effect `name` on `field`, keeping what the previous effect said (a refusal's message).
fn make_effect(name: &str, field: String, definition: &FormDefinition, old: &Effect) -> Effect {
    match name {
        "hide" => Effect::Hide { field },
        "require" => Effect::Require { field },
        "read_only" => Effect::ReadOnly { field },
        "refuse" => Effect::Refuse {
            field,
            message: match old {
                Effect::Refuse { message, .. } => message.clone(),
                _ => "Check this answer.".into(),
            },
        },
        "restrict_options" => {
            // Start from every option, so the admin unticks what should go.
            let options = options_of(definition, &field)
                .into_iter()
                .map(|o| o.value)
                .collect();
            Effect::RestrictOptions { field, options }
        }
        _ => Effect::Show { field },
    }
}

fn options_of(definition: &FormDefinition, key: &str) -> Vec<SelectOption> {
    match definition
        .fields
        .iter()
        .find(|f| f.key == key)
        .map(|f| &f.kind)
    {
        Some(FieldKind::Select { options, .. } | FieldKind::MultiSelect { options, .. }) => {
            options.clone()
        }
        _ => Vec::new(),
    }
}

/// Turns what the admin typed into a value of the right type for the tested field.
pub fn parse_value(kind: Option<&FieldKind>, op: Op, text: &str) -> Option<Value> {
    if matches!(op, Op::IsEmpty | Op::IsNotEmpty) {
        return None;
    }
    // Yes/no answers compare as true/false.
    let text = match (kind, text.trim()) {
        (Some(FieldKind::YesNo), "yes") => "true",
        (Some(FieldKind::YesNo), "no") => "false",
        _ => text,
    };
    let one = |t: &str| -> Value {
        let t = t.trim();
        match kind {
            Some(FieldKind::Number { .. } | FieldKind::Money { .. } | FieldKind::Group { .. }) => {
                crate::domain::numbers::parse_number(t)
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
                    .unwrap_or_else(|| Value::String(t.into()))
            }
            Some(FieldKind::Checkbox | FieldKind::YesNo) => {
                Value::Bool(matches!(t, "yes" | "true" | "on"))
            }
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
        Some(Value::Object(_)) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| value_text(&Some(v.clone())))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Number(n)) => n
            .as_f64()
            .map(crate::domain::form::fmt_number)
            .unwrap_or_else(|| n.to_string()),
        Some(other) => other.to_string(),
    }
}

/// A condition as a flat list of tests joined by all (`false`) or any (`true`); `None` when
/// it nests deeper than the editor shows.
pub fn flatten(condition: &Condition) -> Option<(bool, Vec<FieldTest>)> {
    let tests = |list: &[Condition]| -> Option<Vec<FieldTest>> {
        list.iter()
            .map(|c| match c {
                Condition::Field(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    };
    match condition {
        Condition::Field(t) => Some((false, vec![t.clone()])),
        Condition::All(list) => Some((false, tests(list)?)),
        Condition::Any(list) => Some((true, tests(list)?)),
    }
}

/// The condition for a flat list of tests (a single test stands alone).
pub fn unflatten(any: bool, mut tests: Vec<FieldTest>) -> Condition {
    if tests.len() == 1 {
        if let Some(test) = tests.pop() {
            return Condition::Field(test);
        }
    }
    let list = tests.into_iter().map(Condition::Field).collect();
    if any {
        Condition::Any(list)
    } else {
        Condition::All(list)
    }
}

/// What decides which controls a rule shows: its fields, comparisons and effects, and the
/// form's fields, but not the text typed into it (values, messages, ticked options).
fn rule_shape(form: &FormDefinition, index: usize) -> Option<String> {
    let rule = form.rules.get(index)?;
    let mut shape: String = form
        .fields
        .iter()
        .map(|f| format!("{}={};", f.key, f.label))
        .collect();
    match flatten(&rule.when) {
        Some((any, tests)) => {
            shape.push_str(if any { "|any|" } else { "|all|" });
            for t in &tests {
                shape.push_str(&format!(
                    "{} {} {};",
                    t.field,
                    t.op.label(),
                    operand_key(t).unwrap_or_else(|| "-".into())
                ));
            }
            for e in &rule.then {
                shape.push_str(&format!("|{} {}", effect_name(e), e.field()));
            }
        }
        None => shape.push_str(&serde_json::to_string(rule).unwrap_or_default()),
    }
    Some(shape)
}

/// A change to an editable rule: its join, tests and effects, with the form for context.
type RuleChange = Box<dyn Fn(&mut bool, &mut Vec<FieldTest>, &mut Vec<Effect>, &FormDefinition)>;

/// Where a rule sits in the definition being edited.
#[derive(Clone, Copy)]
struct RuleAt {
    definition: RwSignal<ItemDefinition>,
    index: usize,
}

impl RuleAt {
    fn id(&self, part: String) -> String {
        format!("r{}-{part}", self.index)
    }

    /// Applies a change to the rule, as a flat list of tests and its effects.
    fn update(&self, change: RuleChange) {
        let index = self.index;
        self.definition.update(|d| {
            let snapshot = d.form.clone();
            let Some(rule) = d.form.rules.get_mut(index) else {
                return;
            };
            let Some((mut any, mut tests)) = flatten(&rule.when) else {
                return;
            };
            change(&mut any, &mut tests, &mut rule.then, &snapshot);
            rule.when = unflatten(any, tests);
        })
    }

    /// The form's fields (headings aside) as options, with `selected` chosen. Read untracked:
    /// the rule's rows are rebuilt whenever the definition changes.
    fn field_options(&self, selected: String) -> impl IntoView {
        self.definition.with_untracked(|d| {
            d.form
                .fields
                .iter()
                .filter(|f| f.kind != FieldKind::Section)
                .map(|f| {
                    let is = f.key == selected;
                    view! { <option value=f.key.clone() selected=is>{f.label.clone()}</option> }
                })
                .collect_view()
        })
    }
}

#[component]
pub fn RuleEditor(index: usize, definition: RwSignal<ItemDefinition>) -> impl IntoView {
    // Rebuilt when the rule's shape changes; its content is read as it is then.
    let shape = Memo::new(move |_| definition.with(|d| rule_shape(&d.form, index)));
    let rule = move || {
        // Read (not only tracked): a memo works out its value, and so its sources, when read.
        shape.with(|_| ());
        definition.with_untracked(|d| d.form.rules.get(index).cloned())
    };
    let at = RuleAt { definition, index };
    let id = move |part: String| at.id(part);
    view! {
        <li class="rule-editor">
            <h3 class="small">{format!("Rule {}", index + 1)}</h3>
            {move || {
                let rule = rule()?;
                Some(match flatten(&rule.when) {
                    Some((any, tests)) => {
                        let count = tests.len();
                        let effects = rule.then.clone();
                        let effect_count = effects.len();
                        view! {
                            <div class="rule-join">
                                <span>"When"</span>
                                <label class="visually-hidden" for=id("join".into())>"How the conditions combine"</label>
                                <select id=id("join".into()) disabled=count < 2 on:change=move |ev| {
                                    let v = event_target_value(&ev) == "any";
                                    at.update(Box::new(move |any, _, _, _| *any = v))
                                }>
                                    <option value="all" selected=!any>"all of these hold"</option>
                                    <option value="any" selected=any>"any of these holds"</option>
                                </select>
                            </div>
                            <ul class="rule-list">
                                {tests.into_iter().enumerate().map(|(n, t)| view! { <ConditionRow at n test=t count/> }).collect_view()}
                            </ul>
                            <button type="button" class="button small" on:click=move |_| at.update(Box::new(|_, tests, _, d| {
                                if let Some(first) = d.fields.iter().find(|f| f.kind != FieldKind::Section) {
                                    tests.push(FieldTest { field: first.key.clone(), op: Op::IsNotEmpty, value: None });
                                }
                            }))>"Add condition"</button>
                            <p class="rule-then">"then"</p>
                            <ul class="rule-list">
                                {effects.into_iter().enumerate().map(|(n, e)| view! { <EffectRow at n effect=e count=effect_count/> }).collect_view()}
                            </ul>
                            <button type="button" class="button small" on:click=move |_| at.update(Box::new(|_, _, effects, d| {
                                if let Some(last) = d.fields.last() {
                                    effects.push(Effect::Show { field: last.key.clone() });
                                }
                            }))>"Add effect"</button>
                        }
                        .into_any()
                    }
                    None => view! {
                        <p class="muted small">"This rule nests conditions more deeply than the editor shows; it works as imported."</p>
                        <pre class="rule-json">{serde_json::to_string_pretty(&rule).unwrap_or_default()}</pre>
                    }
                    .into_any(),
                })
            }}
            <button type="button" class="button small danger" aria-label=move || format!("Remove rule {}", index + 1)
                on:click=move |_| definition.update(|d| { if index < d.form.rules.len() { d.form.rules.remove(index); } })>"Remove rule"</button>
        </li>
    }
}

/// How the "compares with" choice names a test's operand: a field's key, or
/// `working_days:FROM:TO`; `None` for a written value.
fn operand_key(test: &FieldTest) -> Option<String> {
    test.operand().map(|operand| match operand {
        Operand::Field(key) => key.to_owned(),
        Operand::WorkingDays { from, to } => format!("working_days:{from}:{to}"),
    })
}

/// The value a "compares with" choice stands for (see [`operand_key`]).
fn operand_from_key(key: &str) -> serde_json::Value {
    match key
        .strip_prefix("working_days:")
        .and_then(|k| k.split_once(':'))
    {
        Some((from, to)) => working_days_value(from, to),
        None => field_value(key),
    }
}

/// One test of a rule's condition: a field, a comparison, and a value or another field.
#[component]
fn ConditionRow(at: RuleAt, n: usize, test: FieldTest, count: usize) -> impl IntoView {
    let id = move |part: String| at.id(part);
    let index = at.index;
    let other = operand_key(&test);
    let no_value = matches!(test.op, Op::IsEmpty | Op::IsNotEmpty);
    let may_compare = matches!(
        test.op,
        Op::Equals | Op::NotEquals | Op::GreaterThan | Op::LessThan
    );
    let set_value = move |text: String| {
        at.update(Box::new(move |_, tests, _, d| {
            if let Some(t) = tests.get_mut(n) {
                let kind = d.fields.iter().find(|f| f.key == t.field).map(|f| &f.kind);
                t.value = parse_value(kind, t.op, &text);
            }
        }))
    };
    let value = (!no_value && other.is_none()).then(|| {
        view! { <ValueInput at n test=test.clone() set_value/> }
    });
    let compare_with = may_compare.then(|| {
        let fields: Vec<(String, String)> = at.definition.with_untracked(|d| {
            let mut choices: Vec<(String, String)> = d.form
                .fields
                .iter()
                .filter(|f| f.key != test.field && !matches!(f.kind, FieldKind::Section | FieldKind::Group { .. }))
                .map(|f| (f.key.clone(), format!("the answer to “{}”", f.label)))
                .collect();
            // A number may be compared with the working days between two dates.
            let is_number = d.form.fields.iter().any(|f| f.key == test.field && matches!(f.kind, FieldKind::Number { .. }));
            let dates: Vec<_> = d.form.fields.iter().filter(|f| matches!(f.kind, FieldKind::Date { .. })).collect();
            if is_number {
                for (i, from) in dates.iter().enumerate() {
                    for to in &dates[i + 1..] {
                        choices.push((
                            format!("working_days:{}:{}", from.key, to.key),
                            format!("the working days from “{}” to “{}”", from.label, to.label),
                        ));
                    }
                }
            }
            choices
        });
        let chosen = other.clone().unwrap_or_default();
        view! {
            <label class="visually-hidden" for=id(format!("with-{n}"))>{format!("Condition {} compares with", n + 1)}</label>
            <select id=id(format!("with-{n}")) on:change=move |ev| {
                let key = event_target_value(&ev);
                at.update(Box::new(move |_, tests, _, d| {
                    if let Some(t) = tests.get_mut(n) {
                        t.value = if key.is_empty() {
                            let kind = d.fields.iter().find(|f| f.key == t.field).map(|f| &f.kind);
                            parse_value(kind, t.op, "")
                        } else {
                            Some(operand_from_key(&key))
                        };
                    }
                }))
            }>
                <option value="" selected=chosen.is_empty()>"this value"</option>
                {fields.into_iter().map(|(key, label)| {
                    let is = key == chosen;
                    view! { <option value=key selected=is>{label}</option> }
                }).collect_view()}
            </select>
        }
    });
    view! {
        <li class="rule-row">
            <label class="visually-hidden" for=id(format!("field-{n}"))>{format!("Condition {} tests", n + 1)}</label>
            <select id=id(format!("field-{n}")) on:change=move |ev| {
                let v = event_target_value(&ev);
                at.update(Box::new(move |_, tests, _, d| if let Some(t) = tests.get_mut(n) {
                    t.field = v.clone();
                    // The value is read again for the new field's type ("5" is a number for a
                    // number field); a comparison with another field stays.
                    if t.operand().is_none() {
                        let kind = d.fields.iter().find(|f| f.key == t.field).map(|f| &f.kind);
                        t.value = parse_value(kind, t.op, &value_text(&t.value));
                    }
                }))
            }>
                {at.field_options(test.field.clone())}
            </select>
            <label class="visually-hidden" for=id(format!("op-{n}"))>{format!("Comparison of condition {}", n + 1)}</label>
            <select id=id(format!("op-{n}")) on:change=move |ev| {
                let v = event_target_value(&ev);
                at.update(Box::new(move |_, tests, _, d| {
                    if let (Some(t), Some(op)) = (tests.get_mut(n), Op::ALL.into_iter().find(|o| o.label() == v)) {
                        let keeps_field = matches!(op, Op::Equals | Op::NotEquals | Op::GreaterThan | Op::LessThan);
                        if !(keeps_field && t.operand().is_some()) {
                            let kind = d.fields.iter().find(|f| f.key == t.field).map(|f| &f.kind);
                            t.value = parse_value(kind, op, &value_text(&t.value));
                        }
                        t.op = op;
                    }
                }))
            }>
                {Op::ALL.into_iter().map(|o| view! { <option value=o.label() selected=o == test.op>{o.label()}</option> }).collect_view()}
            </select>
            {compare_with}
            {value}
            <button type="button" class="button small subtle" hidden=count < 2
                aria-label=format!("Remove condition {} of rule {}", n + 1, index + 1)
                on:click=move |_| at.update(Box::new(move |_, tests, _, _| { if n < tests.len() { tests.remove(n); } }))>"×"</button>
        </li>
    }
}

/// The value a condition compares with: one of the field's options where it has them (several
/// for "is one of"), yes or no, else typed.
#[component]
fn ValueInput(
    at: RuleAt,
    n: usize,
    test: FieldTest,
    set_value: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let input_id = at.id(format!("value-{n}"));
    let label = format!("Value of condition {}", n + 1);
    let kind = at.definition.with_untracked(|d| {
        d.form
            .fields
            .iter()
            .find(|f| f.key == test.field)
            .map(|f| f.kind.clone())
    });
    let current = value_text(&test.value);
    let choices: Option<Vec<SelectOption>> = match &kind {
        Some(FieldKind::Select { options, .. } | FieldKind::MultiSelect { options, .. }) => {
            Some(options.clone())
        }
        Some(FieldKind::YesNo | FieldKind::Checkbox) => Some(vec![
            SelectOption::new("true", "yes / ticked"),
            SelectOption::new("false", "no / not ticked"),
        ]),
        _ => None,
    };
    match (choices, test.op) {
        (Some(options), Op::In) => {
            let chosen: Vec<String> = current.split(',').map(|v| v.trim().to_owned()).collect();
            view! {
                <fieldset class="checkbox-group inline-choices">
                    <legend class="visually-hidden">{label}</legend>
                    {options.into_iter().map(|o| {
                        let box_id = format!("{input_id}-{}", o.value);
                        let label_for = box_id.clone();
                        let value = o.value.clone();
                        view! {
                            <label class="checkbox-label" for=label_for>
                                <input id=box_id type="checkbox" checked=chosen.contains(&o.value) on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let value = value.clone();
                                    at.update(Box::new(move |_, tests, _, _| if let Some(t) = tests.get_mut(n) {
                                        let mut list: Vec<Value> = match t.value.take() {
                                            Some(Value::Array(list)) => list,
                                            _ => Vec::new(),
                                        };
                                        list.retain(|v| v.as_str() != Some(value.as_str()));
                                        if on { list.push(Value::String(value.clone())); }
                                        t.value = Some(Value::Array(list));
                                    }))
                                }/>
                                {o.label}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            }
            .into_any()
        }
        (Some(options), _) => view! {
            <label class="visually-hidden" for=input_id.clone()>{label}</label>
            <select id=input_id on:change=move |ev| set_value(event_target_value(&ev))>
                <option value="" selected=current.is_empty()>"choose…"</option>
                {options.into_iter().map(|o| {
                    let is = o.value == current;
                    view! { <option value=o.value selected=is>{o.label}</option> }
                }).collect_view()}
            </select>
        }
        .into_any(),
        (None, _) => {
            let placeholder = match kind {
                Some(FieldKind::Date { .. }) => "YYYY-MM-DD",
                Some(FieldKind::Number { .. } | FieldKind::Money { .. }) => "a number",
                _ => "value",
            };
            view! {
                <label class="visually-hidden" for=input_id.clone()>{label}</label>
                <input id=input_id type="text" placeholder=placeholder prop:value=current
                    on:change=move |ev| set_value(event_target_value(&ev))/>
            }
            .into_any()
        }
    }
}

/// One effect of a rule: what it does to which field (and, restricting, which options stay).
#[component]
fn EffectRow(at: RuleAt, n: usize, effect: Effect, count: usize) -> impl IntoView {
    let id = move |part: String| at.id(part);
    let index = at.index;
    let restrict = match &effect {
        Effect::RestrictOptions { field, options } => {
            let chosen = options.clone();
            let all = at.definition.with_untracked(|d| options_of(&d.form, field));
            Some(view! {
                <fieldset class="checkbox-group indent">
                    <legend class="small">"Options that stay available"</legend>
                    {all.into_iter().map(|o| {
                        let on = chosen.contains(&o.value);
                        let value = o.value.clone();
                        let box_id = id(format!("restrict-{n}-{}", o.value));
                        let label_for = box_id.clone();
                        view! {
                            <label class="checkbox-label" for=label_for>
                                <input id=box_id type="checkbox" checked=on on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let value = value.clone();
                                    at.update(Box::new(move |_, _, effects, _| {
                                        if let Some(Effect::RestrictOptions { options, .. }) = effects.get_mut(n) {
                                            options.retain(|v| v != &value);
                                            if on { options.push(value.clone()); }
                                        }
                                    }))
                                }/>
                                {o.label.clone()}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            }
            .into_any())
        }
        Effect::Refuse { message, .. } => {
            let message_id = id(format!("message-{n}"));
            Some(view! {
                <div class="indent refusal">
                    <label for=message_id.clone()>"Message"</label>
                    <input id=message_id type="text" maxlength="200" prop:value=message.clone()
                        placeholder="e.g. The last day is on or after the first day."
                        on:change=move |ev| {
                            let text = event_target_value(&ev);
                            at.update(Box::new(move |_, _, effects, _| {
                                if let Some(Effect::Refuse { message, .. }) = effects.get_mut(n) {
                                    *message = text.clone();
                                }
                            }))
                        }/>
                </div>
            }
            .into_any())
        }
        _ => None,
    };
    view! {
        <li class="rule-row">
            <label class="visually-hidden" for=id(format!("effect-{n}"))>{format!("Effect {}", n + 1)}</label>
            <select id=id(format!("effect-{n}")) on:change=move |ev| {
                let v = event_target_value(&ev);
                at.update(Box::new(move |_, _, effects, d| {
                    if let Some(e) = effects.get_mut(n) { *e = make_effect(&v, e.field().to_owned(), d, e) }
                }))
            }>
                {EFFECTS.into_iter().map(|(name, label)| view! { <option value=name selected=effect_name(&effect) == name>{label}</option> }).collect_view()}
            </select>
            <label class="visually-hidden" for=id(format!("target-{n}"))>{format!("Field changed by effect {}", n + 1)}</label>
            <select id=id(format!("target-{n}")) on:change=move |ev| {
                let v = event_target_value(&ev);
                at.update(Box::new(move |_, _, effects, d| {
                    if let Some(e) = effects.get_mut(n) { *e = make_effect(effect_name(e), v.clone(), d, e) }
                }))
            }>
                {at.field_options(effect.field().to_owned())}
            </select>
            <button type="button" class="button small subtle" hidden=count < 2
                aria-label=format!("Remove effect {} of rule {}", n + 1, index + 1)
                on:click=move |_| at.update(Box::new(move |_, _, effects, _| { if n < effects.len() { effects.remove(n); } }))>"×"</button>
            {restrict}
        </li>
    }
}

/// Whether a rule can be edited here (its condition is at most one level deep).
pub fn editable(rule: &Rule) -> bool {
    flatten(&rule.when).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(field: &str) -> FieldTest {
        FieldTest {
            field: field.into(),
            op: Op::IsNotEmpty,
            value: None,
        }
    }

    #[test]
    fn conditions_flatten_and_come_back_the_same() {
        let one = Condition::Field(test("a"));
        let (any, tests) = flatten(&one).expect("flat");
        assert_eq!(unflatten(any, tests), one);
        let both = Condition::Any(vec![
            Condition::Field(test("a")),
            Condition::Field(test("b")),
        ]);
        let (any, tests) = flatten(&both).expect("flat");
        assert!(any);
        assert_eq!(unflatten(any, tests), both);
        let nested = Condition::All(vec![both]);
        assert!(flatten(&nested).is_none());
        assert!(!editable(&Rule {
            when: nested,
            then: vec![]
        }));
    }
}
