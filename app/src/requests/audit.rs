//! (ssr) The audit trail: every changed value of a request, its approvals and its tasks, with
//! who changed it, when, and what it was before and after. Rows are only ever added (the
//! database refuses updates and deletes), inside the transaction of the change itself.

use super::model::{AuditLine, RequestId};
use crate::db::{audit, user};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;

/// What a changed value belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Request,
    Approval,
    Task,
}

impl Subject {
    /// As stored in `audit_log.entity`.
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Request => "request",
            Subject::Approval => "approval",
            Subject::Task => "task",
        }
    }
}

/// One changed value.
pub struct Change {
    pub entity: Subject,
    pub entity_id: i64,
    pub field: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Change {
    pub fn request(
        id: i64,
        field: &'static str,
        before: Option<String>,
        after: Option<String>,
    ) -> Change {
        Change {
            entity: Subject::Request,
            entity_id: id,
            field,
            before,
            after,
        }
    }

    pub fn task(
        id: i64,
        field: &'static str,
        before: Option<String>,
        after: Option<String>,
    ) -> Change {
        Change {
            entity: Subject::Task,
            entity_id: id,
            field,
            before,
            after,
        }
    }

    pub fn approval(
        id: i64,
        field: &'static str,
        before: Option<String>,
        after: Option<String>,
    ) -> Change {
        Change {
            entity: Subject::Approval,
            entity_id: id,
            field,
            before,
            after,
        }
    }
}

/// Appends changes to a request's trail (unchanged values are skipped). Returns the first
/// row's id, if any was written.
pub(crate) async fn record(
    txn: &impl ConnectionTrait,
    request: RequestId,
    actor: Option<i64>,
    changes: impl IntoIterator<Item = Change>,
    at: DateTime<Utc>,
) -> AppResult<Option<i64>> {
    let mut first = None;
    for change in changes {
        if change.before == change.after {
            continue;
        }
        let row = audit::ActiveModel {
            request_id: Set(request.0),
            actor_id: Set(actor),
            entity: Set(change.entity.as_str().to_owned()),
            entity_id: Set(change.entity_id),
            field: Set(change.field.to_owned()),
            before: Set(change.before),
            after: Set(change.after),
            at: Set(at),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        first = first.or(Some(row.id));
    }
    Ok(first)
}

/// A person's name for the trail ("Ivan Petrov"), or none.
pub(crate) async fn person(
    db: &impl ConnectionTrait,
    id: Option<i64>,
) -> AppResult<Option<String>> {
    Ok(match id {
        Some(id) => user::Entity::find_by_id(id).one(db).await?.map(|u| u.name),
        None => None,
    })
}

/// A request's trail, oldest first, as people read it.
pub(crate) async fn trail(
    db: &impl ConnectionTrait,
    request: RequestId,
) -> AppResult<Vec<AuditLine>> {
    let rows = audit::Entity::find()
        .filter(audit::Column::RequestId.eq(request.0))
        .order_by_asc(audit::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_id).collect();
    let names: HashMap<i64, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|r| AuditLine {
            at: r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            actor: r
                .actor_id
                .and_then(|id| names.get(&id).cloned())
                .unwrap_or_else(|| "Atrium".to_owned()),
            what: format!(
                "{} #{} · {}",
                r.entity,
                r.entity_id,
                r.field.replace('_', " ")
            ),
            before: r.before.unwrap_or_default(),
            after: r.after.unwrap_or_default(),
        })
        .collect())
}
