//! Attachment storage and its HTTP routes.
//!
//! The bytes go to an [`object_store`] backend: a local folder by default, or S3-compatible
//! object storage (`s3://bucket/prefix`, credentials and endpoint from the usual `AWS_*`
//! environment variables, e.g. `AWS_ENDPOINT` for MinIO). Metadata, ownership and access checks
//! are in `app::attachments`.

use app::attachments::service::{self as attachments, FileStore, FileStream, FileWriter};
use app::auth::model::SessionUser;
use app::domain::files;
use app::error::AppError;
use app::state::AppState;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::{header, StatusCode};
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt};
use std::sync::Arc;

/// A [`FileStore`] over any `object_store` backend.
#[derive(Debug)]
pub struct ObjectFileStore {
    store: Arc<dyn ObjectStore>,
}

impl ObjectFileStore {
    /// Opens the store named by `location`: `s3://bucket[/prefix]`, or a folder path (created if
    /// missing).
    pub fn open(location: &str) -> Result<Self, String> {
        let store: Arc<dyn ObjectStore> = if let Some(rest) = location.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let s3 = object_store::aws::AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .build()
                .map_err(|e| format!("S3 storage {location}: {e}"))?;
            if prefix.trim_matches('/').is_empty() {
                Arc::new(s3)
            } else {
                Arc::new(object_store::prefix::PrefixStore::new(
                    s3,
                    prefix.trim_matches('/'),
                ))
            }
        } else {
            let folder = location.strip_prefix("file://").unwrap_or(location);
            std::fs::create_dir_all(folder)
                .map_err(|e| format!("cannot create the file folder {folder}: {e}"))?;
            Arc::new(
                object_store::local::LocalFileSystem::new_with_prefix(folder)
                    .map_err(|e| format!("file folder {folder}: {e}"))?,
            )
        };
        Ok(Self { store })
    }
}

/// A file on its way into an `object_store`: parts are sent as they fill (S3), or written to a
/// staging file renamed into place at the end (a folder).
struct ObjectFileWriter {
    upload: object_store::WriteMultipart,
}

#[async_trait::async_trait]
impl FileWriter for ObjectFileWriter {
    async fn write(&mut self, chunk: bytes::Bytes) -> Result<(), String> {
        // At most two parts in flight: a slow store slows the upload instead of filling memory.
        self.upload
            .wait_for_capacity(2)
            .await
            .map_err(|e| e.to_string())?;
        self.upload.put(chunk);
        Ok(())
    }

    async fn finish(self: Box<Self>) -> Result<(), String> {
        self.upload
            .finish()
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    async fn abort(self: Box<Self>) {
        if let Err(error) = self.upload.abort().await {
            tracing::warn!(%error, "abandoning a partial upload failed");
        }
    }
}

#[async_trait::async_trait]
impl FileStore for ObjectFileStore {
    async fn create(&self, key: &str) -> Result<Box<dyn FileWriter>, String> {
        let upload = self
            .store
            .put_multipart(&StorePath::from(key))
            .await
            .map_err(|e| e.to_string())?;
        Ok(Box::new(ObjectFileWriter {
            upload: object_store::WriteMultipart::new(upload),
        }))
    }

    async fn open(&self, key: &str) -> Result<FileStream, String> {
        use futures::TryStreamExt;
        let result = self
            .store
            .get(&StorePath::from(key))
            .await
            .map_err(|e| e.to_string())?;
        Ok(Box::pin(result.into_stream().map_err(|e| e.to_string())))
    }

    async fn delete(&self, key: &str) -> Result<(), String> {
        match self.store.delete(&StorePath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// The signed-in user of a plain axum route.
pub async fn session_user(
    state: &AppState,
    session: &tower_sessions::Session,
) -> Result<SessionUser, AppError> {
    use app::auth::model::UserId;
    use app::auth::service::{load_session_user, USER_ID_KEY};
    let id: i64 = session
        .get(USER_ID_KEY)
        .await
        .ok()
        .flatten()
        .ok_or(AppError::Unauthenticated)?;
    load_session_user(&state.db.conn, UserId(id))
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// An error as a JSON response with its status.
pub fn error_response(error: &AppError) -> Response {
    (
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        axum::Json(serde_json::json!({ "error": error.to_string() })),
    )
        .into_response()
}

/// What an upload is for: a file field of an item's form (`item` and `field`), or a comment on
/// a request (`request`).
#[derive(serde::Deserialize)]
pub struct UploadTarget {
    item: Option<String>,
    field: Option<String>,
    request: Option<String>,
}

/// Largest request body the upload route reads (the largest file any field accepts, plus room
/// for the multipart envelope).
pub const UPLOAD_BODY_LIMIT: usize = files::MAX_ATTACHMENT_MB as usize * 1024 * 1024 + 64 * 1024;

/// `POST /attachments?item=…&field=…` (a form's file field) or `POST /attachments?request=…`
/// (a comment's file) with a multipart `file`: checks the file (size while reading, type by
/// content), stores it and answers its token.
pub async fn upload(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    Query(target): Query<UploadTarget>,
    multipart: Multipart,
) -> Response {
    match receive(&state, &session, &target, multipart).await {
        Ok(file) => (StatusCode::CREATED, axum::Json(file)).into_response(),
        Err(error) => error_response(&error),
    }
}

async fn receive(
    state: &AppState,
    session: &tower_sessions::Session,
    target: &UploadTarget,
    mut multipart: Multipart,
) -> Result<app::attachments::model::UploadedFile, AppError> {
    let user = session_user(state, session).await?;
    let (accept, max_size_mb) = match (&target.item, &target.field, &target.request) {
        (Some(item), Some(field), None) => {
            attachments::upload_limits(&state.db, &user, item, field).await?
        }
        (None, None, Some(number)) => {
            attachments::comment_upload_limits(&state.db, &user, number).await?
        }
        _ => {
            return Err(AppError::BadRequest(
                "Say what the file is for: an item's field, or a request's comment.".into(),
            ))
        }
    };
    let limit_mb = max_size_mb
        .unwrap_or(files::DEFAULT_ATTACHMENT_MB)
        .min(files::MAX_ATTACHMENT_MB);
    let left = attachments::allowance_left(&state.db, &user, &state.settings.uploads).await?;
    while let Some(mut part) = multipart.next_field().await.map_err(unreadable)? {
        if part.name() != Some("file") {
            continue;
        }
        let name = attachments::clean_file_name(part.file_name().unwrap_or_default())
            .map_err(AppError::BadRequest)?;
        let too_big = |size: u64| attachments::over_limit(&name, size, limit_mb, left);
        // The type is decided by the first bytes, before anything is stored.
        let mut head = Vec::new();
        while head.len() < RECOGNISED_FROM {
            let Some(chunk) = part.chunk().await.map_err(unreadable)? else {
                break;
            };
            if let Some(error) = too_big((head.len() + chunk.len()) as u64) {
                return Err(error);
            }
            head.extend_from_slice(&chunk);
        }
        let recognised = attachments::recognise(&head, &name).map_err(AppError::BadRequest)?;
        files::check_limits(&recognised, head.len() as u64, &accept, max_size_mb, &name)
            .map_err(AppError::BadRequest)?;
        // The rest goes to the store as it arrives; a file that turns out too large, or an
        // upload that breaks off, leaves nothing behind.
        let (token, key) = attachments::new_storage_key();
        let mut writer = state.files.create(&key).await.map_err(store_failed)?;
        let size = match copy(&mut part, writer.as_mut(), head, &too_big).await {
            Ok(size) => size,
            Err(error) => {
                writer.abort().await;
                return Err(error);
            }
        };
        writer.finish().await.map_err(store_failed)?;
        let recorded = attachments::record_upload(
            &state.db,
            &user,
            (token, key.clone()),
            &name,
            &recognised,
            size,
        )
        .await;
        if recorded.is_err() {
            if let Err(error) = state.files.delete(&key).await {
                tracing::warn!(%error, key, "removing an unrecorded upload failed");
            }
        }
        return recorded;
    }
    Err(AppError::BadRequest("Choose a file to upload.".into()))
}

/// How many leading bytes decide a file's type (text is told from binary by its start).
const RECOGNISED_FROM: usize = 64 * 1024;

fn unreadable(e: axum::extract::multipart::MultipartError) -> AppError {
    AppError::BadRequest(format!("The upload could not be read: {}", e.body_text()))
}

fn store_failed(error: String) -> AppError {
    tracing::error!(%error, "storing an upload failed");
    AppError::Internal
}

/// Writes the head already read and then the rest of the part, stopping at the first chunk
/// that makes the file too large. Answers the file's size.
async fn copy(
    part: &mut axum::extract::multipart::Field<'_>,
    writer: &mut dyn FileWriter,
    head: Vec<u8>,
    too_big: &(dyn Fn(u64) -> Option<AppError> + Sync),
) -> Result<u64, AppError> {
    let mut size = head.len() as u64;
    writer.write(head.into()).await.map_err(store_failed)?;
    while let Some(chunk) = part.chunk().await.map_err(unreadable)? {
        size += chunk.len() as u64;
        if let Some(error) = too_big(size) {
            return Err(error);
        }
        writer.write(chunk).await.map_err(store_failed)?;
    }
    Ok(size)
}

/// `GET /attachments/{token}`: the file, for its uploader and for people who may see its
/// request. Always served as a download, with the type recognised at upload, so a file can
/// never run as a page of this site.
pub async fn download(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    Path(token): Path<String>,
) -> Response {
    let result = async {
        let user = session_user(&state, &session).await?;
        let file = attachments::for_download(&state.db, &user, &token).await?;
        let stream: FileStream = state.files.open(&file.storage_key).await.map_err(|error| {
            tracing::error!(%error, key = file.storage_key, "reading a stored file failed");
            AppError::Internal
        })?;
        Ok::<_, AppError>((file, stream))
    }
    .await;
    match result {
        // Sent as it is read: a large file never sits in memory.
        Ok((file, stream)) => {
            use futures::TryStreamExt;
            (
                [
                    (header::CONTENT_TYPE, file.content_type.clone()),
                    (
                        header::CONTENT_DISPOSITION,
                        content_disposition(&file.file_name),
                    ),
                    (header::CONTENT_LENGTH, file.size.to_string()),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
                    (header::CACHE_CONTROL, "private, no-store".to_owned()),
                    (
                        header::CONTENT_SECURITY_POLICY,
                        "sandbox; default-src 'none'".to_owned(),
                    ),
                ],
                axum::body::Body::from_stream(stream.map_err(std::io::Error::other)),
            )
                .into_response()
        }
        Err(error) => error_response(&error),
    }
}

/// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded`.
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition_is_safe_for_any_name() {
        assert_eq!(
            content_disposition("Résumé \"final\".pdf"),
            "attachment; filename=\"R_sum_ _final_.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.pdf"
        );
    }
}
