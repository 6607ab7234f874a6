//! Notifications and mail on real databases: an action notifies the right people in the
//! portal and queues their mail in the same transaction; a test SMTP server on loopback
//! receives it; with the mail server down the action still succeeds and the mail goes out
//! once it is back; daily-digest people get one digest.

use app::db::{notification, outbox, Db};
use app::notifications::model::MailPreference;
use app::notifications::service as notifications;
use app::requests::model::RequestId;
use app::requests::service as requests;
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use server::mail::{deliver_due, Delivery, Mailer};
use server::seed::seed_organisation;
use server::testkit::{all_databases, free_port, person, SmtpSink};
use std::collections::BTreeMap;

const EMPLOYEE: &str = "emma.clark@atrium.example";
const MANAGER: &str = "sven.lindqvist@atrium.example";

fn phone(why: &str) -> BTreeMap<String, String> {
    [
        ("model", "pixel"),
        ("data_plan", "no"),
        ("justification", why),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

async fn order_phone(db: &Db, why: &str) -> RequestId {
    let emma = person(db, EMPLOYEE).await;
    requests::submit(db, &emma, "mobile-phone", phone(why))
        .await
        .expect("the order succeeds whatever the mail server does")
}

async fn queued_for(db: &Db, email: &str) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .filter(outbox::Column::ToEmail.eq(email))
        .all(&db.conn)
        .await
        .expect("query")
}

/// A mail's text with quoted-printable soft line breaks undone.
fn text_of(data: &str) -> String {
    data.replace("=\n", "")
}

#[tokio::test]
async fn mail_waits_while_the_server_is_down_and_goes_out_once_it_is_back() {
    for (name, db) in all_databases().await {
        seed_organisation(&db).await.expect("seed");
        let port = free_port();
        let mailer = Mailer::new(
            Some(&format!("smtp://127.0.0.1:{port}")),
            "Atrium <atrium@atrium.example>",
            "http://portal.example",
        )
        .expect("mailer");

        // The mail server is down: ordering still works, and the manager is notified.
        let id = order_phone(&db, "On call for enterprise customers every other week.").await;
        let sven = person(&db, MANAGER).await;
        let inbox = notifications::inbox(&db, &sven).await.expect("inbox");
        assert_eq!(inbox.unread, 1, "{name}");
        assert_eq!(
            inbox.items[0].title,
            format!("Approval needed: {id} Mobile phone"),
            "{name}"
        );
        assert_eq!(
            queued_for(&db, MANAGER).await.len(),
            1,
            "{name}: one mail queued"
        );

        let now = Utc::now();
        let round = deliver_due(&db, &mailer, now).await.expect("round");
        assert_eq!(round, Delivery { sent: 0, failed: 1 }, "{name}");
        let waiting = &queued_for(&db, MANAGER).await[0];
        assert_eq!(waiting.attempts, 1);
        assert!(waiting.sent_at.is_none());
        assert!(
            waiting.last_error.is_some(),
            "{name}: the failure is recorded"
        );
        assert!(waiting.next_attempt_at > now, "{name}: and retried later");

        // The server comes back: nothing is sent before the backoff, then the mail goes out.
        let sink = SmtpSink::start(port).await;
        let early = deliver_due(&db, &mailer, now).await.expect("round");
        assert_eq!(early, Delivery::default(), "{name}: still backing off");
        let later = now + Duration::minutes(3);
        let round = deliver_due(&db, &mailer, later).await.expect("round");
        assert_eq!(round, Delivery { sent: 1, failed: 0 }, "{name}");
        let mails = sink.received();
        assert_eq!(mails.len(), 1, "{name}");
        assert_eq!(mails[0].to, [MANAGER]);
        let text = text_of(&mails[0].data);
        assert!(
            text.contains(&format!("http://portal.example/requests/{id}")),
            "{name}: {text}"
        );
        assert!(
            text.contains("Approve or reject it in your Approvals inbox."),
            "{name}: {text}"
        );
        assert!(queued_for(&db, MANAGER).await[0].sent_at.is_some());
        // Sent once: another round sends nothing.
        let again = deliver_due(&db, &mailer, later + Duration::hours(2))
            .await
            .expect("round");
        assert_eq!(again, Delivery::default(), "{name}");
        assert_eq!(sink.received().len(), 1, "{name}");
    }
}

#[tokio::test]
async fn daily_digest_people_get_one_mail_a_day_and_off_means_none() {
    for (name, db) in all_databases().await {
        seed_organisation(&db).await.expect("seed");
        let port = free_port();
        let sink = SmtpSink::start(port).await;
        let mailer = Mailer::new(
            Some(&format!("smtp://127.0.0.1:{port}")),
            "atrium@atrium.example",
            "http://portal.example",
        )
        .expect("mailer");
        let sven = person(&db, MANAGER).await;
        notifications::set_preference(&db, &sven, MailPreference::Daily)
            .await
            .expect("prefer a digest");
        order_phone(&db, "First phone for the field team.").await;
        order_phone(&db, "Second phone for the field team.").await;
        assert!(
            queued_for(&db, MANAGER).await.is_empty(),
            "{name}: nothing at once"
        );

        let now = Utc::now();
        assert_eq!(
            notifications::queue_digests(&db, now)
                .await
                .expect("digest"),
            1,
            "{name}"
        );
        assert_eq!(
            notifications::queue_digests(&db, now)
                .await
                .expect("digest"),
            0,
            "{name}: once a day"
        );
        deliver_due(&db, &mailer, now).await.expect("round");
        let mails = sink.received();
        assert_eq!(mails.len(), 1, "{name}");
        let text = text_of(&mails[0].data);
        assert!(
            text.contains("http://portal.example/notifications"),
            "{name}: {text}"
        );
        assert_eq!(
            text.matches("Approval needed: REQ-").count(),
            2,
            "{name}: {text}"
        );

        // Off: notified in the portal, no mail at all.
        notifications::set_preference(&db, &sven, MailPreference::Off)
            .await
            .expect("no mail");
        order_phone(&db, "Third phone for the field team.").await;
        let tomorrow = now + Duration::days(2);
        assert_eq!(
            notifications::queue_digests(&db, tomorrow)
                .await
                .expect("digest"),
            0,
            "{name}"
        );
        let unread = notification::Entity::find()
            .filter(notification::Column::UserId.eq(sven.id.0))
            .filter(notification::Column::ReadAt.is_null())
            .all(&db.conn)
            .await
            .expect("query");
        assert_eq!(unread.len(), 3, "{name}");
        assert_eq!(
            notifications::mark_read(&db, &sven, Some(unread[0].id))
                .await
                .expect("one"),
            1
        );
        assert_eq!(
            notifications::unread_count(&db.conn, sven.id.0)
                .await
                .expect("count"),
            2
        );
        // Someone else's notification cannot be marked.
        let emma = person(&db, EMPLOYEE).await;
        assert_eq!(
            notifications::mark_read(&db, &emma, Some(unread[1].id))
                .await
                .expect("none"),
            0
        );
        assert_eq!(
            notifications::mark_read(&db, &sven, None)
                .await
                .expect("all"),
            2,
            "{name}"
        );
    }
}

#[tokio::test]
async fn watchers_and_mentions_hear_of_comments_they_may_read() {
    for (name, db) in all_databases().await {
        seed_organisation(&db).await.expect("seed");
        let id = order_phone(&db, "A phone for on-call duty.").await;
        let emma = person(&db, EMPLOYEE).await;
        let ivan = person(&db, "ivan.petrov@atrium.example").await;
        let grace = person(&db, "grace.kim@atrium.example").await;
        // A stranger cannot watch a request they may not see.
        assert!(
            notifications::set_watching(&db, &grace, id, true)
                .await
                .is_err(),
            "{name}"
        );
        notifications::set_watching(&db, &ivan, id, true)
            .await
            .expect("watch");
        let before = notifications::unread_count(&db.conn, ivan.id.0)
            .await
            .expect("count");
        requests::add_comment(
            &db,
            &emma,
            id,
            "Any update? @grace.kim @mei.chen",
            false,
            &[],
        )
        .await
        .expect("comment");
        let ivan_inbox = notifications::inbox(&db, &ivan).await.expect("inbox");
        assert_eq!(ivan_inbox.unread, before + 1, "{name}: the watcher hears");
        // Ivan works in the team that fulfils it, and nobody owns it yet: to him it is the
        // requester's reply.
        assert!(
            ivan_inbox.items[0]
                .title
                .starts_with("Emma Clark replied on"),
            "{name}: {}",
            ivan_inbox.items[0].title
        );
        // Mei (an IT agent) may read it and is mentioned; Grace may not see the request.
        let mei = person(&db, "mei.chen@atrium.example").await;
        let mei_inbox = notifications::inbox(&db, &mei).await.expect("inbox");
        assert!(
            mei_inbox
                .items
                .iter()
                .any(|n| n.title.starts_with("Emma Clark mentioned you on")),
            "{name}"
        );
        assert_eq!(
            notifications::unread_count(&db.conn, grace.id.0)
                .await
                .expect("count"),
            0,
            "{name}"
        );
        // A handle names one address exactly: `_` is not a wildcard for `.`.
        let mei_before = notifications::unread_count(&db.conn, mei.id.0)
            .await
            .expect("count");
        requests::add_comment(&db, &emma, id, "Or maybe @mei_chen knows?", false, &[])
            .await
            .expect("comment");
        assert_eq!(
            notifications::unread_count(&db.conn, mei.id.0)
                .await
                .expect("count"),
            mei_before,
            "{name}: @mei_chen is nobody"
        );
        // An internal note never reaches the requester, even when mentioned.
        let emma_before = notifications::unread_count(&db.conn, emma.id.0)
            .await
            .expect("count");
        requests::add_comment(
            &db,
            &ivan,
            id,
            "Stock is low, @emma.clark must wait",
            true,
            &[],
        )
        .await
        .expect("note");
        assert_eq!(
            notifications::unread_count(&db.conn, emma.id.0)
                .await
                .expect("count"),
            emma_before,
            "{name}"
        );
        notifications::set_watching(&db, &ivan, id, false)
            .await
            .expect("unwatch");
        assert!(!notifications::is_watching(&db.conn, id.0, ivan.id.0)
            .await
            .expect("q"));

        // A watcher who loses access (here: no longer an agent) hears no more of the request.
        notifications::set_watching(&db, &ivan, id, true)
            .await
            .expect("watch again");
        app::db::role_grant::Entity::delete_many()
            .filter(app::db::role_grant::Column::UserId.eq(ivan.id.0))
            .exec(&db.conn)
            .await
            .expect("revoke");
        let ivan_before = notifications::unread_count(&db.conn, ivan.id.0)
            .await
            .expect("count");
        let seen = server::testkit::request_version(&db, id).await;
        let cancel = requests::StateChange {
            to: app::domain::state::RequestState::Cancelled,
            expected_version: seen,
            note: None,
        };
        requests::change_state(&db, &emma, id, cancel)
            .await
            .expect("cancel");
        assert_eq!(
            notifications::unread_count(&db.conn, ivan.id.0)
                .await
                .expect("count"),
            ivan_before,
            "{name}: a watcher without access is not told"
        );
    }
}

#[tokio::test]
async fn mail_is_chosen_per_kind_of_event_approvals_at_once_replies_in_the_digest() {
    use app::notifications::model::NoticeKind;
    for (name, db) in all_databases().await {
        seed_organisation(&db).await.expect("seed");
        let sven = person(&db, MANAGER).await;
        notifications::set_choices(
            &db,
            &sven,
            &[
                (NoticeKind::Approvals, MailPreference::Immediate),
                (NoticeKind::Conversation, MailPreference::Daily),
                (NoticeKind::Progress, MailPreference::Off),
            ],
        )
        .await
        .expect("choices");
        let inbox = notifications::inbox(&db, &sven).await.expect("inbox");
        assert!(
            inbox
                .choices
                .contains(&(NoticeKind::Conversation, MailPreference::Daily)),
            "{name}: {:?}",
            inbox.choices
        );
        // Asked to approve: mailed at once.
        let id = order_phone(&db, "A phone for the field team.").await;
        assert_eq!(queued_for(&db, MANAGER).await.len(), 1, "{name}");
        // The employee's reply mentions Sven: a conversation, kept for the digest.
        let emma = person(&db, EMPLOYEE).await;
        requests::add_comment(&db, &emma, id, "@sven.lindqvist it is urgent", false, &[])
            .await
            .expect("comment");
        assert_eq!(
            queued_for(&db, MANAGER).await.len(),
            1,
            "{name}: not at once"
        );
        let now = Utc::now();
        assert_eq!(
            notifications::queue_digests(&db, now)
                .await
                .expect("digest"),
            1,
            "{name}"
        );
        let queued = queued_for(&db, MANAGER).await;
        assert_eq!(queued.len(), 2, "{name}");
        let digest = &queued[1];
        assert!(
            digest.body.contains("mentioned you"),
            "{name}: {}",
            digest.body
        );
        assert!(
            !digest.body.contains("Approval needed"),
            "{name}: mailed already, not again: {}",
            digest.body
        );
    }
}
