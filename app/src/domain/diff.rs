//! A readable account of what changed between two form definitions, for version history.

use super::approvals::ApprovalStage;
use super::definition::ItemDefinition;
use super::form::{FieldDef, FormDefinition};
use super::rules::kind_name;
use super::tasks::TaskDef;

/// Lines like `Added field “Which peripheral?” (select)`, in form order; empty when equal.
pub fn describe_changes(old: &ItemDefinition, new: &ItemDefinition) -> Vec<String> {
    let mut lines = Vec::new();
    describe_form_changes(&old.form, &new.form, &mut lines);
    describe_stage_changes(&old.approvals, &new.approvals, &mut lines);
    describe_task_changes(&old.tasks, &new.tasks, &mut lines);
    match (&old.sla, &new.sla) {
        (None, Some(_)) => lines.push("Added service levels".to_owned()),
        (Some(_), None) => lines.push("Removed service levels".to_owned()),
        (Some(a), Some(b)) if a != b => lines.push("Changed service levels".to_owned()),
        _ => {}
    }
    lines
}

/// Fields added, removed, changed or reordered; rules added or removed.
fn describe_form_changes(old: &FormDefinition, new: &FormDefinition, lines: &mut Vec<String>) {
    let find = |defs: &[FieldDef], key: &str| defs.iter().find(|f| f.key == key).cloned();
    for field in &new.fields {
        match find(&old.fields, &field.key) {
            None => lines.push(format!(
                "Added field “{}” ({})",
                field.label,
                kind_name(&field.kind)
            )),
            Some(before) if before != *field => lines.push(describe_field_change(&before, field)),
            Some(_) => {}
        }
    }
    for field in &old.fields {
        if find(&new.fields, &field.key).is_none() {
            lines.push(format!("Removed field “{}”", field.label));
        }
    }
    let old_order: Vec<&str> = old
        .fields
        .iter()
        .map(|f| f.key.as_str())
        .filter(|k| new.fields.iter().any(|f| f.key == *k))
        .collect();
    let new_order: Vec<&str> = new
        .fields
        .iter()
        .map(|f| f.key.as_str())
        .filter(|k| old.fields.iter().any(|f| f.key == *k))
        .collect();
    if old_order != new_order {
        lines.push("Reordered fields".to_owned());
    }
    let added_rules = new.rules.iter().filter(|r| !old.rules.contains(r)).count();
    let removed_rules = old.rules.iter().filter(|r| !new.rules.contains(r)).count();
    if added_rules > 0 {
        lines.push(format!("Added {added_rules} rule{}", plural(added_rules)));
    }
    if removed_rules > 0 {
        lines.push(format!(
            "Removed {removed_rules} rule{}",
            plural(removed_rules)
        ));
    }
}

/// Fulfilment tasks added, removed or changed, by key (titles as people read them).
fn describe_task_changes(old: &[TaskDef], new: &[TaskDef], lines: &mut Vec<String>) {
    for task in new {
        match old.iter().find(|t| t.key == task.key) {
            None => lines.push(format!("Added task “{}” ({})", task.title, task.team)),
            Some(before) if before != task => lines.push(format!("Changed task “{}”", task.title)),
            Some(_) => {}
        }
    }
    for task in old {
        if !new.iter().any(|t| t.key == task.key) {
            lines.push(format!("Removed task “{}”", task.title));
        }
    }
}

/// Approval stages added, removed, changed or reordered, by name.
fn describe_stage_changes(old: &[ApprovalStage], new: &[ApprovalStage], lines: &mut Vec<String>) {
    for stage in new {
        match old.iter().find(|s| s.name == stage.name) {
            None => lines.push(format!(
                "Added approval stage “{}” ({})",
                stage.name,
                stage.decision.label()
            )),
            Some(before) if before != stage => {
                lines.push(format!("Changed approval stage “{}”", stage.name))
            }
            Some(_) => {}
        }
    }
    for stage in old {
        if !new.iter().any(|s| s.name == stage.name) {
            lines.push(format!("Removed approval stage “{}”", stage.name));
        }
    }
    let kept = |a: &[ApprovalStage], b: &[ApprovalStage]| -> Vec<String> {
        a.iter()
            .filter(|s| b.iter().any(|t| t.name == s.name))
            .map(|s| s.name.clone())
            .collect()
    };
    if kept(old, new) != kept(new, old) {
        lines.push("Reordered approval stages".to_owned());
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn describe_field_change(before: &FieldDef, after: &FieldDef) -> String {
    let mut what = Vec::new();
    if before.label != after.label {
        what.push(format!("renamed to “{}”", after.label));
    }
    if before.required != after.required {
        what.push(
            if after.required {
                "now required"
            } else {
                "now optional"
            }
            .to_owned(),
        );
    }
    if before.kind != after.kind {
        if kind_name(&before.kind) == kind_name(&after.kind) {
            what.push("options or limits changed".to_owned());
        } else {
            what.push(format!(
                "type {} → {}",
                kind_name(&before.kind),
                kind_name(&after.kind)
            ));
        }
    }
    if before.help != after.help
        || before.placeholder != after.placeholder
        || before.default != after.default
    {
        what.push("help, placeholder or default changed".to_owned());
    }
    format!("Changed field “{}”: {}", before.label, what.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::FieldKind;

    fn field(key: &str, label: &str, kind: FieldKind, required: bool) -> FieldDef {
        FieldDef::new(key, label, kind, required)
    }

    #[test]
    fn describes_additions_removals_and_changes() {
        let old = FormDefinition {
            fields: vec![
                field("a", "Model", FieldKind::YesNo, true),
                field(
                    "b",
                    "Notes",
                    FieldKind::LongText {
                        min_length: None,
                        max_length: None,
                    },
                    false,
                ),
            ],
            rules: vec![],
        };
        let new = FormDefinition {
            fields: vec![
                field("a", "Laptop model", FieldKind::YesNo, false),
                field(
                    "c",
                    "Count",
                    FieldKind::Number {
                        min: None,
                        max: None,
                        step: None,
                    },
                    true,
                ),
            ],
            rules: vec![],
        };
        assert_eq!(
            describe_changes(
                &ItemDefinition::of_form(old),
                &ItemDefinition::of_form(new.clone())
            ),
            [
                "Changed field “Model”: renamed to “Laptop model”; now optional",
                "Added field “Count” (number)",
                "Removed field “Notes”",
            ]
        );
        let new = ItemDefinition::of_form(new);
        assert!(describe_changes(&new, &new).is_empty());
    }
}

#[cfg(test)]
mod task_tests {
    use super::*;
    use crate::domain::tasks::TaskDef;

    fn task(key: &str, title: &str, hours: u32) -> TaskDef {
        TaskDef {
            key: key.into(),
            title: title.into(),
            team: "it/service-desk".into(),
            instructions: String::new(),
            after: Vec::new(),
            target_hours: hours,
        }
    }

    #[test]
    fn service_levels_added_changed_and_removed_are_said() {
        use crate::domain::sla::{SlaPolicy, TargetDef};
        let policy = |hours: f64| SlaPolicy {
            resolution: Some(TargetDef {
                hours,
                business: true,
                by_priority: Default::default(),
            }),
            ..Default::default()
        };
        let none = ItemDefinition::default();
        let eight = ItemDefinition {
            sla: serde_json::to_value(policy(8.0)).ok(),
            ..Default::default()
        };
        let four = ItemDefinition {
            sla: serde_json::to_value(policy(4.0)).ok(),
            ..Default::default()
        };
        assert_eq!(describe_changes(&none, &eight), ["Added service levels"]);
        assert_eq!(describe_changes(&eight, &four), ["Changed service levels"]);
        assert_eq!(describe_changes(&four, &none), ["Removed service levels"]);
        assert!(describe_changes(&four, &four).is_empty());
    }

    #[test]
    fn tasks_are_described_by_title() {
        let old = ItemDefinition {
            tasks: vec![task("a", "Order", 8), task("b", "Deliver", 8)],
            ..Default::default()
        };
        let new = ItemDefinition {
            tasks: vec![task("a", "Order", 4), task("c", "Install", 8)],
            ..Default::default()
        };
        assert_eq!(
            describe_changes(&old, &new),
            [
                "Changed task “Order”",
                "Added task “Install” (it/service-desk)",
                "Removed task “Deliver”",
            ]
        );
    }
}

#[cfg(test)]
mod approval_tests {
    use super::*;
    use crate::domain::approvals::{ApprovalStage, Approver, Decision};

    fn stage(name: &str, decision: Decision) -> ApprovalStage {
        ApprovalStage {
            name: name.into(),
            approvers: vec![Approver::Manager],
            decision,
            when: None,
            timeout: None,
        }
    }

    #[test]
    fn approval_stages_are_described_by_name() {
        let old = ItemDefinition {
            approvals: vec![
                stage("Manager", Decision::Any),
                stage("Finance", Decision::Any),
            ],
            ..Default::default()
        };
        let new = ItemDefinition {
            approvals: vec![
                stage("Finance", Decision::All),
                stage("Manager", Decision::Any),
                stage("Board", Decision::Percent(60)),
            ],
            ..Default::default()
        };
        assert_eq!(
            describe_changes(&old, &new),
            [
                "Changed approval stage “Finance”",
                "Added approval stage “Board” (60% of approvers)",
                "Reordered approval stages",
            ]
        );
    }
}
