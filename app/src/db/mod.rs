//! (ssr) Database entities and connection helpers.

pub mod approval;
pub mod attachment;
pub mod audit;
pub mod calendar;
pub mod calendar_version;
pub mod catalog_cache;
pub mod catalog_item;
pub mod category;
pub mod comment;
pub mod definition;
pub mod delegation;
pub mod department;
pub mod files;
pub mod item_draft;
pub mod item_version;
pub mod literal;
pub mod login_throttle;
pub mod metric_day;
pub mod notification;
pub mod outbox;
pub mod page_facts;
pub mod reply_template;
pub mod request;
pub mod request_clock;
pub mod request_event;
pub mod request_link;
pub mod role_grant;
pub mod saved_view;
pub mod session;
pub mod task;
pub mod team;
pub mod team_member;
pub mod user;
pub mod watcher;

mod connection;
pub use connection::*;
