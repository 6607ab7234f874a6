//! What the page header shows — who is signed in and what waits on them — read in one call,
//! so the header costs one round trip however many counters it carries.

use crate::auth::model::SessionUser;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in person and their header counters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeaderView {
    pub user: SessionUser,
    /// Approvals waiting on them.
    pub approvals_waiting: u64,
    /// Notifications they have not read.
    pub notifications_unread: u64,
}

/// The header of the caller: `None` for someone not signed in (the sign-in page asks too).
#[server(endpoint = "header_state", input = server_fn::codec::GetUrl)]
pub async fn header_state() -> Result<Option<HeaderView>, AppError> {
    use crate::auth::service::{optional_user, respond};
    respond(async move {
        let Some(user) = optional_user().await? else {
            return Ok(None);
        };
        let (waiting, unread) = counters_once(user.id.0).await?;
        Ok(Some(HeaderView {
            user,
            approvals_waiting: waiting,
            notifications_unread: unread,
        }))
    })
    .await
}

/// The header's counters, read once per request and shared by everything the request
/// renders (the header, and the home page's "Needs your action").
#[cfg(feature = "ssr")]
#[derive(Clone, Default)]
pub struct RequestCounters(std::sync::Arc<tokio::sync::OnceCell<(u64, u64)>>);

/// Gives the current request its own [`RequestCounters`] (in the server's per-request context).
#[cfg(feature = "ssr")]
pub fn provide_request_counters() {
    provide_context(RequestCounters::default());
}

/// The signed-in person's (approvals waiting, notifications unread), once per request.
#[cfg(feature = "ssr")]
pub async fn counters_once(user_id: i64) -> Result<(u64, u64), AppError> {
    let read = || async move {
        let state = crate::state::AppState::current()?;
        counters(&state.db.conn, user_id).await
    };
    match use_context::<RequestCounters>() {
        Some(RequestCounters(once)) => once.get_or_try_init(read).await.copied(),
        None => read().await,
    }
}

/// The header's two counters in one query: approvals waiting on the person, and their unread
/// notifications (every signed-in page reads them).
#[cfg(feature = "ssr")]
async fn counters(
    db: &impl sea_orm::ConnectionTrait,
    user_id: i64,
) -> Result<(u64, u64), AppError> {
    use crate::db::{approval, notification};
    use sea_orm::sea_query::{Expr, Func, Query};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
    let count =
        |query: sea_orm::sea_query::SelectStatement| Expr::SubQuery(None, Box::new(query.into()));
    let waiting = approval::Entity::find()
        .select_only()
        .expr(Func::count(Expr::col(approval::Column::Id)))
        .filter(approval::Column::ApproverId.eq(user_id))
        .filter(approval::Column::Decision.is_null())
        .into_query();
    let unread = notification::Entity::find()
        .select_only()
        .expr(Func::count(Expr::col(notification::Column::Id)))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .into_query();
    let query = Query::select()
        .expr_as(count(waiting), "waiting")
        .expr_as(count(unread), "unread")
        .to_owned();
    let row = db
        .query_one(&query)
        .await?
        .ok_or_else(|| crate::error::missing("the header counters' row"))?;
    let waiting: i64 = row.try_get("", "waiting")?;
    let unread: i64 = row.try_get("", "unread")?;
    Ok((waiting.max(0) as u64, unread.max(0) as u64))
}
