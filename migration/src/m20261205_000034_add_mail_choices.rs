use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Mail choices per kind of event: a person may want approvals at once, replies in the daily
/// digest and no mail about their requests' progress. `users.mail_choices` holds the choices
/// (a JSON object, kind → choice; a kind not in it follows `email_pref`), and each notification
/// says which kind it is, so the digest takes only the kinds its person wants daily.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .add_column(text_null("mail_choices"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("notifications")
                    .add_column(string_len("kind", 20).default("progress"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("notifications")
                    .drop_column("kind")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .drop_column("mail_choices")
                    .to_owned(),
            )
            .await
    }
}
