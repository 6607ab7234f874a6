//! The authorisation matrix: every server function, page and HTTP route, called by each kind
//! of person, answers with the status the table below says.
//!
//! One table: a server function without a row fails the test (the list of server functions is
//! read from the running application), and so does a page route. The people:
//! anonymous; the employee who owns the records (`owner`); another employee (`stranger`); an
//! agent of the records' department (`agent`) and of another (`agent*`); a department admin
//! of the records' department (`admin`) and of another (`admin*`); leadership (`leader`); and a
//! system admin (`root`).
//!
//! Every call that may change something runs on its own copy of the database, so no call's
//! outcome depends on another's. The copies come from one template (SQLite): the organisation,
//! two items, three requests, a file, a delegation and a signed-in session per person.

mod common;

use common::matrix::*;
use http::Method;
use std::collections::{BTreeMap, BTreeSet};

#[tokio::test]
async fn every_endpoint_answers_each_kind_of_person_as_the_table_says() {
    let started = std::time::Instant::now();
    let fixture = fixture().await;
    let rows = table();
    // The server functions the application has, and the page routes.
    let shared = copy(&fixture, 0).await;
    let methods: BTreeMap<String, Method> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path.to_owned(), method))
        .collect();
    let covered: BTreeSet<String> = rows
        .iter()
        .filter_map(|r| match r.call {
            Fn(name, _) | Json(name, _) => Some(format!("/api/{name}")),
            _ => None,
        })
        .collect();
    let missing: Vec<&String> = methods.keys().filter(|p| !covered.contains(*p)).collect();
    assert!(
        missing.is_empty(),
        "server functions without a row in the matrix: {missing:?}"
    );
    let pages: BTreeSet<String> = rows
        .iter()
        .filter_map(|r| match r.call {
            Get(path) => Some(path.to_owned()),
            _ => None,
        })
        .collect();
    let page_routes: Vec<String> = leptos_axum::generate_route_list(app::App)
        .iter()
        .map(|route| route.path().to_owned())
        .collect();
    let unlisted: Vec<&String> = page_routes
        .iter()
        .filter(|route| {
            let concrete = route
                .replace("{slug}", "laptop")
                .replace("{number}", "{own}");
            !pages.contains(&concrete)
        })
        .collect();
    assert!(
        unlisted.is_empty(),
        "pages without a row in the matrix: {unlisted:?}"
    );

    let mut wrong = Vec::new();
    let mut calls = 0;
    for (n, row) in rows.iter().enumerate() {
        for (who, expected) in row.expect.iter().enumerate() {
            let app = if row.reads {
                shared.clone()
            } else {
                copy(&fixture, 1 + n * PEOPLE.len() + who).await
            };
            let req = request(
                row.call,
                fixture.cookies[who].as_deref(),
                &fixture.values,
                &methods,
            );
            let (got, body) = status_of(&app, req).await;
            calls += 1;
            if !agrees(*expected, got) {
                wrong.push(format!(
                    "{} as {}: expected {expected}, got {got}: {body}",
                    label(row.call),
                    PEOPLE[who]
                ));
            }
        }
    }
    eprintln!("{calls} calls in {:?}", started.elapsed());
    assert!(
        wrong.is_empty(),
        "{} of {calls} calls disagree with the matrix:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
