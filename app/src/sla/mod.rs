//! Service levels: business calendars per department (versioned), and the SLA clocks that
//! count on them (the clock arithmetic is pure, in `domain::calendar` and `domain::clock`).

#[cfg(feature = "ssr")]
pub mod calendars;
