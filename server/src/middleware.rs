//! Request middleware: cross-site request refusal and the sign-in gate for pages.

use app::auth::service::Visit;
pub use app::domain::redirect::{percent_decode, percent_encode};
use app::state::AppState;
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
/// data. Only a page may run scripts, and only its own. Behind TLS, browsers are told to use
/// it always (HSTS). A header a handler set itself (a download's sandboxing policy) is kept.
pub async fn security_headers(
    axum::extract::State(behind_tls): axum::extract::State<bool>,
    mut req: Request,
    next: Next,
) -> Response {
    let static_file = req.uri().path().starts_with("/pkg/") || req.uri().path() == "/favicon.svg";
    let nonce = PageNonce::new();
    req.extensions_mut().insert(nonce.clone());
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let page = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    if page && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(policy) = http::HeaderValue::from_str(&page_policy(&nonce.0)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    let set = |headers: &mut http::HeaderMap, name, value: &'static str| {
        headers
            .entry(name)
            .or_insert(http::HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(headers, header::CONTENT_SECURITY_POLICY, PLAIN_POLICY);
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

/// The nonce of one response: made before the request is handled, handed to Leptos (which puts
/// it on the page's inline scripts) and named in the page's policy. Made here rather than by
/// Leptos so that the header never depends on what a render did.
#[derive(Clone, Debug)]
pub struct PageNonce(String);

impl PageNonce {
    fn new() -> Self {
        // 128 bits from the thread's cryptographic generator.
        PageNonce(format!("{:032x}", rand::random::<u128>()))
    }
}

/// In a page's rendering context: uses this request's nonce for the page's scripts.
pub fn provide_page_nonce() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// What a page may load: its own files, and only the scripts that carry this response's nonce
/// (Leptos's hydration and streaming scripts) or that those load (`'strict-dynamic'`), plus
/// WebAssembly. Never framed, no plugins, forms post only here.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy of a response that is not a page (server functions, files, probes): nothing may
/// run in it, and it is never framed.
pub const PLAIN_POLICY: &str =
    "default-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

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
///
/// A page opened in a signed-in session reads the session, the person and the page's facts
/// here in one query ([`app::auth::service::read_visit`]), and hands them on in the request's
/// extensions, where the page finds them instead of reading each again.
pub async fn require_sign_in(
    State(state): State<AppState>,
    session: Session,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    if req.method() == Method::GET && is_page(req.uri().path()) {
        let lifetime = state.settings.session_lifetime;
        let visit = match session.id() {
            Some(id) => app::auth::service::read_visit(
                &state.db.conn,
                &crate::session_store::storage_key(&id),
                chrono::Utc::now().timestamp(),
                lifetime,
            )
            .await
            .unwrap_or_else(|error| {
                tracing::warn!(%error, "reading the visit; the session is read the usual way");
                None
            }),
            None => None,
        };
        let signed_in = match visit {
            Some(visit) => {
                req.extensions_mut().insert(app::db::page_facts::Preloaded {
                    user_id: visit.user.id.0,
                    facts: visit.facts,
                });
                req.extensions_mut().insert(Arc::new(visit));
                true
            }
            // A session to move on or end, or none: the session layer's way (and a person
            // no longer active is signed out either way).
            None => match app::auth::service::signed_in(&session, lifetime).await {
                Ok(Some(id)) => matches!(
                    app::auth::service::load_session_user(&state.db.conn, id).await,
                    Ok(Some(_))
                ),
                _ => false,
            },
        };
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

/// Session key of the errors of plain form posts waiting to be shown (id → path and error).
const FLASH_KEY: &str = "form_errors";
/// Errors kept per session at most (the oldest goes first).
const FLASH_KEPT: usize = 5;

/// A form posted without JavaScript that fails is sent back to its page with the error (which
/// echoes the answers, so that nothing typed is lost). Leptos puts that error in the redirect's
/// URL (`?__path=…&__err=…`), where the answers would travel and stay in history and logs, and
/// where anyone could craft a link that shows a form filled with their answers (someone
/// else's bank account in the personal-details form) or any error text.
///
/// Instead, the error is kept in the poster's session under a random id, and the URL carries
/// only that id (`?__form_error=…`). When the page is opened, the error is taken out of the
/// session (once) and handed to Leptos. `__path` and `__err` that arrive in a URL are dropped.
pub async fn form_errors_in_session(session: Session, request: Request, next: Next) -> Response {
    let is_call = request.uri().path().starts_with("/api/");
    let request = if is_call {
        request
    } else {
        let request = restore_notice(&session, request).await;
        restore_form_error(&session, request).await
    };
    let mut response = next.run(request).await;
    if !is_call {
        return response;
    }
    // A confirmation travels to the page the redirect leads to, never to the browser.
    let notice = response
        .headers_mut()
        .remove(app::ui::notice::HEADER)
        .and_then(|v| v.to_str().ok().map(percent_decode));
    if !response.status().is_redirection() {
        return response;
    }
    let redirect_path = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(location_path);
    if let (Some(text), Some(path)) = (notice, redirect_path) {
        keep_notice(&session, path, text).await;
    }
    keep_form_error(&session, response).await
}

/// Session key of the confirmations of plain form posts waiting to be shown (page → text).
const NOTICE_KEY: &str = "notices";

/// Keeps a server function's confirmation in the session for the page its redirect leads to.
/// (Keyed by that page's path: the address stays as it is, and the notice is shown once.)
async fn keep_notice(session: &Session, path: String, text: String) {
    let mut kept: Vec<(String, String)> = session
        .get(NOTICE_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    kept.retain(|(page, _)| *page != path);
    kept.push((path, text));
    if kept.len() > FLASH_KEPT {
        kept.remove(0);
    }
    let _ = session.insert(NOTICE_KEY, kept).await;
}

/// The path a redirect leads to: a no-JavaScript form post is sent back to its `Referer`, an
/// absolute address, while a page is later opened by its path.
fn location_path(location: &str) -> String {
    let without_query = split_query(location).0;
    match without_query.split_once("://") {
        Some((_, rest)) => match rest.find('/') {
            Some(at) => rest[at..].to_owned(),
            None => "/".to_owned(),
        },
        None => without_query,
    }
}

/// Hands a page the confirmation waiting for it (taking it out of the session). Only for a
/// page being opened (a GET that accepts HTML): scripts and styles never read the session.
async fn restore_notice(session: &Session, mut request: Request) -> Request {
    let opens_page = request.method() == Method::GET
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    if !opens_page {
        return request;
    }
    let path = request.uri().path().to_owned();
    // Read with the visit: a notice for this page is rare, and only then is the session read.
    if let Some(visit) = request.extensions().get::<Arc<Visit>>() {
        let waiting = visit
            .session
            .get(NOTICE_KEY)
            .and_then(|kept| serde_json::from_value::<Vec<(String, String)>>(kept.clone()).ok())
            .is_some_and(|kept| kept.iter().any(|(page, _)| *page == path));
        if !waiting {
            return request;
        }
    }
    let Ok(Some(mut kept)) = session.get::<Vec<(String, String)>>(NOTICE_KEY).await else {
        return request;
    };
    if let Some(at) = kept.iter().position(|(page, _)| *page == path) {
        let (_, text) = kept.remove(at);
        let _ = session.insert(NOTICE_KEY, kept).await;
        request
            .extensions_mut()
            .insert(app::ui::notice::Notice(text));
    }
    request
}

/// Moves `__path`/`__err` from a redirect's Location into the session.
async fn keep_form_error(session: &Session, mut response: Response) -> Response {
    let Some(location) = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return response;
    };
    let (rest, pairs) = split_query(&location);
    let (error, path) = (find(&pairs, "__err"), find(&pairs, "__path"));
    let (Some(error), Some(path)) = (error, path) else {
        return response;
    };
    let id = format!("{:032x}", rand::random::<u128>());
    let mut kept: Vec<(String, String, String)> = session
        .get(FLASH_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    kept.push((id.clone(), path, error));
    if kept.len() > FLASH_KEPT {
        kept.remove(0);
    }
    if session.insert(FLASH_KEY, kept).await.is_err() {
        return response;
    }
    let mut pairs: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(k, _)| k != "__err" && k != "__path")
        .collect();
    pairs.push(("__form_error".into(), id));
    if let Ok(value) = http::HeaderValue::from_str(&join_query(&rest, &pairs)) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Drops `__path`/`__err` from a page's URL, and puts back the session's error named by
/// `__form_error` (taking it out of the session).
async fn restore_form_error(session: &Session, mut request: Request) -> Request {
    let Some(query) = request.uri().query() else {
        return request;
    };
    if !query.contains("__") {
        return request;
    }
    let (path, pairs) = split_query(&request.uri().to_string());
    let wanted = find(&pairs, "__form_error");
    let mut pairs: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(k, _)| k != "__err" && k != "__path" && k != "__form_error")
        .collect();
    if let Some(wanted) = wanted {
        let mut kept: Vec<(String, String, String)> = session
            .get(FLASH_KEY)
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        if let Some(at) = kept.iter().position(|(id, _, _)| *id == wanted) {
            let (_, fn_path, error) = kept.remove(at);
            let _ = session.insert(FLASH_KEY, kept).await;
            pairs.push(("__path".into(), fn_path));
            pairs.push(("__err".into(), error));
        }
    }
    if let Ok(uri) = join_query(&path, &pairs).parse() {
        *request.uri_mut() = uri;
    }
    request
}

/// `a?x=1&y=2` → (`a`, [(x, 1), (y, 2)]), decoded.
fn split_query(url: &str) -> (String, Vec<(String, String)>) {
    match url.split_once('?') {
        Some((rest, query)) => (
            rest.to_owned(),
            query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    (percent_decode(k), percent_decode(v))
                })
                .collect(),
        ),
        None => (url.to_owned(), Vec::new()),
    }
}

fn join_query(rest: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return rest.to_owned();
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect();
    format!("{rest}?{}", query.join("&"))
}

fn find(pairs: &[(String, String)], key: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
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

    #[test]
    fn a_redirect_is_keyed_by_its_path() {
        assert_eq!(
            location_path("http://127.0.0.1:3000/requests/REQ-000001?x=1"),
            "/requests/REQ-000001"
        );
        assert_eq!(location_path("https://example.org"), "/");
        assert_eq!(location_path("/approvals?__form_error=1"), "/approvals");
    }
}
