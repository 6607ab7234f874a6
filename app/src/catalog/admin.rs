//! (ssr) A department admin's catalog housekeeping: categories, and each item's catalog entry
//! (name, descriptions, icon, category, team, delivery time, listed or retired).

use super::designer::{administered_item, name_and_slug, require_admin_of};
use super::model::{ItemDetails, NewCategory};
use super::service::latest_version;
use crate::auth::model::SessionUser;
use crate::db::{catalog_item, category, department, team, Db};
use crate::error::{missing, AppError, AppResult};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

async fn department_by_slug(db: &impl ConnectionTrait, slug: &str) -> AppResult<department::Model> {
    department::Entity::find()
        .filter(department::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| AppError::BadRequest("Choose a department.".into()))
}

/// Adds a category to a department the caller administers; returns its slug.
pub async fn create_category(db: &Db, user: &SessionUser, new: &NewCategory) -> AppResult<String> {
    let (name, slug) = name_and_slug(&new.name, "category")?;
    let txn = db.begin_write().await?;
    let department = department_by_slug(&*txn, &new.department).await?;
    require_admin_of(user, department.id)?;
    let siblings =
        category::Entity::find().filter(category::Column::DepartmentId.eq(department.id));
    if siblings
        .clone()
        .filter(category::Column::Slug.eq(&slug))
        .one(&*txn)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "{} already has a category called “{name}”.",
            department.name
        )));
    }
    let count = siblings.count(&*txn).await?;
    category::ActiveModel {
        department_id: Set(department.id),
        slug: Set(slug.clone()),
        name: Set(name.to_owned()),
        sort_order: Set(count as i32 + 1),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    tracing::info!(user = user.id.0, department = %department.slug, category = %slug, "category created");
    Ok(slug)
}

/// An item's catalog entry, for its admins.
pub async fn item_details(db: &Db, user: &SessionUser, slug: &str) -> AppResult<ItemDetails> {
    let item = administered_item(&db.conn, user, slug).await?;
    let department = department::Entity::find_by_id(item.department_id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| missing(format!("the department of item {}", item.slug)))?;
    let category = category::Entity::find_by_id(item.category_id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| missing(format!("the category of item {}", item.slug)))?;
    let team = team::Entity::find_by_id(item.team_id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| missing(format!("the team of item {}", item.slug)))?;
    Ok(ItemDetails {
        name: item.name,
        short_description: item.short_description,
        description: item.description,
        icon: item.icon,
        category: format!("{}/{}", department.slug, category.slug),
        team: team.slug,
        expected_days: item.expected_days,
        active: item.active,
        confidential: item.confidential,
        general: item.general,
    })
}

/// Changes an item's catalog entry. The item stays in its department; its category and team
/// must be of that department. It can be listed only once it has a published version.
pub async fn update_item_details(
    db: &Db,
    user: &SessionUser,
    slug: &str,
    details: &ItemDetails,
) -> AppResult<()> {
    if let Some(problem) = super::model::entry_problem(
        &details.name,
        &details.short_description,
        &details.description,
        &details.icon,
        details.expected_days,
    ) {
        return Err(AppError::BadRequest(problem.into()));
    }
    let name = details.name.trim();
    let txn = db.begin_write().await?;
    let item = administered_item(&*txn, user, slug).await?;
    let department = department::Entity::find_by_id(item.department_id)
        .one(&*txn)
        .await?
        .ok_or_else(|| missing(format!("the department of item {}", item.slug)))?;
    let category_slug = match details.category.split_once('/') {
        Some((dept, cat)) if dept == department.slug => cat,
        _ => {
            return Err(AppError::BadRequest(format!(
                "Choose a category of {}: an item stays in its department.",
                department.name
            )))
        }
    };
    let category = category::Entity::find()
        .filter(category::Column::DepartmentId.eq(item.department_id))
        .filter(category::Column::Slug.eq(category_slug))
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::BadRequest("Choose one of the listed categories.".into()))?;
    let team = team::Entity::find()
        .filter(team::Column::DepartmentId.eq(item.department_id))
        .filter(team::Column::Slug.eq(&details.team))
        .one(&*txn)
        .await?
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "Choose a team of {} to fulfil it.",
                department.name
            ))
        })?;
    if details.active && latest_version(&*txn, item.id).await.is_err() {
        return Err(AppError::BadRequest(
            "Publish the form first: an item without a published version cannot be listed.".into(),
        ));
    }
    let icon: String = details.icon.trim().chars().take(8).collect();
    if item.confidential != details.confidential {
        super::designer::mark_requests_confidential(&*txn, item.id, details.confidential).await?;
    }
    let mut active: catalog_item::ActiveModel = item.into();
    active.confidential = Set(details.confidential);
    active.general = Set(details.general);
    active.name = Set(name.to_owned());
    active.short_description = Set(details.short_description.trim().to_owned());
    active.description = Set(details.description.trim().to_owned());
    active.icon = Set(if icon.is_empty() { "📦".into() } else { icon });
    active.category_id = Set(category.id);
    active.team_id = Set(team.id);
    active.expected_days = Set(details.expected_days);
    active.active = Set(details.active);
    active.updated_at = Set(Utc::now());
    active.update(&*txn).await?;
    txn.commit().await?;
    Ok(())
}
