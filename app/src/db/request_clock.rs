//! The `request_clocks` table: each SLA clock of a request as last computed from its history
//! (see `sla::clocks`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_clocks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub request_id: i64,
    /// `domain::sla::ClockKind::as_str`.
    pub kind: String,
    /// The calendar it counts on; none: round the clock.
    pub calendar_id: Option<i64>,
    /// `domain::clock::ClockState::as_str`.
    pub state: String,
    /// Not stopped yet (counting, paused or not started): recomputed when its calendar changes.
    pub open: bool,
    pub target_minutes: i64,
    pub used_minutes: i64,
    pub due_at: Option<DateTimeUtc>,
    pub breached_at: Option<DateTimeUtc>,
    /// The highest warning threshold (percent) acted on; 0: none.
    pub warned_pct: i16,
    pub breach_acted: bool,
    /// When the escalation worker next has something to do; none: nothing to come.
    pub next_check_at: Option<DateTimeUtc>,
    pub computed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The stored clocks of a request.
pub async fn of_request(db: &impl ConnectionTrait, request_id: i64) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::RequestId.eq(request_id))
        .all(db)
        .await
}
