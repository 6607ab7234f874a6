use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Leadership metrics as maintained aggregates: one row per day × department × team × item ×
/// priority, moved in the request kernel's transaction by every change (see
/// `domain::metrics`), so the dashboard adds up buckets and never reads a request. Counters,
/// then three histograms of 16 bins each: time to resolve (calendar, `rh*`), time to resolve in
/// business hours (`bh*`) and first response (`fh*`). The columns are frozen here: a new metric
/// is a new migration.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let counters = [
            "opened",
            "resolved",
            "cancelled",
            "still_open",
            "reopened",
            "reassigned",
            "first_contact",
            "rated",
            "rating_sum",
            "resolve_minutes",
            "resolve_business_count",
            "resolve_business_minutes",
            "response_count",
            "response_minutes",
            "sla_met",
            "sla_breached",
            "approvals",
            "approval_minutes",
        ];
        let mut table = Table::create();
        table
            .table("metric_days")
            .if_not_exists()
            .col(big_pk_auto("id"))
            .col(date("day"))
            .col(big_integer("department_id"))
            .col(big_integer("team_id"))
            .col(big_integer("item_id"))
            .col(string_len("priority", 16));
        let mut names: Vec<String> = counters.iter().map(|c| (*c).to_owned()).collect();
        for prefix in ["rh", "bh", "fh"] {
            names.extend((0..16).map(|n| format!("{prefix}{n}")));
        }
        for name in &names {
            table.col(big_integer(Alias::new(name.as_str())).default(0));
        }
        manager.create_table(table.to_owned()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_metric_days_key")
                    .table("metric_days")
                    .col("day")
                    .col("department_id")
                    .col("team_id")
                    .col("item_id")
                    .col("priority")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("metric_days").to_owned())
            .await
    }
}
