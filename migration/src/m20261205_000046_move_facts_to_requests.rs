use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The leadership metrics' facts move into the request's own row. The request kernel reads the
/// row under its lock and writes it at commit anyway, so keeping the facts costs no read and no
/// write of their own; and a drill-down list or CSV export reads one table, by an index on the
/// time it walks, instead of the facts and then their requests. `facts_kept` says the columns
/// hold the facts of the request's last commit (false: not yet computed, and the start-up
/// rebuilds them; a partial index finds such rows without reading the others).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one change at a time.
        for column in [
            boolean("facts_kept").default(false).to_owned(),
            timestamp_with_time_zone_null("cancelled_at"),
            integer("reopens").default(0).to_owned(),
            integer("reassignments").default(0).to_owned(),
            integer("desk_people").default(0).to_owned(),
            big_integer_null("resolve_business"),
            timestamp_with_time_zone_null("response_at"),
            big_integer_null("response_minutes"),
            timestamp_with_time_zone_null("response_sla_at"),
            boolean_null("response_sla_met"),
            timestamp_with_time_zone_null("resolution_sla_at"),
            boolean_null("resolution_sla_met"),
            timestamp_with_time_zone_null("approval_at"),
            big_integer_null("approval_minutes"),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table("requests")
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        let copied = FACTS
            .iter()
            .map(|c| format!("{c} = f.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        db.execute_unprepared(&format!(
            "UPDATE requests SET facts_kept = TRUE, {copied} \
             FROM request_facts AS f WHERE f.request_id = requests.id"
        ))
        .await?;
        for (name, column, partial) in INDEXES {
            let only = if *partial {
                format!(" WHERE {column} IS NOT NULL")
            } else {
                String::new()
            };
            db.execute_unprepared(&format!(
                "CREATE INDEX IF NOT EXISTS {name} ON requests ({column}, id){only}"
            ))
            .await?;
        }
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS idx_requests_facts_missing ON requests (id) \
             WHERE facts_kept = FALSE",
        )
        .await?;
        manager
            .drop_table(Table::drop().table("request_facts").to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for name in INDEXES
            .iter()
            .map(|(name, _, _)| *name)
            .chain(["idx_requests_facts_missing"])
        {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        for column in FACTS.iter().copied().chain(["facts_kept"]) {
            manager
                .alter_table(
                    Table::alter()
                        .table("requests")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        // The table comes back empty: the start-up of that version rebuilds it from history.
        super::m20261205_000045_create_request_facts::Migration
            .up(manager)
            .await
    }
}

/// The facts a request's row did not hold already.
const FACTS: [&str; 13] = [
    "cancelled_at",
    "reopens",
    "reassignments",
    "desk_people",
    "resolve_business",
    "response_at",
    "response_minutes",
    "response_sla_at",
    "response_sla_met",
    "resolution_sla_at",
    "resolution_sla_met",
    "approval_at",
    "approval_minutes",
];

/// The drill-down lists walk the time something happened, newest first (name, column, whether
/// only the rows where it happened are indexed: most requests have no such time yet).
const INDEXES: &[(&str, &str, bool)] = &[
    ("idx_requests_created", "created_at", false),
    ("idx_requests_resolved", "resolved_at", true),
    ("idx_requests_response", "response_at", true),
    ("idx_requests_response_sla", "response_sla_at", true),
    ("idx_requests_resolution_sla", "resolution_sla_at", true),
    ("idx_requests_approval", "approval_at", true),
];
