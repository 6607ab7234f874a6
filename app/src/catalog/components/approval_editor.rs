//! Edits one stage of an item's approval plan: its name, who approves, how their votes decide,
//! when the stage applies, and what happens when nobody decides in time.

use crate::domain::approvals::{
    ApprovalStage, Approver, Decision, FieldApprovers, Timeout, TimeoutOutcome,
};
use crate::domain::definition::ItemDefinition;
use crate::domain::form::FieldKind;
use crate::domain::rules::{Condition, FieldTest, Op};
use leptos::prelude::*;

const KINDS: [(&str, &str); 6] = [
    ("manager", "the requester's manager"),
    ("managers_manager", "the manager's manager"),
    ("department_head", "the head of the item's department"),
    ("user", "a named person (email)"),
    ("team", "a team (department/team)"),
    ("field", "the person named in a field"),
];

fn kind_of(approver: &Approver) -> &'static str {
    match approver {
        Approver::Manager => "manager",
        Approver::ManagersManager => "managers_manager",
        Approver::DepartmentHead => "department_head",
        Approver::User { .. } => "user",
        Approver::Team { .. } => "team",
        Approver::Field { .. } => "field",
    }
}

fn value_of(approver: &Approver) -> String {
    match approver {
        Approver::User { email } => email.clone(),
        Approver::Team { team } => team.clone(),
        Approver::Field { field, .. } => field.clone(),
        _ => String::new(),
    }
}

/// An approver of the chosen kind, keeping what was typed where it fits.
fn make_approver(kind: &str, value: String) -> Approver {
    match kind {
        "managers_manager" => Approver::ManagersManager,
        "department_head" => Approver::DepartmentHead,
        "user" => Approver::User { email: value },
        "team" => Approver::Team { team: value },
        "field" => Approver::Field {
            field: value,
            among: FieldApprovers::default(),
        },
        _ => Approver::Manager,
    }
}

/// A fresh stage: the requester's manager, any one decides.
pub fn new_stage(n: usize) -> ApprovalStage {
    ApprovalStage {
        name: if n == 0 {
            "Manager approval".to_owned()
        } else {
            format!("Approval {}", n + 1)
        },
        approvers: vec![Approver::Manager],
        decision: Decision::Any,
        when: None,
        timeout: None,
    }
}

/// Where a stage sits in the definition being edited.
#[derive(Clone, Copy)]
struct StageAt {
    definition: RwSignal<ItemDefinition>,
    index: usize,
}

impl StageAt {
    fn id(&self, part: &str) -> String {
        format!("a{}-{part}", self.index)
    }

    fn edit(&self, change: impl Fn(&mut ApprovalStage)) {
        let index = self.index;
        self.definition.update(|d| {
            if let Some(s) = d.approvals.get_mut(index) {
                change(s);
            }
        })
    }

    fn move_by(&self, delta: isize) {
        let index = self.index;
        self.definition.update(|d| {
            let to = index as isize + delta;
            if to >= 0 && (to as usize) < d.approvals.len() {
                d.approvals.swap(index, to as usize);
            }
        })
    }

    fn remove(&self) {
        let index = self.index;
        self.definition.update(|d| {
            if index < d.approvals.len() {
                d.approvals.remove(index);
            }
        })
    }

    /// The form's fields of some kinds, as (key, label), for choosing one.
    fn fields(&self, wanted: fn(&FieldKind) -> bool) -> Vec<(String, String)> {
        self.definition.with(|d| {
            d.form
                .fields
                .iter()
                .filter(|f| wanted(&f.kind))
                .map(|f| (f.key.clone(), f.label.clone()))
                .collect()
        })
    }
}

#[component]
pub fn ApprovalEditor(index: usize, definition: RwSignal<ItemDefinition>) -> impl IntoView {
    let stage = Memo::new(move |_| definition.with(|d| d.approvals.get(index).cloned()));
    let at = StageAt { definition, index };
    view! {
        <li class="field-editor">
            {move || {
                // Read here, tracked: the choices follow the form's fields as they change.
                let people = at.fields(|k| *k == FieldKind::User);
                let amounts =
                    at.fields(|k| matches!(k, FieldKind::Number { .. } | FieldKind::Money { .. }));
                stage.get().map(|s| view! {
                <div class="field-editor-head">
                    <strong>{format!("Stage {}", index + 1)}</strong>
                    <div class="button-row">
                        <button type="button" class="button small" aria-label=format!("Move stage {} up", index + 1)
                            disabled=index == 0 on:click=move |_| at.move_by(-1)>"↑"</button>
                        <button type="button" class="button small" aria-label=format!("Move stage {} down", index + 1)
                            on:click=move |_| at.move_by(1)>"↓"</button>
                        <button type="button" class="button small danger" aria-label=format!("Remove stage {}", index + 1)
                            on:click=move |_| at.remove()>"Remove"</button>
                    </div>
                </div>
                <NameAndDecision at name=s.name.clone() decision=s.decision/>
                <Approvers at approvers=s.approvers.clone() people/>
                <StageCondition at when=s.when.clone() amounts/>
                <StageTimeout at timeout=s.timeout/>
            })}}
        </li>
    }
}

/// The stage's name, and how its approvers' votes decide it.
#[component]
fn NameAndDecision(at: StageAt, name: String, decision: Decision) -> impl IntoView {
    let id = move |part: &str| at.id(part);
    let decision_kind = match decision {
        Decision::Any => "any",
        Decision::All => "all",
        Decision::Percent(_) => "percent",
        Decision::Count(_) => "count",
    };
    let decision_number = match decision {
        Decision::Percent(p) => Some(p.to_string()),
        Decision::Count(n) => Some(n.to_string()),
        _ => None,
    };
    view! {
                    <div class="editor-grid">
                        <label for=id("name")>"Name"</label>
                        <input id=id("name") type="text" prop:value=name
                            on:change=move |ev| { let v = event_target_value(&ev); at.edit(move |s| s.name = v.clone()) }/>
                        <label for=id("decision")>"Decided by"</label>
                        <div class="inline-inputs">
                            <select id=id("decision") on:change=move |ev| {
                                let v = event_target_value(&ev);
                                at.edit(move |s| s.decision = match v.as_str() {
                                    "all" => Decision::All,
                                    "percent" => Decision::Percent(50),
                                    "count" => Decision::Count(2),
                                    _ => Decision::Any,
                                })
                            }>
                                <option value="any" selected=decision_kind == "any">"any one approver"</option>
                                <option value="all" selected=decision_kind == "all">"every approver"</option>
                                <option value="percent" selected=decision_kind == "percent">"a percentage of approvers"</option>
                                <option value="count" selected=decision_kind == "count">"a number of approvers"</option>
                            </select>
                            {decision_number.map(|n| view! {
                                <label class="visually-hidden" for=id("decision-number")>"Percentage or number"</label>
                                <input id=id("decision-number") type="number" min="1" prop:value=n
                                    on:change=move |ev| {
                                        let n: u32 = event_target_value(&ev).trim().parse().unwrap_or(0);
                                        at.edit(move |s| match &mut s.decision {
                                            Decision::Percent(p) => *p = n.min(255) as u8,
                                            Decision::Count(c) => *c = n,
                                            _ => {}
                                        })
                                    }/>
                            })}
                        </div>
                    </div>
    }
}

/// Whom the person named in a field may be: someone in the requester's management chain, or
/// a member of a named team.
#[component]
fn FieldApproversChoice(at: StageAt, n: usize, among: FieldApprovers) -> impl IntoView {
    let id = move |part: &str| at.id(part);
    let team = match &among {
        FieldApprovers::Team { team } => Some(team.clone()),
        FieldApprovers::ManagerChain => None,
    };
    let set = move |value: FieldApprovers| {
        at.edit(move |s| {
            if let Some(Approver::Field { among, .. }) = s.approvers.get_mut(n) {
                *among = value.clone();
            }
        })
    };
    view! {
        <label class="visually-hidden" for=id(&format!("approver-{n}-among"))>"Who may be named"</label>
        <select id=id(&format!("approver-{n}-among")) on:change=move |ev| {
            set(if event_target_value(&ev) == "team" {
                FieldApprovers::Team { team: String::new() }
            } else {
                FieldApprovers::ManagerChain
            })
        }>
            <option value="manager_chain" selected=team.is_none()>"who is in the requester's management chain"</option>
            <option value="team" selected=team.is_some()>"who is a member of the team…"</option>
        </select>
        {team.map(|team| view! {
            <label class="visually-hidden" for=id(&format!("approver-{n}-team"))>"Team of the named person"</label>
            <input id=id(&format!("approver-{n}-team")) type="text" prop:value=team placeholder="finance/controllers"
                on:change=move |ev| set(FieldApprovers::Team { team: event_target_value(&ev).trim().to_owned() })/>
        })}
    }
}

/// Who approves: each approver with its kind and, where it needs one, its value.
#[component]
fn Approvers(
    at: StageAt,
    approvers: Vec<Approver>,
    /// The form's person fields, as (key, label).
    people: Vec<(String, String)>,
) -> impl IntoView {
    let id = move |part: &str| at.id(part);
    let index = at.index;
    let count = approvers.len();
    view! {
                    <fieldset class="checkbox-group">
                        <legend class="small">"Approvers"</legend>
                        {approvers.into_iter().enumerate().map(|(n, a)| {
                            let kind = kind_of(&a);
                            let value = value_of(&a);
                            let fields = people.clone();
                            view! {
                                <div class="rule-row">
                                    <label class="visually-hidden" for=id(&format!("approver-{n}"))>{format!("Approver {}", n + 1)}</label>
                                    <select id=id(&format!("approver-{n}")) on:change=move |ev| {
                                        let k = event_target_value(&ev);
                                        at.edit(move |s| if let Some(a) = s.approvers.get_mut(n) { *a = make_approver(&k, value_of(a)) })
                                    }>
                                        {KINDS.into_iter().map(|(k, label)| view! { <option value=k selected=k == kind>{label}</option> }).collect_view()}
                                    </select>
                                    {match kind {
                                        "field" => view! {
                                            <label class="visually-hidden" for=id(&format!("approver-{n}-value"))>"Person field"</label>
                                            <select id=id(&format!("approver-{n}-value")) on:change=move |ev| {
                                                let v = event_target_value(&ev);
                                                at.edit(move |s| if let Some(Approver::Field { field, .. }) = s.approvers.get_mut(n) { *field = v.clone() })
                                            }>
                                                <option value="" selected=value.is_empty()>"Choose a person field…"</option>
                                                {fields.into_iter().map(|(key, label)| { let selected = key == value; view! { <option value=key selected=selected>{label}</option> } }).collect_view()}
                                            </select>
                                            <FieldApproversChoice at n among=match &a { Approver::Field { among, .. } => among.clone(), _ => FieldApprovers::default() }/>
                                        }.into_any(),
                                        "user" | "team" => view! {
                                            <label class="visually-hidden" for=id(&format!("approver-{n}-value"))>{if kind == "user" { "Email" } else { "Team" }}</label>
                                            <input id=id(&format!("approver-{n}-value")) type="text" prop:value=value
                                                placeholder=if kind == "user" { "name@example.com" } else { "it/service-desk" }
                                                on:change=move |ev| {
                                                    let v = event_target_value(&ev).trim().to_owned();
                                                    at.edit(move |s| if let Some(a) = s.approvers.get_mut(n) { *a = make_approver(kind_of(a), v.clone()) })
                                                }/>
                                        }.into_any(),
                                        _ => ().into_any(),
                                    }}
                                    <button type="button" class="button small subtle" hidden=count < 2
                                        aria-label=format!("Remove approver {} of stage {}", n + 1, index + 1)
                                        on:click=move |_| at.edit(move |s| { if n < s.approvers.len() { s.approvers.remove(n); } })>"×"</button>
                                </div>
                            }
                        }).collect_view()}
                        <button type="button" class="button small" on:click=move |_| at.edit(|s| s.approvers.push(Approver::Manager))>"Add approver"</button>
                    </fieldset>
    }
}

/// "Only when <number field> is more than <amount>": the common case; other conditions (from
/// an import) are kept and shown as set.
#[component]
fn StageCondition(
    at: StageAt,
    when: Option<Condition>,
    /// The form's number and money fields, as (key, label).
    amounts: Vec<(String, String)>,
) -> impl IntoView {
    let id = move |part: &str| at.id(part);
    let threshold = match &when {
        Some(Condition::Field(FieldTest {
            field,
            op: Op::GreaterThan,
            value: Some(v),
        })) => Some((field.clone(), v.to_string())),
        _ => None,
    };
    let other_condition = when.is_some() && threshold.is_none();
    view! {
                    <div class="editor-grid">
                        <label for=id("when")>"Only when"</label>
                        {if other_condition {
                            view! { <p id=id("when") class="small muted">"A condition set by an imported file (kept as it is)."</p> }.into_any()
                        } else {
                            let (field, amount) = threshold.clone().unwrap_or_default();
                            let fields = amounts.clone();
                            view! {
                                <div class="inline-inputs">
                                    <select id=id("when") on:change=move |ev| {
                                        let f = event_target_value(&ev);
                                        at.edit(move |s| s.when = (!f.is_empty()).then(|| Condition::Field(FieldTest {
                                            field: f.clone(), op: Op::GreaterThan, value: Some(serde_json::json!(0)),
                                        })))
                                    }>
                                        <option value="" selected=field.is_empty()>"always"</option>
                                        {fields.into_iter().map(|(key, label)| { let selected = key == field; view! { <option value=key selected=selected>{format!("{label} is more than…")}</option> } }).collect_view()}
                                    </select>
                                    {(!field.is_empty()).then(|| view! {
                                        <label class="visually-hidden" for=id("when-amount")>"Amount"</label>
                                        <input id=id("when-amount") type="number" step="any" prop:value=amount
                                            on:change=move |ev| {
                                                let v = crate::domain::numbers::parse_number(event_target_value(&ev).trim()).and_then(serde_json::Number::from_f64);
                                                at.edit(move |s| if let Some(Condition::Field(t)) = &mut s.when { t.value = v.clone().map(serde_json::Value::Number) })
                                            }/>
                                    })}
                                </div>
                            }.into_any()
                        }}
                    </div>
    }
}

/// What happens when nobody decides in time, and after how many hours.
#[component]
fn StageTimeout(at: StageAt, timeout: Option<Timeout>) -> impl IntoView {
    let id = move |part: &str| at.id(part);
    let timeout_kind = match timeout.map(|t| t.outcome) {
        None => "none",
        Some(TimeoutOutcome::Remind) => "remind",
        Some(TimeoutOutcome::Escalate) => "escalate",
        Some(TimeoutOutcome::AutoApprove) => "approve",
        Some(TimeoutOutcome::AutoReject) => "reject",
    };
    let timeout_hours = timeout.map(|t| t.hours.to_string());
    view! {
                    <div class="editor-grid">
                        <label for=id("timeout")>"If undecided"</label>
                        <div class="inline-inputs">
                            <select id=id("timeout") on:change=move |ev| {
                                let v = event_target_value(&ev);
                                at.edit(move |s| {
                                    let outcome = match v.as_str() {
                                        "remind" => Some(TimeoutOutcome::Remind),
                                        "escalate" => Some(TimeoutOutcome::Escalate),
                                        "approve" => Some(TimeoutOutcome::AutoApprove),
                                        "reject" => Some(TimeoutOutcome::AutoReject),
                                        _ => None,
                                    };
                                    let hours = s.timeout.map_or(48, |t| t.hours);
                                    s.timeout = outcome.map(|outcome| Timeout { hours, outcome });
                                })
                            }>
                                <option value="none" selected=timeout_kind == "none">"wait as long as it takes"</option>
                                <option value="remind" selected=timeout_kind == "remind">"remind the approvers after…"</option>
                                <option value="escalate" selected=timeout_kind == "escalate">"escalate to each approver's manager after…"</option>
                                <option value="approve" selected=timeout_kind == "approve">"approve automatically after…"</option>
                                <option value="reject" selected=timeout_kind == "reject">"reject automatically after…"</option>
                            </select>
                            {timeout_hours.map(|hours| view! {
                                <label class="visually-hidden" for=id("timeout-hours")>"Hours"</label>
                                <input id=id("timeout-hours") type="number" min="1" max="8760" prop:value=hours
                                    on:change=move |ev| {
                                        let hours: u32 = event_target_value(&ev).trim().parse().unwrap_or(0);
                                        at.edit(move |s| if let Some(t) = &mut s.timeout { t.hours = hours })
                                    }/>
                                <span class="small muted">"hours"</span>
                            })}
                        </div>
                    </div>
    }
}

/// The approval plan's part of the designer: its stages, and a button to add one.
#[component]
pub fn ApprovalsSection(definition: RwSignal<ItemDefinition>) -> impl IntoView {
    view! {
        <h2>"Approvals"</h2>
        <p class="muted small">"Stages run in order before the request is fulfilled; a stage with a condition is skipped when it does not hold. None: no approval needed."</p>
        <ol class="editor-list">
            <For each=move || 0..definition.with(|d| d.approvals.len()) key=|i| *i let:index>
                <ApprovalEditor index definition/>
            </For>
        </ol>
        <button type="button" class="button" on:click=move |_| definition.update(|d| {
            let n = d.approvals.len();
            d.approvals.push(new_stage(n));
        })>"Add approval stage"</button>
    }
    .into_any()
}
