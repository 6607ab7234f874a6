//! The `catalog_items` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "catalog_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub department_id: i64,
    pub category_id: i64,
    pub slug: String,
    pub name: String,
    pub short_description: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub icon: String,
    pub expected_days: i32,
    pub team_id: i64,
    pub active: bool,
    /// Who may order it: JSON of `catalog::model::Audience`.
    #[sea_orm(column_type = "Text")]
    pub audience: String,
    /// Its requests are read only by those involved in them (see `requests::access`).
    pub confidential: bool,
    /// The department's general enquiry, offered when a search finds nothing.
    pub general: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
