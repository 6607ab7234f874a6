//! The `calendar_versions` table: a calendar as it was from its effective time on.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub calendar_id: i64,
    pub effective_at: DateTimeUtc,
    /// `domain::calendar::Calendar` as JSON.
    #[sea_orm(column_type = "Text")]
    pub definition: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
