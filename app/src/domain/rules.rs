//! Form rules: *when* conditions on some fields hold, *then* show, hide, require, lock,
//! restrict the options of other fields, or refuse an answer with a message (cross-field
//! checks: "the last day is on or after the first day" is a rule that refuses the last day
//! when it is before the first).
//!
//! A condition compares a field's answer with a value, with another field's answer
//! (`"value": {"field": "start"}`), or with a value computed from other answers: the working
//! days (Monday to Friday, both ends included) between two dates
//! (`"value": {"working_days": {"from": "start", "to": "end"}}`: "no more days than the
//! working days between the first and the last day"). Dates and numbers compare by order.
//!
//! The browser evaluates the rules on every keystroke to show the form as it should look; the
//! server evaluates the same rules on submit, drops answers to hidden fields and enforces
//! required-by-rule fields. [`check_form`] refuses forms that could not be evaluated
//! sensibly (unknown fields, mistyped values, cycles) with a precise message.

use super::dates;
use super::fields::{
    raw_value, split_multi, validate_field_in_state, FieldDef, FieldKind, RawAnswers,
    MAX_GROUP_ROWS,
};
use super::numbers::parse_number;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A rule of a form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub when: Condition,
    pub then: Vec<Effect>,
}

/// A condition over the answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Every condition holds (an empty list holds).
    All(Vec<Condition>),
    /// At least one condition holds (an empty list does not).
    Any(Vec<Condition>),
    /// A test of one field's answer.
    Field(FieldTest),
}

/// A test of one field's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldTest {
    pub field: String,
    pub op: Op,
    /// The value compared with; absent for `is_empty` / `is_not_empty`; a list for `in`;
    /// `{"field": KEY}` for another field's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

impl FieldTest {
    /// The other field this test compares with, if it compares with a field's answer.
    pub fn other_field(&self) -> Option<&str> {
        other_field(self.value.as_ref())
    }

    /// What this test compares with when that is not a written value: another answer, or a
    /// value computed from answers.
    pub fn operand(&self) -> Option<Operand<'_>> {
        operand(self.value.as_ref())
    }
}

/// A value a condition compares with that comes from the answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand<'a> {
    /// Another field's answer.
    Field(&'a str),
    /// The working days (Monday to Friday) from one date field's answer to another's, both
    /// included; 0 when the second is before the first.
    WorkingDays { from: &'a str, to: &'a str },
}

impl<'a> Operand<'a> {
    /// The fields the operand reads.
    pub fn fields(self) -> Vec<&'a str> {
        match self {
            Operand::Field(key) => vec![key],
            Operand::WorkingDays { from, to } => vec![from, to],
        }
    }
}

/// The operand a condition's value stands for, if it is one.
pub fn operand(value: Option<&Value>) -> Option<Operand<'_>> {
    if let Some(key) = other_field(value) {
        return Some(Operand::Field(key));
    }
    let Some(Value::Object(map)) = value else {
        return None;
    };
    let days = map.get("working_days")?.as_object()?;
    if map.len() != 1 || days.len() != 2 {
        return None;
    }
    Some(Operand::WorkingDays {
        from: days.get("from")?.as_str()?,
        to: days.get("to")?.as_str()?,
    })
}

/// The value that stands for the working days from one date field's answer to another's.
pub fn working_days_value(from: &str, to: &str) -> Value {
    serde_json::json!({ "working_days": { "from": from, "to": to } })
}

/// `{"field": KEY}`: the answer to another field.
pub fn other_field(value: Option<&Value>) -> Option<&str> {
    match value {
        Some(Value::Object(map)) if map.len() == 1 => map.get("field").and_then(Value::as_str),
        _ => None,
    }
}

/// The value that stands for another field's answer.
pub fn field_value(key: &str) -> Value {
    serde_json::json!({ "field": key })
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Equals,
    NotEquals,
    In,
    GreaterThan,
    LessThan,
    IsEmpty,
    IsNotEmpty,
    Contains,
}

impl Op {
    pub const ALL: [Op; 8] = [
        Op::Equals,
        Op::NotEquals,
        Op::In,
        Op::GreaterThan,
        Op::LessThan,
        Op::IsEmpty,
        Op::IsNotEmpty,
        Op::Contains,
    ];

    /// The name definitions write (`"op": "not_equals"`).
    pub fn name(self) -> &'static str {
        match self {
            Op::Equals => "equals",
            Op::NotEquals => "not_equals",
            Op::In => "in",
            Op::GreaterThan => "greater_than",
            Op::LessThan => "less_than",
            Op::IsEmpty => "is_empty",
            Op::IsNotEmpty => "is_not_empty",
            Op::Contains => "contains",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Op::Equals => "equals",
            Op::NotEquals => "does not equal",
            Op::In => "is one of",
            Op::GreaterThan => "is greater than",
            Op::LessThan => "is less than",
            Op::IsEmpty => "is empty",
            Op::IsNotEmpty => "is not empty",
            Op::Contains => "contains",
        }
    }
}

/// What a rule does to a field while its condition holds (written with its kind as `effect`;
/// read through `EffectRepr`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case", try_from = "EffectRepr")]
pub enum Effect {
    /// The field is hidden unless a `show` rule for it holds.
    Show {
        field: String,
    },
    Hide {
        field: String,
    },
    Require {
        field: String,
    },
    ReadOnly {
        field: String,
    },
    /// Only these option values may be chosen.
    RestrictOptions {
        field: String,
        options: Vec<String>,
    },
    /// The field's answer is refused, with this message, while the condition holds.
    Refuse {
        field: String,
        message: String,
    },
}

/// An effect as definitions write it, decoded as one flat record (see `FieldRepr` in
/// `domain::fields` for why not serde's internal tagging).
#[derive(Deserialize)]
struct EffectRepr {
    effect: EffectName,
    field: String,
    #[serde(default)]
    options: Option<Vec<String>>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum EffectName {
    Show,
    Hide,
    Require,
    ReadOnly,
    RestrictOptions,
    Refuse,
}

impl TryFrom<EffectRepr> for Effect {
    type Error = String;

    fn try_from(r: EffectRepr) -> Result<Self, String> {
        let field = r.field;
        let needs = |what: &str, field: &str| {
            format!("missing field `{what}` (of the rule's effect on “{field}”)")
        };
        Ok(match r.effect {
            EffectName::Show => Effect::Show { field },
            EffectName::Hide => Effect::Hide { field },
            EffectName::Require => Effect::Require { field },
            EffectName::ReadOnly => Effect::ReadOnly { field },
            EffectName::RestrictOptions => Effect::RestrictOptions {
                options: r.options.ok_or_else(|| needs("options", &field))?,
                field,
            },
            EffectName::Refuse => Effect::Refuse {
                message: r.message.ok_or_else(|| needs("message", &field))?,
                field,
            },
        })
    }
}

impl Effect {
    pub fn field(&self) -> &str {
        match self {
            Effect::Show { field }
            | Effect::Hide { field }
            | Effect::Require { field }
            | Effect::ReadOnly { field }
            | Effect::RestrictOptions { field, .. }
            | Effect::Refuse { field, .. } => field,
        }
    }
}

/// How a field should behave for the current answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldState {
    pub visible: bool,
    pub required: bool,
    pub read_only: bool,
    /// `Some` when a rule restricts the options; the allowed values.
    pub allowed: Option<BTreeSet<String>>,
    /// `Some` when a rule refuses the answer: what to tell the person.
    pub refused: Option<String>,
}

impl FieldState {
    /// How a field behaves when no rule touches it.
    pub fn unruled(field: &FieldDef) -> Self {
        Self {
            visible: true,
            required: field.required,
            read_only: false,
            allowed: None,
            refused: None,
        }
    }

    /// A cell of a repeating group (sub-field `sub` in one row): shown, required as its
    /// sub-field is, and locked with its group.
    pub fn of_cell(group: &FieldState, sub: &FieldDef) -> Self {
        Self {
            read_only: group.read_only,
            ..Self::unruled(sub)
        }
    }
}

/// Field key → state, for every field of the form.
pub type FormState = BTreeMap<String, FieldState>;

/// A typed view of a raw answer, for comparisons.
#[derive(Clone, Debug, PartialEq)]
enum Typed {
    Empty,
    List(Vec<String>),
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date or a date and time, as a day or minute number: compared by order.
    Moment(i64),
}

fn typed(field: &FieldDef, raw: Option<&str>) -> Typed {
    let text = raw.map(str::trim).unwrap_or_default();
    match &field.kind {
        FieldKind::MultiSelect { .. } => {
            let values = split_multi(text);
            if values.is_empty() {
                Typed::Empty
            } else {
                Typed::List(values.into_iter().map(str::to_owned).collect())
            }
        }
        FieldKind::Checkbox => Typed::Bool(matches!(text, "on" | "true" | "yes" | "1")),
        _ if text.is_empty() => Typed::Empty,
        FieldKind::YesNo => match text {
            "yes" => Typed::Bool(true),
            "no" => Typed::Bool(false),
            other => Typed::Text(other.to_owned()),
        },
        FieldKind::Section => Typed::Empty,
        FieldKind::Number { .. } | FieldKind::Money { .. } | FieldKind::Group { .. } => {
            parse_number(&text.replace([',', ' '], ""))
                .map_or_else(|| Typed::Text(text.to_owned()), Typed::Number)
        }
        FieldKind::Date { .. } => moment(text, dates::day_number),
        FieldKind::DateTime { .. } => moment(text, dates::minute_number),
        _ => Typed::Text(text.to_owned()),
    }
}

fn moment(text: &str, number: fn(&str) -> Option<i64>) -> Typed {
    number(text).map_or_else(|| Typed::Text(text.to_owned()), Typed::Moment)
}

/// A value written in a definition, typed like the answers it is compared with.
fn typed_value(value: &Value, like: &Typed) -> Option<Typed> {
    match (value, like) {
        (Value::Number(n), _) => n.as_f64().map(Typed::Number),
        (Value::String(s), Typed::Moment(_)) => dates::day_number(s)
            .or_else(|| dates::minute_number(s))
            .map(Typed::Moment),
        _ => None,
    }
}

/// The order of two answers that have one (numbers, dates).
fn order(a: &Typed, b: &Typed) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Typed::Number(a), Typed::Number(b)) => a.partial_cmp(b),
        (Typed::Moment(a), Typed::Moment(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

fn value_matches(answer: &Typed, value: &Value) -> bool {
    match (answer, value) {
        // A multi-select "equals" a value when that value is among those chosen.
        (Typed::List(chosen), Value::String(b)) => chosen.iter().any(|a| a == b),
        (Typed::Text(a), Value::String(b)) => a == b,
        (Typed::Number(a), Value::Number(b)) => b.as_f64().is_some_and(|b| (a - b).abs() < 1e-9),
        (Typed::Bool(a), Value::Bool(b)) => a == b,
        // Yes/no values may be written as "yes"/"no" in a definition.
        (Typed::Bool(a), Value::String(b)) => (b == "yes" && *a) || (b == "no" && !*a),
        _ => false,
    }
}

/// `other` is the value of the test's operand (another answer, or one computed from answers),
/// `None` when the test compares with a written value.
fn test_holds(test: &FieldTest, answer: &Typed, other: Option<&Typed>) -> bool {
    if let Some(other) = other {
        // Compared with another answer: only when both are given.
        if *other == Typed::Empty {
            return false;
        }
        if *answer == Typed::Empty {
            return false;
        }
        let same = order(answer, other).map_or(answer == other, |o| o.is_eq());
        return match test.op {
            Op::Equals => same,
            Op::NotEquals => !same,
            Op::GreaterThan => order(answer, other).is_some_and(|o| o.is_gt()),
            Op::LessThan => order(answer, other).is_some_and(|o| o.is_lt()),
            _ => false,
        };
    }
    let value = test.value.as_ref();
    match test.op {
        Op::IsEmpty => matches!(answer, Typed::Empty | Typed::Bool(false)),
        Op::IsNotEmpty => !matches!(answer, Typed::Empty | Typed::Bool(false)),
        Op::Equals => value.is_some_and(|v| value_matches(answer, v)),
        Op::NotEquals => !value.is_some_and(|v| value_matches(answer, v)),
        Op::In => value
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().any(|v| value_matches(answer, v))),
        Op::GreaterThan | Op::LessThan => {
            let Some(b) = value.and_then(|v| typed_value(v, answer)) else {
                return false;
            };
            match order(answer, &b) {
                Some(o) if test.op == Op::GreaterThan => o.is_gt(),
                Some(o) => o.is_lt(),
                None => false,
            }
        }
        Op::Contains => match (answer, value) {
            (Typed::List(chosen), Some(Value::String(b))) => chosen.iter().any(|a| a == b),
            (Typed::Text(a), Some(Value::String(b))) => {
                a.to_lowercase().contains(&b.to_lowercase())
            }
            _ => false,
        },
    }
}

fn holds(condition: &Condition, answers: &BTreeMap<&str, Typed>) -> bool {
    match condition {
        Condition::All(list) => list.iter().all(|c| holds(c, answers)),
        Condition::Any(list) => list.iter().any(|c| holds(c, answers)),
        Condition::Field(test) => {
            let answer = answers.get(test.field.as_str()).unwrap_or(&Typed::Empty);
            let other = test
                .operand()
                .map(|operand| operand_value(operand, answers));
            test_holds(test, answer, other.as_ref())
        }
    }
}

/// The value of an operand for these answers ([`Typed::Empty`] when an answer it needs is
/// missing).
fn operand_value(operand: Operand<'_>, answers: &BTreeMap<&str, Typed>) -> Typed {
    match operand {
        Operand::Field(key) => answers.get(key).cloned().unwrap_or(Typed::Empty),
        Operand::WorkingDays { from, to } => match (answers.get(from), answers.get(to)) {
            (Some(Typed::Moment(first)), Some(Typed::Moment(last))) => {
                Typed::Number(dates::weekdays_between(*first, *last) as f64)
            }
            _ => Typed::Empty,
        },
    }
}

fn condition_fields<'a>(condition: &'a Condition, out: &mut BTreeSet<&'a str>) {
    match condition {
        Condition::All(list) | Condition::Any(list) => {
            list.iter().for_each(|c| condition_fields(c, out))
        }
        Condition::Field(test) => {
            out.insert(test.field.as_str());
            out.extend(test.operand().into_iter().flat_map(Operand::fields));
        }
    }
}

/// Evaluates the rules for the given answers.
///
/// A hidden field counts as empty for every condition, so a chain (A reveals B, B reveals C)
/// collapses when A is answered "no". The form must have passed [`check_form`]
/// (no cycles); fields are then settled in dependency order, so one pass suffices.
///
/// (Its maps and sets are filled with `extend`, not `collect`: collecting into a B-tree sorts
/// first, and each sort is code of its own in the order page's browser bundle.)
pub fn evaluate(fields: &[FieldDef], rules: &[Rule], raw: &RawAnswers) -> FormState {
    let mut state = FormState::new();
    state.extend(
        fields
            .iter()
            .map(|f| (f.key.clone(), FieldState::unruled(f))),
    );
    let order = dependency_order(fields, rules)
        .unwrap_or_else(|_| fields.iter().map(|f| f.key.clone()).collect());
    let mut by_key: BTreeMap<&str, &FieldDef> = BTreeMap::new();
    by_key.extend(fields.iter().map(|f| (f.key.as_str(), f)));
    let mut shown_by_rule: BTreeSet<&str> = BTreeSet::new();
    shown_by_rule.extend(rules.iter().flat_map(|r| &r.then).filter_map(|e| match e {
        Effect::Show { field } => Some(field.as_str()),
        _ => None,
    }));
    let mut answers: BTreeMap<&str, Typed> = BTreeMap::new();
    for key in &order {
        let Some(field) = by_key.get(key.as_str()) else {
            continue;
        };
        let (mut shown, mut hidden) = (false, false);
        let mut s = FieldState::unruled(field);
        for rule in rules {
            let targets_this = rule.then.iter().any(|e| e.field() == key);
            if !targets_this || !holds(&rule.when, &answers) {
                continue;
            }
            for effect in rule.then.iter().filter(|e| e.field() == key) {
                match effect {
                    Effect::Show { .. } => shown = true,
                    Effect::Hide { .. } => hidden = true,
                    Effect::Require { .. } => s.required = true,
                    Effect::ReadOnly { .. } => s.read_only = true,
                    Effect::RestrictOptions { options, .. } => {
                        // What an earlier rule allowed and this one does too.
                        let mut allowed = BTreeSet::new();
                        allowed.extend(
                            options
                                .iter()
                                .filter(|o| s.allowed.as_ref().is_none_or(|a| a.contains(*o)))
                                .cloned(),
                        );
                        s.allowed = Some(allowed);
                    }
                    // Settled once every answer is known (below).
                    Effect::Refuse { .. } => {}
                }
            }
        }
        // Order-independent: a field with "show" rules is hidden until one holds, and any
        // holding "hide" rule wins.
        s.visible = (shown || !shown_by_rule.contains(key.as_str())) && !hidden;
        // Hidden fields count as empty for later conditions; hidden beats "hide" ordering.
        let answer = if s.visible {
            typed(field, raw_value(field, raw).as_deref())
        } else {
            Typed::Empty
        };
        answers.insert(field.key.as_str(), answer);
        if !s.visible {
            s.required = false;
        }
        state.insert(key.clone(), s);
    }
    // Refusals change no answer and hide nothing, so they wait until every answer is known:
    // "the last day is before the first" may test the very field it refuses.
    for rule in rules {
        for effect in &rule.then {
            let Effect::Refuse { field, message } = effect else {
                continue;
            };
            if let Some(s) = state.get_mut(field).filter(|s| s.visible) {
                if s.refused.is_none() && holds(&rule.when, &answers) {
                    s.refused = Some(message.clone());
                }
            }
        }
    }
    state
}

/// Field keys ordered so that every field comes after the fields its rules depend on.
fn dependency_order(fields: &[FieldDef], rules: &[Rule]) -> Result<Vec<String>, Vec<String>> {
    // edges: condition field -> affected field
    let mut depends_on: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    depends_on.extend(fields.iter().map(|f| (f.key.as_str(), BTreeSet::new())));
    for rule in rules {
        let mut sources = BTreeSet::new();
        condition_fields(&rule.when, &mut sources);
        // A refusal is settled after every answer (see `evaluate`): it orders nothing.
        for effect in rule
            .then
            .iter()
            .filter(|e| !matches!(e, Effect::Refuse { .. }))
        {
            if let Some(deps) = depends_on.get_mut(effect.field()) {
                deps.extend(sources.iter().copied());
            }
        }
    }
    // Kahn's algorithm, keeping the form's own order among ready fields.
    let mut order = Vec::new();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    while order.len() < fields.len() {
        let next = fields.iter().map(|f| f.key.as_str()).find(|key| {
            !done.contains(key)
                && depends_on.get(key).is_none_or(|deps| {
                    deps.iter()
                        .all(|d| done.contains(d) || !depends_on.contains_key(d))
                })
        });
        match next {
            Some(key) => {
                done.insert(key);
                order.push(key.to_owned());
            }
            None => {
                let stuck = fields
                    .iter()
                    .map(|f| f.key.clone())
                    .filter(|k| !done.contains(k.as_str()))
                    .collect();
                return Err(stuck);
            }
        }
    }
    Ok(order)
}

/// A problem with a form definition, said so that a department admin can fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinitionError {
    /// Where: a field key, or `rule N`.
    pub at: String,
    pub message: String,
}

/// How big a definition may be: generous for any real form, small enough that checking one
/// (compiling its patterns, ordering its rules, looking up its approvers) stays cheap.
pub mod limits {
    pub const FIELDS: usize = 300;
    pub const RULES: usize = 300;
    pub const OPTIONS: usize = 500;
    pub const PATTERN: usize = 500;
    pub const STAGES: usize = 20;
    pub const APPROVERS: usize = 100;
    pub const TASKS: usize = 50;
}

fn count_fields(fields: &[FieldDef]) -> usize {
    fields
        .iter()
        .map(|f| match &f.kind {
            FieldKind::Group { fields, .. } => 1 + count_fields(fields),
            _ => 1,
        })
        .sum()
}

fn oversized_parts(fields: &[FieldDef], errors: &mut Vec<DefinitionError>) {
    for field in fields {
        let too_many = |what: &str, limit: usize| DefinitionError {
            at: field.key.clone(),
            message: format!("A field can have at most {limit} {what}."),
        };
        match &field.kind {
            FieldKind::Select { options, .. } | FieldKind::MultiSelect { options, .. }
                if options.len() > limits::OPTIONS =>
            {
                errors.push(too_many("options", limits::OPTIONS));
            }
            FieldKind::ShortText {
                pattern: Some(pattern),
                ..
            } if pattern.regex.chars().count() > limits::PATTERN => {
                errors.push(DefinitionError {
                    at: field.key.clone(),
                    message: format!(
                        "A pattern can be at most {} characters long.",
                        limits::PATTERN
                    ),
                });
            }
            FieldKind::Group { fields, .. } => oversized_parts(fields, errors),
            _ => {}
        }
    }
}

/// Whether a form is too large to be checked at all, with what is too large (see
/// [`super::definition::ItemDefinition::check`], which checks size before anything else, so an
/// oversized definition costs nothing to refuse).
pub fn check_size(fields: &[FieldDef], rules: &[Rule], errors: &mut Vec<DefinitionError>) {
    let count = count_fields(fields);
    if count > limits::FIELDS {
        errors.push(too_many("fields", count, limits::FIELDS));
    }
    if rules.len() > limits::RULES {
        errors.push(too_many("rules", rules.len(), limits::RULES));
    }
    if count <= limits::FIELDS {
        oversized_parts(fields, errors);
    }
}

/// "An item can have at most …": a whole definition is over one of its [`limits`].
pub fn too_many(what: &str, count: usize, limit: usize) -> DefinitionError {
    DefinitionError {
        at: "definition".into(),
        message: format!("An item can have at most {limit} {what} (this one has {count})."),
    }
}

/// Checks a form's fields and rules before it is saved; the form must have passed
/// [`check_size`].
pub fn check_form(fields: &[FieldDef], rules: &[Rule], errors: &mut Vec<DefinitionError>) {
    let before = errors.len();
    check_fields(fields, "", errors);
    // With a duplicate key, rules are checked against the first field of that name, so one
    // mistake gives one message rather than a cascade.
    let mut by_key: BTreeMap<&str, &FieldDef> = BTreeMap::new();
    for field in fields {
        by_key.entry(field.key.as_str()).or_insert(field);
    }
    for (n, rule) in rules.iter().enumerate() {
        check_rule(rule, &by_key, &format!("rule {}", n + 1), errors);
    }
    if errors.len() == before {
        if let Err(stuck) = dependency_order(fields, rules) {
            errors.push(DefinitionError {
                at: stuck.join(", "),
                message: format!(
                    "These fields' rules depend on each other in a circle: {}. Break the circle so \
                     that each field depends only on fields before it.",
                    stuck.join(" → ")
                ),
            });
        }
    }
}

/// Longest message of a refusal, in characters.
pub const REFUSAL_LENGTH: usize = 200;

/// Checks one rule: what it tests, and what it changes.
fn check_rule(
    rule: &Rule,
    by_key: &BTreeMap<&str, &FieldDef>,
    at: &str,
    errors: &mut Vec<DefinitionError>,
) {
    check_condition(&rule.when, by_key, at, errors);
    if rule.then.is_empty() {
        errors.push(DefinitionError {
            at: at.to_owned(),
            message: "The rule does nothing: add at least one effect.".into(),
        });
    }
    for effect in &rule.then {
        if let Effect::Refuse { message, .. } = effect {
            let length = message.trim().chars().count();
            if length == 0 || length > REFUSAL_LENGTH {
                errors.push(DefinitionError {
                    at: at.to_owned(),
                    message: format!(
                        "A refusal needs a message of 1 to {REFUSAL_LENGTH} characters that tells \
                         people what to fix."
                    ),
                });
            }
        }
    }
    for effect in &rule.then {
        let Some(target) = by_key.get(effect.field()) else {
            errors.push(DefinitionError {
                at: at.to_owned(),
                message: format!(
                    "The rule changes “{}”, which is not a field of this form.",
                    effect.field()
                ),
            });
            continue;
        };
        if let Effect::RestrictOptions { options, .. } = effect {
            match &target.kind {
                FieldKind::Select { options: known, .. }
                | FieldKind::MultiSelect { options: known, .. } => {
                    for o in options {
                        if !known.iter().any(|k| &k.value == o) {
                            errors.push(DefinitionError {
                                at: at.to_owned(),
                                message: format!("“{o}” is not an option of “{}”.", target.label),
                            });
                        }
                    }
                }
                _ => errors.push(DefinitionError {
                    at: at.to_owned(),
                    message: format!(
                        "Only fields with options can be restricted; “{}” has none.",
                        target.label
                    ),
                }),
            }
        }
    }
}

/// Checks fields one by one (and the sub-fields of groups); `within` names the group.
fn check_fields(fields: &[FieldDef], within: &str, errors: &mut Vec<DefinitionError>) {
    let mut seen = BTreeSet::new();
    for field in fields {
        let at = if within.is_empty() {
            field.key.clone()
        } else {
            format!("{within}.{}", field.key)
        };
        if field.key.trim().is_empty() {
            errors.push(DefinitionError {
                at: format!("field “{}”", field.label),
                message: "Every field needs a key.".into(),
            });
        }
        let mut problem = |message: String| {
            errors.push(DefinitionError {
                at: at.clone(),
                message,
            })
        };
        if !field.key.trim().is_empty()
            && !field
                .key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            problem(format!(
                "The key “{}” may use only letters, digits and _.",
                field.key
            ));
        }
        if !seen.insert(field.key.as_str()) {
            problem(format!(
                "Two fields have the key “{}”; keys must be unique.",
                field.key
            ));
        }
        check_kind(field, &mut problem);
        if let Some(default) = &field.default {
            // A default must be an answer the field accepts (dates are not held to "today or
            // later" here: that depends on the day of ordering).
            let check =
                validate_field_in_state(field, false, None, Some(default), chrono::NaiveDate::MIN);
            if let Err(message) = check {
                problem(format!(
                    "The default answer of “{}” is not valid: {message}",
                    field.label
                ));
            }
        }
        if let FieldKind::Group { fields: subs, .. } = &field.kind {
            check_group(field, &at, !within.is_empty(), errors);
            if within.is_empty() {
                check_fields(subs, &field.key, errors);
            }
        }
    }
}

/// Checks what a field's own kind asks for: a pattern that compiles, a currency code, options
/// to choose from, a size limit within bounds.
fn check_kind(field: &FieldDef, problem: &mut impl FnMut(String)) {
    let label = &field.label;
    match &field.kind {
        FieldKind::ShortText {
            pattern: Some(pattern),
            ..
        } => {
            if let Err(e) = pattern.compile() {
                problem(format!(
                    "The pattern of “{label}” is not a valid regular expression: {e}"
                ));
            }
            if pattern.message.trim().is_empty() {
                problem(format!(
                    "The pattern of “{label}” needs a message that tells people what to type."
                ));
            }
        }
        FieldKind::Money { currency, .. }
            if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) =>
        {
            problem(format!(
                "“{label}” needs a three-letter currency code such as EUR (got “{currency}”)."
            ));
        }
        FieldKind::Select { options, .. } | FieldKind::MultiSelect { options, .. }
            if options.is_empty() =>
        {
            problem(format!("“{label}” has no options to choose from."));
        }
        FieldKind::Attachment {
            max_size_mb: Some(mb),
            ..
        } if *mb == 0 || *mb > crate::domain::files::MAX_ATTACHMENT_MB => {
            problem(format!(
                "The size limit of “{label}” must be between 1 and {} MB.",
                crate::domain::files::MAX_ATTACHMENT_MB
            ));
        }
        _ => {}
    }
}

/// Checks a repeating group itself (its sub-fields are checked like any field).
fn check_group(field: &FieldDef, at: &str, nested: bool, errors: &mut Vec<DefinitionError>) {
    let FieldKind::Group {
        fields: subs,
        min_rows,
        max_rows,
    } = &field.kind
    else {
        return;
    };
    let label = &field.label;
    let mut problem = |message: String| {
        errors.push(DefinitionError {
            at: at.to_owned(),
            message,
        })
    };
    if nested {
        problem("A repeating group cannot contain another group.".into());
    }
    if subs.is_empty() {
        problem(format!(
            "The group “{label}” has no fields: add at least one."
        ));
    }
    let max = MAX_GROUP_ROWS;
    if max_rows.is_some_and(|m| m == 0 || m > max) {
        problem(format!("“{label}” may allow between 1 and {max} rows."));
    }
    if let (Some(min), Some(most)) = (min_rows, max_rows) {
        if min > most {
            problem(format!(
                "“{label}” asks for at least {min} rows but allows at most {most}."
            ));
        }
    }
    for sub in subs.iter().filter(|sub| sub.kind == FieldKind::Section) {
        errors.push(DefinitionError {
            at: format!("{at}.{}", sub.key),
            message: format!("A heading cannot be part of the group “{label}”."),
        });
    }
}

/// Checks a condition used elsewhere in an item's definition (e.g. by an approval stage)
/// against the form's fields, like a rule's condition.
pub fn check_condition_in(
    fields: &[FieldDef],
    condition: &Condition,
    at: &str,
    errors: &mut Vec<DefinitionError>,
) {
    let mut by_key: BTreeMap<&str, &FieldDef> = BTreeMap::new();
    for field in fields {
        by_key.entry(field.key.as_str()).or_insert(field);
    }
    check_condition(condition, &by_key, at, errors);
}

/// Whether a condition holds for a set of answers, with the form's rules applied: answers to
/// fields the rules hide count as empty, as they are never stored.
pub fn condition_holds(
    fields: &[FieldDef],
    rules: &[Rule],
    condition: &Condition,
    raw: &RawAnswers,
) -> bool {
    let state = evaluate(fields, rules, raw);
    let answers: BTreeMap<&str, Typed> = fields
        .iter()
        .map(|f| {
            let visible = state.get(&f.key).is_some_and(|s| s.visible);
            let answer = if visible {
                typed(f, raw_value(f, raw).as_deref())
            } else {
                Typed::Empty
            };
            (f.key.as_str(), answer)
        })
        .collect();
    holds(condition, &answers)
}

fn check_condition(
    condition: &Condition,
    by_key: &BTreeMap<&str, &FieldDef>,
    at: &str,
    errors: &mut Vec<DefinitionError>,
) {
    match condition {
        Condition::All(list) | Condition::Any(list) => list
            .iter()
            .for_each(|c| check_condition(c, by_key, at, errors)),
        Condition::Field(test) => {
            let Some(field) = by_key.get(test.field.as_str()) else {
                errors.push(DefinitionError {
                    at: at.to_owned(),
                    message: format!(
                        "The condition tests “{}”, which is not a field of this form.",
                        test.field
                    ),
                });
                return;
            };
            let checked = match test.operand() {
                Some(Operand::Field(other)) => {
                    check_other_field(field, test, by_key.get(other).copied(), other)
                }
                Some(Operand::WorkingDays { from, to }) => {
                    check_working_days(field, test, by_key, from, to)
                }
                None => check_value_type(field, test),
            };
            if let Err(message) = checked {
                errors.push(DefinitionError {
                    at: at.to_owned(),
                    message,
                });
            }
        }
    }
}

/// A test that compares a number field with the working days between two date fields.
fn check_working_days(
    field: &FieldDef,
    test: &FieldTest,
    by_key: &BTreeMap<&str, &FieldDef>,
    from: &str,
    to: &str,
) -> Result<(), String> {
    let label = &field.label;
    if !matches!(field.kind, FieldKind::Number { .. }) {
        return Err(format!(
            "“{label}” is compared with a number of working days, so it must be a number field."
        ));
    }
    if !matches!(
        test.op,
        Op::Equals | Op::NotEquals | Op::GreaterThan | Op::LessThan
    ) {
        return Err(format!(
            "“{label} {}” cannot compare with working days: use equals, does not equal, is              greater than or is less than.",
            test.op.label()
        ));
    }
    for key in [from, to] {
        match by_key.get(key) {
            Some(f) if matches!(f.kind, FieldKind::Date { .. }) => {}
            Some(f) => {
                return Err(format!(
                    "Working days are counted between two date fields, and “{}” is not one.",
                    f.label
                ))
            }
            None => {
                return Err(format!(
                    "Working days are counted from “{key}”, which is not a field of this form."
                ))
            }
        }
    }
    if from == to {
        return Err("Working days are counted between two different date fields.".into());
    }
    Ok(())
}

/// How answers of a kind are ordered, for "greater than" / "less than" between two fields.
fn order_family(kind: &FieldKind) -> Option<&'static str> {
    match kind {
        FieldKind::Number { .. } | FieldKind::Money { .. } => Some("number"),
        FieldKind::Date { .. } => Some("date"),
        FieldKind::DateTime { .. } => Some("date and time"),
        _ => None,
    }
}

/// A test that compares a field's answer with another field's.
fn check_other_field(
    field: &FieldDef,
    test: &FieldTest,
    other: Option<&FieldDef>,
    other_key: &str,
) -> Result<(), String> {
    let label = &field.label;
    let Some(other) = other else {
        return Err(format!(
            "“{label}” is compared with “{other_key}”, which is not a field of this form."
        ));
    };
    if other.key == field.key {
        return Err(format!("“{label}” is compared with itself."));
    }
    let unanswerable =
        |f: &FieldDef| matches!(f.kind, FieldKind::Section | FieldKind::Group { .. });
    if unanswerable(field) || unanswerable(other) {
        return Err(format!(
            "“{label}” and “{}” cannot be compared: a heading or a group has no single answer.",
            other.label
        ));
    }
    match test.op {
        Op::Equals | Op::NotEquals => Ok(()),
        Op::GreaterThan | Op::LessThan => {
            match (order_family(&field.kind), order_family(&other.kind)) {
                (Some(a), Some(b)) if a == b => Ok(()),
                _ => Err(format!(
                    "“{label} {} {}” compares in order, which needs two numbers, two dates or two \
                     dates and times.",
                    test.op.label(),
                    other.label
                )),
            }
        }
        op => Err(format!(
            "“{label} {}” cannot compare with another field: use equals, does not equal, is \
             greater than or is less than.",
            op.label()
        )),
    }
}

fn check_value_type(field: &FieldDef, test: &FieldTest) -> Result<(), String> {
    let label = &field.label;
    let values: Vec<&Value> = match (test.op, &test.value) {
        (Op::IsEmpty | Op::IsNotEmpty, _) => return Ok(()),
        (_, None) => {
            return Err(format!(
                "“{label} {}” needs a value to compare with.",
                test.op.label()
            ))
        }
        (Op::In, Some(Value::Array(list))) => list.iter().collect(),
        (Op::In, Some(_)) => return Err(format!("“{label} is one of” needs a list of values.")),
        (_, Some(v)) => vec![v],
    };
    for value in values {
        let ok = match (&field.kind, test.op, value) {
            (FieldKind::Section, _, _) => {
                return Err(format!("“{label}” is a heading: it has no answer to test."))
            }
            (
                FieldKind::Number { .. } | FieldKind::Money { .. } | FieldKind::Group { .. },
                _,
                Value::Number(_),
            ) => true,
            (FieldKind::Date { .. }, Op::GreaterThan | Op::LessThan, Value::String(s)) => {
                dates::day_number(s).is_some()
            }
            (FieldKind::DateTime { .. }, Op::GreaterThan | Op::LessThan, Value::String(s)) => {
                dates::minute_number(s).is_some()
            }
            (_, Op::GreaterThan | Op::LessThan, _) => false,
            (FieldKind::Checkbox | FieldKind::YesNo, _, Value::Bool(_)) => true,
            (FieldKind::YesNo, _, Value::String(s)) => s == "yes" || s == "no",
            (
                FieldKind::Select { options, .. } | FieldKind::MultiSelect { options, .. },
                _,
                Value::String(s),
            ) => {
                if !options.iter().any(|o| &o.value == s) {
                    return Err(format!("“{s}” is not an option of “{label}”."));
                }
                true
            }
            (
                FieldKind::Number { .. }
                | FieldKind::Money { .. }
                | FieldKind::Group { .. }
                | FieldKind::Checkbox
                | FieldKind::YesNo,
                _,
                _,
            ) => false,
            (_, _, Value::String(_)) => true,
            _ => false,
        };
        if !ok {
            return Err(match test.op {
                Op::GreaterThan | Op::LessThan => {
                    format!("“{label} {}” compares numbers or dates, but “{label}” is not a number or date field, or {value} is not a number or a date (YYYY-MM-DD).", test.op.label())
                }
                _ => format!(
                    "The value {value} does not fit “{label}” (a {} field).",
                    kind_name(&field.kind)
                ),
            });
        }
    }
    Ok(())
}

/// A short name for a field type, as people call it.
pub fn kind_name(kind: &FieldKind) -> &'static str {
    match kind {
        FieldKind::ShortText { .. } => "short text",
        FieldKind::LongText { .. } => "long text",
        FieldKind::Number { .. } => "number",
        FieldKind::Money { .. } => "money",
        FieldKind::DateTime { .. } => "date and time",
        FieldKind::Section => "section heading",
        FieldKind::Department => "department",
        FieldKind::User => "person",
        FieldKind::Date { .. } => "date",
        FieldKind::Select { .. } => "select",
        FieldKind::MultiSelect { .. } => "multi select",
        FieldKind::Checkbox => "checkbox",
        FieldKind::YesNo => "yes/no",
        FieldKind::Email => "email",
        FieldKind::Attachment { .. } => "attachment",
        FieldKind::Group { .. } => "repeating group",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::{validate_answers, FormDefinition, SelectOption};
    use chrono::NaiveDate;
    use serde_json::json;

    /// A form checked as it is when saved: size first, then fields and rules.
    fn check_definition(form: &FormDefinition) -> Result<(), Vec<DefinitionError>> {
        let mut errors = Vec::new();
        check_size(&form.fields, &form.rules, &mut errors);
        if errors.is_empty() {
            check_form(&form.fields, &form.rules, &mut errors);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn evaluate(form: &FormDefinition, raw: &RawAnswers) -> FormState {
        form.evaluate(raw)
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).expect("date")
    }

    fn field(key: &str, kind: FieldKind, required: bool) -> FieldDef {
        FieldDef::new(key, &key.replace('_', " "), kind, required)
    }

    fn test(field: &str, op: Op, value: Option<Value>) -> Condition {
        Condition::Field(FieldTest {
            field: field.into(),
            op,
            value,
        })
    }

    fn raw(pairs: &[(&str, &str)]) -> RawAnswers {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    fn equipment_form() -> FormDefinition {
        FormDefinition {
            fields: vec![
                field("needs_equipment", FieldKind::YesNo, true),
                field(
                    "equipment",
                    FieldKind::Select {
                        radio: false,
                        options: vec![
                            SelectOption::new("laptop", "Laptop"),
                            SelectOption::new("phone", "Phone"),
                        ],
                    },
                    true,
                ),
                field(
                    "amount",
                    FieldKind::Number {
                        min: None,
                        max: None,
                        step: None,
                    },
                    false,
                ),
                field(
                    "finance_reason",
                    FieldKind::LongText {
                        min_length: None,
                        max_length: None,
                    },
                    false,
                ),
            ],
            rules: vec![
                Rule {
                    when: test("needs_equipment", Op::Equals, Some(json!("yes"))),
                    then: vec![Effect::Show {
                        field: "equipment".into(),
                    }],
                },
                Rule {
                    when: test("amount", Op::GreaterThan, Some(json!(5000))),
                    then: vec![Effect::Require {
                        field: "finance_reason".into(),
                    }],
                },
            ],
        }
    }

    #[test]
    fn group_and_attachment_definitions_are_checked() {
        let sub = |key: &str, kind: FieldKind| FieldDef::new(key, "Sub", kind, false);
        let group = |fields, min_rows, max_rows| {
            FieldDef::new(
                "rows",
                "Rows",
                FieldKind::Group {
                    fields,
                    min_rows,
                    max_rows,
                },
                false,
            )
        };
        let check = |fields: Vec<FieldDef>| {
            check_definition(&FormDefinition {
                fields,
                rules: vec![],
            })
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| format!("{}: {}", e.at, e.message))
            .collect::<Vec<_>>()
        };
        assert!(check(vec![group(
            vec![sub("a", FieldKind::Email)],
            Some(1),
            Some(5)
        )])
        .is_empty());
        let errors = check(vec![group(vec![], Some(3), Some(2))]);
        assert_eq!(
            errors,
            vec![
                "rows: The group “Rows” has no fields: add at least one.",
                "rows: “Rows” asks for at least 3 rows but allows at most 2.",
            ]
        );
        let errors = check(vec![group(
            vec![
                sub("a", FieldKind::Email),
                sub("a", FieldKind::Section),
                sub(
                    "g",
                    FieldKind::Group {
                        fields: vec![],
                        min_rows: None,
                        max_rows: None,
                    },
                ),
            ],
            None,
            Some(1000),
        )]);
        assert!(
            errors.contains(&"rows.a: A heading cannot be part of the group “Rows”.".to_owned()),
            "{errors:?}"
        );
        assert!(
            errors.contains(&"rows: “Rows” may allow between 1 and 100 rows.".to_owned()),
            "{errors:?}"
        );
        assert!(
            errors
                .contains(&"rows.a: Two fields have the key “a”; keys must be unique.".to_owned()),
            "{errors:?}"
        );
        assert!(
            errors.contains(&"rows.g: A repeating group cannot contain another group.".to_owned()),
            "{errors:?}"
        );
        let errors = check(vec![FieldDef::new(
            "file",
            "Receipt",
            FieldKind::Attachment {
                max_size_mb: Some(0),
                accept: vec![],
            },
            false,
        )]);
        assert_eq!(
            errors,
            vec!["file: The size limit of “Receipt” must be between 1 and 100 MB."]
        );
    }

    #[test]
    fn a_default_must_be_a_valid_answer() {
        let mut field = FieldDef::new(
            "size",
            "Size",
            FieldKind::Number {
                min: Some(1.0),
                max: Some(10.0),
                step: None,
            },
            false,
        );
        field.default = Some("12".into());
        let errors = check_definition(&FormDefinition {
            fields: vec![field.clone()],
            rules: vec![],
        })
        .expect_err("out of range");
        assert_eq!(
            errors[0].message,
            "The default answer of “Size” is not valid: Enter 10 or less."
        );
        field.default = Some("3".into());
        assert!(check_definition(&FormDefinition {
            fields: vec![field],
            rules: vec![]
        })
        .is_ok());
    }

    #[test]
    fn a_rule_can_count_the_rows_of_a_group() {
        let definition = FormDefinition {
            fields: vec![
                FieldDef::new(
                    "hires",
                    "Hires",
                    FieldKind::Group {
                        fields: vec![FieldDef::new("name", "Name", FieldKind::Email, false)],
                        min_rows: None,
                        max_rows: None,
                    },
                    false,
                ),
                FieldDef::new(
                    "reason",
                    "Why so many?",
                    FieldKind::LongText {
                        min_length: None,
                        max_length: None,
                    },
                    false,
                ),
            ],
            rules: vec![Rule {
                when: Condition::Field(FieldTest {
                    field: "hires".into(),
                    op: Op::GreaterThan,
                    value: Some(json!(2)),
                }),
                then: vec![Effect::Require {
                    field: "reason".into(),
                }],
            }],
        };
        assert!(check_definition(&definition).is_ok());
        let mut raw = RawAnswers::new();
        for n in 0..3 {
            raw.insert(format!("hires.{n}.name"), format!("p{n}@example.com"));
        }
        assert!(evaluate(&definition, &raw)["reason"].required);
        raw.remove("hires.2.name");
        assert!(!evaluate(&definition, &raw)["reason"].required);
    }

    #[test]
    fn show_rule_reveals_a_field_only_while_it_holds() {
        let form = equipment_form();
        assert!(!evaluate(&form, &raw(&[]))["equipment"].visible);
        assert!(!evaluate(&form, &raw(&[("needs_equipment", "no")]))["equipment"].visible);
        assert!(evaluate(&form, &raw(&[("needs_equipment", "yes")]))["equipment"].visible);
    }

    #[test]
    fn hidden_answers_are_dropped_and_revealed_required_fields_enforced() {
        let form = equipment_form();
        let answers = validate_answers(
            &form,
            &raw(&[("needs_equipment", "no"), ("equipment", "laptop")]),
            today(),
        )
        .expect("valid");
        assert!(
            !answers.contains_key("equipment"),
            "answer to a hidden field is dropped"
        );
        let errors = validate_answers(&form, &raw(&[("needs_equipment", "yes")]), today())
            .expect_err("missing");
        assert_eq!(
            errors.get("equipment").map(String::as_str),
            Some("equipment is required.")
        );
    }

    #[test]
    fn require_rule_depends_on_a_number() {
        let form = equipment_form();
        let small = raw(&[("needs_equipment", "no"), ("amount", "4999")]);
        assert!(validate_answers(&form, &small, today()).is_ok());
        let large = raw(&[("needs_equipment", "no"), ("amount", "5001")]);
        let errors = validate_answers(&form, &large, today()).expect_err("reason needed");
        assert!(errors.contains_key("finance_reason"));
    }

    #[test]
    fn restricted_options_are_enforced() {
        let mut form = equipment_form();
        form.rules.push(Rule {
            when: test("amount", Op::LessThan, Some(json!(100))),
            then: vec![Effect::RestrictOptions {
                field: "equipment".into(),
                options: vec!["phone".into()],
            }],
        });
        let cheap = raw(&[
            ("needs_equipment", "yes"),
            ("amount", "50"),
            ("equipment", "laptop"),
        ]);
        let errors = validate_answers(&form, &cheap, today()).expect_err("restricted");
        assert_eq!(
            errors.get("equipment").map(String::as_str),
            Some("Choose one of the listed options.")
        );
        let state = evaluate(&form, &cheap);
        assert_eq!(
            state["equipment"].allowed,
            Some(["phone".to_owned()].into())
        );
    }

    #[test]
    fn chains_collapse_when_their_start_is_hidden() {
        let yes_no = |k: &str| field(k, FieldKind::YesNo, false);
        let form = FormDefinition {
            fields: vec![yes_no("a"), yes_no("b"), yes_no("c")],
            rules: vec![
                Rule {
                    when: test("a", Op::Equals, Some(json!("yes"))),
                    then: vec![Effect::Show { field: "b".into() }],
                },
                Rule {
                    when: test("b", Op::Equals, Some(json!(true))),
                    then: vec![Effect::Show { field: "c".into() }],
                },
            ],
        };
        let all_yes = evaluate(&form, &raw(&[("a", "yes"), ("b", "yes")]));
        assert!(all_yes["b"].visible && all_yes["c"].visible);
        let a_no = evaluate(&form, &raw(&[("a", "no"), ("b", "yes")]));
        assert!(
            !a_no["b"].visible && !a_no["c"].visible,
            "C depends on a hidden B"
        );
    }

    #[test]
    fn hide_beats_show_and_any_all_combine() {
        let yes_no = |k: &str| field(k, FieldKind::YesNo, false);
        let form = FormDefinition {
            fields: vec![yes_no("a"), yes_no("b"), yes_no("c")],
            rules: vec![
                Rule {
                    when: Condition::Any(vec![
                        test("a", Op::Equals, Some(json!(true))),
                        test("b", Op::Equals, Some(json!(true))),
                    ]),
                    then: vec![Effect::Show { field: "c".into() }],
                },
                Rule {
                    when: Condition::All(vec![
                        test("a", Op::Equals, Some(json!(true))),
                        test("b", Op::Equals, Some(json!(true))),
                    ]),
                    then: vec![Effect::Hide { field: "c".into() }],
                },
            ],
        };
        assert!(evaluate(&form, &raw(&[("a", "yes")]))["c"].visible);
        assert!(!evaluate(&form, &raw(&[("a", "yes"), ("b", "yes")]))["c"].visible);
        assert!(!evaluate(&form, &raw(&[]))["c"].visible);
    }

    fn messages(form: &FormDefinition) -> Vec<String> {
        check_definition(form)
            .expect_err("invalid")
            .into_iter()
            .map(|e| e.message)
            .collect()
    }

    #[test]
    fn definition_errors_are_precise() {
        assert!(check_definition(&equipment_form()).is_ok());

        let mut duplicate = equipment_form();
        duplicate
            .fields
            .push(field("amount", FieldKind::Email, false));
        assert_eq!(
            messages(&duplicate),
            ["Two fields have the key “amount”; keys must be unique."]
        );

        let mut missing = equipment_form();
        missing.rules[0].when = test("colour", Op::Equals, Some(json!("red")));
        assert_eq!(
            messages(&missing),
            ["The condition tests “colour”, which is not a field of this form."]
        );

        let mut missing_target = equipment_form();
        missing_target.rules[0].then = vec![Effect::Show {
            field: "ghost".into(),
        }];
        assert_eq!(
            messages(&missing_target),
            ["The rule changes “ghost”, which is not a field of this form."]
        );

        let mut mistyped = equipment_form();
        mistyped.rules[1].when = test("amount", Op::GreaterThan, Some(json!("lots")));
        assert!(messages(&mistyped)[0].contains("compares numbers"));

        let mut wrong_option = equipment_form();
        wrong_option.rules.push(Rule {
            when: test("equipment", Op::Equals, Some(json!("tablet"))),
            then: vec![Effect::Require {
                field: "finance_reason".into(),
            }],
        });
        assert_eq!(
            messages(&wrong_option),
            ["“tablet” is not an option of “equipment”."]
        );

        let mut restrict_text = equipment_form();
        restrict_text.rules[0].then = vec![Effect::RestrictOptions {
            field: "finance_reason".into(),
            options: vec!["x".into()],
        }];
        assert!(
            messages(&restrict_text)[0].starts_with("Only fields with options can be restricted")
        );

        let mut bad_pattern = equipment_form();
        bad_pattern.fields.push(field(
            "code",
            FieldKind::ShortText {
                min_length: None,
                max_length: None,
                pattern: Some(crate::domain::form::Pattern {
                    regex: "[A-Z".into(),
                    message: "Use capitals.".into(),
                }),
            },
            false,
        ));
        assert!(messages(&bad_pattern)[0]
            .starts_with("The pattern of “code” is not a valid regular expression"));

        let mut heading_test = equipment_form();
        heading_test
            .fields
            .push(field("about", FieldKind::Section, false));
        heading_test.rules[0].when = test("about", Op::IsEmpty, Some(json!("x")));
        heading_test.rules[0].when = test("about", Op::Equals, Some(json!("x")));
        assert_eq!(
            messages(&heading_test),
            ["“about” is a heading: it has no answer to test."]
        );

        let mut bad_currency = equipment_form();
        bad_currency.fields.push(field(
            "price",
            FieldKind::Money {
                currency: "euro".into(),
                min: None,
                max: None,
            },
            false,
        ));
        assert!(messages(&bad_currency)[0].contains("three-letter currency code"));

        let mut bad_key = equipment_form();
        bad_key.fields[3].key = "finance reason".into();
        assert!(messages(&bad_key)
            .iter()
            .any(|m| m.contains("only letters, digits and _")));
    }

    #[test]
    fn cycles_are_refused_with_the_fields_named() {
        let yes_no = |k: &str| field(k, FieldKind::YesNo, false);
        let form = FormDefinition {
            fields: vec![yes_no("a"), yes_no("b")],
            rules: vec![
                Rule {
                    when: test("a", Op::IsNotEmpty, None),
                    then: vec![Effect::Show { field: "b".into() }],
                },
                Rule {
                    when: test("b", Op::IsNotEmpty, None),
                    then: vec![Effect::Hide { field: "a".into() }],
                },
            ],
        };
        let errors = check_definition(&form).expect_err("cycle");
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("in a circle: a → b"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn rules_serialise_readably() {
        let json = serde_json::to_value(&equipment_form().rules[0]).expect("json");
        assert_eq!(
            json,
            json!({"when": {"field": {"field": "needs_equipment", "op": "equals", "value": "yes"}},
                   "then": [{"effect": "show", "field": "equipment"}]})
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Field kinds the generator uses, and a value generator for each.
        fn kind(i: usize) -> FieldKind {
            match i % 4 {
                0 => FieldKind::YesNo,
                1 => FieldKind::Number {
                    min: None,
                    max: None,
                    step: None,
                },
                2 => FieldKind::Select {
                    radio: false,
                    options: vec![
                        SelectOption::new("x", "X"),
                        SelectOption::new("y", "Y"),
                        SelectOption::new("z", "Z"),
                    ],
                },
                _ => FieldKind::ShortText {
                    pattern: None,
                    min_length: None,
                    max_length: None,
                },
            }
        }

        fn condition_on(key: &str, kind: &FieldKind, pick: u8) -> Condition {
            let (op, value) = match kind {
                FieldKind::YesNo => (Op::Equals, Some(json!(pick.is_multiple_of(2)))),
                FieldKind::Number { .. } => {
                    if pick.is_multiple_of(2) {
                        (Op::GreaterThan, Some(json!(pick as i64)))
                    } else {
                        (Op::LessThan, Some(json!(pick as i64)))
                    }
                }
                FieldKind::Select { .. } => (Op::In, Some(json!(["x", "z"]))),
                _ => {
                    if pick.is_multiple_of(2) {
                        (Op::IsEmpty, None)
                    } else {
                        (Op::Contains, Some(json!("a")))
                    }
                }
            };
            test(key, op, value)
        }

        fn raw_value(kind: &FieldKind, pick: u8) -> String {
            match (kind, pick % 5) {
                (_, 0) => String::new(),
                (FieldKind::YesNo, p) => {
                    if p.is_multiple_of(2) {
                        "yes".into()
                    } else {
                        "no".into()
                    }
                }
                (FieldKind::Number { .. }, _) => (pick as i64 * 3 % 200).to_string(),
                (FieldKind::Select { .. }, p) => ["x", "y", "z", "w"][p as usize % 4].into(),
                (_, p) => ["abc", "zzz", "banana", "q"][p as usize % 4].into(),
            }
        }

        /// A random acyclic definition: rules test earlier fields and affect later ones.
        fn definition() -> impl Strategy<Value = FormDefinition> {
            (
                2usize..7,
                prop::collection::vec(
                    (
                        any::<u8>(),
                        any::<u8>(),
                        any::<u8>(),
                        any::<u8>(),
                        any::<bool>(),
                    ),
                    0..8,
                ),
                any::<u8>(),
            )
                .prop_map(|(n, rule_seeds, req_seed)| {
                    let fields: Vec<FieldDef> = (0..n)
                        .map(|i| field(&format!("f{i}"), kind(i), (req_seed >> (i % 8)) & 1 == 1))
                        .collect();
                    let rules = rule_seeds
                        .into_iter()
                        .map(|(a, b, pick, effect, any_of)| {
                            let source = a as usize % (n - 1);
                            let target = source + 1 + (b as usize % (n - source - 1));
                            let mut when =
                                condition_on(&fields[source].key, &fields[source].kind, pick);
                            if any_of {
                                when = Condition::Any(vec![
                                    when,
                                    condition_on(&fields[0].key, &fields[0].kind, pick / 2),
                                ]);
                            }
                            let field = fields[target].key.clone();
                            let then = match effect % 4 {
                                0 => Effect::Show { field },
                                1 => Effect::Hide { field },
                                2 => Effect::Require { field },
                                _ if matches!(fields[target].kind, FieldKind::Select { .. }) => {
                                    Effect::RestrictOptions {
                                        field,
                                        options: vec!["y".into(), "z".into()],
                                    }
                                }
                                _ => Effect::ReadOnly { field },
                            };
                            Rule {
                                when,
                                then: vec![then],
                            }
                        })
                        .collect();
                    FormDefinition { fields, rules }
                })
        }

        fn answers_for(definition: &FormDefinition, picks: &[u8]) -> RawAnswers {
            definition
                .fields
                .iter()
                .zip(picks.iter().cycle())
                .map(|(f, p)| (f.key.clone(), raw_value(&f.kind, *p)))
                .collect()
        }

        proptest! {
            #[test]
            fn generated_definitions_are_accepted(definition in definition()) {
                prop_assert!(check_definition(&definition).is_ok());
            }

            #[test]
            fn rule_order_does_not_matter(definition in definition(), picks in prop::collection::vec(any::<u8>(), 1..8)) {
                let raw = answers_for(&definition, &picks);
                let mut reversed = definition.clone();
                reversed.rules.reverse();
                prop_assert_eq!(evaluate(&definition, &raw), evaluate(&reversed, &raw));
            }

            #[test]
            fn hidden_fields_never_reach_the_stored_answers(definition in definition(), picks in prop::collection::vec(any::<u8>(), 1..8)) {
                let raw = answers_for(&definition, &picks);
                let state = evaluate(&definition, &raw);
                if let Ok(answers) = validate_answers(&definition, &raw, today()) {
                    for key in answers.keys() {
                        prop_assert!(state[key].visible, "{key} stored while hidden");
                    }
                }
            }

            #[test]
            fn required_visible_fields_left_empty_are_reported(definition in definition(), picks in prop::collection::vec(any::<u8>(), 1..8)) {
                let raw = answers_for(&definition, &picks);
                let state = evaluate(&definition, &raw);
                let errors = validate_answers(&definition, &raw, today()).err().unwrap_or_default();
                for field in &definition.fields {
                    let s = &state[&field.key];
                    let empty = raw.get(&field.key).is_none_or(|v| v.trim().is_empty());
                    if s.visible && s.required && empty {
                        prop_assert!(errors.contains_key(&field.key), "{} should be required", field.key);
                    }
                    if !s.visible {
                        prop_assert!(!errors.contains_key(&field.key), "{} is hidden but has an error", field.key);
                    }
                }
            }

            #[test]
            fn json_round_trip_keeps_the_verdict(definition in definition(), picks in prop::collection::vec(any::<u8>(), 1..8)) {
                let raw = answers_for(&definition, &picks);
                let json = serde_json::to_string(&definition).expect("serialise");
                let back: FormDefinition = serde_json::from_str(&json).expect("parse");
                prop_assert_eq!(&back, &definition);
                prop_assert_eq!(
                    validate_answers(&back, &raw, today()),
                    validate_answers(&definition, &raw, today())
                );
            }

            #[test]
            fn a_back_edge_makes_a_cycle_that_is_refused(definition in definition()) {
                // Find a rule a -> b and add b -> a.
                if let Some(rule) = definition.rules.first() {
                    let mut sources = BTreeSet::new();
                    condition_fields(&rule.when, &mut sources);
                    let target = rule.then[0].field().to_owned();
                    if let Some(source) = sources.iter().next().map(|s| (*s).to_owned()) {
                        if source != target {
                            let mut cyclic = definition.clone();
                            cyclic.rules.push(Rule {
                                when: test(&target, Op::IsNotEmpty, None),
                                then: vec![Effect::ReadOnly { field: source }],
                            });
                            let errors = check_definition(&cyclic).expect_err("cycle");
                            prop_assert!(errors.iter().any(|e| e.message.contains("circle")));
                        }
                    }
                }
            }
        }
    }

    /// A leave request: the last day may not be before the first.
    fn leave_form() -> FormDefinition {
        FormDefinition {
            fields: vec![
                field("start", FieldKind::Date { future_only: false }, true),
                field("end", FieldKind::Date { future_only: false }, true),
                field(
                    "days",
                    FieldKind::Number {
                        min: None,
                        max: None,
                        step: None,
                    },
                    false,
                ),
            ],
            rules: vec![Rule {
                when: test("end", Op::LessThan, Some(field_value("start"))),
                then: vec![Effect::Refuse {
                    field: "end".into(),
                    message: "The last day is on or after the first day.".into(),
                }],
            }],
        }
    }

    #[test]
    fn a_rule_refuses_an_answer_that_another_field_contradicts() {
        let form = leave_form();
        assert_eq!(check_definition(&form), Ok(()));
        let errors = validate_answers(
            &form,
            &raw(&[("start", "2026-12-10"), ("end", "2026-12-08")]),
            today(),
        )
        .expect_err("ends before it starts");
        assert_eq!(
            errors.get("end").map(String::as_str),
            Some("The last day is on or after the first day.")
        );
        assert!(!errors.contains_key("start"));
        for end in ["2026-12-10", "2026-12-31"] {
            assert!(
                validate_answers(
                    &form,
                    &raw(&[("start", "2026-12-10"), ("end", end)]),
                    today()
                )
                .is_ok(),
                "{end}"
            );
        }
        // Until both are answered there is nothing to compare: only "required" speaks.
        let errors =
            validate_answers(&form, &raw(&[("end", "2026-12-08")]), today()).expect_err("no start");
        assert!(!errors.contains_key("end"), "{errors:?}");
        // Dates compare as dates, across months and years, not as text.
        let later = raw(&[("start", "2026-12-31"), ("end", "2027-01-02")]);
        assert!(validate_answers(&form, &later, today()).is_ok());
        // The browser uses the same evaluation: the state carries the refusal.
        let state = evaluate(
            &form,
            &raw(&[("start", "2027-01-02"), ("end", "2026-12-31")]),
        );
        assert!(state["end"].refused.is_some());
        // A refusal orders nothing: it is settled once every answer is known.
        assert_eq!(
            dependency_order(&form.fields, &form.rules).expect("no circle"),
            vec!["start", "end", "days"]
        );
    }

    #[test]
    fn a_number_compares_with_the_working_days_between_two_dates() {
        let mut form = leave_form();
        form.rules.push(Rule {
            when: test(
                "days",
                Op::GreaterThan,
                Some(working_days_value("start", "end")),
            ),
            then: vec![Effect::Refuse {
                field: "days".into(),
                message: "More days than working days between the first and the last day.".into(),
            }],
        });
        assert_eq!(check_definition(&form), Ok(()));
        // Mon 7 to Mon 14 December 2026: six working days.
        let answers = |days: &str| {
            raw(&[
                ("start", "2026-12-07"),
                ("end", "2026-12-14"),
                ("days", days),
            ])
        };
        for fits in ["6", "5.5", "1"] {
            assert!(
                validate_answers(&form, &answers(fits), today()).is_ok(),
                "{fits}"
            );
        }
        let errors = validate_answers(&form, &answers("6.5"), today()).expect_err("too many");
        assert!(errors["days"].starts_with("More days"), "{errors:?}");
        // A weekend alone holds no working day; without both dates there is nothing to count.
        let weekend = raw(&[
            ("start", "2026-12-12"),
            ("end", "2026-12-13"),
            ("days", "1"),
        ]);
        assert!(evaluate(&form, &weekend)["days"].refused.is_some());
        assert!(
            evaluate(&form, &raw(&[("start", "2026-12-12"), ("days", "9")]))["days"]
                .refused
                .is_none()
        );
        // The count reads both dates: they come first.
        assert_eq!(
            dependency_order(&form.fields, &form.rules).expect("no circle"),
            vec!["start", "end", "days"]
        );

        // Only a number compares with working days, counted between two date fields.
        let refused = |field: &str, value: Value| {
            let mut form = leave_form();
            form.rules = vec![Rule {
                when: test(field, Op::GreaterThan, Some(value)),
                then: vec![Effect::Require {
                    field: "days".into(),
                }],
            }];
            check_definition(&form)
                .expect_err("refused")
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert!(refused("start", working_days_value("start", "end")).contains("number field"));
        assert!(refused("days", working_days_value("start", "days")).contains("not one"));
        assert!(refused("days", working_days_value("start", "nope")).contains("not a field"));
        assert!(refused("days", working_days_value("end", "end")).contains("two different"));
    }

    #[test]
    fn numbers_and_dates_compare_with_values_and_fields_of_their_own_kind() {
        let mut form = leave_form();
        form.rules.push(Rule {
            when: test("days", Op::GreaterThan, Some(json!(5))),
            then: vec![Effect::Require {
                field: "end".into(),
            }],
        });
        form.rules.push(Rule {
            when: test("start", Op::GreaterThan, Some(json!("2026-12-20"))),
            then: vec![Effect::Hide {
                field: "days".into(),
            }],
        });
        assert_eq!(check_definition(&form), Ok(()));
        let state = evaluate(&form, &raw(&[("days", "6"), ("start", "2026-12-21")]));
        assert!(
            !state["days"].visible,
            "a date after the 20th hides the days"
        );
        let state = evaluate(&form, &raw(&[("days", "6"), ("start", "2026-12-19")]));
        assert!(state["days"].visible && state["end"].required);

        let refused = |rule: Rule| {
            let mut form = leave_form();
            form.rules = vec![rule];
            let errors = check_definition(&form).expect_err("refused");
            errors
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join(" ")
        };
        let refuse = |field: &str| {
            vec![Effect::Refuse {
                field: field.into(),
                message: "No.".into(),
            }]
        };
        assert!(refused(Rule {
            when: test("end", Op::LessThan, Some(field_value("days"))),
            then: refuse("end")
        })
        .contains("two numbers, two dates"));
        assert!(refused(Rule {
            when: test("end", Op::LessThan, Some(field_value("nope"))),
            then: refuse("end")
        })
        .contains("not a field of this form"));
        assert!(refused(Rule {
            when: test("end", Op::Contains, Some(field_value("start"))),
            then: refuse("end")
        })
        .contains("cannot compare with another field"));
        assert!(refused(Rule {
            when: test("end", Op::LessThan, Some(field_value("end"))),
            then: refuse("end")
        })
        .contains("with itself"));
        assert!(refused(Rule {
            when: test("start", Op::GreaterThan, Some(json!("next week"))),
            then: refuse("end")
        })
        .contains("YYYY-MM-DD"));
        assert!(refused(Rule {
            when: test("end", Op::LessThan, Some(field_value("start"))),
            then: vec![Effect::Refuse {
                field: "end".into(),
                message: "  ".into()
            }],
        })
        .contains("needs a message"));
    }
}
