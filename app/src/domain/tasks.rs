//! Fulfilment task plans: the work a request needs once it is approved, as tasks for teams of
//! any department, with dependencies (a task opens when every task it comes after is done) and
//! a target time each.
//!
//! A plan is part of an item's versioned definition. Everything here is pure: whether a plan is
//! sound (known predecessors, no cycles) and which tasks may open given the ones done, so the
//! designer, the engine and the tests agree.

use crate::domain::rules::{limits, too_many, DefinitionError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// Longest target time a task may have: a year.
pub const MAX_TARGET_HOURS: u32 = 24 * 365;

/// One task of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskDef {
    /// Stable name inside the plan, used by `after`.
    pub key: String,
    pub title: String,
    /// The team that does it, as `department/team` (any department).
    pub team: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub instructions: String,
    /// Keys of the tasks that must be done before this one opens (none: it opens at once).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    /// How long the team has once the task opens.
    pub target_hours: u32,
}

/// Where a task stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Waiting for the tasks it comes after.
    Pending,
    /// The team may work on it.
    Open,
    Done,
    /// The request ended (cancelled) before the task was done.
    Cancelled,
}

impl TaskState {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Pending => "pending",
            TaskState::Open => "open",
            TaskState::Done => "done",
            TaskState::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskState::Pending => "Waiting",
            TaskState::Open => "Open",
            TaskState::Done => "Done",
            TaskState::Cancelled => "Cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<TaskState> {
        [
            TaskState::Pending,
            TaskState::Open,
            TaskState::Done,
            TaskState::Cancelled,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

/// How a team hands out newly opened tasks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Assignment {
    /// Tasks wait in the team queue until someone takes them.
    Manual,
    /// Members in turn.
    RoundRobin,
    /// The member with the fewest open tasks.
    LeastLoaded,
}

impl Assignment {
    pub const ALL: [Assignment; 3] = [
        Assignment::Manual,
        Assignment::RoundRobin,
        Assignment::LeastLoaded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Assignment::Manual => "manual",
            Assignment::RoundRobin => "round_robin",
            Assignment::LeastLoaded => "least_loaded",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Assignment::Manual => "Manual (members take tasks)",
            Assignment::RoundRobin => "Round robin",
            Assignment::LeastLoaded => "Least loaded",
        }
    }

    pub fn parse(s: &str) -> Option<Assignment> {
        Assignment::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Picks the member who gets the next task. `members` are user ids in a stable order;
/// `last` is who got the previous one (round robin); `load` counts each member's open tasks
/// (least loaded; ties go to the earlier member). `None` when the team has no members or
/// assigns by hand.
pub fn pick_assignee(
    rule: Assignment,
    members: &[i64],
    last: Option<i64>,
    load: &HashMap<i64, u64>,
) -> Option<i64> {
    if members.is_empty() {
        return None;
    }
    match rule {
        Assignment::Manual => None,
        Assignment::RoundRobin => {
            let next = match last.and_then(|l| members.iter().position(|m| *m == l)) {
                Some(at) => (at + 1) % members.len(),
                // The last one left the team: start after where they would have been.
                None => last
                    .and_then(|l| members.iter().position(|m| *m > l))
                    .unwrap_or(0),
            };
            Some(members[next])
        }
        Assignment::LeastLoaded => members
            .iter()
            .min_by_key(|m| load.get(m).copied().unwrap_or(0))
            .copied(),
    }
}

/// The tasks (by position) that may open now: not yet opened, and every task they come after
/// is done.
pub fn ready(plan: &[TaskDef], opened: &BTreeSet<usize>, done: &BTreeSet<usize>) -> Vec<usize> {
    let position: HashMap<&str, usize> = plan
        .iter()
        .enumerate()
        .map(|(n, t)| (t.key.as_str(), n))
        .collect();
    plan.iter()
        .enumerate()
        .filter(|(n, _)| !opened.contains(n))
        .filter(|(_, task)| {
            task.after
                .iter()
                .all(|key| position.get(key.as_str()).is_some_and(|p| done.contains(p)))
        })
        .map(|(n, _)| n)
        .collect()
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 40
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// Whether a plan is too large to be checked at all.
pub fn check_size(tasks: &[TaskDef], errors: &mut Vec<DefinitionError>) {
    if tasks.len() > limits::TASKS {
        errors.push(too_many("tasks", tasks.len(), limits::TASKS));
    }
}

/// Checks a plan before it is saved: names, teams written as `department/team`, known
/// predecessors and no cycles. (Whether the teams exist is the server's check.)
pub fn check_plan(tasks: &[TaskDef], errors: &mut Vec<DefinitionError>) {
    let mut seen = BTreeSet::new();
    for (n, task) in tasks.iter().enumerate() {
        let at = format!("task {}", n + 1);
        let mut problem = |message: String| {
            errors.push(DefinitionError {
                at: at.clone(),
                message,
            })
        };
        let name = if task.title.trim().is_empty() {
            problem("Give the task a title, e.g. “Prepare the laptop”.".into());
            format!("Task {}", n + 1)
        } else {
            task.title.clone()
        };
        if task.title.chars().count() > 120 {
            problem(format!("“{name}”: keep the title under 120 characters."));
        }
        if !is_key(&task.key) {
            problem(format!(
                "“{name}”: its key “{}” must be lowercase letters, digits, - or _.",
                task.key
            ));
        } else if !seen.insert(task.key.as_str()) {
            problem(format!(
                "“{name}”: another task already has the key “{}”.",
                task.key
            ));
        }
        match task.team.split_once('/') {
            Some((d, t)) if !d.is_empty() && !t.is_empty() => {}
            _ => problem(format!(
                "“{name}”: choose the team that does it (department/team, e.g. it/service-desk)."
            )),
        }
        if task.target_hours == 0 || task.target_hours > MAX_TARGET_HOURS {
            problem(format!(
                "“{name}”: the target time must be between 1 hour and {MAX_TARGET_HOURS} hours."
            ));
        }
        if task.instructions.chars().count() > 4000 {
            problem(format!(
                "“{name}”: keep the instructions under 4,000 characters."
            ));
        }
        for before in &task.after {
            if before == &task.key {
                problem(format!("“{name}” cannot wait for itself."));
            } else if !tasks.iter().any(|t| &t.key == before) {
                problem(format!(
                    "“{name}” comes after “{before}”, which is not a task of this plan."
                ));
            }
        }
    }
    if let Some(cycle) = find_cycle(tasks) {
        errors.push(DefinitionError {
            at: "tasks".into(),
            message: format!(
                "These tasks wait for each other, so none of them could ever start: {}.",
                cycle.join(" → ")
            ),
        });
    }
}

/// A loop of tasks each waiting for the next, by title, if the plan has one.
pub fn find_cycle(tasks: &[TaskDef]) -> Option<Vec<String>> {
    let position: HashMap<&str, usize> = tasks
        .iter()
        .enumerate()
        .map(|(n, t)| (t.key.as_str(), n))
        .collect();
    // 0 unvisited, 1 on the current path, 2 finished.
    let mut mark = vec![0u8; tasks.len()];
    let mut path: Vec<usize> = Vec::new();
    fn visit(
        n: usize,
        tasks: &[TaskDef],
        position: &HashMap<&str, usize>,
        mark: &mut [u8],
        path: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        mark[n] = 1;
        path.push(n);
        for key in &tasks[n].after {
            let Some(&p) = position.get(key.as_str()) else {
                continue;
            };
            if p == n {
                continue; // reported as "cannot wait for itself"
            }
            if mark[p] == 1 {
                let start = path.iter().position(|x| *x == p).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(p);
                return Some(cycle);
            }
            if mark[p] == 0 {
                if let Some(found) = visit(p, tasks, position, mark, path) {
                    return Some(found);
                }
            }
        }
        path.pop();
        mark[n] = 2;
        None
    }
    (0..tasks.len()).find_map(|n| {
        if mark[n] == 0 {
            visit(n, tasks, &position, &mut mark, &mut path)
                .map(|cycle| cycle.into_iter().map(|i| tasks[i].title.clone()).collect())
        } else {
            None
        }
    })
}

/// A fresh task key not used in the plan yet.
pub fn fresh_key(tasks: &[TaskDef]) -> String {
    (1..)
        .map(|n| format!("task-{n}"))
        .find(|k| !tasks.iter().any(|t| &t.key == k))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn task(key: &str, after: &[&str]) -> TaskDef {
        TaskDef {
            key: key.into(),
            title: key.to_uppercase(),
            team: "it/service-desk".into(),
            instructions: String::new(),
            after: after.iter().map(|s| (*s).to_owned()).collect(),
            target_hours: 8,
        }
    }

    fn onboarding() -> Vec<TaskDef> {
        vec![
            task("paperwork", &[]),
            task("laptop", &["paperwork"]),
            task("desk", &["paperwork"]),
            task("welcome", &["laptop", "desk"]),
        ]
    }

    fn plan_errors(tasks: Vec<TaskDef>) -> Vec<String> {
        let mut errors = Vec::new();
        check_plan(&tasks, &mut errors);
        errors.into_iter().map(|e| e.message).collect()
    }

    #[test]
    fn tasks_open_after_all_their_predecessors() {
        let plan = onboarding();
        let none = BTreeSet::new();
        assert_eq!(ready(&plan, &none, &none), vec![0]);
        let opened: BTreeSet<usize> = [0].into();
        let done: BTreeSet<usize> = [0].into();
        // Laptop and desk open together.
        assert_eq!(ready(&plan, &opened, &done), vec![1, 2]);
        let opened: BTreeSet<usize> = [0, 1, 2].into();
        let done: BTreeSet<usize> = [0, 1].into();
        assert!(ready(&plan, &opened, &done).is_empty());
        let done: BTreeSet<usize> = [0, 1, 2].into();
        assert_eq!(ready(&plan, &opened, &done), vec![3]);
    }

    #[test]
    fn a_sound_plan_passes() {
        assert!(plan_errors(onboarding()).is_empty());
    }

    #[test]
    fn unsound_plans_are_explained() {
        let errors = plan_errors(vec![task("a", &["b"]), task("b", &["a"])]);
        assert!(
            errors.iter().any(|e| e.contains("wait for each other")),
            "{errors:?}"
        );
        let errors = plan_errors(vec![task("a", &["ghost"])]);
        assert!(errors[0].contains("not a task of this plan"), "{errors:?}");
        let errors = plan_errors(vec![task("a", &["a"])]);
        assert!(errors[0].contains("cannot wait for itself"), "{errors:?}");
        let mut no_team = task("a", &[]);
        no_team.team = "it".into();
        assert!(plan_errors(vec![no_team])[0].contains("choose the team"));
        let errors = plan_errors(vec![task("a", &[]), task("a", &[])]);
        assert!(errors[0].contains("already has the key"), "{errors:?}");
        let mut slow = task("a", &[]);
        slow.target_hours = 0;
        assert!(plan_errors(vec![slow])[0].contains("target time"));
    }

    #[test]
    fn round_robin_goes_round_and_least_loaded_balances() {
        let members = [3, 5, 9];
        let none = HashMap::new();
        let rr = |last| pick_assignee(Assignment::RoundRobin, &members, last, &none);
        assert_eq!(rr(None), Some(3));
        assert_eq!(rr(Some(3)), Some(5));
        assert_eq!(rr(Some(9)), Some(3));
        // Member 4 left the team: the turn goes to the next one up.
        assert_eq!(rr(Some(4)), Some(5));
        let load: HashMap<i64, u64> = [(3, 2), (5, 0), (9, 1)].into();
        assert_eq!(
            pick_assignee(Assignment::LeastLoaded, &members, None, &load),
            Some(5)
        );
        assert_eq!(
            pick_assignee(Assignment::Manual, &members, None, &load),
            None
        );
        assert_eq!(
            pick_assignee(Assignment::RoundRobin, &[], None, &load),
            None
        );
    }

    /// A random acyclic plan: each task may come after any of the tasks before it.
    fn acyclic_plan() -> impl Strategy<Value = Vec<TaskDef>> {
        (1usize..9).prop_flat_map(|n| {
            proptest::collection::vec(proptest::collection::vec(any::<bool>(), n), n).prop_map(
                move |matrix| {
                    (0..n)
                        .map(|i| {
                            let after: Vec<String> = (0..i)
                                .filter(|j| matrix[i][*j])
                                .map(|j| format!("t{j}"))
                                .collect();
                            TaskDef {
                                after,
                                ..task(&format!("t{i}"), &[])
                            }
                        })
                        .collect()
                },
            )
        })
    }

    proptest! {
        /// Completing open tasks in any order opens every task exactly once, never before all
        /// its predecessors are done, and the plan always finishes.
        #[test]
        fn every_task_opens_once_and_only_after_its_predecessors(
            plan in acyclic_plan(),
            picks in proptest::collection::vec(any::<prop::sample::Index>(), 0..20),
        ) {
            prop_assert!(plan_errors(plan.clone()).is_empty());
            let mut opened = BTreeSet::new();
            let mut done = BTreeSet::new();
            let mut open_now: Vec<usize> = Vec::new();
            let mut picks = picks.into_iter();
            loop {
                for n in ready(&plan, &opened, &done) {
                    for before in &plan[n].after {
                        let p = plan.iter().position(|t| &t.key == before).expect("a known task");
                        prop_assert!(done.contains(&p), "{} opened before {}", n, p);
                    }
                    prop_assert!(opened.insert(n), "task {} opened twice", n);
                    open_now.push(n);
                }
                if open_now.is_empty() {
                    break;
                }
                let at = picks.next().map(|i| i.index(open_now.len())).unwrap_or(0);
                done.insert(open_now.remove(at));
            }
            prop_assert_eq!(done.len(), plan.len());
        }

        /// Any plan with a back edge (a loop) is refused.
        #[test]
        fn a_loop_is_always_found(plan in acyclic_plan(), from in any::<prop::sample::Index>()) {
            let mut plan = plan;
            let last = plan.len() - 1;
            let first_key = plan[0].key.clone();
            let n = from.index(plan.len());
            if n != 0 || last != 0 {
                // Make task 0 wait for a task that (transitively or directly) may wait for it.
                let target = if n == 0 { last } else { n };
                plan[target].after.push(first_key);
                let back = plan[target].key.clone();
                plan[0].after.push(back);
                prop_assert!(find_cycle(&plan).is_some());
            }
        }
    }
}
