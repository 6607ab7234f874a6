//! The page frame: header with navigation and the signed-in person, then the page.
//!
//! A server component: it renders with every page (each move to another page is a page load)
//! and sends no code to the browser. The phone menu is a plain `<details>`.

use crate::auth::api::Logout;
use crate::ui::header::{header_state, HeaderView};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    // A page opened in a signed-in session has its header at hand (read with the session);
    // others (the sign-in page, a session whose expiry moves on) read it.
    let nav = match crate::ui::header::preloaded() {
        Some(header) => view! { <Nav header/> }.into_any(),
        None => {
            let header = Resource::new(|| (), |_| header_state());
            view! {
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match header.await.ok().flatten() {
                            Some(header) => view! { <Nav header/> }.into_any(),
                            None => view! { <SignedOutNav/> }.into_any(),
                        }
                    })}
                </Suspense>
            }
            .into_any()
        }
    };
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "Atrium"
            </a>
            {nav}
        </header>
        <main id="main" class="page">
            {crate::ui::notice::current().map(|text| view! {
                <p class="success notice" role="status">{text}</p>
            })}
            {children()}
        </main>
    }
}

#[component]
fn SignedOutNav() -> impl IntoView {
    let location = use_location();
    view! {
        <nav class="site-nav" aria-label="Main">
            {move || {
                (!location.pathname.get().starts_with("/login"))
                    .then(|| view! { <a href="/login">"Sign in"</a> })
            }}
        </nav>
    }
}

#[component]
fn Nav(header: HeaderView) -> impl IntoView {
    let HeaderView {
        user,
        approvals_waiting: waiting,
        notifications_unread: unread,
    } = header;
    let logout = ServerAction::<Logout>::new();
    let location = use_location();
    let current = move |prefix: &'static str| {
        let path = location.pathname.get();
        let active = if prefix == "/" {
            path == "/" || path.starts_with("/catalog")
        } else {
            path.starts_with(prefix)
        };
        active.then_some("page")
    };
    let waiting_total = waiting + unread;
    // On a phone the links fold into a menu (a plain <details>, so it opens without
    // JavaScript); on wider screens the same links stand in a row and the menu button is not
    // shown. Following a link loads the next page, with the menu closed.
    view! {
        <details class="site-menu">
            <summary class="site-menu-button">
                "Menu"
                {(waiting_total > 0).then(|| view! {
                    <span class="count-badge" aria-label=format!("{waiting_total} waiting or unread")>{waiting_total.to_string()}</span>
                })}
            </summary>
            <div class="site-menu-body">
        <nav class="site-nav" aria-label="Main">
            <a href="/" aria-current=move || current("/")>"Catalog"</a>
            <a href="/my-requests" aria-current=move || current("/my-requests")>"My requests"</a>
            <a href="/approvals" aria-current=move || current("/approvals")>
                "Approvals"
                {(waiting > 0).then(|| view! {
                    <span class="count-badge" aria-label=format!("{waiting} waiting")>{waiting.to_string()}</span>
                })}
            </a>
            {user
                .is_agent()
                .then(|| view! {
                    <a href="/queue" aria-current=move || current("/queue")>"Queue"</a>
                    <a href="/tasks" aria-current=move || current("/tasks")>"Tasks"</a>
                })}
            {user
                .is_catalog_admin()
                .then(|| view! { <a href="/admin/catalog" aria-current=move || current("/admin")>"Catalog admin"</a> })}
            {(user.is_agent() || user.has_role(crate::auth::model::Role::Leadership))
                .then(|| view! { <a href="/insights" aria-current=move || current("/insights")>"Insights"</a> })}
        </nav>
        <div class="user-menu">
            <a href="/notifications" class="notifications-link" aria-current=move || current("/notifications")>
                "Notifications"
                {(unread > 0).then(|| view! {
                    <span class="count-badge" aria-label=format!("{unread} unread")>{unread.to_string()}</span>
                })}
            </a>
            <a href="/account" class="user-name" aria-current=move || current("/account")
                title="Your account">{user.name.clone()}</a>
            <ActionForm action=logout attr:class="inline-form">
                <button type="submit" class="link-button">"Sign out"</button>
            </ActionForm>
        </div>
            </div>
        </details>
    }
}
