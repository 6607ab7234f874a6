//! The catalog designer on real databases (SQLite, and PostgreSQL when `ATRIUM_TEST_PG` is set):
//! drafts, publishing, version pinning, export/import, rights, and who may order.

use app::catalog::designer::{self, export_file};
use app::catalog::model::ItemExport;
use app::catalog::service::{load_catalog, load_item};
use app::db::catalog_cache::CatalogCache;
use app::db::{catalog_item, Db};
use app::domain::form::{FieldDef, FieldKind};
use app::domain::rules::{Condition, Effect, FieldTest, Op, Rule};
use app::error::AppError;
use app::requests::service as requests;
use sea_orm::{EntityTrait, PaginatorTrait};
use server::seed::seed_organisation;
use server::testkit::all_databases;
use std::collections::BTreeMap;

const HR_ADMIN: &str = "hannah.schmidt@atrium.example";
const SYSTEM_ADMIN: &str = "sofia.alvarez@atrium.example";
const IT_AGENT: &str = "ivan.petrov@atrium.example";
const EMPLOYEE: &str = "emma.clark@atrium.example";

use server::testkit::person;

async fn seeded() -> Vec<(&'static str, Db)> {
    let dbs = all_databases().await;
    for (_, db) in &dbs {
        seed_organisation(db).await.expect("seed");
    }
    dbs
}

fn letter_answers() -> BTreeMap<String, String> {
    [("purpose", "bank"), ("include_salary", "no")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn short_text(key: &str, label: &str, required: bool) -> FieldDef {
    let kind = FieldKind::ShortText {
        min_length: None,
        max_length: None,
        pattern: None,
    };
    FieldDef::new(key, label, kind, required)
}

#[tokio::test]
async fn publishing_makes_a_new_version_and_requests_keep_theirs() {
    for (name, db) in seeded().await {
        let admin = person(&db, HR_ADMIN).await;
        let emma = person(&db, EMPLOYEE).await;
        let before = requests::submit(&db, &emma, "employment-letter", letter_answers())
            .await
            .expect("v1 order");

        let mut draft = designer::working_copy(&db, &admin, "employment-letter")
            .await
            .expect("draft");
        assert_eq!(
            (draft.draft_version, draft.published_version),
            (None, Some(1)),
            "{name}"
        );
        draft
            .definition
            .form
            .fields
            .push(short_text("reference", "Your reference", true));
        let saved = designer::save_draft(&db, &admin, "employment-letter", &draft.definition, None)
            .await
            .expect("save");
        assert_eq!(saved, 1);
        // The draft does not change what employees see until it is published.
        assert_eq!(
            load_item(&db.conn, &emma, "employment-letter")
                .await
                .expect("item")
                .version,
            1
        );
        assert_eq!(
            designer::publish(&db, &admin, "employment-letter")
                .await
                .expect("publish"),
            2,
            "{name}"
        );
        let item = load_item(&db.conn, &emma, "employment-letter")
            .await
            .expect("item");
        assert_eq!(item.version, 2);
        assert!(item.form.fields.iter().any(|f| f.key == "reference"));

        // The old request still renders with version 1's form.
        let old = requests::detail(&db, &emma, before).await.expect("detail");
        assert_eq!(old.item_version, 1);
        assert!(!old.form.fields.iter().any(|f| f.key == "reference"));
        // New orders are judged by version 2.
        let missing = requests::submit(&db, &emma, "employment-letter", letter_answers()).await;
        assert!(
            matches!(missing, Err(AppError::InvalidForm { ref errors, .. }) if errors.contains_key("reference")),
            "{name}"
        );
        let mut answers = letter_answers();
        answers.insert("reference".into(), "ABC-1".into());
        let after = requests::submit(&db, &emma, "employment-letter", answers)
            .await
            .expect("v2 order");
        assert_eq!(
            requests::detail(&db, &emma, after)
                .await
                .expect("detail")
                .item_version,
            2
        );

        let history = designer::history(&db, &admin, "employment-letter")
            .await
            .expect("history");
        assert_eq!(
            history.iter().map(|v| v.version).collect::<Vec<_>>(),
            [2, 1]
        );
        assert_eq!(history[0].published_by, "Hannah Schmidt");
        let diff = designer::compare(&db, &admin, "employment-letter", 1, 2)
            .await
            .expect("diff");
        assert_eq!(diff, ["Added field “Your reference” (short text)"]);

        // Publishing again with no draft is refused clearly.
        assert!(matches!(
            designer::publish(&db, &admin, "employment-letter").await,
            Err(AppError::Conflict(_))
        ));
    }
}

#[tokio::test]
async fn invalid_definitions_are_refused_and_stale_drafts_are_not_overwritten() {
    for (name, db) in seeded().await {
        let admin = person(&db, HR_ADMIN).await;
        let mut draft = designer::working_copy(&db, &admin, "leave-request")
            .await
            .expect("draft");
        let mut broken = draft.definition.clone();
        broken.form.rules.push(Rule {
            when: Condition::Field(FieldTest {
                field: "nope".into(),
                op: Op::IsEmpty,
                value: None,
            }),
            then: vec![Effect::Show {
                field: "note".into(),
            }],
        });
        match designer::save_draft(&db, &admin, "leave-request", &broken, None).await {
            Err(AppError::InvalidDefinition(errors)) => {
                assert_eq!(
                    errors[0].message,
                    "The condition tests “nope”, which is not a field of this form.",
                    "{name}"
                )
            }
            other => panic!("{name}: {other:?}"),
        }
        draft.definition.form.fields[0].label = "Kind of leave".into();
        designer::save_draft(&db, &admin, "leave-request", &draft.definition, None)
            .await
            .expect("first save");
        // A second admin started from "no draft" too: their save must not overwrite.
        let stale =
            designer::save_draft(&db, &admin, "leave-request", &draft.definition, None).await;
        assert!(matches!(stale, Err(AppError::Conflict(_))), "{name}");
        assert_eq!(
            designer::save_draft(&db, &admin, "leave-request", &draft.definition, Some(1))
                .await
                .expect("save"),
            2
        );
    }
}

#[tokio::test]
async fn export_import_export_gives_the_same_file() {
    for (name, db) in seeded().await {
        let admin = person(&db, SYSTEM_ADMIN).await;
        let first = export_file(
            &designer::export(&db, &admin, "new-laptop")
                .await
                .expect("export"),
        )
        .expect("file");
        assert!(
            first.contains("\"format\": \"atrium.catalog-item/1\""),
            "{first}"
        );
        assert!(
            first.contains("\"peripherals\""),
            "rules and fields are in the file"
        );

        // Back into the same installation: a new draft of the existing item.
        let outcome = designer::import(&db, &admin, &first).await.expect("import");
        assert!(!outcome.created, "{name}");
        designer::publish(&db, &admin, "new-laptop")
            .await
            .expect("publish");
        let second = export_file(
            &designer::export(&db, &admin, "new-laptop")
                .await
                .expect("export"),
        )
        .expect("file");
        assert_eq!(
            first, second,
            "{name}: export → import → export is identical"
        );

        // As a new item: created unpublished, orderable once published.
        let copy = first.replace("\"slug\": \"new-laptop\"", "\"slug\": \"new-laptop-copy\"");
        let outcome = designer::import(&db, &admin, &copy)
            .await
            .expect("import copy");
        assert!(outcome.created);
        let emma = person(&db, EMPLOYEE).await;
        assert!(
            load_item(&db.conn, &emma, "new-laptop-copy").await.is_err(),
            "not orderable before publishing"
        );
        designer::publish(&db, &admin, "new-laptop-copy")
            .await
            .expect("publish copy");
        let copied: ItemExport = serde_json::from_str(
            &export_file(
                &designer::export(&db, &admin, "new-laptop-copy")
                    .await
                    .expect("export"),
            )
            .expect("file"),
        )
        .expect("parse");
        let original: ItemExport = serde_json::from_str(&first).expect("parse");
        assert_eq!(copied.definition, original.definition);
        assert!(load_item(&db.conn, &emma, "new-laptop-copy").await.is_ok());
    }
}

#[tokio::test]
async fn bad_files_are_refused_precisely_and_change_nothing() {
    for (name, db) in seeded().await {
        let admin = person(&db, SYSTEM_ADMIN).await;
        let items_before = catalog_item::Entity::find()
            .count(&db.conn)
            .await
            .expect("count");
        let good = export_file(
            &designer::export(&db, &admin, "repair")
                .await
                .expect("export"),
        )
        .expect("file");
        let renamed = good.replace("\"slug\": \"repair\"", "\"slug\": \"repair-two\"");
        let cases = [
            ("{ not json".to_owned(), "not a valid Atrium item file"),
            (
                renamed.replace(
                    "\"department\": \"facilities\"",
                    "\"department\": \"space\"",
                ),
                "no department “space”",
            ),
            (
                renamed.replace(
                    "\"category\": \"maintenance\"",
                    "\"category\": \"gardening\"",
                ),
                "no category “gardening”",
            ),
            (
                renamed.replace("atrium.catalog-item/1", "atrium.catalog-item/9"),
                "this Atrium reads",
            ),
            (
                renamed.replace("\"slug\": \"repair-two\"", "\"slug\": \"Repair Two\""),
                "only lower-case letters",
            ),
            (
                renamed.replace(
                    "\"name\": \"Repair request\"",
                    "\"name\": \"Repair request\", \"colour\": \"red\"",
                ),
                "unknown field `colour`",
            ),
            // The details form's limits hold for files too.
            (
                renamed.replace(
                    "\"name\": \"Repair request\"",
                    &format!("\"name\": \"{}\"", "R".repeat(121)),
                ),
                "In this file: The name must have between 1 and 120 characters.",
            ),
            (
                renamed.replace(
                    "\"Something in the building is broken.\"",
                    &format!("\"{}\"", "s".repeat(301)),
                ),
                "In this file: The short description may have at most 300 characters.",
            ),
            (
                renamed.replace("\"expected_days\": 2", "\"expected_days\": 9000"),
                "between 0 and 365 business days",
            ),
        ];
        for (file, expected) in cases {
            match designer::import(&db, &admin, &file).await {
                Err(AppError::BadRequest(message)) => {
                    assert!(message.contains(expected), "{name}: {message}")
                }
                other => panic!("{name}: expected “{expected}”, got {other:?}"),
            }
        }
        // A definition problem is reported as such.
        let cyclic = renamed.replace(
            "\"rules\": [",
            "\"rules\": [{\"when\": {\"field\": {\"field\": \"phone\", \"op\": \"is_not_empty\"}}, \"then\": [{\"effect\": \"hide\", \"field\": \"urgency\"}]},",
        );
        assert!(
            matches!(
                designer::import(&db, &admin, &cyclic).await,
                Err(AppError::InvalidDefinition(_))
            ),
            "{name}"
        );
        let items_after = catalog_item::Entity::find()
            .count(&db.conn)
            .await
            .expect("count");
        assert_eq!(items_before, items_after, "{name}: nothing half-imported");
    }
}

#[tokio::test]
async fn department_admins_manage_only_their_departments() {
    for (name, db) in seeded().await {
        let hr_admin = person(&db, HR_ADMIN).await;
        let it_agent = person(&db, IT_AGENT).await;
        let laptop = designer::working_copy(&db, &person(&db, SYSTEM_ADMIN).await, "new-laptop")
            .await
            .expect("copy");
        assert!(
            matches!(
                designer::working_copy(&db, &hr_admin, "new-laptop").await,
                Err(AppError::Forbidden)
            ),
            "{name}"
        );
        assert!(matches!(
            designer::save_draft(&db, &hr_admin, "new-laptop", &laptop.definition, None).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            designer::publish(&db, &hr_admin, "new-laptop").await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            designer::export(&db, &hr_admin, "new-laptop").await,
            Err(AppError::Forbidden)
        ));
        // Agents work requests; they do not design the catalog.
        assert!(matches!(
            designer::working_copy(&db, &it_agent, "new-laptop").await,
            Err(AppError::Forbidden)
        ));
        // Whether a slug exists is not given away by a different refusal: only a system admin,
        // who may design any item, is told that there is none.
        for (who, user) in [("HR admin", &hr_admin), ("agent", &it_agent)] {
            assert!(
                matches!(
                    designer::working_copy(&db, user, "no-such-item").await,
                    Err(AppError::Forbidden)
                ),
                "{name}: {who}"
            );
            assert!(
                matches!(
                    designer::export(&db, user, "no-such-item").await,
                    Err(AppError::Forbidden)
                ),
                "{name}: {who}"
            );
        }
        assert!(matches!(
            designer::working_copy(&db, &person(&db, SYSTEM_ADMIN).await, "no-such-item").await,
            Err(AppError::NotFound(_))
        ));
        // Importing into another department is refused as well.
        let file = export_file(
            &designer::export(&db, &person(&db, SYSTEM_ADMIN).await, "new-laptop")
                .await
                .expect("export"),
        )
        .expect("file");
        assert!(matches!(
            designer::import(&db, &hr_admin, &file).await,
            Err(AppError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn items_for_some_departments_are_hidden_and_refused_for_others() {
    for (name, db) in seeded().await {
        let emma = person(&db, EMPLOYEE).await; // Sales
        let ivan = person(&db, IT_AGENT).await; // IT
                                                // One copy of the catalog in memory for both: what each may order is per person.
        let cache = CatalogCache::default();
        let has_card = |catalog: &app::catalog::model::CatalogView| {
            catalog
                .departments
                .iter()
                .flat_map(|d| &d.categories)
                .flat_map(|c| &c.items)
                .any(|i| i.slug == "corporate-card")
        };
        assert!(
            has_card(
                &load_catalog(&db.conn, &cache, &emma)
                    .await
                    .expect("catalog")
            ),
            "{name}"
        );
        assert!(
            !has_card(
                &load_catalog(&db.conn, &cache, &ivan)
                    .await
                    .expect("catalog")
            ),
            "{name}"
        );
        match load_item(&db.conn, &ivan, "corporate-card").await {
            Err(AppError::NotAllowed(message)) => {
                assert!(message.contains("Members of sales, finance"), "{message}")
            }
            other => panic!("{name}: {other:?}"),
        }
        let answers: BTreeMap<String, String> = [
            ("monthly_limit", "1000"),
            ("reason", "Client visits every week"),
            ("policy", "on"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert!(matches!(
            requests::submit(&db, &ivan, "corporate-card", answers.clone()).await,
            Err(AppError::NotAllowed(_))
        ));
        requests::submit(&db, &emma, "corporate-card", answers)
            .await
            .expect("sales may order");
    }
}

#[tokio::test]
async fn admins_create_items_in_their_departments_and_choose_who_may_order() {
    use app::catalog::model::{Audience, NewItem};
    for (name, db) in seeded().await {
        let admin = person(&db, HR_ADMIN).await;
        let emma = person(&db, EMPLOYEE).await;
        let new = |department: &str, category: &str, team: &str| NewItem {
            name: "Wellbeing session".into(),
            department: department.into(),
            category: category.into(),
            team: team.into(),
            icon: "🧘".into(),
            short_description: "Book a session with a coach.".into(),
        };
        let other_department =
            designer::create_item(&db, &admin, &new("it", "it/hardware", "service-desk")).await;
        assert!(
            matches!(other_department, Err(AppError::Forbidden)),
            "{name}"
        );
        let mismatched =
            designer::create_item(&db, &admin, &new("hr", "it/hardware", "people-operations"))
                .await;
        assert!(matches!(mismatched, Err(AppError::BadRequest(_))));

        let slug = designer::create_item(
            &db,
            &admin,
            &new("hr", "hr/employment", "people-operations"),
        )
        .await
        .expect("create");
        assert_eq!(slug, "wellbeing-session");
        let again = designer::create_item(
            &db,
            &admin,
            &new("hr", "hr/employment", "people-operations"),
        )
        .await;
        assert!(
            matches!(again, Err(AppError::Conflict(_))),
            "{name}: names are unique"
        );
        assert!(
            load_item(&db.conn, &emma, &slug).await.is_err(),
            "unpublished items are not orderable"
        );

        let mut definition = designer::working_copy(&db, &admin, &slug)
            .await
            .expect("draft")
            .definition;
        definition
            .form
            .fields
            .push(short_text("topic", "Topic", true));
        designer::save_draft(&db, &admin, &slug, &definition, Some(1))
            .await
            .expect("save");
        designer::publish(&db, &admin, &slug)
            .await
            .expect("publish");
        assert_eq!(
            load_item(&db.conn, &emma, &slug)
                .await
                .expect("orderable")
                .version,
            1
        );

        // Who may order: HR only, then Emma (Sales) is refused; an empty list is refused.
        let empty = Audience::Departments {
            departments: vec![],
        };
        assert!(matches!(
            designer::set_audience(&db, &admin, &slug, &empty).await,
            Err(AppError::BadRequest(_))
        ));
        let hr_only = Audience::Departments {
            departments: vec!["hr".into()],
        };
        designer::set_audience(&db, &admin, &slug, &hr_only)
            .await
            .expect("set");
        assert_eq!(
            designer::audience(&db, &admin, &slug).await.expect("read"),
            hr_only
        );
        assert!(
            matches!(
                load_item(&db.conn, &emma, &slug).await,
                Err(AppError::NotAllowed(_))
            ),
            "{name}"
        );
        let it_agent = person(&db, IT_AGENT).await;
        assert!(matches!(
            designer::set_audience(&db, &it_agent, &slug, &Audience::Everyone).await,
            Err(AppError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn admins_keep_categories_and_catalog_entries_of_their_own_departments() {
    use app::catalog::admin;
    use app::catalog::model::NewCategory;
    for (name, db) in seeded().await {
        let hr = person(&db, HR_ADMIN).await;
        // A category in HR: yes; in IT: 403; twice: a clear conflict.
        let new = |department: &str| NewCategory {
            department: department.into(),
            name: "Wellbeing & Health".into(),
        };
        let slug = admin::create_category(&db, &hr, &new("hr"))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(slug, "wellbeing-health");
        assert_eq!(
            admin::create_category(&db, &hr, &new("it")).await,
            Err(AppError::Forbidden),
            "{name}"
        );
        assert!(matches!(
            admin::create_category(&db, &hr, &new("hr")).await,
            Err(AppError::Conflict(_))
        ));

        // The letter moves to the new category, with a new name; an IT item stays out of reach.
        let mut details = admin::item_details(&db, &hr, "employment-letter")
            .await
            .expect("details");
        details.category = "hr/wellbeing-health".into();
        details.name = "Employment confirmation letter".into();
        admin::update_item_details(&db, &hr, "employment-letter", &details)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let item = load_item(&db.conn, &hr, "employment-letter")
            .await
            .expect("item");
        assert_eq!(item.name, "Employment confirmation letter");
        assert_eq!(
            admin::item_details(&db, &hr, "new-laptop").await,
            Err(AppError::Forbidden)
        );
        let it_details = admin::item_details(&db, &person(&db, SYSTEM_ADMIN).await, "new-laptop")
            .await
            .expect("system admin");
        assert_eq!(
            admin::update_item_details(&db, &hr, "new-laptop", &it_details).await,
            Err(AppError::Forbidden),
            "{name}"
        );
        // A category of another department is refused; nothing changes.
        details.category = "it/hardware".into();
        assert!(matches!(
            admin::update_item_details(&db, &hr, "employment-letter", &details).await,
            Err(AppError::BadRequest(m)) if m.contains("stays in its department")
        ));
        // Retiring takes the item out of the catalog, also out of a copy kept in memory
        // before the change (the database moves the catalog's generation on).
        let employee = person(&db, EMPLOYEE).await;
        let cache = CatalogCache::default();
        let listed = |catalog: &app::catalog::model::CatalogView| {
            catalog
                .departments
                .iter()
                .flat_map(|d| &d.categories)
                .flat_map(|c| &c.items)
                .any(|i| i.slug == "employment-letter")
        };
        let before = load_catalog(&db.conn, &cache, &employee)
            .await
            .expect("catalog");
        assert!(listed(&before), "{name}: listed while active");
        details.category = "hr/wellbeing-health".into();
        details.active = false;
        admin::update_item_details(&db, &hr, "employment-letter", &details)
            .await
            .expect("retire");
        let catalog = load_catalog(&db.conn, &cache, &employee)
            .await
            .expect("catalog");
        assert!(!listed(&catalog), "{name}: a retired item is not listed");
    }
}

/// Who may save or import is decided before a definition is looked at (checking one compiles
/// its patterns and looks up its approvers), and definitions too large to check are refused
/// by their size alone.
#[tokio::test]
async fn definitions_are_authorised_first_and_limited_in_size() {
    for (name, db) in seeded().await {
        let employee = person(&db, EMPLOYEE).await;
        let admin = person(&db, SYSTEM_ADMIN).await;
        let mut broken = designer::working_copy(&db, &admin, "new-laptop")
            .await
            .expect("copy")
            .definition;
        broken.form.fields.push(FieldDef::new(
            "code",
            "Code",
            FieldKind::ShortText {
                min_length: None,
                max_length: None,
                pattern: Some(app::domain::form::Pattern {
                    regex: "(".into(),
                    message: "Broken".into(),
                }),
            },
            false,
        ));
        assert!(
            matches!(
                designer::save_draft(&db, &employee, "new-laptop", &broken, None).await,
                Err(AppError::Forbidden)
            ),
            "{name}: an employee is refused before the definition is checked"
        );
        assert!(
            matches!(
                designer::import(&db, &employee, "{ not even json").await,
                Err(AppError::Forbidden)
            ),
            "{name}: an employee's import is refused before the file is read"
        );
        let mut huge = broken.clone();
        huge.form.fields = (0..301)
            .map(|n| {
                FieldDef::new(
                    &format!("f{n}"),
                    &format!("Field {n}"),
                    FieldKind::Email,
                    false,
                )
            })
            .collect();
        huge.form.rules.clear();
        match designer::save_draft(&db, &admin, "new-laptop", &huge, None).await {
            Err(AppError::InvalidDefinition(problems)) => assert!(
                problems
                    .iter()
                    .any(|p| p.message.contains("at most 300 fields")),
                "{name}: {problems:?}"
            ),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_demo_leave_request_refuses_a_last_day_before_the_first() {
    for (name, db) in seeded().await {
        let emma = person(&db, EMPLOYEE).await;
        let answers = |start: &str, end: &str| -> BTreeMap<String, String> {
            [
                ("leave_type", "annual"),
                ("start", start),
                ("end", end),
                ("days", "3"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
        };
        match requests::submit(
            &db,
            &emma,
            "leave-request",
            answers("2031-03-10", "2031-03-06"),
        )
        .await
        {
            Err(AppError::InvalidForm { errors, answers }) => {
                assert_eq!(
                    errors.get("end").map(String::as_str),
                    Some("The last day is on or after the first day."),
                    "{name}: {errors:?}"
                );
                assert_eq!(
                    answers.get("end").map(String::as_str),
                    Some("2031-03-06"),
                    "{name}: nothing lost"
                );
            }
            other => panic!("{name}: a reversed range was not refused: {other:?}"),
        }
        requests::submit(
            &db,
            &emma,
            "leave-request",
            answers("2031-03-10", "2031-03-12"),
        )
        .await
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    }
}
