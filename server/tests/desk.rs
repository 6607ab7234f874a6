//! What agents work with beside a request, on real databases (SQLite, and PostgreSQL when
//! `ATRIUM_TEST_PG` is set): linked requests and duplicates, the requester's context, and
//! their department's reply templates.

use app::db::{notification, Db};
use app::domain::state::RequestState;
use app::error::AppError;
use app::requests::links::{self, DuplicateClose};
use app::requests::model::{LinkKind, RequestId, TimelineKind};
use app::requests::service as requests;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use server::testkit::{
    add_department, add_person, one_field, request_state, request_version, session_user, Org,
};

async fn told(db: &Db, person: i64, id: RequestId) -> Vec<String> {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(person))
        .filter(notification::Column::RequestId.eq(id.0))
        .all(&db.conn)
        .await
        .expect("query")
        .into_iter()
        .map(|n| n.title)
        .collect()
}

fn raw(what: &str) -> app::domain::form::RawAnswers {
    [("what".to_owned(), what.to_owned())].into()
}

fn close(survivor: RequestId, version: i32) -> DuplicateClose {
    DuplicateClose {
        survivor,
        expected_version: version,
        note: Some("Same printer: we follow it up there.".into()),
    }
}

#[tokio::test]
async fn a_duplicate_is_closed_into_the_request_that_goes_on_and_its_requester_follows_it() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let item = org.item(&db, "printer", one_field()).await;
        let kept = requests::submit(&db, &org.employee, &item, raw("Printer jams"))
            .await
            .expect("first");
        let duplicate = requests::submit(&db, &org.manager, &item, raw("Printer broken"))
            .await
            .expect("second");
        // Before: the second requester cannot read the first one's request.
        assert!(
            matches!(
                requests::detail(&db, &org.manager, kept).await,
                Err(AppError::NotFound(_))
            ),
            "{name}"
        );
        let seen = request_version(&db, duplicate).await;

        // Only the department's agents close a duplicate, on the version they saw.
        let refused =
            links::close_as_duplicate(&db, &org.employee, duplicate, close(kept, seen)).await;
        assert!(
            matches!(
                refused,
                Err(AppError::NotFound(_) | AppError::NotAllowed(_))
            ),
            "{name}: {refused:?}"
        );
        let refused =
            links::close_as_duplicate(&db, &org.agent, duplicate, close(duplicate, seen)).await;
        assert!(
            matches!(refused, Err(AppError::BadRequest(_))),
            "{name}: {refused:?}"
        );
        let refused =
            links::close_as_duplicate(&db, &org.agent, duplicate, close(kept, seen + 1)).await;
        assert!(
            matches!(refused, Err(AppError::Conflict(_))),
            "{name}: stale: {refused:?}"
        );
        let said = links::close_as_duplicate(&db, &org.agent, duplicate, close(kept, seen))
            .await
            .expect("closed as duplicate");
        assert!(said.contains("duplicate of"), "{name}: {said}");
        assert_eq!(
            request_state(&db, duplicate).await,
            RequestState::Cancelled,
            "{name}"
        );

        // Its requester is told, follows the one that goes on, and reads it.
        assert!(
            told(&db, org.manager.id.0, duplicate)
                .await
                .iter()
                .any(|t| t.contains("closed as a duplicate")),
            "{name}"
        );
        let survivor = requests::detail(&db, &org.manager, kept)
            .await
            .expect("the duplicate's requester reads the survivor");
        assert!(survivor.watching, "{name}: follows it");
        assert!(
            survivor.requester_context.is_none() && !survivor.may_link,
            "{name}: a reader, not an agent"
        );
        let refused = requests::add_comment(&db, &org.manager, kept, "hi", true, &[]).await;
        assert!(refused.is_err(), "{name}: no internal notes: {refused:?}");

        // Both pages name the link; the closed one says why, on its timeline too.
        let page = requests::detail(&db, &org.agent, duplicate)
            .await
            .expect("detail");
        assert_eq!(page.links.len(), 1, "{name}");
        assert_eq!(
            (page.links[0].id, page.links[0].kind),
            (kept, LinkKind::DuplicateOf)
        );
        assert!(
            page.timeline.iter().any(|e| matches!(&e.kind,
                TimelineKind::Updated { text } if text.contains(&format!("duplicate of {kept}")))),
            "{name}: {:?}",
            page.timeline
        );
        let page = requests::detail(&db, &org.agent, kept)
            .await
            .expect("detail");
        assert_eq!(
            (page.links[0].id, page.links[0].kind),
            (duplicate, LinkKind::Duplicates),
            "{name}"
        );

        // Progress on the survivor reaches the duplicate's requester.
        requests::add_comment(&db, &org.agent, kept, "A new drum is ordered.", false, &[])
            .await
            .expect("reply");
        assert!(
            told(&db, org.manager.id.0, kept)
                .await
                .iter()
                .any(|t| t.contains(&kept.to_string())),
            "{name}: {:?}",
            told(&db, org.manager.id.0, kept).await
        );

        // A closed request is not closed again, nor is anything closed into it.
        let third = requests::submit(&db, &org.employee, &item, raw("Printer again"))
            .await
            .expect("third");
        let v = request_version(&db, third).await;
        let refused = links::close_as_duplicate(&db, &org.agent, third, close(duplicate, v)).await;
        assert!(
            matches!(refused, Err(AppError::Conflict(_))),
            "{name}: {refused:?}"
        );
    }
}

#[tokio::test]
async fn duplicates_stay_within_a_department_and_confidential_requests_are_only_linked() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let item = org.item(&db, "printer", one_field()).await;
        let a = requests::submit(&db, &org.employee, &item, raw("One"))
            .await
            .expect("a");
        // Another department's request, which an agent of both departments can read.
        let (hr, _) = add_department(&db, "hr", "HR", ("people", "People"), ("time", "Time")).await;
        let both = add_person(&db, org.department, "both@org.test", None, &["agent"]).await;
        sea_orm::ActiveModelTrait::insert(
            app::db::role_grant::ActiveModel {
                user_id: sea_orm::Set(both),
                role: sea_orm::Set("agent".into()),
                department_id: sea_orm::Set(Some(hr)),
                ..Default::default()
            },
            &db.conn,
        )
        .await
        .expect("grant");
        let both = session_user(&db, both).await;
        let hr_item = {
            let hr_admin =
                add_person(&db, hr, "hr.admin@org.test", None, &["department_admin"]).await;
            let hr_admin = session_user(&db, hr_admin).await;
            let file = serde_json::json!({
                "format": app::catalog::model::ItemExport::FORMAT,
                "slug": "hr-letter", "name": "HR letter", "short_description": "x",
                "description": "", "icon": "📄", "department": "hr", "category": "time",
                "team": "people", "expected_days": 3, "audience": {"kind": "everyone"},
                "definition": one_field(),
            });
            app::catalog::designer::import(&db, &hr_admin, &file.to_string())
                .await
                .expect("import");
            app::catalog::designer::publish(&db, &hr_admin, "hr-letter")
                .await
                .expect("publish");
            "hr-letter".to_owned()
        };
        let b = requests::submit(&db, &org.employee, &hr_item, raw("Two"))
            .await
            .expect("b");
        let v = request_version(&db, a).await;
        let refused = links::close_as_duplicate(&db, &both, a, close(b, v)).await;
        assert!(
            matches!(refused, Err(AppError::BadRequest(ref m)) if m.contains("another department")),
            "{name}: {refused:?}"
        );
        // The agent of one department only does not even find the other's request.
        let refused = links::link(&db, &org.agent, a, b).await;
        assert!(
            matches!(refused, Err(AppError::NotFound(_))),
            "{name}: {refused:?}"
        );
        // Related across departments: fine, once.
        links::link(&db, &both, a, b).await.expect("link");
        let again = links::link(&db, &both, b, a).await;
        assert!(
            matches!(again, Err(AppError::Conflict(_))),
            "{name}: either way round: {again:?}"
        );
        // The agent of one department sees the link only to what they may read.
        let page = requests::detail(&db, &org.agent, a).await.expect("detail");
        assert!(page.links.is_empty(), "{name}: {:?}", page.links);
        let page = requests::detail(&db, &both, a).await.expect("detail");
        assert_eq!(page.links[0].kind, LinkKind::Related, "{name}");
        links::unlink(&db, &both, b, a).await.expect("unlink");
        let again = links::unlink(&db, &both, a, b).await;
        assert!(
            matches!(again, Err(AppError::Conflict(_))),
            "{name}: {again:?}"
        );

        // Confidential requests are linked, never closed into one another.
        let c = requests::submit(&db, &org.employee, &item, raw("Three"))
            .await
            .expect("c");
        let mut details = app::catalog::admin::item_details(&db, &org.admin, &item)
            .await
            .expect("details");
        details.confidential = true;
        app::catalog::admin::update_item_details(&db, &org.admin, &item, &details)
            .await
            .expect("confidential");
        let v = request_version(&db, a).await;
        let refused = links::close_as_duplicate(&db, &org.agent, a, close(c, v)).await;
        assert!(
            matches!(refused, Err(AppError::BadRequest(ref m)) if m.contains("Confidential")),
            "{name}: {refused:?}"
        );
        links::link(&db, &org.agent, a, c).await.expect("linked");
    }
}

#[tokio::test]
async fn agents_see_who_the_request_is_for_and_their_other_open_requests() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let item = org.item(&db, "printer", one_field()).await;
        let mut ids = Vec::new();
        for what in ["One", "Two", "Three"] {
            ids.push(
                requests::submit(&db, &org.employee, &item, raw(what))
                    .await
                    .expect("submit"),
            );
        }
        let page = requests::detail(&db, &org.agent, ids[0])
            .await
            .expect("detail");
        let context = page.requester_context.expect("agents see the requester");
        assert_eq!(context.name, org.employee.name, "{name}");
        assert_eq!(context.manager.as_deref(), Some(org.manager.name.as_str()));
        assert_eq!(context.open_count, 2, "{name}");
        assert_eq!(
            context
                .open_requests
                .iter()
                .map(|r| r.id)
                .collect::<Vec<_>>(),
            vec![ids[2], ids[1]],
            "{name}: newest first, not this one"
        );
        // The requester does not see a context of themselves, nor do readers.
        let own = requests::detail(&db, &org.employee, ids[0])
            .await
            .expect("detail");
        assert!(own.requester_context.is_none(), "{name}");
    }
}

#[tokio::test]
async fn department_admins_keep_reply_templates_and_agents_get_them_filled_in() {
    use app::requests::templates::{self, TemplateInput};
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let input = |id: Option<i64>, name: &str, body: &str| TemplateInput {
            id,
            department_id: org.department,
            name: name.into(),
            body: body.into(),
        };
        // Only the department's admins keep them.
        let refused = templates::save(&db, &org.agent, input(None, "Ready", "Hi")).await;
        assert!(
            matches!(refused, Err(AppError::Forbidden)),
            "{name}: {refused:?}"
        );
        let refused = templates::for_admin(&db, &org.agent).await;
        assert!(
            matches!(refused, Err(AppError::Forbidden)),
            "{name}: {refused:?}"
        );
        // A blank Atrium does not know is refused with the ones it does.
        let refused =
            templates::save(&db, &org.admin, input(None, "Ready", "Hi {firstname}")).await;
        assert!(
            matches!(refused, Err(AppError::BadRequest(ref m)) if m.contains("{first_name}")),
            "{name}: {refused:?}"
        );
        templates::save(
            &db,
            &org.admin,
            input(
                None,
                "Ready for pick-up",
                "Hello {first_name}, {number} ({title}) is ready at the desk. {agent}",
            ),
        )
        .await
        .expect("saved");
        let clash = templates::save(&db, &org.admin, input(None, "Ready for pick-up", "x")).await;
        assert!(
            matches!(clash, Err(AppError::Conflict(_))),
            "{name}: {clash:?}"
        );
        let kept = templates::for_admin(&db, &org.admin).await.expect("list");
        assert_eq!(kept.templates.len(), 1, "{name}");
        let template = kept.templates[0].id;

        let item = org.item(&db, "printer", one_field()).await;
        let id = requests::submit(&db, &org.employee, &item, raw("Toner"))
            .await
            .expect("submit");
        let page = requests::detail_with_draft(&db, &org.agent, id, Some(template))
            .await
            .expect("detail");
        assert_eq!(page.templates.len(), 1, "{name}");
        let first = org.employee.name.split_whitespace().next().expect("a name");
        assert_eq!(
            page.reply_draft.as_deref(),
            Some(
                format!(
                    "Hello {first}, {id} (Item printer) is ready at the desk. {}",
                    org.agent.name
                )
                .as_str()
            ),
            "{name}"
        );
        // The requester neither sees the templates nor gets a draft.
        let own = requests::detail_with_draft(&db, &org.employee, id, Some(template))
            .await
            .expect("detail");
        assert!(
            own.templates.is_empty() && own.reply_draft.is_none(),
            "{name}"
        );

        // Changed, then removed; someone else's removal is "not found".
        templates::save(
            &db,
            &org.admin,
            input(Some(template), "Ready for pick-up", "Ready, {first_name}."),
        )
        .await
        .expect("changed");
        let refused = templates::delete(&db, &org.agent, template).await;
        assert!(
            matches!(refused, Err(AppError::NotFound(_))),
            "{name}: {refused:?}"
        );
        templates::delete(&db, &org.admin, template)
            .await
            .expect("removed");
        let page = requests::detail_with_draft(&db, &org.agent, id, Some(template))
            .await
            .expect("a stale template link shows an empty box");
        assert!(page.reply_draft.is_none(), "{name}");
    }
}
