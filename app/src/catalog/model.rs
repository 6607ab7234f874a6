//! Catalog wire types.

use crate::domain::form::FormDefinition;
use crate::domain::search;
use serde::{Deserialize, Serialize};

/// The whole orderable catalog, grouped by department then category.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CatalogView {
    pub departments: Vec<DepartmentCatalog>,
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
}
