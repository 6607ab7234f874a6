use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Business calendars: each department keeps its own (one is its default), and every change is
/// a new version that applies from its effective time on, so SLA clocks are recomputed from
/// history and a past clock never changes under a later edit. A version's definition is the
/// calendar as JSON (zone, hours per weekday, holidays: `domain::calendar::Calendar`).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("calendars")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("department_id"))
                    .col(string_len("slug", 40))
                    .col(string_len("name", 80))
                    .col(boolean("is_default").default(false))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("calendars", "department_id")
                            .to("departments", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_calendars_department_slug")
                    .table("calendars")
                    .col("department_id")
                    .col("slug")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("calendar_versions")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("calendar_id"))
                    .col(timestamp_with_time_zone("effective_at"))
                    .col(text("definition"))
                    .col(big_integer("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("calendar_versions", "calendar_id")
                            .to("calendars", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("calendar_versions", "created_by")
                            .to("users", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_calendar_versions_calendar_effective")
                    .table("calendar_versions")
                    .col("calendar_id")
                    .col("effective_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("calendar_versions").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("calendars").to_owned())
            .await
    }
}
