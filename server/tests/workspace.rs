//! The agent's workspace on real databases (SQLite, and PostgreSQL when `ATRIUM_TEST_PG` is
//! set): owned requests, priority, and requester replies that reach whoever works on them.

use app::db::{notification, request, request_event, Db};
use app::domain::queue::{QueueFilter, QueueSort};
use app::domain::state::{Priority, RequestState};
use app::error::AppError;
use app::notifications::service as notifications;
use app::requests::lists as queue;
use app::requests::model::{OwnerFilter, RequestId, StateFilter, FOR_KEY};
use app::requests::service::{self as requests, OwnerChoice, StateChange};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use server::testkit::{one_field, request_state, request_version, Org};

async fn row(db: &Db, id: RequestId) -> request::Model {
    request::Entity::find_by_id(id.0)
        .one(&db.conn)
        .await
        .expect("query")
        .expect("request")
}

/// The titles of the notifications a person has about a request.
async fn told(db: &Db, person: i64, id: RequestId) -> Vec<String> {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(person))
        .filter(notification::Column::RequestId.eq(id.0))
        .order_by_asc(notification::Column::Id)
        .all(&db.conn)
        .await
        .expect("query")
        .into_iter()
        .map(|n| n.title)
        .collect()
}

async fn submitted(db: &Db, org: &Org) -> RequestId {
    let item = org.item(db, "headset", one_field()).await;
    org.request_in(db, &item, &[("what", "A headset")], RequestState::Submitted)
        .await
}

#[tokio::test]
async fn two_agents_taking_one_request_get_one_outcome_and_the_other_is_told_who_has_it() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let id = submitted(&db, &org).await;
        let version = request_version(&db, id).await;
        let mut racers = Vec::new();
        for i in 0..16 {
            let db = db.clone();
            let who = if i % 2 == 0 {
                org.agent.clone()
            } else {
                org.admin.clone()
            };
            racers.push(tokio::spawn(async move {
                requests::set_owner(&db, &who, id, version, OwnerChoice::Me).await
            }));
        }
        let (mut won, mut lost) = (0, Vec::new());
        for racer in racers {
            match racer.await.expect("join") {
                Ok(said) => {
                    assert_eq!(said, format!("{id} is yours."), "{name}");
                    won += 1;
                }
                Err(AppError::Conflict(message)) => lost.push(message),
                Err(other) => panic!("{name}: unexpected {other:?}"),
            }
        }
        assert_eq!(won, 1, "{name}: exactly one agent takes it");
        let owner = row(&db, id).await.assignee_id.expect("an owner");
        let owner_name = org.by_id(owner).name.clone();
        // Everyone who lost hears who has it (the winner's own tab would hear "yours already").
        for message in &lost {
            assert!(
                message.contains(&owner_name) || message.contains("yours already"),
                "{name}: {message}"
            );
        }
        let taken = request_event::Entity::find()
            .filter(request_event::Column::RequestId.eq(id.0))
            .filter(request_event::Column::Kind.eq("updated"))
            .count(&db.conn)
            .await
            .expect("count");
        assert_eq!(taken, 1, "{name}: one timeline entry");
    }
}

#[tokio::test]
async fn owners_come_from_the_department_and_only_its_agents_give_requests_out() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let id = submitted(&db, &org).await;
        let v = request_version(&db, id).await;
        // The requester and a stranger to the department may not give it out.
        let refused = requests::set_owner(&db, &org.employee, id, v, OwnerChoice::Me).await;
        assert!(
            matches!(refused, Err(AppError::NotAllowed(_))),
            "{name}: {refused:?}"
        );
        let refused = requests::set_owner(&db, &org.manager, id, v, OwnerChoice::Me).await;
        assert!(
            matches!(refused, Err(AppError::NotFound(_))),
            "{name}: {refused:?}"
        );
        // Only to someone who works in the department.
        let outsider = OwnerChoice::Person(org.employee.id.0);
        let refused = requests::set_owner(&db, &org.agent, id, v, outsider).await;
        assert!(
            matches!(refused, Err(AppError::BadRequest(_))),
            "{name}: {refused:?}"
        );
        assert_eq!(
            row(&db, id).await.assignee_id,
            None,
            "{name}: nothing changed"
        );

        let to_admin = OwnerChoice::Person(org.admin.id.0);
        let said = requests::set_owner(&db, &org.agent, id, v, to_admin)
            .await
            .expect("give");
        assert_eq!(
            said,
            format!("{id} is now with {}.", org.admin.name),
            "{name}"
        );
        assert_eq!(
            row(&db, id).await.assignee_id,
            Some(org.admin.id.0),
            "{name}"
        );
        let heard = told(&db, org.admin.id.0, id).await;
        assert!(
            heard.iter().any(|t| t.contains("gave you")),
            "{name}: {heard:?}"
        );

        // A stale page is refused, naming who has it now.
        let stale = requests::set_owner(&db, &org.agent, id, v, OwnerChoice::Me).await;
        match stale {
            Err(AppError::Conflict(m)) => assert!(m.contains(&org.admin.name), "{name}: {m}"),
            other => panic!("{name}: {other:?}"),
        }
        let v = request_version(&db, id).await;
        requests::set_owner(&db, &org.admin, id, v, OwnerChoice::Nobody)
            .await
            .expect("back to the team");
        assert_eq!(row(&db, id).await.assignee_id, None, "{name}");

        // Who owns a request shows in the queue, and the queue filters by it.
        let v = request_version(&db, id).await;
        requests::set_owner(&db, &org.agent, id, v, OwnerChoice::Me)
            .await
            .expect("take");
        let queue = |owner| {
            let (db, agent) = (db.clone(), org.agent.clone());
            async move {
                let view = QueueFilter {
                    owner,
                    state: StateFilter::All,
                    ..QueueFilter::default()
                };
                queue::queue(&db.conn, &agent, &view, &[], db.now())
                    .await
                    .expect("list")
                    .items
            }
        };
        let mine = queue(OwnerFilter::Me).await;
        assert_eq!(mine.len(), 1, "{name}");
        assert_eq!(
            mine[0].owner.as_deref(),
            Some(org.agent.name.as_str()),
            "{name}"
        );
        assert!(queue(OwnerFilter::Nobody).await.is_empty(), "{name}");
        assert_eq!(queue(OwnerFilter::Anyone).await.len(), 1, "{name}");
    }
}

#[tokio::test]
async fn starting_work_takes_an_unowned_request_and_priority_is_the_agents_to_set() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let id = submitted(&db, &org).await;
        let change = StateChange {
            to: RequestState::InFulfilment,
            expected_version: request_version(&db, id).await,
            note: None,
        };
        requests::change_state(&db, &org.agent, id, change)
            .await
            .expect("start work");
        assert_eq!(
            row(&db, id).await.assignee_id,
            Some(org.agent.id.0),
            "{name}"
        );

        let v = request_version(&db, id).await;
        let refused = requests::set_priority(&db, &org.employee, id, v, Priority::Critical).await;
        assert!(
            matches!(refused, Err(AppError::NotAllowed(_))),
            "{name}: {refused:?}"
        );
        requests::set_priority(&db, &org.agent, id, v, Priority::High)
            .await
            .expect("set priority");
        assert_eq!(row(&db, id).await.priority, "high", "{name}");
        let again = requests::set_priority(&db, &org.agent, id, v, Priority::Low).await;
        assert!(
            matches!(again, Err(AppError::Conflict(_))),
            "{name}: stale page refused"
        );
        let detail = requests::detail(&db, &org.agent, id).await.expect("detail");
        assert!(
            detail
                .audit
                .iter()
                .any(|a| a.what.contains("priority") && a.after == "High"),
            "{name}: {:?}",
            detail.audit
        );
    }
}

#[tokio::test]
async fn an_urgency_answer_sets_the_priority_the_request_arrives_with() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let item = org
            .item(
                &db,
                "repair",
                serde_json::json!({"fields": [
                    {"key": "what", "label": "What", "required": true, "type": "short_text"},
                    {"key": "urgency", "label": "Urgency", "required": true, "type": "select",
                     "radio": true, "options": [
                        {"value": "later", "label": "Can wait", "priority": "low"},
                        {"value": "week", "label": "This week"},
                        {"value": "today", "label": "Today — it is a hazard", "priority": "high"}
                    ]}
                ]}),
            )
            .await;
        for (urgency, expected) in [("today", "high"), ("later", "low"), ("week", "medium")] {
            let raw = [("what", "Leak"), ("urgency", urgency)]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            let id = requests::submit(&db, &org.employee, &item, raw)
                .await
                .expect("submit");
            assert_eq!(row(&db, id).await.priority, expected, "{name}: {urgency}");
        }
    }
}

#[tokio::test]
async fn a_requester_reply_reaches_the_owner_or_the_team_and_shows_until_answered() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        // Nobody owns it: the team hears of the reply.
        let id = submitted(&db, &org).await;
        requests::add_comment(&db, &org.employee, id, "Any news?", false, &[])
            .await
            .expect("comment");
        let heard = told(&db, org.agent.id.0, id).await;
        assert!(
            heard.iter().any(|t| t.contains("replied on")),
            "{name}: the team member is told: {heard:?}"
        );

        // The owner asks a question; the requester's answer reaches them.
        let id = org
            .request_in(
                &db,
                "headset",
                &[("what", "A headset")],
                RequestState::InFulfilment,
            )
            .await;
        assert_eq!(
            row(&db, id).await.assignee_id,
            Some(org.agent.id.0),
            "{name}"
        );
        let ask = StateChange {
            to: RequestState::WaitingOnRequester,
            expected_version: request_version(&db, id).await,
            note: Some("Which colour?".into()),
        };
        requests::change_state(&db, &org.agent, id, ask)
            .await
            .expect("ask");
        let before = told(&db, org.agent.id.0, id).await.len();
        requests::add_comment(&db, &org.employee, id, "Black, please.", false, &[])
            .await
            .expect("reply");
        assert_eq!(
            request_state(&db, id).await,
            RequestState::InFulfilment,
            "{name}: the reply moves it out of waiting"
        );
        let heard = told(&db, org.agent.id.0, id).await;
        assert_eq!(heard.len(), before + 1, "{name}: {heard:?}");
        assert!(
            heard
                .last()
                .is_some_and(|t| t.starts_with(&format!("{} replied on {id}", org.employee.name))),
            "{name}: {heard:?}"
        );
        let replied = |db: Db, agent| async move {
            let view = QueueFilter {
                state: StateFilter::All,
                ..QueueFilter::default()
            };
            queue::queue(&db.conn, &agent, &view, &[], db.now())
                .await
                .expect("list")
                .items
                .into_iter()
                .find(|r| r.id == id)
                .expect("listed")
                .replied
        };
        assert!(
            replied(db.clone(), org.agent.clone()).await,
            "{name}: queue shows it"
        );
        // Sorted by last update, the replied request is at the top.
        let by_update = QueueFilter {
            state: StateFilter::All,
            sort: QueueSort::Updated,
            ..QueueFilter::default()
        };
        let top = queue::queue(&db.conn, &org.agent, &by_update, &[], db.now())
            .await
            .expect("list")
            .items[0]
            .id;
        assert_eq!(top, id, "{name}");
        // Opening the notification marks it read and goes to the request; it is nobody else's.
        let note = notification::Entity::find()
            .filter(notification::Column::UserId.eq(org.agent.id.0))
            .filter(notification::Column::RequestId.eq(id.0))
            .order_by_desc(notification::Column::Id)
            .one(&db.conn)
            .await
            .expect("query")
            .expect("the reply's notification");
        let unread = notifications::unread_count(&db.conn, org.agent.id.0)
            .await
            .expect("count");
        assert!(matches!(
            notifications::open(&db, &org.employee, note.id).await,
            Err(AppError::NotFound(_))
        ));
        assert_eq!(
            notifications::open(&db, &org.agent, note.id)
                .await
                .expect("open"),
            format!("/requests/{id}")
        );
        assert_eq!(
            notifications::unread_count(&db.conn, org.agent.id.0)
                .await
                .expect("count"),
            unread - 1,
            "{name}: opened is read"
        );
        // An internal note is no answer; a reply to the requester is.
        requests::add_comment(&db, &org.agent, id, "Ordering black.", true, &[])
            .await
            .expect("note");
        assert!(replied(db.clone(), org.agent.clone()).await, "{name}");
        requests::add_comment(&db, &org.agent, id, "Ordered.", false, &[])
            .await
            .expect("answer");
        assert!(
            !replied(db.clone(), org.agent.clone()).await,
            "{name}: answered"
        );
    }
}

#[tokio::test]
async fn the_requester_reopens_a_resolved_request_with_a_reason_and_the_owner_is_told() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        org.item(&db, "headset", one_field()).await;
        let id = org
            .request_in(
                &db,
                "headset",
                &[("what", "A headset")],
                RequestState::Resolved,
            )
            .await;
        let reopen = |note: Option<&str>, expected_version| StateChange {
            to: RequestState::InFulfilment,
            expected_version,
            note: note.map(str::to_owned),
        };
        let v = request_version(&db, id).await;
        let refused = requests::change_state(&db, &org.employee, id, reopen(None, v)).await;
        assert!(
            matches!(refused, Err(AppError::BadRequest(_))),
            "{name}: {refused:?}"
        );
        assert_eq!(
            request_state(&db, id).await,
            RequestState::Resolved,
            "{name}"
        );
        let before = told(&db, org.agent.id.0, id).await.len();
        requests::change_state(
            &db,
            &org.employee,
            id,
            reopen(Some("It still crackles."), v),
        )
        .await
        .expect("reopen");
        assert_eq!(
            request_state(&db, id).await,
            RequestState::InFulfilment,
            "{name}"
        );
        let heard = told(&db, org.agent.id.0, id).await;
        assert_eq!(heard.len(), before + 1, "{name}: {heard:?}");
        assert!(
            heard.last().is_some_and(|t| t.contains("reopened")),
            "{name}: {heard:?}"
        );
        assert!(row(&db, id).await.requester_replied_at.is_some(), "{name}");

        // A closed request stays closed.
        let closed = org
            .request_in(&db, "headset", &[("what", "Another")], RequestState::Closed)
            .await;
        let v = request_version(&db, closed).await;
        let refused =
            requests::change_state(&db, &org.employee, closed, reopen(Some("Again"), v)).await;
        assert!(
            matches!(refused, Err(AppError::Conflict(_))),
            "{name}: {refused:?}"
        );
        // Nor may the requester move a request on in other ways.
        let open = org
            .request_in(
                &db,
                "headset",
                &[("what", "Third")],
                RequestState::InFulfilment,
            )
            .await;
        let v = request_version(&db, open).await;
        let done = StateChange {
            to: RequestState::Resolved,
            expected_version: v,
            note: None,
        };
        let refused = requests::change_state(&db, &org.employee, open, done).await;
        assert!(
            matches!(refused, Err(AppError::Forbidden)),
            "{name}: {refused:?}"
        );
    }
}

#[tokio::test]
async fn a_confidential_item_s_requests_are_read_only_by_those_involved() {
    use server::testkit::{add_department, add_person, session_user};
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let leader = add_person(
            &db,
            org.department,
            "leader@org.test",
            None,
            &["leadership"],
        )
        .await;
        let leader = session_user(&db, leader).await;
        let (hr, _) = add_department(&db, "hr", "HR", ("people", "People"), ("time", "Time")).await;
        let other = add_person(&db, hr, "hr.agent@org.test", None, &["agent"]).await;
        let other = session_user(&db, other).await;
        let mut plan = one_field();
        plan["approvals"] = serde_json::json!([{"name": "Manager approval",
            "approvers": [{"kind": "manager"}], "decision": {"rule": "any"}}]);
        let item = org.item(&db, "leave-note", plan).await;
        let before = org
            .request_in(
                &db,
                &item,
                &[("what", "A week off")],
                RequestState::AwaitingApproval,
            )
            .await;
        requests::detail(&db, &leader, before)
            .await
            .expect("leadership reads an ordinary request");

        // The admin marks the item confidential: its requests, old and new, follow.
        let set = |confidential: bool| {
            let (db, admin, item) = (db.clone(), org.admin.clone(), item.clone());
            async move {
                let mut details = app::catalog::admin::item_details(&db, &admin, &item)
                    .await
                    .expect("details");
                details.confidential = confidential;
                app::catalog::admin::update_item_details(&db, &admin, &item, &details)
                    .await
                    .expect("save");
            }
        };
        set(true).await;
        let after = org
            .request_in(
                &db,
                &item,
                &[("what", "A day off")],
                RequestState::AwaitingApproval,
            )
            .await;
        for id in [before, after] {
            for (who, person) in [
                ("requester", &org.employee),
                ("approver", &org.manager),
                ("agent", &org.agent),
                ("admin", &org.admin),
            ] {
                requests::detail(&db, person, id)
                    .await
                    .unwrap_or_else(|e| panic!("{name}: the {who} reads {id}: {e:?}"));
            }
            for (who, person) in [("leadership", &leader), ("another department", &other)] {
                let refused = requests::detail(&db, person, id).await;
                assert!(
                    matches!(refused, Err(AppError::NotFound(_))),
                    "{name}: {who} must not read {id}: {refused:?}"
                );
            }
            let refused = requests::add_comment(&db, &leader, id, "hi", false, &[]).await;
            assert!(
                matches!(refused, Err(AppError::NotFound(_))),
                "{name}: {refused:?}"
            );
        }
        // Unmarked, leadership reads them again.
        set(false).await;
        requests::detail(&db, &leader, after)
            .await
            .expect("readable again");
    }
}

#[tokio::test]
async fn a_bulk_action_goes_through_each_request_and_reports_each_outcome() {
    use app::requests::service::BulkAction;
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let first = submitted(&db, &org).await;
        let second = org
            .request_in(
                &db,
                "headset",
                &[("what", "Another")],
                RequestState::Submitted,
            )
            .await;
        let picks = |ids: &[RequestId]| {
            let db = db.clone();
            let ids = ids.to_vec();
            async move {
                let mut picks = Vec::new();
                for id in ids {
                    picks.push((id, request_version(&db, id).await));
                }
                picks
            }
        };
        // Someone who works on no queue changes nothing.
        let refused =
            requests::bulk(&db, &org.employee, &picks(&[first]).await, BulkAction::Take).await;
        assert!(
            matches!(refused, Err(AppError::Forbidden)),
            "{name}: {refused:?}"
        );

        let both = picks(&[first, second]).await;
        let outcomes = requests::bulk(&db, &org.agent, &both, BulkAction::Take)
            .await
            .expect("take");
        assert!(
            outcomes.iter().all(|o| o.result.is_ok()),
            "{name}: {outcomes:?}"
        );
        for id in [first, second] {
            assert_eq!(
                row(&db, id).await.assignee_id,
                Some(org.agent.id.0),
                "{name}"
            );
        }

        // One of the two changed since the page was read: that one is refused, the other done.
        let seen = picks(&[first, second]).await;
        let v = request_version(&db, first).await;
        requests::set_priority(&db, &org.admin, first, v, Priority::Low)
            .await
            .expect("meanwhile");
        let outcomes = requests::bulk(&db, &org.agent, &seen, BulkAction::Priority(Priority::High))
            .await
            .expect("priority");
        assert_eq!(outcomes.len(), 2, "{name}");
        assert!(
            outcomes[0]
                .result
                .as_ref()
                .is_err_and(|e| e.contains("changed")),
            "{name}: {outcomes:?}"
        );
        assert!(outcomes[1].result.is_ok(), "{name}: {outcomes:?}");
        assert_eq!(row(&db, first).await.priority, "low", "{name}");
        assert_eq!(row(&db, second).await.priority, "high", "{name}");

        // States move as the state machine allows, each request on its own.
        requests::change_state(
            &db,
            &org.employee,
            first,
            StateChange {
                to: RequestState::Cancelled,
                expected_version: request_version(&db, first).await,
                note: None,
            },
        )
        .await
        .expect("cancel");
        let outcomes = requests::bulk(
            &db,
            &org.agent,
            &picks(&[first, second]).await,
            BulkAction::State(RequestState::InFulfilment),
        )
        .await
        .expect("state");
        assert!(
            outcomes[0].result.is_err(),
            "{name}: a cancelled request stays so"
        );
        assert!(outcomes[1].result.is_ok(), "{name}: {outcomes:?}");
        assert_eq!(
            request_state(&db, second).await,
            RequestState::InFulfilment,
            "{name}"
        );

        // A reply to each requester.
        let outcomes = requests::bulk(
            &db,
            &org.agent,
            &picks(&[second]).await,
            BulkAction::Comment("We are on it.".into()),
        )
        .await
        .expect("comment");
        assert!(outcomes[0].result.is_ok(), "{name}: {outcomes:?}");
        let heard = told(&db, org.employee.id.0, second).await;
        assert!(
            heard.iter().any(|t| t.contains("added a comment")),
            "{name}: {heard:?}"
        );

        // Too many at once is refused whole.
        let many: Vec<(RequestId, i32)> = (0..=requests::BULK_LIMIT as i64)
            .map(|i| (RequestId(i + 1), 1))
            .collect();
        let refused = requests::bulk(&db, &org.agent, &many, BulkAction::Take).await;
        assert!(
            matches!(refused, Err(AppError::BadRequest(_))),
            "{name}: {refused:?}"
        );
    }
}

#[tokio::test]
async fn an_approver_decides_several_at_once_and_sees_the_answers_that_matter() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let mut plan = serde_json::json!({"fields": [
            {"key": "what", "label": "What", "required": true, "type": "short_text", "summary": true},
            {"key": "why", "label": "Why", "required": false, "type": "long_text"},
            {"key": "price", "label": "Price", "required": true, "type": "money", "currency": "EUR"}
        ]});
        plan["approvals"] = serde_json::json!([{"name": "Manager approval",
            "approvers": [{"kind": "manager"}], "decision": {"rule": "any"}}]);
        let item = org.item(&db, "chair", plan).await;
        let answers = [("what", "A chair"), ("why", "Back pain"), ("price", "250")];
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(
                org.request_in(&db, &item, &answers, RequestState::AwaitingApproval)
                    .await,
            );
        }
        let inbox = app::approvals::service::inbox(&db, &org.manager)
            .await
            .expect("inbox");
        assert_eq!(inbox.len(), 3, "{name}");
        assert_eq!(
            inbox[0].facts,
            [
                ("What".to_owned(), "A chair".to_owned()),
                ("Price".to_owned(), "EUR 250.00".to_owned())
            ],
            "{name}: the marked field and the amount"
        );
        let approval_ids: Vec<i64> = inbox.iter().map(|i| i.approval_id).collect();
        // A rejection without a reason refuses the batch before anything is decided.
        let refused =
            app::workflow::decide_many(&db, &org.manager, &approval_ids, false, None).await;
        assert!(
            matches!(refused, Err(AppError::BadRequest(_))),
            "{name}: {refused:?}"
        );
        // Someone else cannot decide them: each is refused, nothing changes.
        let outcomes = app::workflow::decide_many(&db, &org.agent, &approval_ids, true, None)
            .await
            .expect("refused one by one");
        assert!(
            outcomes.iter().all(|(_, r)| r.is_err()),
            "{name}: {outcomes:?}"
        );
        let outcomes = app::workflow::decide_many(
            &db,
            &org.manager,
            &approval_ids[..2],
            true,
            Some("Fine.".into()),
        )
        .await
        .expect("decide");
        assert!(
            outcomes.iter().all(|(_, r)| r.is_ok()),
            "{name}: {outcomes:?}"
        );
        assert_eq!(
            outcomes[0].0,
            ids[0].to_string(),
            "{name}: labelled by request"
        );
        for id in &ids[..2] {
            assert_ne!(
                request_state(&db, *id).await,
                RequestState::AwaitingApproval,
                "{name}"
            );
        }
        assert_eq!(
            request_state(&db, ids[2]).await,
            RequestState::AwaitingApproval,
            "{name}"
        );
        // Deciding the same again: already decided, each says so.
        let again = app::workflow::decide_many(&db, &org.manager, &approval_ids[..1], true, None)
            .await
            .expect("again");
        assert!(again[0].1.is_err(), "{name}: {again:?}");
        let past = app::approvals::service::past_decisions(&db.conn, &org.manager)
            .await
            .expect("past");
        assert_eq!(past.len(), 2, "{name}");
        assert!(past.iter().all(|p| p.approved), "{name}");
    }
}

#[tokio::test]
async fn a_search_that_finds_nothing_offers_each_department_s_general_enquiry() {
    for (name, db) in server::testkit::seeded_databases().await {
        let emma = server::testkit::person(&db, "emma.clark@atrium.example").await;
        let cache = app::db::catalog_cache::CatalogCache::default();
        let catalog = app::catalog::service::load_catalog(&db.conn, &cache, &emma)
            .await
            .expect("catalog");
        let general: Vec<(&str, &str)> = catalog
            .general
            .iter()
            .map(|(department, card)| (department.as_str(), card.slug.as_str()))
            .collect();
        assert_eq!(
            general,
            [
                ("IT", "it-enquiry"),
                ("HR", "hr-enquiry"),
                ("Facilities", "facilities-enquiry"),
                ("Finance", "finance-enquiry")
            ],
            "{name}"
        );
        assert!(catalog.search("xyzzy").is_empty(), "{name}");
        let answers = [
            ("subject", "A standing desk"),
            ("details", "May I have one?"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let id = requests::submit(&db, &emma, "facilities-enquiry", answers)
            .await
            .expect("an enquiry is a request like any other");
        assert_eq!(
            request_state(&db, id).await,
            RequestState::Submitted,
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_request_ordered_for_someone_else_is_theirs_too() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let item = org.item(&db, "headset", one_field()).await;
        let what: std::collections::BTreeMap<String, String> =
            [("what".to_owned(), "A headset".to_owned())].into();
        // The manager orders for the employee.
        let id = requests::submit_for(
            &db,
            &org.manager,
            &item,
            what.clone(),
            Some(&org.employee.email),
        )
        .await
        .expect("ordered for the employee");
        let stored = row(&db, id).await;
        assert_eq!(
            (
                stored.requester_id,
                stored.requested_for_id,
                stored.on_behalf
            ),
            (org.manager.id.0, org.employee.id.0, true),
            "{name}"
        );
        // Both find it among their requests; the employee reads it and hears of it.
        for person in [&org.manager, &org.employee] {
            let mine = queue::list_mine(&db, person, StateFilter::All, None)
                .await
                .expect("my requests");
            assert!(
                mine.items.iter().any(|r| r.id == id),
                "{name}: {}",
                person.name
            );
        }
        requests::detail(&db, &org.employee, id)
            .await
            .expect("the person it is for reads it");
        let heard = told(&db, org.employee.id.0, id).await;
        assert!(
            heard
                .iter()
                .any(|t| t == &format!("{} ordered Item headset for you", org.manager.name)),
            "{name}: {heard:?}"
        );
        // Later news reaches them as a watcher: the owner's reply.
        let v = request_version(&db, id).await;
        requests::set_owner(&db, &org.agent, id, v, OwnerChoice::Me)
            .await
            .expect("take");
        requests::add_comment(&db, &org.agent, id, "On its way.", false, &[])
            .await
            .expect("reply");
        assert!(
            told(&db, org.employee.id.0, id).await.len() > heard.len(),
            "{name}"
        );

        // Someone not in the directory: refused on the "for" field, nothing filed, nothing lost.
        let before = request::Entity::find()
            .count(&db.conn)
            .await
            .expect("count");
        match requests::submit_for(
            &db,
            &org.manager,
            &item,
            what.clone(),
            Some("nobody@org.test"),
        )
        .await
        {
            Err(AppError::InvalidForm { errors, answers }) => {
                assert!(
                    errors[FOR_KEY].contains("nobody@org.test"),
                    "{name}: {errors:?}"
                );
                assert_eq!(answers.get("what").map(String::as_str), Some("A headset"));
                assert_eq!(
                    answers.get(FOR_KEY).map(String::as_str),
                    Some("nobody@org.test")
                );
            }
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(
            request::Entity::find()
                .count(&db.conn)
                .await
                .expect("count"),
            before
        );
        // Naming oneself is ordering for oneself.
        let own = requests::submit_for(&db, &org.manager, &item, what, Some("MANAGER@org.test"))
            .await
            .expect("for oneself");
        assert!(!row(&db, own).await.on_behalf, "{name}");
    }
}
