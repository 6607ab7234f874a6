//! (ssr) Reading the catalog from the database.

use super::model::{Audience, CatalogView, CategoryCatalog, DepartmentCatalog, ItemCard, ItemView};
use crate::auth::model::{Role, SessionUser};
use crate::db::catalog_cache::CatalogCache;
use crate::db::{catalog_item, category, department, item_version};
use crate::domain::form::FormDefinition;
use crate::error::{AppError, AppResult};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeMap, HashMap};

/// The caller's home department slug, against which audiences are checked.
async fn home_department(db: &impl ConnectionTrait, user: &SessionUser) -> AppResult<String> {
    Ok(department::Entity::find_by_id(user.department.0)
        .one(db)
        .await?
        .map(|d| d.slug)
        .unwrap_or_default())
}

/// Refuses, with the reason, an item the caller may not order.
pub async fn check_audience(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    item: &catalog_item::Model,
) -> AppResult<()> {
    let audience = audience_of(item);
    if audience.allows(&home_department(db, user).await?, user) {
        Ok(())
    } else {
        Err(AppError::NotAllowed(format!(
            "“{}” can be ordered by: {}.",
            item.name,
            audience.describe()
        )))
    }
}

/// The catalog the caller may order from: active items with a published version, grouped
/// for display. The rows come from `cache` (one small query when nothing changed, three when
/// something did); what the caller may order is worked out per person.
pub async fn load_catalog(
    db: &impl ConnectionTrait,
    cache: &CatalogCache,
    user: &SessionUser,
) -> AppResult<CatalogView> {
    // The generation comes with the header's counters: one query for both.
    let generation = crate::db::page_facts::for_request(db, user.id.0)
        .await?
        .catalog_generation;
    let rows = cache.rows_at(db, generation).await?;
    let home = rows
        .departments
        .iter()
        .find(|d| d.id == user.department.0)
        .map(|d| d.slug.clone())
        .unwrap_or_default();
    let mut items_by_category: HashMap<i64, Vec<ItemCard>> = HashMap::new();
    let mut general: Vec<(i64, ItemCard)> = Vec::new();
    for item in rows
        .items
        .iter()
        .filter(|item| audience_of(item).allows(&home, user))
    {
        let card = ItemCard {
            slug: item.slug.clone(),
            name: item.name.clone(),
            short_description: item.short_description.clone(),
            icon: item.icon.clone(),
            expected_days: item.expected_days,
        };
        if item.general {
            general.push((item.department_id, card.clone()));
        }
        items_by_category
            .entry(item.category_id)
            .or_default()
            .push(card);
    }
    // In the departments' order.
    let general = rows
        .departments
        .iter()
        .flat_map(|d| {
            general
                .iter()
                .filter(move |(department, _)| *department == d.id)
                .map(move |(_, card)| (d.name.clone(), card.clone()))
        })
        .collect();
    let mut categories_by_department: BTreeMap<i64, Vec<CategoryCatalog>> = BTreeMap::new();
    for c in &rows.categories {
        if let Some(items) = items_by_category.remove(&c.id) {
            categories_by_department
                .entry(c.department_id)
                .or_default()
                .push(CategoryCatalog {
                    name: c.name.clone(),
                    items,
                });
        }
    }
    let departments = rows
        .departments
        .iter()
        .filter_map(|d| {
            let categories = categories_by_department.remove(&d.id)?;
            Some(DepartmentCatalog {
                slug: d.slug.clone(),
                name: d.name.clone(),
                description: d.description.clone(),
                categories,
            })
        })
        .collect();
    Ok(CatalogView {
        departments,
        general,
    })
}

/// The newest published version of an item.
pub async fn latest_version(
    db: &impl ConnectionTrait,
    item_id: i64,
) -> AppResult<item_version::Model> {
    item_version::Entity::find()
        .filter(item_version::Column::ItemId.eq(item_id))
        .order_by_desc(item_version::Column::Version)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("A published version of this item".into()))
}

pub use crate::db::definition::{definition_of_request, parse_definition};

/// An active item by slug, with its newest version.
pub async fn find_orderable_item(
    db: &impl ConnectionTrait,
    slug: &str,
) -> AppResult<(catalog_item::Model, item_version::Model)> {
    let item = catalog_item::Entity::find()
        .filter(catalog_item::Column::Slug.eq(slug))
        .filter(catalog_item::Column::Active.eq(true))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("The catalog item “{slug}”")))?;
    let version = latest_version(db, item.id).await?;
    Ok((item, version))
}

/// An item's page, for someone allowed to order it.
pub async fn load_item(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    slug: &str,
) -> AppResult<ItemView> {
    let (item, version) = find_orderable_item(db, slug).await?;
    check_audience(db, user, &item).await?;
    let form = parse_definition(&version)?.form;
    let department = department::Entity::find_by_id(item.department_id)
        .one(db)
        .await?
        .map(|d| d.name)
        .unwrap_or_default();
    let category = category::Entity::find_by_id(item.category_id)
        .one(db)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    Ok(ItemView {
        slug: item.slug,
        name: item.name,
        short_description: item.short_description,
        description: item.description,
        icon: item.icon,
        department,
        category,
        expected_days: item.expected_days,
        version: version.version,
        form,
        departments: department_choices(db).await?,
    })
}

/// Every department, as choices for department-reference fields.
pub async fn department_choices(
    db: &impl ConnectionTrait,
) -> AppResult<Vec<crate::domain::form::SelectOption>> {
    Ok(department::Entity::find()
        .order_by_asc(department::Column::SortOrder)
        .all(db)
        .await?
        .into_iter()
        .map(|d| crate::domain::form::SelectOption::new(&d.slug, &d.name))
        .collect())
}

/// Checks that referenced departments and people exist (the pure validation checked only
/// their format). Returns field errors like the rest of form validation.
pub async fn check_references(
    db: &impl ConnectionTrait,
    definition: &FormDefinition,
    answers: &crate::domain::form::Answers,
) -> AppResult<crate::domain::form::FieldErrors> {
    let mut errors = crate::domain::form::FieldErrors::new();
    for cell in crate::domain::form::answered_cells(definition, answers) {
        let Some(value) = cell.value.as_str() else {
            continue;
        };
        let problem = match cell.field.kind {
            crate::domain::form::FieldKind::Department => {
                let found = department::Entity::find()
                    .filter(department::Column::Slug.eq(value))
                    .one(db)
                    .await?;
                found
                    .is_none()
                    .then(|| "Choose a department from the list.".to_owned())
            }
            crate::domain::form::FieldKind::User => {
                crate::directory::active_user_by_email(db, value)
                    .await?
                    .is_none()
                    .then(|| format!("No one with the email {value} is in the directory."))
            }
            _ => None,
        };
        if let Some(message) = problem {
            errors
                .entry(cell.error_key.to_owned())
                .or_insert_with(|| cell.message(&message));
        }
    }
    Ok(errors)
}

/// People whose name or email contains `query` (case-insensitive), at most `limit`.
pub async fn search_directory(
    db: &impl ConnectionTrait,
    query: &str,
    limit: u64,
) -> AppResult<Vec<super::model::DirectoryEntry>> {
    use crate::db::user;
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    use sea_orm::{Condition, QuerySelect};
    // LIKE wildcards typed by people are text, not patterns: drop them before anything else.
    let q = query.replace(['%', '_', '\\'], "").trim().to_lowercase();
    // Nobody's name or email is longer than an email may be: a longer query matches nobody
    // (and would be a pattern SQLite refuses as too complex).
    if q.chars().count() < 2 || q.len() > 254 {
        return Ok(Vec::new());
    }
    let pattern = format!("%{q}%");
    let people = user::Entity::find()
        .filter(user::Column::Active.eq(true))
        .filter(
            Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(user::Column::Name))).like(pattern.clone()))
                .add(Expr::col(user::Column::Email).like(pattern)),
        )
        .order_by_asc(user::Column::Name)
        .limit(limit)
        .all(db)
        .await?;
    let departments: HashMap<i64, String> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    Ok(people
        .into_iter()
        .map(|u| super::model::DirectoryEntry {
            department: departments
                .get(&u.department_id)
                .cloned()
                .unwrap_or_default(),
            email: u.email,
            name: u.name,
            title: u.title,
        })
        .collect())
}

/// Parses an item's stored audience. An unreadable value fails closed (system admins only)
/// and is logged, rather than opening the item to everyone.
pub fn audience_of(item: &catalog_item::Model) -> Audience {
    serde_json::from_str(&item.audience).unwrap_or_else(|e| {
        tracing::error!(item = item.id, %e, "unreadable audience");
        Audience::Roles {
            roles: vec![Role::SystemAdmin],
        }
    })
}
