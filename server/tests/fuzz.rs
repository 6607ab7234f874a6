//! Fuzzing every server function and route with random and malformed input: wrong types,
//! huge strings, deep JSON, invalid UTF-8, thousands of keys, garbage bodies, odd paths. Not
//! one answer may be a 5xx, and nothing may panic (a panic in a handler fails the test).
//!
//! `ATRIUM_FUZZ_CASES` cases per endpoint (default 1,000; set more for a long run), from seed
//! `ATRIUM_FUZZ_SEED` (default: a new one, printed, so a failure can be replayed).
//! The caller is signed in as the system admin (the most code paths) and, for a tenth of the
//! cases, as the employee who owns the records.

mod common;

use axum::body::Body;
use common::matrix::*;
use http::{header, Method, Request};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;

/// Argument names of a row's call (`a=1&b[c]=2` → `a`, `b[c]`).
fn keys(args: &str) -> Vec<String> {
    args.split('&')
        .filter_map(|pair| pair.split_once('=').map(|(k, _)| k.to_owned()))
        .filter(|k| !k.is_empty())
        .collect()
}

const ODD_VALUES: &[&str] = &[
    "",
    "-1",
    "0",
    "99999999999999999999999999",
    "-9223372036854775809",
    "1e309",
    "NaN",
    "true",
    "null",
    "%00",
    "%FF%FE%FD",
    "%C3%28",
    "%ED%A0%80",
    "%E2%80%AE%F0%9F%98%80",
    "REQ-000000",
    "REQ-999999999999",
    "..%2F..%2Fetc%2Fpasswd",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "'%3B+DROP+TABLE+requests%3B--",
    "%25",
    "%",
    "%%%",
    "a%26b%3Dc",
    "%0D%0ASet-Cookie:+x=1",
];

fn random_text(rng: &mut StdRng, max: usize) -> String {
    let len = rng.gen_range(0..=max);
    (0..len)
        .map(|_| match rng.gen_range(0..4) {
            0 => char::from(rng.gen_range(b'a'..=b'z')),
            1 => char::from(rng.gen_range(0x20_u8..0x7f)),
            2 => char::from_u32(rng.gen_range(0x80..0x2_FFFF)).unwrap_or('?'),
            _ => ['{', '}', '[', ']', '"', '\\', '&', '=', '%', '\n', '\0'][rng.gen_range(0..11)],
        })
        .collect()
}

fn value(rng: &mut StdRng) -> String {
    match rng.gen_range(0..6) {
        0 => ODD_VALUES[rng.gen_range(0..ODD_VALUES.len())].to_owned(),
        1 => server::middleware::percent_encode(&random_text(rng, 40)),
        2 => "x".repeat(rng.gen_range(10_000..200_000)),
        3 => rng.gen::<i64>().to_string(),
        4 => format!("{}", rng.gen::<f64>()),
        _ => (0..rng.gen_range(1..8))
            .map(|_| format!("%{:02X}", rng.gen::<u8>()))
            .collect(),
    }
}

/// A form body (or query) for an endpoint whose arguments are `keys`.
fn form(rng: &mut StdRng, keys: &[String]) -> Vec<u8> {
    match rng.gen_range(0..8) {
        // The right names, odd values.
        0..=2 => {
            let mut pairs = Vec::new();
            for k in keys {
                if rng.gen_bool(0.8) {
                    pairs.push(format!("{k}={}", value(rng)));
                }
            }
            pairs.join("&").into_bytes()
        }
        // Names in odd shapes: nested, arrays, repeated.
        3 => keys
            .iter()
            .flat_map(|k| {
                let shapes = [
                    format!("{k}[]={}", value(rng)),
                    format!("{k}[a][b][c]={}", value(rng)),
                    format!("{k}={}&{k}={}", value(rng), value(rng)),
                    k.to_string(),
                    format!("{k}=="),
                ];
                vec![shapes[rng.gen_range(0..shapes.len())].clone()]
            })
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes(),
        // Thousands of keys.
        4 => (0..rng.gen_range(1_000..5_000))
            .map(|n| format!("k{n}[{}]={}", n % 7, n))
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes(),
        // Random bytes.
        5 => (0..rng.gen_range(0..2_000)).map(|_| rng.gen()).collect(),
        // JSON where a form was expected.
        6 => json(rng, keys),
        // A deep nesting of one key.
        _ => {
            let depth = rng.gen_range(100..5_000);
            let key = keys.first().cloned().unwrap_or_else(|| "x".into());
            format!("{key}{}=1", "[a]".repeat(depth)).into_bytes()
        }
    }
}

/// A JSON body for an endpoint whose arguments are `keys`.
fn json(rng: &mut StdRng, keys: &[String]) -> Vec<u8> {
    match rng.gen_range(0..5) {
        0 => {
            let depth = rng.gen_range(100..100_000);
            format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes()
        }
        1 => {
            let depth = rng.gen_range(100..50_000);
            let key = keys.first().cloned().unwrap_or_else(|| "x".into());
            format!(
                "{}1{}",
                format!("{{\"{key}\":").repeat(depth),
                "}".repeat(depth)
            )
            .into_bytes()
        }
        2 => (0..rng.gen_range(0..2_000)).map(|_| rng.gen()).collect(),
        _ => {
            let mut object = serde_json::Map::new();
            for key in keys {
                let key = key.split('[').next().unwrap_or(key).to_owned();
                object.insert(key, random_json(rng, 3));
            }
            serde_json::Value::Object(object).to_string().into_bytes()
        }
    }
}

fn random_json(rng: &mut StdRng, depth: u32) -> serde_json::Value {
    use serde_json::Value;
    match rng.gen_range(0..if depth == 0 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.gen()),
        2 => Value::from(rng.gen::<i64>()),
        3 => Value::from(rng.gen::<f64>()),
        4 => Value::from(random_text(rng, 200)),
        5 => Value::Array(
            (0..rng.gen_range(0..5))
                .map(|_| random_json(rng, depth - 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.gen_range(0..5))
                .map(|n| (format!("k{n}"), random_json(rng, depth - 1)))
                .collect(),
        ),
    }
}

/// A random case for a row: method, URI, content type and body.
fn case(
    rng: &mut StdRng,
    call: Call,
    methods: &BTreeMap<String, Method>,
    values: &BTreeMap<&'static str, String>,
) -> Request<Body> {
    let json_accept = rng.gen_bool(0.7);
    let builder = |method: Method, uri: String, content_type: Option<&str>| {
        let mut b = Request::builder().method(method).uri(uri);
        b = b.header(
            header::ACCEPT,
            if json_accept {
                "application/json"
            } else {
                "text/html"
            },
        );
        if let Some(ct) = content_type {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        b
    };
    let content_types = [
        "application/x-www-form-urlencoded",
        "application/json",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/x-www-form-urlencoded; charset=utf-16",
    ];
    match call {
        Fn(name, args) | Json(name, args) => {
            let keys = keys(&fill(args, values));
            let path = format!("/api/{name}");
            let is_json = matches!(call, Json(..));
            let body = if is_json && rng.gen_bool(0.8) {
                json(rng, &keys)
            } else {
                form(rng, &keys)
            };
            if methods.get(&path) == Some(&Method::GET) && rng.gen_bool(0.9) {
                let query = String::from_utf8_lossy(&body)
                    .chars()
                    .filter(|c| c.is_ascii_graphic() && *c != '#')
                    .collect::<String>();
                let uri = format!("{path}?{query}");
                match builder(Method::GET, uri.clone(), None).body(Body::empty()) {
                    Ok(req) => req,
                    Err(_) => builder(Method::GET, path, None)
                        .body(Body::empty())
                        .expect("req"),
                }
            } else {
                let ct = if rng.gen_bool(0.8) {
                    if is_json {
                        content_types[1]
                    } else {
                        content_types[0]
                    }
                } else {
                    content_types[rng.gen_range(0..content_types.len())]
                };
                builder(Method::POST, path, Some(ct))
                    .body(Body::from(body))
                    .expect("req")
            }
        }
        Get(path) | Upload(path) => {
            let mut uri = fill(path, values);
            // Odd path segments and queries (crafted links among them).
            match rng.gen_range(0..6) {
                0 => uri.push_str(&format!(
                    "?__path=%2Fapi%2Fsubmit_request&__err={}",
                    value(rng)
                )),
                1 => uri.push_str(&format!(
                    "?state={}&before={}&next={}",
                    value(rng),
                    value(rng),
                    value(rng)
                )),
                2 => {
                    if let Some((head, _)) = uri.rsplit_once('/') {
                        uri = format!("{head}/{}", value(rng));
                    }
                }
                _ => {}
            }
            let uri: String = uri.chars().filter(|c| c.is_ascii_graphic()).collect();
            let method = if matches!(call, Upload(_)) || rng.gen_bool(0.1) {
                Method::POST
            } else {
                Method::GET
            };
            let ct = content_types[rng.gen_range(0..content_types.len())];
            let body = form(rng, &["file".to_owned()]);
            match builder(method.clone(), uri, Some(ct)).body(Body::from(body)) {
                Ok(req) => req,
                Err(_) => builder(method, "/".into(), None)
                    .body(Body::empty())
                    .expect("req"),
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_and_malformed_input_never_gets_a_5xx() {
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_max_level(tracing::Level::ERROR)
        .try_init();
    let cases: usize = std::env::var("ATRIUM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let seed: u64 = std::env::var("ATRIUM_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("fuzzing with ATRIUM_FUZZ_SEED={seed}, {cases} cases per endpoint");
    let started = std::time::Instant::now();
    let fixture = fixture().await;
    let app = copy(&fixture, 0).await;
    let methods: BTreeMap<String, Method> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path.to_owned(), method))
        .collect();
    let root = fixture.cookies[8].clone().expect("root");
    let owner = fixture.cookies[1].clone().expect("owner");
    let mut rows = table();
    // Signing out last, so the other endpoints are fuzzed signed in.
    rows.sort_by_key(|row| matches!(row.call, Fn("logout" | "sign_out_everywhere", _)));
    let mut failures = Vec::new();
    let mut total = 0;
    let mut slowest = Vec::new();
    for (n, row) in rows.iter().enumerate() {
        let row_started = std::time::Instant::now();
        let mut rng = StdRng::seed_from_u64(seed.wrapping_add(n as u64));
        let mut pending = Vec::with_capacity(cases);
        for i in 0..cases {
            let mut req = case(&mut rng, row.call, &methods, &fixture.values);
            let cookie = if i % 10 == 0 { &owner } else { &root };
            req.headers_mut().insert(
                header::COOKIE,
                http::HeaderValue::from_str(cookie).expect("cookie"),
            );
            let what = format!(
                "{} {}",
                req.method(),
                req.uri().to_string().chars().take(120).collect::<String>()
            );
            let app = app.clone();
            pending.push(tokio::spawn(async move {
                let (status, body) = status_of(&app, req).await;
                (status, body, what)
            }));
            if pending.len() >= 8 {
                collect(&mut pending, &mut failures, &mut total).await;
            }
        }
        collect(&mut pending, &mut failures, &mut total).await;
        slowest.push((row_started.elapsed(), label(row.call)));
    }
    slowest.sort();
    slowest.reverse();
    eprintln!(
        "{total} cases in {:?}; slowest endpoints: {:?}",
        started.elapsed(),
        &slowest[..5]
    );
    assert!(
        failures.is_empty(),
        "{} server errors (seed {seed}):\n{}",
        failures.len(),
        failures
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

async fn collect(
    pending: &mut Vec<tokio::task::JoinHandle<(u16, String, String)>>,
    failures: &mut Vec<String>,
    total: &mut usize,
) {
    for handle in pending.drain(..) {
        let (status, body, what) = handle.await.expect("no handler panicked");
        *total += 1;
        if status >= 500 {
            failures.push(format!(
                "{what} → {status}: {}",
                body.chars().take(200).collect::<String>()
            ));
        }
    }
}
