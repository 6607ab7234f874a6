//! Mail delivery: a background worker sends the outbox through SMTP (`lettre`), retrying with
//! backoff, and queues the daily digests. The outbox row is written in the same transaction as
//! the change that caused it, so a mail server that is down never fails or slows anyone's
//! action: mail waits, and goes out once the server is back.

use app::db::{outbox, Db};
use app::error::AppResult;
use app::notifications::service as notifications;
use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::Arc;

/// Mails sent per worker round.
const BATCH: u64 = 50;

/// How mail leaves Atrium.
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    /// The portal's public address, for links in mail.
    public_url: String,
}

/// What one delivery round did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub failed: usize,
}

impl Mailer {
    /// A mailer for `smtp://host:port` (plain, e.g. a local relay), `smtp://…?tls=required`
    /// or `smtps://…` (TLS), with `user:password@` when the server wants a login. `None`: no
    /// mail is sent (notifications still appear in the portal).
    pub fn new(smtp_url: Option<&str>, from: &str, public_url: &str) -> Result<Mailer, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("ATRIUM_MAIL_FROM “{from}” is not a mail address: {e}"))?;
        let transport = match smtp_url.filter(|u| !u.trim().is_empty()) {
            None => None,
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("ATRIUM_SMTP_URL is not a usable SMTP address: {e}"))?
                    .timeout(Some(std::time::Duration::from_secs(10)))
                    .build(),
            ),
        };
        Ok(Mailer {
            transport,
            from,
            public_url: public_url.trim_end_matches('/').to_owned(),
        })
    }

    pub fn enabled(&self) -> bool {
        self.transport.is_some()
    }

    fn message(&self, mail: &outbox::Model) -> Result<Message, String> {
        let to = Mailbox::new(
            Some(mail.to_name.clone()),
            mail.to_email
                .parse()
                .map_err(|e| format!("bad recipient {}: {e}", mail.to_email))?,
        );
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(format!(
                "{}\n\nOpen it in Atrium: {}{}\n\nYou get this because of your notification settings: {}/notifications\n",
                mail.body, self.public_url, mail.link, self.public_url
            ))
            .map_err(|e| e.to_string())
    }

    async fn send(&self, mail: &outbox::Model) -> Result<(), String> {
        let Some(transport) = &self.transport else {
            return Err("no mail server configured".into());
        };
        let message = self.message(mail)?;
        transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// Sends the mail that is due. A failure is recorded on the mail, which is tried again after
/// its backoff; it never stops the round.
pub async fn deliver_due(db: &Db, mailer: &Mailer, now: DateTime<Utc>) -> AppResult<Delivery> {
    let mut done = Delivery::default();
    if !mailer.enabled() {
        return Ok(done);
    }
    for mail in notifications::claim_due_mail(db, now, BATCH).await? {
        match mailer.send(&mail).await {
            Ok(()) => {
                notifications::mail_sent(db, mail.id, Utc::now()).await?;
                done.sent += 1;
            }
            Err(error) => {
                tracing::warn!(mail = mail.id, attempts = mail.attempts, %error, "mail not sent; will retry");
                notifications::mail_failed(db, &mail, &error, Utc::now()).await?;
                done.failed += 1;
            }
        }
    }
    Ok(done)
}

/// Every few seconds, sends due mail; every minute, queues daily digests.
pub fn spawn_mail_worker(db: Db, mailer: Arc<Mailer>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut rounds: u64 = 0;
        loop {
            tick.tick().await;
            if rounds.is_multiple_of(12) {
                if let Err(error) = notifications::queue_digests(&db, Utc::now()).await {
                    tracing::warn!(%error, "queueing digests failed");
                }
            }
            rounds += 1;
            if let Err(error) = deliver_due(&db, &mailer, Utc::now()).await {
                tracing::warn!(%error, "mail delivery round failed");
            }
        }
    });
}
