//! Shared widgets: layout, badges, error views, request tables.

pub mod badges;
pub mod error_view;
pub mod header;
pub mod layout;
pub mod request_table;
pub mod time;
