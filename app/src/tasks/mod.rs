//! Fulfilment: the tasks of a request's plan, team queues, and taking, assigning, sending on
//! and completing tasks.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
