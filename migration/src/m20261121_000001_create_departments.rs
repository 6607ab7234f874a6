use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("departments")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_len_uniq("slug", 64))
                    .col(string_len("name", 120))
                    .col(text("description"))
                    .col(string_len("icon", 32))
                    .col(integer("sort_order"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("departments").to_owned())
            .await
    }
}
