//! The `attachments` table: metadata of uploaded files (the bytes are in the object store).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The unguessable reference a form answer carries.
    #[sea_orm(unique)]
    pub token: String,
    pub uploaded_by: i64,
    pub file_name: String,
    /// The type recognised from the content, never the browser's claim.
    pub content_type: String,
    pub size: i64,
    pub storage_key: String,
    /// The request that took the file on submit; none while it is only uploaded.
    pub request_id: Option<i64>,
    /// The comment the file was attached to, if it came with one.
    pub comment_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
