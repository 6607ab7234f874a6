use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The metrics' buckets are found by their key (day, department, team, item, priority), never
/// by a number: the key becomes their primary key and the surrogate `id` goes. On SQLite the
/// tables become `WITHOUT ROWID`, so a bucket is one B-tree entry ordered by day: a change's
/// upsert finds and rewrites it in one tree instead of a unique index and then the table, and
/// the dashboard's reads of a period walk consecutive pages. On PostgreSQL the unique index
/// becomes the key.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in TABLES {
            match manager.get_database_backend() {
                sea_orm::DatabaseBackend::Sqlite => {
                    rebuild_sqlite(manager, table, Shape::Keyed).await?;
                }
                _ => {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE {table} DROP COLUMN id; \
                         ALTER TABLE {table} ADD CONSTRAINT {table}_pkey \
                         PRIMARY KEY USING INDEX idx_{table}_key"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in TABLES {
            match manager.get_database_backend() {
                sea_orm::DatabaseBackend::Sqlite => {
                    rebuild_sqlite(manager, table, Shape::Numbered).await?;
                }
                _ => {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE {table} DROP CONSTRAINT {table}_pkey; \
                         ALTER TABLE {table} ADD COLUMN id BIGSERIAL PRIMARY KEY; \
                         CREATE UNIQUE INDEX idx_{table}_key ON {table} \
                         (day, department_id, team_id, item_id, priority)"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }
}

const TABLES: [&str; 2] = ["metric_days", "metric_department_days"];
const KEY: [&str; 5] = ["day", "department_id", "team_id", "item_id", "priority"];

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// The key is the primary key, `WITHOUT ROWID`.
    Keyed,
    /// A numbered row with a unique index on the key (as migrations 42 and 44 made it).
    Numbered,
}

/// The counters' columns (frozen by migrations 42 and 44).
pub(crate) fn counter_columns() -> Vec<String> {
    let mut names: Vec<String> = [
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
    ]
    .map(str::to_owned)
    .to_vec();
    for prefix in ["rh", "bh", "fh"] {
        names.extend((0..16).map(|n| format!("{prefix}{n}")));
    }
    names
}

/// SQLite cannot change a table's primary key: the table is made anew in `shape`, its rows
/// copied, the old one dropped and the new one renamed, with its partial index made again.
async fn rebuild_sqlite(
    manager: &SchemaManager<'_>,
    table: &str,
    shape: Shape,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let new = format!("{table}_new");
    let mut create = Table::create();
    create.table(Alias::new(new.as_str()));
    if shape == Shape::Numbered {
        create.col(big_pk_auto("id"));
    }
    create
        .col(date("day"))
        .col(big_integer("department_id"))
        .col(big_integer("team_id"))
        .col(big_integer("item_id"))
        .col(string_len("priority", 16));
    let counters = counter_columns();
    for name in &counters {
        create.col(big_integer(Alias::new(name.as_str())).default(0));
    }
    if shape == Shape::Keyed {
        let mut key = Index::create();
        for column in KEY {
            key.col(Alias::new(column));
        }
        create.primary_key(&mut key).extra("WITHOUT ROWID");
    }
    manager.create_table(create.to_owned()).await?;
    let columns = KEY
        .iter()
        .map(|c| (*c).to_owned())
        .chain(counters)
        .collect::<Vec<_>>()
        .join(", ");
    db.execute_unprepared(&format!(
        "INSERT INTO {new} ({columns}) SELECT {columns} FROM {table} ORDER BY {key}; \
         DROP TABLE {table}; \
         ALTER TABLE {new} RENAME TO {table}; \
         CREATE INDEX idx_{table}_open ON {table} (department_id, day) WHERE still_open <> 0",
        key = KEY.join(", ")
    ))
    .await?;
    if shape == Shape::Numbered {
        db.execute_unprepared(&format!(
            "CREATE UNIQUE INDEX idx_{table}_key ON {table} ({})",
            KEY.join(", ")
        ))
        .await?;
    }
    Ok(())
}
