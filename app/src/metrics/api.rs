//! Server functions of the leadership dashboard.

use super::model::{Dashboard, DrillDown, DrillQuery, InsightsQuery};
use crate::error::AppError;
use leptos::prelude::*;

/// The dashboard for a period and filters (leadership and system admins: every department;
/// department admins and agents: their own).
#[server(endpoint = "get_dashboard", input = server_fn::codec::GetUrl)]
pub async fn get_dashboard(query: InsightsQuery) -> Result<Dashboard, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let today = state.db.now().date_naive();
        super::dashboard::dashboard(&state.db.conn, &user, &query, today).await
    })
    .await
}

/// The requests behind one of the dashboard's numbers, a page at a time.
#[server(endpoint = "drill_requests", input = server_fn::codec::GetUrl)]
pub async fn drill_requests(drill: DrillQuery) -> Result<DrillDown, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let today = state.db.now().date_naive();
        super::drill::drill(&state.db.conn, &user, &drill, today).await
    })
    .await
}
