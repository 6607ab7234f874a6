use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// What the leadership metrics know about each request (`domain::metrics::Facts`), as last
/// computed in the request kernel's transaction. Two readers: the next change of the request
/// (its facts before, read by key instead of from its whole history), and the dashboard's
/// drill-down lists (the requests behind a number are selected by the same facts the number
/// was added up from, so the two agree). Rebuilt with the buckets by `atrium rebuild-metrics`.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("request_facts")
                    .if_not_exists()
                    .col(big_integer("request_id").primary_key())
                    .col(big_integer("department_id"))
                    .col(big_integer("team_id"))
                    .col(big_integer("item_id"))
                    .col(string_len("priority", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(string_len("state", 24))
                    .col(timestamp_with_time_zone_null("resolved_at"))
                    .col(timestamp_with_time_zone_null("cancelled_at"))
                    .col(integer("reopens"))
                    .col(integer("reassignments"))
                    .col(integer("desk_people"))
                    .col(small_integer_null("rating"))
                    .col(big_integer_null("resolve_business"))
                    .col(timestamp_with_time_zone_null("response_at"))
                    .col(big_integer_null("response_minutes"))
                    .col(timestamp_with_time_zone_null("response_sla_at"))
                    .col(boolean_null("response_sla_met"))
                    .col(timestamp_with_time_zone_null("resolution_sla_at"))
                    .col(boolean_null("resolution_sla_met"))
                    .col(timestamp_with_time_zone_null("approval_at"))
                    .col(big_integer_null("approval_minutes"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("request_facts", "request_id")
                            .to("requests", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The drill-down lists walk the time something happened, newest first.
        for column in [
            "created_at",
            "resolved_at",
            "response_at",
            "response_sla_at",
            "resolution_sla_at",
            "approval_at",
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("idx_request_facts_{column}"))
                        .table("request_facts")
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("request_facts").to_owned())
            .await
    }
}
