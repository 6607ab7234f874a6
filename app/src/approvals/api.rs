//! Approval server functions: the inbox, its count, and deciding.

use super::model::{DecisionResult, InboxItem, PastDecision};
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Approvals waiting on the caller, oldest first.
#[server(endpoint = "list_approvals", input = server_fn::codec::GetUrl)]
pub async fn list_approvals() -> Result<Vec<InboxItem>, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::service::inbox(&state.db, &user).await
    })
    .await
}

/// `approve` → true, `reject` → false.
#[cfg(feature = "ssr")]
fn approves(decision: &str) -> Result<bool, AppError> {
    match decision {
        "approve" => Ok(true),
        "reject" => Ok(false),
        _ => Err(AppError::BadRequest("Choose approve or reject.".into())),
    }
}

/// The caller's latest decisions, newest first.
#[server(endpoint = "past_decisions", input = server_fn::codec::GetUrl)]
pub async fn past_decisions() -> Result<Vec<PastDecision>, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::service::past_decisions(&state.db.conn, &user).await
    })
    .await
}

/// Approves or rejects every ticked approval (`pick[ID]`) with one comment, each on its own:
/// the confirmation says what happened to each.
#[server(endpoint = "decide_many")]
pub async fn decide_many(
    #[server(default)] pick: BTreeMap<String, String>,
    decision: String,
    #[server(default)] comment: Option<String>,
) -> Result<String, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let approve = approves(&decision)?;
        let ids = pick
            .keys()
            .map(|k| {
                k.parse::<i64>()
                    .map_err(|_| AppError::BadRequest("Tick approvals from the list.".into()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut ids = ids;
        ids.sort_unstable();
        let outcomes =
            crate::workflow::decide_many(&state.db, &user, &ids, approve, comment).await?;
        let said = crate::domain::bulk::summary(
            outcomes
                .iter()
                .map(|(label, result)| (label.clone(), result.as_ref().err().map(String::as_str))),
        );
        crate::ui::notice::say(&said);
        Ok(said)
    })
    .await
}

/// Approves (`decision=approve`) or rejects (`decision=reject`, with a reason) one approval.
/// Without JavaScript the browser comes back to `back`.
#[server(endpoint = "decide_approval")]
pub async fn decide_approval(
    approval_id: i64,
    decision: String,
    #[server(default)] comment: Option<String>,
    #[server(default)] back: Option<String>,
) -> Result<DecisionResult, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let approve = approves(&decision)?;
        let verdict = super::service::Verdict { approve, comment };
        let result =
            crate::workflow::decide_approval(&state.db, &user, approval_id, verdict).await?;
        // Only back to a page of this site.
        if let Some(back) = back
            .as_deref()
            .and_then(crate::domain::redirect::local_path)
        {
            leptos_axum::redirect(back);
        }
        crate::ui::notice::say(&result.message);
        Ok(result)
    })
    .await
}

/// The caller's current and coming delegations.
#[server(endpoint = "my_delegations", input = server_fn::codec::GetUrl)]
pub async fn my_delegations() -> Result<Vec<super::model::DelegationView>, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::service::my_delegations(&state.db, &user).await
    })
    .await
}

/// "While I'm away, this person approves for me."
#[server(endpoint = "add_delegation")]
pub async fn add_delegation(
    delegate: String,
    starts_on: String,
    ends_on: String,
) -> Result<(), AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::service::add_delegation(&state.db, &user, &delegate, &starts_on, &ends_on).await?;
        crate::ui::notice::say("Saved: they approve for you on those days.");
        Ok(())
    })
    .await
}

/// Ends one of the caller's delegations.
#[server(endpoint = "remove_delegation")]
pub async fn remove_delegation(id: i64) -> Result<(), AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::service::remove_delegation(&state.db, &user, id).await?;
        crate::ui::notice::say("The delegation has ended.");
        Ok(())
    })
    .await
}
