//! Service tests on real databases: a fresh SQLite file each, and a fresh PostgreSQL database
//! when `ATRIUM_TEST_PG` is set (the test command sets it and fails if PostgreSQL is down).

use app::auth::model::{SessionUser, UserId};
use app::auth::service::{authenticate, load_session_user};
use app::db::{request, request_event, user, Db};
use app::domain::queue::QueueFilter;
use app::domain::state::RequestState;
use app::error::AppError;
use app::requests::lists as queue;
use app::requests::model::{RequestId, StateFilter, TimelineKind};
use app::requests::service::{self as requests, StateChange};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use server::seed::{seed_demo, DEMO_PASSWORD};
use server::testkit::{one_field, Org};
use std::collections::BTreeMap;

async fn user_by_email(db: &Db, email: &str) -> SessionUser {
    let row = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&db.conn)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("no user {email}"));
    load_session_user(&db.conn, UserId(row.id))
        .await
        .expect("load")
        .expect("active")
}

const EMPLOYEE: &str = "emma.clark@atrium.example";
const OTHER_EMPLOYEE: &str = "daniel.novak@atrium.example";
const IT_AGENT: &str = "ivan.petrov@atrium.example";
const HR_AGENT: &str = "helga.berg@atrium.example";
const LEADER: &str = "leo.martin@atrium.example";

fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn monitor_answers() -> BTreeMap<String, String> {
    answers(&[("size", "27"), ("quantity", "1"), ("location", "office")])
}

async fn seeded() -> Vec<(&'static str, Db)> {
    server::testkit::seeded_databases().await
}

#[tokio::test]
async fn seeding_is_idempotent_and_builds_the_demo_organisation() {
    // What went wrong, if the history cannot be played, is in the log.
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    for (name, db) in server::testkit::all_databases().await {
        let started = std::time::Instant::now();
        // A shorter history than the demo's 300 requests, played the same way.
        server::seed::seed_demo_with_history(&db, 80)
            .await
            .expect("seed");
        eprintln!("{name}: the demo seeded in {:?}", started.elapsed());
        let before = request::Entity::find()
            .count(&db.conn)
            .await
            .expect("count");
        seed_demo(&db).await.expect("second seed");
        let after = request::Entity::find()
            .count(&db.conn)
            .await
            .expect("count");
        assert_eq!(before, after, "{name}: second seed changed data");
        assert_eq!(before, 80, "{name}: historical requests");
        let emma = user_by_email(&db, EMPLOYEE).await;
        let cache = app::db::catalog_cache::CatalogCache::default();
        let catalog = app::catalog::service::load_catalog(&db.conn, &cache, &emma)
            .await
            .expect("catalog");
        assert!(catalog.item_count() >= 24, "{name}");
        assert!(catalog.departments.len() >= 4, "{name}");
        assert!(user::Entity::find().count(&db.conn).await.expect("count") >= 40);
        history_is_like_real_requests(name, &db).await;
    }
}

/// The demo's history was made through the use cases: approvals decided, tasks done, ratings,
/// audit rows and automatic closing, in the past, with notices that are read and mail nobody.
async fn history_is_like_real_requests(name: &str, db: &Db) {
    use app::db::{approval, audit, notification, outbox, task};
    let now = chrono::Utc::now();
    let requests = request::Entity::find()
        .all(&db.conn)
        .await
        .expect("requests");
    let count = |state: RequestState| {
        requests
            .iter()
            .filter(|r| r.state == state.as_str())
            .count()
    };
    for state in [
        RequestState::Closed,
        RequestState::Resolved,
        RequestState::Cancelled,
    ] {
        assert!(
            count(state) > 0,
            "{name}: no {state} request in the history"
        );
    }
    let open = requests
        .iter()
        .filter(|r| {
            r.state.parse::<RequestState>().expect("state").category()
                != app::domain::state::StatusCategory::Done
        })
        .count();
    assert!(
        open > 0,
        "{name}: recent requests are still being worked on"
    );
    assert!(requests
        .iter()
        .all(|r| r.created_at < now && r.updated_at < now + chrono::Duration::minutes(1)));
    assert!(
        requests.iter().any(|r| r.rating.is_some()),
        "{name}: no ratings"
    );
    let oldest = requests.iter().map(|r| r.created_at).min().expect("some");
    assert!(
        now - oldest > chrono::Duration::days(80),
        "{name}: history spans months"
    );
    let decided = approval::Entity::find()
        .filter(approval::Column::Decision.is_not_null())
        .count(&db.conn)
        .await
        .expect("count");
    assert!(decided > 0, "{name}: no approvals decided");
    let done = task::Entity::find()
        .filter(task::Column::State.eq("done"))
        .count(&db.conn)
        .await
        .expect("count");
    assert!(done > 0, "{name}: no tasks done");
    let audited = audit::Entity::find().count(&db.conn).await.expect("count");
    assert!(
        audited as usize > requests.len(),
        "{name}: {audited} audit rows"
    );
    let auto_closed = request_event::Entity::find()
        .filter(request_event::Column::Detail.contains("closed automatically"))
        .count(&db.conn)
        .await
        .expect("count");
    assert!(auto_closed > 0, "{name}: nothing closed automatically");
    let unread = notification::Entity::find()
        .filter(notification::Column::ReadAt.is_null())
        .count(&db.conn)
        .await
        .expect("count");
    assert_eq!(unread, 0, "{name}: history's notices are read");
    let mails = outbox::Entity::find().count(&db.conn).await.expect("count");
    assert_eq!(mails, 0, "{name}: history mails nobody");
    // Every event happened no earlier than its request was created.
    let created: std::collections::HashMap<i64, chrono::DateTime<chrono::Utc>> =
        requests.iter().map(|r| (r.id, r.created_at)).collect();
    let events = request_event::Entity::find()
        .all(&db.conn)
        .await
        .expect("events");
    assert!(events
        .iter()
        .all(|e| e.created_at >= created[&e.request_id] && e.created_at < now));
}

#[tokio::test]
async fn sign_in_checks_the_password() {
    let gate = app::auth::throttle::SignInGate::default();
    for (name, db) in seeded().await {
        assert!(
            authenticate(&db, &gate, EMPLOYEE, DEMO_PASSWORD)
                .await
                .expect("auth")
                .is_some(),
            "{name}"
        );
        assert!(
            authenticate(&db, &gate, "EMMA.CLARK@atrium.example ", DEMO_PASSWORD)
                .await
                .expect("auth")
                .is_some()
        );
        assert!(authenticate(&db, &gate, EMPLOYEE, "wrong")
            .await
            .expect("auth")
            .is_none());
        assert!(
            authenticate(&db, &gate, "nobody@atrium.example", DEMO_PASSWORD)
                .await
                .expect("auth")
                .is_none()
        );
    }
}

#[tokio::test]
async fn submitting_stores_the_request_and_its_first_event_together() {
    for (name, db) in seeded().await {
        let emma = user_by_email(&db, EMPLOYEE).await;
        let id = requests::submit(&db, &emma, "extra-monitor", monitor_answers())
            .await
            .expect("submit");
        let detail = requests::detail(&db, &emma, id).await.expect("detail");
        assert_eq!(detail.state, RequestState::Submitted, "{name}");
        assert_eq!(detail.title, "Extra monitor");
        assert_eq!(detail.answers.get("size"), Some(&serde_json::json!("27")));
        assert_eq!(
            detail.answers.get("quantity"),
            Some(&serde_json::json!(1.0))
        );
        assert!(matches!(detail.timeline.as_slice(), [e] if e.kind == TimelineKind::Created));
        let events = request_event::Entity::find()
            .filter(request_event::Column::RequestId.eq(id.0))
            .count(&db.conn)
            .await
            .expect("count");
        assert_eq!(events, 1);
    }
}

#[tokio::test]
async fn invalid_answers_are_refused_with_field_messages_and_nothing_is_stored() {
    for (name, db) in seeded().await {
        let emma = user_by_email(&db, EMPLOYEE).await;
        let before = request::Entity::find()
            .count(&db.conn)
            .await
            .expect("count");
        let raw = answers(&[("size", "27"), ("quantity", "5")]);
        let error = requests::submit(&db, &emma, "extra-monitor", raw.clone())
            .await
            .expect_err("invalid");
        match error {
            AppError::InvalidForm { errors, answers } => {
                assert_eq!(
                    errors.get("quantity").map(String::as_str),
                    Some("Enter 2 or less."),
                    "{name}"
                );
                assert_eq!(
                    errors.get("location").map(String::as_str),
                    Some("Deliver to is required.")
                );
                assert!(!errors.contains_key("size"));
                assert_eq!(answers, raw, "the answers come back so nothing is lost");
            }
            other => panic!("{name}: unexpected {other:?}"),
        }
        let after = request::Entity::find()
            .count(&db.conn)
            .await
            .expect("count");
        assert_eq!(before, after, "{name}: nothing stored");
    }
}

#[tokio::test]
async fn employees_see_only_their_own_requests_and_agents_only_their_departments() {
    for (name, db) in seeded().await {
        let emma = user_by_email(&db, EMPLOYEE).await;
        let daniel = user_by_email(&db, OTHER_EMPLOYEE).await;
        let it_agent = user_by_email(&db, IT_AGENT).await;
        let hr_agent = user_by_email(&db, HR_AGENT).await;
        let leader = user_by_email(&db, LEADER).await;
        let id = requests::submit(&db, &emma, "extra-monitor", monitor_answers())
            .await
            .expect("submit");
        assert!(
            matches!(
                requests::detail(&db, &daniel, id).await,
                Err(AppError::NotFound(_))
            ),
            "{name}"
        );
        assert!(matches!(
            requests::detail(&db, &hr_agent, id).await,
            Err(AppError::NotFound(_))
        ));
        let as_agent = requests::detail(&db, &it_agent, id)
            .await
            .expect("IT agent sees it");
        assert!(as_agent.viewer_is_agent);
        assert!(as_agent.actions.contains(&RequestState::InFulfilment));
        let as_leader = requests::detail(&db, &leader, id)
            .await
            .expect("leadership reads it");
        assert!(as_leader.actions.is_empty() && !as_leader.viewer_is_agent);
        // Unknown numbers look the same as forbidden ones.
        assert!(matches!(
            requests::detail(&db, &emma, RequestId(999_999_999)).await,
            Err(AppError::NotFound(_))
        ));
        // Strangers cannot comment either.
        assert!(requests::add_comment(&db, &daniel, id, "hi", false, &[])
            .await
            .is_err());
        assert!(matches!(
            requests::add_comment(&db, &leader, id, "hi", false, &[]).await,
            Err(AppError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn agents_work_a_request_and_internal_comments_stay_internal() {
    for (name, db) in seeded().await {
        let emma = user_by_email(&db, EMPLOYEE).await;
        let agent = user_by_email(&db, IT_AGENT).await;
        let id = requests::submit(&db, &emma, "extra-monitor", monitor_answers())
            .await
            .expect("submit");
        let start = StateChange {
            to: RequestState::InFulfilment,
            expected_version: 1,
            note: None,
        };
        requests::change_state(&db, &agent, id, start)
            .await
            .expect("start");
        requests::add_comment(&db, &agent, id, "Ordered from supplier X", true, &[])
            .await
            .expect("internal");
        let resolve = StateChange {
            to: RequestState::Resolved,
            expected_version: 2,
            note: Some("Delivered to your desk.".into()),
        };
        requests::change_state(&db, &agent, id, resolve)
            .await
            .expect("resolve");

        let seen_by_emma = requests::detail(&db, &emma, id).await.expect("detail");
        assert_eq!(seen_by_emma.state, RequestState::Resolved, "{name}");
        let bodies: Vec<_> = seen_by_emma
            .timeline
            .iter()
            .filter_map(|e| match &e.kind {
                TimelineKind::Comment { body, .. } => Some(body.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            bodies,
            ["Delivered to your desk."],
            "{name}: internal note hidden"
        );
        let seen_by_agent = requests::detail(&db, &agent, id).await.expect("detail");
        assert_eq!(
            seen_by_agent
                .timeline
                .iter()
                .filter(|e| matches!(e.kind, TimelineKind::Comment { .. }))
                .count(),
            2
        );
        // The requester may not post internal notes.
        assert!(matches!(
            requests::add_comment(&db, &emma, id, "x", true, &[]).await,
            Err(AppError::Forbidden)
        ));
        // Illegal transitions are refused with a reason.
        let bad = StateChange {
            to: RequestState::Submitted,
            expected_version: 3,
            note: None,
        };
        assert!(matches!(
            requests::change_state(&db, &agent, id, bad).await,
            Err(AppError::Conflict(_))
        ));
    }
}

#[tokio::test]
async fn a_stale_version_gets_a_clear_conflict_and_changes_nothing() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let item = org.item(&db, "headset", one_field()).await;
        let id = org
            .request_in(
                &db,
                &item,
                &[("what", "A headset")],
                RequestState::Submitted,
            )
            .await;
        // The requester cancels while the agent, looking at version 1, tries to start work.
        requests::change_state(
            &db,
            &org.employee,
            id,
            StateChange {
                to: RequestState::Cancelled,
                expected_version: 1,
                note: None,
            },
        )
        .await
        .expect("cancel");
        let late = requests::change_state(
            &db,
            &org.agent,
            id,
            StateChange {
                to: RequestState::InFulfilment,
                expected_version: 1,
                note: None,
            },
        )
        .await
        .expect_err("stale");
        match late {
            AppError::Conflict(message) => {
                assert!(message.contains("cancelled"), "{name}: {message}")
            }
            other => panic!("{name}: {other:?}"),
        }
        let state = server::testkit::request_state(&db, id).await;
        assert_eq!(
            state,
            RequestState::Cancelled,
            "{name}: the late change wrote nothing"
        );
    }
}

#[tokio::test]
async fn simultaneous_state_changes_produce_exactly_one_outcome() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let item = org.item(&db, "headset", one_field()).await;
        let id = org
            .request_in(
                &db,
                &item,
                &[("what", "A headset")],
                RequestState::Submitted,
            )
            .await;
        let mut tasks = Vec::new();
        for i in 0..20 {
            let (db, agent) = (db.clone(), org.agent.clone());
            let to = if i % 2 == 0 {
                RequestState::InFulfilment
            } else {
                RequestState::Cancelled
            };
            tasks.push(tokio::spawn(async move {
                requests::change_state(
                    &db,
                    &agent,
                    id,
                    StateChange {
                        to,
                        expected_version: 1,
                        note: None,
                    },
                )
                .await
            }));
        }
        let mut ok = 0;
        for task in tasks {
            match task.await.expect("join") {
                Ok(_) => ok += 1,
                Err(AppError::Conflict(_)) => {}
                Err(other) => panic!("{name}: unexpected {other:?}"),
            }
        }
        assert_eq!(ok, 1, "{name}: exactly one change wins");
        let changes = request_event::Entity::find()
            .filter(request_event::Column::RequestId.eq(id.0))
            .filter(request_event::Column::Kind.eq("state_changed"))
            .count(&db.conn)
            .await
            .expect("count");
        assert_eq!(changes, 1, "{name}");
    }
}

/// The test kit brings a request to every state the way people do, so tests can start there.
#[tokio::test]
async fn the_builder_brings_a_request_to_every_state() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let plain = org.item(&db, "headset", one_field()).await;
        let mut approved = one_field();
        approved["approvals"] = serde_json::json!([
            {"name": "Manager approval", "approvers": [{"kind": "manager"}], "decision": {"rule": "any"}}
        ]);
        let approved = org.item(&db, "laptop", approved).await;
        for state in RequestState::ALL {
            let item = if matches!(
                state,
                RequestState::AwaitingApproval | RequestState::Approved | RequestState::Rejected
            ) {
                &approved
            } else {
                &plain
            };
            let id = org
                .request_in(&db, item, &[("what", "Something")], state)
                .await;
            assert_eq!(
                server::testkit::request_state(&db, id).await,
                state,
                "{name}"
            );
        }
    }
}

#[tokio::test]
async fn lists_page_by_cursor_without_gaps_or_repeats() {
    for (name, db) in seeded().await {
        let emma = user_by_email(&db, EMPLOYEE).await;
        for _ in 0..30 {
            requests::submit(&db, &emma, "extra-monitor", monitor_answers())
                .await
                .expect("submit");
        }
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = queue::list_mine(&db, &emma, StateFilter::All, cursor)
                .await
                .expect("page");
            assert!(page.items.len() <= 25);
            seen.extend(page.items.iter().map(|r| r.id.0));
            match page.next {
                Some(next) => cursor = Some(next.parse().expect("an id cursor")),
                None => break,
            }
        }
        let total = request::Entity::find()
            .filter(request::Column::RequesterId.eq(emma.id.0))
            .count(&db.conn)
            .await
            .expect("count");
        assert_eq!(seen.len() as u64, total, "{name}");
        assert!(
            seen.windows(2).all(|w| w[0] > w[1]),
            "{name}: newest first, no repeats"
        );

        let agent = user_by_email(&db, IT_AGENT).await;
        let queue = queue::queue(&db.conn, &agent, &QueueFilter::default(), &[], db.now())
            .await
            .expect("queue");
        assert!(!queue.items.is_empty());
        assert!(queue.items.iter().all(|r| r.department == "IT"
            && r.state.category() != app::domain::state::StatusCategory::Done));
        let employee_queue =
            queue::queue(&db.conn, &emma, &QueueFilter::default(), &[], db.now()).await;
        assert!(matches!(employee_queue, Err(AppError::Forbidden)), "{name}");
    }
}

fn onboarding(department: &str, buddy: &str) -> BTreeMap<String, String> {
    answers(&[
        ("full_name", "Ada Lovelace"),
        ("personal_email", "ada@example.org"),
        ("job_title", "Analyst"),
        ("joining", department),
        ("buddy", buddy),
        ("start_date", "2031-09-01"),
        ("laptop", "thinkpad"),
        ("remote", "no"),
        ("accounts.email", "on"),
    ])
}

#[tokio::test]
async fn references_must_exist_and_show_by_name() {
    for (name, db) in seeded().await {
        let emma = user_by_email(&db, EMPLOYEE).await;
        let unknown = requests::submit(
            &db,
            &emma,
            "new-hire-onboarding",
            onboarding("space", "nobody@atrium.example"),
        )
        .await
        .expect_err("unknown references");
        match unknown {
            AppError::InvalidForm { errors, .. } => {
                assert_eq!(
                    errors.get("joining").map(String::as_str),
                    Some("Choose a department from the list."),
                    "{name}"
                );
                assert_eq!(
                    errors.get("buddy").map(String::as_str),
                    Some("No one with the email nobody@atrium.example is in the directory.")
                );
            }
            other => panic!("{name}: {other:?}"),
        }
        let id = requests::submit(
            &db,
            &emma,
            "new-hire-onboarding",
            onboarding("finance", "Ivan.Petrov@atrium.example"),
        )
        .await
        .expect("valid references");
        let detail = requests::detail(&db, &emma, id).await.expect("detail");
        let line = |label: &str| {
            detail
                .answer_lines
                .iter()
                .find(|l| l.label == label)
                .map(|l| l.value.text())
        };
        assert_eq!(
            line("Joining department").as_deref(),
            Some("Finance"),
            "{name}"
        );
        assert_eq!(
            line("Buddy").as_deref(),
            Some("Ivan Petrov (ivan.petrov@atrium.example)")
        );
        assert_eq!(
            line("Accounts to create").as_deref(),
            Some("Email and calendar")
        );
    }
}

#[tokio::test]
async fn the_directory_finds_people_by_name_or_email() {
    for (name, db) in seeded().await {
        let search = |q: &'static str| {
            let db = db.clone();
            async move {
                app::catalog::service::search_directory(&db.conn, q, 8)
                    .await
                    .expect("search")
            }
        };
        let found = search("PETROV").await;
        assert_eq!(
            found.iter().map(|p| p.email.as_str()).collect::<Vec<_>>(),
            ["ivan.petrov@atrium.example"],
            "{name}"
        );
        assert_eq!(found[0].department, "IT");
        assert!(!search("emma.cl").await.is_empty(), "{name}: by email");
        assert!(
            search("e").await.is_empty(),
            "one letter is too little to search"
        );
        assert!(search("%%").await.is_empty(), "wildcards are not patterns");
        assert!(search("no such person").await.is_empty());
    }
}

#[tokio::test]
async fn repeating_groups_are_stored_as_rows_and_shown_as_a_table() {
    for (name, db) in seeded().await {
        let emma = user_by_email(&db, EMPLOYEE).await;
        let mut raw = answers(&[
            ("visit_date", "2099-01-15"),
            ("host", IT_AGENT),
            ("parking", "no"),
            ("visitors.0.name", "Ada Lovelace"),
            ("visitors.0.company", "Analytical Engines"),
            ("visitors.3.name", "Grace Hopper"),
            ("visitors.3.email", "not-an-email"),
        ]);
        let Err(AppError::InvalidForm { errors, .. }) =
            requests::submit(&db, &emma, "visitor-passes", raw.clone()).await
        else {
            panic!("{name}: a bad email in a row must be refused");
        };
        assert_eq!(
            errors.get("visitors.3.email").map(String::as_str),
            Some("Enter an email address like name@example.com."),
            "{name}"
        );
        raw.insert("visitors.3.email".into(), "grace@navy.example".into());
        let id = requests::submit(&db, &emma, "visitor-passes", raw)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let detail = requests::detail(&db, &emma, id).await.expect("detail");
        assert_eq!(
            detail.answers["visitors"],
            serde_json::json!([
                {"name": "Ada Lovelace", "company": "Analytical Engines"},
                {"name": "Grace Hopper", "email": "grace@navy.example"},
            ]),
            "{name}"
        );
        let visitors = detail
            .answer_lines
            .iter()
            .find(|l| l.label == "Visitors")
            .expect("visitors line");
        let app::requests::model::AnswerValue::Rows { columns, rows } = &visitors.value else {
            panic!("{name}: visitors shown as {:?}", visitors.value);
        };
        assert_eq!(columns, &["Full name", "Company", "Email"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1][2].text(), "grace@navy.example");
    }
}

#[tokio::test]
async fn an_upload_is_taken_by_exactly_one_request_and_abandoned_ones_are_cleaned_up() {
    use app::attachments::service as attachments;
    for (name, db) in seeded().await {
        let files = server::testkit::fresh_files();
        let emma = user_by_email(&db, EMPLOYEE).await;
        let daniel = user_by_email(&db, OTHER_EMPLOYEE).await;
        let pdf = b"%PDF-1.4\n%%EOF\n".to_vec();
        let mut uploaded = Vec::new();
        for who in [&emma, &daniel] {
            uploaded.push(
                server::testkit::store_upload(&db, files.as_ref(), who, "receipt.pdf", &pdf).await,
            );
        }
        let (mine, theirs) = (uploaded[0].clone(), uploaded[1].clone());
        let claim = |token: &str| {
            answers(&[
                ("amount", "12"),
                ("currency", "EUR"),
                ("spent_on", "2026-11-02"),
                ("category", "meals"),
                ("description", "Lunch with a client"),
                ("receipt", token),
            ])
        };
        // Someone else's upload cannot be slipped into my request.
        let Err(AppError::InvalidForm { errors, .. }) =
            requests::submit(&db, &emma, "expense-reimbursement", claim(&theirs.token)).await
        else {
            panic!("{name}: another person's file must be refused");
        };
        assert!(errors["receipt"].contains("no longer available"), "{name}");
        // Two submissions racing for one upload: exactly one gets it.
        let (a, b) = tokio::join!(
            requests::submit(&db, &emma, "expense-reimbursement", claim(&mine.token)),
            requests::submit(&db, &emma, "expense-reimbursement", claim(&mine.token)),
        );
        assert_eq!(
            [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
            1,
            "{name}: {a:?} {b:?}"
        );
        let id = a.or(b).expect("one succeeded");
        let detail = requests::detail(&db, &emma, id).await.expect("detail");
        let receipt = detail
            .answer_lines
            .iter()
            .find(|l| l.label == "Receipt")
            .expect("line");
        assert!(
            matches!(&receipt.value, app::requests::model::AnswerValue::File { name, href, .. }
                if name == "receipt.pdf" && href.ends_with(&mine.token)),
            "{name}: {:?}",
            receipt.value
        );
        // The request's file is kept; the unused upload goes once it is old enough.
        assert_eq!(
            attachments::delete_abandoned(&db, files.as_ref(), chrono::Duration::days(1))
                .await
                .expect("cleanup"),
            0
        );
        assert_eq!(
            attachments::delete_abandoned(&db, files.as_ref(), chrono::Duration::zero())
                .await
                .expect("cleanup"),
            1,
            "{name}"
        );
        assert!(attachments::for_download(&db, &emma, &mine.token)
            .await
            .is_ok());
        assert!(attachments::for_download(&db, &daniel, &theirs.token)
            .await
            .is_err());
    }
}

/// A directory search longer than any name or email finds nobody, rather than failing (SQLite
/// refuses a LIKE pattern over 50,000 bytes as too complex; the fuzz test found it).
#[tokio::test]
async fn a_huge_directory_search_finds_nobody_without_an_error() {
    for (name, db) in seeded().await {
        let found = app::catalog::service::search_directory(&db.conn, &"x".repeat(60_000), 8)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(found.is_empty(), "{name}");
        let found = app::catalog::service::search_directory(&db.conn, "emma", 8)
            .await
            .expect("search");
        assert_eq!(found.len(), 1, "{name}");
    }
}

/// A page opens with one read of its session, the person it names and the page's facts (the
/// sign-in check hands them to the page): the same person and facts as the separate reads,
/// and only for a fresh session of an active person — anything else (an idle expiry to move
/// on, a session to end, no one signed in) is left to the session layer.
#[tokio::test]
async fn a_visit_reads_the_session_the_person_and_the_facts_at_once() {
    use app::auth::service::{
        read_visit, SEEN_AT_KEY, SESSION_REFRESH_SECONDS, SIGNED_IN_AT_KEY, USER_ID_KEY,
    };
    use app::db::{page_facts, session};
    use sea_orm::{ActiveModelTrait, Set};
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let mut approved = one_field();
        approved["approvals"] = serde_json::json!([
            {"name": "Manager approval", "approvers": [{"kind": "manager"}], "decision": {"rule": "any"}}
        ]);
        let laptop = org.item(&db, "laptop", approved).await;
        org.request_in(
            &db,
            &laptop,
            &[("what", "A laptop")],
            RequestState::AwaitingApproval,
        )
        .await;
        let now = chrono::Utc::now().timestamp();
        let lifetime = chrono::Duration::days(7);
        let store = |key: &'static str, user: Option<i64>, data: serde_json::Value, expires| {
            session::ActiveModel {
                id: Set(key.to_owned()),
                data: Set(data.to_string()),
                expires_at: Set(expires),
                user_id: Set(user),
            }
            .insert(&db.conn)
        };
        let signed_in = |user: i64, signed_in_at: i64, seen_at: i64| {
            serde_json::json!({
                USER_ID_KEY: user, SIGNED_IN_AT_KEY: signed_in_at, SEEN_AT_KEY: seen_at,
                "notices": [["/", "Saved."]],
            })
        };
        let manager = org.manager.id.0;
        store(
            "manager",
            Some(manager),
            signed_in(manager, now - 60, now - 60),
            now + 60,
        )
        .await
        .expect("store");
        let visit = read_visit(&db.conn, "manager", now, lifetime)
            .await
            .expect("read")
            .unwrap_or_else(|| panic!("{name}: a fresh session"));
        assert_eq!(visit.user, org.manager, "{name}");
        let facts = page_facts::read(&db.conn, manager).await.expect("facts");
        assert_eq!(visit.facts, facts, "{name}");
        assert_eq!(visit.facts.approvals_waiting, 1, "{name}: the laptop");
        assert_eq!(
            visit.session["notices"],
            serde_json::json!([["/", "Saved."]]),
            "{name}: the session's values come along"
        );
        // A person with several grants: all of them, and the facts of that person.
        let admin = org.admin.id.0;
        store(
            "admin",
            Some(admin),
            signed_in(admin, now - 60, now),
            now + 60,
        )
        .await
        .expect("store");
        let visit = read_visit(&db.conn, "admin", now, lifetime)
            .await
            .expect("read")
            .unwrap_or_else(|| panic!("{name}: a fresh session"));
        assert_eq!(visit.user, org.admin, "{name}");
        assert!(
            visit.user.grants.len() > 1,
            "{name}: {:?}",
            visit.user.grants
        );
        assert_eq!(visit.facts.approvals_waiting, 0, "{name}");

        // Each of these is left to the session layer.
        let employee = org.employee.id.0;
        let cases = [
            (
                "expired",
                Some(employee),
                signed_in(employee, now - 60, now - 60),
                now - 1,
            ),
            (
                "idle expiry to move on",
                Some(employee),
                signed_in(employee, now - 3600, now - SESSION_REFRESH_SECONDS - 1),
                now + 60,
            ),
            (
                "past its lifetime",
                Some(employee),
                signed_in(employee, now - lifetime.num_seconds(), now - 1),
                now + 60,
            ),
            ("no one signed in", None, serde_json::json!({}), now + 60),
            (
                "another person's values",
                Some(employee),
                signed_in(manager, now - 60, now - 60),
                now + 60,
            ),
        ];
        for (key, user, data, expires) in cases {
            store(key, user, data, expires).await.expect("store");
            let visit = read_visit(&db.conn, key, now, lifetime)
                .await
                .expect("read");
            assert_eq!(visit, None, "{name}: {key}");
        }
        assert_eq!(
            read_visit(&db.conn, "unknown", now, lifetime)
                .await
                .expect("read"),
            None,
            "{name}"
        );
        // A person no longer active.
        store(
            "leaver",
            Some(employee),
            signed_in(employee, now - 60, now - 60),
            now + 60,
        )
        .await
        .expect("store");
        assert!(read_visit(&db.conn, "leaver", now, lifetime)
            .await
            .expect("read")
            .is_some());
        user::Entity::update_many()
            .col_expr(user::Column::Active, sea_orm::sea_query::Expr::value(false))
            .filter(user::Column::Id.eq(employee))
            .exec(&db.conn)
            .await
            .expect("deactivate");
        assert_eq!(
            read_visit(&db.conn, "leaver", now, lifetime)
                .await
                .expect("read"),
            None,
            "{name}: a leaver"
        );
        if name == "sqlite" {
            // Statistics taken while the sessions table was small must not make SQLite scan
            // it (it holds every open session): the visit finds its session by key.
            use sea_orm::ConnectionTrait;
            db.conn
                .execute_unprepared("ANALYZE")
                .await
                .expect("analyze");
            let query = app::auth::service::visit_query("manager", now);
            let plan = server::testkit::sqlite_plan(&db, &query).await;
            assert!(
                !plan.iter().any(|step| step.starts_with("SCAN")),
                "{plan:#?}"
            );
        }
    }
}
