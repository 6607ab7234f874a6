//! The WASM entry point: hydrates the islands of the server-rendered page.
//!
//! Atrium runs in Leptos's islands mode: only the `#[island]` components of `app` are compiled
//! into this bundle and brought to life in the browser; everything else stays server-rendered
//! HTML. The islands are lazy (`#[island(lazy)]`, built with `cargo leptos build --split`): this
//! bundle holds what they share, and each page fetches only the chunks of the islands it shows.
//! Built with `order-bundle` (the `atrium-order` project), it is the order page's own bundle:
//! that page's islands in the one module, and no others (see `app::page_bundle`).
//! The `app` crate must stay linked here, or its islands silently disappear from the bundle.

// Keeps `app` (and so the islands it registers) in the bundle.
#[allow(unused_imports)]
use app::*;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
