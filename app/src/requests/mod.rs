//! Requests: ordering from the catalog, following them, and working them from a queue.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
