//! Outbox emails.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEmail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEmail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl NewEmail {
    /// An email to a user: a greeting and one line of news.
    pub fn to_user(to: &crate::user::model::User, subject: String, news: String) -> Self {
        Self { to: to.email.as_str().to_string(), subject, body: format!("Hello {},\n\n{news}\n", to.name) }
    }
}
