use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A request's SLA clocks as last computed from its history (`domain::clock::compute` is the
/// only way a clock is computed; this row stores its result): one row per clock (first
/// response, resolution), recomputed in the request kernel's transaction on every change and
/// when a calendar it counts on changes.
///
/// `next_check_at` is when the escalation worker next has something to do (a warning or the
/// breach not yet acted on); `warned_pct` and `breach_acted` say what was acted on, so each
/// fires once. `calendar_id` is the calendar the clock counts on (none: round the clock), and
/// `open` says the clock has not stopped, so a calendar's open clocks are found when it changes.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("request_clocks")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("request_id"))
                    .col(string_len("kind", 12))
                    .col(big_integer_null("calendar_id"))
                    .col(string_len("state", 12))
                    .col(boolean("open").default(true))
                    .col(big_integer("target_minutes"))
                    .col(big_integer("used_minutes"))
                    .col(timestamp_with_time_zone_null("due_at"))
                    .col(timestamp_with_time_zone_null("breached_at"))
                    .col(small_integer("warned_pct").default(0))
                    .col(boolean("breach_acted").default(false))
                    .col(timestamp_with_time_zone_null("next_check_at"))
                    .col(timestamp_with_time_zone("computed_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("request_clocks", "request_id")
                            .to("requests", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("request_clocks", "calendar_id")
                            .to("calendars", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "idx_request_clocks_request_kind",
                &["request_id", "kind"][..],
            ),
            ("idx_request_clocks_next_check", &["next_check_at"][..]),
            (
                "idx_request_clocks_calendar_open",
                &["calendar_id", "open", "request_id"][..],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table("request_clocks");
            for column in columns {
                index.col(*column);
            }
            if name == "idx_request_clocks_request_kind" {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("request_clocks").to_owned())
            .await
    }
}
