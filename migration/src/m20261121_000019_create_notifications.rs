use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Notifications: the in-app centre, the mail outbox a background worker delivers (with
/// retries), each person's mail preference (immediate, daily digest, or none), and the
/// watchers of requests.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("notifications")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("user_id"))
                    .col(big_integer_null("request_id"))
                    .col(string_len("title", 300))
                    .col(text("body"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("read_at"))
                    .col(timestamp_with_time_zone_null("mailed_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("notifications", "user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notifications_user")
                    .table("notifications")
                    .col("user_id")
                    .col("read_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("outbox")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_len("to_email", 320))
                    .col(string_len("to_name", 200))
                    .col(string_len("subject", 300))
                    .col(text("body"))
                    .col(string_len("link", 300))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table("outbox")
                    .col("sent_at")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("watchers")
                    .if_not_exists()
                    .col(big_integer("request_id"))
                    .col(big_integer("user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("request_id").col("user_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("watchers", "request_id")
                            .to("requests", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("watchers", "user_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        for column in [
            string_len("email_pref", 16).default("immediate").to_owned(),
            timestamp_with_time_zone_null("digest_sent_at").to_owned(),
        ] {
            manager
                .alter_table(Table::alter().table("users").add_column(column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["digest_sent_at", "email_pref"] {
            manager
                .alter_table(Table::alter().table("users").drop_column(column).to_owned())
                .await?;
        }
        for table in ["watchers", "outbox", "notifications"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
