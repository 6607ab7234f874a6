//! Service-level policies, as an item's definition holds them, and the status changes of a
//! request's clocks read from its history.
//!
//! A policy names targets for the first response and for resolution (business hours on the
//! department's calendar, or round-the-clock hours), optionally per priority, warning
//! thresholds and what happens on a breach. [`changes`] turns a request's history into the
//! status changes [`super::clock::compute`] counts: the resolution clock runs while the request
//! is open, pauses while it waits on the requester, and stops when it is finished (a reopened
//! request's clock goes on from where it stopped); the response clock runs from submission
//! until someone who works on the request first replies to the requester (or the request is
//! finished first).

use super::clock::{Change, Status, Target};
use super::rules::DefinitionError;
use super::state::{Priority, RequestState, StatusCategory};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest target a policy accepts, in hours (a year of round-the-clock time).
pub const MAX_TARGET_HOURS: f64 = 24.0 * 366.0;

/// Warning thresholds when a policy names none: half-way and three quarters.
pub const DEFAULT_WARNINGS: [u8; 2] = [50, 75];

/// The two clocks a request can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    Response,
    Resolution,
}

impl ClockKind {
    pub const ALL: [ClockKind; 2] = [ClockKind::Response, ClockKind::Resolution];

    pub fn as_str(self) -> &'static str {
        match self {
            ClockKind::Response => "response",
            ClockKind::Resolution => "resolution",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ClockKind::Response => "First response",
            ClockKind::Resolution => "Resolution",
        }
    }
}

/// One target of a policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetDef {
    /// Hours allowed.
    pub hours: f64,
    /// Counted in the calendar's working hours (the default), or round the clock.
    #[serde(default = "yes")]
    pub business: bool,
    /// Other hours for some priorities (e.g. critical: 2).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_priority: BTreeMap<Priority, f64>,
}

fn yes() -> bool {
    true
}

/// Who hears of a warning or a breach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "who", rename_all = "snake_case")]
pub enum Recipient {
    /// The request's owner (its team while nobody owns it).
    Owner,
    /// Every member of the request's team.
    Team,
    /// The department's admins.
    DepartmentAdmins,
    /// A named person, by email.
    Person { email: String },
}

/// What happens when a clock breaches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BreachAction {
    Notify {
        to: Recipient,
    },
    /// Hand the request to another team of the department (by slug), without an owner.
    Reassign {
        team: String,
    },
    /// One step up: low → medium → high → critical.
    RaisePriority,
}

/// An item's service levels.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SlaPolicy {
    /// The department calendar the targets count on (by slug); none: the department's
    /// default calendar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<TargetDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<TargetDef>,
    /// Percentages of a target at which its owner is warned; none: [`DEFAULT_WARNINGS`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warn_at: Vec<u8>,
    /// What happens on a breach; none: the owner (or the team) is told.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on_breach: Vec<BreachAction>,
}

impl SlaPolicy {
    /// The target of a clock for a request of this priority, if the policy sets one.
    pub fn target(&self, kind: ClockKind, priority: Priority) -> Option<Target> {
        let def = match kind {
            ClockKind::Response => self.response.as_ref(),
            ClockKind::Resolution => self.resolution.as_ref(),
        }?;
        let hours = def.by_priority.get(&priority).copied().unwrap_or(def.hours);
        let mut warn_at = if self.warn_at.is_empty() {
            DEFAULT_WARNINGS.to_vec()
        } else {
            self.warn_at.clone()
        };
        warn_at.sort_unstable();
        warn_at.dedup();
        Some(Target {
            minutes: (hours * 60.0).round() as i64,
            business: def.business,
            warn_at,
        })
    }

    /// What happens on a breach (the owner is told when the policy says nothing).
    pub fn breach_actions(&self) -> Vec<BreachAction> {
        if self.on_breach.is_empty() {
            vec![BreachAction::Notify {
                to: Recipient::Owner,
            }]
        } else {
            self.on_breach.clone()
        }
    }

    /// Problems a department admin must fix, each said where it is.
    pub fn check(&self, errors: &mut Vec<DefinitionError>) {
        let mut refuse = |message: String| {
            errors.push(DefinitionError {
                at: "service levels".into(),
                message,
            })
        };
        for (kind, def) in [
            (ClockKind::Response, &self.response),
            (ClockKind::Resolution, &self.resolution),
        ] {
            let Some(def) = def else { continue };
            let hours = std::iter::once((None, def.hours))
                .chain(def.by_priority.iter().map(|(p, h)| (Some(*p), *h)));
            for (priority, h) in hours {
                if !(h > 0.0 && h <= MAX_TARGET_HOURS) || (h * 60.0).fract().abs() > 1e-6 {
                    let of = priority.map_or(String::new(), |p| {
                        format!(" for {} priority", p.label().to_ascii_lowercase())
                    });
                    refuse(format!(
                        "The {} target{of} must be more than 0 and at most {} hours, in whole \
                         minutes; {} is not.",
                        kind.label().to_ascii_lowercase(),
                        super::numbers::fmt_number(MAX_TARGET_HOURS),
                        super::numbers::fmt_number(h),
                    ));
                }
            }
        }
        if let (Some(response), Some(resolution)) = (&self.response, &self.resolution) {
            if response.business == resolution.business && response.hours > resolution.hours {
                refuse(format!(
                    "The first response target ({} h) is longer than the resolution target ({} h).",
                    response.hours, resolution.hours
                ));
            }
        }
        for p in &self.warn_at {
            if *p == 0 || *p >= 100 {
                refuse(format!(
                    "A warning comes before the breach: {p}% is not between 1% and 99%."
                ));
            }
        }
        for action in &self.on_breach {
            match action {
                BreachAction::Notify {
                    to: Recipient::Person { email },
                } if !email.contains('@') => {
                    refuse(format!("“{email}” is not an email address."));
                }
                BreachAction::Reassign { team } if team.trim().is_empty() => {
                    refuse("Name the team a breached request is handed to.".into());
                }
                _ => {}
            }
        }
        if self.response.is_none() && self.resolution.is_none() {
            refuse("Set a first response target, a resolution target, or both.".into());
        }
    }
}

/// What happened to a request that its clocks care about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Happening {
    /// Submitted (the first event).
    Submitted,
    /// Moved to this state.
    State(RequestState),
    /// Someone who works on the request replied to the requester (a public comment).
    AgentReplied,
}

/// One event of a request's history, in the order it was recorded (`seq`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEvent {
    pub at: chrono::DateTime<chrono::Utc>,
    pub seq: i64,
    pub happening: Happening,
}

/// Why a resolution clock waits, as the request page says it.
pub const WAITING_ON_REQUESTER: &str = "waiting on the requester";

/// The status changes of a clock, read from the request's history.
pub fn changes(kind: ClockKind, history: &[HistoryEvent]) -> Vec<Change> {
    let mut history: Vec<&HistoryEvent> = history.iter().collect();
    history.sort_by_key(|e| (e.at, e.seq));
    let mut out = Vec::new();
    let mut responded = false;
    for event in history {
        let status = match (&event.happening, kind) {
            (Happening::Submitted, _) => Some(Status::Counting),
            (Happening::AgentReplied, ClockKind::Response) if !responded => {
                responded = true;
                Some(Status::Stopped)
            }
            (Happening::AgentReplied, _) => None,
            (Happening::State(state), ClockKind::Response) => {
                // A request finished (or rejected) before any reply stops the response clock.
                (!responded && state.category() == StatusCategory::Done).then(|| {
                    responded = true;
                    Status::Stopped
                })
            }
            (Happening::State(state), ClockKind::Resolution) => Some(match state.category() {
                StatusCategory::Open => Status::Counting,
                StatusCategory::Paused => Status::Paused(WAITING_ON_REQUESTER.into()),
                StatusCategory::Done => Status::Stopped,
            }),
        };
        if let Some(status) = status {
            out.push(Change {
                at: event.at,
                seq: event.seq,
                status,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::at;

    fn event(seq: i64, when: &str, happening: Happening) -> HistoryEvent {
        HistoryEvent {
            at: at(when),
            seq,
            happening,
        }
    }

    fn statuses(changes: &[Change]) -> Vec<Status> {
        changes.iter().map(|c| c.status.clone()).collect()
    }

    #[test]
    fn a_request_s_history_becomes_its_clocks_status_changes() {
        use Happening::{AgentReplied, State, Submitted};
        use RequestState::{Cancelled, InFulfilment, Resolved, WaitingOnRequester};
        let history = vec![
            event(1, "2026-12-07T09:00:00Z", Submitted),
            event(2, "2026-12-07T09:30:00Z", State(InFulfilment)),
            event(3, "2026-12-07T10:00:00Z", AgentReplied),
            event(4, "2026-12-07T10:00:00Z", State(WaitingOnRequester)),
            event(5, "2026-12-08T08:00:00Z", State(InFulfilment)),
            event(6, "2026-12-08T12:00:00Z", State(Resolved)),
            event(7, "2026-12-09T12:00:00Z", State(InFulfilment)),
            event(8, "2026-12-09T13:00:00Z", AgentReplied),
        ];
        let waiting = Status::Paused(WAITING_ON_REQUESTER.into());
        assert_eq!(
            statuses(&changes(ClockKind::Resolution, &history)),
            vec![
                Status::Counting,
                Status::Counting,
                waiting,
                Status::Counting,
                Status::Stopped,
                // Reopened: it goes on.
                Status::Counting,
            ]
        );
        // The first reply stops the response clock; later ones change nothing.
        assert_eq!(
            statuses(&changes(ClockKind::Response, &history)),
            vec![Status::Counting, Status::Stopped]
        );
        // Cancelled before any reply: the response clock stops there.
        let cancelled = vec![
            event(1, "2026-12-07T09:00:00Z", Submitted),
            event(2, "2026-12-07T09:05:00Z", State(Cancelled)),
            event(3, "2026-12-07T09:10:00Z", AgentReplied),
        ];
        let response = changes(ClockKind::Response, &cancelled);
        assert_eq!(statuses(&response), vec![Status::Counting, Status::Stopped]);
        assert_eq!(response[1].at, at("2026-12-07T09:05:00Z"));
    }

    #[test]
    fn targets_by_priority_and_their_checks() {
        let policy: SlaPolicy = serde_json::from_value(serde_json::json!({
            "response": {"hours": 4},
            "resolution": {"hours": 16, "by_priority": {"critical": 4, "high": 8}},
            "warn_at": [75, 50, 75],
            "on_breach": [{"action": "notify", "to": {"who": "team"}}, {"action": "raise_priority"}]
        }))
        .expect("a policy");
        let mut errors = Vec::new();
        policy.check(&mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let critical = policy
            .target(ClockKind::Resolution, Priority::Critical)
            .expect("a target");
        assert_eq!((critical.minutes, critical.business), (240, true));
        assert_eq!(critical.warn_at, vec![50, 75]);
        assert_eq!(
            policy
                .target(ClockKind::Resolution, Priority::Low)
                .map(|t| t.minutes),
            Some(16 * 60)
        );
        assert_eq!(policy.breach_actions().len(), 2);

        let refused = |json: serde_json::Value| {
            let policy: SlaPolicy = serde_json::from_value(json).expect("a policy");
            let mut errors = Vec::new();
            policy.check(&mut errors);
            errors
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert!(refused(serde_json::json!({"resolution": {"hours": 0}})).contains("more than 0"));
        assert!(
            refused(serde_json::json!({"resolution": {"hours": 1.001}})).contains("whole minutes")
        );
        assert!(refused(serde_json::json!({})).contains("Set a first response target"));
        assert!(
            refused(serde_json::json!({"response": {"hours": 9}, "resolution": {"hours": 8}}))
                .contains("longer than")
        );
        assert!(
            refused(serde_json::json!({"resolution": {"hours": 8}, "warn_at": [100]}))
                .contains("between 1% and 99%")
        );
        assert!(refused(serde_json::json!({"resolution": {"hours": 8},
            "on_breach": [{"action": "notify", "to": {"who": "person", "email": "nobody"}}]}))
        .contains("not an email"));
    }
}
