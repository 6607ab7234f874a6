use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A changed calendar's open clocks are recomputed in the background, in batches by request
/// number: `recompute_after` is how far that got (none: nothing to do; 0: from the start). It
/// is in the database, so a restart or another replica carries on where it stopped, and a
/// change made meanwhile starts it again from 0.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("calendars")
                    .add_column(big_integer_null("recompute_after"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("calendars")
                    .drop_column("recompute_after")
                    .to_owned(),
            )
            .await
    }
}
