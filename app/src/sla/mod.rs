//! Service levels: business calendars per department (versioned), and the SLA clocks that
//! count on them (the clock arithmetic is pure, in `domain::calendar` and `domain::clock`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod calendars;
#[cfg(feature = "ssr")]
pub mod clocks;
pub mod components;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod policies;
