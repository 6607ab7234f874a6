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

/// The notification centre's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub items: Vec<NotificationView>,
    pub unread: u64,
    pub preference: MailPreference,
}
