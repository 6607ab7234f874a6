use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Approval requests: one row per approver per stage of a request's approval plan; the head of
/// each department (an approver kind); and date-bounded delegations ("while I'm away, Sam
/// approves for me").
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("departments")
                    .add_column(big_integer_null("head_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("approvals")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("request_id"))
                    .col(integer("stage"))
                    .col(string_len("stage_name", 120))
                    .col(big_integer("approver_id"))
                    .col(big_integer_null("on_behalf_of_id"))
                    .col(string_len_null("decision", 16))
                    .col(text_null("comment"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("approvals", "request_id")
                            .to("requests", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("approvals", "approver_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("delegations")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("user_id"))
                    .col(big_integer("delegate_id"))
                    .col(date("starts_on"))
                    .col(date("ends_on"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("delegations", "user_id")
                            .to("users", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("delegations", "delegate_id")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_delegations_user")
                    .table("delegations")
                    .col("user_id")
                    .col("ends_on")
                    .to_owned(),
            )
            .await?;
        // The inbox: what waits on a person.
        manager
            .create_index(
                Index::create()
                    .name("idx_approvals_approver_decision")
                    .table("approvals")
                    .col("approver_id")
                    .col("decision")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_approvals_request_stage")
                    .table("approvals")
                    .col("request_id")
                    .col("stage")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("delegations").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("approvals").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("departments")
                    .drop_column("head_id")
                    .to_owned(),
            )
            .await
    }
}
