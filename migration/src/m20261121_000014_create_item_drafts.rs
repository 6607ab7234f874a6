use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The working copy of an item's definition; publishing turns it into an immutable version.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("item_drafts")
                    .if_not_exists()
                    .col(big_integer("item_id").primary_key())
                    .col(text("definition"))
                    .col(integer("version"))
                    .col(big_integer("updated_by"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("item_drafts", "item_id")
                            .to("catalog_items", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("item_drafts", "updated_by")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("item_drafts").to_owned())
            .await
    }
}
