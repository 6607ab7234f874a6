//! (ssr) File storage: the bytes of uploads, beside the database that holds their metadata.

/// Where the bytes of uploaded files are kept. Implemented by the server over a local folder or
/// S3-compatible storage; keys are opaque paths such as `2026/11/<token>`.
#[async_trait::async_trait]
pub trait FileStore: Send + Sync + std::fmt::Debug {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), String>;
    async fn get(&self, key: &str) -> Result<Vec<u8>, String>;
    async fn delete(&self, key: &str) -> Result<(), String>;
}
