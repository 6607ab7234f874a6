//! (ssr) What every signed-in page reads besides its own data — the header's counters and the
//! catalog's generation — in one query, once per request.
//!
//! A page renders several server functions (the header, the page's own data); each would
//! otherwise ask the database again. The server gives every request an empty
//! [`RequestPageFacts`]; the first reader fills it.

use super::{approval, notification};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryResult, QuerySelect,
    QueryTrait,
};

/// The facts of one page, for one signed-in person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageFacts {
    /// Approvals waiting on the person.
    pub approvals_waiting: u64,
    /// Their unread notifications.
    pub notifications_unread: u64,
    /// The catalog's generation (see `catalog_cache`).
    pub catalog_generation: i64,
}

/// This request's facts, read at most once (per person: a request has one).
#[derive(Clone, Default)]
pub struct RequestPageFacts(std::sync::Arc<tokio::sync::OnceCell<(i64, PageFacts)>>);

impl RequestPageFacts {
    /// The facts for `user_id`, read on first use (unless the request arrived with them, see
    /// [`Preloaded`]) and kept for the rest of the request.
    pub async fn get(&self, db: &impl ConnectionTrait, user_id: i64) -> Result<PageFacts, DbErr> {
        let (for_user, facts) = self
            .0
            .get_or_try_init(|| async {
                match preloaded() {
                    Some(Preloaded { user_id, facts }) => Ok((user_id, facts)),
                    None => Ok::<_, DbErr>((user_id, read(db, user_id).await?)),
                }
            })
            .await?;
        if *for_user == user_id {
            Ok(*facts)
        } else {
            read(db, user_id).await
        }
    }
}

/// Facts read before the page began (with the session and the person, in the same query), put
/// in the HTTP request's extensions by the server's sign-in check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preloaded {
    pub user_id: i64,
    pub facts: PageFacts,
}

/// The facts the current HTTP request arrived with, if any.
fn preloaded() -> Option<Preloaded> {
    leptos::prelude::with_context::<http::request::Parts, _>(|parts| {
        parts.extensions.get::<Preloaded>().copied()
    })
    .flatten()
}

/// Reads the facts: three counts and a number, one round trip.
pub async fn read(db: &impl ConnectionTrait, user_id: i64) -> Result<PageFacts, DbErr> {
    let mut query = Query::select();
    select(&mut query, Expr::val(user_id));
    let row = db
        .query_one(&query)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the page facts' row".into()))?;
    from_row(&row)
}

/// Adds the facts to `query`, as three columns, for the person `user_id` names: a value, or a
/// column of the query's own tables (to read the facts with whatever else a query reads).
pub fn select(query: &mut SelectStatement, user_id: Expr) {
    let scalar = |query: SelectStatement| Expr::SubQuery(None, Box::new(query.into()));
    let waiting = approval::Entity::find()
        .select_only()
        .expr(Func::count(Expr::col(approval::Column::Id)))
        .filter(Expr::col((approval::Entity, approval::Column::ApproverId)).eq(user_id.clone()))
        .filter(approval::Column::Decision.is_null())
        .into_query();
    let unread = notification::Entity::find()
        .select_only()
        .expr(Func::count(Expr::col(notification::Column::Id)))
        .filter(Expr::col((notification::Entity, notification::Column::UserId)).eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .into_query();
    let generation = Query::select()
        .expr(Expr::col("generation"))
        .from("catalog_generation")
        .and_where(Expr::col("id").eq(1))
        .to_owned();
    query
        .expr_as(scalar(waiting), "waiting")
        .expr_as(scalar(unread), "unread")
        .expr_as(scalar(generation), "generation");
}

/// The facts from a row of a query they were [`select`]ed into.
pub fn from_row(row: &QueryResult) -> Result<PageFacts, DbErr> {
    let waiting: i64 = row.try_get("", "waiting")?;
    let unread: i64 = row.try_get("", "unread")?;
    let generation: Option<i64> = row.try_get("", "generation")?;
    Ok(PageFacts {
        approvals_waiting: u64::try_from(waiting).unwrap_or_default(),
        notifications_unread: u64::try_from(unread).unwrap_or_default(),
        catalog_generation: generation
            .ok_or_else(|| DbErr::RecordNotFound("the catalog generation".into()))?,
    })
}

/// Gives the current request its own [`RequestPageFacts`] (in the server's per-request
/// context).
pub fn provide() {
    leptos::prelude::provide_context(RequestPageFacts::default());
}

/// The page facts of the current request for `user_id`: read once, then shared (read
/// directly outside a request, e.g. in tests).
pub async fn for_request(db: &impl ConnectionTrait, user_id: i64) -> Result<PageFacts, DbErr> {
    match leptos::prelude::use_context::<RequestPageFacts>() {
        Some(facts) => facts.get(db, user_id).await,
        None => read(db, user_id).await,
    }
}
