//! The page frame: header with navigation and the signed-in user, then the page.

use crate::auth::api::{current_user, Logout};
use crate::auth::model::SessionUser;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The signed-in user, loaded once per page load and shared through context.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Result<Option<SessionUser>, crate::error::AppError>>);

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    // Approvals waiting on the signed-in person, for the header's count.
    let waiting = Resource::new(|| (), |_| crate::approvals::api::approvals_waiting());
    // Unread notifications, for the header's bell.
    let unread = Resource::new(|| (), |_| crate::notifications::api::notifications_unread());
    provide_context(CurrentUser(user));
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "Atrium"
            </a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let signed_in = user.await.ok().flatten();
                    let waiting = waiting.await.unwrap_or(0);
                    let unread = unread.await.unwrap_or(0);
                    signed_in.map(|u| view! { <Nav user=u waiting unread/> })
                })}
            </Suspense>
        </header>
        <main id="main" class="page">{children()}</main>
    }
}

#[component]
fn Nav(user: SessionUser, waiting: u64, unread: u64) -> impl IntoView {
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
    view! {
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
            <span class="user-name">{user.name.clone()}</span>
            <ActionForm action=logout attr:class="inline-form">
                <button type="submit" class="link-button">"Sign out"</button>
            </ActionForm>
        </div>
    }
}
