//! The `request_links` table: requests linked as related, or one closed as a duplicate of
//! another.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The request the link was made on (for `duplicate_of`: the duplicate).
    pub request_id: i64,
    /// The request linked to (for `duplicate_of`: the one that goes on).
    pub other_id: i64,
    /// `related` or `duplicate_of`.
    pub kind: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
