//! The `outbox` table: mail waiting for the delivery worker.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub to_email: String,
    pub to_name: String,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// Path in the portal the mail points to (the worker prefixes the public address).
    pub link: String,
    pub attempts: i32,
    /// Not before this time; also the lease of a worker sending it.
    pub next_attempt_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
