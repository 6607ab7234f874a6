use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A request remembers when its requester replied and nobody on the service desk has answered
/// yet (`requester_replied_at`): the queue shows "Requester replied" until an agent replies or
/// moves the request. Requests are found by owner (`assignee_id`) for "assigned to me".
///
/// Confidential items (HR matters, payroll, leave notes): their requests are read only by the
/// requester, the person it is for, its approvers and those who fulfil it — not by leadership.
/// The request carries the mark too, so every access check reads it from the row it has.
///
/// A department's general enquiry ("Something else") is marked `general`: a search that finds
/// nothing offers it.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            (
                "requests",
                timestamp_with_time_zone_null("requester_replied_at"),
            ),
            (
                "requests",
                boolean("confidential").default(false).to_owned(),
            ),
            (
                "catalog_items",
                boolean("confidential").default(false).to_owned(),
            ),
            (
                "catalog_items",
                boolean("general").default(false).to_owned(),
            ),
        ];
        for (table, column) in columns {
            manager
                .alter_table(Table::alter().table(table).add_column(column).to_owned())
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_assignee")
                    .table("requests")
                    .col("assignee_id")
                    .col("id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_requests_assignee")
                    .table("requests")
                    .to_owned(),
            )
            .await?;
        for (table, column) in [
            ("catalog_items", "general"),
            ("catalog_items", "confidential"),
            ("requests", "confidential"),
            ("requests", "requester_replied_at"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
