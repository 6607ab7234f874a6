use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The request's nearest due time among its counting SLA clocks (`due_at`, none when no clock
/// counts) and its clocks' most urgent state (`sla_state`: breached, warning, running, paused,
/// met), written by the kernel with the clocks: the queue sorts by "due soonest" along
/// `(due_at, id)` and filters "breached / at risk" without computing a clock. Only open
/// requests with a counting clock have a due time, so that index is small.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            timestamp_with_time_zone_null("due_at"),
            string_len_null("sla_state", 12),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("requests")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_due")
                    .table("requests")
                    .col("due_at")
                    .col("id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_requests_due")
                    .table("requests")
                    .to_owned(),
            )
            .await?;
        for column in ["sla_state", "due_at"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("requests")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
