//! Request pages.

mod lists;
mod request;

pub use lists::{MyRequestsPage, QueuePage};
pub use request::RequestPage;
