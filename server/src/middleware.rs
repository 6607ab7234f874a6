//! Request middleware: cross-site request refusal and the sign-in gate for pages.

use app::state::RuntimeSettings;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, Method, StatusCode};
use std::sync::Arc;
use tower_sessions::Session;

/// Refuses state-changing requests that a browser marks as coming from another site.
///
/// Browsers send `Sec-Fetch-Site` on every request (and `Origin` on every POST); a form on
/// another site posting here is refused before it reaches a server function. Non-browser clients
/// (which send neither header) are not affected.
pub async fn reject_cross_site(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let verdict = if let Some(site) = headers.get("sec-fetch-site") {
        matches!(site.as_bytes(), b"same-origin" | b"none")
    } else if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let origin_host = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .map(|(_, authority)| authority);
        matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
    } else {
        true
    };
    if verdict {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "refused a cross-site request");
        (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"error":"Cross-site requests are not allowed."}"#,
        )
            .into_response()
    }
}

/// What every response says about itself to the browser: never sniff types, send the address
/// only within the site, never be framed (clickjacking), and — for everything but the built
/// static files — never be kept in a cache, since pages and server functions carry personal
/// data. Behind TLS, browsers are told to use it always (HSTS). A header a handler set itself
/// (a download's sandboxing policy) is kept.
pub async fn security_headers(
    axum::extract::State(behind_tls): axum::extract::State<bool>,
    req: Request,
    next: Next,
) -> Response {
    let static_file = req.uri().path().starts_with("/pkg/") || req.uri().path() == "/favicon.svg";
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let set = |headers: &mut http::HeaderMap, name, value: &'static str| {
        headers
            .entry(name)
            .or_insert(http::HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
    );
    if !static_file {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    if behind_tls {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}

/// Whether a path is a page (as opposed to an asset, a server function or a probe).
fn is_page(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    !(path.starts_with("/pkg/")
        || path.starts_with("/api/")
        || path == "/login"
        || path == "/healthz"
        || path == "/readyz"
        || last.contains('.'))
}

/// Sends people who are not signed in to the sign-in page, remembering where they were going.
pub async fn require_sign_in(
    State(settings): State<Arc<RuntimeSettings>>,
    session: Session,
    req: Request<Body>,
    next: Next,
) -> Response {
    if req.method() == Method::GET && is_page(req.uri().path()) {
        let signed_in = matches!(
            app::auth::service::signed_in(&session, settings.session_lifetime).await,
            Ok(Some(_))
        );
        if !signed_in {
            let target = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let location = if target == "/" {
                "/login".to_owned()
            } else {
                format!("/login?next={}", percent_encode(target))
            };
            return Redirect::to(&location).into_response();
        }
    }
    next.run(req).await
}

/// Percent-encodes everything but unreserved characters (RFC 3986) and `/`.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The server-function layer answers 500 for a call it could not even decode (wrong types,
/// malformed data); the error it carries says what it was — a bad request — and that is the
/// status the caller gets. Real internal errors stay 500.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let is_call = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_call || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(error.status_code()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_told_from_assets() {
        assert!(is_page("/"));
        assert!(is_page("/requests/REQ-000001"));
        assert!(!is_page("/pkg/atrium.wasm"));
        assert!(!is_page("/api/login"));
        assert!(!is_page("/favicon.ico"));
        assert!(!is_page("/login"));
    }

    #[test]
    fn encodes_query_characters() {
        assert_eq!(
            percent_encode("/my-requests?state=all&x=1"),
            "/my-requests%3Fstate%3Dall%26x%3D1"
        );
    }
}
