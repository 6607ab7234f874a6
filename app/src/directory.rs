//! (ssr) The directory: people, departments and teams, looked up by the layers above.
//!
//! Layer: directory and guards, just above the database.

use crate::db::{department, team, user};
use crate::error::{AppError, AppResult};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;

/// A team named `department/team`, if it exists.
pub async fn find_team(db: &impl ConnectionTrait, path: &str) -> AppResult<Option<team::Model>> {
    let Some((dept, slug)) = path.split_once('/') else {
        return Ok(None);
    };
    let Some(department) = department::Entity::find()
        .filter(department::Column::Slug.eq(dept))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(team::Entity::find()
        .filter(team::Column::DepartmentId.eq(department.id))
        .filter(team::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// The department with this slug; one that does not exist is a mistake in what was sent.
pub async fn department_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> AppResult<department::Model> {
    department::Entity::find()
        .filter(department::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| AppError::BadRequest(format!("There is no department “{slug}” here.")))
}

/// People's names by id (unknown ids are left out).
pub async fn user_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> AppResult<HashMap<i64, String>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Name)
        .filter(user::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}
