//! Sign-in server functions.

use crate::error::AppError;
use leptos::prelude::*;

/// Signs in with email and password, rotating the session id, then goes to `next`.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use super::service::{
        authenticate, check_login_rate, clear_login_failures, current_session,
        record_login_failure, respond, USER_ID_KEY,
    };
    use crate::state::AppState;
    respond(async move {
        let state = AppState::current()?;
        if email.trim().is_empty() || password.is_empty() {
            return Err(AppError::BadRequest(
                "Enter your email address and password.".into(),
            ));
        }
        check_login_rate(&state.db, &email).await?;
        let Some(user_id) = authenticate(&state.db, &email, &password).await? else {
            tracing::info!(
                email = %crate::auth::service::for_log(&email),
                "failed sign-in"
            );
            record_login_failure(&state.db, &email).await?;
            return Err(AppError::BadRequest(
                "That email and password do not match an account.".into(),
            ));
        };
        clear_login_failures(&state.db, &email).await?;
        let session = current_session().await?;
        // A fresh id at sign-in defeats session fixation.
        session
            .cycle_id()
            .await
            .map_err(|e| crate::error::internal("rotating the session", e))?;
        session
            .insert(USER_ID_KEY, user_id.0)
            .await
            .map_err(|e| crate::error::internal("writing the session", e))?;
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
