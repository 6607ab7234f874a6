//! The agent queue on real databases (SQLite, and PostgreSQL when `ATRIUM_TEST_PG` is set):
//! every order pages through the whole queue without gaps or repeats, filters and search narrow
//! it, and saved views are personal.

use app::auth::model::SessionUser;
use app::db::{request, Db};
use app::domain::queue::{QueueFilter, QueueQuery, QueueSort, TeamFilter};
use app::domain::state::{Priority, RequestState};
use app::error::AppError;
use app::requests::lists as queue;
use app::requests::model::{OwnerFilter, RequestId, RequestSummary, StateFilter};
use app::requests::service::{self as requests, OwnerChoice};
use app::requests::views;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use server::testkit::{one_field, request_version, Org};
use std::collections::{BTreeMap, HashMap};

fn what(text: &str) -> BTreeMap<String, String> {
    [("what".to_owned(), text.to_owned())].into()
}

/// 24 headsets and 16 monitors (a quarter of them ordered by the manager), with priorities and
/// owners spread over them.
async fn busy_queue(db: &Db, org: &Org) -> Vec<RequestId> {
    let headset = org.item(db, "headset", one_field()).await;
    let monitor = org.item(db, "monitor", one_field()).await;
    let mut ids = Vec::new();
    for i in 0..40 {
        let (slug, who) = match i % 5 {
            0 | 2 => (&monitor, &org.manager),
            1 => (&monitor, &org.employee),
            _ => (&headset, &org.employee),
        };
        let slug = if who.id == org.manager.id && i % 10 == 2 {
            &headset
        } else {
            slug
        };
        let id = requests::submit(db, who, slug, what("Something"))
            .await
            .expect("submit");
        let priority = Priority::ALL[i % 4];
        if priority != Priority::Medium {
            let v = request_version(db, id).await;
            requests::set_priority(db, &org.agent, id, v, priority)
                .await
                .expect("priority");
        }
        let owner = match i % 3 {
            0 => Some(OwnerChoice::Me),
            1 => Some(OwnerChoice::Person(org.admin.id.0)),
            _ => None,
        };
        if let Some(owner) = owner {
            let v = request_version(db, id).await;
            requests::set_owner(db, &org.agent, id, v, owner)
                .await
                .expect("owner");
        }
        ids.push(id);
    }
    ids
}

/// Every page of the view, in order.
async fn every_page(db: &Db, agent: &SessionUser, view: &QueueFilter) -> Vec<RequestSummary> {
    let people = requests::queue_people(&db.conn, agent)
        .await
        .expect("people");
    let mut all = Vec::new();
    let mut view = view.clone();
    for _ in 0..20 {
        let page = queue::queue(&db.conn, agent, &view, &people, db.now())
            .await
            .expect("page");
        assert!(page.items.len() <= queue::QUEUE_PAGE);
        all.extend(page.items);
        let Some(next) = page.next else {
            return all;
        };
        view = QueueFilter::parse(&QueueQuery::from_address(&format!(
            "{}{}before={next}",
            view.address(),
            if view.address().contains('?') {
                '&'
            } else {
                '?'
            }
        )));
    }
    panic!("the queue did not end");
}

fn rank(priority: Priority) -> usize {
    Priority::ALL
        .iter()
        .position(|p| *p == priority)
        .unwrap_or(0)
}

#[tokio::test]
async fn every_order_pages_through_the_whole_queue_without_gaps_or_repeats() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let mut ids = busy_queue(&db, &org).await;
        ids.sort();
        // Some requests have a counting SLA clock (due times with ties); the rest have none.
        for (n, id) in ids.iter().enumerate().filter(|(n, _)| n % 3 != 0) {
            let due = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH
                + chrono::Duration::hours(500_000 + (n % 7) as i64);
            request::Entity::update_many()
                .col_expr(request::Column::DueAt, sea_orm::sea_query::Expr::value(due))
                .filter(request::Column::Id.eq(id.0))
                .exec(&db.conn)
                .await
                .expect("due time");
        }
        let due: HashMap<i64, Option<chrono::DateTime<chrono::Utc>>> = request::Entity::find()
            .all(&db.conn)
            .await
            .expect("rows")
            .into_iter()
            .map(|r| (r.id, r.due_at))
            .collect();
        let updated: HashMap<i64, chrono::DateTime<chrono::Utc>> = request::Entity::find()
            .all(&db.conn)
            .await
            .expect("rows")
            .into_iter()
            .map(|r| (r.id, r.updated_at))
            .collect();
        let people = requests::queue_people(&db.conn, &org.agent)
            .await
            .expect("people");
        // Every request is active: "active" (one index range per state, merged) and "all"
        // list the same.
        let orders = QueueSort::ALL
            .into_iter()
            .flat_map(|sort| [(sort, StateFilter::All), (sort, StateFilter::Active)]);
        for (sort, state) in orders {
            let view = QueueFilter {
                state,
                sort,
                ..QueueFilter::default()
            };
            let rows = every_page(&db, &org.agent, &view).await;
            let mut seen: Vec<RequestId> = rows.iter().map(|r| r.id).collect();
            seen.sort();
            assert_eq!(seen, ids, "{name}: {sort:?} shows each request once");
            let in_order = rows.windows(2).all(|w| {
                let (a, b) = (&w[0], &w[1]);
                match sort {
                    QueueSort::Newest => a.id > b.id,
                    QueueSort::Oldest => a.id < b.id,
                    QueueSort::Updated => (updated[&a.id.0], a.id) > (updated[&b.id.0], b.id),
                    QueueSort::Priority => (rank(a.priority), a.id) > (rank(b.priority), b.id),
                    QueueSort::Owner => {
                        let at = |r: &RequestSummary| match &r.owner {
                            None => 0,
                            Some(owner) => {
                                1 + people
                                    .iter()
                                    .position(|(_, n)| n == owner)
                                    .expect("an owner of the department")
                            }
                        };
                        at(a) < at(b) || (at(a) == at(b) && a.id > b.id)
                    }
                    QueueSort::Due => match (due[&a.id.0], due[&b.id.0]) {
                        (Some(x), Some(y)) => (x, a.id) < (y, b.id),
                        (Some(_), None) => true,
                        (None, Some(_)) => false,
                        (None, None) => a.id > b.id,
                    },
                }
            });
            assert!(
                in_order,
                "{name}: {sort:?} order: {:?}",
                rows.iter()
                    .map(|r| (r.id.0, r.priority, r.owner.clone()))
                    .collect::<Vec<_>>()
            );
        }
        // Owners sort by name: the admin's requests come before the agent's.
        let by_owner = every_page(
            &db,
            &org.agent,
            &QueueFilter {
                state: StateFilter::All,
                sort: QueueSort::Owner,
                ..QueueFilter::default()
            },
        )
        .await;
        let owners: Vec<Option<String>> = by_owner.iter().map(|r| r.owner.clone()).collect();
        let first_admin = owners.iter().position(|o| o.as_deref() == Some("Admin"));
        let first_agent = owners.iter().position(|o| o.as_deref() == Some("Agent"));
        assert_eq!(owners.first(), Some(&None), "{name}: nobody's first");
        assert!(first_admin < first_agent, "{name}: {owners:?}");
    }
}

#[tokio::test]
async fn filters_and_search_narrow_the_queue() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let ids = busy_queue(&db, &org).await;
        let rows: Vec<request::Model> = request::Entity::find()
            .filter(request::Column::Id.is_in(ids.iter().map(|i| i.0)))
            .all(&db.conn)
            .await
            .expect("rows");
        let count =
            |keep: &dyn Fn(&request::Model) -> bool| rows.iter().filter(|r| keep(r)).count();
        let shown = |view: QueueFilter| {
            let (db, agent) = (db.clone(), org.agent.clone());
            async move {
                let view = QueueFilter {
                    state: StateFilter::All,
                    ..view
                };
                every_page(&db, &agent, &view).await
            }
        };
        let headset_item = rows
            .iter()
            .find(|r| r.title == "Item headset")
            .expect("a headset")
            .item_id;

        let mine = shown(QueueFilter {
            owner: OwnerFilter::Me,
            ..QueueFilter::default()
        })
        .await;
        assert_eq!(
            mine.len(),
            count(&|r| r.assignee_id == Some(org.agent.id.0)),
            "{name}"
        );
        let unassigned_in_my_teams = shown(QueueFilter {
            owner: OwnerFilter::Nobody,
            team: TeamFilter::Mine,
            ..QueueFilter::default()
        })
        .await;
        assert_eq!(
            unassigned_in_my_teams.len(),
            count(&|r| r.assignee_id.is_none()),
            "{name}"
        );
        assert!(!unassigned_in_my_teams.is_empty());
        // The admin is in no team: "my teams" is nothing for them.
        let admins_teams = every_page(
            &db,
            &org.admin,
            &QueueFilter {
                state: StateFilter::All,
                team: TeamFilter::Mine,
                ..QueueFilter::default()
            },
        )
        .await;
        assert!(admins_teams.is_empty(), "{name}");
        let other_team = shown(QueueFilter {
            team: TeamFilter::One(org.team + 1000),
            ..QueueFilter::default()
        })
        .await;
        assert!(other_team.is_empty(), "{name}");

        let high = shown(QueueFilter {
            priority: Some(Priority::High),
            ..QueueFilter::default()
        })
        .await;
        assert_eq!(high.len(), count(&|r| r.priority == "high"), "{name}");
        assert!(high.iter().all(|r| r.priority == Priority::High));
        let headsets = shown(QueueFilter {
            item: Some(headset_item),
            ..QueueFilter::default()
        })
        .await;
        assert_eq!(
            headsets.len(),
            count(&|r| r.item_id == headset_item),
            "{name}"
        );

        let search = |text: &str| {
            shown(QueueFilter {
                text: text.into(),
                ..QueueFilter::default()
            })
        };
        let number = ids[7];
        let found = search(&number.to_string()).await;
        assert_eq!(
            found.iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![number],
            "{name}"
        );
        let monitors = search("MONITOR").await;
        assert_eq!(
            monitors.len(),
            count(&|r| r.title == "Item monitor"),
            "{name}"
        );
        let by_manager = search("manag").await;
        assert_eq!(
            by_manager.len(),
            count(&|r| r.requester_id == org.manager.id.0),
            "{name}"
        );
        let both = search("manager headset").await;
        assert_eq!(
            both.len(),
            count(&|r| r.requester_id == org.manager.id.0 && r.title == "Item headset"),
            "{name}: every word must match"
        );
        assert!(!both.is_empty() && both.len() < by_manager.len(), "{name}");
        assert!(search("nothing-like-this").await.is_empty(), "{name}");
        assert!(
            search("50%_off").await.is_empty(),
            "{name}: wildcards are text"
        );
        // Filters combine with the state: only resolved ones, of which there are none.
        let resolved = every_page(
            &db,
            &org.agent,
            &QueueFilter {
                state: StateFilter::One(RequestState::Resolved),
                ..QueueFilter::default()
            },
        )
        .await;
        assert!(resolved.is_empty(), "{name}");
    }
}

#[tokio::test]
async fn saved_views_are_personal_named_once_and_canonical() {
    for (name, db) in server::testkit::all_databases().await {
        let org = Org::build(&db).await;
        let address = views::save_view(
            &db,
            &org.agent,
            "  Laptops waiting ",
            "/queue?owner=nobody&team=mine&sort=oldest&before=42&bogus=1&priority=urgent",
        )
        .await
        .expect("save");
        assert_eq!(
            address, "/queue?owner=nobody&team=mine&sort=oldest",
            "{name}"
        );
        // The same name again replaces the view.
        views::save_view(&db, &org.agent, "Laptops waiting", "/queue?priority=high")
            .await
            .expect("replace");
        let saved = views::saved_views(&db.conn, &org.agent)
            .await
            .expect("views");
        assert_eq!(saved.len(), 1, "{name}");
        assert_eq!(
            (saved[0].name.as_str(), saved[0].address.as_str()),
            ("Laptops waiting", "/queue?priority=high")
        );
        assert!(views::saved_views(&db.conn, &org.admin)
            .await
            .expect("views")
            .is_empty());
        // Someone else's view is not theirs to delete.
        assert!(matches!(
            views::delete_view(&db, &org.admin, saved[0].id).await,
            Err(AppError::NotFound(_))
        ));
        for bad in ["", "   ", &"x".repeat(61)] {
            assert!(matches!(
                views::save_view(&db, &org.agent, bad, "/queue").await,
                Err(AppError::BadRequest(_))
            ));
        }
        for i in 1..views::SAVED_VIEWS {
            views::save_view(&db, &org.agent, &format!("View {i}"), "/queue")
                .await
                .expect("save");
        }
        assert!(matches!(
            views::save_view(&db, &org.agent, "One too many", "/queue").await,
            Err(AppError::Conflict(_))
        ));
        assert_eq!(
            views::delete_view(&db, &org.agent, saved[0].id)
                .await
                .expect("delete"),
            "Laptops waiting"
        );
    }
}
