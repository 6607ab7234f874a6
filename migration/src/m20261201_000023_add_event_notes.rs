use sea_orm_migration::sea_orm::{ConnectionTrait, FromQueryResult, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Words on a timeline event that only those who work on the request read: a task's
/// completion note, why a task was sent to another team. Until now they were part of the
/// event's public text, which requesters read; the ones already written are moved out of it.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("request_events")
                    .add_column(text_null("note"))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        #[derive(FromQueryResult)]
        struct Row {
            id: i64,
            detail: String,
        }
        let rows = Row::find_by_statement(Statement::from_string(
            backend,
            "SELECT id, detail FROM request_events WHERE kind = 'task' \
             AND (detail LIKE 'completed %' OR detail LIKE 'sent %')",
        ))
        .all(db)
        .await?;
        for row in rows {
            let Some((public, note)) = split_note(&row.detail) else {
                continue;
            };
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                match backend {
                    sea_orm_migration::sea_orm::DbBackend::Postgres => {
                        "UPDATE request_events SET detail = $1, note = $2 WHERE id = $3"
                    }
                    _ => "UPDATE request_events SET detail = ?, note = ? WHERE id = ?",
                },
                [public.into(), note.into(), row.id.into()],
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("request_events")
                    .drop_column("note")
                    .to_owned(),
            )
            .await
    }
}

/// `completed “Title”: “note”` → (`completed “Title”`, `note`);
/// `sent “Title” from A to B: “reason”` → (`sent “Title” from A to B`, `reason`).
fn split_note(detail: &str) -> Option<(String, String)> {
    let body = detail.strip_suffix('”')?;
    let at = if detail.starts_with("completed “") {
        body.find("”: “")? + "”".len()
    } else {
        let from = body.find("” from ")?;
        from + body[from..].find(": “")?
    };
    let public = body[..at].to_owned();
    let note = body[at..].strip_prefix(": “")?.to_owned();
    Some((public, note))
}

#[cfg(test)]
mod tests {
    use super::split_note;

    #[test]
    fn notes_come_out_of_the_public_text() {
        assert_eq!(
            split_note("completed “Order laptop”: “Serial: “X1” shipped”"),
            Some((
                "completed “Order laptop”".into(),
                "Serial: “X1” shipped".into()
            ))
        );
        assert_eq!(
            split_note("sent “Desk” from IT · Desk to Facilities · Workplace: “theirs: “really””"),
            Some((
                "sent “Desk” from IT · Desk to Facilities · Workplace".into(),
                "theirs: “really”".into()
            ))
        );
        assert_eq!(split_note("completed “Order laptop”"), None);
        assert_eq!(split_note("took “Order laptop”"), None);
    }
}
