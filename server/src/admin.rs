//! Operator commands: the first system administrator of an empty installation.
//!
//! A production start creates no accounts (the demo organisation only comes with `--demo`), so
//! the operator makes the first administrator from the command line:
//! `atrium admin create --email … --name … [--department …]`, with the password read from
//! `ATRIUM_ADMIN_PASSWORD` or typed (not echoed) at a prompt.

use app::auth::service::hash_password;
use app::catalog::designer::slug_from_name;
use app::db::{department, role_grant, user, Db};
use app::error::{AppError, AppResult};
use app::ids::UserId;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

/// The shortest password an administrator may be given.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A new system administrator, as the operator typed it.
#[derive(Debug, Clone)]
pub struct NewAdmin {
    pub email: String,
    pub name: String,
    /// The department the person belongs to: an existing one (by name or slug), or a new one.
    pub department: String,
    pub password: String,
}

/// Creates a system administrator (also an employee of `department`, which is created if no
/// department has that name or slug). Refuses an email already in use, an implausible email,
/// an empty name and a short password, each with a message that says what to change.
pub async fn create_system_admin(db: &Db, new: NewAdmin) -> AppResult<UserId> {
    let email = new.email.trim().to_lowercase();
    let name = new.name.trim();
    let department_name = new.department.trim();
    check(&email, name, department_name, &new.password)?;
    let password = new.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| app::error::internal("hashing the administrator's password", e))??;
    let txn = db.begin_write().await?;
    let conn = &*txn;
    if user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(conn)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "someone with the email {email} already exists"
        )));
    }
    let department_id = department_for(conn, department_name).await?;
    let person = user::ActiveModel {
        email: Set(email.clone()),
        name: Set(name.to_owned()),
        title: Set("System administrator".into()),
        password_hash: Set(hash),
        department_id: Set(department_id),
        manager_id: Set(None),
        active: Set(true),
        created_at: Set(db.now()),
        email_pref: Set("immediate".into()),
        digest_sent_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    for role in ["employee", "system_admin"] {
        role_grant::ActiveModel {
            user_id: Set(person.id),
            role: Set(role.into()),
            department_id: Set(None),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    txn.commit().await?;
    Ok(UserId(person.id))
}

fn check(email: &str, name: &str, department: &str, password: &str) -> AppResult<()> {
    let plausible = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if !plausible {
        return Err(AppError::BadRequest(format!(
            "“{email}” is not an email address (expected name@example.org)"
        )));
    }
    if name.is_empty() || name.chars().count() > 120 {
        return Err(AppError::BadRequest(
            "the name must be 1 to 120 characters".into(),
        ));
    }
    if slug_from_name(department).is_empty() || department.chars().count() > 120 {
        return Err(AppError::BadRequest(
            "the department must be named with 1 to 120 characters, at least one a letter or digit"
                .into(),
        ));
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::BadRequest(format!(
            "the password must be at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}

/// The id of the department named (or slugged) `name`, created at the end of the list if
/// there is none.
async fn department_for(conn: &impl sea_orm::ConnectionTrait, name: &str) -> AppResult<i64> {
    let slug = slug_from_name(name);
    let existing = department::Entity::find()
        .order_by_asc(department::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .find(|d| d.slug == slug || d.name.eq_ignore_ascii_case(name));
    if let Some(existing) = existing {
        return Ok(existing.id);
    }
    let count = department::Entity::find().count(conn).await?;
    let created = department::ActiveModel {
        slug: Set(slug),
        name: Set(name.to_owned()),
        description: Set(String::new()),
        icon: Set("building".into()),
        sort_order: Set(count as i32),
        head_id: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(created.id)
}

/// Whether anyone can sign in yet.
pub async fn has_accounts(db: &Db) -> AppResult<bool> {
    Ok(user::Entity::find().count(&db.conn).await? > 0)
}

/// What the operator of an installation without accounts is told at start-up.
pub const NO_ACCOUNTS_HINT: &str = "no accounts yet: create the first system administrator with \
    `atrium admin create --email you@example.org --name \"Your Name\" --department IT` \
    (the password is read from ATRIUM_ADMIN_PASSWORD or asked for), or start with --demo for \
    the demo organisation";

/// The password for `admin create`: `ATRIUM_ADMIN_PASSWORD` if set, else a line typed at a
/// prompt (not echoed on a terminal), else a line read from standard input.
pub fn read_password() -> Result<String, String> {
    use std::io::{BufRead, IsTerminal, Write};
    if let Ok(password) = std::env::var("ATRIUM_ADMIN_PASSWORD") {
        return Ok(password);
    }
    let stdin = std::io::stdin();
    let terminal = stdin.is_terminal();
    let echo = |on: bool| {
        if terminal {
            let _ = std::process::Command::new("stty")
                .arg(if on { "echo" } else { "-echo" })
                .stdin(std::process::Stdio::inherit())
                .status();
        }
    };
    if terminal {
        eprint!("Password for the new administrator (at least {MIN_PASSWORD_CHARS} characters): ");
        let _ = std::io::stderr().flush();
    }
    echo(false);
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    echo(true);
    if terminal {
        eprintln!();
    }
    read.map_err(|e| format!("cannot read the password: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
