//! Approval plans: ordered stages, each with its approvers, a decision rule, an optional
//! condition on the answers, and an optional timeout.
//!
//! A plan is part of an item's versioned definition. Everything here is pure: which stages
//! apply to a request, which comes next, and what a stage's votes amount to. The server keeps the
//! votes; this module decides, so the inbox, the request page and the tests agree.

use crate::domain::form::{FieldKind, FormDefinition, RawAnswers};
use crate::domain::rules::{limits, too_many, Condition, DefinitionError};
use serde::{Deserialize, Serialize};

/// One stage of an approval plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApprovalStage {
    /// Shown to approvers and requesters, e.g. "Manager approval".
    pub name: String,
    pub approvers: Vec<Approver>,
    pub decision: Decision,
    /// The stage applies only when this holds over the answers (e.g. amount > 5,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Timeout>,
}

/// Who is asked to approve.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Approver {
    /// A named person, by email.
    User { email: String },
    /// Every member of a team, by `department/team` slug.
    Team { team: String },
    /// The requester's manager.
    Manager,
    /// The manager of the requester's manager.
    ManagersManager,
    /// The head of the item's department.
    DepartmentHead,
    /// The person named in a person field of the form — only someone the item allows there
    /// (`among`), so a requester cannot pick their own approver.
    Field {
        field: String,
        #[serde(default)]
        among: FieldApprovers,
    },
}

/// Whom a person field may name as a stage's approver.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldApprovers {
    /// Someone above the requester: their manager, that manager's manager, and so on.
    #[default]
    ManagerChain,
    /// A member of a team, by `department/team` slug.
    Team { team: String },
}

impl FieldApprovers {
    /// What the requester is told when the person they named is not allowed.
    pub fn refusal(&self) -> String {
        match self {
            FieldApprovers::ManagerChain => {
                "Name someone in your management chain (your manager, their manager, and so on)."
                    .to_owned()
            }
            FieldApprovers::Team { team } => format!("Name a member of the team {team}."),
        }
    }
}

/// Where one approver's seat on a stage stands once it is no longer waiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vote {
    Approved,
    Rejected,
    /// The stage was decided without this approver's vote.
    Closed,
    /// The stage timed out and this seat went to the approver's manager.
    Escalated,
}

impl Vote {
    pub const ALL: [Vote; 4] = [
        Vote::Approved,
        Vote::Rejected,
        Vote::Closed,
        Vote::Escalated,
    ];

    /// As stored in `approvals.decision`.
    pub fn as_str(self) -> &'static str {
        match self {
            Vote::Approved => "approved",
            Vote::Rejected => "rejected",
            Vote::Closed => "closed",
            Vote::Escalated => "escalated",
        }
    }

    pub fn parse(text: &str) -> Option<Vote> {
        Vote::ALL.into_iter().find(|v| v.as_str() == text)
    }

    /// As people read it on a request's approvals table.
    pub fn label(self) -> &'static str {
        match self {
            Vote::Approved => "Approved",
            Vote::Rejected => "Rejected",
            Vote::Closed => "Not needed",
            Vote::Escalated => "Escalated",
        }
    }
}

/// How a stage's votes decide it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", content = "value", rename_all = "snake_case")]
pub enum Decision {
    /// The first approver to act decides, either way.
    Any,
    /// Everyone must approve; one rejection rejects.
    All,
    /// At least this percentage of the approvers must approve.
    Percent(u8),
    /// At least this many approvers must approve.
    Count(u32),
}

/// What happens when a stage waits too long.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeout {
    /// Hours after the stage opened.
    pub hours: u32,
    pub outcome: TimeoutOutcome,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeoutOutcome {
    /// Remind the approvers who have not acted.
    Remind,
    /// Ask each waiting approver's manager too.
    Escalate,
    AutoApprove,
    AutoReject,
}

/// Where a stage stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StageOutcome {
    Pending,
    Approved,
    Rejected,
}

impl Decision {
    /// How people read the rule, e.g. "any one approver", "60% of approvers".
    pub fn label(self) -> String {
        match self {
            Decision::Any => "any one approver".to_owned(),
            Decision::All => "every approver".to_owned(),
            Decision::Percent(p) => format!("{p}% of approvers"),
            Decision::Count(1) => "1 approver".to_owned(),
            Decision::Count(n) => format!("{n} approvers"),
        }
    }

    /// The outcome of a stage with `eligible` approvers, given their votes so far. A stage is
    /// decided as soon as its outcome can no longer change; with no eligible approvers it is
    /// rejected (nobody can approve it), which the engine reports so it can escalate.
    pub fn outcome(self, eligible: usize, approved: usize, rejected: usize) -> StageOutcome {
        let undecided = eligible.saturating_sub(approved + rejected);
        let need = match self {
            Decision::Any => {
                return if approved > 0 {
                    StageOutcome::Approved
                } else if rejected > 0 || eligible == 0 {
                    StageOutcome::Rejected
                } else {
                    StageOutcome::Pending
                };
            }
            Decision::All => eligible,
            // Rounded up: 50% of 3 approvers is 2.
            Decision::Percent(p) => (eligible * usize::from(p.min(100))).div_ceil(100),
            Decision::Count(n) => n as usize,
        };
        if eligible == 0 {
            StageOutcome::Rejected
        } else if approved >= need.max(1) {
            StageOutcome::Approved
        } else if approved + undecided < need.max(1) {
            StageOutcome::Rejected
        } else {
            StageOutcome::Pending
        }
    }
}

/// The stages (by position) that apply to a request with these answers, in order.
pub fn applicable_stages(
    stages: &[ApprovalStage],
    form: &FormDefinition,
    raw: &RawAnswers,
) -> Vec<usize> {
    stages
        .iter()
        .enumerate()
        .filter(|(_, stage)| match &stage.when {
            None => true,
            Some(condition) => form.holds(condition, raw),
        })
        .map(|(n, _)| n)
        .collect()
}

/// The stage to open after stage `after` (or the first, with `None`) was approved; `None`
/// when the plan is done. Stages are never skipped unless their condition does not hold.
pub fn next_stage(
    stages: &[ApprovalStage],
    form: &FormDefinition,
    raw: &RawAnswers,
    after: Option<usize>,
) -> Option<usize> {
    applicable_stages(stages, form, raw)
        .into_iter()
        .find(|n| after.is_none_or(|a| *n > a))
}

/// Whether a plan is too large to be checked at all.
pub fn check_size(stages: &[ApprovalStage], errors: &mut Vec<DefinitionError>) {
    if stages.len() > limits::STAGES {
        errors.push(too_many("approval stages", stages.len(), limits::STAGES));
    }
    if let Some(stage) = stages
        .iter()
        .find(|s| s.approvers.len() > limits::APPROVERS)
    {
        errors.push(DefinitionError {
            at: stage.name.clone(),
            message: format!("A stage can ask at most {} approvers.", limits::APPROVERS),
        });
    }
}

/// Checks an approval plan as it is saved, against the form whose answers its conditions and
/// person fields use; reported like form definition errors.
pub fn check_plan(
    stages: &[ApprovalStage],
    form: &FormDefinition,
    errors: &mut Vec<DefinitionError>,
) {
    for (n, stage) in stages.iter().enumerate() {
        let at = format!("approval stage {}", n + 1);
        let mut problem = |message: String| {
            errors.push(DefinitionError {
                at: at.clone(),
                message,
            })
        };
        if stage.name.trim().is_empty() {
            problem("Give the stage a name, e.g. “Manager approval”.".into());
        }
        if stage.approvers.is_empty() {
            problem(format!("“{}” has no approvers.", stage.name));
        }
        match stage.decision {
            Decision::Percent(p) if p == 0 || p > 100 => problem(format!(
                "“{}”: a percentage must be between 1 and 100.",
                stage.name
            )),
            Decision::Count(0) => {
                problem(format!("“{}”: the count must be at least 1.", stage.name))
            }
            _ => {}
        }
        if stage.timeout.is_some_and(|t| t.hours == 0) {
            problem(format!(
                "“{}”: a timeout needs at least one hour.",
                stage.name
            ));
        }
        for approver in &stage.approvers {
            match approver {
                Approver::Field { field, among } => {
                    if let FieldApprovers::Team { team } = among {
                        if !team.contains('/') {
                            problem(format!(
                                "“{}”: name the team the person must belong to as department/team, e.g. finance/controllers.",
                                stage.name
                            ));
                        }
                    }
                    let kind = form
                        .fields
                        .iter()
                        .find(|f| &f.key == field)
                        .map(|f| &f.kind);
                    if field.is_empty() {
                        problem(format!(
                            "“{}”: choose the person field that names the approver.",
                            stage.name
                        ));
                    } else if kind != Some(&FieldKind::User) {
                        problem(format!(
                            "“{}” asks the person named in “{field}”, which is not a person field of this form.",
                            stage.name
                        ));
                    }
                }
                Approver::User { email } if !email.contains('@') => problem(format!(
                    "“{}”: “{email}” is not an email address.",
                    stage.name
                )),
                Approver::Team { team } if !team.contains('/') => problem(format!(
                    "“{}”: name the team as department/team, e.g. it/service-desk.",
                    stage.name
                )),
                _ => {}
            }
        }
        if let Some(condition) = &stage.when {
            crate::domain::rules::check_condition_in(&form.fields, condition, &at, errors);
        }
    }
}

#[cfg(test)]
mod vote_tests {
    use super::Vote;

    #[test]
    fn votes_round_trip() {
        for vote in Vote::ALL {
            assert_eq!(Vote::parse(vote.as_str()), Some(vote));
        }
        assert_eq!(Vote::parse("waiting"), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::{FieldDef, RawAnswers};
    use crate::domain::rules::{FieldTest, Op};
    use proptest::prelude::*;
    use serde_json::json;

    fn stage(name: &str, when: Option<Condition>) -> ApprovalStage {
        ApprovalStage {
            name: name.into(),
            approvers: vec![Approver::Manager],
            decision: Decision::Any,
            when,
            timeout: None,
        }
    }

    /// A purchase form and its approval plan.
    struct Purchase {
        form: FormDefinition,
        approvals: Vec<ApprovalStage>,
    }

    fn purchase() -> Purchase {
        let form = FormDefinition {
            fields: vec![
                FieldDef::new(
                    "amount",
                    "Amount",
                    FieldKind::Money {
                        currency: "EUR".into(),
                        min: None,
                        max: None,
                    },
                    true,
                ),
                FieldDef::new("buyer", "Buyer", FieldKind::User, false),
            ],
            rules: vec![],
        };
        Purchase {
            form,
            approvals: vec![
                stage("Manager", None),
                stage(
                    "Finance",
                    Some(Condition::Field(FieldTest {
                        field: "amount".into(),
                        op: Op::GreaterThan,
                        value: Some(json!(5000)),
                    })),
                ),
                stage("Director", None),
            ],
        }
    }

    fn amount(a: &str) -> RawAnswers {
        [("amount".to_owned(), a.to_owned())].into()
    }

    #[test]
    fn conditional_stages_apply_only_when_their_condition_holds() {
        let plan = purchase();
        assert_eq!(
            applicable_stages(&plan.approvals, &plan.form, &amount("100")),
            vec![0, 2]
        );
        assert_eq!(
            applicable_stages(&plan.approvals, &plan.form, &amount("9000")),
            vec![0, 1, 2]
        );
        assert_eq!(
            next_stage(&plan.approvals, &plan.form, &amount("100"), Some(0)),
            Some(2)
        );
        assert_eq!(
            next_stage(&plan.approvals, &plan.form, &amount("9000"), Some(0)),
            Some(1)
        );
        assert_eq!(
            next_stage(&plan.approvals, &plan.form, &amount("9000"), Some(2)),
            None
        );
        assert_eq!(
            next_stage(&plan.approvals, &plan.form, &amount("9000"), None),
            Some(0)
        );
    }

    #[test]
    fn rules_decide_as_people_expect() {
        use StageOutcome::*;
        assert_eq!(Decision::Any.outcome(3, 0, 0), Pending);
        assert_eq!(Decision::Any.outcome(3, 1, 0), Approved);
        assert_eq!(Decision::Any.outcome(3, 0, 1), Rejected);
        assert_eq!(Decision::All.outcome(3, 2, 0), Pending);
        assert_eq!(Decision::All.outcome(3, 3, 0), Approved);
        assert_eq!(Decision::All.outcome(3, 2, 1), Rejected);
        assert_eq!(Decision::Percent(50).outcome(3, 1, 0), Pending);
        assert_eq!(Decision::Percent(50).outcome(3, 2, 0), Approved);
        assert_eq!(Decision::Percent(50).outcome(3, 1, 2), Rejected);
        assert_eq!(Decision::Count(2).outcome(4, 1, 2), Pending);
        assert_eq!(Decision::Count(2).outcome(4, 1, 3), Rejected);
        assert_eq!(
            Decision::Count(5).outcome(4, 0, 0),
            Rejected,
            "can never be reached"
        );
        assert_eq!(
            Decision::All.outcome(0, 0, 0),
            Rejected,
            "nobody to approve"
        );
        assert_eq!(Decision::Percent(60).label(), "60% of approvers");
    }

    #[test]
    fn plans_are_checked_when_saved() {
        let mut plan = purchase();
        plan.approvals[0].approvers = vec![];
        plan.approvals[1].decision = Decision::Percent(0);
        plan.approvals[2].approvers = vec![
            Approver::Field {
                field: "amount".into(),
                among: FieldApprovers::ManagerChain,
            },
            Approver::Field {
                field: "buyer".into(),
                among: FieldApprovers::Team {
                    team: "controllers".into(),
                },
            },
        ];
        plan.approvals.push(ApprovalStage {
            when: Some(Condition::Field(FieldTest {
                field: "missing".into(),
                op: Op::IsEmpty,
                value: None,
            })),
            ..stage("", None)
        });
        let mut errors = Vec::new();
        check_plan(&plan.approvals, &plan.form, &mut errors);
        let text: Vec<String> = errors
            .iter()
            .map(|e| format!("{}: {}", e.at, e.message))
            .collect();
        assert_eq!(
            text,
            vec![
                "approval stage 1: “Manager” has no approvers.",
                "approval stage 2: “Finance”: a percentage must be between 1 and 100.",
                "approval stage 3: “Director” asks the person named in “amount”, which is not a person field of this form.",
                "approval stage 3: “Director”: name the team the person must belong to as department/team, e.g. finance/controllers.",
                "approval stage 4: Give the stage a name, e.g. “Manager approval”.",
                "approval stage 4: The condition tests “missing”, which is not a field of this form.",
            ]
        );
        let mut errors = Vec::new();
        let plan = purchase();
        check_plan(&plan.approvals, &plan.form, &mut errors);
        assert!(errors.is_empty());
    }

    /// A field approver saved before `among` existed is limited to the manager chain, the
    /// strictest reading; a team limit round-trips.
    #[test]
    fn field_approvers_default_to_the_manager_chain() {
        let old: Approver =
            serde_json::from_str(r#"{"kind":"field","field":"buyer"}"#).expect("old form");
        assert_eq!(
            old,
            Approver::Field {
                field: "buyer".into(),
                among: FieldApprovers::ManagerChain
            }
        );
        let team = Approver::Field {
            field: "buyer".into(),
            among: FieldApprovers::Team {
                team: "finance/controllers".into(),
            },
        };
        let text = serde_json::to_string(&team).expect("serialise");
        assert_eq!(
            text,
            r#"{"kind":"field","field":"buyer","among":{"kind":"team","team":"finance/controllers"}}"#
        );
        assert_eq!(
            serde_json::from_str::<Approver>(&text).expect("round trip"),
            team
        );
    }

    fn decision() -> impl Strategy<Value = Decision> {
        prop_oneof![
            Just(Decision::Any),
            Just(Decision::All),
            (1u8..=100).prop_map(Decision::Percent),
            (1u32..8).prop_map(Decision::Count),
        ]
    }

    /// The rule's meaning, said the long way: approved once enough approvals are in; rejected
    /// once enough can never come.
    fn reference(d: Decision, eligible: usize, approved: usize, rejected: usize) -> StageOutcome {
        if eligible == 0 {
            return StageOutcome::Rejected;
        }
        let need = match d {
            Decision::Any => {
                if approved > 0 {
                    return StageOutcome::Approved;
                }
                if rejected > 0 {
                    return StageOutcome::Rejected;
                }
                return StageOutcome::Pending;
            }
            Decision::All => eligible,
            Decision::Percent(p) => {
                // The smallest count whose share reaches p%.
                (0..=eligible)
                    .find(|k| k * 100 >= eligible * p as usize)
                    .unwrap_or(eligible)
            }
            Decision::Count(n) => n as usize,
        }
        .max(1);
        let could_still = approved + (eligible - approved - rejected);
        if approved >= need {
            StageOutcome::Approved
        } else if could_still < need {
            StageOutcome::Rejected
        } else {
            StageOutcome::Pending
        }
    }

    proptest! {
        #[test]
        fn every_rule_decides_like_its_definition(
            d in decision(),
            eligible in 0usize..12,
            votes in proptest::collection::vec(any::<bool>(), 0..12),
        ) {
            let votes = &votes[..votes.len().min(eligible)];
            let approved = votes.iter().filter(|v| **v).count();
            let rejected = votes.len() - approved;
            prop_assert_eq!(d.outcome(eligible, approved, rejected), reference(d, eligible, approved, rejected));
        }

        #[test]
        fn a_decided_stage_stays_decided_as_more_votes_come(
            d in decision(),
            eligible in 1usize..12,
            votes in proptest::collection::vec(any::<bool>(), 1..12),
        ) {
            let votes = &votes[..votes.len().min(eligible)];
            let mut settled = None;
            for k in 0..=votes.len() {
                let approved = votes[..k].iter().filter(|v| **v).count();
                let outcome = d.outcome(eligible, approved, k - approved);
                if let Some(before) = settled {
                    // Under "any" the first vote decides and the stage takes no more votes;
                    // under the others a decision is reached only when no further vote can
                    // change it.
                    if d == Decision::Any {
                        break;
                    }
                    prop_assert_eq!(outcome, before);
                } else if outcome != StageOutcome::Pending {
                    settled = Some(outcome);
                }
            }
            // Once everyone has voted, the stage is decided.
            if votes.len() == eligible {
                let approved = votes.iter().filter(|v| **v).count();
                prop_assert_ne!(d.outcome(eligible, approved, eligible - approved), StageOutcome::Pending);
            }
        }

        #[test]
        fn stages_open_in_order_and_none_is_skipped(
            conditions in proptest::collection::vec(proptest::option::of(0u32..10_000), 1..8),
            spent in 0u32..10_000,
        ) {
            let mut plan = purchase();
            plan.approvals = conditions
                .iter()
                .enumerate()
                .map(|(n, threshold)| stage(
                    &format!("Stage {n}"),
                    threshold.map(|t| Condition::Field(FieldTest {
                        field: "amount".into(),
                        op: Op::GreaterThan,
                        value: Some(json!(t)),
                    })),
                ))
                .collect();
            let raw = amount(&spent.to_string());
            // Walking the plan visits exactly the stages whose condition holds, in order.
            let mut visited = Vec::new();
            let mut at = None;
            while let Some(next) = next_stage(&plan.approvals, &plan.form, &raw, at) {
                visited.push(next);
                at = Some(next);
            }
            let expected: Vec<usize> = conditions
                .iter()
                .enumerate()
                .filter(|(_, t)| t.is_none_or(|t| spent > t))
                .map(|(n, _)| n)
                .collect();
            prop_assert_eq!(visited, expected);
        }
    }
}
