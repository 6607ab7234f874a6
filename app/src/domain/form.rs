//! A whole form: its fields and the rules that shape it, and the validation of a submission.
//!
//! A catalog item's definition (see [`super::definition`]) holds one form. The browser validates
//! each field while the employee types ([`validate_field`]); the server calls [`validate_answers`]
//! on submit and stores only the normalised values it returns.

pub use super::fields::*;
use super::rules::{self, DefinitionError, FormState, Rule};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The form of one catalog item version: its fields, and the rules that shape it as it is
/// filled in.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FormDefinition {
    pub fields: Vec<FieldDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
}

impl FormDefinition {
    /// How each field behaves for these answers (see [`rules::evaluate`]).
    pub fn evaluate(&self, raw: &RawAnswers) -> FormState {
        rules::evaluate(&self.fields, &self.rules, raw)
    }

    /// Whether a condition on this form's fields holds for these answers.
    pub fn holds(&self, condition: &rules::Condition, raw: &RawAnswers) -> bool {
        rules::condition_holds(&self.fields, &self.rules, condition, raw)
    }

    /// Problems that make the form too big to check at all.
    pub fn check_size(&self, errors: &mut Vec<DefinitionError>) {
        rules::check_size(&self.fields, &self.rules, errors);
    }

    /// Problems with the fields and rules, said so that a department admin can fix them.
    pub fn check(&self, errors: &mut Vec<DefinitionError>) {
        rules::check_form(&self.fields, &self.rules, errors);
    }
}

/// Validates a whole submission. The form's rules are applied first: answers to hidden fields
/// are dropped, fields required by a rule must be answered. Unknown keys are ignored (never
/// stored); every field's error is reported at once so the employee can fix them all in one go.
pub fn validate_answers(
    definition: &FormDefinition,
    raw: &RawAnswers,
    today: NaiveDate,
) -> Result<Answers, FieldErrors> {
    let state = definition.evaluate(raw);
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
            // A rule refuses this answer (a cross-field check such as "after the first day").
            Ok(Some(_)) if field_state.refused.is_some() => {
                let message = field_state.refused.clone().unwrap_or_default();
                errors.insert(field.key.clone(), message);
            }
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

/// Definitions for tests: every kind of field, condition, operator and effect.
#[cfg(test)]
pub(crate) mod examples {
    use super::*;
    use crate::domain::files::FileKind;
    use crate::domain::rules::{Condition, Effect, FieldTest, Op};
    use crate::domain::state::Priority;
    use serde_json::json;

    /// A field of every kind, with every setting it has (`set`) or none.
    pub fn every_kind(set: bool) -> Vec<FieldDef> {
        let some = |n: u32| set.then_some(n);
        let maybe = |x: f64| set.then_some(x);
        let mut options = vec![SelectOption::new("a", "A"), SelectOption::new("b", "B")];
        if set {
            options.push(SelectOption::new("c", "C").with_priority(Priority::Critical));
        }
        let kinds = vec![
            FieldKind::ShortText {
                min_length: some(2),
                max_length: some(40),
                pattern: set.then(|| Pattern {
                    regex: r"[A-Z]{2}\d+".into(),
                    message: "Two capitals, then digits.".into(),
                }),
            },
            FieldKind::LongText {
                min_length: some(0),
                max_length: some(4000),
            },
            FieldKind::Number {
                min: maybe(-1.5),
                max: maybe(1e9),
                step: maybe(0.25),
            },
            FieldKind::Money {
                currency: "EUR".into(),
                min: maybe(0.0),
                max: maybe(2500.0),
            },
            FieldKind::Date { future_only: set },
            FieldKind::DateTime { future_only: set },
            FieldKind::Select {
                options: options.clone(),
                radio: set,
            },
            FieldKind::MultiSelect {
                options,
                min: some(1),
                max: some(2),
            },
            FieldKind::Checkbox,
            FieldKind::YesNo,
            FieldKind::Email,
            FieldKind::Section,
            FieldKind::Department,
            FieldKind::User,
            FieldKind::Attachment {
                max_size_mb: some(25),
                accept: if set {
                    FileKind::ALL.to_vec()
                } else {
                    Vec::new()
                },
            },
            FieldKind::Group {
                fields: vec![
                    FieldDef::new("name", "Name", FieldKind::Email, true),
                    FieldDef::new(
                        "start",
                        "Start",
                        FieldKind::Date { future_only: true },
                        false,
                    ),
                ],
                min_rows: some(1),
                max_rows: some(5),
            },
        ];
        kinds
            .into_iter()
            .enumerate()
            .map(|(i, kind)| {
                let mut field = FieldDef::new(&format!("f{i}"), &format!("Field {i}"), kind, set);
                if set {
                    field.help = Some("Help “quoted” \\ \n".into());
                    field.placeholder = Some("e.g. 12".into());
                    field.default = Some("x".into());
                    field.summary = true;
                }
                field
            })
            .collect()
    }

    /// A rule for every operator and shape of condition, each with every effect.
    pub fn every_rule() -> Vec<Rule> {
        let test = |field: &str, op: Op, value: Option<Value>| {
            Condition::Field(FieldTest {
                field: field.into(),
                op,
                value,
            })
        };
        let conditions = vec![
            test("f0", Op::Equals, Some(json!("x"))),
            test("f0", Op::NotEquals, Some(json!(3))),
            test("f0", Op::In, Some(json!(["a", "b"]))),
            test("f0", Op::GreaterThan, Some(json!(2.5))),
            test(
                "f0",
                Op::LessThan,
                Some(super::super::rules::field_value("f1")),
            ),
            test(
                "f0",
                Op::LessThan,
                Some(super::super::rules::working_days_value("f4", "f5")),
            ),
            test("f0", Op::IsEmpty, None),
            test("f0", Op::IsNotEmpty, None),
            test("f0", Op::Contains, Some(json!("ü"))),
            Condition::All(Vec::new()),
            Condition::Any(vec![
                Condition::All(vec![test("f1", Op::IsEmpty, None)]),
                test("f2", Op::Equals, Some(json!(true))),
            ]),
        ];
        assert_eq!(conditions.len(), Op::ALL.len() + 3, "every operator");
        let field = || "f6".to_owned();
        let effects = vec![
            Effect::Show { field: field() },
            Effect::Hide { field: field() },
            Effect::Require { field: field() },
            Effect::ReadOnly { field: field() },
            Effect::RestrictOptions {
                field: field(),
                options: vec!["a".into()],
            },
            Effect::Refuse {
                field: field(),
                message: "Not before the first day.".into(),
            },
        ];
        conditions
            .into_iter()
            .map(|when| Rule {
                when,
                then: effects.clone(),
            })
            .collect()
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

    /// Every kind of field with every setting, and every effect, reads back as it was written
    /// (they are read as flat records, not by serde's internal tagging).
    #[test]
    fn every_kind_and_effect_round_trips_through_json() {
        for set in [true, false] {
            let definition = FormDefinition {
                fields: examples::every_kind(set),
                rules: examples::every_rule(),
            };
            let json = serde_json::to_string(&definition).expect("serialise");
            let back: FormDefinition = serde_json::from_str(&json).expect("parse");
            assert_eq!(back, definition);
        }
    }

    #[test]
    fn a_field_missing_what_its_kind_needs_is_refused_with_the_reason() {
        let read = |json: &str| serde_json::from_str::<FieldDef>(json).map_err(|e| e.to_string());
        for (json, says) in [
            (
                r#"{"key":"k","label":"K","type":"select"}"#,
                "missing field `options` (of the field “k”)",
            ),
            (
                r#"{"key":"k","label":"K","type":"money"}"#,
                "missing field `currency`",
            ),
            (
                r#"{"key":"k","label":"K","type":"group"}"#,
                "missing field `fields`",
            ),
            (
                r#"{"key":"k","label":"K","type":"multi_select","options":[],"min":1.5}"#,
                "`min` of the field “k” must be a whole number of options",
            ),
            (
                r#"{"key":"k","label":"K","type":"colour"}"#,
                "unknown variant `colour`",
            ),
            (r#"{"key":"k","type":"email"}"#, "missing field `label`"),
        ] {
            let error = read(json).expect_err(json);
            assert!(error.contains(says), "{json}: {error}");
        }
        // Settings of another kind are ignored, as they always were.
        assert_eq!(
            read(r#"{"key":"k","label":"K","type":"email","options":[],"radio":true}"#),
            Ok(FieldDef::new("k", "K", FieldKind::Email, false))
        );
        let effect = serde_json::from_str::<crate::domain::rules::Effect>(
            r#"{"effect":"refuse","field":"k"}"#,
        )
        .map_err(|e| e.to_string());
        assert!(
            effect
                .as_ref()
                .is_err_and(|e| e.contains("missing field `message`")),
            "{effect:?}"
        );
    }
}
