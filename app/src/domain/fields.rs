//! The vocabulary of a form's fields, and the validation of one field's answer.
//!
//! Pure and shared: the browser validates each field while the employee types, the server again
//! on submit. Whole forms (fields with their rules) are in [`super::form`].

use super::dates;
pub use super::numbers::{fmt_fixed, fmt_number, parse_number};
use super::state::Priority;
use crate::domain::files;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// One field of a form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FieldRepr")]
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
    /// A key fact (a model, an amount): shown on approval cards beside the request's title.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub summary: bool,
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
            summary: false,
            kind,
        }
    }
}

/// The type of a field and its type-specific constraints (written flattened into its field,
/// with a `type`; read through `FieldRepr`).
#[derive(Clone, Debug, PartialEq, Serialize)]
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

/// A field as definitions write it: the common settings and every kind's own side by side,
/// with the kind named by `type` (the shape `FieldDef` serialises to).
///
/// Decoded as one flat record and then checked against its kind, rather than by serde's
/// `flatten` over an internally tagged enum: that buffers every field into an intermediate
/// tree first, and its decoding code was the largest part of what the order form's browser code
/// needed to read a definition. Settings another kind has are ignored, as they always were.
#[derive(Deserialize)]
struct FieldRepr {
    key: String,
    label: String,
    #[serde(default)]
    help: Option<String>,
    #[serde(default)]
    placeholder: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    default: Option<String>,
    #[serde(default)]
    summary: bool,
    #[serde(rename = "type")]
    kind: KindName,
    #[serde(default)]
    min_length: Option<u32>,
    #[serde(default)]
    max_length: Option<u32>,
    #[serde(default)]
    pattern: Option<Pattern>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
    #[serde(default)]
    step: Option<f64>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    future_only: bool,
    #[serde(default)]
    options: Option<Vec<SelectOption>>,
    #[serde(default)]
    radio: bool,
    #[serde(default)]
    max_size_mb: Option<u32>,
    #[serde(default)]
    accept: Vec<files::FileKind>,
    #[serde(default)]
    fields: Option<Vec<FieldDef>>,
    #[serde(default)]
    min_rows: Option<u32>,
    #[serde(default)]
    max_rows: Option<u32>,
}

/// The `type` of a field as definitions write it.
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum KindName {
    ShortText,
    LongText,
    Number,
    Money,
    Date,
    DateTime,
    Select,
    MultiSelect,
    Checkbox,
    YesNo,
    Email,
    Section,
    Department,
    User,
    Attachment,
    Group,
}

impl TryFrom<FieldRepr> for FieldDef {
    type Error = String;

    fn try_from(r: FieldRepr) -> Result<Self, String> {
        let key = &r.key;
        let needs = |what: &str| format!("missing field `{what}` (of the field “{key}”)");
        // A multi select's bounds count options: whole numbers.
        let count = |bound: Option<f64>, name: &str| -> Result<Option<u32>, String> {
            bound
                .map(|b| {
                    if b.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&b) {
                        Ok(b as u32)
                    } else {
                        Err(format!(
                            "`{name}` of the field “{key}” must be a whole number of options, \
                             not {}",
                            fmt_number(b)
                        ))
                    }
                })
                .transpose()
        };
        let kind = match r.kind {
            KindName::ShortText => FieldKind::ShortText {
                min_length: r.min_length,
                max_length: r.max_length,
                pattern: r.pattern,
            },
            KindName::LongText => FieldKind::LongText {
                min_length: r.min_length,
                max_length: r.max_length,
            },
            KindName::Number => FieldKind::Number {
                min: r.min,
                max: r.max,
                step: r.step,
            },
            KindName::Money => FieldKind::Money {
                currency: r.currency.ok_or_else(|| needs("currency"))?,
                min: r.min,
                max: r.max,
            },
            KindName::Date => FieldKind::Date {
                future_only: r.future_only,
            },
            KindName::DateTime => FieldKind::DateTime {
                future_only: r.future_only,
            },
            KindName::Select => FieldKind::Select {
                options: r.options.ok_or_else(|| needs("options"))?,
                radio: r.radio,
            },
            KindName::MultiSelect => FieldKind::MultiSelect {
                options: r.options.ok_or_else(|| needs("options"))?,
                min: count(r.min, "min")?,
                max: count(r.max, "max")?,
            },
            KindName::Checkbox => FieldKind::Checkbox,
            KindName::YesNo => FieldKind::YesNo,
            KindName::Email => FieldKind::Email,
            KindName::Section => FieldKind::Section,
            KindName::Department => FieldKind::Department,
            KindName::User => FieldKind::User,
            KindName::Attachment => FieldKind::Attachment {
                max_size_mb: r.max_size_mb,
                accept: r.accept,
            },
            KindName::Group => FieldKind::Group {
                fields: r.fields.ok_or_else(|| needs("fields"))?,
                min_rows: r.min_rows,
                max_rows: r.max_rows,
            },
        };
        Ok(FieldDef {
            key: r.key,
            label: r.label,
            help: r.help,
            placeholder: r.placeholder,
            required: r.required,
            default: r.default,
            summary: r.summary,
            kind,
        })
    }
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

    /// Whether the whole answer matches; `true` for a broken pattern (one is refused when the
    /// definition is saved; if one slipped through, answers are accepted rather than blocking
    /// every employee).
    pub fn matches(&self, text: &str) -> bool {
        self.compile().map_or(true, |re| re.is_match(text))
    }

    /// Whether the answer matches, where that can be told now: always, except in the order
    /// page's browser bundle, which judges patterns with an engine it loads only for a form
    /// that has one (see [`pattern_verdicts`]); until that has judged this answer, `None`.
    pub fn verdict(&self, text: &str) -> Option<bool> {
        #[cfg(feature = "order-bundle")]
        return pattern_verdicts::known(&self.regex, text);
        #[cfg(not(feature = "order-bundle"))]
        Some(self.matches(text))
    }
}

/// What the order page's lazily loaded pattern engine said about answers (browser, the
/// `order-bundle` build).
///
/// regex-lite is the largest single part of the order page's rules and checks, and only a form
/// with a pattern needs it; so that bundle leaves it in a chunk of its own. A check asks here
/// ([`Pattern::verdict`]); what is not known yet is noted as wanted, the page has the engine
/// judge it ([`Pattern::matches`], the server's own code) and records the verdict, and checks
/// again. Until then that one check waits: the server checks every pattern on submit anyway.
pub mod pattern_verdicts {
    use std::cell::RefCell;
    use std::collections::{BTreeMap, BTreeSet};

    thread_local! {
        /// Verdicts by pattern, then by answer.
        static KNOWN: RefCell<BTreeMap<String, BTreeMap<String, bool>>> = RefCell::default();
        /// Pattern and answer pairs asked about and not known.
        static WANTED: RefCell<BTreeSet<(String, String)>> = RefCell::default();
    }

    /// The verdict on an answer, if known; otherwise notes it as wanted.
    pub fn known(regex: &str, text: &str) -> Option<bool> {
        let found = KNOWN.with_borrow(|known| known.get(regex)?.get(text).copied());
        if found.is_none() {
            WANTED.with_borrow_mut(|wanted| wanted.insert((regex.to_owned(), text.to_owned())));
        }
        found
    }

    /// Keeps a verdict.
    pub fn record(regex: String, text: String, matches: bool) {
        KNOWN.with_borrow_mut(|known| known.entry(regex).or_default().insert(text, matches));
    }

    /// What was asked about and not known, since the last call.
    pub fn take_wanted() -> Vec<(String, String)> {
        WANTED.with_borrow_mut(std::mem::take).into_iter().collect()
    }
}

/// One choice of a select field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SelectOption {
    pub value: String,
    pub label: String,
    /// Choosing this option sets the request's priority (an urgency or impact field); when
    /// several chosen options set one, the highest wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
}

impl SelectOption {
    pub fn new(value: &str, label: &str) -> Self {
        Self {
            value: value.to_owned(),
            label: label.to_owned(),
            priority: None,
        }
    }

    /// This option, setting the request's priority when chosen.
    pub fn with_priority(mut self, priority: Priority) -> Self {
        self.priority = Some(priority);
        self
    }
}

/// The priority a submission's answers set: the highest of the chosen options that set one
/// (select and multi-select fields), or `None` when no chosen option does.
pub fn priority_from_answers(fields: &[FieldDef], answers: &Answers) -> Option<Priority> {
    fields
        .iter()
        .filter_map(|field| {
            let options = match &field.kind {
                FieldKind::Select { options, .. } | FieldKind::MultiSelect { options, .. } => {
                    options
                }
                _ => return None,
            };
            let chosen: Vec<&str> = match answers.get(&field.key)? {
                Value::String(one) => vec![one.as_str()],
                Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                _ => return None,
            };
            options
                .iter()
                .filter(|o| chosen.contains(&o.value.as_str()))
                .filter_map(|o| o.priority)
                .max()
        })
        .max()
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
        return validate_multi(field, (options, *min, *max), required, allowed, text);
    }
    if let (Some(allowed), false) = (allowed, text.is_empty()) {
        if !allowed.contains(text) {
            return Err("Choose one of the listed options.".to_owned());
        }
    }
    if text.is_empty() {
        return validate_empty(field, required);
    }
    validate_answer(field, text, required, today)
}

/// The chosen values of a multi select, each an option (and allowed), as many as it takes.
fn validate_multi(
    field: &FieldDef,
    (options, min, max): (&[SelectOption], Option<u32>, Option<u32>),
    required: bool,
    allowed: Option<&std::collections::BTreeSet<String>>,
    text: &str,
) -> Result<Option<Value>, String> {
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
    Ok(Some(Value::Array(
        chosen
            .into_iter()
            .map(|v| Value::String(v.to_owned()))
            .collect(),
    )))
}

/// A field left empty: fine unless required (and an unchecked box is a definite "no").
fn validate_empty(field: &FieldDef, required: bool) -> Result<Option<Value>, String> {
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
    Ok(None)
}

/// A non-empty answer, checked against what the field's kind accepts.
fn validate_answer(
    field: &FieldDef,
    text: &str,
    required: bool,
    today: NaiveDate,
) -> Result<Option<Value>, String> {
    match &field.kind {
        FieldKind::ShortText {
            min_length,
            max_length,
            pattern,
        } => {
            let value = check_length(text, *min_length, *max_length, SHORT_TEXT_LIMIT)?;
            if let Some(pattern) = pattern {
                if pattern.verdict(text) == Some(false) {
                    return Err(pattern.message.clone());
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
            let at = dates::minute_number(text)
                .ok_or_else(|| "Enter a date and time as YYYY-MM-DD HH:MM.".to_owned())?;
            if *future_only && at.div_euclid(24 * 60) < dates::day_of(today) {
                return Err("Choose today or a later date.".to_owned());
            }
            Ok(Some(Value::String(dates::date_time_text(at))))
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
            let date =
                dates::day_number(text).ok_or_else(|| "Enter a date as YYYY-MM-DD.".to_owned())?;
            if *future_only && date < dates::day_of(today) {
                return Err("Choose today or a later date.".to_owned());
            }
            Ok(Some(Value::String(dates::date_text(date))))
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
    let n =
        parse_number(&text.replace([',', ' '], "")).ok_or_else(|| "Enter a number.".to_owned())?;
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

/// The answers an approver needs at a glance, as (label, answer): the fields the definition
/// marks as key facts and every amount of money; when there are none, the first three answered
/// fields. Files, groups and headings are left to the request's page.
pub fn key_facts(fields: &[FieldDef], answers: &BTreeMap<String, Value>) -> Vec<(String, String)> {
    let answered: Vec<(&FieldDef, &Value)> = fields
        .iter()
        .filter(|f| {
            !matches!(
                f.kind,
                FieldKind::Section | FieldKind::Group { .. } | FieldKind::Attachment { .. }
            )
        })
        .filter_map(|f| {
            answers
                .get(&f.key)
                .filter(|v| !v.is_null() && v.as_str() != Some(""))
                .map(|v| (f, v))
        })
        .collect();
    let marked: Vec<(&FieldDef, &Value)> = answered
        .iter()
        .copied()
        .filter(|(f, _)| f.summary || matches!(f.kind, FieldKind::Money { .. }))
        .collect();
    let chosen = if marked.is_empty() {
        answered.into_iter().take(3).collect()
    } else {
        marked
    };
    chosen
        .into_iter()
        .map(|(f, v)| (f.label.clone(), display_answer(f, v)))
        .collect()
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
            format!(
                "{currency} {}",
                fmt_fixed(n.as_f64().unwrap_or_default(), 2)
            )
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

    #[test]
    fn a_pattern_verdict_is_wanted_until_recorded() {
        let pattern = Pattern {
            regex: r"[A-Z]{2}\d{3}".into(),
            message: "Two capitals, three digits.".into(),
        };
        assert!(pattern.matches("AB123"));
        assert!(!pattern.matches("AB12"));
        let broken = Pattern {
            regex: "(".into(),
            message: "x".into(),
        };
        assert!(broken.matches("anything"), "a broken pattern accepts");

        // The order bundle's bookkeeping (its own thread: the store is per thread).
        std::thread::spawn(|| {
            use pattern_verdicts::{known, record, take_wanted};
            assert_eq!(known("a+", "aa"), None);
            assert_eq!(known("a+", "aa"), None);
            assert_eq!(known("a+", "b"), None);
            assert_eq!(
                take_wanted(),
                vec![
                    ("a+".to_owned(), "aa".to_owned()),
                    ("a+".to_owned(), "b".to_owned())
                ]
            );
            assert!(take_wanted().is_empty(), "taken once");
            record("a+".into(), "aa".into(), true);
            record("a+".into(), "b".into(), false);
            assert_eq!(known("a+", "aa"), Some(true));
            assert_eq!(known("a+", "b"), Some(false));
            assert!(take_wanted().is_empty(), "known answers are not wanted");
        })
        .join()
        .expect("the bookkeeping");
    }

    #[test]
    fn chosen_options_set_the_priority_and_the_highest_wins() {
        let urgency = FieldDef::new(
            "urgency",
            "Urgency",
            FieldKind::Select {
                options: vec![
                    SelectOption::new("low", "Can wait").with_priority(Priority::Low),
                    SelectOption::new("normal", "This week"),
                    SelectOption::new("high", "Today — it is a hazard")
                        .with_priority(Priority::High),
                ],
                radio: true,
            },
            true,
        );
        let affects = FieldDef::new(
            "affects",
            "Who is affected",
            FieldKind::MultiSelect {
                options: vec![
                    SelectOption::new("me", "Me"),
                    SelectOption::new("floor", "A whole floor").with_priority(Priority::Critical),
                ],
                min: None,
                max: None,
            },
            false,
        );
        let fields = [urgency, affects];
        let answers = |pairs: &[(&str, Value)]| -> Answers {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect()
        };
        assert_eq!(
            priority_from_answers(&fields, &answers(&[("urgency", Value::from("high"))])),
            Some(Priority::High)
        );
        assert_eq!(
            priority_from_answers(&fields, &answers(&[("urgency", Value::from("low"))])),
            Some(Priority::Low)
        );
        // An option without a priority leaves it to the default.
        assert_eq!(
            priority_from_answers(&fields, &answers(&[("urgency", Value::from("normal"))])),
            None
        );
        assert_eq!(
            priority_from_answers(
                &fields,
                &answers(&[
                    ("urgency", Value::from("low")),
                    ("affects", serde_json::json!(["me", "floor"])),
                ])
            ),
            Some(Priority::Critical)
        );
        assert_eq!(priority_from_answers(&fields, &Answers::new()), None);
    }

    #[test]
    fn an_option_without_a_priority_keeps_its_old_wire_form() {
        let json = serde_json::to_string(&SelectOption::new("a", "A")).expect("json");
        assert_eq!(json, r#"{"value":"a","label":"A"}"#);
        let back: SelectOption =
            serde_json::from_str(r#"{"value":"a","label":"A","priority":"high"}"#).expect("read");
        assert_eq!(back.priority, Some(Priority::High));
    }

    #[test]
    fn key_facts_are_the_marked_fields_and_money_or_else_the_first_answers() {
        let model = FieldDef {
            summary: true,
            ..FieldDef::new(
                "model",
                "Model",
                FieldKind::Select {
                    options: vec![SelectOption::new("x1", "ThinkPad X1")],
                    radio: false,
                },
                true,
            )
        };
        let price = FieldDef::new(
            "price",
            "Price",
            FieldKind::Money {
                currency: "EUR".into(),
                min: None,
                max: None,
            },
            true,
        );
        let note = FieldDef::new(
            "note",
            "Note",
            FieldKind::LongText {
                min_length: None,
                max_length: None,
            },
            false,
        );
        let answers: BTreeMap<String, Value> = [
            ("model".to_owned(), Value::from("x1")),
            ("price".to_owned(), serde_json::json!(1499.5)),
            ("note".to_owned(), Value::from("Urgent")),
        ]
        .into();
        let fields = [model.clone(), price, note.clone()];
        assert_eq!(
            key_facts(&fields, &answers),
            [
                ("Model".to_owned(), "ThinkPad X1".to_owned()),
                ("Price".to_owned(), "EUR 1499.50".to_owned())
            ]
        );
        // Nothing marked, no money: the first answers.
        let plain = FieldDef {
            summary: false,
            ..model
        };
        assert_eq!(
            key_facts(&[plain, note], &answers),
            [
                ("Model".to_owned(), "ThinkPad X1".to_owned()),
                ("Note".to_owned(), "Urgent".to_owned())
            ]
        );
    }
}
