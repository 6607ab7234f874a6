//! (ssr) Queue views people save under a name ("Laptops waiting", "VIP unassigned"): each person
//! sees only their own. What is stored is the view's canonical address, rebuilt from the parsed
//! view, so a saved view can never carry anything the queue would not accept.

use super::model::SavedView;
use crate::auth::model::SessionUser;
use crate::db::{saved_view, Db};
use crate::domain::queue::{QueueFilter, QueueQuery};
use crate::error::{AppError, AppResult};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

/// Most views one person keeps.
pub const SAVED_VIEWS: usize = 20;
/// Longest view name, in characters.
pub const VIEW_NAME_LENGTH: usize = 60;

/// The person's saved views, by name.
pub async fn saved_views(
    db: &impl ConnectionTrait,
    user: &SessionUser,
) -> AppResult<Vec<SavedView>> {
    Ok(saved_view::Entity::find()
        .filter(saved_view::Column::UserId.eq(user.id.0))
        .order_by_asc(saved_view::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|v| SavedView {
            id: v.id,
            name: v.name,
            address: v.address,
        })
        .collect())
}

/// Saves the view at `address` under `name`; the same name again replaces that view. Returns
/// the view's canonical address.
pub async fn save_view(
    db: &Db,
    user: &SessionUser,
    name: &str,
    address: &str,
) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::BadRequest("Give the view a name.".into()));
    }
    if name.chars().count() > VIEW_NAME_LENGTH {
        return Err(AppError::BadRequest(format!(
            "A view's name is at most {VIEW_NAME_LENGTH} characters."
        )));
    }
    let address = QueueFilter::parse(&QueueQuery::from_address(address)).address();
    // The first statement writes: on SQLite the transaction takes the write lock at once
    // (a read first would hold a snapshot that a concurrent write makes stale: "database is
    // locked" with no waiting).
    let txn = db.begin_write().await?;
    let replaced = saved_view::Entity::update_many()
        .col_expr(saved_view::Column::Address, Expr::value(address.clone()))
        .filter(saved_view::Column::UserId.eq(user.id.0))
        .filter(saved_view::Column::Name.eq(name))
        .exec(&txn.txn)
        .await?;
    if replaced.rows_affected == 0 {
        let count = saved_view::Entity::find()
            .filter(saved_view::Column::UserId.eq(user.id.0))
            .count(&txn.txn)
            .await?;
        if count >= SAVED_VIEWS as u64 {
            return Err(AppError::Conflict(format!(
                "You have {SAVED_VIEWS} saved views already: delete one first."
            )));
        }
        saved_view::ActiveModel {
            user_id: Set(user.id.0),
            name: Set(name.to_owned()),
            address: Set(address.clone()),
            created_at: Set(db.now()),
            ..Default::default()
        }
        .insert(&txn.txn)
        .await?;
    }
    txn.commit().await?;
    Ok(address)
}

/// Deletes one of the person's saved views. Someone else's view is not found.
pub async fn delete_view(db: &Db, user: &SessionUser, id: i64) -> AppResult<String> {
    let view = saved_view::Entity::find_by_id(id)
        .filter(saved_view::Column::UserId.eq(user.id.0))
        .one(&db.conn)
        .await?
        .ok_or_else(|| AppError::NotFound("That saved view".into()))?;
    saved_view::Entity::delete_by_id(view.id)
        .exec(&db.conn)
        .await?;
    Ok(view.name)
}
