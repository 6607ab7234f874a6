//! Catalog wire types.

use crate::domain::definition::ItemDefinition;
use crate::domain::form::FormDefinition;
use crate::domain::search;
use serde::{Deserialize, Serialize};

/// The whole orderable catalog, grouped by department then category.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CatalogView {
    pub departments: Vec<DepartmentCatalog>,
    /// Each department's general enquiry ("Something else"), as (department, card).
    #[serde(default)]
    pub general: Vec<(String, ItemCard)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepartmentCatalog {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub categories: Vec<CategoryCatalog>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryCatalog {
    pub name: String,
    pub items: Vec<ItemCard>,
}

/// An item as listed in the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemCard {
    pub slug: String,
    pub name: String,
    pub short_description: String,
    pub icon: String,
    pub expected_days: i32,
}

/// A search hit: the card plus where it lives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub item: ItemCard,
    pub department: String,
    pub category: String,
    pub score: u32,
}

impl CatalogView {
    /// Items matching `query`, best first. The same code filters on the server (no JavaScript)
    /// and in the browser (as you type).
    pub fn search(&self, query: &str) -> Vec<SearchHit> {
        let mut hits: Vec<SearchHit> = self
            .departments
            .iter()
            .flat_map(|d| {
                d.categories.iter().flat_map(move |c| {
                    c.items.iter().filter_map(move |item| {
                        let rest = format!("{} {} {}", item.short_description, d.name, c.name);
                        search::score(query, &item.name, &rest).map(|score| SearchHit {
                            item: item.clone(),
                            department: d.name.clone(),
                            category: c.name.clone(),
                            score,
                        })
                    })
                })
            })
            .collect();
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.item.name.cmp(&b.item.name)));
        hits
    }

    pub fn item_count(&self) -> usize {
        self.departments
            .iter()
            .flat_map(|d| &d.categories)
            .map(|c| c.items.len())
            .sum()
    }
}

/// An item's page: its description and the form of its current published version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemView {
    pub slug: String,
    pub name: String,
    pub short_description: String,
    pub description: String,
    pub icon: String,
    pub department: String,
    pub category: String,
    pub expected_days: i32,
    pub version: i32,
    pub form: FormDefinition,
    /// Choices for department-reference fields.
    pub departments: Vec<crate::domain::form::SelectOption>,
}

/// One person found in the directory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    pub email: String,
    pub name: String,
    pub title: String,
    pub department: String,
}

/// Choices for department-reference fields, provided to the form's inputs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DepartmentChoices(pub Vec<crate::domain::form::SelectOption>);

/// Who may order an item.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Audience {
    #[default]
    Everyone,
    /// Members (by home department) of these departments, by slug.
    Departments { departments: Vec<String> },
    /// Holders of any of these roles.
    Roles {
        roles: Vec<crate::auth::model::Role>,
    },
}

impl Audience {
    /// Whether a person with this home department and these roles may order.
    pub fn allows(&self, home_department: &str, user: &crate::auth::model::SessionUser) -> bool {
        use crate::auth::model::Role;
        if user.has_role(Role::SystemAdmin) {
            return true;
        }
        match self {
            Audience::Everyone => true,
            Audience::Departments { departments } => {
                departments.iter().any(|d| d == home_department)
            }
            Audience::Roles { roles } => roles.iter().any(|r| user.has_role(*r)),
        }
    }

    /// How the audience reads in the catalog.
    pub fn describe(&self) -> String {
        match self {
            Audience::Everyone => "Everyone".into(),
            Audience::Departments { departments } => {
                format!("Members of {}", departments.join(", "))
            }
            Audience::Roles { roles } => format!(
                "People with the role {}",
                roles
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        }
    }
}

/// A catalog item as a portable, readable file: everything needed to recreate it elsewhere.
/// Departments, categories and teams are named by slug, never by database id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemExport {
    /// Always [`ItemExport::FORMAT`]; lets a future Atrium read old files.
    pub format: String,
    pub slug: String,
    pub name: String,
    pub short_description: String,
    pub description: String,
    pub icon: String,
    pub department: String,
    pub category: String,
    pub team: String,
    pub expected_days: i32,
    #[serde(default)]
    pub audience: Audience,
    /// Its requests are read only by those involved (not leadership).
    #[serde(default)]
    pub confidential: bool,
    /// The department's general enquiry, offered when a search finds nothing.
    #[serde(default)]
    pub general: bool,
    pub definition: ItemDefinition,
}

impl ItemExport {
    pub const FORMAT: &'static str = "atrium.catalog-item/1";
}

/// One published version in an item's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionSummary {
    pub version: i32,
    pub published_at: String,
    pub published_by: String,
    pub fields: usize,
    pub rules: usize,
}

/// The designer's view of an item: its working definition (the draft if there is one).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftView {
    pub slug: String,
    pub name: String,
    pub department: String,
    pub definition: ItemDefinition,
    /// Version of the draft (for optimistic concurrency); `None` when there is no draft yet.
    pub draft_version: Option<i32>,
    /// Newest published version, if any.
    pub published_version: Option<i32>,
    /// What that version defines: publishing says what the draft changes.
    pub published: Option<ItemDefinition>,
    /// Choices for department-reference fields in the preview.
    pub departments: Vec<crate::domain::form::SelectOption>,
    /// Teams of every department, for the fulfilment plan.
    pub teams: Vec<crate::tasks::model::TeamOption>,
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportOutcome {
    pub slug: String,
    /// A new item was created (otherwise a new draft of an existing one).
    pub created: bool,
}

/// One row of the admin's catalog list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminItemRow {
    pub slug: String,
    pub name: String,
    pub icon: String,
    pub department: String,
    pub category: String,
    pub published_version: Option<i32>,
    pub has_draft: bool,
    pub active: bool,
}

/// Where a department admin may put a new item: their departments, with categories and teams.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AdminOptions {
    /// (slug, name) of each department the caller administers.
    pub departments: Vec<(String, String)>,
    /// (department slug, category slug, name).
    pub categories: Vec<(String, String, String)>,
    /// (department slug, team slug, name).
    pub teams: Vec<(String, String, String)>,
    /// (slug, name) of every department, for "who may order".
    pub all_departments: Vec<(String, String)>,
}

/// A new catalog item's basics; its form is designed afterwards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewItem {
    pub name: String,
    pub department: String,
    /// `department-slug/category-slug`, as chosen in one list.
    pub category: String,
    pub team: String,
    pub icon: String,
    pub short_description: String,
}

/// An item's catalog entry (everything but its versioned form), as the admin edits it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemDetails {
    pub name: String,
    pub short_description: String,
    pub description: String,
    pub icon: String,
    /// `department-slug/category-slug`; the category must be in the item's department.
    pub category: String,
    /// A team of the item's department.
    pub team: String,
    pub expected_days: i32,
    /// Listed in the catalog and orderable (needs a published version).
    pub active: bool,
    /// Its requests are read only by the requester, the person it is for, its approvers and
    /// those who fulfil it — not by leadership.
    #[serde(default)]
    pub confidential: bool,
    /// The department's general enquiry ("Something else"), offered when a search finds nothing.
    #[serde(default)]
    pub general: bool,
}

/// What is wrong with a catalog entry's text, if anything: the same limits whether it comes
/// from the details form or from an imported file.
pub fn entry_problem(
    name: &str,
    short_description: &str,
    description: &str,
    icon: &str,
    expected_days: i32,
) -> Option<&'static str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        Some("The name must have between 1 and 120 characters.")
    } else if short_description.chars().count() > 300 {
        Some("The short description may have at most 300 characters.")
    } else if description.chars().count() > 5000 {
        Some("The description may have at most 5,000 characters.")
    } else if icon.chars().count() > 8 {
        Some("The icon may have at most 8 characters (one emoji).")
    } else if !(0..=365).contains(&expected_days) {
        Some("The expected delivery time must be between 0 and 365 business days.")
    } else {
        None
    }
}

/// A new category in one of the admin's departments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewCategory {
    pub department: String,
    pub name: String,
}
