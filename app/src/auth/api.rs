//! Sign-in server functions.

use crate::error::AppError;
use leptos::prelude::*;

/// The longest email and password a sign-in accepts (longer ones are not checked at all).
pub const MAX_EMAIL_CHARS: usize = 254;
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Signs in with email and password, rotating the session id, then goes to `next`.
///
/// Throttled before the password is checked: per client address, globally, and per account
/// (see [`super::throttle`]).
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use super::service::{authenticate, begin_session, current_session, for_log, respond};
    use super::throttle::{claim_account_attempt, clear_account, client_address};
    use crate::state::AppState;
    respond(async move {
        let state = AppState::current()?;
        if email.trim().is_empty() || password.is_empty() {
            return Err(AppError::BadRequest(
                "Enter your email address and password.".into(),
            ));
        }
        if email.chars().count() > MAX_EMAIL_CHARS || password.chars().count() > MAX_PASSWORD_CHARS
        {
            return Err(AppError::BadRequest(
                "That email and password do not match an account.".into(),
            ));
        }
        let address = use_context::<http::request::Parts>()
            .and_then(|parts| client_address(&parts, state.settings.client_ip_header.as_ref()));
        state.sign_in.admit(address)?;
        claim_account_attempt(&state.db, &email).await?;
        let checked = authenticate(&state.db, &state.sign_in, &email, &password).await;
        let user_id = match checked {
            Ok(Some(user_id)) => user_id,
            Ok(None) => {
                tracing::info!(email = %for_log(&email), "failed sign-in");
                return Err(AppError::BadRequest(
                    "That email and password do not match an account.".into(),
                ));
            }
            Err(error) => {
                // Refused for being busy, not for the password: the address keeps its allowance.
                state.sign_in.refund(address);
                return Err(error);
            }
        };
        state.sign_in.refund(address);
        clear_account(&state.db, &email).await?;
        let session = current_session().await?;
        // A fresh id at sign-in defeats session fixation.
        session
            .cycle_id()
            .await
            .map_err(|e| crate::error::internal("rotating the session", e))?;
        begin_session(&session, user_id, chrono::Utc::now().timestamp()).await?;
        tracing::info!(user = user_id.0, "signed in");
        leptos_axum::redirect(&crate::domain::redirect::after_sign_in(next.as_deref()));
        Ok(())
    })
    .await
}

/// Signs out: the session is deleted from the database and its cookie cleared.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use super::service::{current_session, respond};
    use crate::error::internal;
    respond(async move {
        let session = current_session().await?;
        session
            .flush()
            .await
            .map_err(|e| internal("deleting the session", e))?;
        leptos_axum::redirect("/login");
        Ok(())
    })
    .await
}

/// Ends every session of the signed-in person, on every device (this one too), then goes to
/// the sign-in page. For a lost phone or a shared computer left signed in.
#[server(endpoint = "sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    use super::service::{current_session, end_all_sessions, require_user, respond};
    use crate::error::internal;
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let ended = end_all_sessions(&state.db, user.id).await?;
        current_session()
            .await?
            .flush()
            .await
            .map_err(|e| internal("deleting the session", e))?;
        tracing::info!(user = user.id.0, sessions = ended, "signed out everywhere");
        leptos_axum::redirect("/login");
        Ok(())
    })
    .await
}

/// The signed-in person's account: who they are, their roles, and how many sessions they
/// have open.
#[server(endpoint = "get_account")]
pub async fn get_account() -> Result<super::model::AccountView, AppError> {
    use super::service::{open_sessions, require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        use sea_orm::EntityTrait;
        let department = crate::db::department::Entity::find_by_id(user.department.0)
            .one(&state.db.conn)
            .await?
            .map(|d| d.name)
            .unwrap_or_default();
        Ok(super::model::AccountView {
            roles: user
                .grants
                .iter()
                .map(|g| g.role.label().to_owned())
                .collect(),
            sessions: open_sessions(&state.db, user.id).await?,
            chosen_zone: crate::db::user::Entity::find_by_id(user.id.0)
                .one(&state.db.conn)
                .await?
                .and_then(|u| u.time_zone),
            zones: chrono_tz::TZ_VARIANTS
                .iter()
                .map(|z| z.name().to_owned())
                .collect(),
            time_zone: user.time_zone,
            name: user.name,
            email: user.email,
            department,
        })
    })
    .await
}

/// Sets the zone the caller reads times in; empty: their department's calendar's.
#[server(endpoint = "set_time_zone")]
pub async fn set_time_zone(zone: String) -> Result<String, AppError> {
    use super::service::{require_user, respond};
    respond(async move {
        let user = require_user().await?;
        let state = crate::state::AppState::current()?;
        let said = super::service::set_time_zone(&state.db, &user, &zone).await?;
        crate::ui::notice::say(&said);
        Ok(said)
    })
    .await
}
