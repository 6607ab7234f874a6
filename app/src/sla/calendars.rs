//! (ssr) Business calendars: each department keeps its own, edited by its admins; every change
//! is a new version from its effective time on, so clocks can be recomputed from history.
//!
//! Layer: use cases.

use crate::auth::model::{DepartmentId, SessionUser};
use crate::db::{calendar, calendar_version, Db};
use crate::domain::calendar::{Calendar, Versions};
use crate::error::{internal, AppError, AppResult};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

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
            .col_expr(calendar::Column::IsDefault, Expr::value(false))
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
        zone: Set(new.calendar.zone.clone()),
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
/// versions before it stay as they were. The clocks of open requests on it are recomputed in
/// the background ([`recompute_pending`]).
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
    let version = calendar_version::ActiveModel {
        calendar_id: Set(found.id),
        effective_at: Set(effective_at),
        definition: Set(definition),
        created_by: Set(user.id.0),
        created_at: Set(db.now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    // Its open clocks are recomputed in the background, from the first request on. The start
    // mark is this version's own (negative: before every request number), so a recompute
    // that was under way notices the change and starts over.
    calendar::Entity::update_many()
        .col_expr(calendar::Column::Zone, Expr::value(calendar.zone.clone()))
        .col_expr(calendar::Column::RecomputeAfter, Expr::value(-version.id))
        .filter(calendar::Column::Id.eq(found.id))
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Every version of a calendar, for the clocks that count on it.
pub use crate::db::calendar::versions;

/// The calendar a department's clocks count on: the one named (by slug), or its default;
/// round the clock when the department has none.
pub async fn for_department(
    db: &impl ConnectionTrait,
    department_id: i64,
    named: Option<&str>,
) -> AppResult<Versions> {
    Ok(
        crate::db::calendar::for_department(db, department_id, named)
            .await?
            .versions,
    )
}

/// Recomputes the open clocks of every changed calendar, batch by batch
/// ([`crate::sla::clocks::RECOMPUTE_BATCH`] requests per transaction), keeping the progress in
/// the calendar's row. Safe with several replicas: each batch moves the progress on only if
/// nobody moved it meanwhile (a calendar changed again starts over). Returns how many requests
/// were recomputed.
pub async fn recompute_pending(db: &Db) -> AppResult<usize> {
    use crate::sla::clocks::{open_on_calendar, recompute, RECOMPUTE_BATCH};
    let mut total = 0;
    let pending = calendar::Entity::find()
        .filter(calendar::Column::RecomputeAfter.is_not_null())
        .all(&db.conn)
        .await?;
    for found in pending {
        let Some(mut after) = found.recompute_after else {
            continue;
        };
        loop {
            let ids = open_on_calendar(&db.conn, found.id, after, RECOMPUTE_BATCH as u64).await?;
            let next = ids.last().copied();
            total += recompute(db, &ids).await?;
            let moved = calendar::Entity::update_many()
                .col_expr(calendar::Column::RecomputeAfter, Expr::value(next))
                .filter(calendar::Column::Id.eq(found.id))
                .filter(calendar::Column::RecomputeAfter.eq(after))
                .exec(&db.conn)
                .await?;
            match (moved.rows_affected, next) {
                (1, Some(next)) => after = next,
                (1, None) => break,
                // Changed again, or another replica got further: read where it stands.
                _ => match calendar::Entity::find_by_id(found.id)
                    .one(&db.conn)
                    .await?
                    .and_then(|c| c.recompute_after)
                {
                    Some(now_after) => after = now_after,
                    None => break,
                },
            }
        }
    }
    if total > 0 {
        tracing::info!(requests = total, "clocks recomputed after calendar changes");
    }
    Ok(total)
}

/// The calendars of the departments `user` administers, for the calendar editor.
pub async fn for_admin(
    db: &impl ConnectionTrait,
    user: &SessionUser,
) -> AppResult<crate::sla::model::CalendarsView> {
    use crate::db::request_clock;
    use crate::domain::calendar_text::{holidays_text, hours_text};
    use sea_orm::{PaginatorTrait, QueryOrder};
    let departments: Vec<i64> = user
        .administered_departments()
        .into_iter()
        .map(|d| d.0)
        .collect();
    let mut query = calendar::Entity::find().order_by_asc(calendar::Column::Id);
    if !user.has_role(crate::auth::model::Role::SystemAdmin) {
        if departments.is_empty() {
            return Err(AppError::Forbidden);
        }
        query = query.filter(calendar::Column::DepartmentId.is_in(departments));
    }
    let rows = query.all(db).await?;
    let names = crate::requests::service::department_names(db).await?;
    let mut calendars = Vec::with_capacity(rows.len());
    for row in rows {
        let history = calendar_version::Entity::find()
            .filter(calendar_version::Column::CalendarId.eq(row.id))
            .order_by_desc(calendar_version::Column::EffectiveAt)
            .order_by_desc(calendar_version::Column::Id)
            .all(db)
            .await?;
        let authors =
            crate::directory::user_names(db, history.iter().map(|v| v.created_by)).await?;
        let latest = versions(db, row.id).await?;
        let current: Calendar = history
            .first()
            .and_then(|v| serde_json::from_str(&v.definition).ok())
            .unwrap_or_else(Calendar::always);
        let zone = latest.zone();
        calendars.push(crate::sla::model::CalendarView {
            id: row.id,
            department: names.get(&row.department_id).cloned().unwrap_or_default(),
            name: row.name,
            is_default: row.is_default,
            zone: current.zone.clone(),
            week: current.week.iter().map(|d| hours_text(d)).collect(),
            holidays: holidays_text(&current.holidays),
            versions: history
                .iter()
                .map(|v| {
                    let from = if v.effective_at <= DateTime::<Utc>::UNIX_EPOCH {
                        "From the start".to_owned()
                    } else {
                        format!(
                            "From {}",
                            v.effective_at
                                .with_timezone(&zone)
                                .format("%-d %b %Y, %H:%M %Z")
                        )
                    };
                    let by = authors.get(&v.created_by).cloned().unwrap_or_default();
                    format!("{from} · by {by}")
                })
                .collect(),
            open_requests: request_clock::Entity::find()
                .filter(request_clock::Column::CalendarId.eq(row.id))
                .filter(request_clock::Column::Open.eq(true))
                .filter(request_clock::Column::Kind.eq("resolution"))
                .count(db)
                .await?,
            recomputing: row.recompute_after.is_some(),
        });
    }
    Ok(crate::sla::model::CalendarsView { calendars })
}

/// The editor's form for a calendar change.
#[derive(Clone, Debug)]
pub struct CalendarForm {
    pub calendar_id: i64,
    pub zone: String,
    /// Monday to Sunday, as typed.
    pub week: [String; 7],
    pub holidays: String,
    /// `2026-12-07T09:00` in the calendar's zone; empty: now.
    pub effective_from: String,
}

/// Saves the editor's form as a new version of the calendar. Returns what to tell the person.
pub async fn change_from_form(
    db: &Db,
    user: &SessionUser,
    form: CalendarForm,
) -> AppResult<String> {
    use chrono::TimeZone;
    let calendar =
        crate::domain::calendar_text::parse_calendar(&form.zone, &form.week, &form.holidays)
            .map_err(AppError::BadRequest)?;
    let effective_at = match form.effective_from.trim() {
        "" => db.now(),
        text => {
            let local =
                chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").map_err(|_| {
                    AppError::BadRequest(format!(
                        "“{text}” is not a date and time; leave it empty to change from now."
                    ))
                })?;
            calendar
                .tz()
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| {
                    AppError::BadRequest(format!("{text} does not exist in {}.", calendar.zone))
                })?
        }
    };
    change(db, user, form.calendar_id, &calendar, effective_at).await?;
    Ok("Calendar saved. Due times of open requests on it are being recomputed.".into())
}
