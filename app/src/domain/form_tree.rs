//! Reading a form's definition from a JSON tree, without serde's per-type decoding code.
//!
//! The order page's browser bundle gets the form's definition as a [`Value`] and reads it here:
//! serde's derived decoders, made once per definition type for serde_json, were the largest
//! part of that bundle's code. The tree is what the server wrote with serde (`to_value` of a
//! [`FormDefinition`] it had read and checked), so this reader only has to read that back: the
//! tests hold it to `read(to_value(d)) == d` for every kind of field, rule and effect. Where the
//! tree is not such a definition it says `None`, and the page keeps the server's checks only.
//!
//! The server reads definitions with serde (its messages tell an admin what is wrong).

use super::fields::{FieldDef, FieldKind, Pattern, SelectOption};
use super::files::FileKind;
use super::form::FormDefinition;
use super::rules::{Condition, Effect, FieldTest, Op, Rule};
use super::state::Priority;
use serde_json::{Map, Value};

type Object = Map<String, Value>;

/// The definition a tree holds, or `None` when it is not one.
pub fn form_definition(tree: &Value) -> Option<FormDefinition> {
    let object = tree.as_object()?;
    Some(FormDefinition {
        fields: list(object.get("fields")?, field)?,
        rules: match present(object, "rules") {
            Some(rules) => list(rules, rule)?,
            None => Vec::new(),
        },
    })
}

fn field(tree: &Value) -> Option<FieldDef> {
    let o = tree.as_object()?;
    let kind = match text(o, "type")? {
        "short_text" => FieldKind::ShortText {
            min_length: count(o, "min_length")?,
            max_length: count(o, "max_length")?,
            pattern: match present(o, "pattern") {
                Some(pattern) => {
                    let p = pattern.as_object()?;
                    Some(Pattern {
                        regex: text(p, "regex")?.to_owned(),
                        message: text(p, "message")?.to_owned(),
                    })
                }
                None => None,
            },
        },
        "long_text" => FieldKind::LongText {
            min_length: count(o, "min_length")?,
            max_length: count(o, "max_length")?,
        },
        "number" => FieldKind::Number {
            min: number(o, "min")?,
            max: number(o, "max")?,
            step: number(o, "step")?,
        },
        "money" => FieldKind::Money {
            currency: text(o, "currency")?.to_owned(),
            min: number(o, "min")?,
            max: number(o, "max")?,
        },
        "date" => FieldKind::Date {
            future_only: flag(o, "future_only")?,
        },
        "date_time" => FieldKind::DateTime {
            future_only: flag(o, "future_only")?,
        },
        "select" => FieldKind::Select {
            options: list(o.get("options")?, option)?,
            radio: flag(o, "radio")?,
        },
        "multi_select" => FieldKind::MultiSelect {
            options: list(o.get("options")?, option)?,
            min: count(o, "min")?,
            max: count(o, "max")?,
        },
        "checkbox" => FieldKind::Checkbox,
        "yes_no" => FieldKind::YesNo,
        "email" => FieldKind::Email,
        "section" => FieldKind::Section,
        "department" => FieldKind::Department,
        "user" => FieldKind::User,
        "attachment" => FieldKind::Attachment {
            max_size_mb: count(o, "max_size_mb")?,
            accept: match present(o, "accept") {
                Some(kinds) => list(kinds, file_kind)?,
                None => Vec::new(),
            },
        },
        "group" => FieldKind::Group {
            fields: list(o.get("fields")?, field)?,
            min_rows: count(o, "min_rows")?,
            max_rows: count(o, "max_rows")?,
        },
        _ => return None,
    };
    Some(FieldDef {
        key: text(o, "key")?.to_owned(),
        label: text(o, "label")?.to_owned(),
        help: optional_text(o, "help")?,
        placeholder: optional_text(o, "placeholder")?,
        required: flag(o, "required")?,
        default: optional_text(o, "default")?,
        summary: flag(o, "summary")?,
        kind,
    })
}

fn option(tree: &Value) -> Option<SelectOption> {
    let o = tree.as_object()?;
    Some(SelectOption {
        value: text(o, "value")?.to_owned(),
        label: text(o, "label")?.to_owned(),
        priority: match present(o, "priority") {
            Some(name) => Some(named(name, &Priority::ALL, |p| p.as_str())?),
            None => None,
        },
    })
}

fn file_kind(tree: &Value) -> Option<FileKind> {
    named(tree, &FileKind::ALL, FileKind::name)
}

fn rule(tree: &Value) -> Option<Rule> {
    let o = tree.as_object()?;
    Some(Rule {
        when: condition(o.get("when")?)?,
        then: list(o.get("then")?, effect)?,
    })
}

fn condition(tree: &Value) -> Option<Condition> {
    let o = tree.as_object()?;
    let (tag, inner) = o.iter().next().filter(|_| o.len() == 1)?;
    Some(match tag.as_str() {
        "all" => Condition::All(list(inner, condition)?),
        "any" => Condition::Any(list(inner, condition)?),
        "field" => {
            let t = inner.as_object()?;
            Condition::Field(FieldTest {
                field: text(t, "field")?.to_owned(),
                op: named(t.get("op")?, &Op::ALL, Op::name)?,
                value: present(t, "value").cloned(),
            })
        }
        _ => return None,
    })
}

fn effect(tree: &Value) -> Option<Effect> {
    let o = tree.as_object()?;
    let field = text(o, "field")?.to_owned();
    Some(match text(o, "effect")? {
        "show" => Effect::Show { field },
        "hide" => Effect::Hide { field },
        "require" => Effect::Require { field },
        "read_only" => Effect::ReadOnly { field },
        "restrict_options" => Effect::RestrictOptions {
            options: list(o.get("options")?, |v| v.as_str().map(str::to_owned))?,
            field,
        },
        "refuse" => Effect::Refuse {
            message: text(o, "message")?.to_owned(),
            field,
        },
        _ => return None,
    })
}

/// Each item of a list, read by `each`; `None` when the tree is not a list or an item is not
/// what `each` reads.
fn list<T>(tree: &Value, each: fn(&Value) -> Option<T>) -> Option<Vec<T>> {
    tree.as_array()?.iter().map(each).collect()
}

/// A key's value, when it is there and not `null` (serde's reading of an `Option` or a
/// defaulted setting).
fn present<'a>(o: &'a Object, key: &str) -> Option<&'a Value> {
    o.get(key).filter(|v| !v.is_null())
}

fn text<'a>(o: &'a Object, key: &str) -> Option<&'a str> {
    o.get(key)?.as_str()
}

fn optional_text(o: &Object, key: &str) -> Option<Option<String>> {
    match present(o, key) {
        Some(v) => Some(Some(v.as_str()?.to_owned())),
        None => Some(None),
    }
}

fn flag(o: &Object, key: &str) -> Option<bool> {
    match present(o, key) {
        Some(v) => v.as_bool(),
        None => Some(false),
    }
}

fn number(o: &Object, key: &str) -> Option<Option<f64>> {
    match present(o, key) {
        Some(v) => Some(Some(v.as_f64()?)),
        None => Some(None),
    }
}

/// A whole number from 0 up (a length, a count, a size); `1.0` is read as `1`.
fn count(o: &Object, key: &str) -> Option<Option<u32>> {
    match number(o, key)? {
        Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => {
            Some(Some(n as u32))
        }
        Some(_) => None,
        None => Some(None),
    }
}

/// The one of `all` whose name is the tree's text.
fn named<T: Copy>(tree: &Value, all: &[T], name: fn(T) -> &'static str) -> Option<T> {
    let text = tree.as_str()?;
    all.iter().copied().find(|item| name(*item) == text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::definition::ItemDefinition;
    use crate::domain::form::examples::{every_kind, every_rule};
    use serde_json::json;

    /// The reader's result for what serde writes of `definition`, which must be `definition`.
    fn read_back(definition: &FormDefinition) -> Option<FormDefinition> {
        form_definition(&serde_json::to_value(definition).expect("a tree"))
    }

    #[test]
    fn every_kind_of_field_reads_back_with_and_without_its_settings() {
        for set in [true, false] {
            let definition = FormDefinition {
                fields: every_kind(set),
                rules: Vec::new(),
            };
            assert_eq!(read_back(&definition), Some(definition), "settings: {set}");
        }
    }

    #[test]
    fn every_rule_reads_back() {
        let definition = FormDefinition {
            fields: every_kind(true),
            rules: every_rule(),
        };
        assert_eq!(read_back(&definition), Some(definition));
    }

    #[test]
    fn every_demo_form_reads_back() {
        let folder =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/demo/catalog");
        let mut read = 0;
        for entry in std::fs::read_dir(&folder).expect("the demo catalog") {
            let path = entry.expect("an entry").path();
            let item: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("a file"))
                    .expect("json");
            let definition: ItemDefinition =
                serde_json::from_value(item["definition"].clone()).expect("a definition");
            assert_eq!(
                read_back(&definition.form),
                Some(definition.form),
                "{path:?}"
            );
            read += 1;
        }
        assert!(read >= 20, "{read} demo items");
    }

    #[test]
    fn what_is_not_a_definition_is_none() {
        for tree in [
            json!(null),
            json!([]),
            json!({}),
            json!({"fields": [{"key": "a", "label": "A", "type": "telepathy"}]}),
            json!({"fields": [{"key": "a", "type": "email"}]}),
            json!({"fields": [{"key": "a", "label": "A", "type": "select"}]}),
            json!({"fields": [{"key": "a", "label": "A", "type": "short_text", "max_length": 2.5}]}),
            json!({"fields": [{"key": "a", "label": "A", "type": "short_text", "max_length": -1}]}),
            json!({"fields": [], "rules": [{"when": {"all": [], "any": []}, "then": []}]}),
            json!({"fields": [], "rules": [{"when": {"field": {"field": "a", "op": "likes"}}, "then": []}]}),
            json!({"fields": [], "rules": [{"when": {"all": []}, "then": [{"effect": "explode", "field": "a"}]}]}),
            json!({"fields": [], "rules": [{"when": {"all": []}, "then": [{"effect": "refuse", "field": "a"}]}]}),
        ] {
            assert_eq!(form_definition(&tree), None, "{tree}");
        }
        // What serde's defaults allow: no rules, settings written as null.
        assert_eq!(
            form_definition(
                &json!({"fields": [{"key": "a", "label": "A", "type": "short_text", "help": null, "max_length": null}]})
            ),
            Some(FormDefinition {
                fields: vec![FieldDef::new(
                    "a",
                    "A",
                    FieldKind::ShortText {
                        min_length: None,
                        max_length: None,
                        pattern: None
                    },
                    false
                )],
                rules: Vec::new(),
            })
        );
    }
}
