//! The sign-in page.

use super::api::Login;
use crate::ui::error_view::InlineError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = query.read_untracked().get("next").unwrap_or_default();
    let error = move || login.value().get().and_then(Result::err);
    view! {
        <Title text="Sign in"/>
        <section class="login-card">
            <h1>"Sign in to Atrium"</h1>
            <p class="muted">"One place to ask any department for what you need."</p>
            <ActionForm action=login attr:class="stack">
                <input type="hidden" name="next" value=next/>
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username" required/>
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                />
                {move || error().map(|e| view! { <InlineError error=e/> })}
                <button type="submit" class="button primary" disabled=move || login.pending().get()>
                    "Sign in"
                </button>
            </ActionForm>
        </section>
    }
}
