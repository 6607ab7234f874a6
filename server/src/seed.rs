//! The demo organisation: departments, people with a manager hierarchy, teams, a catalog with
//! real forms, and a few hundred historical requests over the last 90 days.
//!
//! Seeding is idempotent: if the IT department exists, nothing is done. It is not a migration.

use app::auth::service::hash_password;
use app::catalog::model::Audience;
use app::db::{
    catalog_item, category, department, item_version, request, request_event, role_grant, team,
    team_member, user, Db,
};
use app::domain::approvals::{ApprovalStage, Approver, Decision, Timeout, TimeoutOutcome};
use app::domain::files::FileKind;
use app::domain::form::{FieldDef, FieldKind, FormDefinition, Pattern, RawAnswers, SelectOption};
use app::domain::rules::{Condition, Effect, FieldTest, Op, Rule};
use app::domain::state::{Priority, RequestState};
use app::domain::tasks::TaskDef;
use app::error::{AppError, AppResult};
use chrono::{Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
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

// ---- Form-building helpers keep the catalog below readable. ----

fn f(key: &str, label: &str, required: bool, kind: FieldKind) -> FieldDef {
    FieldDef::new(key, label, kind, required)
}
fn help(mut field: FieldDef, text: &str) -> FieldDef {
    field.help = Some(text.into());
    field
}
fn placeholder(mut field: FieldDef, text: &str) -> FieldDef {
    field.placeholder = Some(text.into());
    field
}
fn default(mut field: FieldDef, value: &str) -> FieldDef {
    field.default = Some(value.into());
    field
}
fn text(max: u32) -> FieldKind {
    FieldKind::ShortText {
        min_length: None,
        max_length: Some(max),
        pattern: None,
    }
}
fn long(min: Option<u32>) -> FieldKind {
    FieldKind::LongText {
        min_length: min,
        max_length: Some(4000),
    }
}
fn number(min: f64, max: f64, step: f64) -> FieldKind {
    FieldKind::Number {
        min: Some(min),
        max: Some(max),
        step: Some(step),
    }
}
fn select(options: &[(&str, &str)]) -> FieldKind {
    FieldKind::Select {
        radio: false,
        options: options
            .iter()
            .map(|(v, l)| SelectOption::new(v, l))
            .collect(),
    }
}
fn radio(options: &[(&str, &str)]) -> FieldKind {
    match select(options) {
        FieldKind::Select { options, .. } => FieldKind::Select {
            options,
            radio: true,
        },
        other => other,
    }
}
fn attachment(accept: &[FileKind], max_size_mb: u32) -> FieldKind {
    FieldKind::Attachment {
        max_size_mb: Some(max_size_mb),
        accept: accept.to_vec(),
    }
}
fn date(future_only: bool) -> FieldKind {
    FieldKind::Date { future_only }
}

struct Item {
    dept: &'static str,
    category: &'static str,
    team: &'static str,
    slug: &'static str,
    name: &'static str,
    short: &'static str,
    description: &'static str,
    icon: &'static str,
    days: i32,
    form: fn() -> Vec<FieldDef>,
}

const ITEMS: &[Item] = &[
    Item { dept: "it", category: "hardware", team: "end-user-computing", slug: "new-laptop", name: "New laptop", short: "A new or replacement laptop, set up and ready to use.", description: "Laptops are replaced every four years or when broken. Your old laptop is collected when the new one is delivered.", icon: "💻", days: 5, form: || vec![
        help(f("model", "Model", true, select(&[("macbook-air", "MacBook Air 13\""), ("macbook-pro", "MacBook Pro 14\""), ("thinkpad", "ThinkPad X1 Carbon (Windows)"), ("dell-linux", "Dell XPS 13 (Ubuntu)")])), "Developers and designers may choose the MacBook Pro."),
        f("reason", "Reason", true, select(&[("new-starter", "New starter"), ("replacement", "Replacement (old or broken)"), ("upgrade", "Upgrade for my role")])),
        f("needed_by", "Needed by", true, date(true)),
        f("peripherals", "Do you need peripherals too?", true, FieldKind::YesNo),
        help(f("peripheral", "Which peripheral?", true, select(&[("dock", "Docking station"), ("keyboard-mouse", "Keyboard and mouse"), ("headset", "Headset")])), "Ask for more in the notes below."),
        placeholder(f("notes", "Anything else we should know?", false, long(None)), "E.g. keyboard layout, software you need on day one"),
    ]},
    Item { dept: "it", category: "hardware", team: "end-user-computing", slug: "extra-monitor", name: "Extra monitor", short: "A second screen for your desk or home office.", description: "Monitors are delivered to your desk, or shipped to your home address on file.", icon: "🖥️", days: 3, form: || vec![
        f("size", "Size", true, select(&[("24", "24 inch"), ("27", "27 inch"), ("34", "34 inch ultrawide")])),
        default(f("quantity", "How many", true, number(1.0, 2.0, 1.0)), "1"),
        f("location", "Deliver to", true, select(&[("office", "My desk in the office"), ("home", "My home address")])),
    ]},
    Item { dept: "it", category: "hardware", team: "end-user-computing", slug: "mobile-phone", name: "Mobile phone", short: "A company phone with a data plan.", description: "For roles that are on call or travel often. Your manager's approval is needed.", icon: "📱", days: 5, form: || vec![
        f("model", "Model", true, select(&[("iphone", "iPhone 16"), ("pixel", "Google Pixel 9")])),
        f("data_plan", "Do you need international roaming?", true, FieldKind::YesNo),
        f("justification", "Why do you need a company phone?", true, long(Some(10))),
    ]},
    Item { dept: "it", category: "software-access", team: "access-management", slug: "software-access", name: "Software access", short: "Access to an application or a licence for it.", description: "Licences are assigned within a day once approved. Some applications need your manager's approval.", icon: "🔑", days: 1, form: || vec![
        f("application", "Application", true, select(&[("figma", "Figma"), ("jira", "Jira"), ("salesforce", "Salesforce"), ("tableau", "Tableau"), ("adobe-cc", "Adobe Creative Cloud"), ("github", "GitHub")])),
        f("access_level", "Access level", true, select(&[("viewer", "Viewer"), ("editor", "Editor"), ("admin", "Administrator")])),
        f("justification", "What will you use it for?", true, long(Some(10))),
    ]},
    Item { dept: "it", category: "software-access", team: "access-management", slug: "vpn-access", name: "VPN access", short: "Connect securely to internal systems from outside the office.", description: "VPN access requires multi-factor authentication on your account.", icon: "🛡️", days: 1, form: || vec![
        f("mfa", "Have you set up multi-factor authentication?", true, FieldKind::YesNo),
        f("device", "Device", true, select(&[("laptop", "Company laptop"), ("phone", "Company phone")])),
        f("until", "Access needed until", false, date(true)),
    ]},
    Item { dept: "it", category: "software-access", team: "access-management", slug: "shared-mailbox", name: "Shared mailbox", short: "A team inbox such as support@ or events@.", description: "Tell us the address and who should have access. Members can be changed later.", icon: "📬", days: 2, form: || vec![
        help(f("address", "Mailbox address", true, FieldKind::Email), "For example events@atrium.example"),
        f("display_name", "Display name", true, text(80)),
        help(f("members", "Members", true, long(None)), "One email address per line."),
    ]},
    Item { dept: "it", category: "support", team: "service-desk", slug: "report-it-problem", name: "Report a technical problem", short: "Something is broken or not working as it should.", description: "For outages affecting many people, call the Service Desk as well.", icon: "🛠️", days: 1, form: || vec![
        placeholder(f("summary", "What is wrong?", true, text(120)), "E.g. Outlook crashes when I open attachments"),
        f("details", "Details", true, long(Some(10))),
        f("impact", "How many people are affected?", true, select(&[("me", "Just me"), ("team", "My team"), ("many", "Many people or a whole site")])),
        f("blocking", "Are you blocked from working?", true, FieldKind::YesNo),
    ]},
    Item { dept: "it", category: "support", team: "access-management", slug: "account-unlock", name: "Account unlock or password help", short: "Locked out, or need a password reset.", description: "For your own account only. We will verify your identity by phone.", icon: "🔓", days: 0, form: || vec![
        f("system", "Which system?", true, select(&[("windows", "Windows / network sign-in"), ("email", "Email"), ("salesforce", "Salesforce"), ("other", "Other")])),
        f("phone", "Phone number we can call you on", true, text(30)),
    ]},
    Item { dept: "hr", category: "time-off", team: "people-operations", slug: "leave-request", name: "Leave request", short: "Annual leave, parental leave, or unpaid time off.", description: "Sick leave does not need a request: tell your manager. Your balance is on your payslip.", icon: "🌴", days: 2, form: || vec![
        f("leave_type", "Type of leave", true, select(&[("annual", "Annual leave"), ("parental", "Parental leave"), ("unpaid", "Unpaid leave"), ("study", "Study leave")])),
        f("start", "First day", true, date(true)),
        f("end", "Last day", true, date(true)),
        help(f("days", "Working days", true, number(0.5, 120.0, 0.5)), "Half days are allowed."),
        f("due_date", "Expected due date of the child", true, date(false)),
        f("note", "Note for your manager", false, long(None)),
    ]},
    Item { dept: "hr", category: "time-off", team: "people-operations", slug: "sabbatical", name: "Sabbatical enquiry", short: "Ask about a longer break from work.", description: "Employees with five or more years of service may take up to three months.", icon: "⛵", days: 10, form: || vec![
        f("months", "How many months?", true, number(1.0, 3.0, 1.0)),
        f("from", "Preferred start", true, date(true)),
        f("plans", "What do you plan to do?", false, long(None)),
    ]},
    Item { dept: "hr", category: "employment", team: "people-operations", slug: "employment-letter", name: "Employment letter", short: "A letter confirming your employment, e.g. for a bank or landlord.", description: "Letters are signed by HR and sent to you as a PDF.", icon: "📄", days: 2, form: || vec![
        f("purpose", "What is it for?", true, select(&[("bank", "Bank or mortgage"), ("rental", "Renting a home"), ("visa", "Visa or residence permit"), ("other", "Something else")])),
        placeholder(f("addressed_to", "Addressed to", false, text(120)), "Leave empty for “To whom it may concern”"),
        f("include_salary", "Include my salary?", true, FieldKind::YesNo),
    ]},
    Item { dept: "hr", category: "employment", team: "people-operations", slug: "personal-details", name: "Change of personal details", short: "New address, name, bank account or emergency contact.", description: "Bank changes take effect from the next payroll run.", icon: "🪪", days: 3, form: || vec![
        f("what", "What changed?", true, select(&[("address", "Home address"), ("name", "Name"), ("bank", "Bank account"), ("emergency", "Emergency contact")])),
        f("new_value", "New details", true, long(Some(5))),
        f("effective", "Effective from", true, date(false)),
    ]},
    Item { dept: "hr", category: "employment", team: "payroll", slug: "payslip-question", name: "Question about my pay", short: "Something on your payslip looks wrong or unclear.", description: "Payroll answers within two working days.", icon: "💬", days: 2, form: || vec![
        f("month", "Which payslip? (month)", true, date(false)),
        f("question", "Your question", true, long(Some(10))),
    ]},
    Item { dept: "hr", category: "onboarding", team: "people-operations", slug: "new-hire-onboarding", name: "New-hire onboarding", short: "Everything a new colleague needs on day one.", description: "HR prepares the contract and paperwork; IT the laptop and accounts; Facilities the desk and badge.", icon: "🎉", days: 10, form: || vec![
        f("about_hire", "About the new hire", false, FieldKind::Section),
        f("full_name", "New hire's full name", true, text(120)),
        f("personal_email", "Personal email", true, FieldKind::Email),
        f("job_title", "Job title", true, text(120)),
        f("joining", "Joining department", true, FieldKind::Department),
        help(f("buddy", "Buddy", false, FieldKind::User), "A colleague who shows them around in the first weeks."),
        f("start_date", "Start date", true, date(true)),
        f("equipment_section", "Equipment and workplace", false, FieldKind::Section),
        f("laptop", "Laptop", true, select(&[("macbook-air", "MacBook Air"), ("thinkpad", "ThinkPad (Windows)"), ("none", "None needed")])),
        f("remote", "Will they work mostly remotely?", true, FieldKind::YesNo),
        help(f("offer_letter", "Signed offer letter", false, attachment(&[FileKind::Pdf], 10)), "Optional: HR files it with the contract."),
        help(f("accounts", "Accounts to create", true, FieldKind::MultiSelect { options: vec![SelectOption::new("email", "Email and calendar"), SelectOption::new("chat", "Team chat"), SelectOption::new("jira", "Jira"), SelectOption::new("salesforce", "Salesforce"), SelectOption::new("github", "GitHub")], min: Some(1), max: None }), "Tick every system they need on day one."),
    ]},
    Item { dept: "hr", category: "onboarding", team: "people-operations", slug: "training-request", name: "Training or course", short: "Ask for a course, conference or certification.", description: "Each employee has a yearly learning budget of €1,500.", icon: "🎓", days: 5, form: || vec![
        f("course", "Course or event", true, text(150)),
        help(f("cost", "Cost (EUR)", true, number(0.0, 20000.0, 0.01)), "Including travel, if any."),
        f("date", "Date", true, date(true)),
        f("benefit", "How will it help your work?", true, long(Some(20))),
    ]},
    Item { dept: "facilities", category: "workplace", team: "workplace", slug: "desk-move", name: "Desk move", short: "Move to another desk, with your equipment.", description: "Moves happen on Fridays after 3 pm.", icon: "🪑", days: 5, form: || vec![
        placeholder(f("current_desk", "Current desk", true, text(20)), "E.g. B2-041"),
        f("new_desk", "New desk", true, text(20)),
        f("move_date", "Move on", true, date(true)),
        f("crates", "I need packing crates", false, FieldKind::Checkbox),
    ]},
    Item { dept: "facilities", category: "workplace", team: "workplace", slug: "parking-permit", name: "Parking permit", short: "A permit for the staff car park.", description: "Permits are valid for one year. Electric vehicles get charging bays.", icon: "🅿️", days: 3, form: || vec![
        help(f("plate", "Licence plate", true, FieldKind::ShortText { min_length: Some(2), max_length: Some(12), pattern: Some(Pattern { regex: "[A-Za-z0-9][A-Za-z0-9 -]*".into(), message: "Use letters, digits, spaces and hyphens, as on the plate.".into() }) }), "As written on the plate, e.g. B-AT 123."),
        f("vehicle", "Vehicle", true, select(&[("car", "Car"), ("motorbike", "Motorbike"), ("bicycle", "Bicycle (secure shed)")])),
        f("electric", "Is it electric?", true, FieldKind::YesNo),
    ]},
    Item { dept: "facilities", category: "workplace", team: "workplace", slug: "access-badge", name: "Access badge", short: "A new or replacement building badge.", description: "Lost badges are blocked as soon as you report them.", icon: "🏷️", days: 1, form: || vec![
        f("kind", "What do you need?", true, select(&[("replacement", "Replacement (lost or broken)"), ("extra-access", "Access to another area"), ("visitor", "Visitor badge")])),
        f("details", "Details", false, long(None)),
    ]},
    Item { dept: "facilities", category: "workplace", team: "workplace", slug: "event-setup", name: "Event or meeting-room setup", short: "Room layout, catering and equipment for an event.", description: "Book the room first; this request covers setup and catering.", icon: "🍽️", days: 3, form: || vec![
        f("event_date", "Starts at", true, FieldKind::DateTime { future_only: true }),
        f("attendees", "Attendees", true, number(2.0, 300.0, 1.0)),
        f("room", "Room", true, text(60)),
        f("catering", "Catering needed", false, FieldKind::Checkbox),
        f("equipment", "Equipment", false, FieldKind::MultiSelect { options: vec![SelectOption::new("projector", "Projector"), SelectOption::new("microphone", "Microphone"), SelectOption::new("video-call", "Video-call setup"), SelectOption::new("whiteboard", "Whiteboard")], min: None, max: None }),
        f("notes", "Layout and equipment", false, long(None)),
    ]},
    Item { dept: "facilities", category: "maintenance", team: "maintenance", slug: "repair", name: "Repair request", short: "Something in the building is broken.", description: "For anything dangerous (water leaks, electrics), also call reception.", icon: "🔧", days: 2, form: || vec![
        f("building", "Building", true, select(&[("hq", "Headquarters"), ("north", "North office"), ("warehouse", "Warehouse")])),
        placeholder(f("location", "Room or area", true, text(60)), "E.g. 3rd floor kitchen"),
        f("problem", "What is broken?", true, long(Some(5))),
        f("urgency", "Urgency", true, radio(&[("low", "Can wait"), ("normal", "This week"), ("high", "Today — it is a hazard")])),
        help(f("phone", "Phone number on site", false, text(30)), "Needed for hazards, so the technician can reach you."),
        help(f("photo", "Photo", false, attachment(&[FileKind::Image], 10)), "A photo helps the technician bring the right parts."),
    ]},
    Item { dept: "facilities", category: "maintenance", team: "maintenance", slug: "ergonomic-equipment", name: "Ergonomic equipment", short: "A chair, footrest, standing desk or screen arm.", description: "An ergonomic assessment may be arranged first.", icon: "🧘", days: 7, form: || vec![
        f("equipment", "Equipment", true, select(&[("chair", "Ergonomic chair"), ("standing-desk", "Standing desk"), ("footrest", "Footrest"), ("arm", "Monitor arm")])),
        f("medical", "Is this on medical advice?", true, FieldKind::YesNo),
        f("notes", "Notes", false, long(None)),
    ]},
    Item { dept: "facilities", category: "workplace", team: "workplace", slug: "visitor-passes", name: "Visitor passes", short: "Badges, Wi-Fi and parking for guests you are hosting.", description: "Guests collect their badges at reception. Add one row per visitor.", icon: "🪪", days: 1, form: || vec![
        f("visit_date", "Day of the visit", true, date(true)),
        help(f("host", "Host", true, FieldKind::User), "Who meets the visitors at reception."),
        help(f("visitors", "Visitors", true, FieldKind::Group { fields: vec![
            f("name", "Full name", true, text(120)),
            f("company", "Company", false, text(120)),
            f("email", "Email", false, FieldKind::Email),
        ], min_rows: Some(1), max_rows: Some(20) }), "One row per visitor, up to 20."),
        f("parking", "Do they need parking?", true, FieldKind::YesNo),
        help(f("plates", "Licence plates", false, text(200)), "One per car, separated by commas."),
    ]},
    Item { dept: "finance", category: "expenses", team: "accounts-payable", slug: "expense-reimbursement", name: "Expense reimbursement", short: "Get back money you spent for work.", description: "Attach the receipt as a PDF or a photo. Paid with the next payroll.", icon: "🧾", days: 5, form: || vec![
        help(f("amount", "Amount", true, number(0.01, 50000.0, 0.01)), "Total including tax."),
        default(f("currency", "Currency", true, select(&[("EUR", "Euro (EUR)"), ("USD", "US dollar (USD)"), ("GBP", "Pound sterling (GBP)")])), "EUR"),
        f("spent_on", "Date of expense", true, date(false)),
        f("category", "Category", true, select(&[("travel", "Travel"), ("meals", "Meals"), ("equipment", "Equipment"), ("other", "Other")])),
        f("trip", "Which trip?", true, text(120)),
        f("description", "What was it for?", true, long(Some(5))),
        help(f("receipt", "Receipt", true, attachment(&[FileKind::Pdf, FileKind::Image], 5)), "A PDF or a photo of the receipt, up to 5 MB."),
    ]},
    Item { dept: "finance", category: "expenses", team: "accounts-payable", slug: "corporate-card", name: "Corporate card", short: "A company credit card for regular business spending.", description: "Cards are issued for roles with frequent travel or purchasing.", icon: "💳", days: 10, form: || vec![
        help(f("monthly_limit", "Monthly limit (EUR)", true, number(500.0, 20000.0, 100.0)), "In steps of 100."),
        f("reason", "Why do you need a card?", true, long(Some(10))),
        f("policy", "I have read the corporate card policy", true, FieldKind::Checkbox),
    ]},
    Item { dept: "finance", category: "expenses", team: "accounts-payable", slug: "travel-advance", name: "Travel advance", short: "Cash in advance for a business trip.", description: "Unused advances are settled with your expense claim.", icon: "✈️", days: 3, form: || vec![
        f("destination", "Destination", true, text(80)),
        f("departure", "Departure", true, date(true)),
        f("amount", "Amount", true, FieldKind::Money { currency: "EUR".into(), min: Some(50.0), max: Some(5000.0) }),
    ]},
    Item { dept: "finance", category: "purchasing", team: "procurement", slug: "purchase-request", name: "Purchase request", short: "Buy goods or services from a supplier.", description: "Purchases above €5,000 need finance approval and three quotes.", icon: "🛒", days: 5, form: || vec![
        f("supplier", "Supplier", true, text(120)),
        f("amount", "Amount", true, FieldKind::Money { currency: "EUR".into(), min: Some(1.0), max: Some(1_000_000.0) }),
        f("cost_center", "Cost centre", true, select(&[("cc-100", "100 — Operations"), ("cc-200", "200 — Sales & Marketing"), ("cc-300", "300 — Technology"), ("cc-400", "400 — People")])),
        f("justification", "What and why", true, long(Some(10))),
        help(f("quotes", "Three quotes", false, long(Some(10))), "Needed above €5,000: supplier and amount of each quote."),
    ]},
    Item { dept: "finance", category: "purchasing", team: "procurement", slug: "new-supplier", name: "New supplier set-up", short: "Register a supplier so they can be paid.", description: "Procurement checks the supplier's details before the first order.", icon: "🏭", days: 7, form: || vec![
        f("company", "Company name", true, text(120)),
        f("contact", "Contact email", true, FieldKind::Email),
        f("vat", "VAT number", false, text(30)),
        f("services", "What do they supply?", true, long(Some(5))),
    ]},
];

fn when_equals(field: &str, value: serde_json::Value) -> Condition {
    Condition::Field(FieldTest {
        field: field.into(),
        op: Op::Equals,
        value: Some(value),
    })
}

/// The rules of the demo items that have conditional fields.
fn rules_for(slug: &str) -> Vec<Rule> {
    let show = |field: &str| Effect::Show {
        field: field.into(),
    };
    let require = |field: &str| Effect::Require {
        field: field.into(),
    };
    match slug {
        "new-laptop" => vec![Rule {
            when: when_equals("peripherals", json!("yes")),
            then: vec![show("peripheral")],
        }],
        "purchase-request" => vec![Rule {
            when: Condition::Field(FieldTest {
                field: "amount".into(),
                op: Op::GreaterThan,
                value: Some(json!(5000)),
            }),
            then: vec![require("quotes")],
        }],
        "leave-request" => vec![Rule {
            when: when_equals("leave_type", json!("parental")),
            then: vec![show("due_date")],
        }],
        "repair" => vec![Rule {
            when: when_equals("urgency", json!("high")),
            then: vec![require("phone")],
        }],
        "visitor-passes" => vec![Rule {
            when: when_equals("parking", json!("yes")),
            then: vec![show("plates"), require("plates")],
        }],
        "expense-reimbursement" => vec![Rule {
            when: when_equals("category", json!("travel")),
            then: vec![show("trip")],
        }],
        _ => Vec::new(),
    }
}

/// Approval plans of the demo items: the manager for phones, cards, costly training and
/// purchases; Finance's head as well for cards and for purchases above €5,000.
fn approvals_for(slug: &str) -> Vec<ApprovalStage> {
    let stage = |name: &str, approvers: Vec<Approver>, when: Option<Condition>| ApprovalStage {
        name: name.into(),
        approvers,
        decision: Decision::Any,
        when,
        timeout: None,
    };
    let above = |field: &str, amount: i64| {
        Some(Condition::Field(FieldTest {
            field: field.into(),
            op: Op::GreaterThan,
            value: Some(json!(amount)),
        }))
    };
    let manager = || stage("Manager approval", vec![Approver::Manager], None);
    match slug {
        "mobile-phone" | "new-hire-onboarding" => vec![manager()],
        "corporate-card" => vec![
            manager(),
            ApprovalStage {
                timeout: Some(Timeout {
                    hours: 24,
                    outcome: TimeoutOutcome::Remind,
                }),
                ..stage("Finance approval", vec![Approver::DepartmentHead], None)
            },
        ],
        "training-request" => vec![stage(
            "Manager approval",
            vec![Approver::Manager],
            above("cost", 500),
        )],
        "purchase-request" => vec![
            // Purchases should not stall: after three days the manager's manager decides.
            ApprovalStage {
                timeout: Some(Timeout {
                    hours: 72,
                    outcome: TimeoutOutcome::Escalate,
                }),
                ..manager()
            },
            stage(
                "Finance approval",
                vec![Approver::DepartmentHead],
                above("amount", 5000),
            ),
        ],
        _ => Vec::new(),
    }
}

/// Fulfilment plans of the demo items. Onboarding: HR's paperwork first, then IT's laptop and
/// accounts and Facilities' desk in parallel.
fn tasks_for(slug: &str) -> Vec<TaskDef> {
    let task =
        |key: &str, title: &str, team: &str, after: &[&str], hours: u32, how: &str| TaskDef {
            key: key.into(),
            title: title.into(),
            team: team.into(),
            instructions: how.into(),
            after: after.iter().map(|a| (*a).to_owned()).collect(),
            target_hours: hours,
        };
    match slug {
        "new-hire-onboarding" => vec![
            task("paperwork", "Contract and paperwork", "hr/people-operations", &[], 24,
                "Send the contract for signature, file the offer letter and register the new hire in payroll."),
            task("laptop", "Laptop and accounts", "it/end-user-computing", &["paperwork"], 48,
                "Image the chosen laptop and create every account ticked on the form; hand the credentials to the manager."),
            task("desk", "Desk and badge", "facilities/workplace", &["paperwork"], 48,
                "Assign a desk near the team, print the access badge and put a welcome pack on the desk."),
        ],
        "mobile-phone" => vec![
            task("order", "Order the phone", "it/service-desk", &[], 24, "Order the chosen model from the framework supplier."),
            task("setup", "Enrol and hand over", "it/end-user-computing", &["order"], 72,
                "Enrol the phone in device management and hand it over with the SIM."),
        ],
        _ => Vec::new(),
    }
}

/// Teams that hand out tasks by themselves in the demo (the others take tasks by hand).
const AUTO_ASSIGNING_TEAMS: &[(&str, &str)] = &[("workplace", "round_robin")];

/// Who may order each demo item: everyone, except corporate cards (Sales and Finance only).
fn audience_for(slug: &str) -> String {
    let audience = match slug {
        "corporate-card" => Audience::Departments {
            departments: vec!["sales".into(), "finance".into()],
        },
        _ => Audience::Everyone,
    };
    serde_json::to_string(&audience).unwrap_or_default()
}

fn err(e: impl std::fmt::Display) -> AppError {
    app::auth::service::internal("seeding", e)
}

/// Adds the demo organisation unless it is already there.
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

    let mut dept_ids = HashMap::new();
    let mut team_ids = HashMap::new();
    let mut category_ids = HashMap::new();
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
            let c = category::ActiveModel {
                department_id: Set(row.id),
                slug: Set((*slug).into()),
                name: Set((*name).into()),
                sort_order: Set(i as i32),
                ..Default::default()
            }
            .insert(conn)
            .await?;
            category_ids.insert((d.slug, *slug), c.id);
        }
    }

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
    for (slug, department_id) in &dept_ids {
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

    let mut versions = Vec::new();
    for item in ITEMS {
        let definition = FormDefinition {
            fields: (item.form)(),
            rules: rules_for(item.slug),
            approvals: approvals_for(item.slug),
            tasks: tasks_for(item.slug),
        };
        app::domain::rules::check_definition(&definition)
            .map_err(|e| err(format!("{}: {e:?}", item.slug)))?;
        let row = catalog_item::ActiveModel {
            department_id: Set(dept_ids[item.dept]),
            category_id: Set(*category_ids
                .get(&(item.dept, item.category))
                .ok_or_else(|| err(item.category))?),
            slug: Set(item.slug.into()),
            name: Set(item.name.into()),
            short_description: Set(item.short.into()),
            description: Set(item.description.into()),
            icon: Set(item.icon.into()),
            expected_days: Set(item.days),
            team_id: Set(*team_ids.get(item.team).ok_or_else(|| err(item.team))?),
            active: Set(true),
            audience: Set(audience_for(item.slug)),
            created_at: Set(now - Duration::days(120)),
            updated_at: Set(now - Duration::days(120)),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        let version = item_version::ActiveModel {
            item_id: Set(row.id),
            version: Set(1),
            definition: Set(serde_json::to_string(&definition).map_err(err)?),
            published_by: Set(Some(user_ids[6])),
            published_at: Set(now - Duration::days(120)),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        versions.push((row, version, definition));
    }

    seed_history(conn, &user_ids, &versions).await?;
    txn.commit().await?;
    tracing::info!(
        departments = DEPARTMENTS.len(),
        people = PEOPLE.len(),
        items = ITEMS.len(),
        "demo organisation seeded"
    );
    Ok(())
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
    let state = app::domain::rules::evaluate(
        definition,
        &to_raw(definition, &serde_json::Value::Object(answers.clone())),
    );
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
    versions: &[(catalog_item::Model, item_version::Model, FormDefinition)],
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
            answers: Set(sample_answers(definition, &mut rng).to_string()),
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
        assert!(ITEMS.len() >= 24);
        assert!(PEOPLE.len() >= 40);
        let today = Utc::now().date_naive();
        let mut rng = StdRng::seed_from_u64(1);
        for item in ITEMS {
            let definition = FormDefinition {
                approvals: approvals_for(item.slug),
                fields: (item.form)(),
                rules: rules_for(item.slug),
                tasks: tasks_for(item.slug),
            };
            assert_eq!(
                app::domain::rules::check_definition(&definition),
                Ok(()),
                "{}",
                item.slug
            );
            let mut keys: Vec<_> = definition.fields.iter().map(|f| &f.key).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(
                keys.len(),
                definition.fields.len(),
                "{}: duplicate keys",
                item.slug
            );
            // Sample answers must pass the same validation the server applies.
            let sample = sample_answers(&definition, &mut rng);
            let raw = to_raw(&definition, &sample);
            if let Err(mut errors) = app::domain::form::validate_answers(&definition, &raw, today) {
                // Demo history has no files behind it: a missing receipt is expected there.
                errors.retain(|key, _| {
                    !definition
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
