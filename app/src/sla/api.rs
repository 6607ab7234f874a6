//! Server functions of service levels: the calendar editor.

use super::model::{CalendarInput, CalendarsView};
use crate::error::AppError;
use leptos::prelude::*;

/// The calendars of the departments the caller administers.
#[server(endpoint = "list_calendars", input = server_fn::codec::GetUrl)]
pub async fn list_calendars() -> Result<CalendarsView, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::calendars::for_admin(&state.db.conn, &user).await
    })
    .await
}

/// Saves a calendar's hours and holidays as a new version from `effective_from` (empty: now),
/// then recomputes the due times of open requests on it in the background.
#[server(endpoint = "change_calendar")]
pub async fn change_calendar(calendar: CalendarInput) -> Result<String, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let CalendarInput {
            id,
            zone,
            monday,
            tuesday,
            wednesday,
            thursday,
            friday,
            saturday,
            sunday,
            holidays,
            effective_from,
        } = calendar;
        let form = super::calendars::CalendarForm {
            calendar_id: id,
            zone,
            week: [
                monday, tuesday, wednesday, thursday, friday, saturday, sunday,
            ],
            holidays,
            effective_from,
        };
        let said = super::calendars::change_from_form(&state.db, &user, form).await?;
        let db = state.db.clone();
        tokio::spawn(async move {
            if let Err(error) = super::calendars::recompute_pending(&db).await {
                tracing::warn!(%error, "recomputing clocks after a calendar change failed");
            }
        });
        crate::ui::notice::say(&said);
        Ok(said)
    })
    .await
}

/// An item's service levels, for the designer.
#[server(endpoint = "get_item_sla", input = server_fn::codec::GetUrl)]
pub async fn get_item_sla(slug: String) -> Result<super::model::SlaFormView, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::policies::form(&state.db, &user, &slug).await
    })
    .await
}

/// Saves an item's service levels into its draft.
#[server(endpoint = "save_item_sla")]
pub async fn save_item_sla(sla: crate::domain::sla_form::SlaFields) -> Result<String, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let said = super::policies::save(&state.db, &user, sla).await?;
        crate::ui::notice::say(&said);
        Ok(said)
    })
    .await
}
