use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// On SQLite the department × priority rollup (`metric_department_days`) is kept by triggers on
/// `metric_days`: whatever a statement adds to a detailed bucket is added to its rollup in the
/// same statement. A change then sends SQLite one upsert for its buckets instead of two, and
/// on SQLite every statement's result is a hand-off between the connection's thread and the
/// waiting task. (PostgreSQL runs both upserts inside the statement that writes the request's
/// row already, and keeps no triggers.)
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
            return Ok(());
        }
        let db = manager.get_connection();
        let counters = crate::m20261206_000047_key_metric_days::counter_columns();
        let list = counters.join(", ");
        let added = |row: &dyn Fn(&str) -> String| {
            counters
                .iter()
                .map(|c| row(c))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let on_conflict = format!(
            "ON CONFLICT (day, department_id, team_id, item_id, priority) DO UPDATE SET {}",
            added(&|c| format!("{c} = metric_department_days.{c} + excluded.{c}"))
        );
        for (name, event, values) in [
            (
                "metric_days_rollup_insert",
                "INSERT",
                added(&|c| format!("NEW.{c}")),
            ),
            (
                "metric_days_rollup_update",
                "UPDATE",
                added(&|c| format!("NEW.{c} - OLD.{c}")),
            ),
        ] {
            db.execute_unprepared(&format!(
                "CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON metric_days BEGIN \
                 INSERT INTO metric_department_days \
                 (day, department_id, team_id, item_id, priority, {list}) \
                 VALUES (NEW.day, NEW.department_id, 0, 0, NEW.priority, {values}) \
                 {on_conflict}; END"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(
                "DROP TRIGGER IF EXISTS metric_days_rollup_insert; \
                 DROP TRIGGER IF EXISTS metric_days_rollup_update",
            )
            .await?;
        Ok(())
    }
}
