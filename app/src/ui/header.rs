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
        let state = crate::state::AppState::current()?;
        let (waiting, unread) = tokio::try_join!(
            crate::approvals::service::waiting_count(&state.db.conn, user.id.0),
            crate::notifications::service::unread_count(&state.db.conn, user.id.0),
        )?;
        Ok(Some(HeaderView {
            user,
            approvals_waiting: waiting,
            notifications_unread: unread,
        }))
    })
    .await
}
