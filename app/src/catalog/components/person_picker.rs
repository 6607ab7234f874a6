//! A person field: type part of a name or email, pick from the directory.
//!
//! Without JavaScript it is a plain email box; the server checks the person exists.

use crate::catalog::model::DirectoryEntry;
use leptos::html::Input;
use leptos::prelude::*;

#[component]
pub fn PersonPicker<S, F>(
    id: String,
    name: String,
    initial: String,
    invalid: Signal<bool>,
    /// A rule has locked the field: it shows its value and cannot be changed.
    read_only: Signal<bool>,
    on_value: Callback<String>,
    on_blur: Callback<()>,
    /// How the directory is searched: the server function in the designer's preview (whose
    /// code carries server function calls anyway), a plain fetch in the order page's island.
    search: S,
) -> impl IntoView
where
    S: Fn(String) -> F + Copy + Send + Sync + 'static,
    F: std::future::Future<Output = Vec<DirectoryEntry>> + 'static,
{
    let input = NodeRef::<Input>::new();
    let matches = RwSignal::new(Vec::<DirectoryEntry>::new());
    let chosen = RwSignal::new(None::<DirectoryEntry>);
    let list_id = format!("{id}-matches");
    let on_input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        chosen.set(None);
        on_value.run(typed.clone());
        if typed.trim().chars().count() < 2 {
            matches.set(Vec::new());
            return;
        }
        leptos::task::spawn_local(async move {
            // Only show results that still match what is in the box.
            let found = search(typed.clone()).await;
            let current = input.get_untracked().map(|i| i.value()).unwrap_or_default();
            if current == typed {
                matches.set(found);
            }
        });
    };
    let pick = move |person: DirectoryEntry| {
        if let Some(el) = input.get_untracked() {
            el.set_value(&person.email);
            // A value set by script fires no event: say so, for a form that listens (the
            // order page's rules island).
            #[cfg(feature = "hydrate")]
            crate::ui::island::announce_change(&el);
        }
        on_value.run(person.email.clone());
        matches.set(Vec::new());
        chosen.set(Some(person));
    };
    view! {
        <div class="person-picker">
            <input
                node_ref=input
                id=id
                name=name
                type="email"
                autocomplete="off"
                value=initial
                placeholder="Type a name or email"
                role="combobox"
                aria-autocomplete="list"
                aria-controls=list_id.clone()
                aria-expanded=move || (!matches.with(Vec::is_empty)).to_string()
                aria-invalid=move || invalid.get().then_some("true")
                readonly=move || read_only.get()
                on:input=on_input
                on:blur=move |_| on_blur.run(())
            />
            {move || chosen.get().map(|p| view! { <p class="help picked">{format!("{} · {} · {}", p.name, p.title, p.department)}</p> })}
            <ul id=list_id class="person-matches" role="listbox" hidden=move || matches.with(Vec::is_empty)>
                {move || matches.get().into_iter().map(|person| {
                    let label = format!("{} — {} ({})", person.name, person.email, person.department);
                    view! {
                        <li role="option">
                            <button type="button" class="link-button" on:mousedown=move |ev| {
                                // Before the input's blur, so the choice is not lost.
                                ev.prevent_default();
                                pick(person.clone());
                            } on:click=move |_| {}>{label}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

/// A person field of the order page, which the server renders: the picker is an island of
/// its own, and the form's rules island hears its value through the input's events.
#[cfg_attr(not(feature = "order-bundle"), island(lazy))]
#[cfg_attr(feature = "order-bundle", island)]
pub fn PersonPickerIsland(
    id: String,
    name: String,
    initial: String,
    invalid: bool,
    read_only: bool,
) -> impl IntoView {
    crate::ui::island::hydrated();
    view! {
        <PersonPicker
            id
            name
            initial
            invalid=Signal::derive(move || invalid)
            read_only=Signal::derive(move || read_only)
            on_value=Callback::new(|_: String| {})
            on_blur=Callback::new(|()| {})
            search=fetch_directory
        />
    }
}

/// The directory's matches for what was typed, through the `search_directory` server function.
pub async fn search_directory(typed: String) -> Vec<DirectoryEntry> {
    crate::catalog::api::search_directory(typed)
        .await
        .unwrap_or_default()
}

/// The directory's matches for what was typed: the `search_directory` server function's GET
/// endpoint, fetched plainly (its client would weigh more than the picker).
#[cfg(feature = "hydrate")]
async fn fetch_directory(typed: String) -> Vec<DirectoryEntry> {
    let query: String = form_urlencoded::byte_serialize(typed.as_bytes()).collect();
    let url = format!("/api/search_directory?query={query}");
    match gloo_net::http::Request::get(&url)
        .header("Accept", "application/json")
        .send()
        .await
    {
        Ok(response) if response.ok() => response.json().await.unwrap_or_default(),
        _ => Vec::new(),
    }
}

#[cfg(not(feature = "hydrate"))]
async fn fetch_directory(_typed: String) -> Vec<DirectoryEntry> {
    Vec::new()
}
