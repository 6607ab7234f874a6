//! (ssr) Who may see and work on a request: the guard every request path starts with.
//!
//! Layer: directory and guards (it reads the request, task and approval tables, nothing above).

use super::model::{LinkKind, RequestId};
use crate::auth::model::SessionUser;
use crate::db::{approval, request, request_link, task};
use crate::error::{AppError, AppResult};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter};

/// What a user may do with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The requester (or the person it is for).
    Requester,
    /// Works in the request's department (agent, department admin, system admin).
    Agent,
    /// Reads everything (leadership).
    Reader,
    /// Works in a department that has a task on the request: sees it whole, internal notes
    /// included, comments, and works on its own tasks, but does not move the request itself.
    Collaborator,
}

impl Access {
    /// Sees internal notes and may write them.
    pub fn works_on(self) -> bool {
        matches!(self, Access::Agent | Access::Collaborator)
    }
}

/// The caller's access to a request; requests they may not see are reported as not found, so
/// guessing numbers reveals nothing.
pub fn access(user: &SessionUser, row: &request::Model) -> AppResult<Access> {
    if user.works_in(crate::auth::model::DepartmentId(row.department_id)) {
        Ok(Access::Agent)
    } else if row.requester_id == user.id.0 || row.requested_for_id == user.id.0 {
        Ok(Access::Requester)
    } else if user.sees_all_requests() && !row.confidential {
        // Leadership reads every request but a confidential one (an HR matter, a leave
        // note): those are for the people involved in them only.
        Ok(Access::Reader)
    } else {
        Err(not_found(RequestId(row.id)))
    }
}

fn not_found(id: RequestId) -> AppError {
    AppError::NotFound(format!("Request {id}"))
}

/// [`access`], plus read access for the people asked to approve the request: they must see
/// what they decide on (answers, files, timeline).
pub async fn access_in(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    row: &request::Model,
) -> AppResult<Access> {
    match access(user, row) {
        Ok(found) => Ok(found),
        Err(denied) => {
            if works_on_request(db, user, row.id).await? {
                return Ok(Access::Collaborator);
            }
            let asked = approval::Entity::find()
                .filter(approval::Column::RequestId.eq(row.id))
                .filter(approval::Column::ApproverId.eq(user.id.0))
                .one(db)
                .await?;
            if asked.is_some() || follows_as_duplicate(db, user, row.id).await? {
                Ok(Access::Reader)
            } else {
                Err(denied)
            }
        }
    }
}

/// Whether the user works in a department that holds a task of this request.
pub async fn works_on_request(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    request_id: i64,
) -> AppResult<bool> {
    let departments: Vec<i64> = user.agent_departments().into_iter().map(|d| d.0).collect();
    if departments.is_empty() {
        return Ok(false);
    }
    Ok(task::Entity::find()
        .filter(task::Column::RequestId.eq(request_id))
        .filter(task::Column::DepartmentId.is_in(departments))
        .count(db)
        .await?
        > 0)
}

/// Whether the user asked for (or was ordered) a request that was closed as a duplicate of
/// this one: they follow the one that goes on, and read it.
async fn follows_as_duplicate(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    request_id: i64,
) -> AppResult<bool> {
    let duplicates: Vec<i64> = request_link::Entity::find()
        .filter(request_link::Column::OtherId.eq(request_id))
        .filter(request_link::Column::Kind.eq(LinkKind::DuplicateOf.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.request_id)
        .collect();
    if duplicates.is_empty() {
        return Ok(false);
    }
    Ok(request::Entity::find()
        .filter(request::Column::Id.is_in(duplicates))
        .filter(
            request::Column::RequesterId
                .eq(user.id.0)
                .or(request::Column::RequestedForId.eq(user.id.0)),
        )
        .count(db)
        .await?
        > 0)
}
