//! The `delegations` table: "from … to …, this person approves for me".

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delegations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Who is away.
    pub user_id: i64,
    /// Who approves for them meanwhile.
    pub delegate_id: i64,
    /// First and last day, inclusive (UTC dates).
    pub starts_on: Date,
    pub ends_on: Date,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
