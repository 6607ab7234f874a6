//! Leadership metrics on real databases (SQLite, and PostgreSQL when `ATRIUM_TEST_PG` is set):
//! buckets maintained change by change equal buckets rebuilt from the history.

use app::auth::model::SessionUser;
use app::db::{metric_day, Clock, Db};
use app::domain::metrics::M;
use app::domain::state::{Priority, RequestState};
use app::requests::model::RequestId;
use app::requests::service::{self as requests, OwnerChoice, StateChange};
use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use server::testkit::{one_field, request_version, Org};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a time")
        .with_timezone(&Utc)
}

fn sla_item() -> serde_json::Value {
    let mut definition = one_field();
    definition["sla"] = serde_json::json!({
        "response": {"hours": 2, "business": false},
        "resolution": {"hours": 8, "business": false},
        "on_breach": [{"action": "raise_priority"}]
    });
    definition
}

/// One random step by someone; refusals (a move the state does not allow) are part of life.
async fn random_step(db: &Db, org: &Org, id: RequestId, rng: &mut StdRng) {
    let version = request_version(db, id).await;
    let to = |to: RequestState, note: Option<&str>| StateChange {
        to,
        expected_version: version,
        note: note.map(str::to_owned),
    };
    let who: &SessionUser = if rng.gen_bool(0.5) {
        &org.agent
    } else {
        &org.admin
    };
    let _ = match rng.gen_range(0..10) {
        0 => requests::change_state(db, who, id, to(RequestState::InFulfilment, None))
            .await
            .map(drop),
        1 => requests::change_state(db, who, id, to(RequestState::WaitingOnRequester, None))
            .await
            .map(drop),
        2 => requests::change_state(db, who, id, to(RequestState::Resolved, None))
            .await
            .map(drop),
        3 => requests::change_state(
            db,
            &org.employee,
            id,
            to(RequestState::InFulfilment, Some("Still broken.")),
        )
        .await
        .map(drop),
        4 => requests::add_comment(db, who, id, "Looking into it.", false, &[]).await,
        5 => requests::set_owner(db, who, id, version, OwnerChoice::Me)
            .await
            .map(drop),
        6 => requests::set_priority(db, who, id, version, Priority::ALL[rng.gen_range(0..4)])
            .await
            .map(drop),
        7 => requests::rate(db, &org.employee, id, rng.gen_range(1..=5), None).await,
        8 => requests::change_state(db, &org.employee, id, to(RequestState::Cancelled, None))
            .await
            .map(drop),
        _ => app::workflow::escalations::escalate(db, db.now())
            .await
            .map(drop),
    };
}

#[tokio::test]
async fn buckets_maintained_change_by_change_equal_buckets_rebuilt_from_history() {
    for (name, base) in server::testkit::all_databases().await {
        let org = Org::build(&base).await;
        org.item(&base, "sla", sla_item()).await;
        org.item(&base, "plain", one_field()).await;
        for seed in 0..3u64 {
            let mut rng = StdRng::seed_from_u64(seed);
            let start = at("2026-11-02T08:00:00Z") + Duration::days(seed as i64 * 9);
            let clock = Clock::replay(start);
            let db = base.with_clock(clock.clone());
            let mut ids = Vec::new();
            let mut now = start;
            for n in 0..12 {
                now += Duration::minutes(rng.gen_range(5..600));
                clock.set(now);
                let slug = if n % 3 == 0 { "plain" } else { "sla" };
                let raw = [("what".to_owned(), format!("Thing {n}"))].into();
                ids.push(
                    requests::submit(&db, &org.employee, slug, raw)
                        .await
                        .expect("submit"),
                );
                for _ in 0..rng.gen_range(0..5) {
                    now += Duration::minutes(rng.gen_range(1..900));
                    clock.set(now);
                    let id = ids[rng.gen_range(0..ids.len())];
                    random_step(&db, &org, id, &mut rng).await;
                }
            }
            let maintained = metric_day::all(&db.conn, false).await.expect("buckets");
            let rolled = metric_day::all(&db.conn, true).await.expect("rollup");
            let stored_facts = || async {
                use sea_orm::{EntityTrait, QueryOrder};
                // Rebuilding writes only the fact columns: any difference is in the facts.
                app::db::request::Entity::find()
                    .order_by_asc(app::db::request::Column::Id)
                    .all(&db.conn)
                    .await
                    .expect("facts")
            };
            let kept = stored_facts().await;
            let read = app::metrics::buckets::rebuild(&db).await.expect("rebuild");
            assert_eq!(
                kept,
                stored_facts().await,
                "{name}, seed {seed}: each request's facts kept change by change are the rebuilt ones"
            );
            let rebuilt = metric_day::all(&db.conn, false).await.expect("buckets");
            assert_eq!(
                rolled,
                metric_day::all(&db.conn, true).await.expect("rollup"),
                "{name}, seed {seed}: the department rollup kept change by change is the rebuilt one"
            );
            // The rollup adds up the detailed buckets.
            let mut summed: std::collections::BTreeMap<_, app::domain::metrics::Counts> =
                Default::default();
            for ((key, day), counts) in &rebuilt {
                let rolled_key = app::domain::metrics::Key {
                    team_id: 0,
                    item_id: 0,
                    ..key.clone()
                };
                summed.entry((rolled_key, *day)).or_default().add(counts, 1);
            }
            assert_eq!(
                summed, rolled,
                "{name}, seed {seed}: the rollup is the sum of the buckets"
            );
            assert!(read >= ids.len(), "{name}");
            assert_eq!(
                maintained.len(),
                rebuilt.len(),
                "{name}, seed {seed}: the same buckets"
            );
            for (key, counts) in &rebuilt {
                assert_eq!(
                    maintained.get(key),
                    Some(counts),
                    "{name}, seed {seed}: bucket {key:?}"
                );
            }
            let opened: i64 = rebuilt.values().map(|c| c.get(M::Opened)).sum();
            assert!(
                opened >= ids.len() as i64,
                "{name}: every request opened once"
            );
        }
    }
}

async fn step(db: &Db, who: &SessionUser, id: RequestId, to: RequestState, note: Option<&str>) {
    let change = StateChange {
        to,
        expected_version: request_version(db, id).await,
        note: note.map(str::to_owned),
    };
    requests::change_state(db, who, id, change)
        .await
        .unwrap_or_else(|e| panic!("{id} to {to}: {e:?}"));
}

#[tokio::test]
async fn each_metric_on_a_small_history_with_known_answers_and_its_list_agrees() {
    use app::metrics::dashboard::dashboard;
    use app::metrics::drill::drill;
    use app::metrics::model::{DrillQuery, InsightsQuery};
    for (name, base) in server::testkit::all_databases().await {
        let org = Org::build(&base).await;
        org.item(&base, "sla", sla_item()).await;
        org.item(&base, "plain", one_field()).await;
        let t0 = at("2026-11-02T09:00:00Z");
        let clock = Clock::replay(t0);
        let db = base.with_clock(clock.clone());
        let h = |hours: i64| t0 + Duration::hours(hours);
        let submit = |slug: &'static str| {
            let db = db.clone();
            let employee = org.employee.clone();
            async move {
                let raw = [("what".to_owned(), "A thing".to_owned())].into();
                requests::submit(&db, &employee, slug, raw)
                    .await
                    .expect("submit")
            }
        };
        // R1: answered in 1 h, resolved in 4 h, rated 5 — both clocks met, first contact.
        let r1 = submit("sla").await;
        clock.set(h(1));
        requests::add_comment(&db, &org.agent, r1, "On it.", false, &[])
            .await
            .expect("reply");
        step(&db, &org.agent, r1, RequestState::InFulfilment, None).await;
        clock.set(h(4));
        step(&db, &org.agent, r1, RequestState::Resolved, None).await;
        requests::rate(&db, &org.employee, r1, 5, None)
            .await
            .expect("rate");
        // R2 (from 1 h): taken, then given to someone else; resolved after 10 h — both breached.
        clock.set(h(1));
        let r2 = submit("sla").await;
        let v = request_version(&db, r2).await;
        requests::set_owner(&db, &org.agent, r2, v, OwnerChoice::Me)
            .await
            .expect("take");
        let v = request_version(&db, r2).await;
        requests::set_owner(&db, &org.admin, r2, v, OwnerChoice::Me)
            .await
            .expect("give");
        step(&db, &org.admin, r2, RequestState::InFulfilment, None).await;
        clock.set(h(11));
        step(&db, &org.admin, r2, RequestState::Resolved, None).await;
        // R3 (from 2 h): cancelled an hour later.
        clock.set(h(2));
        let r3 = submit("sla").await;
        clock.set(h(3));
        step(&db, &org.employee, r3, RequestState::Cancelled, None).await;
        // R4 (from 3 h): still open.
        let r4 = submit("sla").await;
        // R5 (plain, from 0 h): resolved at 2 h, reopened at 3 h, resolved again at 5 h.
        clock.set(t0);
        let r5 = submit("plain").await;
        clock.set(h(2));
        step(&db, &org.agent, r5, RequestState::InFulfilment, None).await;
        step(&db, &org.agent, r5, RequestState::Resolved, None).await;
        clock.set(h(3));
        step(
            &db,
            &org.employee,
            r5,
            RequestState::InFulfilment,
            Some("Still broken."),
        )
        .await;
        clock.set(h(5));
        step(&db, &org.agent, r5, RequestState::Resolved, None).await;
        let _ = r4;

        let day = t0.date_naive();
        let slice = app::domain::metrics::Slice {
            from: Some(day),
            to: Some(day),
            ..Default::default()
        };
        let counts = metric_day::by_department(&db.conn, &slice, metric_day::Columns::All)
            .await
            .expect("sums");
        let c = &counts[&org.department];
        let cases = [
            ("opened", M::Opened, 5),
            ("resolved", M::Resolved, 3),
            ("cancelled", M::Cancelled, 1),
            ("open now", M::StillOpen, 1),
            ("reopened", M::Reopened, 1),
            ("reassigned", M::Reassigned, 1),
            ("first contact", M::FirstContact, 2),
            ("rated", M::Rated, 1),
            ("rating sum", M::RatingSum, 5),
            ("clocks met", M::SlaMet, 4),
            ("clocks breached", M::SlaBreached, 2),
            ("first responses", M::ResponseCount, 3),
            ("resolution minutes", M::ResolveMinutes, 240 + 600 + 300),
        ];
        for (what, metric, expected) in cases {
            assert_eq!(c.get(metric), expected, "{name}: {what}");
        }

        let query = InsightsQuery {
            period: Some("custom".into()),
            from: Some(day.to_string()),
            to: Some(day.to_string()),
            ..Default::default()
        };
        let leader = server::testkit::add_person(
            &base,
            org.department,
            "leader@org.test",
            None,
            &["leadership"],
        )
        .await;
        let leader = server::testkit::session_user(&base, leader).await;
        let board = dashboard(&db.conn, &leader, &query, day)
            .await
            .expect("dashboard");
        let value = |key: &str| {
            let n = board
                .metrics
                .iter()
                .position(|m| m.key == key)
                .expect("metric");
            board.total.figures[n].value.clone()
        };
        assert_eq!(value("opened"), "5", "{name}");
        assert_eq!(value("sla"), "67%", "{name}");
        assert_eq!(value("reopened"), "33%", "{name}");
        assert_eq!(value("first_contact"), "67%", "{name}");
        assert_eq!(value("csat"), "5.0 (33% rated)", "{name}");
        assert_eq!(value("deflection"), "—", "{name}: nothing to count yet");
        assert_eq!(value("backlog"), "1", "{name}");
        // Each number and its list agree: every figure with a list (all but deflection), the
        // count from the buckets and the rows (an SLA list's rows carry their clocks).
        let known: std::collections::HashMap<&str, i64> = [
            ("opened", 5),
            ("resolved", 3),
            ("resolve_median", 3),
            ("resolve_p90", 3),
            ("response_median", 3),
            ("sla", 6),
            ("reassigned", 1),
            ("reopened", 1),
            ("first_contact", 2),
            ("csat", 1),
            ("approval", 0),
            ("backlog", 1),
        ]
        .into_iter()
        .collect();
        for metric in board.metrics.iter().map(|m| m.key.as_str()) {
            if metric == "deflection" || metric.starts_with("age ") {
                continue;
            }
            let list = drill(
                &db.conn,
                &leader,
                &DrillQuery::of(query.clone(), metric.into()),
                day,
            )
            .await
            .expect("drill");
            assert_eq!(
                list.count,
                list.rows.len() as i64,
                "{name}: {metric}: number and list"
            );
            if let Some(expected) = known.get(metric) {
                assert_eq!(list.count, *expected, "{name}: {metric}");
            }
            let n = board
                .metrics
                .iter()
                .position(|m| m.key == metric)
                .expect("metric");
            assert!(
                board.total.figures[n].href.is_some(),
                "{name}: {metric} links to its list"
            );
        }
        let breached = drill(
            &db.conn,
            &leader,
            &DrillQuery::of(query.clone(), "sla".into()),
            day,
        )
        .await
        .expect("drill");
        assert!(
            breached.rows.iter().any(|r| r.detail.contains("breached")),
            "{name}: the SLA list says which clocks breached: {:?}",
            breached.rows
        );
        // Narrowed to a team, a category or an item, "Opened" and its list agree, and the
        // items (or teams, or categories) add up to the whole.
        let opened = |narrowed: InsightsQuery| {
            let (db, leader) = (&db, &leader);
            async move {
                let board = dashboard(&db.conn, leader, &narrowed, day)
                    .await
                    .expect("dashboard");
                let list = drill(
                    &db.conn,
                    leader,
                    &DrillQuery::of(narrowed, "opened".into()),
                    day,
                )
                .await
                .expect("drill");
                let figure: i64 = board.total.figures[0].value.parse().expect("a count");
                (figure, list.count, list.rows.len() as i64)
            }
        };
        type Narrow = fn(&InsightsQuery, String) -> InsightsQuery;
        let filters: [(&str, &Vec<app::metrics::model::Choice>, Narrow); 3] = [
            ("item", &board.items, |q, id| InsightsQuery {
                item: Some(id),
                ..q.clone()
            }),
            ("team", &board.teams, |q, id| InsightsQuery {
                team: Some(id),
                ..q.clone()
            }),
            ("category", &board.categories, |q, id| InsightsQuery {
                category: Some(id),
                ..q.clone()
            }),
        ];
        for (filter, choices, narrow) in filters {
            let mut whole = 0;
            for choice in choices {
                let (figure, count, rows) = opened(narrow(&query, choice.id.to_string())).await;
                assert_eq!(
                    (figure, rows),
                    (count, count),
                    "{name}: {filter} {}",
                    choice.name
                );
                whole += figure;
            }
            assert_eq!(whole, 5, "{name}: the {filter}s add up to the whole");
        }
        // Employees see nothing; an agent of another department sees only theirs.
        assert!(matches!(
            dashboard(&db.conn, &org.employee, &query, day).await,
            Err(app::error::AppError::Forbidden)
        ));
        let (hr, _) = server::testkit::add_department(
            &base,
            "hr",
            "HR",
            ("people", "People"),
            ("general", "General"),
        )
        .await;
        let hr_agent =
            server::testkit::add_person(&base, hr, "hr.agent@org.test", None, &["agent"]).await;
        let hr_agent = server::testkit::session_user(&base, hr_agent).await;
        let it_team = InsightsQuery {
            team: board.teams.first().map(|t| t.id.to_string()),
            ..query.clone()
        };
        assert!(
            matches!(
                dashboard(&db.conn, &hr_agent, &it_team, day).await,
                Err(app::error::AppError::Forbidden)
            ),
            "{name}: another department's team is not theirs to read"
        );
        let theirs = dashboard(&db.conn, &hr_agent, &query, day)
            .await
            .expect("their dashboard");
        assert_eq!(theirs.departments, vec![(hr, "HR".to_owned())], "{name}");
        let it = InsightsQuery {
            department: Some(org.department.to_string()),
            ..query.clone()
        };
        assert!(matches!(
            dashboard(&db.conn, &hr_agent, &it, day).await,
            Err(app::error::AppError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn a_confidential_request_is_counted_and_listed_but_opens_only_for_its_department() {
    use app::metrics::drill::drill;
    use app::metrics::model::DrillQuery;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        org.item(&db, "secret", one_field()).await;
        app::db::catalog_item::Entity::update_many()
            .col_expr(
                app::db::catalog_item::Column::Confidential,
                sea_orm::sea_query::Expr::value(true),
            )
            .filter(app::db::catalog_item::Column::Slug.eq("secret"))
            .exec(&db.conn)
            .await
            .expect("confidential");
        let raw = [("what".to_owned(), "A private matter".to_owned())].into();
        let id = requests::submit(&db, &org.employee, "secret", raw)
            .await
            .expect("submit");
        let leader = server::testkit::add_person(
            &db,
            org.department,
            "leader@org.test",
            None,
            &["leadership"],
        )
        .await;
        let leader = server::testkit::session_user(&db, leader).await;
        let query = DrillQuery {
            metric: "backlog".into(),
            ..Default::default()
        };
        let today = db.now().date_naive();
        for (who, opens) in [(&leader, false), (&org.agent, true)] {
            let list = drill(&db.conn, who, &query, today).await.expect("drill");
            assert_eq!(
                (list.count, list.rows.len()),
                (1, 1),
                "{name}: counted and listed"
            );
            assert_eq!(list.rows[0].number, id.to_string(), "{name}");
            assert_eq!(list.rows[0].readable, opens, "{name}: {}", who.email);
        }
    }
}

/// A list longer than a page pages through without gaps or repeats, also where rows tie: the
/// requests are all submitted and resolved at the same instants, so each one's two clocks
/// stop together, and the SLA list (a row per clock) orders them by time, request and clock.
/// The CSV export walks the same order to its end.
#[tokio::test]
async fn a_long_list_pages_and_exports_without_gaps_or_repeats() {
    use app::metrics::drill::{csv_export, drill, DRILL_PAGE};
    use app::metrics::model::{DrillQuery, InsightsQuery};
    for (name, base) in server::testkit::all_databases().await {
        let org = Org::build(&base).await;
        org.item(&base, "sla", sla_item()).await;
        let t0 = at("2026-11-03T09:00:00Z");
        let clock = Clock::replay(t0);
        let db = base.with_clock(clock.clone());
        let n = DRILL_PAGE as usize + 10;
        let mut ids = Vec::new();
        for _ in 0..n {
            let raw = [("what".to_owned(), "A thing".to_owned())].into();
            ids.push(
                requests::submit(&db, &org.employee, "sla", raw)
                    .await
                    .expect("submit"),
            );
        }
        clock.set(t0 + Duration::hours(3));
        for id in &ids {
            step(&db, &org.agent, *id, RequestState::InFulfilment, None).await;
            step(&db, &org.agent, *id, RequestState::Resolved, None).await;
        }
        let leader = server::testkit::add_person(
            &base,
            org.department,
            "leader@org.test",
            None,
            &["leadership"],
        )
        .await;
        let leader = server::testkit::session_user(&base, leader).await;
        let day = t0.date_naive();
        let view = InsightsQuery {
            period: Some("custom".into()),
            from: Some(day.to_string()),
            to: Some(day.to_string()),
            ..Default::default()
        };
        for (metric, expected) in [("sla", 2 * n), ("resolved", n), ("opened", n)] {
            let mut query = DrillQuery::of(view.clone(), metric.into());
            let mut seen = std::collections::BTreeSet::new();
            let mut pages = 0;
            loop {
                let list = drill(&db.conn, &leader, &query, day).await.expect("drill");
                assert_eq!(list.count, expected as i64, "{name}: {metric}");
                for row in &list.rows {
                    assert!(
                        seen.insert((row.number.clone(), row.detail.clone())),
                        "{name}: {metric}: {} {} twice",
                        row.number,
                        row.detail
                    );
                }
                pages += 1;
                let Some(next) = list.next else { break };
                let before = next.split("before=").nth(1).expect("a cursor");
                query.before = Some(before.to_owned());
            }
            assert_eq!(seen.len(), expected, "{name}: {metric}: every row once");
            assert!(pages >= 2, "{name}: {metric}: more than a page");
            let mut lines = 0;
            let mut cursor: Option<String> = None;
            loop {
                let query = DrillQuery::of(view.clone(), metric.into());
                let export = csv_export(&db.conn, &leader, &query, day)
                    .await
                    .expect("export");
                let (text, next) = export
                    .batch(&db.conn, cursor.as_deref())
                    .await
                    .expect("csv");
                lines += text.lines().count();
                match next {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            assert_eq!(
                lines,
                expected + 1,
                "{name}: {metric}: the CSV, header and rows"
            );
        }
    }
}

/// An installation from before the facts moved into the requests' rows keeps what it knew:
/// migrating copies each request's facts from the old `request_facts` table; a request whose
/// facts were not there is found missing, and the start-up's rebuild completes it. (Going down
/// brings the table back, empty, for that version's start-up to rebuild.)
#[tokio::test]
async fn facts_kept_in_their_own_table_move_into_the_requests_rows() {
    use app::db::request;
    use migration::{Migrator, MigratorTrait};
    use sea_orm::sea_query::{Alias, Expr, Query};
    use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
    for (name, base) in server::testkit::all_databases().await {
        let org = Org::build(&base).await;
        org.item(&base, "sla", sla_item()).await;
        let start = at("2026-11-02T08:00:00Z");
        let clock = Clock::replay(start);
        let db = base.with_clock(clock.clone());
        let mut rng = StdRng::seed_from_u64(7);
        let mut ids = Vec::new();
        for n in 0..8 {
            clock.set(start + Duration::hours(n * 3));
            let raw = [("what".to_owned(), format!("Thing {n}"))].into();
            ids.push(
                requests::submit(&db, &org.employee, "sla", raw)
                    .await
                    .expect("submit"),
            );
            for step in 0..4 {
                clock.set(start + Duration::hours(n * 3) + Duration::minutes(40 * (step + 1)));
                let id = ids[rng.gen_range(0..ids.len())];
                random_step(&db, &org, id, &mut rng).await;
            }
        }
        let rows = || async {
            request::Entity::find()
                .order_by_asc(request::Column::Id)
                .all(&db.conn)
                .await
                .expect("requests")
        };
        let before = rows().await;
        assert!(before.iter().all(|r| r.facts().is_some()), "{name}: kept");
        let buckets = || async {
            (
                metric_day::all(&db.conn, false).await.expect("buckets"),
                metric_day::all(&db.conn, true).await.expect("rollup"),
            )
        };
        let kept_buckets = buckets().await;
        assert!(!kept_buckets.0.is_empty(), "{name}: some buckets");
        // Back past migrations 48 (SQLite's rollup triggers), 47 (the buckets keyed by day,
        // department, team, item and priority) and 46 (the move): the buckets keep their
        // counts both ways.
        Migrator::down(&db.conn, Some(2))
            .await
            .expect("down 48 and 47");
        assert_eq!(kept_buckets, buckets().await, "{name}: numbered buckets");
        Migrator::down(&db.conn, Some(1)).await.expect("down 46");
        let (last, older) = before.split_last().expect("requests");
        for r in older {
            let f = r.facts().expect("facts");
            let mut insert = Query::insert();
            insert
                .into_table(Alias::new("request_facts"))
                .columns(
                    [
                        "request_id",
                        "department_id",
                        "team_id",
                        "item_id",
                        "priority",
                        "created_at",
                        "state",
                        "resolved_at",
                        "cancelled_at",
                        "reopens",
                        "reassignments",
                        "desk_people",
                        "rating",
                        "resolve_business",
                        "response_at",
                        "response_minutes",
                        "response_sla_at",
                        "response_sla_met",
                        "resolution_sla_at",
                        "resolution_sla_met",
                        "approval_at",
                        "approval_minutes",
                    ]
                    .map(Alias::new),
                )
                .values_panic([
                    Expr::val(r.id),
                    Expr::val(f.key.department_id),
                    Expr::val(f.key.team_id),
                    Expr::val(f.key.item_id),
                    Expr::val(f.key.priority.clone()),
                    Expr::val(f.created),
                    Expr::val(f.state.as_str()),
                    Expr::val(f.resolved_at),
                    Expr::val(f.cancelled_at),
                    Expr::val(f.reopens as i32),
                    Expr::val(f.reassignments as i32),
                    Expr::val(f.desk_people as i32),
                    Expr::val(f.rating),
                    Expr::val(f.resolve_business),
                    Expr::val(f.response.map(|x| x.0)),
                    Expr::val(f.response.map(|x| x.1)),
                    Expr::val(f.sla[0].map(|x| x.0)),
                    Expr::val(f.sla[0].map(|x| x.1)),
                    Expr::val(f.sla[1].map(|x| x.0)),
                    Expr::val(f.sla[1].map(|x| x.1)),
                    Expr::val(f.approval.map(|x| x.0)),
                    Expr::val(f.approval.map(|x| x.1)),
                ]);
            db.conn.execute(&insert).await.expect("old facts");
        }
        Migrator::up(&db.conn, None).await.expect("up");
        assert_eq!(kept_buckets, buckets().await, "{name}: keyed buckets");
        let after = rows().await;
        assert_eq!(
            older,
            &after[..older.len()],
            "{name}: every fact copied into its row"
        );
        assert!(
            !after[older.len()].facts_kept,
            "{name}: {} has none",
            last.id
        );
        let missing = || async {
            app::metrics::buckets::facts_missing(&db.conn)
                .await
                .expect("missing")
        };
        assert!(missing().await, "{name}: found missing");
        app::metrics::buckets::rebuild(&db).await.expect("rebuild");
        assert_eq!(before, rows().await, "{name}: rebuilt");
        assert!(!missing().await, "{name}: nothing left to rebuild");
    }
}

/// What keeping the metrics adds to a change, counted in statements (the bench measures the
/// time; a count is the same on every run): the buckets' upserts, and nothing else — the facts
/// before a change are read with the request's row and written with it.
#[tokio::test]
async fn keeping_the_metrics_adds_only_the_buckets_statements_to_a_change() {
    use std::sync::{Arc, Mutex};
    for (name, base) in server::testkit::all_databases().await {
        let org = Org::build(&base).await;
        org.item(&base, "sla", sla_item()).await;
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let mut conn = base.conn.clone();
        let sink = log.clone();
        conn.set_metric_callback(move |info| {
            if let Ok(mut log) = sink.lock() {
                log.push(info.statement.sql.clone());
            }
        });
        let kept = Db::new(conn);
        let mut counted = Vec::new();
        for db in [kept.clone(), kept.without_metrics()] {
            let take = || std::mem::take(&mut *log.lock().expect("log"));
            take();
            let raw = [("what".to_owned(), "Printer".to_owned())].into();
            let id = requests::submit(&db, &org.employee, "sla", raw)
                .await
                .expect("submit");
            let submit = take();
            let mut changes = Vec::new();
            for to in [RequestState::InFulfilment, RequestState::Resolved] {
                let version = request_version(&db, id).await;
                take();
                let change = StateChange {
                    to,
                    expected_version: version,
                    note: None,
                };
                requests::change_state(&db, &org.agent, id, change)
                    .await
                    .expect("state change");
                changes.push(take());
            }
            let resolve = changes.pop().expect("resolve");
            let start = changes.pop().expect("start");
            counted.push((submit, start, resolve));
        }
        let (kept, not_kept) = (&counted[0], &counted[1]);
        let extra = |with: &[String], without: &[String]| -> Vec<String> {
            with.iter()
                .filter(|s| !without.contains(s))
                .filter(|s| !s.starts_with("UPDATE \"requests\""))
                .cloned()
                .collect()
        };
        // A submission opens a request: two buckets move (the detailed one and its rollup).
        // Their upserts ride with the statement that writes the request's row (on PostgreSQL
        // as data-modifying `WITH`s, on SQLite in one batch): not one round trip more.
        let submit = extra(&kept.0, &not_kept.0);
        assert_eq!(
            kept.0.len(),
            not_kept.0.len(),
            "{name}: submit: {submit:#?}"
        );
        // On SQLite the rollup is kept by triggers on the detailed buckets: one upsert.
        let postgres = name == "postgres";
        let lead = if postgres {
            "WITH "
        } else {
            "INSERT INTO \"metric_days\""
        };
        assert!(
            submit.len() == 1
                && submit[0].starts_with(lead)
                && submit[0].contains("INSERT INTO \"metric_days\"")
                && submit[0].contains("INSERT INTO \"metric_department_days\"") == postgres
                && submit[0].contains("UPDATE \"requests\""),
            "{name}: submit: {submit:#?}"
        );
        // Resolving moves numbers (resolved, times, clocks met): the same, one batch.
        let resolve = extra(&kept.2, &not_kept.2);
        assert_eq!(
            kept.2.len(),
            not_kept.2.len(),
            "{name}: resolve: {resolve:#?}\nkept: {:#?}\nnot kept: {:#?}",
            kept.2,
            not_kept.2
        );
        assert!(
            resolve.len() == 1 && resolve[0].contains("UPDATE \"requests\""),
            "{name}: resolve: {resolve:#?}"
        );
        // Starting work moves no number: not one statement more.
        let start = extra(&kept.1, &not_kept.1);
        assert!(
            kept.1.len() == not_kept.1.len() && start.is_empty(),
            "{name}: state change: {start:#?}"
        );
    }
}

/// SQLite is built to plan a statement without looking at the values bound to it (so a cached
/// statement is not planned again at each run), and a statement whose plan rests on a value
/// writes it into its SQL: the open backlog reads the partial index of the buckets that hold
/// open requests, not every bucket of the history.
#[tokio::test]
async fn sqlite_plans_do_not_depend_on_bound_values_and_the_backlog_keeps_its_partial_index() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let db = server::testkit::fresh_sqlite().await;
    let built_with = db
        .conn
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT sqlite_compileoption_used('ENABLE_QPSG') AS qpsg",
        ))
        .await
        .expect("compile options")
        .expect("a row");
    assert_eq!(
        built_with.try_get::<i64>("", "qpsg").expect("a number"),
        1,
        "SQLite was built without SQLITE_ENABLE_QPSG (LIBSQLITE3_FLAGS in .cargo/config.toml)"
    );
    let slice = app::domain::metrics::Slice {
        departments: Some(vec![1, 2]),
        ..Default::default()
    };
    let plan = server::testkit::sqlite_plan(&db, &metric_day::open_by_day_query(&slice)).await;
    assert!(
        plan.iter()
            .any(|step| step.contains("idx_metric_department_days_open")),
        "{plan:#?}"
    );
}
