//! Catalog form definitions and their validation.
//!
//! A catalog item version stores a [`FormDefinition`] as JSON. The browser calls [`validate_field`]
//! while the employee types; the server calls [`validate_answers`] on submit and stores only the
//! normalised values it returns.

use crate::domain::files;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The form of one catalog item version: its fields, and the rules that shape it as it is
/// filled in.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FormDefinition {
    pub fields: Vec<FieldDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<crate::domain::rules::Rule>,
    /// Approval stages a request goes through before fulfilment (none: no approval).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<crate::domain::approvals::ApprovalStage>,
    /// Fulfilment tasks once approved (none: the department's queue works the request whole).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<crate::domain::tasks::TaskDef>,
}

/// One field of a form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    /// Stable machine name, used as the answer's key.
    pub key: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(flatten)]
    pub kind: FieldKind,
}

impl FieldDef {
    /// A field with no help, placeholder or default.
    pub fn new(key: &str, label: &str, kind: FieldKind, required: bool) -> Self {
        Self {
            key: key.to_owned(),
            label: label.to_owned(),
            help: None,
            placeholder: None,
            required,
            default: None,
            kind,
        }
    }
}

/// The type of a field and its type-specific constraints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    ShortText {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_length: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
        /// A regular expression the whole answer must match, with the message shown otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pattern: Option<Pattern>,
    },
    LongText {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_length: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    },
    Number {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<f64>,
    },
    /// An amount of money in one currency, with at most two decimals.
    Money {
        currency: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    Date {
        /// Dates before the day of submission are refused (e.g. a start date).
        #[serde(default)]
        future_only: bool,
    },
    /// A date and a time of day (local time of the person filling in the form).
    DateTime {
        #[serde(default)]
        future_only: bool,
    },
    Select {
        options: Vec<SelectOption>,
        /// Shown as radio buttons (every option visible at once) rather than a dropdown.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        radio: bool,
    },
    /// Any number of the options (within `min`/`max` when set).
    MultiSelect {
        options: Vec<SelectOption>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<u32>,
    },
    Checkbox,
    YesNo,
    Email,
    /// A heading that groups the fields after it; it has no answer.
    Section,
    /// One of the organisation's departments (the answer is its slug).
    Department,
    /// A person in the directory (the answer is their email), e.g. "who is the new hire's buddy?".
    User,
    /// A file, uploaded as the form is filled in; the answer is the upload's token. Its type is
    /// checked by content (see [`crate::domain::files`]).
    Attachment {
        /// Size limit in megabytes ([`files::DEFAULT_ATTACHMENT_MB`] when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_size_mb: Option<u32>,
        /// Kinds of file accepted; empty means every supported kind.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        accept: Vec<files::FileKind>,
    },
    /// Rows of sub-fields, e.g. several new hires, each with a name and a start date. Answers
    /// arrive as `group.ROW.subkey`; the stored answer is a list of rows.
    Group {
        fields: Vec<FieldDef>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_rows: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_rows: Option<u32>,
    },
}

/// Most rows a repeating group accepts, whatever its definition says.
pub const MAX_GROUP_ROWS: u32 = 100;

/// A pattern an answer must match, with a message people can act on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pattern {
    pub regex: String,
    pub message: String,
}

impl Pattern {
    /// The compiled expression, anchored so that it must match the whole answer.
    pub fn compile(&self) -> Result<regex_lite::Regex, String> {
        regex_lite::Regex::new(&format!("^(?:{})$", self.regex)).map_err(|e| e.to_string())
    }
}

/// One choice of a select field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SelectOption {
    pub value: String,
    pub label: String,
}

impl SelectOption {
    pub fn new(value: &str, label: &str) -> Self {
        Self {
            value: value.to_owned(),
            label: label.to_owned(),
        }
    }
}

/// Longest text accepted by a short text field without its own limit.
pub const SHORT_TEXT_LIMIT: usize = 200;
/// Longest text accepted by a long text field without its own limit.
pub const LONG_TEXT_LIMIT: usize = 10_000;

/// Raw form input: what the browser posts, keyed by field key.
pub type RawAnswers = BTreeMap<String, String>;
/// Validated, normalised answers as stored on the request.
pub type Answers = BTreeMap<String, Value>;
/// Field key → message to show next to that field.
pub type FieldErrors = BTreeMap<String, String>;

/// Separates the chosen values of a multi-select in its single raw value.
pub const MULTI_SEPARATOR: char = '\u{1f}';

/// A field's raw answer, whichever way it arrived. A multi-select posts one key per ticked
/// option (`equipment.dock=on`, so that plain form posts work); the browser keeps the chosen
/// values joined under the field's own key. Both read the same here.
///
/// A repeating group's raw value is its number of filled-in rows (absent when none), which is
/// what rules compare.
pub fn raw_value(field: &FieldDef, raw: &RawAnswers) -> Option<String> {
    if let FieldKind::Group { fields, .. } = &field.kind {
        let rows = group_rows(&field.key, fields, raw).len();
        return (rows > 0).then(|| rows.to_string());
    }
    if let FieldKind::MultiSelect { options, .. } = &field.kind {
        if let Some(joined) = raw.get(&field.key) {
            return Some(joined.clone());
        }
        let chosen: Vec<&str> = options
            .iter()
            .filter(|o| {
                raw.get(&format!("{}.{}", field.key, o.value))
                    .is_some_and(|v| matches!(v.as_str(), "on" | "true" | "yes" | "1"))
            })
            .map(|o| o.value.as_str())
            .collect();
        return (!chosen.is_empty()).then(|| chosen.join(&MULTI_SEPARATOR.to_string()));
    }
    raw.get(&field.key).cloned()
}

/// The sub-field of a repeating group as it appears in one row: its key is `group.ROW.sub`.
pub fn row_field(group_key: &str, row: u32, sub: &FieldDef) -> FieldDef {
    FieldDef {
        key: format!("{group_key}.{row}.{}", sub.key),
        ..sub.clone()
    }
}

/// The rows of a group that have at least one answer, in order. Row numbers come from the
/// form (`group.ROW.sub`) and may have gaps where rows were removed.
pub fn group_rows(group_key: &str, sub_fields: &[FieldDef], raw: &RawAnswers) -> Vec<u32> {
    let prefix = format!("{group_key}.");
    let mut rows = std::collections::BTreeSet::new();
    for (key, value) in raw.range(prefix.clone()..) {
        let Some(rest) = key.strip_prefix(&prefix) else {
            break;
        };
        let Some((row, sub)) = rest.split_once('.') else {
            continue;
        };
        let sub_key = sub.split('.').next().unwrap_or_default();
        let known = sub_fields.iter().any(|f| f.key == sub_key);
        let filled = !value.trim().is_empty() && value != "false";
        if let (Ok(row), true, true) = (row.parse::<u32>(), known, filled) {
            rows.insert(row);
        }
    }
    // A form cannot have more rows than the largest group allows; ignore the rest unread.
    rows.into_iter().take(MAX_GROUP_ROWS as usize + 1).collect()
}

/// The values of a joined multi-select answer.
pub fn split_multi(text: &str) -> Vec<&str> {
    text.split(MULTI_SEPARATOR)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

/// Validates one field's raw input. `Ok(None)` means "left empty, and that is allowed".
///
/// `today` is passed in rather than read from a clock so that the browser and the server give
/// the same verdict for the same input, and so tests are deterministic.
pub fn validate_field(
    field: &FieldDef,
    raw: Option<&str>,
    today: NaiveDate,
) -> Result<Option<Value>, String> {
    validate_field_in_state(field, field.required, None, raw, today)
}

/// Validates one field as the form's rules have shaped it: `required` may have been switched on
/// by a rule, and `allowed` limits the options of a select.
pub fn validate_field_in_state(
    field: &FieldDef,
    required: bool,
    allowed: Option<&std::collections::BTreeSet<String>>,
    raw: Option<&str>,
    today: NaiveDate,
) -> Result<Option<Value>, String> {
    if matches!(field.kind, FieldKind::Section | FieldKind::Group { .. }) {
        // A group is validated row by row in `validate_answers`.
        return Ok(None);
    }
    let text = raw.map(str::trim).unwrap_or_default();
    if let FieldKind::MultiSelect { options, min, max } = &field.kind {
        let chosen = split_multi(text);
        if chosen.is_empty() {
            return if required {
                Err(format!("Choose at least one option for “{}”.", field.label))
            } else {
                Ok(None)
            };
        }
        for value in &chosen {
            let known = options.iter().any(|o| o.value == *value);
            if !known || allowed.is_some_and(|a| !a.contains(*value)) {
                return Err("Choose only from the listed options.".to_owned());
            }
        }
        let n = chosen.len() as u32;
        if let Some(min) = min.filter(|m| n < *m) {
            return Err(format!("Choose at least {min}."));
        }
        if let Some(max) = max.filter(|m| n > *m) {
            return Err(format!("Choose at most {max}."));
        }
        return Ok(Some(Value::Array(
            chosen
                .into_iter()
                .map(|v| Value::String(v.to_owned()))
                .collect(),
        )));
    }
    if let (Some(allowed), false) = (allowed, text.is_empty()) {
        if !allowed.contains(text) {
            return Err("Choose one of the listed options.".to_owned());
        }
    }
    if text.is_empty() {
        // An unchecked box is a definite "no", not a missing answer.
        if let FieldKind::Checkbox = field.kind {
            if required {
                return Err(format!("Tick “{}” to continue.", field.label));
            }
            return Ok(Some(Value::Bool(false)));
        }
        if required {
            return Err(match field.kind {
                // Yes/no labels are questions: "Is it electric? is required" reads badly.
                FieldKind::YesNo => format!("Answer “{}”", field.label),
                _ => format!("{} is required.", field.label),
            });
        }
        return Ok(None);
    }
    match &field.kind {
        FieldKind::ShortText {
            min_length,
            max_length,
            pattern,
        } => {
            let value = check_length(text, *min_length, *max_length, SHORT_TEXT_LIMIT)?;
            if let Some(pattern) = pattern {
                // A definition with a broken pattern is refused when saved; if one slipped
                // through, the answer is accepted rather than blocking every employee.
                if let Ok(re) = pattern.compile() {
                    if !re.is_match(text) {
                        return Err(pattern.message.clone());
                    }
                }
            }
            Ok(value)
        }
        FieldKind::LongText {
            min_length,
            max_length,
        } => check_length(text, *min_length, *max_length, LONG_TEXT_LIMIT),
        FieldKind::Number { min, max, step } => check_number(text, *min, *max, *step),
        FieldKind::Money { min, max, .. } => {
            let value = check_number(text, *min, *max, None)?;
            let amount = value.as_ref().and_then(Value::as_f64).unwrap_or_default();
            if ((amount * 100.0).round() - amount * 100.0).abs() > 1e-6 {
                return Err("Enter an amount with at most two decimals.".to_owned());
            }
            Ok(value)
        }
        FieldKind::DateTime { future_only } => {
            let at = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
                .map_err(|_| "Enter a date and time as YYYY-MM-DD HH:MM.".to_owned())?;
            if *future_only && at.date() < today {
                return Err("Choose today or a later date.".to_owned());
            }
            Ok(Some(Value::String(at.format("%Y-%m-%dT%H:%M").to_string())))
        }
        FieldKind::Section | FieldKind::MultiSelect { .. } | FieldKind::Group { .. } => Ok(None),
        // That the upload exists, belongs to the person and fits the field is checked on the
        // server; here only that the answer is an upload's token.
        FieldKind::Attachment { .. } => {
            if files::is_token(text) {
                Ok(Some(Value::String(text.to_owned())))
            } else {
                Err("Upload the file again: the upload was not recognised.".to_owned())
            }
        }
        // The format is checked here; that the department or person exists, on the server.
        FieldKind::Department => {
            if text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                Ok(Some(Value::String(text.to_owned())))
            } else {
                Err("Choose a department from the list.".to_owned())
            }
        }
        FieldKind::User => {
            if is_plausible_email(text) {
                Ok(Some(Value::String(text.to_lowercase())))
            } else {
                Err("Choose a person: type part of their name or email and pick them.".to_owned())
            }
        }
        FieldKind::Date { future_only } => {
            let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| "Enter a date as YYYY-MM-DD.".to_owned())?;
            if *future_only && date < today {
                return Err("Choose today or a later date.".to_owned());
            }
            Ok(Some(Value::String(date.format("%Y-%m-%d").to_string())))
        }
        FieldKind::Select { options, .. } => {
            if options.iter().any(|o| o.value == text) {
                Ok(Some(Value::String(text.to_owned())))
            } else {
                Err("Choose one of the listed options.".to_owned())
            }
        }
        FieldKind::Checkbox => match text {
            "on" | "true" | "yes" | "1" => Ok(Some(Value::Bool(true))),
            "false" | "no" | "0" | "off" => {
                if required {
                    Err(format!("Tick “{}” to continue.", field.label))
                } else {
                    Ok(Some(Value::Bool(false)))
                }
            }
            _ => Err("Tick the box or leave it empty.".to_owned()),
        },
        FieldKind::YesNo => match text {
            "yes" => Ok(Some(Value::Bool(true))),
            "no" => Ok(Some(Value::Bool(false))),
            _ => Err("Answer yes or no.".to_owned()),
        },
        FieldKind::Email => {
            if is_plausible_email(text) {
                Ok(Some(Value::String(text.to_owned())))
            } else {
                Err("Enter an email address like name@example.com.".to_owned())
            }
        }
    }
}

fn check_length(
    text: &str,
    min: Option<u32>,
    max: Option<u32>,
    hard_limit: usize,
) -> Result<Option<Value>, String> {
    let len = text.chars().count();
    if let Some(min) = min {
        if len < min as usize {
            return Err(format!("Enter at least {min} characters (now {len})."));
        }
    }
    let limit = max
        .map(|m| m as usize)
        .unwrap_or(hard_limit)
        .min(hard_limit);
    if len > limit {
        return Err(format!("Enter at most {limit} characters (now {len})."));
    }
    Ok(Some(Value::String(text.to_owned())))
}

fn check_number(
    text: &str,
    min: Option<f64>,
    max: Option<f64>,
    step: Option<f64>,
) -> Result<Option<Value>, String> {
    let n: f64 = text
        .replace([',', ' '], "")
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite())
        .ok_or_else(|| "Enter a number.".to_owned())?;
    if let Some(min) = min {
        if n < min {
            return Err(format!("Enter {} or more.", fmt_number(min)));
        }
    }
    if let Some(max) = max {
        if n > max {
            return Err(format!("Enter {} or less.", fmt_number(max)));
        }
    }
    if let Some(step) = step.filter(|s| *s > 0.0) {
        let base = min.unwrap_or(0.0);
        let steps = (n - base) / step;
        if (steps - steps.round()).abs() > 1e-9 {
            return Err(format!("Enter a multiple of {}.", fmt_number(step)));
        }
    }
    let value = serde_json::Number::from_f64(n)
        .map(Value::Number)
        .ok_or_else(|| "Enter a number.".to_owned())?;
    Ok(Some(value))
}

/// Formats a number without a trailing `.0` for whole values.
pub fn fmt_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn is_plausible_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(char::is_whitespace)
        && !domain.contains('@')
}

/// Validates a whole submission. The form's rules are applied first: answers to hidden fields
/// are dropped, fields required by a rule must be answered. Unknown keys are ignored (never
/// stored); every field's error is reported at once so the employee can fix them all in one go.
pub fn validate_answers(
    definition: &FormDefinition,
    raw: &RawAnswers,
    today: NaiveDate,
) -> Result<Answers, FieldErrors> {
    let state = crate::domain::rules::evaluate(definition, raw);
    let mut answers = Answers::new();
    let mut errors = FieldErrors::new();
    for field in &definition.fields {
        let Some(field_state) = state.get(&field.key).filter(|s| s.visible) else {
            continue;
        };
        if let FieldKind::Group {
            fields,
            min_rows,
            max_rows,
        } = &field.kind
        {
            let rows = GroupLimits {
                required: field_state.required,
                min_rows: *min_rows,
                max_rows: *max_rows,
            };
            if let Some(value) = validate_group(field, fields, rows, raw, today, &mut errors) {
                answers.insert(field.key.clone(), value);
            }
            continue;
        }
        let raw_text = raw_value(field, raw);
        match validate_field_in_state(
            field,
            field_state.required,
            field_state.allowed.as_ref(),
            raw_text.as_deref(),
            today,
        ) {
            Ok(Some(value)) => {
                answers.insert(field.key.clone(), value);
            }
            Ok(None) => {}
            Err(message) => {
                errors.insert(field.key.clone(), message);
            }
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

struct GroupLimits {
    required: bool,
    min_rows: Option<u32>,
    max_rows: Option<u32>,
}

/// Validates the filled-in rows of a group; errors are keyed `group.ROW.sub` for a cell and
/// `group` for the number of rows. Rows are stored renumbered, without gaps.
fn validate_group(
    field: &FieldDef,
    sub_fields: &[FieldDef],
    limits: GroupLimits,
    raw: &RawAnswers,
    today: NaiveDate,
    errors: &mut FieldErrors,
) -> Option<Value> {
    let rows = group_rows(&field.key, sub_fields, raw);
    let mut out = Vec::with_capacity(rows.len());
    for &row in &rows {
        let mut cells = serde_json::Map::new();
        for sub in sub_fields {
            let cell = row_field(&field.key, row, sub);
            match validate_field_in_state(
                &cell,
                sub.required,
                None,
                raw_value(&cell, raw).as_deref(),
                today,
            ) {
                Ok(Some(value)) => {
                    cells.insert(sub.key.clone(), value);
                }
                Ok(None) => {}
                Err(message) => {
                    errors.insert(cell.key, message);
                }
            }
        }
        out.push(Value::Object(cells));
    }
    let n = rows.len() as u32;
    let min = limits.min_rows.unwrap_or(0).max(u32::from(limits.required));
    let max = limits
        .max_rows
        .unwrap_or(MAX_GROUP_ROWS)
        .min(MAX_GROUP_ROWS);
    if n < min {
        errors.insert(
            field.key.clone(),
            if min == 1 {
                format!("Add at least one row to “{}”.", field.label)
            } else {
                format!("Add at least {min} rows to “{}” (now {n}).", field.label)
            },
        );
    } else if n > max {
        errors.insert(
            field.key.clone(),
            format!("“{}” takes at most {max} rows (now {n}).", field.label),
        );
    }
    (n > 0).then_some(Value::Array(out))
}

/// Stored answers written back as the form would post them, so that rules and conditions can
/// be evaluated on a stored request (e.g. which approval stages apply).
pub fn answers_to_raw(definition: &FormDefinition, answers: &Answers) -> RawAnswers {
    let mut raw = RawAnswers::new();
    for field in &definition.fields {
        let Some(value) = answers.get(&field.key) else {
            continue;
        };
        match (&field.kind, value) {
            (FieldKind::Group { fields, .. }, Value::Array(rows)) => {
                for (n, row) in rows.iter().enumerate() {
                    for sub in fields {
                        if let Some(cell) = row.get(&sub.key) {
                            raw.insert(
                                row_field(&field.key, n as u32, sub).key,
                                raw_text(sub, cell),
                            );
                        }
                    }
                }
            }
            _ => {
                raw.insert(field.key.clone(), raw_text(field, value));
            }
        }
    }
    raw
}

/// One stored answer as the form posts it.
fn raw_text(field: &FieldDef, value: &Value) -> String {
    match (&field.kind, value) {
        (FieldKind::YesNo, Value::Bool(b)) => if *b { "yes" } else { "no" }.to_owned(),
        (_, Value::Bool(true)) => "on".to_owned(),
        (_, Value::Bool(false)) => String::new(),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Array(values)) => values
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(&MULTI_SEPARATOR.to_string()),
        (_, Value::Number(n)) => n.as_f64().map(fmt_number).unwrap_or_else(|| n.to_string()),
        (_, other) => other.to_string(),
    }
}

/// One answered cell of a stored answer set: a top-level field, or a sub-field of a group row.
pub struct AnsweredCell<'a> {
    /// Where an error about it is shown: the field's key (for a cell, the group's key).
    pub error_key: &'a str,
    /// The row (counted from 0) for a cell of a group.
    pub row: Option<usize>,
    pub field: &'a FieldDef,
    pub value: &'a Value,
}

impl AnsweredCell<'_> {
    /// An error message about this cell, prefixed with its row when it is in a group.
    pub fn message(&self, message: &str) -> String {
        match self.row {
            Some(n) => format!("Row {}, {}: {message}", n + 1, self.field.label),
            None => message.to_owned(),
        }
    }
}

/// Every answered cell of a stored answer set, with the field that defines it: top-level
/// fields and the sub-fields of each group row. Checks on the server (references, uploads)
/// walk this so that a person or file inside a group is checked like any other.
pub fn answered_cells<'a>(
    definition: &'a FormDefinition,
    answers: &'a Answers,
) -> Vec<AnsweredCell<'a>> {
    let mut out = Vec::new();
    for field in &definition.fields {
        let Some(value) = answers.get(&field.key) else {
            continue;
        };
        if let (FieldKind::Group { fields, .. }, Value::Array(rows)) = (&field.kind, value) {
            for (n, row) in rows.iter().enumerate() {
                for sub in fields {
                    if let Some(cell) = row.get(&sub.key) {
                        out.push(AnsweredCell {
                            error_key: &field.key,
                            row: Some(n),
                            field: sub,
                            value: cell,
                        });
                    }
                }
            }
        } else {
            out.push(AnsweredCell {
                error_key: &field.key,
                row: None,
                field,
                value,
            });
        }
    }
    out
}

/// Renders a stored answer for people to read, using the field's definition (option labels, yes/no).
pub fn display_answer(field: &FieldDef, value: &Value) -> String {
    match (&field.kind, value) {
        (FieldKind::Group { .. }, Value::Array(rows)) => match rows.len() {
            1 => "1 row".to_owned(),
            n => format!("{n} rows"),
        },
        (FieldKind::Select { options, .. }, Value::String(v)) => options
            .iter()
            .find(|o| &o.value == v)
            .map(|o| o.label.clone())
            .unwrap_or_else(|| v.clone()),
        (FieldKind::Money { currency, .. }, Value::Number(n)) => {
            format!("{currency} {:.2}", n.as_f64().unwrap_or_default())
        }
        (FieldKind::DateTime { .. }, Value::String(s)) => s.replacen('T', " ", 1),
        (FieldKind::MultiSelect { options, .. }, Value::Array(values)) => values
            .iter()
            .filter_map(Value::as_str)
            .map(|v| {
                options
                    .iter()
                    .find(|o| o.value == v)
                    .map(|o| o.label.clone())
                    .unwrap_or_else(|| v.to_owned())
            })
            .collect::<Vec<_>>()
            .join(", "),
        (_, Value::Bool(true)) => "Yes".to_owned(),
        (_, Value::Bool(false)) => "No".to_owned(),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Number(n)) => n.as_f64().map(fmt_number).unwrap_or_else(|| n.to_string()),
        (_, other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).expect("valid date")
    }

    fn field(kind: FieldKind, required: bool) -> FieldDef {
        FieldDef::new("f", "Field", kind, required)
    }

    fn short(min: Option<u32>, max: Option<u32>) -> FieldKind {
        FieldKind::ShortText {
            min_length: min,
            max_length: max,
            pattern: None,
        }
    }

    fn hires_group(min_rows: Option<u32>, max_rows: Option<u32>) -> FormDefinition {
        FormDefinition {
            approvals: Vec::new(),
            tasks: Vec::new(),
            fields: vec![FieldDef::new(
                "hires",
                "New hires",
                FieldKind::Group {
                    fields: vec![
                        FieldDef::new("name", "Name", short(None, None), true),
                        FieldDef::new(
                            "start",
                            "Start date",
                            FieldKind::Date { future_only: false },
                            true,
                        ),
                        FieldDef::new("laptop", "Laptop", FieldKind::Checkbox, false),
                    ],
                    min_rows,
                    max_rows,
                },
                true,
            )],
            rules: vec![],
        }
    }

    fn raw(pairs: &[(&str, &str)]) -> RawAnswers {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn group_rows_are_validated_cell_by_cell_and_stored_without_gaps() {
        let definition = hires_group(None, Some(3));
        // Rows 0 and 4 filled (row 2 was added and left blank; rows 1 and 3 were removed).
        let answers = raw(&[
            ("hires.0.name", "Ada"),
            ("hires.0.start", "2026-12-01"),
            ("hires.0.laptop", "on"),
            ("hires.2.name", " "),
            ("hires.4.name", "Grace"),
            ("hires.4.start", "2026-12-02"),
        ]);
        let stored = validate_answers(&definition, &answers, today()).expect("valid");
        assert_eq!(
            stored["hires"],
            serde_json::json!([
                {"name": "Ada", "start": "2026-12-01", "laptop": true},
                {"name": "Grace", "start": "2026-12-02", "laptop": false},
            ])
        );
        assert_eq!(
            display_answer(&definition.fields[0], &stored["hires"]),
            "2 rows"
        );
        let cells = answered_cells(&definition, &stored);
        assert_eq!(cells.len(), 6);
        assert_eq!(cells[3].message("taken"), "Row 2, Name: taken");
    }

    #[test]
    fn group_errors_point_at_the_cell_and_the_row_count() {
        let definition = hires_group(Some(2), Some(2));
        let errors = validate_answers(&definition, &raw(&[("hires.3.name", "Ada")]), today())
            .expect_err("missing date, too few rows");
        assert_eq!(errors["hires.3.start"], "Start date is required.");
        assert_eq!(
            errors["hires"],
            "Add at least 2 rows to “New hires” (now 1)."
        );
        let empty = validate_answers(&hires_group(None, None), &RawAnswers::new(), today())
            .expect_err("required group");
        assert_eq!(empty["hires"], "Add at least one row to “New hires”.");
        let three = raw(&[
            ("hires.0.name", "A"),
            ("hires.0.start", "2026-12-01"),
            ("hires.1.name", "B"),
            ("hires.1.start", "2026-12-01"),
            ("hires.2.name", "C"),
            ("hires.2.start", "2026-12-01"),
        ]);
        let errors = validate_answers(&definition, &three, today()).expect_err("too many");
        assert_eq!(errors["hires"], "“New hires” takes at most 2 rows (now 3).");
        // Keys that are not sub-fields, or not rows, are ignored rather than stored.
        assert!(group_rows("hires", &[], &raw(&[("hires.x.name", "A")])).is_empty());
    }

    #[test]
    fn an_attachment_answer_must_be_an_upload_token() {
        let f = field(
            FieldKind::Attachment {
                max_size_mb: None,
                accept: vec![],
            },
            true,
        );
        assert_eq!(
            validate_field(&f, Some("k3j4h5g6f7d8s9a0q1w2e3r4"), today()),
            Ok(Some(Value::String("k3j4h5g6f7d8s9a0q1w2e3r4".into())))
        );
        assert!(validate_field(&f, Some("/etc/passwd"), today()).is_err());
        assert_eq!(
            validate_field(&f, None, today()),
            Err("Field is required.".into())
        );
    }

    #[test]
    fn required_field_left_empty_is_an_error_naming_the_field() {
        let f = field(short(None, None), true);
        assert_eq!(
            validate_field(&f, Some("   "), today()),
            Err("Field is required.".to_owned())
        );
        assert_eq!(
            validate_field(&f, None, today()),
            Err("Field is required.".to_owned())
        );
    }

    #[test]
    fn optional_empty_field_gives_no_answer() {
        let f = field(short(None, None), false);
        assert_eq!(validate_field(&f, Some(""), today()), Ok(None));
    }

    #[test]
    fn text_is_trimmed_and_length_checked_in_characters() {
        let f = field(short(Some(2), Some(3)), true);
        assert_eq!(
            validate_field(&f, Some(" äöü "), today()),
            Ok(Some(Value::String("äöü".into())))
        );
        assert!(validate_field(&f, Some("a"), today())
            .expect_err("invalid")
            .contains("at least 2"));
        assert!(validate_field(&f, Some("abcd"), today())
            .expect_err("invalid")
            .contains("at most 3"));
    }

    #[test]
    fn short_text_has_a_hard_limit_even_without_max() {
        let f = field(short(None, Some(10_000)), true);
        let long = "x".repeat(SHORT_TEXT_LIMIT + 1);
        assert!(validate_field(&f, Some(&long), today()).is_err());
    }

    #[test]
    fn numbers_respect_range_and_step() {
        let f = field(
            FieldKind::Number {
                min: Some(1.0),
                max: Some(10.0),
                step: Some(1.0),
            },
            true,
        );
        assert_eq!(
            validate_field(&f, Some("3"), today()),
            Ok(Some(serde_json::json!(3.0)))
        );
        assert_eq!(
            validate_field(&f, Some("0"), today()),
            Err("Enter 1 or more.".to_owned())
        );
        assert_eq!(
            validate_field(&f, Some("11"), today()),
            Err("Enter 10 or less.".to_owned())
        );
        assert_eq!(
            validate_field(&f, Some("2.5"), today()),
            Err("Enter a multiple of 1.".to_owned())
        );
        assert_eq!(
            validate_field(&f, Some("abc"), today()),
            Err("Enter a number.".to_owned())
        );
        assert_eq!(
            validate_field(&f, Some("NaN"), today()),
            Err("Enter a number.".to_owned())
        );
    }

    #[test]
    fn dates_are_iso_and_future_only_refuses_the_past() {
        let f = field(FieldKind::Date { future_only: true }, true);
        assert_eq!(
            validate_field(&f, Some("2026-11-21"), today()),
            Ok(Some(Value::String("2026-11-21".into())))
        );
        assert_eq!(
            validate_field(&f, Some("2026-11-20"), today()),
            Err("Choose today or a later date.".to_owned())
        );
        assert_eq!(
            validate_field(&f, Some("21/11/2026"), today()),
            Err("Enter a date as YYYY-MM-DD.".to_owned())
        );
    }

    #[test]
    fn select_accepts_only_listed_values() {
        let f = field(
            FieldKind::Select {
                radio: false,
                options: vec![
                    SelectOption::new("mac", "MacBook"),
                    SelectOption::new("pc", "PC"),
                ],
            },
            true,
        );
        assert_eq!(
            validate_field(&f, Some("mac"), today()),
            Ok(Some(Value::String("mac".into())))
        );
        assert!(validate_field(&f, Some("linux"), today()).is_err());
        assert_eq!(display_answer(&f, &Value::String("mac".into())), "MacBook");
    }

    #[test]
    fn checkbox_unticked_is_false_unless_required() {
        let optional = field(FieldKind::Checkbox, false);
        assert_eq!(
            validate_field(&optional, None, today()),
            Ok(Some(Value::Bool(false)))
        );
        assert_eq!(
            validate_field(&optional, Some("on"), today()),
            Ok(Some(Value::Bool(true)))
        );
        let required = field(FieldKind::Checkbox, true);
        assert!(validate_field(&required, None, today()).is_err());
    }

    #[test]
    fn yes_no_and_email() {
        let yn = field(FieldKind::YesNo, true);
        assert_eq!(
            validate_field(&yn, Some("no"), today()),
            Ok(Some(Value::Bool(false)))
        );
        assert!(validate_field(&yn, Some("maybe"), today()).is_err());
        let email = field(FieldKind::Email, true);
        assert!(validate_field(&email, Some("a@b.co"), today()).is_ok());
        for bad in ["a@b", "@b.co", "a b@c.de", "a@.de", "a@b@c.de"] {
            assert!(validate_field(&email, Some(bad), today()).is_err(), "{bad}");
        }
    }

    #[test]
    fn whole_form_reports_every_error_and_drops_unknown_keys() {
        let definition = FormDefinition {
            approvals: Vec::new(),
            tasks: Vec::new(),
            rules: Vec::new(),
            fields: vec![
                FieldDef {
                    key: "a".into(),
                    ..field(short(None, None), true)
                },
                FieldDef {
                    key: "b".into(),
                    ..field(FieldKind::YesNo, true)
                },
                FieldDef {
                    key: "c".into(),
                    ..field(short(None, None), false)
                },
            ],
        };
        let raw: RawAnswers = [("c".to_owned(), "x".to_owned())].into();
        let errors = validate_answers(&definition, &raw, today()).expect_err("invalid");
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["a", "b"]);

        let raw: RawAnswers = [
            ("a".to_owned(), "hello".to_owned()),
            ("b".to_owned(), "yes".to_owned()),
            ("evil".to_owned(), "x".to_owned()),
        ]
        .into();
        let answers = validate_answers(&definition, &raw, today()).expect("valid");
        assert_eq!(answers.len(), 2);
        assert!(!answers.contains_key("evil"));
    }

    #[test]
    fn patterns_must_match_the_whole_answer_and_say_why_not() {
        let f = field(
            FieldKind::ShortText {
                min_length: None,
                max_length: None,
                pattern: Some(Pattern {
                    regex: "[A-Z]{2}-[0-9]{4}".into(),
                    message: "Use the form AB-1234.".into(),
                }),
            },
            true,
        );
        assert!(validate_field(&f, Some("AB-1234"), today()).is_ok());
        assert_eq!(
            validate_field(&f, Some("xAB-1234"), today()),
            Err("Use the form AB-1234.".to_owned())
        );
    }

    #[test]
    fn money_has_two_decimals_and_shows_its_currency() {
        let f = field(
            FieldKind::Money {
                currency: "EUR".into(),
                min: Some(0.0),
                max: None,
            },
            true,
        );
        let value = validate_field(&f, Some("1,250.50"), today())
            .expect("valid")
            .expect("value");
        assert_eq!(display_answer(&f, &value), "EUR 1250.50");
        assert_eq!(
            validate_field(&f, Some("1.234"), today()),
            Err("Enter an amount with at most two decimals.".to_owned())
        );
    }

    #[test]
    fn multi_selects_post_one_key_per_option_and_store_a_list() {
        let f = FieldDef {
            key: "kit".into(),
            ..field(
                FieldKind::MultiSelect {
                    options: vec![
                        SelectOption::new("dock", "Dock"),
                        SelectOption::new("mouse", "Mouse"),
                    ],
                    min: None,
                    max: Some(1),
                },
                true,
            )
        };
        let definition = FormDefinition {
            approvals: Vec::new(),
            tasks: Vec::new(),
            fields: vec![f.clone()],
            rules: Vec::new(),
        };
        let posted: RawAnswers = [("kit.mouse".to_owned(), "on".to_owned())].into();
        let answers = validate_answers(&definition, &posted, today()).expect("valid");
        assert_eq!(answers["kit"], serde_json::json!(["mouse"]));
        assert_eq!(display_answer(&f, &answers["kit"]), "Mouse");
        let both: RawAnswers = [
            ("kit.mouse".to_owned(), "on".to_owned()),
            ("kit.dock".to_owned(), "on".to_owned()),
        ]
        .into();
        assert_eq!(
            validate_answers(&definition, &both, today()).expect_err("too many")["kit"],
            "Choose at most 1."
        );
        let none = RawAnswers::new();
        assert_eq!(
            validate_answers(&definition, &none, today()).expect_err("required")["kit"],
            "Choose at least one option for “Field”."
        );
        let forged: RawAnswers = [("kit".to_owned(), "root".to_owned())].into();
        assert!(validate_answers(&definition, &forged, today()).is_err());
    }

    #[test]
    fn date_times_and_sections() {
        let f = field(FieldKind::DateTime { future_only: true }, true);
        assert_eq!(
            validate_field(&f, Some("2026-11-21T09:30"), today()),
            Ok(Some(Value::String("2026-11-21T09:30".into())))
        );
        assert!(validate_field(&f, Some("2026-11-20T23:59"), today()).is_err());
        assert!(validate_field(&f, Some("tomorrow"), today()).is_err());
        let section = field(FieldKind::Section, true);
        assert_eq!(validate_field(&section, None, today()), Ok(None));
    }

    #[test]
    fn definitions_round_trip_through_json() {
        let definition = FormDefinition {
            approvals: Vec::new(),
            tasks: Vec::new(),
            rules: Vec::new(),
            fields: vec![field(
                FieldKind::Select {
                    radio: false,
                    options: vec![SelectOption::new("x", "X")],
                },
                true,
            )],
        };
        let json = serde_json::to_string(&definition).expect("serialise");
        assert!(json.contains("\"type\":\"select\""));
        let back: FormDefinition = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, definition);
    }
}
