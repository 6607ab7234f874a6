//! Approvals: the stages of an item's approval plan, asked of people when a request is
//! submitted, decided in one click from the Approvals inbox.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
