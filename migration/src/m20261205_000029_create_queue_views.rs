use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The queue sorts by last update, priority and owner, and filters by team and item: each is an
/// index walk (`(updated_at, id)`, `(priority, id)`, `(team_id, id)`, `(item_id, id)`; the owner
/// walk uses `(assignee_id, id)` from migration 28), so a page never sorts the whole queue.
/// Oldest first walks one state at a time (`(state, id)` for those who see every department).
///
/// Agents save queue views under a name (`saved_views`: the view's address, one name once per
/// person).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, column) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("requests")
                        .col(column)
                        .col("id")
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("saved_views")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(big_integer("user_id"))
                    .col(string_len("name", 60))
                    .col(string_len("address", 600))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("saved_views", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_saved_views_user_name")
                    .table("saved_views")
                    .col("user_id")
                    .col("name")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("saved_views").to_owned())
            .await?;
        for (name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table("requests").to_owned())
                .await?;
        }
        Ok(())
    }
}

const INDEXES: [(&str, &str); 5] = [
    ("idx_requests_updated", "updated_at"),
    ("idx_requests_state", "state"),
    ("idx_requests_priority", "priority"),
    ("idx_requests_team", "team_id"),
    ("idx_requests_item", "item_id"),
];
