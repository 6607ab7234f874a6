use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The backlog and its age read only the buckets that still hold open requests: a partial
/// index on them, so the dashboard does not read the whole history for "open now" (the same
/// statement on SQLite and PostgreSQL).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX IF NOT EXISTS idx_metric_days_open ON metric_days \
                 (department_id, day) WHERE still_open <> 0",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS idx_metric_days_open")
            .await?;
        Ok(())
    }
}
