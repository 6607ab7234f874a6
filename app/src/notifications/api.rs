//! Notification server functions.

use super::model::Inbox;
use crate::error::AppError;
use leptos::prelude::*;

/// The caller's notification centre.
#[server(endpoint = "list_notifications", input = server_fn::codec::GetUrl)]
pub async fn list_notifications() -> Result<Inbox, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::service::inbox(&state.db, &user).await
    })
    .await
}

/// Marks one notification read, or all of them when `id` is absent.
#[server(endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read(#[server(default)] id: Option<i64>) -> Result<u64, AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        super::service::mark_read(&state.db, &user, id).await
    })
    .await
}

/// Sets how the caller gets notifications by mail: `preference` (`immediate`, `daily` or
/// `off`) for every kind of event, or `choices[KIND]` for some kinds.
#[server(endpoint = "set_mail_preference")]
pub async fn set_mail_preference(
    #[server(default)] preference: Option<String>,
    #[server(default)] choices: std::collections::BTreeMap<String, String>,
) -> Result<(), AppError> {
    use super::model::{MailPreference, NoticeKind};
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let choice = |text: &str| {
            MailPreference::parse(text)
                .ok_or_else(|| AppError::BadRequest("Choose how you want mail.".into()))
        };
        if let Some(preference) = preference {
            super::service::set_preference(&state.db, &user, choice(&preference)?).await?;
        } else {
            let mut chosen = Vec::new();
            for (kind, text) in &choices {
                let kind = NoticeKind::parse(kind).ok_or_else(|| {
                    AppError::BadRequest(format!("“{kind}” is not a kind of notification."))
                })?;
                chosen.push((kind, choice(text)?));
            }
            if chosen.is_empty() {
                return Err(AppError::BadRequest("Choose how you want mail.".into()));
            }
            super::service::set_choices(&state.db, &user, &chosen).await?;
        }
        crate::ui::notice::say("Saved.");
        Ok(())
    })
    .await
}

/// Starts (`watch=true`) or stops following a request.
#[server(endpoint = "watch_request")]
pub async fn watch_request(number: String, watch: bool) -> Result<(), AppError> {
    use crate::auth::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let id = number
            .parse()
            .map_err(|_| AppError::NotFound(format!("Request “{number}”")))?;
        super::service::set_watching(&state.db, &user, id, watch).await
    })
    .await
}
