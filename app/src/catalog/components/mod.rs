//! Catalog widgets.

pub mod approval_editor;
pub mod audience_panel;
pub mod field_editor;
pub mod field_input;
pub mod file_input;
pub mod form_fields;
#[cfg(feature = "hydrate")]
mod form_files;
#[cfg(feature = "hydrate")]
mod form_live;
#[cfg(feature = "hydrate")]
mod form_markup;
pub mod form_preview;
#[cfg(feature = "hydrate")]
mod form_rows;
pub mod form_rules;
pub mod item_details_panel;
pub mod new_item_form;
pub mod order_form;
pub mod person_picker;
pub mod rule_editor;
pub mod task_editor;
