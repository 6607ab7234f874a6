//! The demo organisation: departments, people with a manager hierarchy, teams, a catalog with
//! real forms (item files imported like an admin's), and a few hundred historical requests over
//! the last 90 days ([`history`]).
//!
//! Seeding is idempotent: if the IT department exists, nothing is done. It is not a migration.

pub mod history;

use history::{seed_history, DemoItem};

use app::auth::model::UserId;
use app::auth::service::{hash_password, load_session_user};
use app::catalog::designer;
use app::db::{catalog_item, category, department, role_grant, team, team_member, user, Db};
use app::error::{AppError, AppResult};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use std::collections::HashMap;

/// The password of every demo account (documented in the README).
pub const DEMO_PASSWORD: &str = "atrium-demo";

/// Email domain of the demo organisation.
pub const DEMO_DOMAIN: &str = "atrium.example";

struct Dept {
    slug: &'static str,
    name: &'static str,
    description: &'static str,
    icon: &'static str,
    teams: &'static [(&'static str, &'static str)],
    categories: &'static [(&'static str, &'static str)],
}

const DEPARTMENTS: &[Dept] = &[
    Dept {
        slug: "it",
        name: "IT",
        description:
            "Laptops, phones, software, accounts and help when technology gets in the way.",
        icon: "💻",
        teams: &[
            ("service-desk", "Service Desk"),
            ("end-user-computing", "End-User Computing"),
            ("access-management", "Access Management"),
        ],
        categories: &[
            ("hardware", "Hardware"),
            ("software-access", "Software & access"),
            ("support", "Support"),
        ],
    },
    Dept {
        slug: "hr",
        name: "HR",
        description: "Leave, letters, onboarding, training and questions about pay.",
        icon: "🧑‍🤝‍🧑",
        teams: &[
            ("people-operations", "People Operations"),
            ("payroll", "Payroll"),
        ],
        categories: &[
            ("time-off", "Time off"),
            ("employment", "Employment"),
            ("onboarding", "Onboarding & learning"),
        ],
    },
    Dept {
        slug: "facilities",
        name: "Facilities",
        description: "Desks, parking, badges, repairs and rooms for events.",
        icon: "🏢",
        teams: &[
            ("workplace", "Workplace Services"),
            ("maintenance", "Maintenance"),
        ],
        categories: &[("workplace", "Workplace"), ("maintenance", "Maintenance")],
    },
    Dept {
        slug: "finance",
        name: "Finance",
        description: "Expenses, purchases, corporate cards and suppliers.",
        icon: "💶",
        teams: &[
            ("accounts-payable", "Accounts Payable"),
            ("procurement", "Procurement"),
        ],
        categories: &[("expenses", "Expenses"), ("purchasing", "Purchasing")],
    },
    Dept {
        slug: "sales",
        name: "Sales",
        description: "Customer-facing teams.",
        icon: "📈",
        teams: &[("field-sales", "Field Sales")],
        categories: &[],
    },
];

/// A demo person: (first, last, title, department, manager index, roles).
type Person = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<usize>,
    &'static [(&'static str, Option<&'static str>)],
);

/// Index 0 is the CEO; department heads report to the CEO; everyone else to their head.
const PEOPLE: &[Person] = &[
    (
        "Leo",
        "Martin",
        "Chief Executive Officer",
        "sales",
        None,
        &[("leadership", None)],
    ),
    (
        "Ines",
        "Okafor",
        "Head of IT",
        "it",
        Some(0),
        &[
            ("department_admin", Some("it")),
            ("agent", Some("it")),
            ("leadership", None),
        ],
    ),
    (
        "Hannah",
        "Schmidt",
        "Head of People",
        "hr",
        Some(0),
        &[("department_admin", Some("hr")), ("agent", Some("hr"))],
    ),
    (
        "Felix",
        "Moreau",
        "Head of Facilities",
        "facilities",
        Some(0),
        &[
            ("department_admin", Some("facilities")),
            ("agent", Some("facilities")),
        ],
    ),
    (
        "Farah",
        "Haddad",
        "Chief Financial Officer",
        "finance",
        Some(0),
        &[
            ("department_admin", Some("finance")),
            ("agent", Some("finance")),
            ("leadership", None),
        ],
    ),
    ("Sven", "Lindqvist", "Head of Sales", "sales", Some(0), &[]),
    (
        "Sofia",
        "Alvarez",
        "Systems Administrator",
        "it",
        Some(1),
        &[("system_admin", None), ("agent", Some("it"))],
    ),
    (
        "Ivan",
        "Petrov",
        "Service Desk Analyst",
        "it",
        Some(1),
        &[("agent", Some("it"))],
    ),
    (
        "Priya",
        "Nair",
        "Service Desk Analyst",
        "it",
        Some(1),
        &[("agent", Some("it"))],
    ),
    (
        "Tomás",
        "Silva",
        "Desktop Engineer",
        "it",
        Some(1),
        &[("agent", Some("it"))],
    ),
    (
        "Mei",
        "Chen",
        "Identity Engineer",
        "it",
        Some(1),
        &[("agent", Some("it"))],
    ),
    ("Olga", "Novak", "Network Engineer", "it", Some(1), &[]),
    ("Rafael", "Costa", "Software Developer", "it", Some(1), &[]),
    (
        "Helga",
        "Berg",
        "HR Partner",
        "hr",
        Some(2),
        &[("agent", Some("hr"))],
    ),
    (
        "Kwame",
        "Mensah",
        "Payroll Specialist",
        "hr",
        Some(2),
        &[("agent", Some("hr"))],
    ),
    (
        "Julia",
        "Rossi",
        "Recruiter",
        "hr",
        Some(2),
        &[("agent", Some("hr"))],
    ),
    ("Noah", "Weber", "Learning Coordinator", "hr", Some(2), &[]),
    (
        "Frank",
        "Dubois",
        "Workplace Coordinator",
        "facilities",
        Some(3),
        &[("agent", Some("facilities"))],
    ),
    (
        "Amara",
        "Diallo",
        "Maintenance Technician",
        "facilities",
        Some(3),
        &[("agent", Some("facilities"))],
    ),
    (
        "Lukas",
        "Hofer",
        "Receptionist",
        "facilities",
        Some(3),
        &[("agent", Some("facilities"))],
    ),
    (
        "Fiona",
        "Walsh",
        "Accounts Payable Clerk",
        "finance",
        Some(4),
        &[("agent", Some("finance"))],
    ),
    (
        "Omar",
        "Farouk",
        "Procurement Officer",
        "finance",
        Some(4),
        &[("agent", Some("finance"))],
    ),
    ("Grace", "Kim", "Financial Analyst", "finance", Some(4), &[]),
    ("Emma", "Clark", "Account Executive", "sales", Some(5), &[]),
    (
        "Daniel",
        "Novak",
        "Account Executive",
        "sales",
        Some(5),
        &[],
    ),
    (
        "Chloe",
        "Bernard",
        "Sales Development Rep",
        "sales",
        Some(5),
        &[],
    ),
    ("Mateo", "García", "Account Manager", "sales", Some(5), &[]),
    ("Aisha", "Bello", "Account Manager", "sales", Some(5), &[]),
    ("Jonas", "Keller", "Sales Engineer", "sales", Some(5), &[]),
    (
        "Zoe",
        "Martins",
        "Sales Operations Analyst",
        "sales",
        Some(5),
        &[],
    ),
    (
        "Ethan",
        "Brooks",
        "Account Executive",
        "sales",
        Some(5),
        &[],
    ),
    (
        "Yuki",
        "Tanaka",
        "Customer Success Manager",
        "sales",
        Some(5),
        &[],
    ),
    (
        "Lina",
        "Sørensen",
        "Customer Success Manager",
        "sales",
        Some(5),
        &[],
    ),
    ("Marco", "Bianchi", "Partner Manager", "sales", Some(5), &[]),
    (
        "Nora",
        "Fischer",
        "Sales Development Rep",
        "sales",
        Some(5),
        &[],
    ),
    (
        "Samuel",
        "Adeyemi",
        "Account Executive",
        "sales",
        Some(5),
        &[],
    ),
    (
        "Elena",
        "Popescu",
        "Marketing Manager",
        "sales",
        Some(5),
        &[],
    ),
    ("Hugo", "Lambert", "Content Writer", "sales", Some(36), &[]),
    ("Ana", "Ribeiro", "Designer", "sales", Some(36), &[]),
    (
        "Tariq",
        "Aziz",
        "Events Coordinator",
        "sales",
        Some(36),
        &[],
    ),
    ("Clara", "Jensen", "Data Analyst", "finance", Some(4), &[]),
    ("Peter", "Kowalski", "QA Engineer", "it", Some(1), &[]),
    ("Maya", "Levi", "Product Manager", "it", Some(1), &[]),
    (
        "Oscar",
        "Nilsson",
        "Office Assistant",
        "facilities",
        Some(3),
        &[],
    ),
    (
        "Rosa",
        "Méndez",
        "Benefits Specialist",
        "hr",
        Some(2),
        &[("agent", Some("hr"))],
    ),
];

/// Team memberships: (team slug, person index).
const TEAM_MEMBERS: &[(&str, usize)] = &[
    ("service-desk", 7),
    ("service-desk", 8),
    ("service-desk", 6),
    ("end-user-computing", 9),
    ("end-user-computing", 7),
    ("access-management", 10),
    ("access-management", 6),
    ("people-operations", 2),
    ("people-operations", 13),
    ("people-operations", 15),
    ("people-operations", 44),
    ("payroll", 14),
    ("workplace", 17),
    ("workplace", 19),
    ("maintenance", 18),
    ("accounts-payable", 20),
    ("procurement", 21),
    ("field-sales", 23),
];

fn email_of(first: &str, last: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                'á' | 'à' | 'ã' => 'a',
                'é' | 'è' => 'e',
                'í' => 'i',
                'ó' | 'ø' => 'o',
                'ú' => 'u',
                other => other,
            })
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase()
    };
    format!("{}.{}@{DEMO_DOMAIN}", clean(first), clean(last))
}

/// The demo catalog: one item file per item (`server/demo/catalog/`), in the format department
/// admins export and import, and loaded through the same import.
const CATALOG: &[&str] = &[
    include_str!("../../demo/catalog/new-laptop.json"),
    include_str!("../../demo/catalog/extra-monitor.json"),
    include_str!("../../demo/catalog/mobile-phone.json"),
    include_str!("../../demo/catalog/software-access.json"),
    include_str!("../../demo/catalog/vpn-access.json"),
    include_str!("../../demo/catalog/shared-mailbox.json"),
    include_str!("../../demo/catalog/report-it-problem.json"),
    include_str!("../../demo/catalog/account-unlock.json"),
    include_str!("../../demo/catalog/leave-request.json"),
    include_str!("../../demo/catalog/sabbatical.json"),
    include_str!("../../demo/catalog/employment-letter.json"),
    include_str!("../../demo/catalog/personal-details.json"),
    include_str!("../../demo/catalog/payslip-question.json"),
    include_str!("../../demo/catalog/new-hire-onboarding.json"),
    include_str!("../../demo/catalog/training-request.json"),
    include_str!("../../demo/catalog/desk-move.json"),
    include_str!("../../demo/catalog/parking-permit.json"),
    include_str!("../../demo/catalog/access-badge.json"),
    include_str!("../../demo/catalog/event-setup.json"),
    include_str!("../../demo/catalog/repair.json"),
    include_str!("../../demo/catalog/ergonomic-equipment.json"),
    include_str!("../../demo/catalog/visitor-passes.json"),
    include_str!("../../demo/catalog/expense-reimbursement.json"),
    include_str!("../../demo/catalog/corporate-card.json"),
    include_str!("../../demo/catalog/travel-advance.json"),
    include_str!("../../demo/catalog/purchase-request.json"),
    include_str!("../../demo/catalog/new-supplier.json"),
    include_str!("../../demo/catalog/it-enquiry.json"),
    include_str!("../../demo/catalog/hr-enquiry.json"),
    include_str!("../../demo/catalog/facilities-enquiry.json"),
    include_str!("../../demo/catalog/finance-enquiry.json"),
];

/// Teams that hand out tasks by themselves in the demo (the others take tasks by hand).
const AUTO_ASSIGNING_TEAMS: &[(&str, &str)] = &[("workplace", "round_robin")];

fn err(e: impl std::fmt::Display) -> AppError {
    app::error::internal("seeding", e)
}

/// The hash of the demo password, computed once per process. Every demo account has the same,
/// published password, so one Argon2 hash (and salt) serves them all; seeding no longer costs
/// 45 deliberately slow hashes, which is most of what a service test spent setting up.
pub(crate) fn demo_password_hash() -> AppResult<String> {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(hash) = HASH.get() {
        return Ok(hash.clone());
    }
    let hash = hash_password(DEMO_PASSWORD)?;
    Ok(HASH.get_or_init(|| hash).clone())
}

/// How many requests the demo's history has.
pub const HISTORY: usize = 300;

/// Adds the demo organisation, with its history, unless it is already there.
pub async fn seed_demo(db: &Db) -> AppResult<()> {
    seed_demo_with_history(db, HISTORY).await
}

/// [`seed_demo`] with a history of `requests` requests (tests play a shorter one).
pub async fn seed_demo_with_history(db: &Db, requests: usize) -> AppResult<()> {
    let Some((people, items)) = seed_organisation(db).await? else {
        return Ok(());
    };
    let started = std::time::Instant::now();
    // Hundreds of small transactions, each of which could be made again: they need not each
    // wait for the disk.
    let unhurried = unhurried_disk(db).await?;
    seed_history(&unhurried, &people, &items, Utc::now(), requests).await?;
    unhurried.conn.close().await?;
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        "the demo's history played"
    );
    Ok(())
}

/// The same database through a small pool whose commits do not wait for the disk, for a
/// lot of small transactions that could simply be made again if a crash lost the last of them:
/// the demo's history. (SQLite: `synchronous=NORMAL` in WAL mode, still atomic and consistent;
/// PostgreSQL: `synchronous_commit=off`.) The serving pool keeps full durability.
async fn unhurried_disk(db: &Db) -> Result<Db, sea_orm::DbErr> {
    use sea_orm::sqlx;
    let fail = |e: sqlx::Error| sea_orm::DbErr::Custom(format!("a seeding connection: {e}"));
    let conn = match db.backend() {
        sea_orm::DbBackend::Sqlite => {
            let options = (*db.conn.get_sqlite_connection_pool().connect_options())
                .clone()
                .synchronous(sqlx::sqlite::SqliteSynchronous::Normal);
            let pool = sqlx::pool::PoolOptions::<sqlx::Sqlite>::new()
                .max_connections(4)
                .connect_with(options)
                .await
                .map_err(fail)?;
            sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(pool)
        }
        sea_orm::DbBackend::Postgres => {
            let options = (*db.conn.get_postgres_connection_pool().connect_options())
                .clone()
                .options([("synchronous_commit", "off")]);
            let pool = sqlx::pool::PoolOptions::<sqlx::Postgres>::new()
                .max_connections(4)
                .connect_with(options)
                .await
                .map_err(fail)?;
            sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(pool)
        }
        _ => return Ok(db.clone()),
    };
    Ok(Db::new(conn))
}

/// Adds the demo organisation and its catalog, without history, unless it is already there;
/// then returns everyone's ids and the published items. Tests that need the demo's people and
/// items but not its history start from this.
pub async fn seed_organisation(db: &Db) -> AppResult<Option<(Vec<i64>, Vec<DemoItem>)>> {
    let exists = department::Entity::find()
        .filter(department::Column::Slug.eq("it"))
        .one(&db.conn)
        .await?
        .is_some();
    if exists {
        tracing::info!("demo organisation already present; not seeding");
        return Ok(None);
    }
    tracing::info!("seeding the demo organisation");
    let txn = db.begin_write().await?;
    let conn = &*txn;
    let now = Utc::now();

    let (dept_ids, team_ids) = insert_departments(conn).await?;
    let user_ids = insert_people(conn, &dept_ids, &team_ids, now).await?;
    let items = import_catalog(conn, &user_ids, now - Duration::days(120)).await?;
    insert_reply_templates(conn, &dept_ids, user_ids[0], now).await?;
    insert_calendars(conn, &dept_ids, user_ids[0], now).await?;
    txn.commit().await?;
    tracing::info!(
        departments = DEPARTMENTS.len(),
        people = PEOPLE.len(),
        items = CATALOG.len(),
        "demo organisation seeded"
    );
    Ok(Some((user_ids, items)))
}

/// Each department's reply templates: (department, name, text).
const REPLY_TEMPLATES: &[(&str, &str, &str)] = &[
    (
        "it",
        "Ready for pick-up",
        "Hello {first_name},\n\n{number} is ready: pick it up at the IT desk (ground floor), \
         Monday to Friday 9:00–17:00.\n\n{agent}, IT",
    ),
    (
        "it",
        "Need more details",
        "Hello {first_name},\n\nTo go on with {number} we need a little more: what exactly \
         do you see, since when, and does restarting help?\n\n{agent}, IT",
    ),
    (
        "hr",
        "Received, in progress",
        "Hello {first_name},\n\nThank you: we have your {title} request and will come back \
         to you within two working days.\n\n{agent}, People",
    ),
    (
        "facilities",
        "Technician booked",
        "Hello {first_name},\n\nA technician is booked for {number}; they will call the \
         number you gave before coming.\n\n{agent}, Facilities",
    ),
    (
        "finance",
        "Missing receipt",
        "Hello {first_name},\n\n{number} is missing a receipt: please attach it here and we \
         will pay it out in the next run.\n\n{agent}, Finance",
    ),
];

async fn insert_reply_templates(
    conn: &impl sea_orm::ConnectionTrait,
    dept_ids: &HashMap<&'static str, i64>,
    author: i64,
    now: chrono::DateTime<Utc>,
) -> AppResult<()> {
    for (dept, name, body) in REPLY_TEMPLATES {
        let Some(department_id) = dept_ids.get(dept) else {
            continue;
        };
        app::domain::templates::check(name, body).map_err(err)?;
        app::db::reply_template::ActiveModel {
            department_id: Set(*department_id),
            name: Set((*name).to_owned()),
            body: Set((*body).to_owned()),
            updated_by: Set(author),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// Each department's business calendar: (department, slug, name, zone, opens, closes,
/// holidays as `MM-DD` every year or `YYYY-MM-DD` once).
type DemoCalendar = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u16,
    u16,
    &'static [&'static str],
);

const CALENDARS: &[DemoCalendar] = &[
    (
        "it",
        "berlin",
        "Berlin office hours",
        "Europe/Berlin",
        8 * 60,
        18 * 60,
        GERMAN_HOLIDAYS,
    ),
    (
        "facilities",
        "berlin",
        "Berlin site hours",
        "Europe/Berlin",
        7 * 60,
        16 * 60,
        GERMAN_HOLIDAYS,
    ),
    (
        "hr",
        "london",
        "London office hours",
        "Europe/London",
        9 * 60,
        17 * 60 + 30,
        &[
            "01-01 New Year's Day",
            "12-25 Christmas Day",
            "12-26 Boxing Day",
            "2026-04-03 Good Friday",
            "2026-04-06 Easter Monday",
            "2026-05-04 Early May bank holiday",
            "2026-05-25 Spring bank holiday",
            "2026-08-31 Summer bank holiday",
            "2027-03-26 Good Friday",
            "2027-03-29 Easter Monday",
            "2027-05-03 Early May bank holiday",
            "2027-05-31 Spring bank holiday",
            "2027-08-30 Summer bank holiday",
        ],
    ),
    (
        "finance",
        "new-york",
        "New York office hours",
        "America/New_York",
        9 * 60,
        17 * 60,
        &[
            "01-01 New Year's Day",
            "07-04 Independence Day",
            "12-25 Christmas Day",
            "2026-01-19 Martin Luther King Jr. Day",
            "2026-05-25 Memorial Day",
            "2026-09-07 Labor Day",
            "2026-11-26 Thanksgiving",
            "2027-01-18 Martin Luther King Jr. Day",
            "2027-05-31 Memorial Day",
            "2027-09-06 Labor Day",
            "2027-11-25 Thanksgiving",
        ],
    ),
];

const GERMAN_HOLIDAYS: &[&str] = &[
    "01-01 New Year's Day",
    "05-01 Labour Day",
    "10-03 German Unity Day",
    "12-25 Christmas Day",
    "12-26 Second day of Christmas",
    "2026-04-03 Good Friday",
    "2026-04-06 Easter Monday",
    "2026-05-14 Ascension Day",
    "2026-05-25 Whit Monday",
    "2027-03-26 Good Friday",
    "2027-03-29 Easter Monday",
    "2027-05-06 Ascension Day",
    "2027-05-17 Whit Monday",
];

async fn insert_calendars(
    conn: &impl sea_orm::ConnectionTrait,
    dept_ids: &HashMap<&'static str, i64>,
    author: i64,
    now: chrono::DateTime<Utc>,
) -> AppResult<()> {
    use app::domain::calendar::{Calendar, Holiday, Hours};
    let seeder = app::auth::model::SessionUser {
        id: UserId(author),
        name: "Atrium".into(),
        email: String::new(),
        department: app::auth::model::DepartmentId(0),
        grants: vec![app::auth::model::RoleGrant {
            role: app::auth::model::Role::SystemAdmin,
            department: None,
        }],
        time_zone: "UTC".into(),
    };
    for (dept, slug, name, zone, opens, closes, holidays) in CALENDARS {
        let Some(department_id) = dept_ids.get(dept) else {
            continue;
        };
        let mut calendar = Calendar::office(zone, &[Hours::new(*opens, *closes)]);
        // "MM-DD Name" every year, "YYYY-MM-DD Name" once.
        for line in *holidays {
            let (day, holiday) = line.split_once(' ').unwrap_or((line, ""));
            let (date, yearly) = match day.len() {
                5 => (format!("2026-{day}"), true),
                _ => (day.to_owned(), false),
            };
            calendar.holidays.push(Holiday {
                date: date.parse().map_err(err)?,
                yearly,
                name: holiday.to_owned(),
            });
        }
        app::sla::calendars::create(
            conn,
            &seeder,
            app::sla::calendars::NewCalendar {
                department_id: *department_id,
                slug: (*slug).to_owned(),
                name: (*name).to_owned(),
                calendar,
                is_default: true,
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// The departments with their teams and categories; their ids by slug.
async fn insert_departments(
    conn: &impl sea_orm::ConnectionTrait,
) -> AppResult<(HashMap<&'static str, i64>, HashMap<&'static str, i64>)> {
    let mut dept_ids = HashMap::new();
    let mut team_ids = HashMap::new();
    for (order, d) in DEPARTMENTS.iter().enumerate() {
        let row = department::ActiveModel {
            slug: Set(d.slug.into()),
            name: Set(d.name.into()),
            description: Set(d.description.into()),
            icon: Set(d.icon.into()),
            sort_order: Set(order as i32),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        dept_ids.insert(d.slug, row.id);
        for (slug, name) in d.teams {
            let assignment = AUTO_ASSIGNING_TEAMS
                .iter()
                .find(|(team, _)| team == slug)
                .map_or("manual", |(_, rule)| rule);
            let t = team::ActiveModel {
                department_id: Set(row.id),
                slug: Set((*slug).into()),
                name: Set((*name).into()),
                assignment: Set(assignment.into()),
                ..Default::default()
            }
            .insert(conn)
            .await?;
            team_ids.insert(*slug, t.id);
        }
        for (i, (slug, name)) in d.categories.iter().enumerate() {
            category::ActiveModel {
                department_id: Set(row.id),
                slug: Set((*slug).into()),
                name: Set((*name).into()),
                sort_order: Set(i as i32),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
    }

    Ok((dept_ids, team_ids))
}

/// Where the demo people work, in turn.
const LOCATIONS: [&str; 4] = [
    "Headquarters, 3rd floor",
    "Headquarters, 5th floor",
    "North office",
    "Warehouse",
];

/// The people with their roles, managers and teams, and each department's head; their ids in
/// the order of [`PEOPLE`].
async fn insert_people(
    conn: &impl sea_orm::ConnectionTrait,
    dept_ids: &HashMap<&'static str, i64>,
    team_ids: &HashMap<&'static str, i64>,
    now: chrono::DateTime<Utc>,
) -> AppResult<Vec<i64>> {
    // Hashing is slow by design: do it off the async workers, before inserting.
    let hash = tokio::task::spawn_blocking(demo_password_hash)
        .await
        .map_err(err)??;
    let mut user_ids: Vec<i64> = Vec::new();
    for (index, (first, last, title, dept, manager, roles)) in PEOPLE.iter().enumerate() {
        let department_id = *dept_ids.get(dept).ok_or_else(|| err(dept))?;
        let manager_id = match manager {
            Some(m) => Some(
                *user_ids
                    .get(*m)
                    .ok_or_else(|| err("manager listed after report"))?,
            ),
            None => None,
        };
        let u = user::ActiveModel {
            email: Set(email_of(first, last)),
            name: Set(format!("{first} {last}")),
            title: Set((*title).into()),
            password_hash: Set(hash.clone()),
            department_id: Set(department_id),
            manager_id: Set(manager_id),
            location: Set(Some(LOCATIONS[index % LOCATIONS.len()].to_owned())),
            active: Set(true),
            created_at: Set(now - Duration::days(400)),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        user_ids.push(u.id);
        let mut grants: Vec<(&str, Option<&str>)> = vec![("employee", None)];
        grants.extend(roles.iter().copied());
        for (role, scope) in grants {
            role_grant::ActiveModel {
                user_id: Set(u.id),
                role: Set(role.into()),
                department_id: Set(scope.and_then(|s| dept_ids.get(s).copied())),
                ..Default::default()
            }
            .insert(conn)
            .await?;
        }
    }
    // Each department's head: the first person of it who reports to someone outside it.
    for (slug, department_id) in dept_ids {
        let head = PEOPLE
            .iter()
            .position(|p| p.3 == *slug && p.4.is_none_or(|m| PEOPLE[m].3 != *slug));
        if let Some(head) = head {
            department::ActiveModel {
                id: Set(*department_id),
                head_id: Set(Some(user_ids[head])),
                ..Default::default()
            }
            .update(conn)
            .await?;
        }
    }
    for (team_slug, person) in TEAM_MEMBERS {
        team_member::ActiveModel {
            team_id: Set(*team_ids.get(team_slug).ok_or_else(|| err(team_slug))?),
            user_id: Set(user_ids[*person]),
        }
        .insert(conn)
        .await?;
    }
    Ok(user_ids)
}

/// Imports and publishes the demo catalog as the demo's system administrator, `at` a time in
/// the past; returns each item as published, with its definition.
async fn import_catalog(
    conn: &impl sea_orm::ConnectionTrait,
    user_ids: &[i64],
    at: chrono::DateTime<Utc>,
) -> AppResult<Vec<DemoItem>> {
    let admin = PEOPLE
        .iter()
        .position(|p| p.5.iter().any(|(role, _)| *role == "system_admin"))
        .ok_or_else(|| err("the demo has no system admin"))?;
    let admin = load_session_user(conn, UserId(user_ids[admin]))
        .await?
        .ok_or_else(|| err("the demo's system admin"))?;
    let mut versions = Vec::with_capacity(CATALOG.len());
    for text in CATALOG {
        let file = designer::read_item_file(text)?;
        let context = |e: AppError| err(format!("demo item {}: {e:?}", file.slug));
        designer::checked_in(conn, &file.definition)
            .await
            .map_err(context)?;
        let (_, item_id) = designer::import_in(conn, &admin, &file, at)
            .await
            .map_err(context)?;
        let item = catalog_item::Entity::find_by_id(item_id)
            .one(conn)
            .await?
            .ok_or_else(|| err(&file.slug))?;
        designer::publish_in(conn, &admin, item, at).await?;
        let item = catalog_item::Entity::find_by_id(item_id)
            .one(conn)
            .await?
            .ok_or_else(|| err(&file.slug))?;
        versions.push(DemoItem {
            item,
            definition: file.definition,
        });
    }
    Ok(versions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::form::FieldKind;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn demo_catalog_is_large_and_valid() {
        assert!(CATALOG.len() >= 24);
        assert!(PEOPLE.len() >= 40);
        let today = Utc::now().date_naive();
        let mut rng = StdRng::seed_from_u64(1);
        for text in CATALOG {
            let file = designer::read_item_file(text).expect("an item file");
            let item = &file;
            let definition = &file.definition;
            assert_eq!(definition.check(), Ok(()), "{}", item.slug);
            let mut keys: Vec<_> = definition.form.fields.iter().map(|f| &f.key).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(
                keys.len(),
                definition.form.fields.len(),
                "{}: duplicate keys",
                item.slug
            );
            // Sample answers must pass the same validation the server applies.
            let form = &definition.form;
            let sample = history::sample_answers(form, today, &mut rng);
            let raw = history::to_raw(form, &sample);
            if let Err(mut errors) = app::domain::form::validate_answers(form, &raw, today) {
                // Demo history has no files behind it: a missing receipt is expected there.
                errors.retain(|key, _| {
                    !definition
                        .form
                        .fields
                        .iter()
                        .any(|f| &f.key == key && matches!(f.kind, FieldKind::Attachment { .. }))
                });
                assert!(
                    errors.is_empty(),
                    "{}: sample answers invalid: {errors:?}",
                    item.slug
                );
            }
        }
    }

    #[test]
    fn managers_are_listed_before_their_reports() {
        for (i, person) in PEOPLE.iter().enumerate() {
            if let Some(m) = person.4 {
                assert!(m < i, "{} {}", person.0, person.1);
            }
        }
    }

    #[test]
    fn emails_are_ascii() {
        assert_eq!(email_of("Tomás", "Silva"), "tomas.silva@atrium.example");
        assert_eq!(email_of("Lina", "Sørensen"), "lina.sorensen@atrium.example");
    }
}
