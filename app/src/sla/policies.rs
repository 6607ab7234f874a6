//! (ssr) An item's service levels, edited in the designer: read from and written into the
//! item's draft definition, so they are versioned, diffed and exported with the item.
//!
//! Layer: use cases.

use super::model::SlaFormView;
use crate::auth::model::SessionUser;
use crate::catalog::designer::{administered_item, save_draft, working_copy};
use crate::db::{calendar, team, Db};
use crate::domain::sla_form::SlaFields;
use crate::error::{internal, AppError, AppResult};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// The item's service levels as the designer's form shows them.
pub async fn form(db: &Db, user: &SessionUser, slug: &str) -> AppResult<SlaFormView> {
    let item = administered_item(&db.conn, user, slug).await?;
    let draft = working_copy(db, user, slug).await?;
    let policy = draft.definition.sla_policy().unwrap_or(None);
    let mut calendars: Vec<calendar::Model> = calendar::Entity::find()
        .filter(calendar::Column::DepartmentId.eq(item.department_id))
        .order_by_asc(calendar::Column::Name)
        .all(&db.conn)
        .await?;
    calendars.sort_by_key(|c| !c.is_default);
    let teams = team::Entity::find()
        .filter(team::Column::DepartmentId.eq(item.department_id))
        .order_by_asc(team::Column::Name)
        .all(&db.conn)
        .await?;
    Ok(SlaFormView {
        fields: SlaFields::of(slug, policy.as_ref()),
        calendars: calendars.into_iter().map(|c| (c.slug, c.name)).collect(),
        teams: teams.into_iter().map(|t| (t.slug, t.name)).collect(),
    })
}

/// Writes the form's service levels into the item's draft (checked as every definition is).
/// Returns what to tell the admin.
pub async fn save(db: &Db, user: &SessionUser, fields: SlaFields) -> AppResult<String> {
    let policy = fields.policy().map_err(AppError::BadRequest)?;
    let mut draft = working_copy(db, user, &fields.slug).await?;
    draft.definition.sla = policy
        .as_ref()
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| internal("service levels", e))?;
    save_draft(
        db,
        user,
        &fields.slug,
        &draft.definition,
        draft.draft_version,
    )
    .await?;
    Ok(match policy {
        Some(_) => "Service levels saved in the draft: they apply to requests once you publish.",
        None => "Service levels switched off in the draft: publish to apply.",
    }
    .to_owned())
}
