use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("item_versions")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("item_id"))
                    .col(integer("version"))
                    .col(text("definition"))
                    .col(big_integer_null("published_by"))
                    .col(timestamp_with_time_zone("published_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("item_versions", "item_id")
                            .to("catalog_items", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("item_versions", "published_by")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_item_versions_item_version")
                    .table("item_versions")
                    .col("item_id")
                    .col("version")
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("item_versions").to_owned())
            .await
    }
}
