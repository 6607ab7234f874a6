//! Catalog pages.

mod admin_list;
mod designer;
mod home;
mod item;

pub use admin_list::AdminCatalogPage;
pub use designer::DesignerPage;
pub use home::HomePage;
pub use item::ItemPage;
