//! Catalog widgets.

pub mod field_input;
pub mod order_form;
