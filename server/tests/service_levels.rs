//! Service levels on real databases (SQLite, and PostgreSQL when `ATRIUM_TEST_PG` is set):
//! departments' business calendars and their versions.

use app::domain::calendar::{Calendar, Hours};
use app::error::AppError;
use app::sla::calendars::{self, NewCalendar};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use server::testkit::Org;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a time")
        .with_timezone(&Utc)
}

fn berlin(opens: u16, closes: u16) -> Calendar {
    Calendar::office("Europe/Berlin", &[Hours::new(opens * 60, closes * 60)])
}

#[tokio::test]
async fn department_admins_keep_versioned_calendars_and_clocks_read_each_version_in_its_time() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let new = |slug: &str, calendar: Calendar| NewCalendar {
            department_id: org.department,
            slug: slug.into(),
            name: "Office hours".into(),
            calendar,
            is_default: false,
        };
        // Until a department has a calendar, its clocks run round the clock.
        let none = calendars::for_department(&db.conn, org.department, None)
            .await
            .expect("fallback");
        assert_eq!(
            none.business_time(at("2026-12-05T00:00:00Z"), at("2026-12-06T00:00:00Z")),
            Duration::hours(24),
            "{name}"
        );
        let refused = calendars::create(
            &db.conn,
            &org.agent,
            new("berlin", berlin(9, 17)),
            Utc::now(),
        )
        .await;
        assert!(
            matches!(refused, Err(AppError::Forbidden)),
            "{name}: {refused:?}"
        );
        let mut bad = berlin(9, 17);
        bad.zone = "Berlin".into();
        let refused = calendars::create(&db.conn, &org.admin, new("berlin", bad), Utc::now()).await;
        assert!(
            matches!(refused, Err(AppError::BadRequest(ref m)) if m.contains("not a time zone")),
            "{name}: {refused:?}"
        );
        let id = calendars::create(
            &db.conn,
            &org.admin,
            new("berlin", berlin(9, 17)),
            Utc::now(),
        )
        .await
        .expect("created");
        let again = calendars::create(
            &db.conn,
            &org.admin,
            new("berlin", berlin(8, 16)),
            Utc::now(),
        )
        .await;
        assert!(
            matches!(again, Err(AppError::Conflict(_))),
            "{name}: {again:?}"
        );

        // From Wednesday 9 December on, the office opens at 8 and closes at 18.
        calendars::change(
            &db,
            &org.admin,
            id,
            &berlin(8, 18),
            at("2026-12-09T00:00:00Z"),
        )
        .await
        .expect("changed");
        let refused = calendars::change(&db, &org.agent, id, &berlin(0, 24), Utc::now()).await;
        assert!(
            matches!(refused, Err(AppError::NotFound(_))),
            "{name}: {refused:?}"
        );
        // The first calendar is the department's default; a week counts 8 h a day before the
        // change and 10 h after (Berlin is UTC+1 in December).
        let versions = calendars::for_department(&db.conn, org.department, None)
            .await
            .expect("versions");
        assert_eq!(
            versions.business_time(at("2026-12-07T00:00:00Z"), at("2026-12-12T00:00:00Z")),
            Duration::hours(8 + 8 + 10 + 10 + 10),
            "{name}"
        );
        // A named calendar that does not exist falls back to the default.
        let named = calendars::for_department(&db.conn, org.department, Some("nope"))
            .await
            .expect("default");
        assert_eq!(named, versions, "{name}");
    }
}

#[tokio::test]
async fn the_demo_departments_have_calendars_with_their_public_holidays() {
    for (name, db) in server::testkit::seeded_databases().await {
        let it = app::db::department::Entity::find()
            .filter(app::db::department::Column::Slug.eq("it"))
            .one(&db.conn)
            .await
            .expect("query")
            .expect("IT");
        let versions = calendars::for_department(&db.conn, it.id, None)
            .await
            .expect("IT's calendar");
        // Christmas Day is a holiday in Berlin; the 23rd is a working day of ten hours.
        assert_eq!(
            versions.business_time(at("2026-12-24T23:00:00Z"), at("2026-12-25T23:00:00Z")),
            Duration::zero(),
            "{name}"
        );
        assert_eq!(
            versions.business_time(at("2026-12-22T23:00:00Z"), at("2026-12-23T23:00:00Z")),
            Duration::hours(10),
            "{name}"
        );
    }
}

#[tokio::test]
async fn an_item_s_service_levels_are_checked_on_import_and_kept_with_its_version() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let item = |sla: serde_json::Value| {
            let mut definition = server::testkit::one_field();
            definition["sla"] = sla;
            serde_json::json!({
                "format": app::catalog::model::ItemExport::FORMAT,
                "slug": "desk-fix", "name": "Desk fix", "short_description": "x",
                "description": "", "icon": "🪑", "department": "it", "category": "hardware",
                "team": "service-desk", "expected_days": 2, "audience": {"kind": "everyone"},
                "definition": definition,
            })
            .to_string()
        };
        let refused = app::catalog::designer::import(
            &db,
            &org.admin,
            &item(serde_json::json!({"resolution": {"hours": 0}})),
        )
        .await;
        match refused {
            Err(AppError::InvalidDefinition(errors)) => assert!(
                errors
                    .iter()
                    .any(|e| e.message.contains("resolution target")),
                "{name}: {errors:?}"
            ),
            other => panic!("{name}: a zero target must be refused: {other:?}"),
        }
        let refused = app::catalog::designer::import(
            &db,
            &org.admin,
            &item(serde_json::json!({"resolution": "soon"})),
        )
        .await;
        assert!(
            matches!(refused, Err(AppError::InvalidDefinition(ref e)) if e[0].message.contains("cannot be read")),
            "{name}: {refused:?}"
        );
        app::catalog::designer::import(
            &db,
            &org.admin,
            &item(
                serde_json::json!({"response": {"hours": 4}, "resolution": {"hours": 16,
                "by_priority": {"critical": 4}}}),
            ),
        )
        .await
        .expect("a good policy is kept");
        let draft = app::catalog::designer::working_copy(&db, &org.admin, "desk-fix")
            .await
            .expect("draft");
        let policy = draft
            .definition
            .sla_policy()
            .expect("readable")
            .expect("kept");
        assert_eq!(
            policy
                .target(
                    app::domain::sla::ClockKind::Resolution,
                    app::domain::state::Priority::Critical
                )
                .map(|t| t.minutes),
            Some(240),
            "{name}"
        );
    }
}

mod clocks_on_requests {
    use super::*;
    use app::db::{request, request_event, Clock, Db};
    use app::domain::state::{Priority, RequestState};
    use app::requests::model::RequestId;
    use app::requests::service::{self as requests, StateChange};
    use app::workflow::escalations::escalate;
    use server::testkit::{one_field, request_version};

    /// Round-the-clock targets: a first response within 1 h, resolution within 4 h, a warning
    /// at half-way; a breach tells the team and raises the priority.
    fn round_the_clock() -> serde_json::Value {
        let mut definition = one_field();
        definition["sla"] = serde_json::json!({
            "response": {"hours": 1, "business": false},
            "resolution": {"hours": 4, "business": false},
            "warn_at": [50],
            "on_breach": [
                {"action": "notify", "to": {"who": "team"}},
                {"action": "raise_priority"}
            ]
        });
        definition
    }

    fn what() -> app::domain::form::RawAnswers {
        [("what".to_owned(), "The printer".to_owned())].into()
    }

    async fn row(db: &Db, id: RequestId) -> request::Model {
        request::Entity::find_by_id(id.0)
            .one(&db.conn)
            .await
            .expect("query")
            .expect("request")
    }

    async fn events_saying(db: &Db, id: RequestId, text: &str) -> usize {
        request_event::Entity::find()
            .filter(request_event::Column::RequestId.eq(id.0))
            .all(&db.conn)
            .await
            .expect("events")
            .into_iter()
            .filter(|e| e.detail.contains(text))
            .count()
    }

    async fn move_to(
        db: &Db,
        who: &app::auth::model::SessionUser,
        id: RequestId,
        to: RequestState,
    ) {
        let change = StateChange {
            to,
            expected_version: request_version(db, id).await,
            note: None,
        };
        requests::change_state(db, who, id, change)
            .await
            .unwrap_or_else(|e| panic!("{id} to {to}: {e:?}"));
    }

    #[tokio::test]
    async fn warnings_and_breaches_fire_once_with_two_replicas_and_a_paused_clock_never_fires() {
        for (name, base) in server::testkit::all_databases().await {
            let org = Org::build(&base).await;
            org.item(&base, "sla", round_the_clock()).await;
            let t0 = at("2026-12-07T09:00:00Z");
            let clock = Clock::replay(t0);
            let db = base.with_clock(clock.clone());
            // A second replica: the same database, its own writer lock.
            let other = Db::new(base.conn.clone()).with_clock(clock.clone());

            let id = requests::submit(&db, &org.employee, "sla", what())
                .await
                .expect("submit");
            let submitted = row(&db, id).await;
            assert_eq!(
                submitted.due_at,
                Some(t0 + Duration::hours(1)),
                "{name}: the response is due first"
            );
            assert_eq!(submitted.sla_state.as_deref(), Some("running"), "{name}");
            clock.set(t0 + Duration::minutes(10));
            move_to(&db, &org.agent, id, RequestState::InFulfilment).await;
            requests::add_comment(&db, &org.agent, id, "On it.", false, &[])
                .await
                .expect("reply");
            assert_eq!(
                row(&db, id).await.due_at,
                Some(t0 + Duration::hours(4)),
                "{name}: answered, the resolution is due next"
            );

            // A second request waits on its requester from 09:30: its clock is paused.
            let paused = requests::submit(&db, &org.employee, "sla", what())
                .await
                .expect("submit");
            clock.set(t0 + Duration::minutes(30));
            move_to(&db, &org.agent, paused, RequestState::InFulfilment).await;
            requests::add_comment(&db, &org.agent, paused, "Which printer?", false, &[])
                .await
                .expect("question");
            move_to(&db, &org.agent, paused, RequestState::WaitingOnRequester).await;
            let waiting = row(&db, paused).await;
            assert_eq!(
                (waiting.due_at, waiting.sla_state.as_deref()),
                (None, Some("paused")),
                "{name}"
            );

            // 11:30: half the resolution target is used. Both replicas run: one warning.
            let now = t0 + Duration::minutes(150);
            clock.set(now);
            let (a, b) = tokio::join!(escalate(&db, now), escalate(&other, now));
            assert_eq!(
                a.expect("escalate") + b.expect("escalate"),
                1,
                "{name}: one warning"
            );
            assert_eq!(
                events_saying(&db, id, "SLA warning: 50%").await,
                1,
                "{name}"
            );
            assert_eq!(
                row(&db, id).await.sla_state.as_deref(),
                Some("warning"),
                "{name}"
            );
            assert_eq!(
                escalate(&db, now).await.expect("again"),
                0,
                "{name}: not twice"
            );

            // 13:30: breached. Both replicas run again: one breach, its actions once.
            let now = t0 + Duration::minutes(270);
            clock.set(now);
            let version = request_version(&db, id).await;
            let (a, b) = tokio::join!(escalate(&db, now), escalate(&other, now));
            assert_eq!(
                a.expect("escalate") + b.expect("escalate"),
                1,
                "{name}: one breach"
            );
            assert_eq!(events_saying(&db, id, "SLA breached").await, 1, "{name}");
            assert_eq!(
                events_saying(&db, id, "changed the priority from medium to high").await,
                1,
                "{name}"
            );
            let breached = row(&db, id).await;
            assert_eq!(breached.priority, Priority::High.as_str(), "{name}");
            assert_eq!(breached.sla_state.as_deref(), Some("breached"), "{name}");
            assert_eq!(
                breached.version,
                version + 1,
                "{name}: the breach changed the request"
            );
            let told = app::db::notification::Entity::find()
                .filter(app::db::notification::Column::UserId.eq(org.agent.id.0))
                .all(&db.conn)
                .await
                .expect("notices")
                .into_iter()
                .filter(|n| n.title.contains("breached its resolution target"))
                .count();
            assert_eq!(told, 1, "{name}: the team heard of it once");
            let audit = app::db::audit::Entity::find()
                .filter(app::db::audit::Column::RequestId.eq(id.0))
                .all(&db.conn)
                .await
                .expect("audit")
                .into_iter()
                .filter(|a| a.field == "SLA resolution" && a.after.as_deref() == Some("breached"))
                .count();
            assert_eq!(audit, 1, "{name}: in the audit trail");

            // Ten hours on: nothing more, and the paused request never fired.
            let later = t0 + Duration::hours(10);
            clock.set(later);
            assert_eq!(escalate(&db, later).await.expect("later"), 0, "{name}");
            assert_eq!(
                events_saying(&db, paused, "SLA").await,
                0,
                "{name}: paused never fires"
            );
        }
    }

    #[tokio::test]
    async fn a_state_changed_by_hand_recomputes_the_clock() {
        for (name, base) in server::testkit::all_databases().await {
            let org = Org::build(&base).await;
            org.item(&base, "sla", round_the_clock()).await;
            let t0 = at("2026-12-07T09:00:00Z");
            let clock = Clock::replay(t0);
            let db = base.with_clock(clock.clone());
            let id = requests::submit(&db, &org.employee, "sla", what())
                .await
                .expect("submit");
            move_to(&db, &org.agent, id, RequestState::InFulfilment).await;
            requests::add_comment(&db, &org.agent, id, "Looking.", false, &[])
                .await
                .expect("reply");
            assert_eq!(
                row(&db, id).await.due_at,
                Some(t0 + Duration::hours(4)),
                "{name}"
            );
            // Waiting on the requester from 10:00 to 12:00: two hours not counted.
            clock.set(t0 + Duration::hours(1));
            move_to(&db, &org.agent, id, RequestState::WaitingOnRequester).await;
            assert_eq!(
                row(&db, id).await.due_at,
                None,
                "{name}: paused, nothing is due"
            );
            clock.set(t0 + Duration::hours(3));
            move_to(&db, &org.agent, id, RequestState::InFulfilment).await;
            let resumed = row(&db, id).await;
            assert_eq!(
                resumed.due_at,
                Some(t0 + Duration::hours(6)),
                "{name}: 3 h left from 12:00"
            );
            assert_eq!(resumed.sla_state.as_deref(), Some("running"), "{name}");
            // Resolved at 13:00: met, nothing due.
            clock.set(t0 + Duration::hours(4));
            move_to(&db, &org.agent, id, RequestState::Resolved).await;
            let resolved = row(&db, id).await;
            assert_eq!(
                (resolved.due_at, resolved.sla_state.as_deref()),
                (None, Some("met")),
                "{name}"
            );
            let stored = app::db::request_clock::Entity::find()
                .filter(app::db::request_clock::Column::RequestId.eq(id.0))
                .all(&db.conn)
                .await
                .expect("clocks");
            let resolution = stored
                .iter()
                .find(|c| c.kind == "resolution")
                .expect("resolution clock");
            assert_eq!(
                (resolution.used_minutes, resolution.open),
                (120, false),
                "{name}"
            );
        }
    }

    #[tokio::test]
    async fn editing_a_calendar_recomputes_open_requests_due_times() {
        for (name, base) in server::testkit::all_databases().await {
            let org = Org::build(&base).await;
            let t0 = at("2026-12-07T09:00:00Z"); // a Monday
            let office = Calendar::office("UTC", &[Hours::new(9 * 60, 17 * 60)]);
            let txn = base.begin_write().await.expect("begin");
            let calendar = calendars::create(
                &*txn,
                &org.admin,
                NewCalendar {
                    department_id: org.department,
                    slug: "office".into(),
                    name: "Office".into(),
                    calendar: office,
                    is_default: true,
                },
                t0,
            )
            .await
            .expect("calendar");
            txn.commit().await.expect("commit");
            let mut definition = one_field();
            definition["sla"] = serde_json::json!({"resolution": {"hours": 8}});
            org.item(&base, "office-hours", definition).await;
            let clock = Clock::replay(t0);
            let db = base.with_clock(clock.clone());
            let open = requests::submit(&db, &org.employee, "office-hours", what())
                .await
                .expect("submit");
            let done = requests::submit(&db, &org.employee, "office-hours", what())
                .await
                .expect("submit");
            clock.set(t0 + Duration::hours(1));
            move_to(&db, &org.agent, done, RequestState::InFulfilment).await;
            move_to(&db, &org.agent, done, RequestState::Resolved).await;
            assert_eq!(
                row(&db, open).await.due_at,
                Some(at("2026-12-07T17:00:00Z")),
                "{name}"
            );
            let before = row(&db, open).await;

            // Short days from Monday morning on: 09:00–13:00.
            let short = Calendar::office("UTC", &[Hours::new(9 * 60, 13 * 60)]);
            calendars::change(&db, &org.admin, calendar, &short, t0)
                .await
                .expect("change");
            let recomputed = calendars::recompute_pending(&db).await.expect("recompute");
            assert_eq!(recomputed, 1, "{name}: only the open request's clocks");
            let after = row(&db, open).await;
            assert_eq!(
                after.due_at,
                Some(at("2026-12-08T13:00:00Z")),
                "{name}: 4 h Monday, 4 h Tuesday"
            );
            assert_eq!(
                (after.version, after.updated_at),
                (before.version, before.updated_at),
                "{name}: a recompute is not a change people made"
            );
            assert_eq!(
                calendars::recompute_pending(&db).await.expect("again"),
                0,
                "{name}: done"
            );
        }
    }
}

#[tokio::test]
async fn the_designer_s_service_level_form_writes_the_draft_and_says_what_is_wrong() {
    use app::domain::sla_form::SlaFields;
    use app::sla::policies;
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        org.item(&db, "desk", server::testkit::one_field()).await;
        let form = policies::form(&db, &org.admin, "desk").await.expect("form");
        assert_eq!(form.fields.enabled, None, "{name}: no service levels yet");
        let fields = SlaFields {
            enabled: Some("on".into()),
            resolution: "16".into(),
            resolution_by_priority: "critical 4".into(),
            response: "4".into(),
            ..form.fields.clone()
        };
        policies::save(&db, &org.admin, fields.clone())
            .await
            .expect("save");
        let again = policies::form(&db, &org.admin, "desk").await.expect("form");
        assert_eq!(again.fields.resolution_by_priority, "critical 4", "{name}");
        assert_eq!(again.fields.warn_at, "50, 75", "{name}");
        // Checked as every definition is: a response slower than the resolution is refused.
        let slow = SlaFields {
            response: "20".into(),
            ..fields.clone()
        };
        let refused = policies::save(&db, &org.admin, slow).await;
        assert!(
            matches!(&refused, Err(AppError::InvalidDefinition(p)) if p.iter().any(|e| e.message.contains("longer than"))),
            "{name}: {refused:?}"
        );
        let typo = SlaFields {
            warn_at: "half".into(),
            ..fields.clone()
        };
        assert!(
            matches!(policies::save(&db, &org.admin, typo).await, Err(AppError::BadRequest(m)) if m.contains("not a percentage")),
            "{name}"
        );
        // Only the department's admins.
        let refused = policies::save(&db, &org.agent, fields).await;
        assert!(
            matches!(refused, Err(AppError::Forbidden)),
            "{name}: {refused:?}"
        );
    }
}

#[tokio::test]
async fn people_read_times_in_their_own_zone_else_their_department_calendar_s() {
    use app::auth::service::{load_session_user, set_time_zone};
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let zone = |db: &app::db::Db, id| {
            let db = db.clone();
            async move {
                load_session_user(&db.conn, id)
                    .await
                    .expect("load")
                    .expect("person")
                    .time_zone
            }
        };
        assert_eq!(
            zone(&db, org.employee.id).await,
            "UTC",
            "{name}: nothing chosen, no calendar"
        );
        let txn = db.begin_write().await.expect("begin");
        calendars::create(
            &*txn,
            &org.admin,
            NewCalendar {
                department_id: org.department,
                slug: "berlin".into(),
                name: "Berlin".into(),
                calendar: berlin(9, 17),
                is_default: true,
            },
            Utc::now(),
        )
        .await
        .expect("calendar");
        txn.commit().await.expect("commit");
        assert_eq!(
            zone(&db, org.employee.id).await,
            "Europe/Berlin",
            "{name}: the department's"
        );
        set_time_zone(&db, &org.employee, "America/New_York")
            .await
            .expect("choose");
        assert_eq!(
            zone(&db, org.employee.id).await,
            "America/New_York",
            "{name}: their own"
        );
        let refused = set_time_zone(&db, &org.employee, "Mars/Olympus").await;
        assert!(
            matches!(refused, Err(AppError::BadRequest(ref m)) if m.contains("not a time zone")),
            "{name}: {refused:?}"
        );
        set_time_zone(&db, &org.employee, "")
            .await
            .expect("back to the department's");
        assert_eq!(zone(&db, org.employee.id).await, "Europe/Berlin", "{name}");
    }
}
