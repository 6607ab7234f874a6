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
pub mod metrics;
pub mod notifications;
pub mod requests;
pub mod sla;
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

/// The pages that hold islands, and so load the WASM bundle: an item's order form, a
/// request's comment uploads, the designer. Every other page is plain HTML and CSS. (A page
/// whose islands are missing here never comes to life; the browser journeys wait for every
/// island on a page and would fail.)
pub fn page_has_islands(path: &str) -> bool {
    ["/catalog/", "/requests/", "/admin/catalog/"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let islands = use_context::<http::request::Parts>()
        .is_none_or(|parts| page_has_islands(parts.uri.path()));
    #[cfg(not(feature = "ssr"))]
    let islands = true;
    if !islands {
        // What the hydration scripts would do: what follows is not hydrated, so it needs no
        // hydration markers or serialised resources.
        if let Some(context) = Owner::current_shared_context() {
            context.set_is_hydrating(false);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <meta name="description" content="Atrium: order services from every department, and follow your requests, in one portal."/>
                <link rel="stylesheet" id="leptos" href="/pkg/atrium.css"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
                {islands.then(|| view! { <HydrationScripts options islands=true/> })}
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
///
/// Atrium runs in Leptos's *islands* mode: pages, the layout and lists are server components
/// and send no code to the browser; their forms post the plain way. Only the parts that need
/// the browser are `#[island]`s with serialisable props (the order form's live rules and
/// checks, uploads, the designer), and only those are hydrated and shipped in the WASM.
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
                    <Route path=path!("/insights") view=metrics::pages::InsightsPage ssr=SsrMode::Async/>
                    <Route
                        path=path!("/insights/requests")
                        view=metrics::pages::InsightsRequestsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin/calendars")
                        view=sla::pages::CalendarsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin/templates")
                        view=requests::pages::ReplyTemplatesPage
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
