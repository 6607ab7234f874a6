//! Server functions of the catalog designer. Each checks that the caller administers the
//! item's department (in the service).

use super::model::{AdminItemRow, DraftView, ImportOutcome, VersionSummary};
use crate::domain::definition::ItemDefinition;
use crate::error::AppError;
use leptos::prelude::*;

/// Items the caller designs.
#[server(endpoint = "admin_items", input = server_fn::codec::GetUrl)]
pub async fn list_admin_items() -> Result<Vec<AdminItemRow>, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::designer::admin_items(&state.db, &user).await
    })
    .await
}

/// An item's working copy.
#[server(endpoint = "get_draft", input = server_fn::codec::GetUrl)]
pub async fn get_draft(slug: String) -> Result<DraftView, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::designer::working_copy(&state.db, &user, &slug).await
    })
    .await
}

/// Saves the draft; `expected` is the draft version the editor started from.
#[server(endpoint = "save_draft", input = server_fn::codec::Json)]
pub async fn save_draft(
    slug: String,
    definition: ItemDefinition,
    expected: Option<i32>,
) -> Result<i32, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::designer::save_draft(&state.db, &user, &slug, &definition, expected).await
    })
    .await
}

/// Publishes the draft as the next version.
#[server(endpoint = "publish_item")]
pub async fn publish_item(slug: String) -> Result<i32, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::designer::publish(&state.db, &user, &slug).await
    })
    .await
}

/// Published versions, newest first.
#[server(endpoint = "item_history", input = server_fn::codec::GetUrl)]
pub async fn item_history(slug: String) -> Result<Vec<VersionSummary>, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::designer::history(&state.db, &user, &slug).await
    })
    .await
}

/// What changed between two versions.
#[server(endpoint = "compare_versions", input = server_fn::codec::GetUrl)]
pub async fn compare_versions(slug: String, from: i32, to: i32) -> Result<Vec<String>, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::designer::compare(&state.db, &user, &slug, from, to).await
    })
    .await
}

/// Imports an item file (pasted text); works as a plain form post too.
#[server(endpoint = "import_item")]
pub async fn import_item(text: String) -> Result<ImportOutcome, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let outcome = super::designer::import(&state.db, &user, &text).await?;
        leptos_axum::redirect(&format!("/admin/catalog/{}", outcome.slug));
        Ok(outcome)
    })
    .await
}

/// Departments, categories and teams the caller may place items in.
#[server(endpoint = "admin_options", input = server_fn::codec::GetUrl)]
pub async fn get_admin_options() -> Result<super::model::AdminOptions, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::designer::admin_options(&state.db, &user).await
    })
    .await
}

/// Creates a new, unpublished item and opens it in the designer.
#[server(endpoint = "create_item")]
pub async fn create_item(item: super::model::NewItem) -> Result<String, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let slug = super::designer::create_item(&state.db, &user, &item).await?;
        leptos_axum::redirect(&format!("/admin/catalog/{slug}"));
        Ok(slug)
    })
    .await
}

/// Who may order an item.
#[server(endpoint = "get_audience", input = server_fn::codec::GetUrl)]
pub async fn get_audience(slug: String) -> Result<super::model::Audience, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::designer::audience(&state.db, &user, &slug).await
    })
    .await
}

/// Sets who may order an item.
#[server(endpoint = "set_audience", input = server_fn::codec::Json)]
pub async fn set_audience(slug: String, audience: super::model::Audience) -> Result<(), AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::designer::set_audience(&state.db, &user, &slug, &audience).await
    })
    .await
}

/// An item's catalog entry (name, descriptions, category, team, listed or not).
#[server(endpoint = "get_item_details", input = server_fn::codec::GetUrl)]
pub async fn get_item_details(slug: String) -> Result<super::model::ItemDetails, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::admin::item_details(&state.db, &user, &slug).await
    })
    .await
}

/// Saves an item's catalog entry.
#[server(endpoint = "update_item_details", input = server_fn::codec::Json)]
pub async fn update_item_details(
    slug: String,
    details: super::model::ItemDetails,
) -> Result<(), AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::admin::update_item_details(&state.db, &user, &slug, &details).await
    })
    .await
}

/// Adds a category to one of the admin's departments; returns its slug.
#[server(endpoint = "create_category")]
pub async fn create_category(category: super::model::NewCategory) -> Result<String, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let slug = super::admin::create_category(&state.db, &user, &category).await?;
        crate::ui::notice::say(&format!(
            "Category “{slug}” added: choose it for a new item above."
        ));
        Ok(slug)
    })
    .await
}
