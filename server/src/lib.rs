//! The Atrium server: configuration, database, sessions, routes and background work around the
//! Leptos application in the `app` crate.

pub mod admin;
pub mod bench;
pub mod bench_writes;
pub mod config;
pub mod database;
pub mod files;
pub mod generate;
pub mod mail;
pub mod middleware;
pub mod seed;
pub mod session_store;
/// Builders and fresh databases for tests; not in the release binary (feature `testkit`, which
/// the server's own tests turn on).
#[cfg(feature = "testkit")]
pub mod testkit;

use app::db::Db;
use app::state::{AppState, RuntimeSettings};
use app::{shell, App};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use http::StatusCode;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use session_store::DbSessionStore;
use std::path::Path;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Name of the session cookie over plain HTTP.
pub const SESSION_COOKIE: &str = "atrium_session";
/// Name of the session cookie over HTTPS: the `__Host-` prefix makes browsers refuse it
/// unless it is `Secure`, for the whole site (`Path=/`) and set by this host alone (no
/// `Domain`), so a neighbouring subdomain cannot plant or overwrite it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-atrium_session";

/// The session cookie's name for these settings.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// Leptos settings for serving the built site from `site_root`.
pub fn leptos_options(site_root: &Path, addr: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("atrium")
        .site_root(site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .env(leptos::config::Env::PROD)
        .build()
}

/// The application state for a database and settings.
pub fn app_state(
    db: Db,
    files: Arc<dyn app::attachments::service::FileStore>,
    leptos_options: LeptosOptions,
    settings: RuntimeSettings,
) -> AppState {
    AppState {
        leptos_options,
        db,
        settings: Arc::new(settings),
        files,
        sign_in: Arc::new(app::auth::throttle::SignInGate::default()),
        catalog: Arc::default(),
    }
}

/// The whole HTTP application: pages, server functions, health probes, static files.
pub fn router(state: AppState) -> Router {
    let settings = state.settings.clone();
    let session_layer = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(session_cookie_name(settings.secure_cookies))
        .with_path("/")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
            settings.session_idle.num_seconds(),
        )));
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            app::auth::service::provide_request_user();
            app::db::page_facts::provide();
            // The page's scripts carry the nonce its response's policy names.
            middleware::provide_page_nonce();
        }
    };
    let leptos_options = state.leptos_options.clone();
    // The built scripts, WASM and styles, compressed ahead of time (`cargo leptos build
    // --precompress` writes `.br` and `.gz` beside each file): brotli where the browser takes
    // it, else gzip, else as is; never compressed again per request.
    let pkg =
        Path::new(leptos_options.site_root.as_ref()).join(leptos_options.site_pkg_dir.as_ref());
    let pkg = tower_http::services::ServeDir::new(pkg)
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest_service("/pkg", pkg)
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/admin/catalog/{slug}/export", get(export_item))
        .route("/insights/requests/export", get(export_insights))
        .route(
            "/attachments",
            axum::routing::post(files::upload).layer(axum::extract::DefaultBodyLimit::max(
                files::UPLOAD_BODY_LIMIT,
            )),
        )
        .route("/attachments/{token}", get(files::download))
        .route("/notifications/{id}/open", get(open_notification))
        .route(
            "/api/{*fn_name}",
            get(server_fn_handler).post(server_fn_handler),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn(middleware::server_fn_status))
        .layer(axum::middleware::from_fn(
            middleware::form_errors_in_session,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::require_sign_in,
        ))
        .layer(axum::middleware::from_fn(middleware::reject_cross_site))
        .layer(session_layer)
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            settings.secure_cookies,
            middleware::security_headers,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn server_fn_handler(State(state): State<AppState>, req: Request<Body>) -> impl IntoResponse {
    handle_server_fns_with_context(
        move || {
            provide_context(state.clone());
            app::auth::service::provide_request_user();
            app::db::page_facts::provide();
        },
        req,
    )
    .await
}

/// Opens a notification from the notification centre: marks it read, then goes where it points.
async fn open_notification(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> axum::response::Response {
    let result = async {
        let user = files::session_user(&state, &session).await?;
        app::notifications::service::open(&state.db, &user, id).await
    }
    .await;
    match result {
        Ok(link) => axum::response::Redirect::to(&link).into_response(),
        Err(error) => files::error_response(&error),
    }
}

/// Downloads an item's newest published version as a readable JSON file.
async fn export_item(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    axum::extract::Path(slug): axum::extract::Path<String>,
) -> axum::response::Response {
    let result = async {
        let user = files::session_user(&state, &session).await?;
        let export = app::catalog::designer::export(&state.db, &user, &slug).await?;
        // Named by the stored slug, never by what the URL said.
        app::catalog::designer::export_file(&export).map(|file| (export.slug, file))
    }
    .await;
    match result {
        Ok((slug, file)) => (
            [
                (
                    http::header::CONTENT_TYPE,
                    "application/json; charset=utf-8".to_owned(),
                ),
                (
                    http::header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{slug}.atrium.json\""),
                ),
            ],
            file,
        )
            .into_response(),
        Err(error) => files::error_response(&error),
    }
}

/// The requests behind one of the dashboard's numbers as CSV, streamed in batches: any size,
/// in constant memory. Who may see what is checked before the first byte.
async fn export_insights(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    axum::extract::Query(query): axum::extract::Query<app::metrics::model::DrillQuery>,
) -> axum::response::Response {
    use app::metrics::drill::csv_export;
    let user = match files::session_user(&state, &session).await {
        Ok(user) => user,
        Err(error) => return files::error_response(&error),
    };
    let today = state.db.now().date_naive();
    let export = match csv_export(&state.db.conn, &user, &query, today).await {
        Ok(export) => std::sync::Arc::new(export),
        Err(error) => return files::error_response(&error),
    };
    // The first batch is read before answering: a refusal is an error status, not a broken file.
    let first = match export.batch(&state.db.conn, None).await {
        Ok(first) => first,
        Err(error) => return files::error_response(&error),
    };
    let db = state.db.clone();
    // Fused: the compression layer may poll once more after the end, which a bare `unfold`
    // answers with a panic.
    let stream = futures::StreamExt::fuse(futures::stream::unfold(Some(first), move |batch| {
        let (db, export) = (db.clone(), export.clone());
        async move {
            let (text, last) = batch?;
            let next = match last {
                Some(after) => match export.batch(&db.conn, Some(&after)).await {
                    Ok((text, last)) if !text.is_empty() => Some((text, last)),
                    Ok(_) => None,
                    Err(error) => {
                        tracing::warn!(%error, "CSV export stopped");
                        None
                    }
                },
                None => None,
            };
            Some((Ok::<_, std::convert::Infallible>(text), next))
        }
    }));
    (
        [
            (http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"requests.csv\"",
            ),
        ],
        axum::body::Body::from_stream(stream),
    )
        .into_response()
}

/// Ready when the database answers.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.conn.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

/// Deletes expired sessions, old sign-in attempts and abandoned uploads (older than a day and
/// never submitted) every hour, for as long as the server runs.
pub fn spawn_session_cleanup(db: Db, files: Arc<dyn app::attachments::service::FileStore>) {
    use tower_sessions::session_store::ExpiredDeletion;
    tokio::spawn(async move {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let store = DbSessionStore::new(db.clone());
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(error) = store.delete_expired().await {
                tracing::warn!(%error, "expired-session cleanup failed");
            }
            // Sign-in attempts a day old no longer count for anything.
            let cutoff = chrono::Utc::now() - chrono::Duration::days(1);
            if let Err(error) = app::db::login_throttle::Entity::delete_many()
                .filter(app::db::login_throttle::Column::LastAttemptAt.lt(cutoff))
                .exec(&db.conn)
                .await
            {
                tracing::warn!(%error, "sign-in throttle cleanup failed");
            }
            // Mail is kept a month for the record; mail that could not go out in a month is
            // no use any more.
            let month_ago = chrono::Utc::now() - chrono::Duration::days(30);
            if let Err(error) = app::db::outbox::Entity::delete_many()
                .filter(app::db::outbox::Column::CreatedAt.lt(month_ago))
                .exec(&db.conn)
                .await
            {
                tracing::warn!(%error, "outbox cleanup failed");
            }
            match app::attachments::service::delete_abandoned(
                &db,
                files.as_ref(),
                chrono::Duration::days(1),
            )
            .await
            {
                Ok(0) => {}
                Ok(n) => tracing::info!(files = n, "deleted abandoned uploads"),
                Err(error) => tracing::warn!(%error, "abandoned-upload cleanup failed"),
            }
        }
    });
}

/// The workflow's clock: every minute, acts on approval stages past their timeout and closes
/// requests resolved more than `auto_close_days` ago. Safe with several replicas: each stage
/// times out under its request's lock, and each request is closed under its version, once.
pub fn spawn_workflow_worker(db: Db, auto_close_days: u32) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(error) = app::workflow::tick(&db, chrono::Utc::now(), auto_close_days).await
            {
                tracing::warn!(%error, "workflow tick failed");
            }
        }
    });
}

/// Resolves on Ctrl-C or SIGTERM, for graceful shutdown.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
