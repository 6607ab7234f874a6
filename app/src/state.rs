//! (ssr) Application state shared by pages, server functions and routes.

use crate::db::Db;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Settings the application layer needs at run time.
#[derive(Clone, Debug)]
pub struct RuntimeSettings {
    /// Whether the site is served over TLS (marks cookies `Secure`).
    pub secure_cookies: bool,
}

/// Provided to both Leptos handlers (pages and server functions) and to axum routes.
#[derive(Clone, Debug, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub settings: Arc<RuntimeSettings>,
    /// Where uploaded files' bytes are kept.
    pub files: Arc<dyn crate::db::files::FileStore>,
}

impl AppState {
    /// The state of the current request, from the Leptos context.
    pub fn current() -> Result<AppState, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the Leptos context");
            crate::error::AppError::Internal
        })
    }
}
