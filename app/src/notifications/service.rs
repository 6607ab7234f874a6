//! (ssr) Telling people what happened: a notification row per person, and, for those who want
//! mail at once, an outbox row written in the same transaction as the change itself. A mail
//! server that is down never fails or slows the change: the delivery worker sends the outbox
//! later, retrying with backoff.

use super::model::{mail_choice, Inbox, MailPreference, NoticeKind, NotificationView};
use crate::auth::model::SessionUser;
use crate::db::{notification, outbox, user, watcher, Db};
use crate::error::{AppError, AppResult};
use crate::requests::model::RequestId;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use std::collections::BTreeSet;

/// Notifications the centre shows.
const SHOWN: u64 = 50;
/// How long a worker holds a mail it is sending before another may try it.
const LEASE: Duration = Duration::minutes(2);

/// Something to tell people about a request.
pub struct Notice {
    pub request: Option<RequestId>,
    pub kind: NoticeKind,
    pub title: String,
    pub body: String,
}

impl Notice {
    pub fn about(request: i64, kind: NoticeKind, title: String, body: String) -> Notice {
        Notice {
            request: Some(RequestId(request)),
            kind,
            title,
            body,
        }
    }

    fn link(&self) -> String {
        self.request
            .map(|id| format!("/requests/{id}"))
            .unwrap_or_else(|| "/notifications".to_owned())
    }
}

/// When a notice is given.
#[derive(Clone, Copy, Debug)]
pub enum Delivery {
    /// Now: unread in the portal, and mailed to those who want mail at once.
    Now(DateTime<Utc>),
    /// In history being replayed (the demo's): read already, and mailed to nobody.
    Past(DateTime<Utc>),
}

/// Notifies these people (each once; inactive people skipped), inside the caller's
/// transaction, so the notice exists exactly when the change does.
pub(crate) async fn notify(
    txn: &impl ConnectionTrait,
    recipients: impl IntoIterator<Item = i64>,
    notice: &Notice,
    delivery: Delivery,
) -> AppResult<()> {
    let (at, live) = match delivery {
        Delivery::Now(at) => (at, true),
        Delivery::Past(at) => (at, false),
    };
    let ids: BTreeSet<i64> = recipients.into_iter().collect();
    if ids.is_empty() {
        return Ok(());
    }
    let people = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Active.eq(true))
        .all(txn)
        .await?;
    for person in people {
        let immediate = live && choice_of(&person, notice.kind) == MailPreference::Immediate;
        notification::ActiveModel {
            user_id: Set(person.id),
            request_id: Set(notice.request.map(|r| r.0)),
            title: Set(clip(&notice.title, 300)),
            body: Set(notice.body.clone()),
            created_at: Set(at),
            read_at: Set((!live).then_some(at)),
            mailed_at: Set(immediate.then_some(at)),
            kind: Set(notice.kind.as_str().to_owned()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        if immediate {
            enqueue(
                txn,
                &person,
                &notice.title,
                &notice.body,
                &notice.link(),
                at,
            )
            .await?;
        }
    }
    Ok(())
}

/// The person's mail choice for a kind of event.
fn choice_of(person: &user::Model, kind: NoticeKind) -> MailPreference {
    mail_choice(person.mail_choices.as_deref(), &person.email_pref, kind)
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

async fn enqueue(
    txn: &impl ConnectionTrait,
    to: &user::Model,
    subject: &str,
    body: &str,
    link: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    outbox::ActiveModel {
        to_email: Set(to.email.clone()),
        to_name: Set(to.name.clone()),
        subject: Set(clip(subject, 300)),
        body: Set(body.to_owned()),
        link: Set(link.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(at),
        sent_at: Set(None),
        last_error: Set(None),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// The people watching a request.
pub(crate) async fn watchers(db: &impl ConnectionTrait, request_id: i64) -> AppResult<Vec<i64>> {
    Ok(watcher::Entity::find()
        .filter(watcher::Column::RequestId.eq(request_id))
        .all(db)
        .await?
        .into_iter()
        .map(|w| w.user_id)
        .collect())
}

/// Makes the person a watcher of the request (nothing if they are one already), inside the
/// caller's transaction.
pub(crate) async fn add_watcher(
    txn: &impl ConnectionTrait,
    request_id: i64,
    user_id: i64,
    at: DateTime<Utc>,
) -> AppResult<()> {
    if !is_watching(txn, request_id, user_id).await? {
        watcher::ActiveModel {
            request_id: Set(request_id),
            user_id: Set(user_id),
            created_at: Set(at),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Whether the person watches the request.
pub async fn is_watching(
    db: &impl ConnectionTrait,
    request_id: i64,
    user_id: i64,
) -> AppResult<bool> {
    Ok(watcher::Entity::find_by_id((request_id, user_id))
        .one(db)
        .await?
        .is_some())
}

/// Starts or stops watching a request the person may see.
pub async fn set_watching(
    db: &Db,
    user: &SessionUser,
    id: RequestId,
    watch: bool,
) -> AppResult<()> {
    let row = crate::db::request::Entity::find_by_id(id.0)
        .one(&db.conn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Request {id}")))?;
    crate::requests::access::access_in(&db.conn, user, &row).await?;
    let txn = db.begin_write().await?;
    let existing = is_watching(&*txn, row.id, user.id.0).await?;
    if watch && !existing {
        watcher::ActiveModel {
            request_id: Set(row.id),
            user_id: Set(user.id.0),
            created_at: Set(db.now()),
        }
        .insert(&*txn)
        .await?;
    } else if !watch && existing {
        watcher::Entity::delete_by_id((row.id, user.id.0))
            .exec(&*txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The person's notification centre: newest first, with the unread count and mail choice.
pub async fn inbox(db: &Db, user: &SessionUser) -> AppResult<Inbox> {
    let rows = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user.id.0))
        .order_by_desc(notification::Column::Id)
        .limit(SHOWN)
        .all(&db.conn)
        .await?;
    let person = user::Entity::find_by_id(user.id.0).one(&db.conn).await?;
    let choices = NoticeKind::ALL
        .into_iter()
        .map(|kind| {
            let choice = person
                .as_ref()
                .map_or(MailPreference::Immediate, |p| choice_of(p, kind));
            (kind, choice)
        })
        .collect();
    Ok(Inbox {
        items: rows
            .into_iter()
            .map(|n| NotificationView {
                id: n.id,
                title: n.title,
                body: n.body,
                link: n.request_id.map(|r| format!("/requests/{}", RequestId(r))),
                at: n
                    .created_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                read: n.read_at.is_some(),
            })
            .collect(),
        unread: unread_count(&db.conn, user.id.0).await?,
        choices,
    })
}

/// How many notifications the person has not read.
pub async fn unread_count(db: &impl ConnectionTrait, user_id: i64) -> AppResult<u64> {
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Marks one notification (or, with `None`, all of them) read. Only the person's own.
pub async fn mark_read(db: &Db, user: &SessionUser, id: Option<i64>) -> AppResult<u64> {
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(db.now()))
        .filter(notification::Column::UserId.eq(user.id.0))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        update = update.filter(notification::Column::Id.eq(id));
    }
    Ok(update.exec(&db.conn).await?.rows_affected)
}

/// Opens one of the person's notifications: marks it read and returns where it points (its
/// request, or the notification centre). Someone else's notification is not found.
pub async fn open(db: &Db, user: &SessionUser, id: i64) -> AppResult<String> {
    let found = notification::Entity::find_by_id(id)
        .filter(notification::Column::UserId.eq(user.id.0))
        .one(&db.conn)
        .await?
        .ok_or_else(|| AppError::NotFound("That notification".into()))?;
    mark_read(db, user, Some(found.id)).await?;
    Ok(found.request_id.map_or_else(
        || "/notifications".to_owned(),
        |r| format!("/requests/{}", RequestId(r)),
    ))
}

/// Sets how the person gets notifications by mail, for every kind of event.
pub async fn set_preference(
    db: &Db,
    user: &SessionUser,
    preference: MailPreference,
) -> AppResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::EmailPref, Expr::value(preference.as_str()))
        .col_expr(
            user::Column::MailChoices,
            Expr::value(Option::<String>::None),
        )
        .filter(user::Column::Id.eq(user.id.0))
        .exec(&db.conn)
        .await?;
    Ok(())
}

/// Sets the person's mail choice for some kinds of event; the others keep theirs.
pub async fn set_choices(
    db: &Db,
    user: &SessionUser,
    choices: &[(NoticeKind, MailPreference)],
) -> AppResult<()> {
    let txn = db.begin_write().await?;
    let person = user::Entity::find_by_id(user.id.0)
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::NotFound("Your account".into()))?;
    let mut map: std::collections::BTreeMap<String, String> = NoticeKind::ALL
        .into_iter()
        .map(|kind| {
            (
                kind.as_str().to_owned(),
                choice_of(&person, kind).as_str().to_owned(),
            )
        })
        .collect();
    for (kind, choice) in choices {
        map.insert(kind.as_str().to_owned(), choice.as_str().to_owned());
    }
    let json =
        serde_json::to_string(&map).map_err(|e| crate::error::internal("mail choices", e))?;
    user::Entity::update_many()
        .col_expr(user::Column::MailChoices, Expr::value(json))
        .filter(user::Column::Id.eq(user.id.0))
        .exec(&*txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Queues one digest mail for each daily-digest person with notifications not yet mailed and
/// no digest in the last day. Each person is claimed under their `digest_sent_at`, so replicas
/// running this at once queue one digest. Returns how many were queued.
pub async fn queue_digests(db: &Db, now: DateTime<Utc>) -> AppResult<usize> {
    let since = now - Duration::days(1);
    let waiting: Vec<i64> = notification::Entity::find()
        .select_only()
        .column(notification::Column::UserId)
        .filter(notification::Column::MailedAt.is_null())
        .filter(notification::Column::ReadAt.is_null())
        .distinct()
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut queued = 0;
    for user_id in waiting {
        let Some(person) = user::Entity::find_by_id(user_id).one(&db.conn).await? else {
            continue;
        };
        let daily: Vec<&str> = NoticeKind::ALL
            .into_iter()
            .filter(|kind| choice_of(&person, *kind) == MailPreference::Daily)
            .map(NoticeKind::as_str)
            .collect();
        if daily.is_empty() || !person.active || person.digest_sent_at.is_some_and(|at| at > since)
        {
            continue;
        }
        let txn = db.begin_write().await?;
        let mut claim = user::Entity::update_many()
            .col_expr(user::Column::DigestSentAt, Expr::value(now))
            .filter(user::Column::Id.eq(person.id));
        claim = match person.digest_sent_at {
            Some(at) => claim.filter(user::Column::DigestSentAt.eq(at)),
            None => claim.filter(user::Column::DigestSentAt.is_null()),
        };
        if claim.exec(&*txn).await?.rows_affected != 1 {
            continue;
        }
        let items = notification::Entity::find()
            .filter(notification::Column::UserId.eq(person.id))
            .filter(notification::Column::MailedAt.is_null())
            .filter(notification::Column::ReadAt.is_null())
            .filter(notification::Column::Kind.is_in(daily.iter().copied()))
            .order_by_asc(notification::Column::Id)
            .all(&*txn)
            .await?;
        if items.is_empty() {
            continue;
        }
        let mut body = String::new();
        for n in &items {
            body.push_str(&format!("• {}\n", n.title));
            if !n.body.is_empty() {
                body.push_str(&format!("  {}\n", n.body));
            }
        }
        let subject = match items.len() {
            1 => "Your Atrium digest: 1 update".to_owned(),
            n => format!("Your Atrium digest: {n} updates"),
        };
        enqueue(&*txn, &person, &subject, &body, "/notifications", now).await?;
        notification::Entity::update_many()
            .col_expr(notification::Column::MailedAt, Expr::value(now))
            .filter(notification::Column::Id.is_in(items.iter().map(|n| n.id)))
            .exec(&*txn)
            .await?;
        txn.commit().await?;
        queued += 1;
    }
    Ok(queued)
}

/// Mail due for sending, each claimed for this worker for a short lease (so replicas never
/// send the same mail at the same time; a worker that dies mid-send leaves it to the next).
pub async fn claim_due_mail(
    db: &Db,
    now: DateTime<Utc>,
    limit: u64,
) -> AppResult<Vec<outbox::Model>> {
    let due = outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox::Column::NextAttemptAt)
        .limit(limit)
        .all(&db.conn)
        .await?;
    let mut claimed = Vec::new();
    for mail in due {
        let txn = db.begin_write().await?;
        let took = outbox::Entity::update_many()
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(now + LEASE))
            .col_expr(outbox::Column::Attempts, Expr::value(mail.attempts + 1))
            .filter(outbox::Column::Id.eq(mail.id))
            .filter(outbox::Column::SentAt.is_null())
            .filter(outbox::Column::NextAttemptAt.eq(mail.next_attempt_at))
            .exec(&*txn)
            .await?;
        txn.commit().await?;
        if took.rows_affected == 1 {
            claimed.push(outbox::Model {
                attempts: mail.attempts + 1,
                ..mail
            });
        }
    }
    Ok(claimed)
}

/// Records a delivered mail.
pub async fn mail_sent(db: &Db, id: i64, now: DateTime<Utc>) -> AppResult<()> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::SentAt, Expr::value(now))
        .col_expr(
            outbox::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .filter(outbox::Column::Id.eq(id))
        .exec(&db.conn)
        .await?;
    Ok(())
}

/// Wait before the next try after `attempts` failures: 30 s, doubling, at most an hour.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 8) - 1;
    (Duration::seconds(30) * 2i32.pow(exp as u32)).min(Duration::hours(1))
}

/// Records a failed try; the mail waits for its backoff and is tried again.
pub async fn mail_failed(
    db: &Db,
    mail: &outbox::Model,
    error: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::NextAttemptAt,
            Expr::value(now + backoff(mail.attempts)),
        )
        .col_expr(outbox::Column::LastError, Expr::value(clip(error, 500)))
        .filter(outbox::Column::Id.eq(mail.id))
        .exec(&db.conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(4), Duration::seconds(240));
        assert_eq!(backoff(50), Duration::hours(1));
    }
}
