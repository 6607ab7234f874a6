//! Request pages.

mod lists;
mod queue;
mod request;

pub use lists::MyRequestsPage;
pub use queue::QueuePage;
pub use request::RequestPage;
