//! (ssr) Uploads: recognising a file, recording it, binding it to a request, and deciding who
//! may download it.

use super::model::UploadedFile;
use crate::auth::model::SessionUser;
use crate::db::{attachment, request, Db};
use crate::domain::files::{self, FileKind, Recognised};
use crate::domain::form::{
    answered_cells, Answers, FieldDef, FieldErrors, FieldKind, FormDefinition,
};
use crate::error::{AppError, AppResult};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;

pub use crate::db::files::{FileStore, FileStream, FileWriter};

const MB: u64 = 1024 * 1024;

/// Decides what a file is from its first bytes, and whether its name agrees.
pub fn recognise(bytes: &[u8], name: &str) -> Result<Recognised, String> {
    let sniffed = infer::get(bytes).map(|t| t.mime_type());
    let head = &bytes[..bytes.len().min(64 * 1024)];
    files::recognise(
        sniffed,
        sniffed.is_none() && files::looks_like_text(head),
        name,
    )
}

/// A file name safe to store and show: no path, no control characters, at most 200 characters.
pub fn clean_file_name(name: &str) -> Result<String, String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>()
        .trim()
        .to_owned();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        return Err("The file has no name.".to_owned());
    }
    Ok(cleaned)
}

fn new_token() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..32)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The attachment field an upload is for: `field` is a top-level key or `group.sub` (a row
/// number in between, as the form names it, is ignored). Only fields of the item's published
/// form, for people who may order the item.
pub async fn upload_limits(
    db: &Db,
    user: &SessionUser,
    item_slug: &str,
    field: &str,
) -> AppResult<(Vec<FileKind>, Option<u32>)> {
    let (item, version) = crate::catalog::service::find_orderable_item(&db.conn, item_slug).await?;
    crate::catalog::service::check_audience(&db.conn, user, &item).await?;
    let definition = crate::catalog::service::parse_definition(&version)?.form;
    let parts: Vec<&str> = field
        .split('.')
        .filter(|p| p.parse::<u32>().is_err())
        .collect();
    let found: Option<&FieldDef> = match parts.as_slice() {
        [key] => definition.fields.iter().find(|f| f.key == *key),
        [group, sub] => definition.fields.iter().find_map(|f| match &f.kind {
            FieldKind::Group { fields, .. } if f.key == *group => {
                fields.iter().find(|s| s.key == *sub)
            }
            _ => None,
        }),
        _ => None,
    };
    match found.map(|f| &f.kind) {
        Some(FieldKind::Attachment {
            max_size_mb,
            accept,
        }) => Ok((accept.clone(), *max_size_mb)),
        _ => Err(AppError::BadRequest(format!(
            "“{field}” is not a file field of this item."
        ))),
    }
}

/// Limits for a file attached to a comment on a request: any accepted type, the default size.
/// Only people who may comment on the request (not read-only readers).
pub async fn comment_upload_limits(
    db: &Db,
    user: &SessionUser,
    number: &str,
) -> AppResult<(Vec<FileKind>, Option<u32>)> {
    let id: crate::requests::model::RequestId = number
        .parse()
        .map_err(|_| AppError::NotFound(format!("Request “{number}”")))?;
    let row = request::Entity::find_by_id(id.0)
        .one(&db.conn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Request {id}")))?;
    match crate::requests::access::access_in(&db.conn, user, &row).await? {
        crate::requests::access::Access::Reader => Err(AppError::Forbidden),
        _ => Ok((Vec::new(), None)),
    }
}

/// Binds uploads to a new comment, inside its transaction: each must be the author's own and
/// not taken by any request yet.
pub async fn bind_to_comment(
    txn: &impl ConnectionTrait,
    user: &SessionUser,
    request_id: i64,
    comment_id: i64,
    tokens: &[String],
) -> AppResult<()> {
    // A file uploaded for a form field may be larger than a comment takes: checked again here,
    // whatever the upload said it was for.
    let limit = files::DEFAULT_ATTACHMENT_MB as u64 * MB;
    if let Some(file) = attachment::Entity::find()
        .filter(attachment::Column::Token.is_in(tokens.iter().map(String::as_str)))
        .filter(attachment::Column::UploadedBy.eq(user.id.0))
        .filter(attachment::Column::Size.gt(limit as i64))
        .one(txn)
        .await?
    {
        return Err(AppError::BadRequest(format!(
            "“{}” is larger than a comment's limit of {} MB.",
            file.file_name,
            files::DEFAULT_ATTACHMENT_MB
        )));
    }
    for token in tokens {
        let taken = attachment::Entity::update_many()
            .col_expr(attachment::Column::RequestId, Expr::value(request_id))
            .col_expr(attachment::Column::CommentId, Expr::value(comment_id))
            .filter(attachment::Column::Token.eq(token.as_str()))
            .filter(attachment::Column::UploadedBy.eq(user.id.0))
            .filter(attachment::Column::RequestId.is_null())
            .exec(txn)
            .await?;
        if taken.rows_affected != 1 {
            return Err(AppError::BadRequest(
                "One of the files is no longer available to attach: upload it again.".into(),
            ));
        }
    }
    Ok(())
}

/// Files attached to a request's comments, by comment id.
pub async fn comment_files(
    db: &impl ConnectionTrait,
    request_id: i64,
) -> AppResult<HashMap<i64, Vec<attachment::Model>>> {
    let mut by_comment: HashMap<i64, Vec<attachment::Model>> = HashMap::new();
    for file in attachment::Entity::find()
        .filter(attachment::Column::RequestId.eq(request_id))
        .filter(attachment::Column::CommentId.is_not_null())
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?
    {
        if let Some(comment) = file.comment_id {
            by_comment.entry(comment).or_default().push(file);
        }
    }
    Ok(by_comment)
}

/// A new upload's token and the key its bytes are stored under.
pub fn new_storage_key() -> (String, String) {
    let token = new_token();
    let key = format!("{}/{token}", Utc::now().format("%Y/%m"));
    (token, key)
}

/// Records an upload whose bytes are stored (under `key`). The type was already recognised and
/// checked against what the file is for.
pub async fn record_upload(
    db: &Db,
    user: &SessionUser,
    (token, key): (String, String),
    name: &str,
    recognised: &Recognised,
    size: u64,
) -> AppResult<UploadedFile> {
    attachment::ActiveModel {
        token: Set(token.clone()),
        uploaded_by: Set(user.id.0),
        file_name: Set(name.to_owned()),
        content_type: Set(recognised.mime.to_owned()),
        size: Set(size as i64),
        storage_key: Set(key),
        request_id: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&db.conn)
    .await?;
    tracing::info!(
        user = user.id.0,
        size,
        mime = recognised.mime,
        "file uploaded"
    );
    Ok(UploadedFile {
        token,
        name: name.to_owned(),
        size,
        content_type: recognised.mime.to_owned(),
    })
}

/// What one person may still upload now, in bytes, under the allowance (files in the last
/// hour, bytes in the last 24 hours). None left is "too many requests", with when to retry.
/// Uploads running at the same moment each see the same allowance, so one person can overshoot
/// it by at most those uploads.
pub async fn allowance_left(
    db: &Db,
    user: &SessionUser,
    allowance: &crate::state::UploadAllowance,
) -> AppResult<u64> {
    use sea_orm::QuerySelect;
    let now = Utc::now();
    let recent: Vec<(i64, chrono::DateTime<Utc>)> = attachment::Entity::find()
        .select_only()
        .column(attachment::Column::Size)
        .column(attachment::Column::CreatedAt)
        .filter(attachment::Column::UploadedBy.eq(user.id.0))
        .filter(attachment::Column::CreatedAt.gt(now - chrono::Duration::hours(24)))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let hour_ago = now - chrono::Duration::hours(1);
    let last_hour = recent.iter().filter(|(_, at)| *at > hour_ago).count();
    if last_hour >= allowance.files_per_hour as usize {
        return Err(AppError::TooManyRequests(format!(
            "You have uploaded {last_hour} files in the last hour, the most one person may: \
             try again later."
        )));
    }
    let used: u64 = recent.iter().map(|(size, _)| *size as u64).sum();
    let left = allowance.bytes_per_day.saturating_sub(used);
    if left == 0 {
        return Err(AppError::TooManyRequests(format!(
            "You have uploaded {} MB in the last 24 hours, the most one person may: try again \
             later.",
            allowance.bytes_per_day / MB
        )));
    }
    Ok(left)
}

/// Why a file of `size` bytes cannot be taken, if it cannot: over what it is for may hold
/// (`limit_mb`), or over what its uploader may still upload today (`left`).
pub fn over_limit(name: &str, size: u64, limit_mb: u32, left: u64) -> Option<AppError> {
    if size > limit_mb as u64 * MB {
        Some(AppError::BadRequest(format!(
            "“{name}” is larger than the limit of {limit_mb} MB."
        )))
    } else if size > left {
        Some(AppError::TooManyRequests(format!(
            "“{name}” is more than you may still upload today ({} MB): try again later.",
            left.div_ceil(MB)
        )))
    } else {
        None
    }
}

/// The uploads an answer set refers to, by token.
fn tokens<'a>(definition: &'a FormDefinition, answers: &'a Answers) -> Vec<&'a str> {
    answered_cells(definition, answers)
        .into_iter()
        .filter(|c| matches!(c.field.kind, FieldKind::Attachment { .. }))
        .filter_map(|c| c.value.as_str())
        .collect()
}

/// Checks, before a submission is stored, that every file answer is an upload of this person
/// that no request has taken yet, and that it fits its field (a token uploaded for a laxer
/// field cannot be slipped into a stricter one).
pub async fn check_uploads(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    definition: &FormDefinition,
    answers: &Answers,
) -> AppResult<FieldErrors> {
    let mut errors = FieldErrors::new();
    let wanted = tokens(definition, answers);
    if wanted.is_empty() {
        return Ok(errors);
    }
    let found: HashMap<String, attachment::Model> = attachment::Entity::find()
        .filter(attachment::Column::Token.is_in(wanted))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.token.clone(), a))
        .collect();
    for cell in answered_cells(definition, answers) {
        let (
            FieldKind::Attachment {
                max_size_mb,
                accept,
            },
            Some(token),
        ) = (&cell.field.kind, cell.value.as_str())
        else {
            continue;
        };
        let problem = match found.get(token) {
            Some(a) if a.uploaded_by == user.id.0 && a.request_id.is_none() => {
                let kind = files::FILE_TYPES
                    .iter()
                    .find(|(_, mime, _)| *mime == a.content_type)
                    .map(|(kind, mime, _)| Recognised { kind: *kind, mime });
                match kind {
                    Some(recognised) => files::check_limits(
                        &recognised,
                        a.size as u64,
                        accept,
                        *max_size_mb,
                        &a.file_name,
                    )
                    .err(),
                    None => Some("This kind of file is not accepted.".to_owned()),
                }
            }
            _ => Some("The uploaded file is no longer available: upload it again.".to_owned()),
        };
        if let Some(message) = problem {
            errors
                .entry(cell.error_key.to_owned())
                .or_insert_with(|| cell.message(&message));
        }
    }
    Ok(errors)
}

/// Gives the uploads an answer set refers to, to the new request, inside its transaction. Fails
/// (and so rolls the submission back) if one of them was taken meanwhile, e.g. by the same form
/// submitted twice at once.
pub async fn bind_uploads(
    txn: &impl ConnectionTrait,
    user: &SessionUser,
    request_id: i64,
    definition: &FormDefinition,
    answers: &Answers,
) -> AppResult<()> {
    let wanted = tokens(definition, answers);
    if wanted.is_empty() {
        return Ok(());
    }
    let count = wanted.len() as u64;
    let result = attachment::Entity::update_many()
        .col_expr(
            attachment::Column::RequestId,
            sea_orm::sea_query::Expr::value(request_id),
        )
        .filter(attachment::Column::Token.is_in(wanted))
        .filter(attachment::Column::UploadedBy.eq(user.id.0))
        .filter(attachment::Column::RequestId.is_null())
        .exec(txn)
        .await?;
    if result.rows_affected != count {
        return Err(AppError::Conflict(
            "A file in this form was already used by another request: upload it again.".into(),
        ));
    }
    Ok(())
}

/// Name and size of files, by token, for showing answers.
pub async fn describe(
    db: &impl ConnectionTrait,
    tokens: Vec<String>,
) -> AppResult<HashMap<String, attachment::Model>> {
    if tokens.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(attachment::Entity::find()
        .filter(attachment::Column::Token.is_in(tokens))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.token.clone(), a))
        .collect())
}

/// A file the caller may download: their own upload, or a file of a request they may see.
/// Anything else is "not found", so tokens cannot be probed.
pub async fn for_download(
    db: &Db,
    user: &SessionUser,
    token: &str,
) -> AppResult<attachment::Model> {
    let not_found = || AppError::NotFound("The file".into());
    if !files::is_token(token) {
        return Err(not_found());
    }
    let file = attachment::Entity::find()
        .filter(attachment::Column::Token.eq(token))
        .one(&db.conn)
        .await?
        .ok_or_else(not_found)?;
    if file.uploaded_by == user.id.0 {
        return Ok(file);
    }
    let Some(request_id) = file.request_id else {
        return Err(not_found());
    };
    let row = request::Entity::find_by_id(request_id)
        .one(&db.conn)
        .await?
        .ok_or_else(not_found)?;
    let access = crate::requests::access::access_in(&db.conn, user, &row)
        .await
        .map_err(|_| not_found())?;
    // A file on an internal note is for those who work on the request only.
    if let Some(comment_id) = file.comment_id {
        let internal = crate::db::comment::Entity::find_by_id(comment_id)
            .one(&db.conn)
            .await?
            .is_some_and(|c| c.internal);
        if internal && !access.works_on() {
            return Err(not_found());
        }
    }
    Ok(file)
}

/// Uploads no request took within `max_age`: deleted from the store and the table.
pub async fn delete_abandoned(
    db: &Db,
    store: &dyn FileStore,
    max_age: chrono::Duration,
) -> AppResult<usize> {
    let cutoff = Utc::now() - max_age;
    let stale = attachment::Entity::find()
        .filter(attachment::Column::RequestId.is_null())
        .filter(attachment::Column::CreatedAt.lt(cutoff))
        .all(&db.conn)
        .await?;
    let mut deleted = 0;
    for file in stale {
        // The row goes first, and only while still unbound: a submit may have taken the file
        // a moment ago. A blob left behind by a failed delete is harmless; a lost one is not.
        let result = attachment::Entity::delete_many()
            .filter(attachment::Column::Id.eq(file.id))
            .filter(attachment::Column::RequestId.is_null())
            .exec(&db.conn)
            .await?;
        if result.rows_affected == 1 {
            deleted += 1;
            if let Err(error) = store.delete(&file.storage_key).await {
                tracing::warn!(%error, key = file.storage_key, "deleting an abandoned upload failed");
            }
        }
    }
    Ok(deleted)
}
