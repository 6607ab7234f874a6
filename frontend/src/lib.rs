//! The WASM entry point: hydrates the server-rendered page.

use leptos::prelude::{document, set_timeout};

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Resources streamed with the page resolve in microtasks; a zero-delay timeout runs after
    // them, when every handler is attached. Browser tests (and curious people) can see it.
    set_timeout(
        || {
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
