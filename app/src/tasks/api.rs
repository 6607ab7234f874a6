//! Task server functions: the queue, acting on a task, and a team's assignment rule.

use super::model::TaskQueue;
use crate::error::AppError;
use leptos::prelude::*;

/// The caller's team queue.
#[server(endpoint = "list_tasks", input = server_fn::codec::GetUrl)]
pub async fn list_tasks(show: Option<String>) -> Result<TaskQueue, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let filter = super::model::QueueFilter::from_query(show.as_deref());
        super::service::queue(&state.db, &user, filter).await
    })
    .await
}

/// One action on a task: `take`; `assign` (`to` = the member's user id); `reassign` (`to` = the
/// team as `department/team`, `note` = the reason, required); or `complete` (`note` optional).
/// Without JavaScript the browser comes back to `back`.
#[server(endpoint = "act_on_task")]
pub async fn act_on_task(
    task_id: i64,
    version: i32,
    action: String,
    #[server(default)] to: Option<String>,
    #[server(default)] note: Option<String>,
    #[server(default)] back: Option<String>,
) -> Result<String, AppError> {
    use super::service::TaskAction;
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let to = to.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        let action = match action.as_str() {
            "take" => TaskAction::Take,
            "assign" => TaskAction::Assign {
                user_id: to
                    .and_then(|t| t.parse().ok())
                    .ok_or_else(|| AppError::BadRequest("Choose who does it.".into()))?,
            },
            "reassign" => TaskAction::Reassign {
                team: to
                    .ok_or_else(|| AppError::BadRequest("Choose the team it goes to.".into()))?,
                reason: note.unwrap_or_default(),
            },
            "complete" => TaskAction::Complete { note },
            _ => return Err(AppError::BadRequest("Unknown task action.".into())),
        };
        let message =
            crate::workflow::act_on_task(&state.db, &user, task_id, version, action).await?;
        // Only back to a page of this site.
        if let Some(back) = back
            .as_deref()
            .and_then(crate::domain::redirect::local_path)
        {
            leptos_axum::redirect(back);
        }
        crate::ui::notice::say(&message);
        Ok(message)
    })
    .await
}

/// Sets how a team hands out its tasks (department admins).
#[server(endpoint = "set_team_assignment")]
pub async fn set_team_assignment(team_id: i64, assignment: String) -> Result<(), AppError> {
    use crate::auth::service::{require_user, respond};
    use crate::domain::tasks::Assignment;
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let rule = Assignment::parse(&assignment)
            .ok_or_else(|| AppError::BadRequest("Choose how the team assigns tasks.".into()))?;
        super::service::set_assignment(&state.db, &user, team_id, rule).await?;
        crate::ui::notice::say("Saved.");
        Ok(())
    })
    .await
}
