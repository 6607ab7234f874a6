//! The request state machine: every state change in Atrium goes through [`RequestState::check_transition`].

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a request is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    Submitted,
    AwaitingApproval,
    Approved,
    InFulfilment,
    WaitingOnRequester,
    Resolved,
    Closed,
    Rejected,
    Cancelled,
}

/// The coarse category the SLA engine and the lists reason about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusCategory {
    /// Work is expected from the service desk: clocks run.
    Open,
    /// Waiting on the requester: clocks pause.
    Paused,
    /// Finished (resolved, closed, rejected or cancelled).
    Done,
}

impl RequestState {
    pub const ALL: [RequestState; 9] = [
        RequestState::Submitted,
        RequestState::AwaitingApproval,
        RequestState::Approved,
        RequestState::InFulfilment,
        RequestState::WaitingOnRequester,
        RequestState::Resolved,
        RequestState::Closed,
        RequestState::Rejected,
        RequestState::Cancelled,
    ];

    /// States in which a request still needs the service desk (the default queue view).
    pub const ACTIVE: [RequestState; 5] = [
        RequestState::Submitted,
        RequestState::AwaitingApproval,
        RequestState::Approved,
        RequestState::InFulfilment,
        RequestState::WaitingOnRequester,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Submitted => "submitted",
            RequestState::AwaitingApproval => "awaiting_approval",
            RequestState::Approved => "approved",
            RequestState::InFulfilment => "in_fulfilment",
            RequestState::WaitingOnRequester => "waiting_on_requester",
            RequestState::Resolved => "resolved",
            RequestState::Closed => "closed",
            RequestState::Rejected => "rejected",
            RequestState::Cancelled => "cancelled",
        }
    }

    /// Human label, as shown in badges and filters.
    pub fn label(self) -> &'static str {
        match self {
            RequestState::Submitted => "Submitted",
            RequestState::AwaitingApproval => "Awaiting approval",
            RequestState::Approved => "Approved",
            RequestState::InFulfilment => "In fulfilment",
            RequestState::WaitingOnRequester => "Waiting on requester",
            RequestState::Resolved => "Resolved",
            RequestState::Closed => "Closed",
            RequestState::Rejected => "Rejected",
            RequestState::Cancelled => "Cancelled",
        }
    }

    pub fn category(self) -> StatusCategory {
        match self {
            RequestState::WaitingOnRequester => StatusCategory::Paused,
            RequestState::Resolved
            | RequestState::Closed
            | RequestState::Rejected
            | RequestState::Cancelled => StatusCategory::Done,
            _ => StatusCategory::Open,
        }
    }

    /// A state nothing moves on from (closed, rejected, cancelled).
    pub fn is_final(self) -> bool {
        self.next_states().is_empty()
    }

    /// The states this one may move to, in the order actions are offered.
    pub fn next_states(self) -> &'static [RequestState] {
        use RequestState::*;
        match self {
            Submitted => &[AwaitingApproval, InFulfilment, Rejected, Cancelled],
            AwaitingApproval => &[Approved, Rejected, Cancelled],
            Approved => &[InFulfilment, Cancelled],
            InFulfilment => &[Resolved, WaitingOnRequester, Cancelled],
            WaitingOnRequester => &[InFulfilment, Resolved, Cancelled],
            Resolved => &[Closed, InFulfilment],
            Closed | Rejected | Cancelled => &[],
        }
    }

    /// Checks one transition; the error explains, in words, why it is refused.
    pub fn check_transition(self, to: RequestState) -> Result<(), String> {
        if self.next_states().contains(&to) {
            Ok(())
        } else if self == to {
            Err(format!(
                "The request is already {}.",
                to.label().to_ascii_lowercase()
            ))
        } else {
            Err(format!(
                "A request that is {} cannot become {}.",
                self.label().to_ascii_lowercase(),
                to.label().to_ascii_lowercase()
            ))
        }
    }

    /// The verb on the button that moves a request from `from` into this state.
    pub fn action_label(self, from: RequestState) -> &'static str {
        if from.category() == StatusCategory::Done && self.category() != StatusCategory::Done {
            return "Reopen";
        }
        if from == RequestState::WaitingOnRequester && self == RequestState::InFulfilment {
            return "Resume work";
        }
        match self {
            RequestState::InFulfilment => "Start work",
            RequestState::WaitingOnRequester => "Wait on requester",
            RequestState::Resolved => "Resolve",
            RequestState::Closed => "Close",
            RequestState::Rejected => "Reject",
            RequestState::Cancelled => "Cancel request",
            RequestState::Approved => "Approve",
            RequestState::AwaitingApproval => "Send for approval",
            RequestState::Submitted => "Resubmit",
        }
    }
}

impl fmt::Display for RequestState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RequestState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RequestState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| format!("“{s}” is not a request state."))
    }
}

/// Request priority.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Medium,
    High,
    Critical,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Critical => "critical",
        }
    }

    /// One step up (critical stays critical).
    pub fn raised(self) -> Priority {
        match self {
            Priority::Low => Priority::Medium,
            Priority::Medium => Priority::High,
            Priority::High | Priority::Critical => Priority::Critical,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Priority::Low => "Low",
            Priority::Medium => "Medium",
            Priority::High => "High",
            Priority::Critical => "Critical",
        }
    }
}

impl FromStr for Priority {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| format!("“{s}” is not a priority."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for state in RequestState::ALL {
            assert_eq!(state.as_str().parse::<RequestState>(), Ok(state));
            let json = serde_json::to_string(&state).expect("serialise");
            assert_eq!(json, format!("\"{}\"", state.as_str()));
        }
        for p in Priority::ALL {
            assert_eq!(p.as_str().parse::<Priority>(), Ok(p));
        }
        assert!("open".parse::<RequestState>().is_err());
    }

    #[test]
    fn finished_states_are_terminal_except_resolved_which_can_reopen() {
        for state in [
            RequestState::Closed,
            RequestState::Rejected,
            RequestState::Cancelled,
        ] {
            assert!(state.next_states().is_empty());
            assert_eq!(state.category(), StatusCategory::Done);
        }
        assert!(RequestState::Resolved
            .check_transition(RequestState::InFulfilment)
            .is_ok());
    }

    #[test]
    fn illegal_transitions_explain_themselves() {
        assert_eq!(
            RequestState::Closed.check_transition(RequestState::Resolved),
            Err("A request that is closed cannot become resolved.".to_owned())
        );
        assert_eq!(
            RequestState::Resolved.check_transition(RequestState::Resolved),
            Err("The request is already resolved.".to_owned())
        );
    }

    #[test]
    fn no_state_moves_to_itself_and_approval_cannot_be_skipped() {
        for state in RequestState::ALL {
            assert!(!state.next_states().contains(&state));
        }
        assert!(RequestState::AwaitingApproval
            .check_transition(RequestState::InFulfilment)
            .is_err());
    }

    #[test]
    fn action_labels_read_naturally() {
        use RequestState::*;
        assert_eq!(InFulfilment.action_label(Submitted), "Start work");
        assert_eq!(InFulfilment.action_label(Resolved), "Reopen");
        assert_eq!(InFulfilment.action_label(WaitingOnRequester), "Resume work");
        assert_eq!(Resolved.action_label(InFulfilment), "Resolve");
    }

    use proptest::prelude::*;

    proptest! {
        /// Whatever transitions are attempted, in any order, only those the machine lists are
        /// taken; nothing leaves a terminal state; and a request never reaches fulfilment from
        /// awaiting approval without being approved first.
        #[test]
        fn random_walks_only_take_listed_transitions(
            attempts in proptest::collection::vec(0usize..RequestState::ALL.len(), 0..60),
        ) {
            let mut state = RequestState::Submitted;
            let mut history = vec![state];
            for n in attempts {
                let to = RequestState::ALL[n];
                match state.check_transition(to) {
                    Ok(()) => {
                        prop_assert!(state.next_states().contains(&to));
                        state = to;
                        history.push(state);
                    }
                    Err(reason) => {
                        prop_assert!(!state.next_states().contains(&to));
                        prop_assert!(!reason.is_empty());
                    }
                }
            }
            for pair in history.windows(2) {
                prop_assert!(
                    !(pair[0] == RequestState::AwaitingApproval && pair[1] == RequestState::InFulfilment),
                    "approval skipped: {:?}", history
                );
                prop_assert!(
                    !matches!(pair[0], RequestState::Closed | RequestState::Rejected | RequestState::Cancelled),
                    "left a terminal state: {:?}", history
                );
            }
        }
    }

    #[test]
    fn only_waiting_on_requester_pauses() {
        let paused: Vec<_> = RequestState::ALL
            .into_iter()
            .filter(|s| s.category() == StatusCategory::Paused)
            .collect();
        assert_eq!(paused, [RequestState::WaitingOnRequester]);
    }
}
