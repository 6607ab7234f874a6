//! What every island does when it comes to life in the browser.

/// Counts the island as hydrated on `<body data-islands="N">`, once its handlers are attached.
/// A page is ready for a person (and a browser test) when every `<leptos-island>` on it has
/// counted itself; lazy islands arrive later than the page's script, so one flag would not do.
pub fn hydrated() {
    #[cfg(feature = "hydrate")]
    leptos::prelude::Effect::new(|_| {
        if let Some(body) = leptos::prelude::document().body() {
            let seen = body
                .get_attribute("data-islands")
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or(0);
            let _ = body.set_attribute("data-islands", &(seen + 1).to_string());
        }
    });
}

/// Tells whoever listens on the page that script changed a control's value (setting `value`
/// fires no event of its own): a bubbling `change` event, as if the person had changed it.
#[cfg(feature = "hydrate")]
pub fn announce_change(element: &leptos::web_sys::EventTarget) {
    let init = leptos::web_sys::EventInit::new();
    init.set_bubbles(true);
    if let Ok(event) = leptos::web_sys::Event::new_with_event_init_dict("change", &init) {
        let _ = element.dispatch_event(&event);
    }
}
