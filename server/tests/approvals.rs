//! The approval engine on real databases (a fresh SQLite file and a fresh PostgreSQL database
//! each): stages open in order, conditional stages apply only when they should, rejection ends
//! the request with its reason, and simultaneous decisions give exactly one outcome.

use app::approvals::service::{self as approvals, Verdict};
use app::auth::model::{SessionUser, UserId};
use app::auth::service::load_session_user;
use app::catalog::designer;
use app::db::{approval, user, Db};
use app::domain::approvals::{ApprovalStage, Approver, Decision};
use app::domain::rules::{Condition, FieldTest, Op};
use app::domain::state::RequestState;
use app::error::AppError;
use app::requests::model::{RequestId, TimelineKind};
use app::requests::service as requests;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use server::seed::seed_organisation;
use server::testkit::all_databases;
use std::collections::BTreeMap;

const FINANCE_ADMIN: &str = "farah.haddad@atrium.example";
const EMPLOYEE: &str = "emma.clark@atrium.example";

use server::testkit::person;

async fn person_by_id(db: &Db, id: i64) -> SessionUser {
    load_session_user(&db.conn, UserId(id))
        .await
        .expect("load")
        .expect("active")
}

fn stage(name: &str, approvers: Vec<Approver>, decision: Decision) -> ApprovalStage {
    ApprovalStage {
        name: name.into(),
        approvers,
        decision,
        when: None,
        timeout: None,
    }
}

/// Gives the purchase request an approval plan and publishes it.
async fn publish_plan(db: &Db, plan: Vec<ApprovalStage>) {
    publish_changed(db, move |definition| definition.approvals = plan).await;
}

/// Changes the purchase request's definition as the Finance admin would, and publishes it.
async fn publish_changed(
    db: &Db,
    change: impl FnOnce(&mut app::domain::definition::ItemDefinition),
) {
    let admin = person(db, FINANCE_ADMIN).await;
    let mut draft = designer::working_copy(db, &admin, "purchase-request")
        .await
        .expect("draft");
    change(&mut draft.definition);
    designer::save_draft(
        db,
        &admin,
        "purchase-request",
        &draft.definition,
        draft.draft_version,
    )
    .await
    .expect("save");
    designer::publish(db, &admin, "purchase-request")
        .await
        .expect("publish");
}

fn purchase(amount: &str) -> BTreeMap<String, String> {
    [
        ("supplier", "Acme Office Supplies"),
        ("amount", amount),
        ("cost_center", "cc-300"),
        ("justification", "Replacement chairs for the support team."),
        (
            "quotes",
            "Acme 9,000; Globex 9,400; Initech 9,900 — Acme is cheapest.",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

async fn waiting(db: &Db, id: RequestId) -> Vec<approval::Model> {
    approval::Entity::find()
        .filter(approval::Column::RequestId.eq(id.0))
        .filter(approval::Column::Decision.is_null())
        .order_by_asc(approval::Column::Id)
        .all(&db.conn)
        .await
        .expect("query")
}

use server::testkit::request_state as state_of;

fn amount_over(threshold: i64) -> Condition {
    Condition::Field(FieldTest {
        field: "amount".into(),
        op: Op::GreaterThan,
        value: Some(serde_json::json!(threshold)),
    })
}

#[tokio::test]
async fn stages_open_in_order_and_conditional_ones_only_when_they_apply() {
    for (name, db) in all_databases().await {
        seed_organisation(&db).await.expect("seed");
        publish_plan(
            &db,
            vec![
                stage("Manager approval", vec![Approver::Manager], Decision::Any),
                ApprovalStage {
                    when: Some(amount_over(5000)),
                    ..stage(
                        "Finance approval",
                        vec![Approver::DepartmentHead],
                        Decision::Any,
                    )
                },
            ],
        )
        .await;
        let emma = person(&db, EMPLOYEE).await;

        // A big purchase: the manager, then Finance.
        let big = requests::submit(&db, &emma, "purchase-request", purchase("9000"))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(state_of(&db, big).await, RequestState::AwaitingApproval);
        let first = waiting(&db, big).await;
        assert_eq!(first.len(), 1, "{name}: only the manager is asked first");
        assert_eq!(first[0].stage_name, "Manager approval");
        let manager = person_by_id(&db, first[0].approver_id).await;
        assert_eq!(
            approvals::waiting_count(&db.conn, manager.id.0)
                .await
                .expect("count"),
            1
        );
        // Nobody else can decide the manager's approval.
        assert_eq!(
            app::workflow::decide_approval(
                &db,
                &emma,
                first[0].id,
                Verdict {
                    approve: true,
                    comment: None
                }
            )
            .await
            .map(|_| ()),
            Err(AppError::NotFound("The approval".into()))
        );
        let done = app::workflow::decide_approval(
            &db,
            &manager,
            first[0].id,
            Verdict {
                approve: true,
                comment: None,
            },
        )
        .await
        .expect("approve");
        assert!(
            done.message.contains("goes on to “Finance approval”"),
            "{}",
            done.message
        );
        let second = waiting(&db, big).await;
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].stage_name, "Finance approval");
        let head = person_by_id(&db, second[0].approver_id).await;
        assert_eq!(head.email, FINANCE_ADMIN, "{name}: the head of Finance");
        app::workflow::decide_approval(
            &db,
            &head,
            second[0].id,
            Verdict {
                approve: true,
                comment: Some("Within budget.".into()),
            },
        )
        .await
        .expect("approve");
        assert_eq!(state_of(&db, big).await, RequestState::Approved);

        // A small purchase skips Finance.
        let small = requests::submit(&db, &emma, "purchase-request", purchase("100"))
            .await
            .expect("submit");
        let only = waiting(&db, small).await;
        app::workflow::decide_approval(
            &db,
            &manager,
            only[0].id,
            Verdict {
                approve: true,
                comment: None,
            },
        )
        .await
        .expect("approve");
        assert_eq!(state_of(&db, small).await, RequestState::Approved, "{name}");
        assert!(waiting(&db, small).await.is_empty());
    }
}

#[tokio::test]
async fn a_rejection_needs_a_reason_and_the_requester_is_told_it() {
    for (name, db) in all_databases().await {
        seed_organisation(&db).await.expect("seed");
        publish_plan(
            &db,
            vec![stage(
                "Manager approval",
                vec![Approver::Manager],
                Decision::Any,
            )],
        )
        .await;
        let emma = person(&db, EMPLOYEE).await;
        let id = requests::submit(&db, &emma, "purchase-request", purchase("300"))
            .await
            .expect("submit");
        let mine = waiting(&db, id).await.remove(0);
        let manager = person_by_id(&db, mine.approver_id).await;
        // The approver sees what they decide on; someone else does not.
        assert!(requests::detail(&db, &manager, id).await.is_ok(), "{name}");
        let stranger = person(&db, "daniel.novak@atrium.example").await;
        assert!(
            requests::detail(&db, &stranger, id).await.is_err(),
            "{name}"
        );
        assert!(matches!(
            app::workflow::decide_approval(&db, &manager, mine.id, Verdict { approve: false, comment: Some("  ".into()) }).await,
            Err(AppError::BadRequest(m)) if m.contains("Say why")
        ));
        app::workflow::decide_approval(
            &db,
            &manager,
            mine.id,
            Verdict {
                approve: false,
                comment: Some("Use the framework contract instead.".into()),
            },
        )
        .await
        .expect("reject");
        assert_eq!(state_of(&db, id).await, RequestState::Rejected, "{name}");
        let seen = requests::detail(&db, &emma, id).await.expect("detail");
        assert!(seen.timeline.iter().any(|e| matches!(&e.kind,
            TimelineKind::Comment { body, internal: false, .. } if body.contains("Use the framework contract instead."))));
        assert_eq!(
            seen.approvals[0].status,
            Some(app::domain::approvals::Vote::Rejected)
        );
        // A second try is told what happened.
        assert!(matches!(
            app::workflow::decide_approval(&db, &manager, mine.id, Verdict { approve: true, comment: None }).await,
            Err(AppError::Conflict(m)) if m.contains("already rejected")
        ));
    }
}

#[tokio::test]
async fn a_hundred_simultaneous_decisions_give_exactly_one_outcome() {
    for (name, db) in all_databases().await {
        seed_organisation(&db).await.expect("seed");
        let emma = person(&db, EMPLOYEE).await;
        // Ten approvers, any one of whom decides.
        let approvers: Vec<user::Model> = user::Entity::find()
            .filter(user::Column::Id.ne(emma.id.0))
            .order_by_asc(user::Column::Id)
            .all(&db.conn)
            .await
            .expect("people")
            .into_iter()
            .take(10)
            .collect();
        publish_plan(
            &db,
            vec![stage(
                "Committee",
                approvers
                    .iter()
                    .map(|u| Approver::User {
                        email: u.email.clone(),
                    })
                    .collect(),
                Decision::Any,
            )],
        )
        .await;
        let id = requests::submit(&db, &emma, "purchase-request", purchase("700"))
            .await
            .expect("submit");
        let rows = waiting(&db, id).await;
        assert_eq!(rows.len(), 10);
        let mut people = Vec::new();
        for row in &rows {
            people.push((row.id, person_by_id(&db, row.approver_id).await));
        }
        let calls = (0..100).map(|n| {
            let (approval_id, who) = people[n % people.len()].clone();
            let db = db.clone();
            tokio::spawn(async move {
                let approve = n % 3 != 0;
                let verdict = Verdict {
                    approve,
                    comment: (!approve).then(|| "Not this quarter.".to_owned()),
                };
                app::workflow::decide_approval(&db, &who, approval_id, verdict).await
            })
        });
        let results: Vec<_> = futures_join(calls).await;
        let won: Vec<_> = results.iter().filter(|r| r.is_ok()).collect();
        assert_eq!(
            won.len(),
            1,
            "{name}: exactly one decision wins: {results:?}"
        );
        for lost in results.iter().filter_map(|r| r.as_ref().err()) {
            assert!(
                matches!(lost, AppError::Conflict(m) if m.contains("no longer") || m.contains("already")),
                "{name}: a clear message, not {lost:?}"
            );
        }
        let final_state = state_of(&db, id).await;
        assert!(matches!(
            final_state,
            RequestState::Approved | RequestState::Rejected
        ));
        let detail = requests::detail(&db, &emma, id).await.expect("detail");
        let transitions = detail
            .timeline
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    TimelineKind::StateChanged {
                        from: RequestState::AwaitingApproval,
                        ..
                    }
                )
            })
            .count();
        assert_eq!(transitions, 1, "{name}: one transition out of approval");
        assert!(waiting(&db, id).await.is_empty());
    }
}

async fn futures_join<T: Send + 'static>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for handle in handles.collect::<Vec<_>>() {
        out.push(handle.await.expect("task"));
    }
    out
}

#[tokio::test]
async fn approvers_that_do_not_exist_are_refused_when_saving() {
    for (name, db) in all_databases().await {
        seed_organisation(&db).await.expect("seed");
        let admin = person(&db, FINANCE_ADMIN).await;
        let mut draft = designer::working_copy(&db, &admin, "travel-advance")
            .await
            .expect("draft");
        draft.definition.approvals = vec![stage(
            "Treasury",
            vec![
                Approver::User {
                    email: "nobody@atrium.example".into(),
                },
                Approver::Team {
                    team: "finance/no-such-team".into(),
                },
                Approver::Team {
                    team: "finance/accounts-payable".into(),
                },
            ],
            Decision::Any,
        )];
        let Err(AppError::InvalidDefinition(problems)) =
            designer::save_draft(&db, &admin, "travel-advance", &draft.definition, None).await
        else {
            panic!("{name}: unknown approvers must be refused");
        };
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "“Treasury”: nobody with the email nobody@atrium.example can sign in.",
                "“Treasury”: there is no team finance/no-such-team.",
            ],
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_delegate_approves_for_an_absent_manager_and_it_shows() {
    for (name, db) in all_databases().await {
        seed_organisation(&db).await.expect("seed");
        publish_plan(
            &db,
            vec![stage(
                "Manager approval",
                vec![Approver::Manager],
                Decision::Any,
            )],
        )
        .await;
        let emma = person(&db, EMPLOYEE).await;
        let manager = person(&db, "sven.lindqvist@atrium.example").await;
        let delegate = person(&db, "ivan.petrov@atrium.example").await;
        let today = chrono::Utc::now().date_naive();
        let day = |offset: i64| {
            (today + chrono::Duration::days(offset))
                .format("%Y-%m-%d")
                .to_string()
        };
        // Bad input is refused with the reason.
        assert!(matches!(
            approvals::add_delegation(&db, &manager, "ivan.petrov@atrium.example", &day(3), &day(1)).await,
            Err(AppError::BadRequest(m)) if m.contains("must not be before")
        ));
        assert!(matches!(
            approvals::add_delegation(&db, &manager, "sven.lindqvist@atrium.example", &day(0), &day(1)).await,
            Err(AppError::BadRequest(m)) if m.contains("someone else")
        ));
        approvals::add_delegation(
            &db,
            &manager,
            "ivan.petrov@atrium.example",
            &day(-1),
            &day(7),
        )
        .await
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(
            approvals::my_delegations(&db, &manager)
                .await
                .expect("list")
                .len(),
            1
        );

        let id = requests::submit(&db, &emma, "purchase-request", purchase("250"))
            .await
            .expect("submit");
        let rows = waiting(&db, id).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].approver_id, delegate.id.0,
            "{name}: the delegate is asked"
        );
        assert_eq!(rows[0].on_behalf_of_id, Some(manager.id.0));
        let inbox = approvals::inbox(&db, &delegate).await.expect("inbox");
        assert_eq!(inbox[0].on_behalf_of.as_deref(), Some("Sven Lindqvist"));
        app::workflow::decide_approval(
            &db,
            &delegate,
            rows[0].id,
            Verdict {
                approve: true,
                comment: None,
            },
        )
        .await
        .expect("approve");
        assert_eq!(state_of(&db, id).await, RequestState::Approved);
        let detail = requests::detail(&db, &emma, id).await.expect("detail");
        assert_eq!(detail.approvals[0].approver, "Ivan Petrov");
        assert_eq!(
            detail.approvals[0].on_behalf_of.as_deref(),
            Some("Sven Lindqvist")
        );

        // A delegate who has been deactivated receives nothing: the manager keeps the seat.
        user::Entity::update_many()
            .col_expr(user::Column::Active, sea_orm::sea_query::Expr::value(false))
            .filter(user::Column::Id.eq(delegate.id.0))
            .exec(&db.conn)
            .await
            .expect("deactivate");
        let later = requests::submit(&db, &emma, "purchase-request", purchase("260"))
            .await
            .expect("submit");
        let rows = waiting(&db, later).await;
        assert_eq!(
            (rows[0].approver_id, rows[0].on_behalf_of_id),
            (manager.id.0, None),
            "{name}: not the deactivated delegate"
        );

        // Someone else cannot end the delegation; its owner can.
        let list = approvals::my_delegations(&db, &manager)
            .await
            .expect("list");
        assert_eq!(
            approvals::remove_delegation(&db, &delegate, list[0].id).await,
            Err(AppError::NotFound("The delegation".into()))
        );
        approvals::remove_delegation(&db, &manager, list[0].id)
            .await
            .expect("end");
    }
}

#[tokio::test]
async fn stages_past_their_timeout_remind_escalate_or_decide_once() {
    use app::domain::approvals::{Timeout, TimeoutOutcome};
    use app::notifications::service as notifications;
    for (name, db) in all_databases().await {
        seed_organisation(&db).await.expect("seed");
        let emma = person(&db, EMPLOYEE).await;
        let sven = person(&db, "sven.lindqvist@atrium.example").await;
        let leo = person(&db, "leo.martin@atrium.example").await;
        let now = chrono::Utc::now();
        let later = now + chrono::Duration::hours(49);
        for (outcome, expect) in [
            (TimeoutOutcome::Remind, RequestState::AwaitingApproval),
            (TimeoutOutcome::Escalate, RequestState::AwaitingApproval),
            (TimeoutOutcome::AutoApprove, RequestState::Approved),
            (TimeoutOutcome::AutoReject, RequestState::Rejected),
        ] {
            publish_plan(
                &db,
                vec![ApprovalStage {
                    timeout: Some(Timeout { hours: 48, outcome }),
                    ..stage("Manager approval", vec![Approver::Manager], Decision::Any)
                }],
            )
            .await;
            let id = requests::submit(&db, &emma, "purchase-request", purchase("100"))
                .await
                .expect("submit");
            // Not yet: the stage has waited less than its 48 hours.
            app::workflow::apply_timeouts(&db, now).await.expect("run");
            assert_eq!(waiting(&db, id).await.len(), 1, "{name} {outcome:?}");
            let sven_before = notifications::unread_count(&db.conn, sven.id.0)
                .await
                .expect("n");
            let acted = app::workflow::apply_timeouts(&db, later)
                .await
                .expect("run");
            assert_eq!(acted, 1, "{name} {outcome:?}: one stage timed out");
            assert_eq!(state_of(&db, id).await, expect, "{name} {outcome:?}");
            // Once: running again does nothing.
            assert_eq!(
                app::workflow::apply_timeouts(&db, later)
                    .await
                    .expect("run"),
                0,
                "{name}"
            );
            match outcome {
                TimeoutOutcome::Remind => {
                    assert_eq!(
                        notifications::unread_count(&db.conn, sven.id.0)
                            .await
                            .expect("n"),
                        sven_before + 1,
                        "{name}: Sven is reminded"
                    );
                    assert_eq!(waiting(&db, id).await[0].approver_id, sven.id.0);
                }
                TimeoutOutcome::Escalate => {
                    // Sven's seat goes to his manager, who decides in his place.
                    let seats = waiting(&db, id).await;
                    assert_eq!(seats.len(), 1, "{name}");
                    assert_eq!(seats[0].approver_id, leo.id.0, "{name}");
                    assert_eq!(seats[0].on_behalf_of_id, Some(sven.id.0));
                    assert!(matches!(
                        app::workflow::decide_approval(
                            &db,
                            &sven,
                            seats[0].id,
                            Verdict {
                                approve: true,
                                comment: None
                            }
                        )
                        .await,
                        Err(AppError::NotFound(_))
                    ));
                    app::workflow::decide_approval(
                        &db,
                        &leo,
                        seats[0].id,
                        Verdict {
                            approve: true,
                            comment: None,
                        },
                    )
                    .await
                    .expect("Leo decides");
                    assert_eq!(state_of(&db, id).await, RequestState::Approved, "{name}");
                }
                TimeoutOutcome::AutoReject => {
                    let detail = requests::detail(&db, &emma, id).await.expect("detail");
                    assert!(
                        detail.timeline.iter().any(|e| matches!(&e.kind, TimelineKind::Approval { text }
                            if text == "Manager approval: no decision within 48 hours; rejected automatically")),
                        "{name}"
                    );
                    let told = notifications::inbox(&db, &emma).await.expect("inbox");
                    assert!(told.items[0].title.ends_with("was rejected"), "{name}");
                }
                TimeoutOutcome::AutoApprove => {}
            }
        }
    }
}

/// The requester cancels while the approver decides, at the same moment: one of them wins,
/// the other is told, and nothing is left half done (a cancelled request waits on nobody).
#[tokio::test]
async fn a_cancellation_and_a_decision_at_the_same_moment_give_one_outcome() {
    use app::requests::service::StateChange;
    for (name, db) in all_databases().await {
        let org = server::testkit::Org::build(&db).await;
        let mut plan = server::testkit::one_field();
        plan["approvals"] = serde_json::json!([{"name": "Manager approval",
            "approvers": [{"kind": "manager"}], "decision": {"rule": "any"}}]);
        let item = org.item(&db, "laptop", plan).await;
        let emma = org.employee.clone();
        let mut winners = std::collections::BTreeSet::new();
        for round in 0..8 {
            let id = org
                .request_in(
                    &db,
                    &item,
                    &[("what", "A laptop")],
                    RequestState::AwaitingApproval,
                )
                .await;
            let seat = waiting(&db, id).await.remove(0);
            let manager = org.by_id(seat.approver_id).clone();
            let seen = server::testkit::request_version(&db, id).await;
            let cancel = {
                let (db, emma) = (db.clone(), emma.clone());
                tokio::spawn(async move {
                    let change = StateChange {
                        to: RequestState::Cancelled,
                        expected_version: seen,
                        note: None,
                    };
                    requests::change_state(&db, &emma, id, change).await
                })
            };
            let approve = {
                let db = db.clone();
                tokio::spawn(async move {
                    let verdict = Verdict {
                        approve: true,
                        comment: None,
                    };
                    app::workflow::decide_approval(&db, &manager, seat.id, verdict).await
                })
            };
            let (cancelled, approved) = (cancel.await.expect("join"), approve.await.expect("join"));
            let state = state_of(&db, id).await;
            match (&cancelled, &approved) {
                (Ok(_), Err(AppError::Conflict(message))) => {
                    assert_eq!(state, RequestState::Cancelled, "{name} round {round}");
                    assert!(message.contains("no longer"), "{name}: {message}");
                    assert!(
                        waiting(&db, id).await.is_empty(),
                        "{name}: a cancelled request waits on no approver"
                    );
                    winners.insert("cancel");
                }
                (Err(AppError::Conflict(message)), Ok(_)) => {
                    assert_eq!(state, RequestState::Approved, "{name} round {round}");
                    assert!(
                        message.contains("changed by someone else"),
                        "{name}: {message}"
                    );
                    winners.insert("approve");
                }
                other => panic!("{name} round {round}: exactly one should win: {other:?}"),
            }
        }
        assert!(!winners.is_empty(), "{name}");
    }
}

/// A delegate who already sits on a stage never takes a second seat on it: when the manager
/// hands their approvals to the agent, and the agent approves the same "all" stage, both seats
/// stay, and the agent alone cannot decide it.
#[tokio::test]
async fn a_delegate_never_takes_a_second_seat_on_one_stage() {
    for (name, db) in all_databases().await {
        let org = server::testkit::Org::build(&db).await;
        let mut plan = server::testkit::one_field();
        plan["approvals"] = serde_json::json!([{
            "name": "Two people",
            "approvers": [
                {"kind": "user", "email": org.manager.email},
                {"kind": "user", "email": org.agent.email}
            ],
            "decision": {"rule": "all"}
        }]);
        let item = org.item(&db, "server", plan).await;
        let today = chrono::Utc::now().date_naive();
        let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        app::approvals::service::add_delegation(
            &db,
            &org.manager,
            &org.agent.email,
            &day(today),
            &day(today + chrono::Duration::days(7)),
        )
        .await
        .expect("delegate");
        let id = org
            .request_in(
                &db,
                &item,
                &[("what", "A server")],
                RequestState::AwaitingApproval,
            )
            .await;
        let seats = waiting(&db, id).await;
        let mut sitting: Vec<i64> = seats.iter().map(|s| s.approver_id).collect();
        sitting.sort();
        let mut expected = vec![org.manager.id.0, org.agent.id.0];
        expected.sort();
        assert_eq!(sitting, expected, "{name}: two people, two seats");
        // The agent approves their own seat; the stage still waits for the manager.
        let agents = seats
            .iter()
            .find(|s| s.approver_id == org.agent.id.0)
            .expect("the agent's seat");
        let verdict = Verdict {
            approve: true,
            comment: None,
        };
        app::workflow::decide_approval(&db, &org.agent, agents.id, verdict)
            .await
            .expect("decide");
        assert_eq!(
            state_of(&db, id).await,
            RequestState::AwaitingApproval,
            "{name}: one person cannot decide an 'all' stage of two"
        );
    }
}

/// Gives the purchase form a required "Budget holder" person field and a stage that asks
/// whoever is named there, among `among`.
async fn publish_named_approver(db: &Db, among: app::domain::approvals::FieldApprovers) {
    use app::domain::form::{FieldDef, FieldKind};
    publish_changed(db, move |definition| {
        let fields = &mut definition.form.fields;
        if !fields.iter().any(|f| f.key == "budget_holder") {
            fields.push(FieldDef::new(
                "budget_holder",
                "Budget holder",
                FieldKind::User,
                true,
            ));
        }
        definition.approvals = vec![stage(
            "Budget holder approval",
            vec![Approver::Field {
                field: "budget_holder".into(),
                among,
            }],
            Decision::Any,
        )];
    })
    .await;
}

fn naming(holder: &str) -> BTreeMap<String, String> {
    let mut answers = purchase("900");
    answers.insert("budget_holder".into(), holder.into());
    answers
}

/// A stage that takes its approver from a form field asks only someone the item allows there:
/// by default someone above the requester, or a member of a named team. Naming anyone else
/// (a colleague, oneself) is a form error on that field, and nothing is filed.
#[tokio::test]
async fn a_requester_cannot_choose_their_own_approver() {
    use app::domain::approvals::FieldApprovers;
    for (name, db) in all_databases().await {
        seed_organisation(&db).await.expect("seed");
        publish_named_approver(&db, FieldApprovers::ManagerChain).await;
        let emma = person(&db, EMPLOYEE).await;
        let refused = |holder: &'static str| {
            let db = db.clone();
            let emma = emma.clone();
            async move {
                match requests::submit(&db, &emma, "purchase-request", naming(holder)).await {
                    Err(AppError::InvalidForm { errors, .. }) => errors
                        .get("budget_holder")
                        .cloned()
                        .unwrap_or_else(|| panic!("{holder}: other errors {errors:?}")),
                    other => panic!("{holder}: {other:?}"),
                }
            }
        };
        // Filed naming `holder`: who the stage asks.
        let asked = |holder: String| {
            let db = db.clone();
            let emma = emma.clone();
            async move {
                let id = requests::submit(&db, &emma, "purchase-request", naming(&holder))
                    .await
                    .unwrap_or_else(|e| panic!("{holder}: {e:?}"));
                waiting(&db, id)
                    .await
                    .iter()
                    .map(|a| a.approver_id)
                    .collect::<Vec<i64>>()
            }
        };
        let before = count_requests(&db).await;
        // A colleague in another department, and the requester herself.
        for holder in ["grace.kim@atrium.example", EMPLOYEE] {
            assert_eq!(
                refused(holder).await,
                FieldApprovers::ManagerChain.refusal(),
                "{name}: {holder}"
            );
        }
        assert_eq!(count_requests(&db).await, before, "{name}: nothing filed");

        // Her manager's manager (the CEO) is in her chain: asked, and only he.
        let ceo = person(&db, "leo.martin@atrium.example").await;
        assert_eq!(
            asked("leo.martin@atrium.example".into()).await,
            vec![ceo.id.0],
            "{name}"
        );

        // Limited to a team: the CEO is not in Procurement; a procurement officer is.
        let team = FieldApprovers::Team {
            team: "finance/procurement".into(),
        };
        publish_named_approver(&db, team.clone()).await;
        assert_eq!(
            refused("leo.martin@atrium.example").await,
            team.refusal(),
            "{name}"
        );
        let member = procurement_member(&db).await;
        assert_eq!(asked(member.email).await, vec![member.id], "{name}");
    }
}

async fn count_requests(db: &Db) -> usize {
    app::db::request::Entity::find()
        .all(&db.conn)
        .await
        .expect("requests")
        .len()
}

async fn procurement_member(db: &Db) -> user::Model {
    let team = app::directory::find_team(&db.conn, "finance/procurement")
        .await
        .expect("team")
        .expect("procurement exists");
    let membership = app::db::team_member::Entity::find()
        .filter(app::db::team_member::Column::TeamId.eq(team.id))
        .one(&db.conn)
        .await
        .expect("members")
        .expect("a member");
    user::Entity::find_by_id(membership.user_id)
        .one(&db.conn)
        .await
        .expect("user")
        .expect("exists")
}
