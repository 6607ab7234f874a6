//! The `notifications` table: the in-app notification centre.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub request_id: Option<i64>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    /// When it went out by mail (at once, or in a digest); none while waiting for the digest
    /// or when the person takes no mail.
    pub mailed_at: Option<DateTimeUtc>,
    /// The kind of event (`conversation`, `progress`, `approvals`, `work`): its person's mail
    /// choice for that kind applies.
    pub kind: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
