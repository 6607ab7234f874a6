//! The authorisation matrix's table and fixture, shared by the matrix test and the fuzz test.
#![allow(dead_code)]

use axum::body::Body;
use axum::Router;
use http::{header, Method, Request};
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tower::ServiceExt;

pub const PEOPLE: [&str; 9] = [
    "anonymous",
    "owner",
    "stranger",
    "agent",
    "agent*",
    "admin",
    "admin*",
    "leader",
    "root",
];

/// How a row calls its endpoint. Text may name the fixture's values: `{own}` (the owner's
/// request in fulfilment, with an open task), `{awaiting}` (the owner's request awaiting the
/// manager's approval), `{resolved}`, `{own_version}`, `{approval}`, `{task}`,
/// `{task_version}`, `{team}` (the records' department's team), `{delegation}` (the
/// manager's), `{file}` (a file on a comment of `{own}`), `{note}` (a notification of the owner's).
#[derive(Clone, Copy)]
pub enum Call {
    /// A server function with URL-encoded arguments (in the query for GET ones).
    Fn(&'static str, &'static str),
    /// A server function taking JSON.
    Json(&'static str, &'static str),
    /// A page or route, by GET.
    Get(&'static str),
    /// A comment's file upload.
    Upload(&'static str),
}

/// A row: the call, whether it only reads (all people share one copy), and the status each
/// person gets, in the order of [`PEOPLE`]. `200` stands for any success (2xx); `303` is the
/// way to the sign-in page.
pub struct Row {
    pub call: Call,
    pub reads: bool,
    pub expect: [u16; 9],
}

const fn row(call: Call, reads: bool, expect: [u16; 9]) -> Row {
    Row {
        call,
        reads,
        expect,
    }
}

pub use Call::*;

/// Everyone signed in.
const SIGNED_IN: [u16; 9] = [401, 200, 200, 200, 200, 200, 200, 200, 200];
/// Pages for everyone signed in.
const PAGE: [u16; 9] = [303, 200, 200, 200, 200, 200, 200, 200, 200];
/// The records' department's admins (and the system admin).
const ITEM_ADMIN: [u16; 9] = [401, 403, 403, 403, 403, 200, 403, 403, 200];
/// Whoever may see the owner's request.
const SEES_OWN: [u16; 9] = [401, 200, 404, 200, 404, 200, 404, 200, 200];
/// Agents and admins of any department.
const AGENTS: [u16; 9] = [401, 403, 403, 200, 200, 200, 200, 403, 200];

pub fn table() -> Vec<Row> {
    vec![
        // Sign-in and the account.
        row(Fn("login", "email=employee@org.test&password=atrium-demo"), false, [200; 9]),
        row(Fn("logout", ""), false, [200; 9]),
        row(Fn("sign_out_everywhere", ""), false, SIGNED_IN),
        row(Fn("get_account", ""), true, SIGNED_IN),
        row(Fn("header_state", ""), true, [200; 9]),
        // The catalog.
        row(Fn("list_catalog", ""), true, SIGNED_IN),
        row(Fn("get_item", "slug=laptop"), true, SIGNED_IN),
        row(Fn("search_directory", "query=org"), true, SIGNED_IN),
        // Requests.
        // The admin has no manager and is the department's only admin: nobody else could
        // approve for them, and they may not approve their own request.
        row(
            Fn("submit_request", "item=laptop&answers[what]=A+laptop"),
            false,
            [401, 200, 200, 200, 200, 409, 200, 200, 200],
        ),
        row(Fn("get_request", "number={own}"), true, SEES_OWN),
        row(Fn("list_my_requests", ""), true, SIGNED_IN),
        row(Fn("my_work", ""), true, SIGNED_IN),
        // Owner and priority: the department that fulfils the request.
        row(
            Fn("set_request_owner", "number={own}&version={own_version}&owner=me"),
            false,
            [401, 403, 404, 200, 404, 200, 404, 403, 200],
        ),
        // Bulk actions: anyone with a queue may post one; each request is checked on its own
        // (another department's request is refused inside the 200's confirmation).
        row(
            Fn("bulk_update", "pick[{own}]={own_version}&action=take"),
            false,
            [401, 403, 403, 200, 200, 200, 200, 403, 200],
        ),
        row(
            Fn("set_request_priority", "number={own}&version={own_version}&priority=high"),
            false,
            [401, 403, 404, 200, 404, 200, 404, 403, 200],
        ),
        // Links and duplicates: the department that fulfils the request.
        row(
            Fn("link_request", "number={own}&other={awaiting}"),
            false,
            [401, 403, 404, 200, 404, 200, 404, 403, 200],
        ),
        row(
            Fn("close_as_duplicate", "number={own}&version={own_version}&survivor={awaiting}"),
            false,
            [401, 403, 404, 200, 404, 200, 404, 403, 200],
        ),
        row(
            Fn("list_queue", ""),
            true,
            [401, 403, 403, 200, 200, 200, 200, 403, 200],
        ),
        row(
            Fn("list_queue", "query[sort]=priority&query[owner]=nobody&query[q]=laptop&query[before]=g4.99"),
            true,
            AGENTS,
        ),
        row(
            Fn("save_queue_view", "name=Unowned&address=%2Fqueue%3Fowner%3Dnobody"),
            false,
            AGENTS,
        ),
        // Nobody's view: not found for everyone.
        row(
            Fn("delete_queue_view", "id=999999"),
            false,
            [401, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        row(
            Fn("change_request_state", "number={own}&to=waiting_on_requester&version={own_version}&note=Which+colour%3F"),
            false,
            [401, 403, 404, 200, 404, 200, 404, 403, 200],
        ),
        row(
            Fn("change_request_state", "number={own}&to=cancelled&version={own_version}"),
            false,
            [401, 200, 404, 200, 404, 200, 404, 403, 200],
        ),
        row(
            Fn("add_comment", "number={own}&body=Any+news%3F"),
            false,
            [401, 200, 404, 200, 404, 200, 404, 403, 200],
        ),
        row(
            Fn("add_comment", "number={own}&body=Internal&internal=on"),
            false,
            [401, 403, 404, 200, 404, 200, 404, 403, 200],
        ),
        row(
            Fn("rate_request", "number={resolved}&score=5"),
            false,
            [401, 200, 404, 403, 404, 403, 404, 403, 403],
        ),
        row(Fn("watch_request", "number={own}&watch=true"), false, SEES_OWN),
        // Approvals: only the approver (the manager, none of these people) decides.
        row(Fn("list_approvals", ""), true, SIGNED_IN),
        row(Fn("past_decisions", ""), true, SIGNED_IN),
        // Deciding several: each approval is checked on its own; someone else's is refused
        // inside the confirmation ("not found"), so every signed-in person gets a 200.
        row(
            Fn("decide_many", "pick[{approval}]=on&decision=approve"),
            false,
            SIGNED_IN,
        ),
        row(
            Fn("decide_approval", "approval_id={approval}&decision=approve"),
            false,
            [401, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        row(Fn("my_delegations", ""), true, SIGNED_IN),
        row(
            Fn("add_delegation", "delegate=stranger%40org.test&starts_on=2031-01-01&ends_on=2031-01-10"),
            false,
            [401, 200, 422, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Fn("remove_delegation", "id={delegation}"),
            false,
            [401, 404, 404, 404, 404, 404, 404, 404, 404],
        ),
        // Tasks.
        row(Fn("list_tasks", ""), true, AGENTS),
        row(
            Fn("act_on_task", "task_id={task}&version={task_version}&action=take"),
            false,
            [401, 403, 404, 200, 404, 200, 404, 403, 200],
        ),
        row(
            Fn("set_team_assignment", "team_id={team}&assignment=round_robin"),
            false,
            ITEM_ADMIN,
        ),
        // Notifications.
        row(Fn("list_notifications", ""), true, SIGNED_IN),
        row(Fn("mark_notifications_read", ""), false, SIGNED_IN),
        // Opening the owner's notification goes to its request (303); nobody else finds it.
        row(
            Get("/notifications/{note}/open"),
            false,
            [303, 303, 404, 404, 404, 404, 404, 404, 404],
        ),
        row(Fn("set_mail_preference", "preference=daily"), false, SIGNED_IN),
        // Catalog administration.
        row(
            Fn("admin_items", ""),
            true,
            [401, 403, 403, 403, 403, 200, 200, 403, 200],
        ),
        row(
            Fn("admin_options", ""),
            true,
            [401, 403, 403, 403, 403, 200, 200, 403, 200],
        ),
        row(Fn("get_draft", "slug=laptop"), true, ITEM_ADMIN),
        row(Fn("item_history", "slug=laptop"), true, ITEM_ADMIN),
        row(Fn("compare_versions", "slug=laptop&from=1&to=2"), true, ITEM_ADMIN),
        row(Fn("get_audience", "slug=laptop"), true, ITEM_ADMIN),
        row(Fn("get_item_details", "slug=laptop"), true, ITEM_ADMIN),
        row(
            Json("save_draft", r#"{"slug":"laptop","definition":{"fields":[{"key":"what","label":"What","required":true,"type":"short_text"}]},"expected":{draft}}"#),
            false,
            ITEM_ADMIN,
        ),
        row(Fn("publish_item", "slug=laptop"), false, ITEM_ADMIN),
        row(
            Json("set_audience", r#"{"slug":"laptop","audience":{"kind":"everyone"}}"#),
            false,
            ITEM_ADMIN,
        ),
        row(
            Json("update_item_details", r#"{"slug":"laptop","details":{"name":"Laptop","short_description":"A laptop.","description":"","icon":"💻","category":"it/hardware","team":"service-desk","expected_days":3,"active":true}}"#),
            false,
            ITEM_ADMIN,
        ),
        row(
            Fn("create_item", "item[name]=Docking+station&item[department]=it&item[category]=it%2Fhardware&item[team]=service-desk&item[icon]=%F0%9F%94%8C&item[short_description]=A+dock."),
            false,
            ITEM_ADMIN,
        ),
        row(
            Fn("create_category", "category[department]=it&category[name]=Phones"),
            false,
            ITEM_ADMIN,
        ),
        row(Fn("import_item", "text={import}"), false, ITEM_ADMIN),
        // Pages.
        row(Get("/login"), true, [200; 9]),
        row(Get("/"), true, PAGE),
        row(Get("/catalog/laptop"), true, PAGE),
        row(Get("/my-requests"), true, PAGE),
        row(
            Get("/requests/{own}"),
            true,
            [303, 200, 404, 200, 404, 200, 404, 200, 200],
        ),
        row(
            Get("/queue"),
            true,
            [303, 403, 403, 200, 200, 200, 200, 403, 200],
        ),
        row(
            Get("/tasks"),
            true,
            [303, 403, 403, 200, 200, 200, 200, 403, 200],
        ),
        row(Get("/approvals"), true, PAGE),
        row(Get("/notifications"), true, PAGE),
        row(Get("/account"), true, PAGE),
        row(Fn("set_time_zone", "zone=Europe%2FLondon"), false, SIGNED_IN),
        // Reply templates: their department's admins keep them.
        row(
            Get("/admin/templates"),
            true,
            [303, 403, 403, 403, 403, 200, 200, 403, 200],
        ),
        row(
            Fn("list_reply_templates", ""),
            true,
            [401, 403, 403, 403, 403, 200, 200, 403, 200],
        ),
        row(
            Fn("save_reply_template", "department={department}&name=Closed&body=Done+{number}"),
            false,
            ITEM_ADMIN,
        ),
        row(
            Fn("save_reply_template", "id={reply_template}&department={department}&name=Ready&body=Now"),
            false,
            ITEM_ADMIN,
        ),
        row(
            Fn("delete_reply_template", "id={reply_template}"),
            false,
            [401, 404, 404, 404, 404, 200, 404, 404, 200],
        ),
        row(
            Fn("get_request", "number={own}&template={reply_template}"),
            true,
            SEES_OWN,
        ),
        // Insights: leadership and system admins see every department, those who work in a
        // department see theirs, employees nothing.
        row(
            Get("/insights"),
            true,
            [303, 403, 403, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Fn("get_dashboard", "query[period]=quarter"),
            true,
            [401, 403, 403, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Fn("drill_requests", "drill[metric]=opened&drill[period]=month"),
            true,
            [401, 403, 403, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Get("/insights/requests"),
            true,
            [303, 403, 403, 200, 200, 200, 200, 200, 200],
        ),
        row(
            Get("/insights/requests/export?metric=resolved&period=quarter"),
            true,
            [303, 403, 403, 200, 200, 200, 200, 200, 200],
        ),
        // Business calendars: their department's admins keep them.
        row(
            Get("/admin/calendars"),
            true,
            [303, 403, 403, 403, 403, 200, 200, 403, 200],
        ),
        row(
            Fn("list_calendars", ""),
            true,
            [401, 403, 403, 403, 403, 200, 200, 403, 200],
        ),
        row(
            Fn("change_calendar", "calendar[id]={calendar}&calendar[zone]=Europe%2FBerlin&calendar[monday]=08%3A00-18%3A00&calendar[tuesday]=08%3A00-18%3A00&calendar[wednesday]=08%3A00-18%3A00&calendar[thursday]=08%3A00-18%3A00&calendar[friday]=08%3A00-16%3A00&calendar[saturday]=&calendar[sunday]=&calendar[holidays]=2026-12-25+Christmas+Day+%28yearly%29"),
            false,
            [401, 404, 404, 404, 404, 200, 404, 404, 200],
        ),
        row(
            Get("/admin/catalog"),
            true,
            [303, 403, 403, 403, 403, 200, 200, 403, 200],
        ),
        row(
            Fn("get_item_sla", "slug=laptop"),
            true,
            ITEM_ADMIN,
        ),
        row(
            Fn("save_item_sla", "sla[slug]=laptop&sla[enabled]=on&sla[count]=business&sla[resolution]=16&sla[warn_at]=50%2C+75&sla[notify_owner]=on"),
            false,
            ITEM_ADMIN,
        ),
        row(
            Get("/admin/catalog/laptop"),
            true,
            [303, 403, 403, 403, 403, 200, 403, 403, 200],
        ),
        // Other routes.
        // Downloads are links people follow: a stranger is sent to sign in, then back.
        row(
            Get("/admin/catalog/laptop/export"),
            true,
            [303, 403, 403, 403, 403, 200, 403, 403, 200],
        ),
        row(
            Get("/attachments/{file}"),
            true,
            [303, 200, 404, 200, 404, 200, 404, 200, 200],
        ),
        row(
            Upload("/attachments?request={own}"),
            false,
            [401, 201, 404, 201, 404, 201, 404, 403, 201],
        ),
        row(Get("/healthz"), true, [200; 9]),
        row(Get("/readyz"), true, [200; 9]),
    ]
}

/// The template database and what its rows are.
pub struct Fixture {
    pub template: PathBuf,
    pub values: BTreeMap<&'static str, String>,
    /// Each person's session cookie (none for anonymous).
    pub cookies: Vec<Option<String>>,
}

pub async fn fixture() -> Fixture {
    use app::domain::state::RequestState::*;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use server::testkit::{add_department, add_person, one_field, session_user, Org};
    let dir = std::env::temp_dir().join("atrium-tests");
    std::fs::create_dir_all(&dir).expect("dir");
    let template = dir.join(format!("matrix_{}.db", std::process::id()));
    let url = format!("sqlite://{}?mode=rwc", template.display());
    let db = server::database::connect(&url, 4).await.expect("template");
    let org = Org::build(&db).await;
    let (hr, hr_team) = add_department(
        &db,
        "hr",
        "HR",
        ("people", "People"),
        ("general", "General"),
    )
    .await;
    let hr_agent = add_person(&db, hr, "hr.agent@org.test", None, &["agent"]).await;
    let hr_admin = add_person(
        &db,
        hr,
        "hr.admin@org.test",
        None,
        &["agent", "department_admin"],
    )
    .await;
    let stranger = add_person(
        &db,
        org.department,
        "stranger@org.test",
        Some(org.manager.id.0),
        &[],
    )
    .await;
    let leader = add_person(
        &db,
        org.department,
        "leader@org.test",
        None,
        &["leadership"],
    )
    .await;
    let root = add_person(
        &db,
        org.department,
        "root@org.test",
        None,
        &["system_admin"],
    )
    .await;
    {
        use sea_orm::{ActiveModelTrait, Set};
        app::db::team_member::ActiveModel {
            team_id: Set(hr_team),
            user_id: Set(hr_agent),
        }
        .insert(&db.conn)
        .await
        .expect("member");
    }
    let mut plan = one_field();
    plan["approvals"] = serde_json::json!([{"name": "Manager approval",
        "approvers": [{"kind": "manager"}], "decision": {"rule": "any"}}]);
    plan["tasks"] = serde_json::json!([{"key": "hand-over", "title": "Hand it over",
        "team": "it/service-desk", "instructions": "Image it first.", "target_hours": 8}]);
    org.item(&db, "laptop", plan.clone()).await;
    // A second version, so that versions can be compared.
    let definition: app::domain::definition::ItemDefinition =
        serde_json::from_value(plan).expect("a definition");
    app::catalog::designer::save_draft(&db, &org.admin, "laptop", &definition, None)
        .await
        .expect("draft");
    app::catalog::designer::publish(&db, &org.admin, "laptop")
        .await
        .expect("second version");
    // And a draft of a third, to publish.
    let draft = app::catalog::designer::save_draft(&db, &org.admin, "laptop", &definition, None)
        .await
        .expect("draft");
    let own = org
        .request_in(&db, "laptop", &[("what", "A laptop")], InFulfilment)
        .await;
    let awaiting = org
        .request_in(&db, "laptop", &[("what", "Another")], AwaitingApproval)
        .await;
    // Resolved the way a planned request is: its last task done.
    let resolved = org
        .request_in(&db, "laptop", &[("what", "A third")], InFulfilment)
        .await;
    let last = app::db::task::Entity::find()
        .filter(app::db::task::Column::RequestId.eq(resolved.0))
        .one(&db.conn)
        .await
        .expect("query")
        .expect("its task");
    app::workflow::act_on_task(
        &db,
        &org.agent,
        last.id,
        last.version,
        app::tasks::service::TaskAction::Complete { note: None },
    )
    .await
    .expect("done");
    assert_eq!(
        server::testkit::request_state(&db, resolved).await,
        Resolved
    );
    let approval = app::db::approval::Entity::find()
        .filter(app::db::approval::Column::RequestId.eq(awaiting.0))
        .one(&db.conn)
        .await
        .expect("query")
        .expect("the manager's approval");
    let task = app::db::task::Entity::find()
        .filter(app::db::task::Column::RequestId.eq(own.0))
        .one(&db.conn)
        .await
        .expect("query")
        .expect("the open task");
    app::approvals::service::add_delegation(
        &db,
        &org.manager,
        "agent@org.test",
        "2031-02-01",
        "2031-02-05",
    )
    .await
    .expect("delegation");
    let delegation = app::db::delegation::Entity::find()
        .one(&db.conn)
        .await
        .expect("query")
        .expect("delegation");
    let note = app::db::notification::Entity::find()
        .filter(app::db::notification::Column::UserId.eq(org.employee.id.0))
        .one(&db.conn)
        .await
        .expect("query")
        .expect("a notification of the owner's");
    let files_dir = template.with_extension("files");
    let ids = [
        org.employee.id.0,
        stranger,
        org.agent.id.0,
        hr_agent,
        org.admin.id.0,
        hr_admin,
        leader,
        root,
    ];
    let mut cookies = vec![None];
    for id in ids {
        let person = session_user(&db, id).await;
        cookies.push(Some(open_session(&db, person.id.0).await));
    }
    let file = upload_for(
        &db,
        &files_dir,
        cookies[1].as_deref().expect("owner"),
        &org.employee,
        own,
    )
    .await;
    let import = serde_json::json!({
        "format": app::catalog::model::ItemExport::FORMAT,
        "slug": "monitor", "name": "Monitor", "short_description": "A monitor.",
        "description": "", "icon": "🖥", "department": "it", "category": "hardware",
        "team": "service-desk", "expected_days": 2, "audience": {"kind": "everyone"},
        "definition": one_field(),
    });
    app::requests::templates::save(
        &db,
        &org.admin,
        app::requests::templates::TemplateInput {
            id: None,
            department_id: org.department,
            name: "Ready".into(),
            body: "Hello {first_name}, it is ready.".into(),
        },
    )
    .await
    .expect("template");
    let reply_template = app::db::reply_template::Entity::find()
        .one(&db.conn)
        .await
        .expect("query")
        .expect("the template")
        .id;
    let txn = db.begin_write().await.expect("begin");
    let calendar = app::sla::calendars::create(
        &*txn,
        &org.admin,
        app::sla::calendars::NewCalendar {
            department_id: org.department,
            slug: "office".into(),
            name: "Office".into(),
            calendar: app::domain::calendar::Calendar::office(
                "Europe/Berlin",
                &[app::domain::calendar::Hours::new(9 * 60, 17 * 60)],
            ),
            is_default: true,
        },
        chrono::Utc::now(),
    )
    .await
    .expect("calendar");
    txn.commit().await.expect("commit");
    let values = BTreeMap::from([
        ("{department}", org.department.to_string()),
        ("{calendar}", calendar.to_string()),
        ("{reply_template}", reply_template.to_string()),
        ("{own}", own.to_string()),
        ("{awaiting}", awaiting.to_string()),
        ("{resolved}", resolved.to_string()),
        (
            "{own_version}",
            server::testkit::request_version(&db, own).await.to_string(),
        ),
        ("{approval}", approval.id.to_string()),
        ("{task}", task.id.to_string()),
        ("{task_version}", task.version.to_string()),
        ("{team}", org.team.to_string()),
        ("{draft}", draft.to_string()),
        ("{delegation}", delegation.id.to_string()),
        ("{note}", note.id.to_string()),
        ("{file}", file),
        (
            "{import}",
            server::middleware::percent_encode(&import.to_string()),
        ),
    ]);
    db.conn.close().await.expect("close");
    Fixture {
        template,
        values,
        cookies,
    }
}

/// A file on a comment of the owner's request, uploaded as a person would; its download token.
async fn upload_for(
    db: &app::db::Db,
    files_dir: &Path,
    cookie: &str,
    owner: &app::auth::model::SessionUser,
    id: app::requests::model::RequestId,
) -> String {
    let state = server::app_state(
        db.clone(),
        server::testkit::files_at(files_dir),
        server::leptos_options(Path::new("target/site"), ([127, 0, 0, 1], 3000).into()),
        app::state::RuntimeSettings::default(),
    );
    let app = server::router(state);
    let upload = request(
        Upload("/attachments?request={own}"),
        Some(cookie),
        &BTreeMap::from([("{own}", id.to_string())]),
        &BTreeMap::new(),
    );
    let (status, body) = status_of(&app, upload).await;
    assert_eq!(status, 201, "{body}");
    let uploaded: serde_json::Value = serde_json::from_str(&body).expect("json");
    let token = uploaded["token"].as_str().expect("a token").to_owned();
    app::requests::service::add_comment(
        db,
        owner,
        id,
        "The receipt",
        false,
        std::slice::from_ref(&token),
    )
    .await
    .expect("comment");
    token
}

/// A signed-in session for person `user`, written straight into the database; its cookie.
async fn open_session(db: &app::db::Db, user: i64) -> String {
    use app::auth::service::{SEEN_AT_KEY, SIGNED_IN_AT_KEY, USER_ID_KEY};
    use sea_orm::{ActiveModelTrait, Set};
    let id = tower_sessions::session::Id::default();
    let now = chrono::Utc::now().timestamp();
    let data = serde_json::json!({ USER_ID_KEY: user, SIGNED_IN_AT_KEY: now, SEEN_AT_KEY: now });
    app::db::session::ActiveModel {
        id: Set(server::session_store::storage_key(&id)),
        data: Set(data.to_string()),
        expires_at: Set(now + 3600),
        user_id: Set(Some(user)),
    }
    .insert(&db.conn)
    .await
    .expect("session");
    format!("{}={id}", server::SESSION_COOKIE)
}

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A router over a fresh copy of the template.
pub async fn copy(fixture: &Fixture, n: usize) -> Router {
    let path = fixture
        .template
        .with_file_name(format!("matrix_{}_{n}.db", std::process::id()));
    copy_database(&fixture.template, &path);
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let db = server::database::connect(&url, 4).await.expect("copy");
    let state = server::app_state(
        db,
        server::testkit::files_at(&fixture.template.with_extension("files")),
        server::leptos_options(Path::new("target/site"), ([127, 0, 0, 1], 3000).into()),
        app::state::RuntimeSettings::default(),
    );
    server::router(state)
}

fn copy_database(from: &Path, to: &Path) {
    std::fs::copy(from, to).expect("copy");
    let wal = |p: &Path| PathBuf::from(format!("{}-wal", p.display()));
    if wal(from).exists() {
        std::fs::copy(wal(from), wal(to)).expect("copy wal");
    }
}

pub fn fill(text: &str, values: &BTreeMap<&'static str, String>) -> String {
    values.iter().fold(text.to_owned(), |text, (key, value)| {
        text.replace(key, value)
    })
}

pub fn request(
    call: Call,
    cookie: Option<&str>,
    values: &BTreeMap<&'static str, String>,
    methods: &BTreeMap<String, Method>,
) -> Request<Body> {
    let builder = |method: Method, uri: String| {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::ACCEPT, "application/json");
        if let Some(cookie) = cookie {
            b = b.header(header::COOKIE, cookie);
        }
        b
    };
    match call {
        Fn(name, args) => {
            let path = format!("/api/{name}");
            let args = fill(args, values);
            match methods.get(&path) {
                Some(&Method::GET) => builder(Method::GET, format!("{path}?{args}"))
                    .body(Body::empty()),
                _ => builder(Method::POST, path)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(args)),
            }
        }
        Json(name, body) => builder(Method::POST, format!("/api/{name}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(fill(body, values))),
        Get(path) => builder(Method::GET, fill(path, values)).body(Body::empty()),
        Upload(path) => {
            let boundary = "matrix-boundary";
            let mut body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\
                 Content-Type: application/pdf\r\n\r\n"
            )
            .into_bytes();
            body.extend_from_slice(PDF);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            builder(Method::POST, fill(path, values))
                .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
                .body(Body::from(body))
        }
    }
    .expect("request")
}

pub fn label(call: Call) -> String {
    match call {
        Fn(name, args) | Json(name, args) => {
            format!("{name}({})", args.chars().take(60).collect::<String>())
        }
        Get(path) => format!("GET {path}"),
        Upload(path) => format!("POST {path}"),
    }
}

pub async fn status_of(app: &Router, req: Request<Body>) -> (u16, String) {
    let response =
        tokio::time::timeout(std::time::Duration::from_secs(60), app.clone().oneshot(req))
            .await
            .expect("answered within 60 s")
            .expect("response");
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let text: String = String::from_utf8_lossy(&body).chars().take(2000).collect();
    (status.as_u16(), text)
}

pub fn agrees(expected: u16, got: u16) -> bool {
    match expected {
        200 => (200..300).contains(&got),
        other => other == got,
    }
}
