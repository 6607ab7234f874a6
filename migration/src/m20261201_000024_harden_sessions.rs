use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Sessions are kept under a hash of their id (a copy of the table gives no one a way in), and
/// know whose they are, so that a person can end all of theirs at once. Sessions kept under
/// their plain id cannot be found any more: they are removed, and everyone signs in once again.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM sessions")
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .add_column(big_integer_null("user_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_user_id")
                    .table("sessions")
                    .col("user_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_sessions_user_id")
                    .table("sessions")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("sessions")
                    .drop_column("user_id")
                    .to_owned(),
            )
            .await
    }
}
