//! Task wire types.

use crate::domain::tasks::{Assignment, TaskState};
use crate::ids::RequestId;
use serde::{Deserialize, Serialize};

/// One task as a person sees it, on the request page or in a team queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskView {
    pub id: i64,
    pub request: RequestId,
    pub request_title: String,
    pub title: String,
    pub instructions: String,
    /// "Department · Team".
    pub team: String,
    pub team_id: i64,
    pub state: TaskState,
    pub assignee: Option<String>,
    pub assigned_to_me: bool,
    /// Titles of the tasks this one waits for (while pending).
    pub waits_for: Vec<String>,
    /// RFC 3339.
    pub due_at: Option<String>,
    pub overdue: bool,
    pub completed_at: Option<String>,
    pub completed_by: Option<String>,
    pub version: i32,
    /// The viewer may take and complete it (works in the task's department).
    pub may_work: bool,
    /// The viewer may assign it or send it to another team.
    pub may_route: bool,
    /// Who it may be assigned to: the team's members, by id and name.
    pub members: Vec<(i64, String)>,
}

/// A team a task can be sent to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamOption {
    /// `department/team`.
    pub path: String,
    /// "Department · Team".
    pub label: String,
}

/// A team's way of handing out tasks, as its department's admins set it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamSetting {
    pub id: i64,
    pub label: String,
    pub assignment: Assignment,
    pub may_edit: bool,
}

/// The task queue page: tasks of the viewer's teams, and the teams' settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskQueue {
    pub tasks: Vec<TaskView>,
    pub teams: Vec<TeamSetting>,
    /// Teams to send tasks to.
    pub destinations: Vec<TeamOption>,
}

/// Which tasks the queue shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueueFilter {
    /// Open tasks assigned to the viewer.
    Mine,
    /// Open tasks nobody has taken.
    Unassigned,
    /// Every open task of the viewer's teams.
    Open,
    /// Recently completed.
    Done,
}

impl QueueFilter {
    pub const ALL: [QueueFilter; 4] = [
        QueueFilter::Mine,
        QueueFilter::Unassigned,
        QueueFilter::Open,
        QueueFilter::Done,
    ];

    pub fn as_query(self) -> &'static str {
        match self {
            QueueFilter::Mine => "mine",
            QueueFilter::Unassigned => "unassigned",
            QueueFilter::Open => "open",
            QueueFilter::Done => "done",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            QueueFilter::Mine => "Assigned to me",
            QueueFilter::Unassigned => "Unassigned",
            QueueFilter::Open => "All open",
            QueueFilter::Done => "Done",
        }
    }

    pub fn from_query(value: Option<&str>) -> QueueFilter {
        QueueFilter::ALL
            .into_iter()
            .find(|f| Some(f.as_query()) == value)
            .unwrap_or(QueueFilter::Open)
    }
}

/// The requester's rating of a resolved request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    pub score: u8,
    pub comment: Option<String>,
    pub at: String,
}
