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
/// Session key: when the person signed in (Unix seconds), for the absolute lifetime.
pub const SIGNED_IN_AT_KEY: &str = "signed_in_at";
/// Session key: when the session's idle expiry was last moved on (Unix seconds).
pub const SEEN_AT_KEY: &str = "seen_at";
/// How often an active session's idle expiry is moved on. Not on every request: that would
/// be a database write for each page and call.
pub const SESSION_REFRESH_SECONDS: i64 = 5 * 60;

/// What a signed-in session needs now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionAge {
    /// Seen recently: nothing to do.
    Fresh,
    /// Still valid; its idle expiry is moved on (one write every few minutes).
    Refresh,
    /// Older than the absolute lifetime (or of unknown age): it ends, the person signs in again.
    Over,
}

/// Where a session stands at `now` (Unix seconds).
pub fn session_age(
    now: i64,
    signed_in_at: Option<i64>,
    seen_at: Option<i64>,
    lifetime: chrono::Duration,
) -> SessionAge {
    match (signed_in_at, seen_at) {
        (Some(signed_in), _) if now - signed_in >= lifetime.num_seconds() => SessionAge::Over,
        (None, _) => SessionAge::Over,
        (Some(_), Some(seen)) if now - seen < SESSION_REFRESH_SECONDS && seen <= now => {
            SessionAge::Fresh
        }
        (Some(_), _) => SessionAge::Refresh,
    }
}

/// Starts a signed-in session for `user` (the caller has rotated its id).
pub async fn begin_session(session: &Session, user: UserId, now: i64) -> AppResult<()> {
    let write = |e| internal("writing the session", e);
    session.insert(USER_ID_KEY, user.0).await.map_err(write)?;
    session.insert(SIGNED_IN_AT_KEY, now).await.map_err(write)?;
    session.insert(SEEN_AT_KEY, now).await.map_err(write)?;
    Ok(())
}

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

/// Loads a user and their role grants, if the user exists and is active: one query (the
/// person joined to their grants), since every signed-in request starts here.
pub async fn load_session_user(
    db: &impl ConnectionTrait,
    id: UserId,
) -> AppResult<Option<SessionUser>> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    let query = session_user_query()
        .and_where(Expr::col((user::Entity, user::Column::Id)).eq(id.0))
        .to_owned();
    let rows = db.query_all(&query).await?;
    session_user_from_rows(id, &rows)
}

/// The person and their grants, one row per grant (a person without grants: one row): the
/// active people, joined to their grants and their department's default calendar.
fn session_user_query() -> sea_orm::sea_query::SelectStatement {
    use crate::db::calendar;
    use sea_orm::sea_query::{Expr, ExprTrait, JoinType, Query};
    Query::select()
        .column((user::Entity, user::Column::Name))
        .column((user::Entity, user::Column::Email))
        .column((user::Entity, user::Column::DepartmentId))
        .column((user::Entity, user::Column::TimeZone))
        .expr_as(
            Expr::col((calendar::Entity, calendar::Column::Zone)),
            "department_zone",
        )
        .column((role_grant::Entity, role_grant::Column::Role))
        .expr_as(
            Expr::col((role_grant::Entity, role_grant::Column::DepartmentId)),
            "grant_department",
        )
        .from(user::Entity)
        .join(
            JoinType::LeftJoin,
            role_grant::Entity,
            Expr::col((role_grant::Entity, role_grant::Column::UserId))
                .equals((user::Entity, user::Column::Id)),
        )
        .join(
            JoinType::LeftJoin,
            calendar::Entity,
            Expr::col((calendar::Entity, calendar::Column::DepartmentId))
                .equals((user::Entity, user::Column::DepartmentId))
                .and(Expr::col((calendar::Entity, calendar::Column::IsDefault)).eq(true)),
        )
        .and_where(Expr::col((user::Entity, user::Column::Active)).eq(true))
        .to_owned()
}

/// The person `id` from the rows of a [`session_user_query`]; `None` without rows.
fn session_user_from_rows(
    id: UserId,
    rows: &[sea_orm::QueryResult],
) -> AppResult<Option<SessionUser>> {
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let name: String = first.try_get("", "name")?;
    let email: String = first.try_get("", "email")?;
    let department: i64 = first.try_get("", "department_id")?;
    let own_zone: Option<String> = first.try_get("", "time_zone")?;
    let department_zone: Option<String> = first.try_get("", "department_zone")?;
    let time_zone = own_zone
        .or(department_zone)
        .unwrap_or_else(|| "UTC".to_owned());
    let mut grants = Vec::with_capacity(rows.len());
    for row in rows {
        let role: Option<String> = row.try_get("", "role")?;
        let Some(role) = role.and_then(|r| r.parse::<Role>().ok()) else {
            continue;
        };
        let scope: Option<i64> = row.try_get("", "grant_department")?;
        grants.push(RoleGrant {
            role,
            department: scope.map(DepartmentId),
        });
    }
    Ok(Some(SessionUser {
        id,
        name,
        email,
        department: DepartmentId(department),
        grants,
        time_zone,
    }))
}

/// The statement of [`read_visit`]: the person of the unexpired session stored under
/// `session_key`, with their grants, the session's values and the page's facts.
///
/// The session is found by its key in subqueries, never joined: with the sessions table as one
/// of the joined tables, SQLite's planner may scan it (and it holds every open session) when
/// its statistics were taken while it was small.
pub fn visit_query(session_key: &str, now: i64) -> sea_orm::sea_query::SelectStatement {
    use crate::db::session;
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let session_column = |column: session::Column| {
        let mut found = Query::select();
        found
            .column(column)
            .from(session::Entity)
            .and_where(Expr::col(session::Column::Id).eq(session_key))
            .and_where(Expr::col(session::Column::ExpiresAt).gt(now));
        Expr::SubQuery(None, Box::new(found.into()))
    };
    let mut query = session_user_query()
        .column((user::Entity, user::Column::Id))
        .expr_as(session_column(session::Column::Data), "session_data")
        .and_where(
            Expr::col((user::Entity, user::Column::Id)).eq(session_column(session::Column::UserId)),
        )
        .to_owned();
    crate::db::page_facts::select(&mut query, Expr::col((user::Entity, user::Column::Id)));
    query
}

/// A page opened in a signed-in session that needs nothing written: who it is, what the
/// session holds, and the page's facts (`db::page_facts`).
#[derive(Clone, Debug, PartialEq)]
pub struct Visit {
    pub user: SessionUser,
    /// The session's values, as the session layer stores them (key → JSON value).
    pub session: std::collections::HashMap<String, serde_json::Value>,
    pub facts: crate::db::page_facts::PageFacts,
}

/// Reads a page's opening in one query — the session stored under `session_key`, the person it
/// names with their grants, and the page's facts — where the session layer, the guard and the
/// header would otherwise make three round trips.
///
/// `None` unless that is all the page needs: the session exists, is unexpired, names an active
/// person, and its age is [`SessionAge::Fresh`]. Otherwise the caller takes the ordinary way
/// through the session layer, which moves an idle expiry on or ends an old session.
pub async fn read_visit(
    db: &impl ConnectionTrait,
    session_key: &str,
    now: i64,
    lifetime: chrono::Duration,
) -> AppResult<Option<Visit>> {
    let rows = db.query_all(&visit_query(session_key, now)).await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let id = UserId(first.try_get("", "id")?);
    let data: String = first.try_get("", "session_data")?;
    let session: std::collections::HashMap<String, serde_json::Value> =
        serde_json::from_str(&data).map_err(|e| internal("reading the session", e))?;
    let value = |key: &str| session.get(key).and_then(serde_json::Value::as_i64);
    if value(USER_ID_KEY) != Some(id.0)
        || session_age(now, value(SIGNED_IN_AT_KEY), value(SEEN_AT_KEY), lifetime)
            != SessionAge::Fresh
    {
        return Ok(None);
    }
    let facts = crate::db::page_facts::from_row(first)?;
    let Some(user) = session_user_from_rows(id, &rows)? else {
        return Ok(None);
    };
    Ok(Some(Visit {
        user,
        session,
        facts,
    }))
}

/// Checks an email and password; `None` when they do not match an active account.
///
/// Runs the (slow, CPU-bound) hash check off the async workers, and checks a dummy hash for
/// unknown emails so that response time does not reveal which emails exist.
pub async fn authenticate(
    db: &Db,
    gate: &super::throttle::SignInGate,
    email: &str,
    password: &str,
) -> AppResult<Option<UserId>> {
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
    let ok = gate.hash(move || verify_password(&password, &hash)).await?;
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

/// Who is signed in, read once per request and shared by everything that request runs: a
/// page calls several server functions while it renders (the header, the page's own data),
/// and each would otherwise read the session and the person's roles again. The server
/// provides a fresh one for every request ([`provide_request_user`]).
///
/// It holds the person as the request found them: a request that signs someone in or out
/// (sign-in, sign-out) reads nothing through it afterwards.
#[derive(Clone, Default)]
pub struct RequestUser(std::sync::Arc<tokio::sync::OnceCell<Option<SessionUser>>>);

/// Gives the current request its own [`RequestUser`] (in the server's per-request context).
pub fn provide_request_user() {
    leptos::prelude::provide_context(RequestUser::default());
}

/// The signed-in user, if any. A session past its absolute lifetime ends here; an active
/// one has its idle expiry moved on every few minutes. Read once per request.
pub async fn optional_user() -> AppResult<Option<SessionUser>> {
    match leptos::prelude::use_context::<RequestUser>() {
        Some(RequestUser(once)) => once.get_or_try_init(read_user).await.cloned(),
        None => read_user().await,
    }
}

/// Sets the zone `user` reads times in (an IANA name); empty: their department's calendar's.
pub async fn set_time_zone(
    db: &crate::db::Db,
    user: &SessionUser,
    zone: &str,
) -> AppResult<String> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let zone = zone.trim();
    let chosen = if zone.is_empty() {
        None
    } else {
        let tz: chrono_tz::Tz = zone.parse().map_err(|_| {
            AppError::BadRequest(format!(
                "“{zone}” is not a time zone: choose one from the list, such as Europe/Berlin."
            ))
        })?;
        Some(tz.name().to_owned())
    };
    user::Entity::update_many()
        .col_expr(
            user::Column::TimeZone,
            sea_orm::sea_query::Expr::value(chosen.clone()),
        )
        .filter(user::Column::Id.eq(user.id.0))
        .exec(&db.conn)
        .await?;
    Ok(match chosen {
        Some(zone) => format!("Times are shown in {zone} from now on."),
        None => "Times are shown in your department's time zone from now on.".to_owned(),
    })
}

/// The zone the person this request serves reads times in, once they were read (pages
/// render after their data, so it is there); `None` outside a request or signed out.
pub fn reader_zone() -> Option<chrono_tz::Tz> {
    let read = leptos::prelude::with_context::<RequestUser, _>(|RequestUser(once)| {
        once.get()
            .map(|user| user.as_ref().map(|user| user.time_zone.parse().ok()))
    })
    .flatten();
    match read {
        Some(zone) => zone.flatten(),
        None => preloaded_visit()?.user.time_zone.parse().ok(),
    }
}

/// The visit the current HTTP request arrived with (see [`read_visit`]), if any.
pub fn preloaded_visit() -> Option<std::sync::Arc<Visit>> {
    leptos::prelude::with_context::<http::request::Parts, _>(|parts| {
        parts.extensions.get::<std::sync::Arc<Visit>>().cloned()
    })
    .flatten()
}

/// Reads the session and the person it names from the database (unless the request arrived
/// with them: see [`read_visit`]).
async fn read_user() -> AppResult<Option<SessionUser>> {
    if let Some(visit) = preloaded_visit() {
        return Ok(Some(visit.user.clone()));
    }
    let state = AppState::current()?;
    let session = current_session().await?;
    match signed_in(&session, state.settings.session_lifetime).await? {
        Some(id) => load_session_user(&state.db.conn, id).await,
        None => Ok(None),
    }
}

/// The user id of a signed-in session, after checking its age (see [`session_age`]).
pub async fn signed_in(session: &Session, lifetime: chrono::Duration) -> AppResult<Option<UserId>> {
    let read = |e| internal("reading the session", e);
    let Some(id) = session.get::<i64>(USER_ID_KEY).await.map_err(read)? else {
        return Ok(None);
    };
    let signed_in_at: Option<i64> = session.get(SIGNED_IN_AT_KEY).await.map_err(read)?;
    let seen_at: Option<i64> = session.get(SEEN_AT_KEY).await.map_err(read)?;
    let now = chrono::Utc::now().timestamp();
    match session_age(now, signed_in_at, seen_at, lifetime) {
        SessionAge::Fresh => {}
        SessionAge::Refresh => {
            // Changing the session makes the session layer save it, which moves its idle
            // expiry (row and cookie) on.
            session
                .insert(SEEN_AT_KEY, now)
                .await
                .map_err(|e| internal("writing the session", e))?;
        }
        SessionAge::Over => {
            session
                .flush()
                .await
                .map_err(|e| internal("ending the session", e))?;
            return Ok(None);
        }
    }
    Ok(Some(UserId(id)))
}

/// Ends every session of `user`, on every device; returns how many there were.
pub async fn end_all_sessions(db: &Db, user: UserId) -> AppResult<u64> {
    use crate::db::session;
    let txn = db.begin_write().await?;
    let ended = session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user.0))
        .exec(&*txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(ended)
}

/// How many sessions `user` has open (devices and browsers signed in).
pub async fn open_sessions(db: &Db, user: UserId) -> AppResult<u64> {
    use crate::db::session;
    use sea_orm::PaginatorTrait;
    Ok(session::Entity::find()
        .filter(session::Column::UserId.eq(user.0))
        .filter(session::Column::ExpiresAt.gt(chrono::Utc::now().timestamp()))
        .count(&db.conn)
        .await?)
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
