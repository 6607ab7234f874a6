use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The metrics' daily buckets rolled up per department × priority (team and item 0), moved
/// with `metric_days` in the same statement group: the dashboard, which filters by department
/// and priority, adds up about a fifth of the rows (measured at 1M requests: the quarter's
/// dashboard read ~93 buckets a day from `metric_days`). Same columns; a partial index keeps the
/// backlog to the buckets that hold open requests.
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
            .table("metric_department_days")
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
                    .name("idx_metric_department_days_key")
                    .table("metric_department_days")
                    .col("day")
                    .col("department_id")
                    .col("team_id")
                    .col("item_id")
                    .col("priority")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX IF NOT EXISTS idx_metric_department_days_open ON \
                 metric_department_days (department_id, day) WHERE still_open <> 0",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("metric_department_days").to_owned())
            .await
    }
}
