//! The WASM entry point: hydrates the islands of the server-rendered page.
//!
//! Atrium runs in Leptos's islands mode: only the `#[island]` components of `app` are compiled
//! into this bundle and brought to life in the browser; everything else stays server-rendered
//! HTML. The `app` crate must stay linked here, or its islands silently disappear from the
//! bundle.

use leptos::prelude::{document, set_timeout};

// Keeps `app` (and so the islands it registers) in the bundle.
#[allow(unused_imports)]
use app::*;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // The islands hydrate synchronously above; resources they stream resolve in microtasks,
    // and a zero-delay timeout runs after them, when every handler is attached. Browser tests
    // (and curious people) can see it.
    set_timeout(
        || {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
