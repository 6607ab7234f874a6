//! (ssr) Reply templates: department admins keep their department's ready-made replies; its
//! agents put one, filled in for the request, into the reply box.
//!
//! Layer: use cases.

use super::model::{ReplyTemplate, ReplyTemplates, TemplateChoice};
use crate::auth::model::{DepartmentId, SessionUser};
use crate::db::{department, reply_template, Db};
use crate::domain::templates::{self, Facts};
use crate::error::{AppError, AppResult};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

/// A template as a department admin writes it: a new one (`id` none) or a change to one.
#[derive(Clone, Debug)]
pub struct TemplateInput {
    pub id: Option<i64>,
    pub department_id: i64,
    pub name: String,
    pub body: String,
}

/// The departments the user administers, by name (every department for a system admin).
async fn administered(
    db: &impl ConnectionTrait,
    user: &SessionUser,
) -> AppResult<Vec<(i64, String)>> {
    let departments = department::Entity::find()
        .order_by_asc(department::Column::Name)
        .all(db)
        .await?;
    Ok(departments
        .into_iter()
        .filter(|d| user.administers(DepartmentId(d.id)))
        .map(|d| (d.id, d.name))
        .collect())
}

/// The templates of every department the user administers.
pub async fn for_admin(db: &Db, user: &SessionUser) -> AppResult<ReplyTemplates> {
    let departments = administered(&db.conn, user).await?;
    if departments.is_empty() {
        return Err(AppError::Forbidden);
    }
    let ids: Vec<i64> = departments.iter().map(|(id, _)| *id).collect();
    let names: std::collections::HashMap<i64, String> = departments.iter().cloned().collect();
    let templates = reply_template::Entity::find()
        .filter(reply_template::Column::DepartmentId.is_in(ids))
        .order_by_asc(reply_template::Column::DepartmentId)
        .order_by_asc(reply_template::Column::Name)
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|t| ReplyTemplate {
            id: t.id,
            department_id: t.department_id,
            department: names.get(&t.department_id).cloned().unwrap_or_default(),
            name: t.name,
            body: t.body,
        })
        .collect();
    Ok(ReplyTemplates {
        templates,
        departments,
    })
}

/// Saves a template (its department's admins only); a name is used once per department.
pub async fn save(db: &Db, user: &SessionUser, input: TemplateInput) -> AppResult<String> {
    if !user.administers(DepartmentId(input.department_id)) {
        return Err(AppError::Forbidden);
    }
    let name = input.name.trim().to_owned();
    let body = input.body.trim().to_owned();
    templates::check(&name, &body).map_err(AppError::BadRequest)?;
    let txn = db.begin_write().await?;
    // A system admin administers every department, even one that does not exist.
    department::Entity::find_by_id(input.department_id)
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::NotFound("That department".into()))?;
    let existing = match input.id {
        Some(id) => Some(
            reply_template::Entity::find_by_id(id)
                .one(&*txn)
                .await?
                .filter(|t| user.administers(DepartmentId(t.department_id)))
                .ok_or_else(|| AppError::NotFound("That reply template".into()))?,
        ),
        None => None,
    };
    let clash = reply_template::Entity::find()
        .filter(reply_template::Column::DepartmentId.eq(input.department_id))
        .filter(reply_template::Column::Name.eq(name.clone()))
        .one(&*txn)
        .await?;
    if clash.is_some_and(|c| Some(c.id) != input.id) {
        return Err(AppError::Conflict(format!(
            "The department has a template named “{name}” already: choose another name."
        )));
    }
    let now = db.now();
    match existing {
        Some(found) => {
            let mut change: reply_template::ActiveModel = found.into();
            change.department_id = Set(input.department_id);
            change.name = Set(name.clone());
            change.body = Set(body);
            change.updated_by = Set(user.id.0);
            change.updated_at = Set(now);
            change.update(&*txn).await?;
        }
        None => {
            let held = reply_template::Entity::find()
                .filter(reply_template::Column::DepartmentId.eq(input.department_id))
                .count(&*txn)
                .await?;
            if held >= templates::PER_DEPARTMENT {
                return Err(AppError::BadRequest(format!(
                    "A department keeps at most {} templates: remove one first.",
                    templates::PER_DEPARTMENT
                )));
            }
            reply_template::ActiveModel {
                department_id: Set(input.department_id),
                name: Set(name.clone()),
                body: Set(body),
                updated_by: Set(user.id.0),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&*txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(format!("Template “{name}” saved."))
}

/// Removes a template (its department's admins only).
pub async fn delete(db: &Db, user: &SessionUser, id: i64) -> AppResult<String> {
    let txn = db.begin_write().await?;
    let found = reply_template::Entity::find_by_id(id)
        .one(&*txn)
        .await?
        .filter(|t| user.administers(DepartmentId(t.department_id)))
        .ok_or_else(|| AppError::NotFound("That reply template".into()))?;
    reply_template::Entity::delete_by_id(id).exec(&*txn).await?;
    txn.commit().await?;
    Ok(format!("Template “{}” removed.", found.name))
}

/// The templates a department's agents choose from beside a request.
pub async fn choices(
    db: &impl ConnectionTrait,
    department_id: i64,
) -> AppResult<Vec<TemplateChoice>> {
    Ok(reply_template::Entity::find()
        .filter(reply_template::Column::DepartmentId.eq(department_id))
        .order_by_asc(reply_template::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|t| TemplateChoice {
            id: t.id,
            name: t.name,
        })
        .collect())
}

/// Template `id` of the department, filled in for one request; `None` when the department has
/// no such template (a stale link shows an empty reply box, not an error).
pub async fn filled(
    db: &impl ConnectionTrait,
    department_id: i64,
    id: i64,
    facts: &Facts<'_>,
) -> AppResult<Option<String>> {
    Ok(reply_template::Entity::find_by_id(id)
        .filter(reply_template::Column::DepartmentId.eq(department_id))
        .one(db)
        .await?
        .map(|t| templates::fill(&t.body, facts)))
}
