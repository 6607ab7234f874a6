//! Request server functions. Each starts with the sign-in guard; record-level access is checked
//! in the service.

use super::model::{
    MyWork, Page, QueueView, ReplyTemplates, RequestDetail, RequestId, RequestSummary,
};
use crate::domain::queue::QueueQuery;
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[cfg(feature = "ssr")]
fn parse_id(number: &str) -> Result<RequestId, AppError> {
    number
        .parse::<RequestId>()
        .map_err(|_| AppError::NotFound(format!("Request “{number}”")))
}

/// Orders a catalog item. On success the browser goes to the new request's page; on invalid
/// answers every field's message comes back, and nothing is stored.
#[server(endpoint = "submit_request")]
pub async fn submit_request(
    item: String,
    #[server(default)] answers: BTreeMap<String, String>,
    /// The email of the person it is for, when ordering for someone else.
    #[server(default)]
    for_person: Option<String>,
) -> Result<RequestId, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let id =
            super::service::submit_for(&state.db, &user, &item, answers, for_person.as_deref())
                .await?;
        leptos_axum::redirect(&format!("/requests/{id}"));
        Ok(id)
    })
    .await
}

/// A request, as the caller may see it; `template` fills the reply box from one of the
/// department's reply templates (for those who work on it).
#[server(endpoint = "get_request", input = server_fn::codec::GetUrl)]
pub async fn get_request(
    number: String,
    #[server(default)] template: Option<i64>,
) -> Result<RequestDetail, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::service::detail_with_draft(&state.db, &user, parse_id(&number)?, template).await
    })
    .await
}

/// The reply templates of the departments the caller administers.
#[server(endpoint = "list_reply_templates", input = server_fn::codec::GetUrl)]
pub async fn list_reply_templates() -> Result<ReplyTemplates, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::templates::for_admin(&state.db, &user).await
    })
    .await
}

/// Saves a reply template (a new one without `id`).
#[server(endpoint = "save_reply_template")]
pub async fn save_reply_template(
    #[server(default)] id: Option<i64>,
    department: i64,
    name: String,
    body: String,
) -> Result<String, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let input = super::templates::TemplateInput {
            id,
            department_id: department,
            name,
            body,
        };
        let said = super::templates::save(&state.db, &user, input).await?;
        crate::ui::notice::say(&said);
        Ok(said)
    })
    .await
}

/// Removes a reply template.
#[server(endpoint = "delete_reply_template")]
pub async fn delete_reply_template(id: i64) -> Result<String, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let said = super::templates::delete(&state.db, &user, id).await?;
        crate::ui::notice::say(&said);
        Ok(said)
    })
    .await
}

/// The caller's own requests, newest first.
#[server(endpoint = "list_my_requests", input = server_fn::codec::GetUrl)]
pub async fn list_my_requests(
    state: Option<String>,
    before: Option<i64>,
) -> Result<Page<RequestSummary>, AppError> {
    use super::model::StateFilter;
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let app = crate::state::AppState::current()?;
        let filter = StateFilter::from_query(state.as_deref(), StateFilter::All);
        super::lists::list_mine(&app.db, &user, filter, before).await
    })
    .await
}

/// The work queue of the caller's departments, as the address's view says (filters, search,
/// order, page).
#[server(endpoint = "list_queue", input = server_fn::codec::GetUrl)]
pub async fn list_queue(#[server(default)] query: QueueQuery) -> Result<QueueView, AppError> {
    use crate::auth::service::{require_user, respond};
    use crate::domain::queue::QueueFilter;
    respond(async move {
        let user = require_user().await?;
        if !user.is_agent() {
            return Err(AppError::Forbidden);
        }
        let app = crate::state::AppState::current()?;
        let conn = &app.db.conn;
        let view = QueueFilter::parse(&query);
        let people = super::service::queue_people(conn, &user).await?;
        let page = super::lists::queue(conn, &user, &view, &people, app.db.now()).await?;
        let (teams, items) = super::lists::choices(conn, &user).await?;
        let saved = super::views::saved_views(conn, &user).await?;
        Ok(QueueView {
            page,
            people,
            teams,
            items,
            saved,
        })
    })
    .await
}

/// Saves the queue view at `address` under `name` (the same name replaces it).
#[server(endpoint = "save_queue_view")]
pub async fn save_queue_view(name: String, address: String) -> Result<(), AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        if !user.is_agent() {
            return Err(AppError::Forbidden);
        }
        let app = crate::state::AppState::current()?;
        let address = super::views::save_view(&app.db, &user, &name, &address).await?;
        crate::ui::notice::say(&format!("Saved the view “{}”.", name.trim()));
        leptos_axum::redirect(&address);
        Ok(())
    })
    .await
}

/// Deletes one of the caller's saved queue views.
#[server(endpoint = "delete_queue_view")]
pub async fn delete_queue_view(id: i64) -> Result<(), AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let app = crate::state::AppState::current()?;
        let name = super::views::delete_view(&app.db, &user, id).await?;
        crate::ui::notice::say(&format!("Deleted the view “{name}”."));
        leptos_axum::redirect("/queue");
        Ok(())
    })
    .await
}

/// Moves a request to another state (start work, resolve, cancel, …).
#[server(endpoint = "change_request_state")]
pub async fn change_request_state(
    number: String,
    to: String,
    version: i32,
    note: Option<String>,
) -> Result<(), AppError> {
    use super::service::{change_state, StateChange};
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let app = crate::state::AppState::current()?;
        let to = to.parse().map_err(AppError::BadRequest)?;
        change_state(
            &app.db,
            &user,
            parse_id(&number)?,
            StateChange {
                to,
                expected_version: version,
                note,
            },
        )
        .await?;
        Ok(())
    })
    .await
}

/// Adds a comment to a request; `internal` (a ticked checkbox) hides it from the requester.
#[server(endpoint = "add_comment")]
pub async fn add_comment(
    number: String,
    body: String,
    internal: Option<String>,
    /// Tokens of files uploaded for the comment, comma-separated.
    #[server(default)]
    files: Option<String>,
) -> Result<(), AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let app = crate::state::AppState::current()?;
        let internal = internal.is_some_and(|v| v != "false");
        let files: Vec<String> = files
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        let id = parse_id(&number)?;
        super::service::add_comment(&app.db, &user, id, &body, internal, &files).await?;
        // Back to the request without the reply template that may have filled the box.
        leptos_axum::redirect(&format!("/requests/{id}"));
        Ok(())
    })
    .await
}

/// The requester rates a resolved request (1–5, once), with an optional comment.
#[server(endpoint = "rate_request")]
pub async fn rate_request(
    number: String,
    score: u8,
    #[server(default)] comment: Option<String>,
) -> Result<(), AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let app = crate::state::AppState::current()?;
        super::service::rate(&app.db, &user, parse_id(&number)?, score, comment).await
    })
    .await
}

/// Gives a request an owner: `owner` is `me`, `nobody`, or a person's id.
#[server(endpoint = "set_request_owner")]
pub async fn set_request_owner(
    number: String,
    version: i32,
    owner: String,
) -> Result<String, AppError> {
    use super::service::OwnerChoice;
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let app = crate::state::AppState::current()?;
        let choice = match owner.as_str() {
            "me" => OwnerChoice::Me,
            "nobody" | "" => OwnerChoice::Nobody,
            id => OwnerChoice::Person(id.parse().map_err(|_| {
                AppError::BadRequest("Choose who gets the request from the list.".into())
            })?),
        };
        let id = parse_id(&number)?;
        let said = super::service::set_owner(&app.db, &user, id, version, choice).await?;
        crate::ui::notice::say(&said);
        Ok(said)
    })
    .await
}

/// Sets a request's priority.
#[server(endpoint = "set_request_priority")]
pub async fn set_request_priority(
    number: String,
    version: i32,
    priority: String,
) -> Result<String, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let app = crate::state::AppState::current()?;
        let priority = priority.parse().map_err(AppError::BadRequest)?;
        let id = parse_id(&number)?;
        let said = super::service::set_priority(&app.db, &user, id, version, priority).await?;
        crate::ui::notice::say(&said);
        Ok(said)
    })
    .await
}

/// Links two related requests, or (`unlink`) removes their link.
#[server(endpoint = "link_request")]
pub async fn link_request(
    number: String,
    other: String,
    #[server(default)] unlink: bool,
) -> Result<String, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let app = crate::state::AppState::current()?;
        let id = parse_id(&number)?;
        let other = other.parse::<RequestId>().map_err(|_| {
            AppError::BadRequest(format!(
                "“{}” is not a request number: write it as REQ-000042 or 42.",
                other.trim()
            ))
        })?;
        let said = if unlink {
            super::links::unlink(&app.db, &user, id, other).await?
        } else {
            super::links::link(&app.db, &user, id, other).await?
        };
        crate::ui::notice::say(&said);
        Ok(said)
    })
    .await
}

/// Closes a request as a duplicate of another of the same department.
#[server(endpoint = "close_as_duplicate")]
pub async fn close_as_duplicate(
    number: String,
    version: i32,
    survivor: String,
    #[server(default)] note: Option<String>,
) -> Result<String, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let app = crate::state::AppState::current()?;
        let id = parse_id(&number)?;
        let survivor = survivor.parse::<RequestId>().map_err(|_| {
            AppError::BadRequest(format!(
                "“{}” is not a request number: give the number of the request that goes on.",
                survivor.trim()
            ))
        })?;
        let close = super::links::DuplicateClose {
            survivor,
            expected_version: version,
            note,
        };
        let said = super::links::close_as_duplicate(&app.db, &user, id, close).await?;
        crate::ui::notice::say(&said);
        leptos_axum::redirect(&format!("/requests/{id}"));
        Ok(said)
    })
    .await
}

/// What waits on the caller, for the top of the home page.
#[server(endpoint = "my_work", input = server_fn::codec::GetUrl)]
pub async fn get_my_work() -> Result<MyWork, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let app = crate::state::AppState::current()?;
        let (approvals, _) = crate::ui::header::counters_once(user.id.0).await?;
        super::service::my_work(&app.db.conn, &user, approvals).await
    })
    .await
}

/// One action on the requests ticked in the queue (`pick[REQ-…]` = the version listed), each
/// request on its own; the confirmation says what happened to each.
#[server(endpoint = "bulk_update")]
pub async fn bulk_update(
    #[server(default)] pick: BTreeMap<String, i32>,
    action: String,
    #[server(default)] owner: Option<String>,
    #[server(default)] priority: Option<String>,
    #[server(default)] state: Option<String>,
    #[server(default)] comment: Option<String>,
) -> Result<String, AppError> {
    use super::service::BulkAction;
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let app = crate::state::AppState::current()?;
        let chosen = |value: Option<String>, what: &str| {
            value
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| AppError::BadRequest(format!("Choose {what} first.")))
        };
        let action = match action.as_str() {
            "take" => BulkAction::Take,
            "give" => {
                BulkAction::Give(chosen(owner, "who gets them")?.parse().map_err(|_| {
                    AppError::BadRequest("Choose who gets them from the list.".into())
                })?)
            }
            "priority" => BulkAction::Priority(
                chosen(priority, "the priority")?
                    .parse()
                    .map_err(AppError::BadRequest)?,
            ),
            "state" => BulkAction::State(
                chosen(state, "the state")?
                    .parse()
                    .map_err(AppError::BadRequest)?,
            ),
            "comment" => BulkAction::Comment(chosen(comment, "a reply")?),
            _ => return Err(AppError::BadRequest("Unknown action.".into())),
        };
        let picks = pick
            .iter()
            .map(|(number, version)| Ok((parse_id(number)?, *version)))
            .collect::<Result<Vec<_>, AppError>>()?;
        let outcomes = super::service::bulk(&app.db, &user, &picks, action).await?;
        let said = crate::domain::bulk::summary(outcomes.iter().map(|o| {
            (
                o.id.to_string(),
                o.result.as_ref().err().map(String::as_str),
            )
        }));
        crate::ui::notice::say(&said);
        Ok(said)
    })
    .await
}
