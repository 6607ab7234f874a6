//! (ssr) File storage: the bytes of uploads, beside the database that holds their metadata.
//!
//! Files move through in chunks both ways: an upload is written as it arrives and a download
//! is sent as it is read, so a 100 MB file never sits in memory.

use bytes::Bytes;

/// A file's bytes as they are read, chunk by chunk.
pub type FileStream = futures::stream::BoxStream<'static, Result<Bytes, String>>;

/// A file being written: chunks in order, then `finish` (the file appears whole) or `abort`
/// (nothing is left behind).
#[async_trait::async_trait]
pub trait FileWriter: Send {
    async fn write(&mut self, chunk: Bytes) -> Result<(), String>;
    async fn finish(self: Box<Self>) -> Result<(), String>;
    async fn abort(self: Box<Self>);
}

/// Where the bytes of uploaded files are kept. Implemented by the server over a local folder or
/// S3-compatible storage; keys are opaque paths such as `2026/11/<token>`.
#[async_trait::async_trait]
pub trait FileStore: Send + Sync + std::fmt::Debug {
    /// Starts writing a new file at `key`.
    async fn create(&self, key: &str) -> Result<Box<dyn FileWriter>, String>;
    /// Reads a stored file.
    async fn open(&self, key: &str) -> Result<FileStream, String>;
    async fn delete(&self, key: &str) -> Result<(), String>;
}
