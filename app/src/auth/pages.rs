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

/// The signed-in person's account (`/account`): who they are, their roles, and a way to end
/// every session they have open.
#[component]
pub fn AccountPage() -> impl IntoView {
    use super::api::{get_account, SetTimeZone, SignOutEverywhere};
    use crate::ui::error_view::ErrorView;
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    let zone = ServerAction::<SetTimeZone>::new();
    let account = Resource::new(move || zone.version().get(), |_| get_account());
    view! {
        <Title text="Your account"/>
        <h1>"Your account"</h1>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(account) => view! {
                        <section class="panel" aria-labelledby="who-heading">
                            <h2 id="who-heading">{account.name.clone()}</h2>
                            <dl class="answers">
                                <dt>"Email"</dt><dd>{account.email.clone()}</dd>
                                <dt>"Department"</dt><dd>{account.department.clone()}</dd>
                                <dt>"Roles"</dt><dd>{account.roles.join(", ")}</dd>
                            </dl>
                        </section>
                        <section class="panel" aria-labelledby="zone-heading">
                            <h2 id="zone-heading">"Time zone"</h2>
                            <p class="muted">{format!("Times are shown in {}.", account.time_zone)}</p>
                            <ActionForm action=zone attr:class="inline-form">
                                <label for="time-zone">"Show times in"</label>
                                <select id="time-zone" name="zone">
                                    <option value="" selected=account.chosen_zone.is_none()>"My department's time zone"</option>
                                    {account.zones.iter().map(|z| view! {
                                        <option value=z.clone() selected=account.chosen_zone.as_deref() == Some(z.as_str())>{z.clone()}</option>
                                    }).collect_view()}
                                </select>
                                <button type="submit" class="button">"Save"</button>
                            </ActionForm>
                            {move || zone.value().get().and_then(Result::err).map(|e| view! { <InlineError error=e/> })}
                        </section>
                        <section class="panel" aria-labelledby="settings-heading">
                            <h2 id="settings-heading">"Your settings"</h2>
                            <ul class="link-list">
                                <li>
                                    <a href="/notifications#mail-heading">"Email notifications"</a>
                                    <span class="muted">" — for each kind of event: at once, in a daily digest, or only here"</span>
                                </li>
                                <li>
                                    <a href="/approvals#delegation-heading">"Delegation"</a>
                                    <span class="muted">" — who approves in your place while you are away"</span>
                                </li>
                            </ul>
                        </section>
                        <section class="panel" aria-labelledby="sessions-heading">
                            <h2 id="sessions-heading">"Where you are signed in"</h2>
                            <p>{match account.sessions {
                                0 | 1 => "You are signed in here only.".to_owned(),
                                n => format!("You are signed in on {n} devices or browsers, this one included."),
                            }}</p>
                            <p class="muted">"Left Atrium open on a shared computer, or lost a phone? Sign out everywhere: every session ends, this one too."</p>
                            <ActionForm action=everywhere attr:class="inline-form">
                                <button type="submit" class="button">"Sign out everywhere"</button>
                            </ActionForm>
                            {move || everywhere.value().get().and_then(Result::err).map(|e| view! { <InlineError error=e/> })}
                        </section>
                    }.into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
