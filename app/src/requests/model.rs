//! Request wire types.

use crate::domain::form::FormDefinition;
use crate::domain::state::{Priority, RequestState};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub use crate::ids::RequestId;

/// The answer key under which a form's echo carries who a request is for, when ordering for
/// someone else (never a field's key: those are letters, digits and `_`).
pub const FOR_KEY: &str = "@for";

/// One row of a request list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub id: RequestId,
    pub title: String,
    pub state: RequestState,
    pub priority: Priority,
    pub department: String,
    pub requester: String,
    /// Who owns the request (`None`: nobody yet).
    pub owner: Option<String>,
    /// The requester replied and nobody on the service desk has answered since.
    pub replied: bool,
    /// The version listed: a bulk action names it, so a request changed since is refused.
    pub version: i32,
    /// Its fulfilment tasks (`None`: it has none).
    pub tasks: Option<TaskProgress>,
    /// Its nearest due SLA clock (`None`: its item has no service levels).
    pub sla: Option<crate::sla::model::SlaBadge>,
    /// RFC 3339, rendered on the server to avoid hydration mismatches.
    pub created_at: String,
    pub updated_at: String,
}

/// How far a request's fulfilment tasks are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskProgress {
    pub done: u32,
    /// Tasks not cancelled.
    pub total: u32,
    /// Open tasks past their target time.
    pub overdue: u32,
}

/// A line of the home page's "Needs your action" and "Your open requests".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyRequestLine {
    pub id: RequestId,
    pub title: String,
    pub state: RequestState,
    /// RFC 3339.
    pub updated_at: String,
}

/// What waits on the signed-in person, for the top of the home page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MyWork {
    /// Their requests waiting on their answer.
    pub waiting_on_me: Vec<MyRequestLine>,
    /// Approvals waiting on their decision.
    pub approvals_waiting: u64,
    /// Their resolved requests they have not rated.
    pub to_rate: Vec<MyRequestLine>,
    /// Their other open requests, newest first (a few).
    pub open: Vec<MyRequestLine>,
    /// There are more open requests than shown.
    pub more_open: bool,
}

impl MyWork {
    pub fn needs_action(&self) -> bool {
        !self.waiting_on_me.is_empty() || self.approvals_waiting > 0 || !self.to_rate.is_empty()
    }
}

/// The queue: a page of requests, and the choices of its filters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueView {
    pub page: Page<RequestSummary>,
    /// (id, name) of the people of the viewer's departments, for "give to" and the owner sort.
    pub people: Vec<(i64, String)>,
    /// (id, name) of the teams of the viewer's departments.
    pub teams: Vec<(i64, String)>,
    /// (id, name) of the catalog items of the viewer's departments.
    pub items: Vec<(i64, String)>,
    /// The viewer's saved views.
    pub saved: Vec<SavedView>,
}

/// A queue view someone saved under a name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: i64,
    pub name: String,
    /// The view's address, `/queue?…`.
    pub address: String,
}

/// A page of a keyset-paged list. `next` is the cursor for the following page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The cursor of the following page, as the address carries it (`before=`).
    pub next: Option<String>,
}

/// Everything the request page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub id: RequestId,
    pub title: String,
    pub item_slug: String,
    pub item_version: i32,
    pub state: RequestState,
    pub priority: Priority,
    pub department: String,
    pub requester: String,
    pub requested_for: String,
    /// Who owns the request (`None`: nobody yet).
    pub owner: Option<String>,
    /// The viewer owns it.
    pub owner_is_viewer: bool,
    /// The requester replied and nobody on the service desk has answered since.
    pub replied: bool,
    /// For those who work in the request's department while it is open: who may own it
    /// (id, name). Empty otherwise; then owner and priority are not theirs to change.
    pub owners: Vec<(i64, String)>,
    pub created_at: String,
    pub updated_at: String,
    /// Optimistic-concurrency version: a change must name the version it was made against.
    pub version: i32,
    pub form: FormDefinition,
    pub answers: BTreeMap<String, Value>,
    /// The answers as people read them, in form order, references resolved.
    pub answer_lines: Vec<AnswerLine>,
    /// Every approver asked, stage by stage, and what they decided.
    pub approvals: Vec<crate::approvals::model::ApprovalLine>,
    pub timeline: Vec<TimelineEntry>,
    /// Transitions the viewer may make now.
    pub actions: Vec<RequestState>,
    /// Whether the viewer may write internal comments (and sees them).
    pub viewer_is_agent: bool,
    /// Fulfilment tasks, in plan order.
    pub tasks: Vec<crate::tasks::model::TaskView>,
    /// Teams a task may be sent to (when the viewer may route one).
    pub destinations: Vec<crate::tasks::model::TeamOption>,
    /// The requester's rating, once given.
    pub rating: Option<crate::tasks::model::Rating>,
    /// The viewer is the requester of a resolved request not rated yet.
    pub may_rate: bool,
    /// The viewer follows the request (hears of every comment and change).
    pub watching: bool,
    /// Every change to the request, its approvals and tasks (for those who work on it).
    pub audit: Vec<AuditLine>,
    /// For the requester of a request waiting on them: what they are asked.
    pub question: Option<Question>,
    /// Of a confidential item: read only by those involved.
    pub confidential: bool,
    /// Linked requests the viewer may read.
    pub links: Vec<LinkedRequest>,
    /// For those who work in the request's department: may link it and close it as a
    /// duplicate.
    pub may_link: bool,
    /// For those who work in the request's department: who it is for.
    pub requester_context: Option<RequesterContext>,
    /// For those who work in the request's department: its reply templates.
    pub templates: Vec<TemplateChoice>,
    /// The reply box's text: the template asked for, filled in for this request.
    pub reply_draft: Option<String>,
    /// The viewer administers the request's department (and so its templates).
    pub viewer_administers: bool,
    /// Its SLA clocks, explained (empty: its item has no service levels).
    pub clocks: Vec<crate::sla::model::ClockView>,
}

/// How a linked request stands to the one on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkKind {
    /// Related either way round.
    Related,
    /// This request was closed as a duplicate of the linked one.
    DuplicateOf,
    /// The linked request was closed as a duplicate of this one.
    Duplicates,
}

impl LinkKind {
    /// The kind as stored (from the request the link was made on; `Duplicates` is the other
    /// end of a stored `duplicate_of`).
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Related => "related",
            LinkKind::DuplicateOf | LinkKind::Duplicates => "duplicate_of",
        }
    }

    /// How the page names the linked request: "Duplicate of REQ-000012".
    pub fn label(self) -> &'static str {
        match self {
            LinkKind::Related => "Related",
            LinkKind::DuplicateOf => "Duplicate of",
            LinkKind::Duplicates => "Duplicate of this one",
        }
    }
}

/// A request linked to the one on the page (only those the viewer may read are listed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkedRequest {
    pub id: RequestId,
    pub title: String,
    pub state: RequestState,
    pub kind: LinkKind,
}

/// A request named in a list beside another: its number, title and state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestRef {
    pub id: RequestId,
    pub title: String,
    pub state: RequestState,
}

/// Who the request is for, as the agent working on it needs to know them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequesterContext {
    pub name: String,
    pub email: String,
    pub title: String,
    pub department: String,
    pub manager: Option<String>,
    pub location: Option<String>,
    /// Their other open requests of this department, newest first (a few).
    pub open_requests: Vec<RequestRef>,
    /// How many other open requests of this department they have in all.
    pub open_count: u64,
}

/// A department's ready-made reply (its text may hold blanks: see `domain::templates`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplyTemplate {
    pub id: i64,
    pub department_id: i64,
    pub department: String,
    pub name: String,
    pub body: String,
}

/// The reply templates a department admin keeps, and the departments they keep them for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplyTemplates {
    pub templates: Vec<ReplyTemplate>,
    /// (id, name) of each department the viewer administers.
    pub departments: Vec<(i64, String)>,
}

/// A template offered beside a request's reply box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateChoice {
    pub id: i64,
    pub name: String,
}

/// What a request waiting on its requester waits for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Who asked (the person who set the request waiting).
    pub asker: String,
    /// Their last public words before it started waiting, if they said any.
    pub text: Option<String>,
}

/// A file attached to a comment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttachedFile {
    pub name: String,
    pub size: String,
    pub href: String,
}

/// One line of the audit trail: who changed what, when, from what to what.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditLine {
    pub at: String,
    pub actor: String,
    /// E.g. "task #12 · assignee".
    pub what: String,
    pub before: String,
    pub after: String,
}

/// One line of a request's timeline: an event or a comment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: String,
    pub actor: String,
    pub kind: TimelineKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TimelineKind {
    Created,
    StateChanged {
        from: RequestState,
        to: RequestState,
    },
    Comment {
        body: String,
        internal: bool,
        files: Vec<AttachedFile>,
    },
    /// An approval stage opened, or an approver decided.
    Approval {
        text: String,
    },
    /// A task opened, was taken, assigned, sent on or completed.
    Task {
        text: String,
    },
    /// The requester rated the service.
    Rated {
        text: String,
    },
    /// The owner or the priority changed.
    Updated {
        text: String,
    },
}

/// Filter of the request lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum StateFilter {
    /// Every state.
    All,
    /// Not yet finished (the queue's default).
    #[default]
    Active,
    One(RequestState),
}

impl StateFilter {
    pub fn from_query(value: Option<&str>, default: StateFilter) -> StateFilter {
        match value {
            None | Some("") => default,
            Some("all") => StateFilter::All,
            Some("active") => StateFilter::Active,
            Some(other) => other.parse().map(StateFilter::One).unwrap_or(default),
        }
    }

    pub fn as_query(self) -> &'static str {
        match self {
            StateFilter::All => "all",
            StateFilter::Active => "active",
            StateFilter::One(state) => state.as_str(),
        }
    }

    pub fn states(self) -> Option<Vec<RequestState>> {
        match self {
            StateFilter::All => None,
            StateFilter::Active => Some(RequestState::ACTIVE.to_vec()),
            StateFilter::One(state) => Some(vec![state]),
        }
    }
}

/// Whose requests a queue shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum OwnerFilter {
    #[default]
    Anyone,
    /// Owned by the viewer.
    Me,
    /// Owned by nobody yet.
    Nobody,
}

impl OwnerFilter {
    pub const ALL: [OwnerFilter; 3] = [OwnerFilter::Anyone, OwnerFilter::Me, OwnerFilter::Nobody];

    pub fn from_query(value: Option<&str>) -> OwnerFilter {
        OwnerFilter::ALL
            .into_iter()
            .find(|o| Some(o.as_query()) == value)
            .unwrap_or_default()
    }

    pub fn as_query(self) -> &'static str {
        match self {
            OwnerFilter::Anyone => "anyone",
            OwnerFilter::Me => "me",
            OwnerFilter::Nobody => "nobody",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OwnerFilter::Anyone => "Anyone's",
            OwnerFilter::Me => "Mine",
            OwnerFilter::Nobody => "Nobody's yet",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_filter_round_trips_and_defaults_to_anyone() {
        for owner in OwnerFilter::ALL {
            assert_eq!(OwnerFilter::from_query(Some(owner.as_query())), owner);
        }
        assert_eq!(OwnerFilter::from_query(None), OwnerFilter::Anyone);
        assert_eq!(OwnerFilter::from_query(Some("bogus")), OwnerFilter::Anyone);
    }

    #[test]
    fn request_numbers_format_and_parse() {
        assert_eq!(RequestId(123).to_string(), "REQ-000123");
        assert_eq!("REQ-000123".parse(), Ok(RequestId(123)));
        assert_eq!("req-7".parse(), Ok(RequestId(7)));
        assert!("REQ-0".parse::<RequestId>().is_err());
        assert!("REQ-x1".parse::<RequestId>().is_err());
    }

    #[test]
    fn state_filter_parses_query_values() {
        assert_eq!(
            StateFilter::from_query(Some("resolved"), StateFilter::All),
            StateFilter::One(RequestState::Resolved)
        );
        assert_eq!(
            StateFilter::from_query(Some("bogus"), StateFilter::Active),
            StateFilter::Active
        );
        assert_eq!(
            StateFilter::from_query(None, StateFilter::All),
            StateFilter::All
        );
    }
}

/// One answer as people read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerLine {
    pub label: String,
    pub value: AnswerValue,
}

/// A displayed answer: text, a file to download, or the rows of a repeating group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AnswerValue {
    Text(String),
    File {
        name: String,
        size: String,
        href: String,
    },
    Rows {
        columns: Vec<String>,
        rows: Vec<Vec<AnswerValue>>,
    },
}

impl AnswerValue {
    /// The answer as plain text (files by name, rows one per line).
    pub fn text(&self) -> String {
        match self {
            AnswerValue::Text(text) => text.clone(),
            AnswerValue::File { name, .. } => name.clone(),
            AnswerValue::Rows { rows, .. } => rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(AnswerValue::text)
                        .collect::<Vec<_>>()
                        .join(" · ")
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}
