use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("requests")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("item_id"))
                    .col(big_integer("item_version_id"))
                    .col(big_integer("department_id"))
                    .col(big_integer_null("team_id"))
                    .col(big_integer("requester_id"))
                    .col(big_integer("requested_for_id"))
                    .col(big_integer_null("assignee_id"))
                    .col(string_len("title", 200))
                    .col(string_len("state", 32))
                    .col(string_len("priority", 16))
                    .col(text("answers"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("resolved_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("requests", "item_id")
                            .to("catalog_items", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("requests", "item_version_id")
                            .to("item_versions", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("requests", "department_id")
                            .to("departments", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("requests", "team_id")
                            .to("teams", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("requests", "requester_id")
                            .to("users", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("requests", "requested_for_id")
                            .to("users", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("requests", "assignee_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_requester")
                    .table("requests")
                    .col("requester_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_requester_state")
                    .table("requests")
                    .col("requester_id")
                    .col("state")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_requested_for")
                    .table("requests")
                    .col("requested_for_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_department")
                    .table("requests")
                    .col("department_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_requests_department_state")
                    .table("requests")
                    .col("department_id")
                    .col("state")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("requests").to_owned())
            .await
    }
}
