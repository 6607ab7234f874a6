use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Who may order an item, as JSON (`{"kind":"everyone"}`, departments or roles).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("catalog_items")
                    .add_column(text("audience").default(r#"{"kind":"everyone"}"#))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("catalog_items")
                    .drop_column("audience")
                    .to_owned(),
            )
            .await
    }
}
