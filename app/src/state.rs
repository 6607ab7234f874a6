//! (ssr) Application state shared by pages, server functions and routes.

use crate::db::Db;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Settings the application layer needs at run time.
#[derive(Clone, Debug)]
pub struct RuntimeSettings {
    /// Whether the site is served over TLS (marks cookies `Secure`, names the session cookie
    /// with the `__Host-` prefix, and sends HSTS).
    pub secure_cookies: bool,
    /// A session ends after this much inactivity.
    pub session_idle: chrono::Duration,
    /// A session ends this long after sign-in, however active.
    pub session_lifetime: chrono::Duration,
    /// The request header a trusted reverse proxy puts the client's address in (e.g.
    /// `X-Forwarded-For`, whose last entry is taken); `None`: the peer address is the client's.
    pub client_ip_header: Option<http::HeaderName>,
    /// How much one person may upload.
    pub uploads: UploadAllowance,
}

/// How much one person may upload: bytes in any 24 hours, and files in any hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadAllowance {
    pub bytes_per_day: u64,
    pub files_per_hour: u32,
}

impl Default for UploadAllowance {
    fn default() -> Self {
        UploadAllowance {
            bytes_per_day: 500 * 1024 * 1024,
            files_per_hour: 60,
        }
    }
}

impl Default for RuntimeSettings {
    fn default() -> Self {
        RuntimeSettings {
            secure_cookies: false,
            session_idle: chrono::Duration::hours(8),
            session_lifetime: chrono::Duration::days(7),
            client_ip_header: None,
            uploads: UploadAllowance::default(),
        }
    }
}

/// Provided to both Leptos handlers (pages and server functions) and to axum routes.
#[derive(Clone, Debug, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub settings: Arc<RuntimeSettings>,
    /// Where uploaded files' bytes are kept.
    pub files: Arc<dyn crate::db::files::FileStore>,
    /// This replica's sign-in throttles and hashing bound.
    pub sign_in: Arc<crate::auth::throttle::SignInGate>,
    /// This replica's copy of the catalog, checked against the database on every read.
    pub catalog: Arc<crate::db::catalog_cache::CatalogCache>,
}

impl AppState {
    /// The state of the current request, from the Leptos context.
    #[track_caller]
    pub fn current() -> Result<AppState, crate::error::AppError> {
        let caller = std::panic::Location::caller();
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!(%caller, "AppState missing from the Leptos context");
            crate::error::AppError::Internal
        })
    }
}
