use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Sign-in throttling per account, shared by all replicas: one row per email with recent
/// attempts, counted *before* the password is checked, and the earliest time the next attempt
/// is let through (a delay that grows with failures, instead of a lock anyone could trigger).
/// It replaces `login_failures` (one row per failure, counted after hashing).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("login_throttles")
                    .if_not_exists()
                    .col(string_len("email", 254).primary_key())
                    .col(integer("failures"))
                    .col(timestamp_with_time_zone("last_attempt_at"))
                    .col(timestamp_with_time_zone("next_allowed_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_throttles_last_attempt_at")
                    .table("login_throttles")
                    .col("last_attempt_at")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("login_failures").if_exists().to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("login_throttles").to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("login_failures")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_len("email", 254))
                    .col(timestamp_with_time_zone("at"))
                    .to_owned(),
            )
            .await
    }
}
