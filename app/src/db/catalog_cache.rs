//! (ssr) The catalog's rows (departments, categories, items), kept in memory between pages.
//!
//! Every signed-in home page reads the whole catalog, which changes a few times a day. The
//! database keeps a generation number that its triggers move on with every change to those
//! three tables (migration 27), whoever makes it: this server, another replica, the command
//! line. A page reads only that number; when it is the one the rows were read at, the rows in
//! memory are the catalog.

use super::{catalog_item, category, department};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::sync::{Arc, RwLock};

/// The catalog as stored, in display order: every department and category, the active items.
#[derive(Debug)]
pub struct CatalogRows {
    pub departments: Vec<department::Model>,
    pub categories: Vec<category::Model>,
    pub items: Vec<catalog_item::Model>,
}

/// This replica's copy of the catalog, with the generation it was read at.
#[derive(Debug, Default)]
pub struct CatalogCache {
    kept: RwLock<Option<(i64, Arc<CatalogRows>)>>,
}

impl CatalogCache {
    /// The catalog as it is now: from memory when the database's generation has not moved,
    /// read again (three queries) when it has.
    pub async fn rows(&self, db: &impl ConnectionTrait) -> Result<Arc<CatalogRows>, DbErr> {
        let generation = generation(db).await?;
        self.rows_at(db, generation).await
    }

    /// [`Self::rows`] when the page has read the generation already (with its other facts).
    pub async fn rows_at(
        &self,
        db: &impl ConnectionTrait,
        generation: i64,
    ) -> Result<Arc<CatalogRows>, DbErr> {
        if let Ok(kept) = self.kept.read() {
            if let Some((at, rows)) = kept.as_ref() {
                if *at == generation {
                    return Ok(rows.clone());
                }
            }
        }
        // Read after the generation: a change made meanwhile moves the number past `generation`,
        // so the next page reads again rather than keeping rows older than they claim.
        let rows = Arc::new(read(db).await?);
        if let Ok(mut kept) = self.kept.write() {
            if kept.as_ref().is_none_or(|(at, _)| *at <= generation) {
                *kept = Some((generation, rows.clone()));
            }
        }
        Ok(rows)
    }
}

/// The database's catalog generation.
async fn generation(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let query = Query::select()
        .expr_as(Expr::col("generation"), "generation")
        .from("catalog_generation")
        .and_where(Expr::col("id").eq(1))
        .to_owned();
    let row = db
        .query_one(&query)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the catalog generation".into()))?;
    row.try_get("", "generation")
}

async fn read(db: &impl ConnectionTrait) -> Result<CatalogRows, DbErr> {
    Ok(CatalogRows {
        departments: department::Entity::find()
            .order_by_asc(department::Column::SortOrder)
            .all(db)
            .await?,
        categories: category::Entity::find()
            .order_by_asc(category::Column::SortOrder)
            .order_by_asc(category::Column::Name)
            .all(db)
            .await?,
        items: catalog_item::Entity::find()
            .filter(catalog_item::Column::Active.eq(true))
            .order_by_asc(catalog_item::Column::Name)
            .all(db)
            .await?,
    })
}
