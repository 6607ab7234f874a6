//! The `calendars` table: a department's business calendars (their versions are in
//! `calendar_versions`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendars")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub department_id: i64,
    pub slug: String,
    pub name: String,
    /// The department's default: SLA policies that name no calendar count on it.
    pub is_default: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
