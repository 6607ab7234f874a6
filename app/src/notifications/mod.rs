//! Notifications: the in-app centre (unread count, mark read), mail through an outbox that a
//! background worker delivers with retries, each person's choice of immediate mail or a daily
//! digest, and watchers of requests.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
