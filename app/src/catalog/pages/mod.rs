//! Catalog pages.

mod home;
mod item;

pub use home::HomePage;
pub use item::ItemPage;
