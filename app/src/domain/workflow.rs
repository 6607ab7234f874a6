//! What happens next to a request, decided from what just happened to it: one pure table
//! that the workflow follows, so the order "approval, then fulfilment, then resolution" is
//! written once and tested, instead of being re-decided by each engine.

use super::state::RequestState;

/// Something that just happened to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Happening {
    /// It was submitted. `approval_applies`: a stage of the item's approval plan applies to
    /// these answers; `has_tasks`: the item has a fulfilment plan.
    Submitted {
        approval_applies: bool,
        has_tasks: bool,
    },
    /// Its last applicable approval stage approved it.
    Approved { has_tasks: bool },
    /// An approval stage rejected it.
    Rejected,
    /// A fulfilment task was done; `all_done`: no task is left to do.
    TaskDone { all_done: bool },
    /// A person cancelled it (the state is already `cancelled`).
    Cancelled,
}

/// What the workflow does about it, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Open the first applicable approval stage.
    OpenApproval,
    /// Create the fulfilment tasks and open those without predecessors.
    OpenTasks,
    /// Move the request to this state.
    MoveTo(RequestState),
    /// Close what is still open: waiting approval seats and unfinished tasks.
    CloseOpenWork,
}

/// The steps that follow `happening` for a request in `state`. Nothing follows for a request
/// that is no longer where the happening could apply (e.g. a task done on a cancelled request).
pub fn next_steps(state: RequestState, happening: Happening) -> Vec<Step> {
    use RequestState as S;
    use Step::*;
    match (state, happening) {
        (
            S::Submitted,
            Happening::Submitted {
                approval_applies: true,
                ..
            },
        ) => vec![OpenApproval, MoveTo(S::AwaitingApproval)],
        (
            S::Submitted,
            Happening::Submitted {
                approval_applies: false,
                has_tasks: true,
            },
        ) => vec![OpenTasks, MoveTo(S::InFulfilment)],
        // No approval and no plan: it waits in its department's queue for an agent.
        (S::Submitted, Happening::Submitted { .. }) => Vec::new(),
        (S::AwaitingApproval, Happening::Approved { has_tasks: true }) => {
            vec![MoveTo(S::Approved), OpenTasks, MoveTo(S::InFulfilment)]
        }
        // Approved without a plan: an agent of the department works it whole.
        (S::AwaitingApproval, Happening::Approved { has_tasks: false }) => {
            vec![MoveTo(S::Approved)]
        }
        (S::AwaitingApproval, Happening::Rejected) => vec![MoveTo(S::Rejected), CloseOpenWork],
        // Tasks are worked while the request is in fulfilment (or waits on its requester).
        (S::InFulfilment | S::WaitingOnRequester, Happening::TaskDone { all_done: true }) => {
            vec![MoveTo(S::Resolved)]
        }
        (S::Cancelled, Happening::Cancelled) => vec![CloseOpenWork],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_state() -> impl Strategy<Value = RequestState> {
        prop::sample::select(RequestState::ALL.to_vec())
    }

    fn any_happening() -> impl Strategy<Value = Happening> {
        prop_oneof![
            (any::<bool>(), any::<bool>()).prop_map(|(a, t)| Happening::Submitted {
                approval_applies: a,
                has_tasks: t
            }),
            any::<bool>().prop_map(|t| Happening::Approved { has_tasks: t }),
            Just(Happening::Rejected),
            any::<bool>().prop_map(|d| Happening::TaskDone { all_done: d }),
            Just(Happening::Cancelled),
        ]
    }

    proptest! {
        /// Every move the table asks for is one the state machine allows, in sequence.
        #[test]
        fn every_move_is_a_legal_transition(state in any_state(), happening in any_happening()) {
            let mut at = state;
            for step in next_steps(state, happening) {
                if let Step::MoveTo(to) = step {
                    prop_assert!(at.check_transition(to).is_ok(), "{at:?} -> {to:?}");
                    at = to;
                }
            }
        }

        /// Nothing happens to a request in a final state but closing what is left open.
        #[test]
        fn final_states_stay_final(state in any_state(), happening in any_happening()) {
            if state.next_states().is_empty() {
                prop_assert!(next_steps(state, happening)
                    .iter()
                    .all(|s| *s == Step::CloseOpenWork));
            }
        }

        /// Tasks never open before approval: when a stage applies, submission only opens it.
        #[test]
        fn approval_comes_before_fulfilment(has_tasks in any::<bool>()) {
            let steps = next_steps(
                RequestState::Submitted,
                Happening::Submitted { approval_applies: true, has_tasks },
            );
            prop_assert!(!steps.contains(&Step::OpenTasks));
            prop_assert_eq!(steps.first(), Some(&Step::OpenApproval));
        }
    }

    #[test]
    fn the_table_reads_as_the_product_says() {
        use RequestState as S;
        assert_eq!(
            next_steps(S::AwaitingApproval, Happening::Approved { has_tasks: true }),
            [
                Step::MoveTo(S::Approved),
                Step::OpenTasks,
                Step::MoveTo(S::InFulfilment)
            ]
        );
        assert_eq!(
            next_steps(S::InFulfilment, Happening::TaskDone { all_done: false }),
            []
        );
        assert_eq!(
            next_steps(S::Cancelled, Happening::TaskDone { all_done: true }),
            []
        );
    }
}
