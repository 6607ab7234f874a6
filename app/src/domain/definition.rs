//! A catalog item's definition: the form an employee fills in, the approval plan and the
//! fulfilment plan, versioned together (and, to come, the SLA policy).
//!
//! The top of `domain/`: each part checks itself ([`FormDefinition::check`],
//! [`approvals::check_plan`], [`tasks::check_plan`]); this module composes them. The stored JSON
//! is the parts side by side (`{"fields": …, "rules": …, "approvals": …, "tasks": …}`), the
//! same as export files, so the composition changes no stored data.

use super::approvals::{self, ApprovalStage};
use super::form::{FormDefinition, RawAnswers};
use super::rules::DefinitionError;
use super::tasks::{self, TaskDef};
use serde::{Deserialize, Serialize};

/// One version of a catalog item: what is asked, who approves, who fulfils.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemDefinition {
    #[serde(flatten)]
    pub form: FormDefinition,
    /// Approval stages a request goes through before fulfilment (none: no approval).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<ApprovalStage>,
    /// Fulfilment tasks once approved (none: the department's queue works the request whole).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<TaskDef>,
    /// Service levels: first response and resolution targets (none: no clocks), as JSON.
    /// Read with [`ItemDefinition::sla_policy`]. The browser only carries it through (the
    /// designer does not edit it yet), so the code that reads a policy stays out of the WASM
    /// bundle; the server reads and checks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<serde_json::Value>,
}

impl ItemDefinition {
    /// A definition with this form and no plans.
    pub fn of_form(form: FormDefinition) -> Self {
        Self {
            form,
            ..Self::default()
        }
    }

    /// Checks a definition before it is saved. Size comes first: an oversized definition is
    /// refused before anything in it is compiled or looked up.
    pub fn check(&self) -> Result<(), Vec<DefinitionError>> {
        let mut errors = Vec::new();
        self.form.check_size(&mut errors);
        approvals::check_size(&self.approvals, &mut errors);
        tasks::check_size(&self.tasks, &mut errors);
        if errors.is_empty() {
            self.form.check(&mut errors);
            approvals::check_plan(&self.approvals, &self.form, &mut errors);
            tasks::check_plan(&self.tasks, &mut errors);
            // Checked on the server (see `sla`): saving and publishing refuse a wrong policy.
            #[cfg(feature = "ssr")]
            match self.sla_policy() {
                Ok(Some(sla)) => sla.check(&mut errors),
                Ok(None) => {}
                Err(message) => errors.push(DefinitionError {
                    at: "service levels".into(),
                    message,
                }),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The item's service levels, if it has any; the error says what is wrong with them.
    pub fn sla_policy(&self) -> Result<Option<super::sla::SlaPolicy>, String> {
        self.sla
            .as_ref()
            .map(|json| {
                serde_json::from_value(json.clone())
                    .map_err(|e| format!("The service levels cannot be read: {e}."))
            })
            .transpose()
    }

    /// The approval stage to open after stage `after` (or the first, with `None`) for these
    /// answers; `None` when no further stage applies.
    pub fn next_stage(&self, raw: &RawAnswers, after: Option<usize>) -> Option<usize> {
        approvals::next_stage(&self.approvals, &self.form, raw, after)
    }
}
