//! Catalog server functions.

use super::model::{CatalogView, ItemView};
use crate::error::AppError;
use leptos::prelude::*;

/// The whole orderable catalog.
#[server(endpoint = "list_catalog", input = server_fn::codec::GetUrl)]
pub async fn list_catalog() -> Result<CatalogView, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::service::load_catalog(&state.db.conn, &state.catalog, &user).await
    })
    .await
}

/// One item and its form.
#[server(endpoint = "get_item", input = server_fn::codec::GetUrl)]
pub async fn get_item(slug: String) -> Result<ItemView, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::service::load_item(&state.db.conn, &user, &slug).await
    })
    .await
}

/// People in the directory matching what was typed (name or email), for person fields.
#[server(endpoint = "search_directory", input = server_fn::codec::GetUrl)]
pub async fn search_directory(
    query: String,
) -> Result<Vec<super::model::DirectoryEntry>, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        require_user().await?;
        let state = crate::state::AppState::current()?;
        super::service::search_directory(&state.db.conn, &query, 8).await
    })
    .await
}
