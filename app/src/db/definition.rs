//! (ssr) Item definitions as stored: every version's definition is read and parsed here.

use super::{item_version, request};
use crate::domain::definition::ItemDefinition;
use crate::error::{internal, AppResult};
use sea_orm::{ConnectionTrait, EntityTrait};

/// The definition a published version froze.
pub fn parse_definition(version: &item_version::Model) -> AppResult<ItemDefinition> {
    serde_json::from_str(&version.definition)
        .map_err(|e| internal(&format!("parsing item version {}", version.id), e))
}

/// The published definition a request was submitted against.
pub async fn definition_of_request(
    db: &impl ConnectionTrait,
    row: &request::Model,
) -> AppResult<ItemDefinition> {
    let version = item_version::Entity::find_by_id(row.item_version_id)
        .one(db)
        .await?
        .ok_or_else(|| internal("request item version", row.id))?;
    parse_definition(&version)
}
