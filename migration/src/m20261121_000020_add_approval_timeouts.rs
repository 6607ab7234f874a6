use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// When a stage's timeout was acted on (reminded, escalated), per waiting approval, so the
/// workflow worker acts once.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("approvals")
                    .add_column(timestamp_with_time_zone_null("timed_out_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("approvals")
                    .drop_column("timed_out_at")
                    .to_owned(),
            )
            .await
    }
}
