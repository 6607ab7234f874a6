use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("request_events")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("request_id"))
                    .col(big_integer_null("actor_id"))
                    .col(string_len("kind", 32))
                    .col(string_len_null("from_state", 32))
                    .col(string_len_null("to_state", 32))
                    .col(text("detail"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("request_events", "request_id")
                            .to("requests", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("request_events", "actor_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_request_events_request")
                    .table("request_events")
                    .col("request_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("request_events").to_owned())
            .await
    }
}
