//! (ssr) The requester's context beside a request, for the agents who work on it: who they
//! are, whom they report to, where they work, and their other open requests.
//!
//! Layer: use cases (a read over the directory and the requests).

use super::model::{RequestId, RequestRef, RequesterContext};
use super::service::parse_state;
use crate::db::{department, literal, request, user};
use crate::domain::state::RequestState;
use crate::error::AppResult;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// How many of the other open requests are listed.
const SHOWN: u64 = 5;

/// The context of the person `row` is for. `None` when they are no longer in the directory.
pub async fn context(
    db: &impl ConnectionTrait,
    row: &request::Model,
) -> AppResult<Option<RequesterContext>> {
    let Some(person) = user::Entity::find_by_id(row.requested_for_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let department = department::Entity::find_by_id(person.department_id)
        .one(db)
        .await?
        .map(|d| d.name)
        .unwrap_or_default();
    let manager = match person.manager_id {
        Some(id) => user::Entity::find_by_id(id).one(db).await?.map(|m| m.name),
        None => None,
    };
    // Those of the request's own department: the agent reads them all.
    let others = || {
        request::Entity::find()
            .filter(request::Column::RequestedForId.eq(person.id))
            .filter(request::Column::DepartmentId.eq(row.department_id))
            .filter(literal::is_one_of(
                request::Column::State,
                RequestState::ACTIVE.map(RequestState::as_str),
            ))
            .filter(request::Column::Id.ne(row.id))
    };
    let open_count = others().count(db).await?;
    let open_requests = others()
        .order_by_desc(request::Column::Id)
        .limit(SHOWN)
        .all(db)
        .await?
        .iter()
        .map(|r| {
            Ok(RequestRef {
                id: RequestId(r.id),
                title: r.title.clone(),
                state: parse_state(r)?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Some(RequesterContext {
        name: person.name,
        email: person.email,
        title: person.title,
        department,
        manager,
        location: person.location,
        open_requests,
        open_count,
    }))
}
