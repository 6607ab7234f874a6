//! What approvers and requesters see of approvals.

use crate::ids::RequestId;
use serde::{Deserialize, Serialize};

/// One approval waiting on the viewer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InboxItem {
    pub approval_id: i64,
    pub request: RequestId,
    pub title: String,
    pub requester: String,
    /// The person this approval stands in for, when the viewer is their delegate.
    pub on_behalf_of: Option<String>,
    pub department: String,
    pub stage_name: String,
    /// The stage's rule, e.g. "any one approver".
    pub rule: String,
    pub asked_at: String,
    /// The answers that matter, as (label, answer): key facts and amounts.
    pub facts: Vec<(String, String)>,
}

/// One of the approver's past decisions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PastDecision {
    pub request: RequestId,
    pub title: String,
    pub requester: String,
    pub approved: bool,
    pub comment: Option<String>,
    /// RFC 3339.
    pub decided_at: String,
}

/// One approver's line of a request's approvals, for its page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApprovalLine {
    pub approval_id: i64,
    pub stage_name: String,
    pub approver: String,
    /// Whom the approver stands in for (a delegation).
    pub on_behalf_of: Option<String>,
    /// `waiting`, `approved`, `rejected` or `closed`.
    /// `None` while the seat waits for a decision.
    pub status: Option<crate::domain::approvals::Vote>,
    pub comment: Option<String>,
    pub decided_at: Option<String>,
    /// Whether the viewer is this approver and may decide now.
    pub mine: bool,
}

/// The result of a decision, as the approver is told.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionResult {
    pub request: RequestId,
    pub message: String,
}

/// One of the viewer's delegations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DelegationView {
    pub id: i64,
    pub delegate: String,
    pub starts_on: String,
    pub ends_on: String,
}
