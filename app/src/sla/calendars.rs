//! (ssr) Business calendars: each department keeps its own, edited by its admins; every change
//! is a new version from its effective time on, so clocks can be recomputed from history.
//!
//! Layer: use cases.

use crate::auth::model::{DepartmentId, SessionUser};
use crate::db::{calendar, calendar_version, Db};
use crate::domain::calendar::{Calendar, Versions};
use crate::error::{internal, AppError, AppResult};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

/// Longest calendar name.
pub const NAME_LIMIT: usize = 80;

/// A new calendar of a department.
#[derive(Clone, Debug)]
pub struct NewCalendar {
    pub department_id: i64,
    pub slug: String,
    pub name: String,
    pub calendar: Calendar,
    /// Becomes the department's default (the first calendar always does).
    pub is_default: bool,
}

fn check_slug(slug: &str) -> AppResult<()> {
    let ok = !slug.is_empty()
        && slug.len() <= 40
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!(
            "“{slug}” cannot name a calendar: use lowercase letters, digits and dashes (at most 40)."
        )))
    }
}

fn definition_json(calendar: &Calendar) -> AppResult<String> {
    calendar.check().map_err(AppError::BadRequest)?;
    serde_json::to_string(calendar).map_err(|e| internal("calendar", e))
}

/// Creates a calendar (its department's admins), with its first version in effect from the
/// beginning of time: clocks that ran before it existed count on it too. Several writes (the
/// department's default moves): call it inside a write transaction.
pub async fn create(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    new: NewCalendar,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    if !user.administers(DepartmentId(new.department_id)) {
        return Err(AppError::Forbidden);
    }
    check_slug(&new.slug)?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > NAME_LIMIT {
        return Err(AppError::BadRequest(format!(
            "Give the calendar a name of at most {NAME_LIMIT} characters."
        )));
    }
    let definition = definition_json(&new.calendar)?;
    let existing = calendar::Entity::find()
        .filter(calendar::Column::DepartmentId.eq(new.department_id))
        .all(db)
        .await?;
    if existing.iter().any(|c| c.slug == new.slug) {
        return Err(AppError::Conflict(format!(
            "The department has a calendar “{}” already.",
            new.slug
        )));
    }
    let is_default = new.is_default || existing.is_empty();
    if is_default {
        calendar::Entity::update_many()
            .col_expr(
                calendar::Column::IsDefault,
                sea_orm::sea_query::Expr::value(false),
            )
            .filter(calendar::Column::DepartmentId.eq(new.department_id))
            .exec(db)
            .await?;
    }
    let row = calendar::ActiveModel {
        department_id: Set(new.department_id),
        slug: Set(new.slug),
        name: Set(name.to_owned()),
        is_default: Set(is_default),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    calendar_version::ActiveModel {
        calendar_id: Set(row.id),
        // The first version applies to all time before it too (see `Versions`).
        effective_at: Set(DateTime::<Utc>::UNIX_EPOCH),
        definition: Set(definition),
        created_by: Set(user.id.0),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Changes a calendar from `effective_at` on (its department's admins): a new version; the
/// versions before it stay as they were.
pub async fn change(
    db: &Db,
    user: &SessionUser,
    calendar_id: i64,
    calendar: &Calendar,
    effective_at: DateTime<Utc>,
) -> AppResult<()> {
    let definition = definition_json(calendar)?;
    let txn = db.begin_write().await?;
    let found = calendar::Entity::find_by_id(calendar_id)
        .one(&*txn)
        .await?
        .filter(|c| user.administers(DepartmentId(c.department_id)))
        .ok_or_else(|| AppError::NotFound("That calendar".into()))?;
    calendar_version::ActiveModel {
        calendar_id: Set(found.id),
        effective_at: Set(effective_at),
        definition: Set(definition),
        created_by: Set(user.id.0),
        created_at: Set(db.now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Every version of a calendar, for the clocks that count on it.
pub async fn versions(db: &impl ConnectionTrait, calendar_id: i64) -> AppResult<Versions> {
    let rows = calendar_version::Entity::find()
        .filter(calendar_version::Column::CalendarId.eq(calendar_id))
        .order_by_asc(calendar_version::Column::EffectiveAt)
        .order_by_asc(calendar_version::Column::Id)
        .all(db)
        .await?;
    let versions = rows
        .into_iter()
        .map(|v| {
            serde_json::from_str::<Calendar>(&v.definition)
                .map(|c| (v.effective_at, c))
                .map_err(|e| internal(&format!("calendar version {}", v.id), e))
        })
        .collect::<AppResult<Vec<_>>>()?;
    Versions::new(versions)
        .ok_or_else(|| internal("calendar", format!("{calendar_id} has no version")))
}

/// The calendar a department's clocks count on: the one named (by slug), or its default;
/// round the clock when the department has none.
pub async fn for_department(
    db: &impl ConnectionTrait,
    department_id: i64,
    named: Option<&str>,
) -> AppResult<Versions> {
    let calendars = calendar::Entity::find()
        .filter(calendar::Column::DepartmentId.eq(department_id))
        .all(db)
        .await?;
    let chosen = match named {
        Some(slug) => calendars.iter().find(|c| c.slug == slug),
        None => None,
    }
    .or_else(|| calendars.iter().find(|c| c.is_default));
    match chosen {
        Some(found) => versions(db, found.id).await,
        None => Ok(Versions::single(Calendar::always())),
    }
}
