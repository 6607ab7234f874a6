//! Request pages.

mod links;
mod lists;
mod queue;
mod request;
mod requester;
mod templates;

pub use lists::MyRequestsPage;
pub use queue::QueuePage;
pub use request::RequestPage;
pub use templates::ReplyTemplatesPage;
