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
