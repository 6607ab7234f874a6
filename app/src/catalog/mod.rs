//! The service catalog: one portal spanning every department.

#[cfg(feature = "ssr")]
pub mod admin;
pub mod admin_api;
pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod designer;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
