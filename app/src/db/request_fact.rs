//! The `request_facts` table: what the leadership metrics know about each request
//! (`domain::metrics::Facts`) as last computed in its kernel transaction — read as the facts
//! "before" by the next change, and by the dashboard's drill-down lists.

use crate::domain::metrics::{Facts, Key};
use crate::domain::state::RequestState;
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::OnConflict;
use sea_orm::{Iterable, Set};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_facts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub request_id: i64,
    pub department_id: i64,
    /// 0: no team.
    pub team_id: i64,
    pub item_id: i64,
    pub priority: String,
    pub created_at: DateTimeUtc,
    pub state: String,
    pub resolved_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub reopens: i32,
    pub reassignments: i32,
    pub desk_people: i32,
    pub rating: Option<i16>,
    pub resolve_business: Option<i64>,
    pub response_at: Option<DateTimeUtc>,
    pub response_minutes: Option<i64>,
    pub response_sla_at: Option<DateTimeUtc>,
    pub response_sla_met: Option<bool>,
    pub resolution_sla_at: Option<DateTimeUtc>,
    pub resolution_sla_met: Option<bool>,
    pub approval_at: Option<DateTimeUtc>,
    pub approval_minutes: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

fn both<A, B>(a: Option<A>, b: Option<B>) -> Option<(A, B)> {
    a.zip(b)
}

impl Model {
    /// The facts this row stores (`None` when its state is not one Atrium knows: such a row
    /// is recomputed from history instead).
    pub fn facts(&self) -> Option<Facts> {
        Some(Facts {
            key: Key {
                department_id: self.department_id,
                team_id: self.team_id,
                item_id: self.item_id,
                priority: self.priority.clone(),
            },
            created: self.created_at,
            state: self.state.parse::<RequestState>().ok()?,
            resolved_at: self.resolved_at,
            cancelled_at: self.cancelled_at,
            reopens: u32::try_from(self.reopens).ok()?,
            reassignments: u32::try_from(self.reassignments).ok()?,
            desk_people: u32::try_from(self.desk_people).ok()?,
            rating: self.rating,
            resolve_business: self.resolve_business,
            response: both(self.response_at, self.response_minutes),
            sla: [
                both(self.response_sla_at, self.response_sla_met),
                both(self.resolution_sla_at, self.resolution_sla_met),
            ],
            approval: both(self.approval_at, self.approval_minutes),
        })
    }

    /// The row of `request_id`'s facts.
    pub fn of(request_id: i64, f: &Facts) -> Model {
        let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        Model {
            request_id,
            department_id: f.key.department_id,
            team_id: f.key.team_id,
            item_id: f.key.item_id,
            priority: f.key.priority.clone(),
            created_at: f.created,
            state: f.state.as_str().to_owned(),
            resolved_at: f.resolved_at,
            cancelled_at: f.cancelled_at,
            reopens: count(f.reopens),
            reassignments: count(f.reassignments),
            desk_people: count(f.desk_people),
            rating: f.rating,
            resolve_business: f.resolve_business,
            response_at: f.response.map(|r| r.0),
            response_minutes: f.response.map(|r| r.1),
            response_sla_at: f.sla[0].map(|s| s.0),
            response_sla_met: f.sla[0].map(|s| s.1),
            resolution_sla_at: f.sla[1].map(|s| s.0),
            resolution_sla_met: f.sla[1].map(|s| s.1),
            approval_at: f.approval.map(|a| a.0),
            approval_minutes: f.approval.map(|a| a.1),
        }
    }
}

/// The stored facts of a request, if any.
pub async fn of_request(
    db: &impl ConnectionTrait,
    request_id: i64,
) -> Result<Option<Facts>, DbErr> {
    Ok(Entity::find_by_id(request_id)
        .one(db)
        .await?
        .and_then(|m| m.facts()))
}

fn active(m: Model) -> ActiveModel {
    ActiveModel {
        request_id: Set(m.request_id),
        department_id: Set(m.department_id),
        team_id: Set(m.team_id),
        item_id: Set(m.item_id),
        priority: Set(m.priority),
        created_at: Set(m.created_at),
        state: Set(m.state),
        resolved_at: Set(m.resolved_at),
        cancelled_at: Set(m.cancelled_at),
        reopens: Set(m.reopens),
        reassignments: Set(m.reassignments),
        desk_people: Set(m.desk_people),
        rating: Set(m.rating),
        resolve_business: Set(m.resolve_business),
        response_at: Set(m.response_at),
        response_minutes: Set(m.response_minutes),
        response_sla_at: Set(m.response_sla_at),
        response_sla_met: Set(m.response_sla_met),
        resolution_sla_at: Set(m.resolution_sla_at),
        resolution_sla_met: Set(m.resolution_sla_met),
        approval_at: Set(m.approval_at),
        approval_minutes: Set(m.approval_minutes),
    }
}

/// Rows per statement: 22 values each, within every database's limit of bound values.
const ROWS_PER_INSERT: usize = 500;

/// Writes the facts of many requests (inserting or replacing each row).
pub async fn put_all(db: &impl ConnectionTrait, rows: Vec<Model>) -> Result<(), DbErr> {
    let conflict = OnConflict::column(Column::RequestId)
        .update_columns(Column::iter().filter(|c| !matches!(c, Column::RequestId)))
        .to_owned();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        Entity::insert_many(chunk.iter().cloned().map(active))
            .on_conflict(conflict.clone())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
