use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("catalog_items")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("department_id"))
                    .col(big_integer("category_id"))
                    .col(string_len_uniq("slug", 80))
                    .col(string_len("name", 120))
                    .col(string_len("short_description", 300))
                    .col(text("description"))
                    .col(string_len("icon", 32))
                    .col(integer("expected_days"))
                    .col(big_integer("team_id"))
                    .col(boolean("active"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("catalog_items", "department_id")
                            .to("departments", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("catalog_items", "category_id")
                            .to("categories", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("catalog_items", "team_id")
                            .to("teams", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_catalog_items_category")
                    .table("catalog_items")
                    .col("category_id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("catalog_items").to_owned())
            .await
    }
}
