//! The `tasks` table: one row per task of a request's fulfilment plan.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub request_id: i64,
    /// Position in the item version's plan.
    pub position: i32,
    pub key: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub instructions: String,
    /// Keys of the tasks this one comes after, comma-separated (from the plan).
    #[sea_orm(column_type = "Text")]
    pub after_keys: String,
    /// The department of the team doing it (which may differ from the request's).
    pub department_id: i64,
    pub team_id: i64,
    pub assignee_id: Option<i64>,
    /// `pending`, `open`, `done` or `cancelled`.
    pub state: String,
    pub target_hours: i32,
    pub due_at: Option<DateTimeUtc>,
    pub opened_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
    pub completed_by_id: Option<i64>,
    /// Optimistic-concurrency version: take, assign and complete name the version they saw.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
