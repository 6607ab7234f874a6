//! Leadership metrics: daily buckets maintained with every change to a request (the
//! arithmetic is pure, in `domain::metrics`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod buckets;
#[cfg(feature = "ssr")]
pub mod dashboard;
#[cfg(feature = "ssr")]
pub mod drill;
pub mod model;
pub mod pages;
