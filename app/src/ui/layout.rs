//! The page frame: header with navigation and the signed-in person, then the page.
//!
//! The layout stays mounted while people move between pages in the browser, so what the header
//! shows is read again on every navigation and after every action that can change it (signing
//! in or out, deciding an approval, reading notifications). Nothing in it waits for a reload.

use crate::auth::api::Logout;
use crate::ui::header::{header_state, HeaderView};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_location;

/// Moves on whenever something the header shows may have changed.
#[derive(Clone, Copy)]
pub struct HeaderRefresh(RwSignal<u64>);

/// Re-reads the header (who is signed in, counters) each time `action` completes.
pub fn refresh_header_after<S>(action: ServerAction<S>)
where
    S: ServerFn + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let Some(HeaderRefresh(generation)) = use_context::<HeaderRefresh>() else {
        return;
    };
    Effect::new(move |seen: Option<usize>| {
        let version = action.version().get();
        if seen.is_some_and(|seen| seen != version) {
            generation.update(|g| *g += 1);
        }
        version
    });
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = use_location();
    let generation = RwSignal::new(0_u64);
    provide_context(HeaderRefresh(generation));
    let header = Resource::new(
        move || {
            (
                location.pathname.get(),
                location.search.get(),
                generation.get(),
            )
        },
        |_| header_state(),
    );
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "Atrium"
            </a>
            // A transition keeps the current header on screen while the next one loads.
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match header.await.ok().flatten() {
                        Some(header) => view! { <Nav header/> }.into_any(),
                        None => view! { <SignedOutNav/> }.into_any(),
                    }
                })}
            </Transition>
        </header>
        <main id="main" class="page">{children()}</main>
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
    // Following a link in the open phone menu closes it (the layout, and so the menu, stays
    // mounted while the next page loads).
    let menu = NodeRef::<leptos::html::Details>::new();
    let close_menu = move |_| {
        if let Some(menu) = menu.get_untracked() {
            menu.set_open(false);
        }
    };
    // On a phone the links fold into a menu (a plain <details>, so it opens without
    // JavaScript); on wider screens the same links stand in a row and the menu button is not
    // shown. Moving to another page renders the header again, closed.
    view! {
        <details class="site-menu" node_ref=menu>
            <summary class="site-menu-button">
                "Menu"
                {(waiting_total > 0).then(|| view! {
                    <span class="count-badge" aria-label=format!("{waiting_total} waiting or unread")>{waiting_total.to_string()}</span>
                })}
            </summary>
            <div class="site-menu-body" on:click=close_menu>
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
