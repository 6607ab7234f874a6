//! (ssr) The directory: people, departments and teams, looked up by the layers above.
//!
//! Layer: directory and guards, just above the database.

use crate::auth::model::Role;
use crate::db::{department, role_grant, team, team_member, user};
use crate::error::{AppError, AppResult};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
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

/// The active person with this email (case does not matter), if any.
pub async fn active_user_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.to_lowercase()))
        .filter(user::Column::Active.eq(true))
        .one(db)
        .await?)
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

/// The active members of a team, by id, with their names.
pub async fn team_members(
    db: &impl ConnectionTrait,
    team_id: i64,
) -> AppResult<Vec<(i64, String)>> {
    let ids: Vec<i64> = team_member::Entity::find()
        .select_only()
        .column(team_member::Column::UserId)
        .filter(team_member::Column::TeamId.eq(team_id))
        .into_tuple()
        .all(db)
        .await?;
    active_people(db, ids).await
}

/// The active people who work on a department's requests (its agents and admins), by name.
pub async fn department_agents(
    db: &impl ConnectionTrait,
    department_id: i64,
) -> AppResult<Vec<(i64, String)>> {
    departments_agents(db, &[department_id]).await
}

/// The active admins of a department, by id, with their names.
pub async fn department_admins(
    db: &impl ConnectionTrait,
    department_id: i64,
) -> AppResult<Vec<(i64, String)>> {
    let ids: Vec<i64> = role_grant::Entity::find()
        .select_only()
        .column(role_grant::Column::UserId)
        .filter(role_grant::Column::DepartmentId.eq(department_id))
        .filter(role_grant::Column::Role.eq(Role::DepartmentAdmin.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    active_people(db, ids).await
}

/// [`department_agents`] of several departments at once, each person once, by name.
pub async fn departments_agents(
    db: &impl ConnectionTrait,
    departments: &[i64],
) -> AppResult<Vec<(i64, String)>> {
    if departments.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<i64> = role_grant::Entity::find()
        .select_only()
        .column(role_grant::Column::UserId)
        .filter(role_grant::Column::DepartmentId.is_in(departments.iter().copied()))
        .filter(
            role_grant::Column::Role.is_in([Role::Agent.as_str(), Role::DepartmentAdmin.as_str()]),
        )
        .into_tuple()
        .all(db)
        .await?;
    ids.sort_unstable();
    ids.dedup();
    let mut people = active_people(db, ids).await?;
    people.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(people)
}

async fn active_people(db: &impl ConnectionTrait, ids: Vec<i64>) -> AppResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Name)
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}
