//! (ssr) Password hashing, session handling and authorisation guards.

use super::model::{DepartmentId, Role, RoleGrant, SessionUser, UserId};
use crate::db::{role_grant, user, Db};
use crate::error::{internal, AppError, AppResult};
use crate::state::AppState;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::future::Future;
use tower_sessions::Session;

/// Session key holding the signed-in user's id.
pub const USER_ID_KEY: &str = "user_id";

/// Hashes a password with Argon2id and a fresh random salt.
pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| internal("hashing a password", e))
}

/// Checks a password against a stored hash; a malformed hash counts as a mismatch.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Loads a user and their role grants, if the user exists and is active.
pub async fn load_session_user(
    db: &impl ConnectionTrait,
    id: UserId,
) -> AppResult<Option<SessionUser>> {
    let Some(user) = user::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .filter(|u| u.active)
    else {
        return Ok(None);
    };
    let grants = role_grant::Entity::find()
        .filter(role_grant::Column::UserId.eq(id.0))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|g| {
            Some(RoleGrant {
                role: g.role.parse::<Role>().ok()?,
                department: g.department_id.map(DepartmentId),
            })
        })
        .collect();
    Ok(Some(SessionUser {
        id: UserId(user.id),
        name: user.name,
        email: user.email,
        department: DepartmentId(user.department_id),
        grants,
    }))
}

/// Failed sign-ins allowed per email within [`LOGIN_WINDOW_MINUTES`].
pub const LOGIN_FAILURE_LIMIT: u64 = 10;
/// The rate-limiting window for failed sign-ins.
pub const LOGIN_WINDOW_MINUTES: i64 = 15;

/// Refuses a sign-in attempt for an email that failed too often recently. Kept in the database,
/// so the limit holds across replicas.
pub async fn check_login_rate(db: &Db, email: &str) -> AppResult<()> {
    use crate::db::login_failure;
    use sea_orm::PaginatorTrait;
    let since = chrono::Utc::now() - chrono::Duration::minutes(LOGIN_WINDOW_MINUTES);
    let recent = login_failure::Entity::find()
        .filter(login_failure::Column::Email.eq(email.trim().to_lowercase()))
        .filter(login_failure::Column::At.gt(since))
        .count(&db.conn)
        .await?;
    if recent >= LOGIN_FAILURE_LIMIT {
        tracing::warn!(email = %for_log(email), "sign-in rate limit reached");
        return Err(AppError::TooManyRequests);
    }
    Ok(())
}

/// Records a failed sign-in (success clears them, see [`clear_login_failures`]).
pub async fn record_login_failure(db: &Db, email: &str) -> AppResult<()> {
    use crate::db::login_failure;
    use sea_orm::{ActiveModelTrait, Set};
    let txn = db.begin_write().await?;
    login_failure::ActiveModel {
        email: Set(email.trim().to_lowercase().chars().take(254).collect()),
        at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Forgets an email's failed sign-ins after a successful one.
pub async fn clear_login_failures(db: &Db, email: &str) -> AppResult<()> {
    use crate::db::login_failure;
    let txn = db.begin_write().await?;
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::Email.eq(email.trim().to_lowercase()))
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Checks an email and password; `None` when they do not match an active account.
///
/// Runs the (slow, CPU-bound) hash check off the async workers, and checks a dummy hash for
/// unknown emails so that response time does not reveal which emails exist.
pub async fn authenticate(db: &Db, email: &str, password: &str) -> AppResult<Option<UserId>> {
    let email = email.trim().to_lowercase();
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&db.conn)
        .await?
        .filter(|u| u.active);
    let (hash, id) = match &found {
        Some(u) => (u.password_hash.clone(), Some(UserId(u.id))),
        None => (DUMMY_HASH.to_owned(), None),
    };
    let password = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| internal("password check", e))?;
    Ok(if ok { id } else { None })
}

/// A valid Argon2id hash of a random string, checked when the email is unknown.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Qq3uxq5u4MoOyvLryN9LB5TvTfNfBhJvM0Zd2HnlbkY";

/// The session of the current request.
pub async fn current_session() -> AppResult<Session> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| internal("reading the session", e))
}

/// The signed-in user, if any.
pub async fn optional_user() -> AppResult<Option<SessionUser>> {
    let state = AppState::current()?;
    let session = current_session().await?;
    let id: Option<i64> = session
        .get(USER_ID_KEY)
        .await
        .map_err(|e| internal("reading the session", e))?;
    match id {
        Some(id) => load_session_user(&state.db.conn, UserId(id)).await,
        None => Ok(None),
    }
}

/// The guard at the top of every server function: the caller must be signed in.
pub async fn require_user() -> AppResult<SessionUser> {
    optional_user().await?.ok_or(AppError::Unauthenticated)
}

/// The caller must be signed in and hold one of `roles` (in any department).
pub async fn require_role(roles: &[Role]) -> AppResult<SessionUser> {
    let user = require_user().await?;
    if roles.iter().any(|r| user.has_role(*r)) || user.has_role(Role::SystemAdmin) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Runs a server function body and, when it fails, sets the HTTP status to match the error —
/// except for plain form posts (no JavaScript), which must get the redirect back to the form.
pub async fn respond<T>(body: impl Future<Output = AppResult<T>>) -> AppResult<T> {
    let result = body.await;
    if let Err(error) = &result {
        let plain_form_post = leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| v.contains("text/html"))
            })
            .unwrap_or(false);
        if !plain_form_post {
            if let (Some(options), Ok(code)) = (
                leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
                http::StatusCode::from_u16(error.status_code()),
            ) {
                options.set_status(code);
            }
        }
    }
    result
}

/// What a person typed, made safe for a log line: control characters (a newline would start a
/// forged line) are escaped, and the length is bounded.
pub fn for_log(typed: &str) -> String {
    typed
        .trim()
        .chars()
        .take(254)
        .flat_map(char::escape_debug)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password("anything", DUMMY_HASH));
    }
}
