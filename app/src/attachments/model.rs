//! What the browser learns about an upload.

use serde::{Deserialize, Serialize};

/// A file that was uploaded and recognised: what the upload endpoint answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedFile {
    /// The reference to put in the form answer.
    pub token: String,
    pub name: String,
    pub size: u64,
    pub content_type: String,
}

/// Where a file is downloaded from.
pub fn download_href(token: &str) -> String {
    format!("/attachments/{token}")
}
