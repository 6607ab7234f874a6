use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("categories")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("department_id"))
                    .col(string_len("slug", 64))
                    .col(string_len("name", 120))
                    .col(integer("sort_order"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("categories", "department_id")
                            .to("departments", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_categories_department_slug")
                    .table("categories")
                    .col("department_id")
                    .col("slug")
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("categories").to_owned())
            .await
    }
}
