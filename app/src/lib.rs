//! Atrium: an Enterprise Service Management portal.
// Large pages have deeply nested view types; the release WASM build needs room to lay them out.
#![recursion_limit = "512"]
//!
//! Pages, server functions and shared models live here, arranged by area (`catalog/`,
//! `requests/`, `auth/`, …). Server-only code (database, sessions) sits behind the `ssr`
//! feature; the browser build gets the same pages, models and domain rules.

pub mod approvals;
pub mod attachments;
pub mod auth;
pub mod catalog;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod directory;
pub mod domain;
pub mod error;
pub mod ids;
pub mod notifications;
pub mod requests;
#[cfg(feature = "ssr")]
pub mod state;
pub mod tasks;
pub mod ui;
#[cfg(feature = "ssr")]
pub mod workflow;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// What a page may load: its own files, and only the scripts that carry this response's nonce
/// (Leptos's hydration and streaming scripts) or that those load (`'strict-dynamic'`), plus
/// WebAssembly. Never framed, no plugins, forms post only here.
pub fn content_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy of a response that is not a page (server functions, files, probes): nothing may
/// run in it, and it is never framed.
pub const PLAIN_CONTENT_POLICY: &str =
    "default-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Sends the page's content policy, naming the nonce Leptos put on its inline scripts.
#[cfg(feature = "ssr")]
fn send_content_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&content_policy(&nonce)) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    send_content_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="stylesheet" id="leptos" href="/pkg/atrium.css"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: layout and routes. Every route renders its data on the server before
/// sending (`SsrMode::Async`) so that pages work, and can be read, without JavaScript.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Atrium".to_owned() } else { format!("{page} · Atrium") }
        }/>
        <Router>
            <ui::layout::Layout>
                <Routes fallback=ui::error_view::NotFoundPage>
                    <Route path=path!("/login") view=auth::pages::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/") view=catalog::pages::HomePage ssr=SsrMode::Async/>
                    <Route
                        path=path!("/catalog/:slug")
                        view=catalog::pages::ItemPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/requests/:number")
                        view=requests::pages::RequestPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/my-requests")
                        view=requests::pages::MyRequestsPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/queue") view=requests::pages::QueuePage ssr=SsrMode::Async/>
                    <Route
                        path=path!("/notifications")
                        view=notifications::pages::NotificationsPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/tasks") view=tasks::pages::TasksPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=auth::pages::AccountPage ssr=SsrMode::Async/>
                    <Route
                        path=path!("/approvals")
                        view=approvals::pages::ApprovalsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin/catalog")
                        view=catalog::pages::AdminCatalogPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin/catalog/:slug")
                        view=catalog::pages::DesignerPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </ui::layout::Layout>
        </Router>
    }
}
