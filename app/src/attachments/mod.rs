//! Files attached to requests: uploaded while a form is filled in, taken by the request when it
//! is submitted, and downloaded by the people who may see that request.
//!
//! The bytes live in a [`service::FileStore`] (a local folder or S3-compatible object storage,
//! chosen by configuration in the server); their metadata, owner and request live in the
//! database, so every replica sees the same files.

pub mod model;
#[cfg(feature = "ssr")]
pub mod service;
