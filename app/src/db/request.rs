//! The `requests` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub item_id: i64,
    pub item_version_id: i64,
    pub department_id: i64,
    pub team_id: Option<i64>,
    pub requester_id: i64,
    pub requested_for_id: i64,
    pub assignee_id: Option<i64>,
    pub title: String,
    pub state: String,
    pub priority: String,
    #[sea_orm(column_type = "Text")]
    pub answers: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    /// The requester's rating of the service, 1–5, given once on resolution.
    pub rating: Option<i16>,
    pub rating_comment: Option<String>,
    pub rated_at: Option<DateTimeUtc>,
    /// When the requester replied with nobody on the service desk answering since.
    pub requester_replied_at: Option<DateTimeUtc>,
    /// Of a confidential item: not read by leadership (see `requests::access`).
    pub confidential: bool,
    /// Ordered by someone for someone else (`requester_id` ≠ `requested_for_id`).
    pub on_behalf: bool,
    /// The nearest due time among the request's counting SLA clocks (see `request_clocks`).
    pub due_at: Option<DateTimeUtc>,
    /// The most urgent state of its SLA clocks (`domain::clock::ClockState::as_str`).
    pub sla_state: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
