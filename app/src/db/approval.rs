//! The `approvals` table: one row per approver per stage of a request's approval plan.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "approvals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub request_id: i64,
    /// Position of the stage in the item version's plan.
    pub stage: i32,
    pub stage_name: String,
    pub approver_id: i64,
    /// The person this approver stands in for (a delegation), if any.
    pub on_behalf_of_id: Option<i64>,
    /// `approved`, `rejected`, or `closed` (the stage was decided without this vote);
    /// none while waiting.
    pub decision: Option<String>,
    pub comment: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// When the stage's timeout was acted on for this approval (reminder, escalation).
    pub timed_out_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
