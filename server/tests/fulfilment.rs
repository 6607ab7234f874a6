//! Fulfilment on real databases (a fresh SQLite file and a fresh PostgreSQL database each): an
//! approved request's tasks open in plan order across departments, the last one resolves the
//! request, simultaneous takes give one owner, tasks move between departments with a reason,
//! the requester rates once, and resolved requests close by themselves.

use app::approvals::service::Verdict;
use app::auth::model::SessionUser;
use app::db::{approval, request, request_event, task, Db};
use app::domain::state::RequestState;
use app::domain::tasks::{Assignment, TaskState};
use app::error::AppError;
use app::requests::model::{RequestId, TimelineKind};
use app::requests::service::{self as requests, StateChange};
use app::tasks::service::{self as tasks, TaskAction};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use server::testkit::person;
use std::collections::BTreeMap;

const EMPLOYEE: &str = "emma.clark@atrium.example";
const MANAGER: &str = "sven.lindqvist@atrium.example";
const HR_AGENT: &str = "helga.berg@atrium.example";
const HR_ADMIN: &str = "hannah.schmidt@atrium.example";
const IT_AGENT: &str = "ivan.petrov@atrium.example";
const FACILITIES_AGENT: &str = "frank.dubois@atrium.example";

fn onboarding() -> BTreeMap<String, String> {
    [
        ("full_name", "Ada Lovelace"),
        ("personal_email", "ada@example.org"),
        ("job_title", "Analyst"),
        ("joining", "sales"),
        ("start_date", "2031-09-01"),
        ("laptop", "thinkpad"),
        ("remote", "no"),
        ("accounts.email", "on"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

use server::testkit::{request_state as state_of, seeded_databases as seeded};

async fn task_rows(db: &Db, id: RequestId) -> Vec<task::Model> {
    task::Entity::find()
        .filter(task::Column::RequestId.eq(id.0))
        .order_by_asc(task::Column::Position)
        .all(&db.conn)
        .await
        .expect("query")
}

fn states(rows: &[task::Model]) -> Vec<(&str, &str)> {
    rows.iter()
        .map(|t| (t.key.as_str(), t.state.as_str()))
        .collect()
}

/// Emma orders onboarding and her manager approves it: the request is in fulfilment.
async fn approved_onboarding(db: &Db) -> RequestId {
    let emma = person(db, EMPLOYEE).await;
    let id = requests::submit(db, &emma, "new-hire-onboarding", onboarding())
        .await
        .expect("submit");
    assert_eq!(state_of(db, id).await, RequestState::AwaitingApproval);
    let sven = person(db, MANAGER).await;
    let ask = approval::Entity::find()
        .filter(approval::Column::RequestId.eq(id.0))
        .one(&db.conn)
        .await
        .expect("query")
        .expect("an approval for the manager");
    assert_eq!(ask.approver_id, sven.id.0);
    app::workflow::decide_approval(
        db,
        &sven,
        ask.id,
        Verdict {
            approve: true,
            comment: None,
        },
    )
    .await
    .expect("approve");
    id
}

async fn act(
    db: &Db,
    who: &SessionUser,
    row: &task::Model,
    action: TaskAction,
) -> Result<String, AppError> {
    app::workflow::act_on_task(db, who, row.id, row.version, action).await
}

/// HR, IT and Facilities each complete their onboarding task.
async fn finish_all(db: &Db, id: RequestId) {
    for (agent, key) in [
        (HR_AGENT, "paperwork"),
        (IT_AGENT, "laptop"),
        (FACILITIES_AGENT, "desk"),
    ] {
        let who = person(db, agent).await;
        let row = task_rows(db, id)
            .await
            .into_iter()
            .find(|t| t.key == key)
            .expect("the task");
        act(db, &who, &row, TaskAction::Complete { note: None })
            .await
            .expect("complete");
    }
}

#[tokio::test]
async fn onboarding_tasks_open_in_order_across_departments_and_resolve_the_request() {
    for (name, db) in seeded().await {
        let id = approved_onboarding(&db).await;
        assert_eq!(
            state_of(&db, id).await,
            RequestState::InFulfilment,
            "{name}"
        );
        let rows = task_rows(&db, id).await;
        assert_eq!(
            states(&rows),
            [
                ("paperwork", "open"),
                ("laptop", "pending"),
                ("desk", "pending")
            ],
            "{name}: only HR's paperwork opens first"
        );
        assert!(
            rows[0].due_at.is_some(),
            "{name}: an open task has a due time"
        );

        // IT sees the request (it has a task on it) but cannot do HR's task.
        let ivan = person(&db, IT_AGENT).await;
        let seen = requests::detail(&db, &ivan, id)
            .await
            .expect("IT sees the request");
        assert!(
            seen.viewer_is_agent,
            "{name}: task teams read internal notes"
        );
        assert!(
            seen.actions.is_empty(),
            "{name}: but do not move the request itself"
        );
        assert!(matches!(
            act(&db, &ivan, &rows[0], TaskAction::Complete { note: None }).await,
            Err(AppError::Forbidden)
        ));
        // Nor can anyone finish a task still waiting for its predecessors.
        assert!(matches!(
            act(&db, &ivan, &rows[1], TaskAction::Complete { note: None }).await,
            Err(AppError::Conflict(_))
        ));

        // HR cannot resolve the request by hand over open tasks.
        let helga = person(&db, HR_AGENT).await;
        let version = requests::detail(&db, &helga, id)
            .await
            .expect("detail")
            .version;
        let refused = requests::change_state(
            &db,
            &helga,
            id,
            StateChange {
                to: RequestState::Resolved,
                expected_version: version,
                note: None,
            },
        )
        .await;
        match refused {
            Err(AppError::Conflict(message)) => {
                assert!(
                    message.contains("Contract and paperwork"),
                    "{name}: {message}"
                )
            }
            other => panic!("{name}: {other:?}"),
        }

        let message = act(
            &db,
            &helga,
            &rows[0],
            TaskAction::Complete {
                note: Some("Contract signed".into()),
            },
        )
        .await
        .expect("HR completes its task");
        assert!(message.contains("is done"), "{name}: {message}");
        let rows = task_rows(&db, id).await;
        assert_eq!(
            states(&rows),
            [("paperwork", "done"), ("laptop", "open"), ("desk", "open")],
            "{name}: IT and Facilities open together"
        );
        // Facilities' workplace team hands out tasks in turn: the desk task has an owner.
        assert!(
            rows[2].assignee_id.is_some(),
            "{name}: round robin assigned the desk task"
        );
        assert!(
            rows[1].assignee_id.is_none(),
            "{name}: IT's team takes tasks by hand"
        );

        act(&db, &ivan, &rows[1], TaskAction::Take)
            .await
            .expect("take");
        let rows = task_rows(&db, id).await;
        assert_eq!(rows[1].assignee_id, Some(ivan.id.0));
        act(&db, &ivan, &rows[1], TaskAction::Complete { note: None })
            .await
            .expect("IT completes");
        assert_eq!(
            state_of(&db, id).await,
            RequestState::InFulfilment,
            "{name}"
        );
        let frank = person(&db, FACILITIES_AGENT).await;
        let last = act(&db, &frank, &rows[2], TaskAction::Complete { note: None })
            .await
            .expect("Facilities completes");
        assert!(last.contains("resolved"), "{name}: {last}");
        assert_eq!(state_of(&db, id).await, RequestState::Resolved, "{name}");
        let row = request::Entity::find_by_id(id.0)
            .one(&db.conn)
            .await
            .expect("present")
            .expect("present");
        assert!(row.resolved_at.is_some());

        // The timeline tells the story.
        let emma = person(&db, EMPLOYEE).await;
        let detail = requests::detail(&db, &emma, id).await.expect("detail");
        let texts: Vec<String> = detail
            .timeline
            .iter()
            .filter_map(|e| match &e.kind {
                TimelineKind::Task { text } => Some(text.clone()),
                _ => None,
            })
            .collect();
        // The requester reads that the paperwork was done; the note was for those who work on it.
        assert!(
            texts
                .iter()
                .any(|t| t.ends_with("completed “Contract and paperwork”")),
            "{name}: {texts:?}"
        );
        assert!(
            !texts.iter().any(|t| t.contains("Contract signed")),
            "{name}: {texts:?}"
        );
        let helga = person(&db, HR_AGENT).await;
        let worked = requests::detail(&db, &helga, id).await.expect("detail");
        assert!(
            worked
                .timeline
                .iter()
                .any(|e| matches!(&e.kind, TimelineKind::Task { text }
                if text.contains("completed “Contract and paperwork”: “Contract signed”"))),
            "{name}"
        );
        assert!(
            texts.iter().any(|t| t.starts_with(
                "Task “Desk and badge” opened for Facilities · Workplace Services, assigned to"
            )),
            "{name}: {texts:?}"
        );
        assert!(
            detail.may_rate,
            "{name}: the requester may rate a resolved request"
        );
    }
}

#[tokio::test]
async fn the_requester_rates_once() {
    for (name, db) in seeded().await {
        let id = approved_onboarding(&db).await;
        let emma = person(&db, EMPLOYEE).await;
        assert!(
            matches!(
                requests::rate(&db, &emma, id, 5, None).await,
                Err(AppError::Conflict(_))
            ),
            "{name}: not before it is resolved"
        );
        finish_all(&db, id).await;
        assert!(matches!(
            requests::rate(&db, &emma, id, 0, None).await,
            Err(AppError::BadRequest(_))
        ));
        let ivan = person(&db, IT_AGENT).await;
        assert!(matches!(
            requests::rate(&db, &ivan, id, 4, None).await,
            Err(AppError::NotAllowed(_))
        ));
        requests::rate(
            &db,
            &emma,
            id,
            5,
            Some("Ada had everything on day one.".into()),
        )
        .await
        .expect("rate");
        assert!(
            matches!(
                requests::rate(&db, &emma, id, 1, None).await,
                Err(AppError::Conflict(_))
            ),
            "{name}: once"
        );
        let detail = requests::detail(&db, &emma, id).await.expect("detail");
        let rating = detail.rating.expect("rating shown");
        assert_eq!(rating.score, 5);
        assert_eq!(
            rating.comment.as_deref(),
            Some("Ada had everything on day one.")
        );
        assert!(!detail.may_rate);
    }
}

#[tokio::test]
async fn simultaneous_takes_give_one_owner_and_tell_the_others() {
    for (name, db) in seeded().await {
        let id = approved_onboarding(&db).await;
        let helga = person(&db, HR_AGENT).await;
        let rows = task_rows(&db, id).await;
        act(&db, &helga, &rows[0], TaskAction::Complete { note: None })
            .await
            .expect("paperwork");
        let laptop = task_rows(&db, id).await.remove(1);
        let agents = [
            "ivan.petrov@atrium.example",
            "priya.nair@atrium.example",
            "tomas.silva@atrium.example",
            "mei.chen@atrium.example",
            "ines.okafor@atrium.example",
        ];
        let mut people = Vec::new();
        for email in agents {
            people.push(person(&db, email).await);
        }
        let mut handles = Vec::new();
        for n in 0..20 {
            let db = db.clone();
            let who = people[n % people.len()].clone();
            let (task_id, version) = (laptop.id, laptop.version);
            handles.push(tokio::spawn(async move {
                app::workflow::act_on_task(&db, &who, task_id, version, TaskAction::Take).await
            }));
        }
        let mut won = 0;
        for handle in handles {
            match handle.await.expect("join") {
                Ok(_) => won += 1,
                Err(AppError::Conflict(message)) => assert!(
                    message.contains("changed by someone else")
                        || message.contains("yours already"),
                    "{name}: {message}"
                ),
                Err(other) => panic!("{name}: {other:?}"),
            }
        }
        assert_eq!(won, 1, "{name}: exactly one take wins");
        let after = task_rows(&db, id).await.remove(1);
        assert_eq!(after.version, laptop.version + 1, "{name}");
        let takes = request_event::Entity::find()
            .filter(request_event::Column::RequestId.eq(id.0))
            .filter(request_event::Column::Detail.like("took “Laptop and accounts”"))
            .all(&db.conn)
            .await
            .expect("present");
        assert_eq!(takes.len(), 1, "{name}: one take recorded");
    }
}

#[tokio::test]
async fn tasks_move_to_another_department_with_a_reason() {
    for (name, db) in seeded().await {
        let id = approved_onboarding(&db).await;
        let helga = person(&db, HR_AGENT).await;
        let paperwork = task_rows(&db, id).await.remove(0);
        let no_reason = act(
            &db,
            &helga,
            &paperwork,
            TaskAction::Reassign {
                team: "finance/accounts-payable".into(),
                reason: " ".into(),
            },
        )
        .await;
        assert!(matches!(no_reason, Err(AppError::BadRequest(_))), "{name}");
        let nowhere = act(
            &db,
            &helga,
            &paperwork,
            TaskAction::Reassign {
                team: "finance/nope".into(),
                reason: "why not".into(),
            },
        )
        .await;
        assert!(matches!(nowhere, Err(AppError::BadRequest(_))), "{name}");
        act(
            &db,
            &helga,
            &paperwork,
            TaskAction::Reassign {
                team: "finance/accounts-payable".into(),
                reason: "Payroll registration is done by Finance this month".into(),
            },
        )
        .await
        .expect("send to Finance");
        let moved = task_rows(&db, id).await.remove(0);
        let finance = person(&db, "fiona.walsh@atrium.example").await;
        assert_eq!(moved.state, TaskState::Open.as_str());
        // Finance now does it; HR may no longer complete it, but still sees its request.
        assert!(matches!(
            act(&db, &helga, &moved, TaskAction::Complete { note: None }).await,
            Err(AppError::Forbidden)
        ));
        // Assigning is to members of the task's team only.
        assert!(matches!(
            act(
                &db,
                &helga,
                &moved,
                TaskAction::Assign {
                    user_id: helga.id.0
                }
            )
            .await,
            Err(AppError::BadRequest(_))
        ));
        act(
            &db,
            &finance,
            &moved,
            TaskAction::Assign {
                user_id: finance.id.0,
            },
        )
        .await
        .expect("assign within the team");
        let moved = task_rows(&db, id).await.remove(0);
        act(
            &db,
            &finance,
            &moved,
            TaskAction::Complete {
                note: Some("Registered with payroll as 4711".into()),
            },
        )
        .await
        .expect("Finance completes");
        let detail = requests::detail(&db, &helga, id)
            .await
            .expect("HR still sees it");
        let task_lines = |detail: &app::requests::model::RequestDetail| -> Vec<String> {
            detail
                .timeline
                .iter()
                .filter_map(|e| match &e.kind {
                    TimelineKind::Task { text } => Some(text.clone()),
                    _ => None,
                })
                .collect()
        };
        let seen_by_hr = task_lines(&detail);
        assert!(
            seen_by_hr.iter().any(|text| text.contains("from HR · People Operations to Finance · Accounts Payable: “Payroll registration is done by Finance this month”")),
            "{name}: {seen_by_hr:?}"
        );
        assert!(
            seen_by_hr
                .iter()
                .any(|text| text.ends_with(": “Registered with payroll as 4711”")),
            "{name}: {seen_by_hr:?}"
        );
        assert!(
            detail.tasks.iter().any(|t| !t.instructions.is_empty()),
            "{name}"
        );
        // The requester reads that the task moved and was done, not why or the note, and
        // not the plan's instructions.
        let emma = person(&db, EMPLOYEE).await;
        let theirs = requests::detail(&db, &emma, id).await.expect("requester");
        let seen_by_emma = task_lines(&theirs);
        assert!(
            seen_by_emma
                .iter()
                .any(|text| text
                    .ends_with("from HR · People Operations to Finance · Accounts Payable")),
            "{name}: {seen_by_emma:?}"
        );
        for text in &seen_by_emma {
            assert!(
                !text.contains("Payroll registration") && !text.contains("4711"),
                "{name}: {text}"
            );
        }
        assert!(
            theirs
                .tasks
                .iter()
                .all(|t| t.instructions.is_empty() && t.members.is_empty()),
            "{name}"
        );
        // An employee with no part in it sees nothing.
        let stranger = person(&db, "grace.kim@atrium.example").await;
        assert!(matches!(
            act(&db, &stranger, &moved, TaskAction::Take).await,
            Err(AppError::NotFound(_))
        ));
    }
}

#[tokio::test]
async fn cancelling_cancels_the_tasks_still_to_do() {
    for (name, db) in seeded().await {
        let id = approved_onboarding(&db).await;
        let emma = person(&db, EMPLOYEE).await;
        let version = requests::detail(&db, &emma, id)
            .await
            .expect("detail")
            .version;
        requests::change_state(
            &db,
            &emma,
            id,
            StateChange {
                to: RequestState::Cancelled,
                expected_version: version,
                note: Some("The hire withdrew.".into()),
            },
        )
        .await
        .expect("cancel");
        let rows = task_rows(&db, id).await;
        assert!(
            rows.iter()
                .all(|t| t.state == TaskState::Cancelled.as_str()),
            "{name}: {:?}",
            states(&rows)
        );
        let helga = person(&db, HR_AGENT).await;
        assert!(matches!(
            act(&db, &helga, &rows[0], TaskAction::Complete { note: None }).await,
            Err(AppError::Conflict(_))
        ));
    }
}

#[tokio::test]
async fn least_loaded_assignment_balances_and_only_admins_set_it() {
    for (name, db) in seeded().await {
        let helga = person(&db, HR_AGENT).await;
        let hannah = person(&db, HR_ADMIN).await;
        let team = app::db::team::Entity::find()
            .filter(app::db::team::Column::Slug.eq("people-operations"))
            .one(&db.conn)
            .await
            .expect("present")
            .expect("present");
        assert!(
            matches!(
                tasks::set_assignment(&db, &helga, team.id, Assignment::LeastLoaded).await,
                Err(AppError::Forbidden)
            ),
            "{name}: agents do not change the team's rule"
        );
        tasks::set_assignment(&db, &hannah, team.id, Assignment::LeastLoaded)
            .await
            .expect("the department admin sets it");
        // Four onboardings: the four members of People Operations get one paperwork task each.
        let mut owners = Vec::new();
        for _ in 0..4 {
            let id = approved_onboarding(&db).await;
            owners.push(task_rows(&db, id).await[0].assignee_id.expect("assigned"));
        }
        owners.sort();
        owners.dedup();
        assert_eq!(owners.len(), 4, "{name}: spread over the team");
    }
}

#[tokio::test]
async fn resolved_requests_close_by_themselves_once() {
    for (name, db) in seeded().await {
        let id = approved_onboarding(&db).await;
        finish_all(&db, id).await;
        let now = chrono::Utc::now();
        // Not yet: resolved just now.
        let before = app::workflow::close_resolved(&db, 7, now)
            .await
            .expect("run");
        assert_eq!(
            state_of(&db, id).await,
            RequestState::Resolved,
            "{name}: {before}"
        );
        let row = request::Entity::find_by_id(id.0)
            .one(&db.conn)
            .await
            .expect("present")
            .expect("present");
        let mut aged: request::ActiveModel = row.into();
        aged.resolved_at = Set(Some(now - chrono::Duration::days(8)));
        aged.update(&db.conn).await.expect("age");
        // Two replicas at once close it once.
        let (a, b) = tokio::join!(
            app::workflow::close_resolved(&db, 7, now),
            app::workflow::close_resolved(&db, 7, now)
        );
        assert!(a.expect("a") + b.expect("b") >= 1, "{name}");
        assert_eq!(state_of(&db, id).await, RequestState::Closed, "{name}");
        let closes = request_event::Entity::find()
            .filter(request_event::Column::RequestId.eq(id.0))
            .filter(request_event::Column::ToState.eq("closed"))
            .all(&db.conn)
            .await
            .expect("present");
        assert_eq!(closes.len(), 1, "{name}: closed once");
    }
}

#[tokio::test]
async fn every_change_is_in_an_append_only_audit_trail() {
    use sea_orm::ConnectionTrait;
    for (name, db) in seeded().await {
        let id = approved_onboarding(&db).await;
        let helga = person(&db, HR_AGENT).await;
        let paperwork = task_rows(&db, id).await.remove(0);
        act(&db, &helga, &paperwork, TaskAction::Take)
            .await
            .expect("take");
        let detail = requests::detail(&db, &helga, id).await.expect("detail");
        let line = |what: &str, before: &str, after: &str| {
            detail
                .audit
                .iter()
                .any(|l| l.what.ends_with(what) && l.before == before && l.after == after)
        };
        assert!(
            line("· decision", "", "approved"),
            "{name}: {:?}",
            detail.audit
        );
        assert!(line("· state", "Awaiting approval", "Approved"), "{name}");
        assert!(line("· state", "Approved", "In fulfilment"), "{name}");
        assert!(
            line("· state", "Waiting", "Open"),
            "{name}: the task opened"
        );
        assert!(
            detail.audit.iter().any(|l| l.actor == "Helga Berg"
                && l.what.ends_with("· assignee")
                && l.after == "Helga Berg"),
            "{name}"
        );
        // The requester does not see the trail (it names internal work).
        let emma = person(&db, EMPLOYEE).await;
        assert!(requests::detail(&db, &emma, id)
            .await
            .expect("detail")
            .audit
            .is_empty());
        // The database refuses to change or delete it.
        for sql in ["UPDATE audit_log SET after = 'x'", "DELETE FROM audit_log"] {
            assert!(
                db.conn.execute_unprepared(sql).await.is_err(),
                "{name}: {sql}"
            );
        }
    }
}

#[tokio::test]
async fn the_requesters_reply_resumes_a_request_waiting_on_them() {
    for (name, db) in seeded().await {
        let emma = person(&db, EMPLOYEE).await;
        let ivan = person(&db, IT_AGENT).await;
        let answers: BTreeMap<String, String> =
            [("size", "27"), ("quantity", "1"), ("location", "office")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        let id = requests::submit(&db, &emma, "extra-monitor", answers)
            .await
            .expect("submit");
        for to in [RequestState::InFulfilment, RequestState::WaitingOnRequester] {
            let version = requests::detail(&db, &ivan, id)
                .await
                .expect("detail")
                .version;
            requests::change_state(
                &db,
                &ivan,
                id,
                StateChange {
                    to,
                    expected_version: version,
                    note: Some("Which desk number?".into()),
                },
            )
            .await
            .expect("move");
        }
        // An agent's own comment does not resume it; the requester's reply does.
        requests::add_comment(&db, &ivan, id, "Still need the desk number", false, &[])
            .await
            .expect("comment");
        assert_eq!(
            state_of(&db, id).await,
            RequestState::WaitingOnRequester,
            "{name}"
        );
        requests::add_comment(&db, &emma, id, "Desk 4.12", false, &[])
            .await
            .expect("reply");
        assert_eq!(
            state_of(&db, id).await,
            RequestState::InFulfilment,
            "{name}"
        );
    }
}
