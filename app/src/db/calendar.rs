//! The `calendars` table: a department's business calendars (their versions are in
//! `calendar_versions`).

use crate::domain::calendar::{Calendar, Versions};
use crate::error::{internal, AppResult};
use sea_orm::entity::prelude::*;
use sea_orm::QueryOrder;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendars")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub department_id: i64,
    pub slug: String,
    pub name: String,
    /// The department's default: SLA policies that name no calendar count on it.
    pub is_default: bool,
    pub created_at: DateTimeUtc,
    /// The latest version's time zone.
    pub zone: String,
    /// How far the recompute of its open clocks after a change got (a request number; none:
    /// nothing to do).
    pub recompute_after: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Every version of a calendar, for the clocks that count on it.
pub async fn versions(db: &impl ConnectionTrait, calendar_id: i64) -> AppResult<Versions> {
    let rows = super::calendar_version::Entity::find()
        .filter(super::calendar_version::Column::CalendarId.eq(calendar_id))
        .order_by_asc(super::calendar_version::Column::EffectiveAt)
        .order_by_asc(super::calendar_version::Column::Id)
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

/// The calendar clocks count on, with its versions.
#[derive(Clone, Debug)]
pub struct Chosen {
    /// None: round the clock (the department has no calendar).
    pub calendar: Option<Model>,
    pub versions: Versions,
}

impl Chosen {
    /// `the Berlin office calendar`, `round-the-clock hours`.
    pub fn label(&self) -> String {
        match &self.calendar {
            Some(c) => format!("the {} calendar", c.name),
            None => "round-the-clock hours".into(),
        }
    }
}

/// The calendar a department's clocks count on: the one named (by slug), or its default;
/// round the clock when the department has none.
pub async fn for_department(
    db: &impl ConnectionTrait,
    department_id: i64,
    named: Option<&str>,
) -> AppResult<Chosen> {
    let calendars = Entity::find()
        .filter(Column::DepartmentId.eq(department_id))
        .all(db)
        .await?;
    let chosen = match named {
        Some(slug) => calendars.iter().find(|c| c.slug == slug),
        None => None,
    }
    .or_else(|| calendars.iter().find(|c| c.is_default));
    match chosen {
        Some(found) => Ok(Chosen {
            versions: versions(db, found.id).await?,
            calendar: Some(found.clone()),
        }),
        None => Ok(Chosen {
            calendar: None,
            versions: Versions::single(Calendar::always()),
        }),
    }
}
