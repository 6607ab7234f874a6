use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables the catalog page is read from.
const TABLES: [&str; 3] = ["departments", "categories", "catalog_items"];

/// A number that moves on with every change to departments, categories or catalog items, kept
/// by the database itself (triggers), so that no code path that writes them can forget it.
/// Each server keeps the catalog in memory and reads only this number per page: the same
/// number means the same catalog, on every replica.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE catalog_generation (id INTEGER PRIMARY KEY, generation BIGINT NOT NULL)",
        )
        .await?;
        db.execute_unprepared("INSERT INTO catalog_generation (id, generation) VALUES (1, 0)")
            .await?;
        let bump = "UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1";
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION bump_catalog_generation() RETURNS trigger AS $$ \
                     BEGIN {bump}; RETURN NULL; END $$ LANGUAGE plpgsql"
                ))
                .await?;
                for table in TABLES {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_bump_catalog_generation \
                         AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_generation()"
                    ))
                    .await?;
                }
            }
            _ => {
                for table in TABLES {
                    for event in ["INSERT", "UPDATE", "DELETE"] {
                        let name =
                            format!("{table}_{}_bump_catalog_generation", event.to_lowercase());
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {name} AFTER {event} ON {table} \
                             FOR EACH ROW BEGIN {bump}; END"
                        ))
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                for table in TABLES {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {table}_bump_catalog_generation ON {table}"
                    ))
                    .await?;
                }
                db.execute_unprepared("DROP FUNCTION IF EXISTS bump_catalog_generation()")
                    .await?;
            }
            _ => {
                for table in TABLES {
                    for event in ["insert", "update", "delete"] {
                        db.execute_unprepared(&format!(
                            "DROP TRIGGER IF EXISTS {table}_{event}_bump_catalog_generation"
                        ))
                        .await?;
                    }
                }
            }
        }
        db.execute_unprepared("DROP TABLE catalog_generation")
            .await?;
        Ok(())
    }
}
