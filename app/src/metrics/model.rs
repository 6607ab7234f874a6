//! Leadership metrics as pages show them.

use serde::{Deserialize, Serialize};

/// The dashboard's address parameters (`period`, `from`, `to`, `department`, `team`,
/// `category`, `item`, `priority`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InsightsQuery {
    /// `week`, `month` (the default), `quarter` or `custom`.
    pub period: Option<String>,
    /// ISO dates of a custom period, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// A department's id.
    pub department: Option<String>,
    /// A team's, a catalog category's and a catalog item's id.
    pub team: Option<String>,
    pub category: Option<String>,
    pub item: Option<String>,
    pub priority: Option<String>,
}

/// A choice of a filter: its id, its name, and the department it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub name: String,
    pub department: String,
}

/// One number of the dashboard.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    /// As shown ("42", "87%", "3.5 h", "—" when there is nothing to show).
    pub value: String,
    /// Against the previous period of the same length: "▲ 12%", "▼ 3 pts".
    pub change: Option<String>,
    /// Whether the change is for the better (for its colour); `None`: neither.
    pub better: Option<bool>,
    /// The list of requests this number counts.
    pub href: Option<String>,
}

/// A row of the dashboard: a department, or the total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentRow {
    pub name: String,
    /// In the order of [`Dashboard::metrics`].
    pub figures: Vec<Figure>,
}

/// A metric's column: its name and its formula, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricInfo {
    pub key: String,
    pub name: String,
    pub formula: String,
}

/// A week's point of a trend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// The week's Monday, ISO.
    pub week: String,
    pub value: Option<f64>,
}

/// A trend over the last twelve months, week by week.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    pub name: String,
    pub unit: String,
    pub points: Vec<TrendPoint>,
}

/// The leadership dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// "1 Dec – 31 Dec 2026".
    pub period_label: String,
    pub period: String,
    pub from: String,
    pub to: String,
    pub department: Option<i64>,
    pub team: Option<i64>,
    pub category: Option<i64>,
    pub item: Option<i64>,
    pub priority: Option<String>,
    /// Departments the viewer may look at (id, name).
    pub departments: Vec<(i64, String)>,
    /// Their teams, catalog categories and items.
    pub teams: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub items: Vec<Choice>,
    pub metrics: Vec<MetricInfo>,
    pub rows: Vec<DepartmentRow>,
    pub total: DepartmentRow,
    pub trends: Vec<Trend>,
}

/// A drill-down list's row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillRow {
    pub number: String,
    pub title: String,
    pub department: String,
    pub state: String,
    pub priority: String,
    pub created_at: String,
    pub resolved_at: Option<String>,
    /// Why the request counts, where the number measures something ("Resolved in 2.5 h",
    /// "First response met · Resolution breached").
    pub detail: String,
    /// The viewer may open it; `false`: a confidential request of a department they do not
    /// work in — counted and listed, but not linked (and never with its answers).
    pub readable: bool,
}

/// The requests behind a number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillDown {
    /// "Opened, 1 Dec – 31 Dec 2026, IT".
    pub title: String,
    /// How many the number counts (from the same buckets as the dashboard).
    pub count: i64,
    /// What is counted, in words ("42 requests", "50 SLA clocks (42 met, 8 breached)").
    pub counted: String,
    /// The heading of the detail column; empty: none.
    pub detail: String,
    pub rows: Vec<DrillRow>,
    /// The next page's address.
    pub next: Option<String>,
    /// The same list as CSV.
    pub csv: String,
    /// The dashboard with the same filters.
    pub back: String,
}

/// A drill-down's address parameters: the dashboard's view, the number's metric, and paging.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DrillQuery {
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub department: Option<String>,
    pub team: Option<String>,
    pub category: Option<String>,
    pub item: Option<String>,
    pub priority: Option<String>,
    /// A metric's key (`opened`, `resolved`, `sla`, `reopened`, …) or `backlog`.
    pub metric: String,
    /// For the backlog's age: submitted at least / at most this many days ago.
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    /// Where the page starts: after this row of the list (keyset paging, newest first).
    pub before: Option<String>,
}

impl DrillQuery {
    /// The list behind `metric` in the dashboard view `view`.
    pub fn of(view: InsightsQuery, metric: String) -> DrillQuery {
        DrillQuery {
            period: view.period,
            from: view.from,
            to: view.to,
            department: view.department,
            team: view.team,
            category: view.category,
            item: view.item,
            priority: view.priority,
            metric,
            ..Default::default()
        }
    }

    /// The dashboard view it narrows.
    pub fn view(&self) -> InsightsQuery {
        InsightsQuery {
            period: self.period.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            department: self.department.clone(),
            team: self.team.clone(),
            category: self.category.clone(),
            item: self.item.clone(),
            priority: self.priority.clone(),
        }
    }
}
