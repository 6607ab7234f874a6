//! One-line confirmations after a form ("Approved.", "Saved."), shown at the top of the next
//! page.
//!
//! Forms outside islands post the plain way: the server function answers with a redirect
//! back to the page. A server function that has something to confirm says it with [`say`];
//! the text travels in a response header that the server's middleware moves into the poster's
//! session, for the page the redirect leads to; opening that page takes it out again and hands
//! it to the layout ([`current`]), once.

/// The response header a server function's confirmation travels in, to the middleware.
pub const HEADER: &str = "x-atrium-notice";

/// A confirmation taken out of the session for the page being rendered (a request extension).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice(pub String);

/// Says `text` on the page the poster is sent back to. Does nothing where there is no page
/// response (a call from an island reads the function's own result instead).
#[cfg(feature = "ssr")]
pub fn say(text: &str) {
    use leptos::prelude::use_context;
    let encoded = crate::domain::redirect::percent_encode(text);
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&encoded),
    ) {
        response.insert_header(http::HeaderName::from_static(HEADER), value);
    }
}

/// The confirmation for the page being rendered, if its form's function said one.
pub fn current() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Notice>().map(|n| n.0.clone()))
    }
    #[cfg(not(feature = "ssr"))]
    None
}
