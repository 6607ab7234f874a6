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

/// The signed-in person's (approvals waiting, notifications unread), read once per request
/// with the rest of the page's facts (see `db::page_facts`).
#[cfg(feature = "ssr")]
pub async fn counters_once(user_id: i64) -> Result<(u64, u64), AppError> {
    let state = crate::state::AppState::current()?;
    let facts = crate::db::page_facts::for_request(&state.db.conn, user_id).await?;
    Ok((facts.approvals_waiting, facts.notifications_unread))
}

/// The header of a page whose request arrived with its visit (the session, the person and the
/// counters, read by the server's sign-in check: `auth::service::read_visit`): at hand, with
/// nothing to wait for. `None` otherwise, and in the browser.
pub fn preloaded() -> Option<HeaderView> {
    #[cfg(feature = "ssr")]
    {
        crate::auth::service::preloaded_visit().map(|visit| HeaderView {
            user: visit.user.clone(),
            approvals_waiting: visit.facts.approvals_waiting,
            notifications_unread: visit.facts.notifications_unread,
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}
