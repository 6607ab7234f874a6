//! The demo organisation: departments, people with a manager hierarchy, teams, a catalog with
//! real forms, and a few hundred historical requests over the last 90 days.
//!
//! Seeding is idempotent: if the IT department exists, nothing is done. It is not a migration.

use app::auth::model::UserId;
use app::auth::service::{hash_password, load_session_user};
use app::catalog::designer;
use app::db::{
    catalog_item, category, department, item_version, request, request_event, role_grant, team,
    team_member, user, Db,
};
use app::domain::definition::ItemDefinition;
use app::domain::form::{FieldDef, FieldKind, FormDefinition, RawAnswers};
use app::domain::state::{Priority, RequestState};
use app::error::{AppError, AppResult};
use chrono::{Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
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
    include_str!("../demo/catalog/new-laptop.json"),
    include_str!("../demo/catalog/extra-monitor.json"),
    include_str!("../demo/catalog/mobile-phone.json"),
    include_str!("../demo/catalog/software-access.json"),
    include_str!("../demo/catalog/vpn-access.json"),
    include_str!("../demo/catalog/shared-mailbox.json"),
    include_str!("../demo/catalog/report-it-problem.json"),
    include_str!("../demo/catalog/account-unlock.json"),
    include_str!("../demo/catalog/leave-request.json"),
    include_str!("../demo/catalog/sabbatical.json"),
    include_str!("../demo/catalog/employment-letter.json"),
    include_str!("../demo/catalog/personal-details.json"),
    include_str!("../demo/catalog/payslip-question.json"),
    include_str!("../demo/catalog/new-hire-onboarding.json"),
    include_str!("../demo/catalog/training-request.json"),
    include_str!("../demo/catalog/desk-move.json"),
    include_str!("../demo/catalog/parking-permit.json"),
    include_str!("../demo/catalog/access-badge.json"),
    include_str!("../demo/catalog/event-setup.json"),
    include_str!("../demo/catalog/repair.json"),
    include_str!("../demo/catalog/ergonomic-equipment.json"),
    include_str!("../demo/catalog/visitor-passes.json"),
    include_str!("../demo/catalog/expense-reimbursement.json"),
    include_str!("../demo/catalog/corporate-card.json"),
    include_str!("../demo/catalog/travel-advance.json"),
    include_str!("../demo/catalog/purchase-request.json"),
    include_str!("../demo/catalog/new-supplier.json"),
];

/// Teams that hand out tasks by themselves in the demo (the others take tasks by hand).
const AUTO_ASSIGNING_TEAMS: &[(&str, &str)] = &[("workplace", "round_robin")];

fn err(e: impl std::fmt::Display) -> AppError {
    app::error::internal("seeding", e)
}

/// The hash of the demo password, computed once per process. Every demo account has the same,
/// published password, so one Argon2 hash (and salt) serves them all; seeding no longer costs
/// 45 deliberately slow hashes, which is most of what a service test spent setting up.
fn demo_password_hash() -> AppResult<String> {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(hash) = HASH.get() {
        return Ok(hash.clone());
    }
    let hash = hash_password(DEMO_PASSWORD)?;
    Ok(HASH.get_or_init(|| hash).clone())
}

/// Adds the demo organisation unless it is already there.
pub async fn seed_demo(db: &Db) -> AppResult<()> {
    let exists = department::Entity::find()
        .filter(department::Column::Slug.eq("it"))
        .one(&db.conn)
        .await?
        .is_some();
    if exists {
        tracing::info!("demo organisation already present; not seeding");
        return Ok(());
    }
    tracing::info!("seeding the demo organisation");
    let txn = db.begin_write().await?;
    let conn = &*txn;
    let now = Utc::now();

    let (dept_ids, team_ids) = insert_departments(conn).await?;
    let user_ids = insert_people(conn, &dept_ids, &team_ids, now).await?;
    let versions = import_catalog(conn, &user_ids, now - Duration::days(120)).await?;
    seed_history(conn, &user_ids, &versions).await?;
    txn.commit().await?;
    tracing::info!(
        departments = DEPARTMENTS.len(),
        people = PEOPLE.len(),
        items = CATALOG.len(),
        "demo organisation seeded"
    );
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
    for (first, last, title, dept, manager, roles) in PEOPLE.iter() {
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
/// the past; returns each item with its published version and definition.
async fn import_catalog(
    conn: &impl sea_orm::ConnectionTrait,
    user_ids: &[i64],
    at: chrono::DateTime<Utc>,
) -> AppResult<Vec<(catalog_item::Model, item_version::Model, ItemDefinition)>> {
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
        let number = designer::publish_in(conn, &admin, item, at).await?;
        let item = catalog_item::Entity::find_by_id(item_id)
            .one(conn)
            .await?
            .ok_or_else(|| err(&file.slug))?;
        let version = item_version::Entity::find()
            .filter(item_version::Column::ItemId.eq(item_id))
            .filter(item_version::Column::Version.eq(number))
            .one(conn)
            .await?
            .ok_or_else(|| err(&file.slug))?;
        versions.push((item, version, file.definition));
    }
    Ok(versions)
}

/// A stored answer written back as a browser would post it.
pub fn to_raw(definition: &FormDefinition, answers: &serde_json::Value) -> RawAnswers {
    let answers: app::domain::form::Answers = answers
        .as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    app::domain::form::answers_to_raw(definition, &answers)
}

/// Plausible answers for a form, valid against its definition and its rules.
pub fn sample_answers(definition: &FormDefinition, rng: &mut impl Rng) -> serde_json::Value {
    let mut answers = serde_json::Map::new();
    for field in &definition.fields {
        if !field.required && rng.gen_bool(0.4) {
            continue;
        }
        let value = sample_value(field, rng);
        if !value.is_null() {
            answers.insert(field.key.clone(), value);
        }
    }
    // Apply the rules as the form would: no answers to hidden fields, and answers to fields a
    // rule made required.
    let state = definition.evaluate(&to_raw(
        definition,
        &serde_json::Value::Object(answers.clone()),
    ));
    for field in &definition.fields {
        match state.get(&field.key) {
            Some(s) if !s.visible => {
                answers.remove(&field.key);
            }
            Some(s)
                if s.required
                    && !answers.contains_key(&field.key)
                    && field.kind != FieldKind::Section =>
            {
                answers.insert(field.key.clone(), sample_value(field, rng));
            }
            _ => {}
        }
    }
    serde_json::Value::Object(answers)
}

fn sample_value(field: &FieldDef, rng: &mut impl Rng) -> serde_json::Value {
    let today = Utc::now().date_naive();
    match &field.kind {
        FieldKind::ShortText {
            min_length,
            max_length,
            ..
        } => {
            // Letters, digits and spaces only, so that simple patterns accept it too.
            let mut text: String = format!("{} demo", field.label)
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == ' ')
                .take(max_length.unwrap_or(200) as usize)
                .collect();
            while text.chars().count() < min_length.unwrap_or(0) as usize {
                text.push('x');
            }
            serde_json::json!(text.trim_end())
        }
        FieldKind::LongText { .. } => {
            serde_json::json!("Details provided by the requester for this demo request.")
        }
        FieldKind::Number { min, max, step } => {
            let lo = min.unwrap_or(0.0);
            let hi = max.unwrap_or(lo + 100.0).min(lo + 50.0);
            let s = step.unwrap_or(1.0).max(0.01);
            let steps = ((hi - lo) / s).floor().max(0.0) as u64;
            serde_json::json!(((lo + s * rng.gen_range(0..=steps) as f64) * 100.0).round() / 100.0)
        }
        FieldKind::Date { .. } => serde_json::json!((today + Duration::days(rng.gen_range(1..30)))
            .format("%Y-%m-%d")
            .to_string()),
        FieldKind::Select { options, .. } => {
            serde_json::json!(options[rng.gen_range(0..options.len())].value)
        }
        // Demo history has no files behind it.
        FieldKind::Attachment { .. } => serde_json::Value::Null,
        FieldKind::Group {
            fields, min_rows, ..
        } => {
            let least = min_rows.unwrap_or(1).max(1);
            let rows = rng.gen_range(least..=least + 1);
            serde_json::Value::Array(
                (0..rows)
                    .map(|_| {
                        serde_json::Value::Object(
                            fields
                                .iter()
                                .filter_map(|sub| {
                                    let v = sample_value(sub, rng);
                                    (!v.is_null()).then(|| (sub.key.clone(), v))
                                })
                                .collect(),
                        )
                    })
                    .collect(),
            )
        }
        FieldKind::Checkbox => serde_json::json!(field.required || rng.gen_bool(0.5)),
        FieldKind::YesNo => serde_json::json!(rng.gen_bool(0.5)),
        FieldKind::Email => serde_json::json!(format!("someone@{DEMO_DOMAIN}")),
        FieldKind::Money { min, max, .. } => {
            let lo = min.unwrap_or(1.0).max(1.0);
            let hi = max.unwrap_or(lo + 500.0).min(lo + 500.0);
            serde_json::json!(((rng.gen_range(lo..=hi)) * 100.0).round() / 100.0)
        }
        FieldKind::DateTime { .. } => serde_json::json!((today
            + Duration::days(rng.gen_range(1..30)))
        .format("%Y-%m-%dT10:30")
        .to_string()),
        FieldKind::Section => serde_json::Value::Null,
        FieldKind::Department => serde_json::json!("it"),
        FieldKind::User => serde_json::json!(format!("emma.clark@{DEMO_DOMAIN}")),
        FieldKind::MultiSelect { options, .. } => {
            serde_json::json!([options[rng.gen_range(0..options.len())].value])
        }
    }
}

/// The path a request took to reach `state` (each step a legal transition).
pub fn path_to(state: RequestState) -> &'static [RequestState] {
    use RequestState::*;
    match state {
        Submitted => &[],
        InFulfilment => &[InFulfilment],
        WaitingOnRequester => &[InFulfilment, WaitingOnRequester],
        Resolved => &[InFulfilment, Resolved],
        Closed => &[InFulfilment, Resolved, Closed],
        Cancelled => &[Cancelled],
        AwaitingApproval => &[AwaitingApproval],
        Approved => &[AwaitingApproval, Approved],
        Rejected => &[AwaitingApproval, Rejected],
    }
}

async fn seed_history(
    conn: &impl sea_orm::ConnectionTrait,
    user_ids: &[i64],
    versions: &[(catalog_item::Model, item_version::Model, ItemDefinition)],
) -> AppResult<()> {
    let mut rng = StdRng::seed_from_u64(20261121);
    let now = Utc::now();
    let count = 300;
    let mut requests = Vec::with_capacity(count);
    let mut plans = Vec::with_capacity(count);
    for i in 0..count {
        let (item, version, definition) = &versions[rng.gen_range(0..versions.len())];
        let requester = user_ids[rng.gen_range(0..user_ids.len())];
        // Spread over 90 days, oldest first, so ids grow with time like real data.
        let age_minutes = ((count - i) as i64 * 90 * 24 * 60) / count as i64 - rng.gen_range(0..60);
        let created = now - Duration::minutes(age_minutes.max(5));
        let age_days = age_minutes / (24 * 60);
        let state = match (age_days, rng.gen_range(0..100)) {
            (d, r) if d > 14 => {
                if r < 85 {
                    RequestState::Closed
                } else if r < 95 {
                    RequestState::Cancelled
                } else {
                    RequestState::Resolved
                }
            }
            (d, r) if d > 3 => {
                if r < 50 {
                    RequestState::Resolved
                } else if r < 80 {
                    RequestState::InFulfilment
                } else if r < 90 {
                    RequestState::WaitingOnRequester
                } else {
                    RequestState::Cancelled
                }
            }
            (_, r) => {
                if r < 50 {
                    RequestState::Submitted
                } else if r < 85 {
                    RequestState::InFulfilment
                } else {
                    RequestState::WaitingOnRequester
                }
            }
        };
        let steps = path_to(state);
        let step_gap = Duration::minutes(rng.gen_range(30..(24 * 60)));
        let updated = created + step_gap * steps.len() as i32;
        let resolved_at = matches!(state, RequestState::Resolved | RequestState::Closed)
            .then(|| created + step_gap * 2);
        requests.push(request::ActiveModel {
            item_id: Set(item.id),
            item_version_id: Set(version.id),
            department_id: Set(item.department_id),
            team_id: Set(Some(item.team_id)),
            requester_id: Set(requester),
            requested_for_id: Set(requester),
            assignee_id: Set(None),
            title: Set(item.name.clone()),
            state: Set(state.as_str().into()),
            priority: Set(Priority::ALL[rng.gen_range(0..3)].as_str().into()),
            answers: Set(sample_answers(&definition.form, &mut rng).to_string()),
            version: Set(1 + steps.len() as i32),
            created_at: Set(created),
            updated_at: Set(updated),
            resolved_at: Set(resolved_at),
            ..Default::default()
        });
        plans.push((requester, created, step_gap, steps));
    }
    // Insert one by one to learn the ids (300 rows: quick), then the events in bulk.
    let mut events = Vec::new();
    for (row, (requester, created, gap, steps)) in requests.into_iter().zip(plans) {
        let inserted = row.insert(conn).await?;
        let agent = user_ids[7];
        events.push(event(
            inserted.id,
            Some(requester),
            "created",
            None,
            Some(RequestState::Submitted),
            created,
        ));
        let mut from = RequestState::Submitted;
        for (n, to) in steps.iter().enumerate() {
            let actor = if *to == RequestState::Cancelled {
                requester
            } else {
                agent
            };
            events.push(event(
                inserted.id,
                Some(actor),
                "state_changed",
                Some(from),
                Some(*to),
                created + gap * (n as i32 + 1),
            ));
            from = *to;
        }
    }
    for chunk in events.chunks(500) {
        request_event::Entity::insert_many(chunk.to_vec())
            .exec(conn)
            .await?;
    }
    Ok(())
}

fn event(
    request_id: i64,
    actor: Option<i64>,
    kind: &str,
    from: Option<RequestState>,
    to: Option<RequestState>,
    at: chrono::DateTime<Utc>,
) -> request_event::ActiveModel {
    request_event::ActiveModel {
        request_id: Set(request_id),
        actor_id: Set(actor),
        kind: Set(kind.into()),
        from_state: Set(from.map(|s| s.as_str().into())),
        to_state: Set(to.map(|s| s.as_str().into())),
        detail: Set(String::new()),
        created_at: Set(at),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let sample = sample_answers(form, &mut rng);
            let raw = to_raw(form, &sample);
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
    fn seeded_paths_are_legal_transitions() {
        for state in RequestState::ALL {
            let mut from = RequestState::Submitted;
            for to in path_to(state) {
                assert!(from.check_transition(*to).is_ok(), "{from} -> {to}");
                from = *to;
            }
            assert_eq!(from, state);
        }
    }

    #[test]
    fn emails_are_ascii() {
        assert_eq!(email_of("Tomás", "Silva"), "tomas.silva@atrium.example");
        assert_eq!(email_of("Lina", "Sørensen"), "lina.sorensen@atrium.example");
    }
}
