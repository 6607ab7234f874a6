use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A calendar's time zone (its latest version's), beside it: a person who chose no zone reads
/// times in their department's default calendar's zone, found with their session in one query.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("calendars")
                    .add_column(string_len("zone", 64).default("UTC"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("calendars")
                    .drop_column("zone")
                    .to_owned(),
            )
            .await
    }
}
