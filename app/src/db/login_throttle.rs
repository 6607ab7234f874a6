//! The `login_throttles` table: recent sign-in attempts per email, for throttling across
//! replicas.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_throttles")]
pub struct Model {
    /// The email as typed, trimmed and lower-cased (whether or not an account has it).
    #[sea_orm(primary_key, auto_increment = false)]
    pub email: String,
    /// Attempts since the last success (each counted before its password is checked).
    pub failures: i32,
    pub last_attempt_at: DateTimeUtc,
    /// No attempt is let through before this.
    pub next_allowed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
