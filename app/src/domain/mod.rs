//! Pure domain rules shared by the server and the browser: one implementation, compiled twice.
//!
//! Nothing in here touches the database, the network or the DOM, so the same code validates a form
//! while the employee types and again when the server receives the submission.

pub mod approvals;
pub mod bulk;
pub mod calendar;
pub mod calendar_text;
pub mod clock;
pub mod clock_story;
pub mod dates;
pub mod definition;
pub mod diff;
pub mod fields;
pub mod files;
pub mod form;
pub mod form_tree;
pub mod mentions;
pub mod metrics;
pub mod numbers;
pub mod queue;
pub mod redirect;
pub mod rules;
pub mod search;
pub mod sla;
pub mod sla_form;
pub mod state;
pub mod tasks;
pub mod templates;
pub mod workflow;

/// Helpers for the domain's unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use chrono::{DateTime, Utc};

    /// An instant written in RFC 3339 (`2026-12-07T09:00:00Z`).
    pub fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("a time")
            .with_timezone(&Utc)
    }
}
