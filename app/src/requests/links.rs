//! (ssr) Linked requests: two related requests, and a request closed as a duplicate of one that
//! goes on (its requester is told, follows the one that goes on, and may read it).
//!
//! Layer: use cases (the kernel changes the request; the links are rows of their own).

use super::access::{access_in, Access};
use super::kernel::{EventKind, NoticeKind, RequestWork};
use super::model::{LinkKind, LinkedRequest, RequestId};
use super::service::{check_comment_length, parse_state};
use crate::auth::model::SessionUser;
use crate::db::{request, request_link, Db};
use crate::domain::state::RequestState;
use crate::error::{AppError, AppResult};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

/// Most links one request holds.
pub const LINK_LIMIT: u64 = 50;

/// The link between two requests, whichever way round it was made.
fn between(a: i64, b: i64) -> Condition {
    Condition::any()
        .add(
            request_link::Column::RequestId
                .eq(a)
                .and(request_link::Column::OtherId.eq(b)),
        )
        .add(
            request_link::Column::RequestId
                .eq(b)
                .and(request_link::Column::OtherId.eq(a)),
        )
}

fn touching(id: i64) -> Condition {
    Condition::any()
        .add(request_link::Column::RequestId.eq(id))
        .add(request_link::Column::OtherId.eq(id))
}

/// Opens request `id` for a change only its department's agents make, and reads the other
/// request, which the agent must be able to read (otherwise it is "not found", as anywhere).
async fn open_pair(
    db: &Db,
    user: &SessionUser,
    id: RequestId,
    other: RequestId,
    refusal: &str,
) -> AppResult<(RequestWork, request::Model)> {
    let work = RequestWork::open(db, id).await?;
    if access_in(work.txn(), user, work.row()).await? != Access::Agent {
        return Err(AppError::NotAllowed(refusal.to_owned()));
    }
    if other == id {
        return Err(AppError::BadRequest(format!(
            "{id} cannot be linked to itself: give another request's number."
        )));
    }
    let other_row = request::Entity::find_by_id(other.0)
        .one(work.txn())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Request {other}")))?;
    access_in(work.txn(), user, &other_row).await?;
    Ok((work, other_row))
}

async fn check_room(work: &RequestWork) -> AppResult<()> {
    let held = request_link::Entity::find()
        .filter(touching(work.id().0))
        .count(work.txn())
        .await?;
    if held >= LINK_LIMIT {
        return Err(AppError::BadRequest(format!(
            "{} has {LINK_LIMIT} links already: remove one first.",
            work.id()
        )));
    }
    Ok(())
}

async fn insert_link(
    work: &RequestWork,
    user: &SessionUser,
    other: i64,
    kind: LinkKind,
) -> AppResult<()> {
    request_link::ActiveModel {
        request_id: Set(work.id().0),
        other_id: Set(other),
        kind: Set(kind.as_str().to_owned()),
        created_by: Set(user.id.0),
        created_at: Set(work.now()),
        ..Default::default()
    }
    .insert(work.txn())
    .await?;
    Ok(())
}

/// Links two related requests (agents of the first one's department, who can read the other).
pub async fn link(
    db: &Db,
    user: &SessionUser,
    id: RequestId,
    other: RequestId,
) -> AppResult<String> {
    let (work, other_row) = open_pair(
        db,
        user,
        id,
        other,
        "Only the department that fulfils a request links it to others.",
    )
    .await?;
    let linked = request_link::Entity::find()
        .filter(between(id.0, other.0))
        .one(work.txn())
        .await?;
    if linked.is_some() {
        return Err(AppError::Conflict(format!(
            "{id} and {other} are linked already."
        )));
    }
    check_room(&work).await?;
    insert_link(&work, user, other.0, LinkKind::Related).await?;
    work.event(
        Some(user.id.0),
        EventKind::Updated,
        format!("Linked to {other} {}", other_row.title),
    )
    .await?;
    crate::workflow::commit(work).await?;
    tracing::info!(
        request = id.0,
        other = other.0,
        user = user.id.0,
        "requests linked"
    );
    Ok(format!("{id} is linked to {other}."))
}

/// Removes the link between two related requests (a duplicate's link stays: it is why the
/// request was closed).
pub async fn unlink(
    db: &Db,
    user: &SessionUser,
    id: RequestId,
    other: RequestId,
) -> AppResult<String> {
    let (work, other_row) = open_pair(
        db,
        user,
        id,
        other,
        "Only the department that fulfils a request removes its links.",
    )
    .await?;
    let removed = request_link::Entity::delete_many()
        .filter(between(id.0, other.0))
        .filter(request_link::Column::Kind.eq(LinkKind::Related.as_str()))
        .exec(work.txn())
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::Conflict(format!(
            "{id} and {other} are not linked as related requests."
        )));
    }
    work.event(
        Some(user.id.0),
        EventKind::Updated,
        format!("No longer linked to {other} {}", other_row.title),
    )
    .await?;
    crate::workflow::commit(work).await?;
    Ok(format!("{id} is no longer linked to {other}."))
}

/// What an agent says when closing a request as a duplicate.
#[derive(Clone, Debug)]
pub struct DuplicateClose {
    /// The request that goes on.
    pub survivor: RequestId,
    /// The version of the duplicate the agent saw.
    pub expected_version: i32,
    /// Said to the requester (a public reply), if anything.
    pub note: Option<String>,
}

/// Closes request `id` (it becomes cancelled) as a duplicate of `close.survivor`, of the same
/// department: its requester, and the person it was for, are told, follow the survivor and may
/// read it. Confidential requests are not closed into one another (their requesters would read
/// each other's): they can be linked instead.
pub async fn close_as_duplicate(
    db: &Db,
    user: &SessionUser,
    id: RequestId,
    close: DuplicateClose,
) -> AppResult<String> {
    let survivor = close.survivor;
    let (mut work, kept) = open_pair(
        db,
        user,
        id,
        survivor,
        "Only the department that fulfils a request closes it as a duplicate.",
    )
    .await?;
    work.check_seen(close.expected_version)?;
    let note = close
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    if let Some(note) = &note {
        check_comment_length(note)?;
    }
    let row = work.row().clone();
    if kept.department_id != row.department_id {
        return Err(AppError::BadRequest(format!(
            "{survivor} is another department's request: close a duplicate into a request of \
             the same department, or link the two."
        )));
    }
    if row.confidential || kept.confidential {
        return Err(AppError::BadRequest(
            "Confidential requests are not closed into one another (their requesters would \
             read each other's): link them instead."
                .into(),
        ));
    }
    let kept_state = parse_state(&kept)?;
    if kept_state.is_final() {
        return Err(AppError::Conflict(format!(
            "{survivor} is {}: choose the request that goes on.",
            kept_state.label().to_lowercase()
        )));
    }
    if !work
        .state()
        .next_states()
        .contains(&RequestState::Cancelled)
    {
        return Err(AppError::Conflict(format!(
            "{id} is {} already: only an open request is closed as a duplicate.",
            work.state().label().to_lowercase()
        )));
    }
    request_link::Entity::delete_many()
        .filter(between(id.0, survivor.0))
        .exec(work.txn())
        .await?;
    check_room(&work).await?;
    insert_link(&work, user, survivor.0, LinkKind::DuplicateOf).await?;
    if let Some(note) = note {
        work.comment(user.id.0, note, false).await?;
    }
    work.event(
        Some(user.id.0),
        EventKind::Updated,
        format!("Closed as a duplicate of {survivor} {}", kept.title),
    )
    .await?;
    work.transition(RequestState::Cancelled, Some(user.id.0), "")
        .await?;
    let mut told = work.watchers().await?;
    told.extend([row.requester_id, row.requested_for_id]);
    told.retain(|p| *p != user.id.0);
    told.sort_unstable();
    told.dedup();
    for person in [row.requester_id, row.requested_for_id] {
        crate::notifications::service::add_watcher(work.txn(), survivor.0, person, work.now())
            .await?;
    }
    work.notify(
        NoticeKind::Progress,
        told,
        format!("{id} {} is closed as a duplicate of {survivor}", row.title),
        format!(
            "The same work goes on in {survivor} {}: you follow it now and hear of its progress.",
            kept.title
        ),
    )
    .await?;
    crate::workflow::commit(work).await?;
    tracing::info!(
        request = id.0,
        survivor = survivor.0,
        user = user.id.0,
        "closed as duplicate"
    );
    Ok(format!(
        "{id} is closed as a duplicate of {survivor}; its requester follows {survivor} now."
    ))
}

/// The requests linked to `row` that the user may read, newest link first.
pub async fn links_of(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    row: &request::Model,
) -> AppResult<Vec<LinkedRequest>> {
    let links = request_link::Entity::find()
        .filter(touching(row.id))
        .order_by_desc(request_link::Column::Id)
        .limit(LINK_LIMIT)
        .all(db)
        .await?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let others: Vec<i64> = links
        .iter()
        .map(|l| {
            if l.request_id == row.id {
                l.other_id
            } else {
                l.request_id
            }
        })
        .collect();
    let rows: std::collections::HashMap<i64, request::Model> = request::Entity::find()
        .filter(request::Column::Id.is_in(others))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut out = Vec::new();
    for link in links {
        let (other, kind) = if link.request_id == row.id {
            let kind = if link.kind == LinkKind::DuplicateOf.as_str() {
                LinkKind::DuplicateOf
            } else {
                LinkKind::Related
            };
            (link.other_id, kind)
        } else if link.kind == LinkKind::DuplicateOf.as_str() {
            (link.request_id, LinkKind::Duplicates)
        } else {
            (link.request_id, LinkKind::Related)
        };
        let Some(other) = rows.get(&other) else {
            continue;
        };
        if access_in(db, user, other).await.is_err() {
            continue;
        }
        out.push(LinkedRequest {
            id: RequestId(other.id),
            title: other.title.clone(),
            state: parse_state(other)?,
            kind,
        });
    }
    Ok(out)
}
