//! Shared widgets: layout, badges, error views, request tables.

pub mod badges;
pub mod chart;
pub mod error_view;
pub mod header;
pub mod island;
pub mod layout;
pub mod notice;
pub mod request_table;
pub mod time;
