//! HTTP tests through the real router (`tower::ServiceExt::oneshot`): sign-in, sessions,
//! authorisation, cross-site refusal, health.

use app::db::{request, user, Db};
use axum::body::Body;
use axum::Router;
use http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use server::bench::sign_in;
use server::seed::{seed_organisation, DEMO_PASSWORD};
use tower::ServiceExt;

/// Router tests run one at a time. Each builds a whole Leptos application in-process; with
/// several on parallel test threads we twice saw a page request never answer (not reproduced
/// with one at a time, nor in the server, which builds one router). Until that is understood,
/// they take turns, and every request has a deadline so a hang fails with its name.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    SERIAL.lock().await
}

const EMPLOYEE: &str = "emma.clark@atrium.example";
const OTHER: &str = "daniel.novak@atrium.example";

async fn app() -> (Router, Db) {
    let db = server::testkit::fresh_sqlite().await;
    seed_organisation(&db).await.expect("seed");
    // A request each for the two employees the tests sign in as (an IT one, in the queue).
    for email in [EMPLOYEE, OTHER] {
        let person = server::testkit::person(&db, email).await;
        let answers = [("size", "27"), ("quantity", "1"), ("location", "office")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        app::requests::service::submit(&db, &person, "extra-monitor", answers)
            .await
            .expect("submit");
    }
    let state = server::app_state(
        db.clone(),
        server::testkit::fresh_files(),
        server::leptos_options(
            std::path::Path::new("target/site"),
            ([127, 0, 0, 1], 3000).into(),
        ),
        app::state::RuntimeSettings {
            secure_cookies: false,
        },
    );
    (server::router(state, 60), db)
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, http::HeaderMap, String) {
    let what = format!("{} {}", req.method(), req.uri());
    let response =
        tokio::time::timeout(std::time::Duration::from_secs(60), app.clone().oneshot(req))
            .await
            .unwrap_or_else(|_| panic!("{what} did not answer within 60 s"))
            .expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(path);
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    builder.body(Body::empty()).expect("request")
}

fn login_request() -> http::request::Builder {
    Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
}

async fn someones_request(db: &Db, email: &str) -> String {
    let owner = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&db.conn)
        .await
        .expect("query")
        .expect("user");
    let row = request::Entity::find()
        .filter(request::Column::RequesterId.eq(owner.id))
        .order_by_desc(request::Column::Id)
        .one(&db.conn)
        .await
        .expect("query")
        .expect("every test employee has a request");
    format!("REQ-{:06}", row.id)
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let _serial = serial().await;
    let (app, _) = app().await;
    assert_eq!(send(&app, get("/healthz", None)).await.0, StatusCode::OK);
    assert_eq!(send(&app, get("/readyz", None)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn pages_send_strangers_to_sign_in_and_remember_where_they_were_going() {
    let _serial = serial().await;
    let (app, _) = app().await;
    let (status, headers, _) = send(&app, get("/my-requests?state=all", None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers.get(header::LOCATION).and_then(|v| v.to_str().ok()),
        Some("/login?next=/my-requests%3Fstate%3Dall")
    );
    let (status, _, body) = send(&app, get("/login", None)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Sign in to Atrium"));
    // Server functions refuse strangers too, with a JSON error and 401.
    let (status, _, body) = send(&app, get("/api/list_my_requests", None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test]
async fn wrong_password_is_refused_with_a_clear_message() {
    let _serial = serial().await;
    let (app, _) = app().await;
    let body = format!("email={EMPLOYEE}&password=nope");
    let (status, headers, text) =
        send(&app, login_request().body(Body::from(body)).expect("req")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("do not match an account"), "{text}");
    assert!(
        headers.get(header::SET_COOKIE).is_none(),
        "no session for a failed sign-in"
    );
}

#[tokio::test]
async fn sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session() {
    let _serial = serial().await;
    let (app, _) = app().await;
    let body = format!("email={EMPLOYEE}&password={DEMO_PASSWORD}");
    let (status, headers, _) =
        send(&app, login_request().body(Body::from(body)).expect("req")).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    let set_cookie = headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("cookie")
        .to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().expect("pair").to_owned();

    let (status, _, page) = send(&app, get("/my-requests", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("My requests") && page.contains("request-table"));

    let logout = Request::post("/api/logout")
        .header(header::COOKIE, &cookie)
        .header(header::ACCEPT, "application/json")
        .body(Body::empty())
        .expect("req");
    let (status, _, _) = send(&app, logout).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    // The old cookie no longer opens anything.
    let (status, _, _) = send(&app, get("/my-requests", Some(&cookie))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn another_users_request_is_not_found_by_page_or_api() {
    let _serial = serial().await;
    let (app, db) = app().await;
    let cookie = sign_in(&app, EMPLOYEE, DEMO_PASSWORD)
        .await
        .expect("sign in");
    let theirs = someones_request(&db, OTHER).await;
    let (status, _, body) = send(&app, get(&format!("/requests/{theirs}"), Some(&cookie))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "page");
    assert!(body.contains("was not found"));
    let (status, _, _) = send(
        &app,
        get(&format!("/api/get_request?number={theirs}"), Some(&cookie)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "api");
    // Their own request opens.
    let mine = someones_request(&db, EMPLOYEE).await;
    let (status, _, body) = send(&app, get(&format!("/requests/{mine}"), Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&mine));
}

#[tokio::test]
async fn employees_get_403_for_the_agent_queue() {
    let _serial = serial().await;
    let (app, _) = app().await;
    let cookie = sign_in(&app, EMPLOYEE, DEMO_PASSWORD)
        .await
        .expect("sign in");
    let (status, _, body) = send(&app, get("/queue", Some(&cookie))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("No access"));
    let agent = sign_in(&app, "ivan.petrov@atrium.example", DEMO_PASSWORD)
        .await
        .expect("agent");
    let (status, _, body) = send(&app, get("/queue", Some(&agent))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("request-table"));
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let _serial = serial().await;
    let (app, _) = app().await;
    let cookie = sign_in(&app, EMPLOYEE, DEMO_PASSWORD)
        .await
        .expect("sign in");
    let body = "item=extra-monitor&answers[size]=27&answers[quantity]=1&answers[location]=office";
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ] {
        let req = Request::post("/api/submit_request")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "127.0.0.1:3000")
            .header(name, value)
            .body(Body::from(body))
            .expect("req");
        let (status, _, text) = send(&app, req).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {text}");
    }
    // The same post from the site itself goes through.
    let req = Request::post("/api/submit_request")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .expect("req");
    let (status, _, text) = send(&app, req).await;
    assert!(
        status.is_success() || status.is_redirection(),
        "{status}: {text}"
    );
}

#[tokio::test]
async fn invalid_order_gets_422_with_field_errors() {
    let _serial = serial().await;
    let (app, _) = app().await;
    let cookie = sign_in(&app, EMPLOYEE, DEMO_PASSWORD)
        .await
        .expect("sign in");
    let req = Request::post("/api/submit_request")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from("item=extra-monitor&answers[size]=27"))
        .expect("req");
    let (status, _, text) = send(&app, req).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("Deliver to is required."), "{text}");
}

#[tokio::test]
async fn signing_in_rotates_the_session_id() {
    let _serial = serial().await;
    let (app, _) = app().await;
    let first = sign_in(&app, EMPLOYEE, DEMO_PASSWORD)
        .await
        .expect("sign in");
    // Signing in again from the same browser (sending the old cookie) must issue a new id.
    let body = format!("email={OTHER}&password={DEMO_PASSWORD}");
    let req = Request::post("/api/login")
        .header(header::COOKIE, &first)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(body))
        .expect("req");
    let (status, headers, _) = send(&app, req).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    let second = headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("a new cookie")
        .to_owned();
    assert_ne!(first, second, "the session id changes at sign-in");
    // The old id no longer opens a session.
    let (status, _, _) = send(&app, get("/my-requests", Some(&first))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, page) = send(&app, get("/my-requests", Some(&second))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Daniel Novak"));
}

#[tokio::test]
async fn repeated_failed_sign_ins_are_rate_limited() {
    let _serial = serial().await;
    let (app, _) = app().await;
    let attempt = |password: &'static str| {
        let app = app.clone();
        async move {
            let body = format!("email={OTHER}&password={password}");
            send(&app, login_request().body(Body::from(body)).expect("req")).await
        }
    };
    for _ in 0..app::auth::service::LOGIN_FAILURE_LIMIT {
        assert_eq!(attempt("wrong").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Even the right password is refused now; the page shows the error's message.
    let (status, _, body) = attempt(DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let error: app::error::AppError = serde_json::from_str(&body).expect("a JSON error");
    assert!(error.to_string().contains("Wait 15 minutes"), "{error}");
    // Other accounts are not affected.
    assert!(sign_in(&app, EMPLOYEE, DEMO_PASSWORD).await.is_ok());
}

const FINANCE_AGENT: &str = "farah.haddad@atrium.example";
/// The smallest file that is recognisably a PDF by its content.
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00";

fn upload(cookie: &str, item: &str, field: &str, name: &str, bytes: &[u8]) -> Request<Body> {
    let boundary = "atrium-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(format!("/attachments?item={item}&field={field}"))
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("req")
}

fn expense_claim(cookie: &str, receipt: &str) -> Request<Body> {
    Request::post("/api/submit_request")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(format!(
            "item=expense-reimbursement&answers[amount]=42.50&answers[currency]=EUR\
             &answers[spent_on]=2026-11-02&answers[category]=meals\
             &answers[description]=Team+lunch+with+a+client&answers[receipt]={receipt}"
        )))
        .expect("req")
}

#[tokio::test]
async fn uploads_are_checked_by_content_and_downloaded_only_by_those_who_may_see_them() {
    let _serial = serial().await;
    let (app, _) = app().await;
    let employee = sign_in(&app, EMPLOYEE, DEMO_PASSWORD)
        .await
        .expect("sign in");
    let item = "expense-reimbursement";

    // The content decides the type: a PNG named .pdf, a page named .pdf, a file too big.
    let (status, _, text) =
        send(&app, upload(&employee, item, "receipt", "receipt.pdf", PNG)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("should end in .png"), "{text}");
    let page = b"<html><script>alert(1)</script></html>";
    let (status, _, text) = send(
        &app,
        upload(&employee, item, "receipt", "receipt.pdf", page),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    let mut big = PDF.to_vec();
    big.resize(5 * 1024 * 1024 + 1, b' ');
    let (status, _, text) = send(&app, upload(&employee, item, "receipt", "big.pdf", &big)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("larger than the limit of 5 MB"), "{text}");
    let (status, _, text) = send(&app, upload(&employee, item, "amount", "r.pdf", PDF)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("not a file field"), "{text}");
    // Strangers cannot upload at all.
    let (status, _, _) = send(&app, upload("", item, "receipt", "r.pdf", PDF)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A good PDF is accepted and referenced by the submitted request.
    let (status, _, text) = send(
        &app,
        upload(&employee, item, "receipt", "Receipt été.pdf", PDF),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let uploaded: serde_json::Value = serde_json::from_str(&text).expect("json");
    let token = uploaded["token"].as_str().expect("token").to_owned();
    assert_eq!(uploaded["content_type"], "application/pdf");
    let (status, _, text) = send(&app, expense_claim(&employee, &token)).await;
    assert!(status.is_success(), "{status} {text}");

    // The same upload cannot be used by a second request.
    let (status, _, text) = send(&app, expense_claim(&employee, &token)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("no longer available"), "{text}");

    // The requester and the department's agents download it; anyone else gets 404.
    let path = format!("/attachments/{token}");
    let (status, headers, body) = send(&app, get(&path, Some(&employee))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_bytes(), PDF);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()
        .expect("ascii")
        .starts_with("attachment;"));
    let agent = sign_in(&app, FINANCE_AGENT, DEMO_PASSWORD)
        .await
        .expect("sign in");
    assert_eq!(send(&app, get(&path, Some(&agent))).await.0, StatusCode::OK);
    let other = sign_in(&app, OTHER, DEMO_PASSWORD).await.expect("sign in");
    assert_eq!(
        send(&app, get(&path, Some(&other))).await.0,
        StatusCode::NOT_FOUND
    );
    let probe = "/attachments/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
    assert_eq!(
        send(&app, get(probe, Some(&other))).await.0,
        StatusCode::NOT_FOUND
    );
}

fn comment_upload(cookie: &str, number: &str, name: &str, bytes: &[u8]) -> Request<Body> {
    let mut req = upload(cookie, "", "", name, bytes);
    *req.uri_mut() = format!("/attachments?request={number}")
        .parse()
        .expect("uri");
    req
}

fn comment(cookie: &str, number: &str, body: &str, internal: bool, files: &str) -> Request<Body> {
    Request::post("/api/add_comment")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(format!(
            "number={number}&body={body}&files={files}{}",
            if internal { "&internal=true" } else { "" }
        )))
        .expect("req")
}

fn token_of(text: &str) -> String {
    let uploaded: serde_json::Value = serde_json::from_str(text).expect("json");
    uploaded["token"].as_str().expect("token").to_owned()
}

#[tokio::test]
async fn files_on_comments_follow_who_may_read_the_comment() {
    let _serial = serial().await;
    let (app, db) = app().await;
    let employee = sign_in(&app, EMPLOYEE, DEMO_PASSWORD)
        .await
        .expect("sign in");
    let agent = sign_in(&app, FINANCE_AGENT, DEMO_PASSWORD)
        .await
        .expect("sign in");
    let other = sign_in(&app, OTHER, DEMO_PASSWORD).await.expect("sign in");
    // A Finance request of the employee's.
    let (_, _, text) = send(
        &app,
        upload(&employee, "expense-reimbursement", "receipt", "r.pdf", PDF),
    )
    .await;
    let (status, _, text) = send(&app, expense_claim(&employee, &token_of(&text))).await;
    assert!(status.is_success(), "{text}");
    let number = someones_request(&db, EMPLOYEE).await;

    // The employee attaches a file to a public comment: the agent downloads it, others cannot.
    let (status, _, text) = send(&app, comment_upload(&employee, &number, "quote.pdf", PDF)).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let public = token_of(&text);
    let (status, _, text) = send(
        &app,
        comment(&employee, &number, "Here+is+the+quote", false, &public),
    )
    .await;
    assert!(status.is_success(), "{status} {text}");
    let path = format!("/attachments/{public}");
    assert_eq!(send(&app, get(&path, Some(&agent))).await.0, StatusCode::OK);
    assert_eq!(
        send(&app, get(&path, Some(&other))).await.0,
        StatusCode::NOT_FOUND
    );
    // One upload, one comment.
    let (status, _, text) = send(&app, comment(&employee, &number, "Again", false, &public)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");

    // A file on an internal note is for those who work on the request only.
    let (_, _, text) = send(
        &app,
        comment_upload(&agent, &number, "supplier-terms.pdf", PDF),
    )
    .await;
    let internal = token_of(&text);
    let (status, _, text) = send(&app, comment(&agent, &number, "Terms", true, &internal)).await;
    assert!(status.is_success(), "{status} {text}");
    let path = format!("/attachments/{internal}");
    assert_eq!(send(&app, get(&path, Some(&agent))).await.0, StatusCode::OK);
    assert_eq!(
        send(&app, get(&path, Some(&employee))).await.0,
        StatusCode::NOT_FOUND
    );

    // Someone who may not see the request cannot upload to it.
    let (status, _, _) = send(&app, comment_upload(&other, &number, "x.pdf", PDF)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// After signing in, a crafted `next` never leads off the site: not with a tab that browsers
/// drop (`/%09/evil.example` arrives as `/\t/evil.example`), not with a backslash, not as a
/// full address. A page of the site is followed.
#[tokio::test]
async fn sign_in_redirects_only_to_pages_of_this_site() {
    let _serial = serial().await;
    let (app, _) = app().await;
    for (next, expected) in [
        ("/%09/evil.example", "/"),
        ("/%0A/evil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/my-requests%3Fstate%3Dall", "/my-requests?state=all"),
    ] {
        let body = format!("email={EMPLOYEE}&password={DEMO_PASSWORD}&next={next}");
        let request = Request::post("/api/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            // A plain form post, as a browser without JavaScript sends it.
            .header(header::ACCEPT, "text/html")
            .body(Body::from(body))
            .expect("req");
        let (status, headers, _) = send(&app, request).await;
        assert!(status.is_redirection(), "{next}: {status}");
        let location = headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert_eq!(location, expected, "{next}");
    }
}

/// Pages and server functions tell the browser not to sniff, not to leak the address, not to
/// be framed and not to be cached (they carry personal data); a download keeps its own
/// sandboxing policy.
#[tokio::test]
async fn responses_carry_the_security_headers() {
    let _serial = serial().await;
    let (app, _) = app().await;
    let cookie = sign_in(&app, EMPLOYEE, DEMO_PASSWORD)
        .await
        .expect("sign in");
    for path in ["/login", "/my-requests", "/api/list_notifications"] {
        let cookie = (path != "/login").then_some(cookie.as_str());
        let (status, headers, _) = send(&app, get(path, cookie)).await;
        assert!(status.is_success(), "{path}: {status}");
        let header = |name: header::HeaderName| {
            headers
                .get(&name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(header(header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{path}");
        assert_eq!(header(header::REFERRER_POLICY), "same-origin", "{path}");
        assert!(
            header(header::CONTENT_SECURITY_POLICY).contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(header(header::CACHE_CONTROL), "no-store", "{path}");
        // Plain HTTP here: no HSTS (it would pin browsers to a TLS that is not there).
        assert!(
            headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
            "{path}"
        );
    }
}

/// Log lines written during a test, kept in memory.
#[derive(Clone, Default)]
struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("logs").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_failed_sign_in_cannot_forge_log_lines() {
    let _turn = serial().await;
    let (app, _db) = app().await;
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    // An "email" that would start a second, official-looking line if written as it is.
    let forged =
        "x@example.org\n2026-11-30T00:00:00Z  INFO sign-in succeeded email=admin@atrium.example";
    let body = format!(
        "email={}&password=wrong",
        forged
            .replace('\n', "%0A")
            .replace(' ', "+")
            .replace('=', "%3D")
            .replace(':', "%3A")
    );
    let (status, _, _) = send(&app, login_request().body(Body::from(body)).expect("req")).await;
    assert!(status.is_client_error(), "{status}");
    let written = String::from_utf8(logs.0.lock().expect("logs").clone()).expect("utf-8");
    assert!(written.contains("failed sign-in"), "{written}");
    assert!(
        written
            .lines()
            .all(|line| !line.starts_with("2026-11-30T00:00:00Z")),
        "a forged line reached the log: {written}"
    );
}

#[tokio::test]
async fn data_that_cannot_be_read_is_refused_without_being_echoed() {
    let _turn = serial().await;
    let (app, _db) = app().await;
    let cookie = sign_in(&app, EMPLOYEE, DEMO_PASSWORD)
        .await
        .expect("sign in");
    // A field type that does not exist: the JSON parser names it in its message.
    let body = r#"{"slug":"x","definition":{"fields":[{"key":"a","label":"A","type":"<script>alert(1)</script>"}]},"draft_version":1}"#;
    let call = Request::post("/api/save_draft")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(body))
        .expect("req");
    let (status, _, answer) = send(&app, call).await;
    assert!(status.is_client_error(), "{status}: {answer}");
    assert!(!answer.contains("<script>"), "{answer}");
    assert!(!answer.contains("alert(1)"), "{answer}");
}
