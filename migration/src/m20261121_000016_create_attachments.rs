use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Uploaded files: their metadata here, their bytes in the configured object store. An upload
/// belongs to the person who made it until a submitted request takes it (`request_id`).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("attachments")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_len_uniq("token", 64))
                    .col(big_integer("uploaded_by"))
                    .col(string_len("file_name", 255))
                    .col(string_len("content_type", 128))
                    .col(big_integer("size"))
                    .col(string_len("storage_key", 255))
                    .col(big_integer_null("request_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("attachments", "uploaded_by")
                            .to("users", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("attachments", "request_id")
                            .to("requests", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_attachments_request")
                    .table("attachments")
                    .col("request_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_attachments_created_at")
                    .table("attachments")
                    .col("created_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("attachments").to_owned())
            .await
    }
}
