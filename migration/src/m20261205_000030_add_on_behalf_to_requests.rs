use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A request ordered for someone else (`on_behalf`: the requester is not the person it is for).
/// That person finds it among their requests: "My requests" reads their own orders by
/// `(requester_id, id)` and those made for them by `(requested_for_id, on_behalf, id)`, each an
/// index range.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("requests")
                    .add_column(boolean("on_behalf").default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_for_others")
                    .table("requests")
                    .col("requested_for_id")
                    .col("on_behalf")
                    .col("id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_requests_for_others")
                    .table("requests")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("requests")
                    .drop_column("on_behalf")
                    .to_owned(),
            )
            .await
    }
}
