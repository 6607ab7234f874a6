use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Fulfilment: one row per task of a request's plan; how each team hands out its tasks; and
/// the requester's rating of the service (CSAT) on the request.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("tasks")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("request_id"))
                    .col(integer("position"))
                    .col(string_len("key", 40))
                    .col(string_len("title", 120))
                    .col(text("instructions"))
                    .col(text("after_keys"))
                    .col(big_integer("department_id"))
                    .col(big_integer("team_id"))
                    .col(big_integer_null("assignee_id"))
                    .col(string_len("state", 16))
                    .col(integer("target_hours"))
                    .col(timestamp_with_time_zone_null("due_at"))
                    .col(timestamp_with_time_zone_null("opened_at"))
                    .col(timestamp_with_time_zone_null("completed_at"))
                    .col(big_integer_null("completed_by_id"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("tasks", "request_id")
                            .to("requests", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("tasks", "team_id")
                            .to("teams", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("tasks", "assignee_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_tasks_request", &["request_id", "position"][..]),
            ("idx_tasks_team_state", &["team_id", "state"][..]),
            ("idx_tasks_assignee_state", &["assignee_id", "state"][..]),
        ] {
            let mut index = Index::create();
            index.name(name).table("tasks");
            for col in cols {
                index.col(*col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        // SQLite alters one column per statement.
        for column in [
            string_len("assignment", 16).default("manual").to_owned(),
            big_integer_null("last_assigned_id").to_owned(),
        ] {
            manager
                .alter_table(Table::alter().table("teams").add_column(column).to_owned())
                .await?;
        }
        for column in [
            small_integer_null("rating").to_owned(),
            text_null("rating_comment").to_owned(),
            timestamp_with_time_zone_null("rated_at").to_owned(),
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
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["rated_at", "rating_comment", "rating"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("requests")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in ["last_assigned_id", "assignment"] {
            manager
                .alter_table(Table::alter().table("teams").drop_column(column).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table("tasks").to_owned())
            .await
    }
}
