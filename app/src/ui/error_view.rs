//! How errors look: a clear message, the right HTTP status on the server, and a way on.

use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the response status while rendering on the server; does nothing in the browser.
pub fn set_http_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(options), Ok(code)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        options.set_status(code);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// A whole-page error.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    set_http_status(error.status_code());
    let (title, hint) = match &error {
        AppError::Unauthenticated => ("Please sign in", Some(("Sign in", "/login".to_owned()))),
        AppError::Forbidden => ("No access", Some(("Go to the catalog", "/".to_owned()))),
        AppError::NotFound(_) => ("Not found", Some(("Go to the catalog", "/".to_owned()))),
        _ => ("Something went wrong", None),
    };
    let code = error.status_code();
    view! {
        <Title text=title/>
        <section class="error-page" role="alert">
            <p class="error-code">{format!("Error {code}")}</p>
            <h1>{title}</h1>
            <p>{error.to_string()}</p>
            {hint.map(|(label, href)| view! { <p><a href=href>{label}</a></p> })}
        </section>
    }
}

/// The page for unknown addresses.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <ErrorView error=AppError::NotFound("This page".into())/> }
}

/// A small inline error, e.g. under a form.
#[component]
pub fn InlineError(error: AppError) -> impl IntoView {
    view! { <p class="inline-error" role="alert">{error.to_string()}</p> }
}
