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

/// The WASM bundle a page loads, as the folder of the site it is in; `None` for a page with no
/// islands, which is plain HTML and CSS (every page but these three).
///
/// An item's order page loads a bundle of its own (`pkg/order`, the `atrium-order` project
/// built with `order-bundle`): its rules and person picker in one module, without the designer's
/// code and data, which every module of the main bundle would otherwise carry. A request's
/// comment uploads and the designer load the main bundle (`pkg`), each as a lazy chunk. (A page
/// whose islands are missing from its bundle never comes to life; the browser journeys wait for
/// every island on a page and would fail.)
pub fn page_bundle(path: &str) -> Option<&'static str> {
    if path.starts_with("/catalog/") {
        Some("pkg/order")
    } else if path.starts_with("/requests/") || path.starts_with("/admin/catalog/") {
        Some("pkg")
    } else {
        None
    }
}

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let bundle = match use_context::<http::request::Parts>() {
        Some(parts) => page_bundle(parts.uri.path()),
        None => Some("pkg"),
    };
    #[cfg(not(feature = "ssr"))]
    let bundle = Some("pkg");
    if bundle.is_none() {
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
                {bundle.map(|dir| {
                    let mut options = options;
                    options.site_pkg_dir = dir.into();
                    view! { <HydrationScripts options islands=true/> }
                })}
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

#[cfg(test)]
mod tests {
    use super::page_bundle;

    #[test]
    fn each_page_with_islands_loads_its_bundle_and_the_others_none() {
        assert_eq!(page_bundle("/catalog/new-laptop"), Some("pkg/order"));
        assert_eq!(page_bundle("/requests/REQ-000042"), Some("pkg"));
        assert_eq!(page_bundle("/admin/catalog/new-laptop"), Some("pkg"));
        for plain in [
            "/",
            "/my-requests",
            "/queue",
            "/approvals",
            "/admin/calendars",
        ] {
            assert_eq!(page_bundle(plain), None, "{plain}");
        }
    }
}
