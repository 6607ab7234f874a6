//! The `users` table.
//!
//! Deliberately not `Serialize`: the model holds the password hash.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub email: String,
    pub name: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub password_hash: String,
    pub department_id: i64,
    pub manager_id: Option<i64>,
    /// Where they work (an office, a floor), when the directory knows.
    pub location: Option<String>,
    /// The IANA time zone they read times in; none: their department's calendar's.
    pub time_zone: Option<String>,
    pub active: bool,
    pub created_at: DateTimeUtc,
    /// Mail for notifications: `immediate`, `daily` (one digest a day) or `off`.
    pub email_pref: String,
    /// Mail choices per kind of event (JSON: kind → `immediate`/`daily`/`off`); kinds not in
    /// it follow `email_pref`.
    pub mail_choices: Option<String>,
    /// When the last daily digest was queued.
    pub digest_sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
