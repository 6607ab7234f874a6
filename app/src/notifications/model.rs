//! Notification wire types.

use serde::{Deserialize, Serialize};

/// One notification as its person sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// Where it leads (a request's page), if anywhere.
    pub link: Option<String>,
    /// RFC 3339.
    pub at: String,
    pub read: bool,
}

/// How a person wants notifications by mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailPreference {
    Immediate,
    Daily,
    Off,
}

impl MailPreference {
    pub const ALL: [MailPreference; 3] = [
        MailPreference::Immediate,
        MailPreference::Daily,
        MailPreference::Off,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailPreference::Immediate => "immediate",
            MailPreference::Daily => "daily",
            MailPreference::Off => "off",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MailPreference::Immediate => "Email me each one as it happens",
            MailPreference::Daily => "Email me one daily digest",
            MailPreference::Off => "No email (only here)",
        }
    }

    pub fn parse(s: &str) -> Option<MailPreference> {
        MailPreference::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// The kinds of event a person is told of, each with its own mail choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// Replies, comments and @mentions on requests the person is part of.
    Conversation,
    /// Changes to the person's requests: resolved, reopened, cancelled, ordered for them.
    Progress,
    /// Approvals asked of them, reminders, and decisions on their requests.
    Approvals,
    /// Work given to them: a request or a task.
    Work,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 4] = [
        NoticeKind::Conversation,
        NoticeKind::Progress,
        NoticeKind::Approvals,
        NoticeKind::Work,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Conversation => "conversation",
            NoticeKind::Progress => "progress",
            NoticeKind::Approvals => "approvals",
            NoticeKind::Work => "work",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NoticeKind::Conversation => "Replies, comments and mentions",
            NoticeKind::Progress => "Changes to your requests",
            NoticeKind::Approvals => "Approvals",
            NoticeKind::Work => "Work given to you",
        }
    }

    pub fn parse(s: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A person's mail choice for each kind of event: stored as a JSON object (kind → choice);
/// a kind not stored follows the person's general choice.
pub fn mail_choice(stored: Option<&str>, general: &str, kind: NoticeKind) -> MailPreference {
    stored
        .and_then(|s| serde_json::from_str::<std::collections::BTreeMap<String, String>>(s).ok())
        .and_then(|map| {
            map.get(kind.as_str())
                .and_then(|c| MailPreference::parse(c))
        })
        .or_else(|| MailPreference::parse(general))
        .unwrap_or(MailPreference::Immediate)
}

/// The notification centre's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub items: Vec<NotificationView>,
    pub unread: u64,
    /// The mail choice for each kind of event.
    pub choices: Vec<(NoticeKind, MailPreference)>,
}
