//! The outbox (in the transaction) and the mailer (after it).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::model::{EmailStatus, Message, NewEmail, OutboxEmail, Written};
use crate::common::error::StorageError;
use crate::user::model::Locale;

#[async_trait]
pub trait OutboxRepository: Send + Sync {
    /// Queues an email (`QUEUED`, due at once). Errors: `Other`.
    async fn enqueue(&self, email: NewEmail, at: DateTime<Utc>) -> Result<(), StorageError>;
    /// Queues several emails in one statement, whatever their number.
    /// Errors: `Other`.
    async fn enqueue_many(&self, emails: Vec<NewEmail>, at: DateTime<Utc>) -> Result<(), StorageError>;
    /// Newest first, optionally to one address (case-insensitive). Errors: `Other`.
    async fn list_outbox(&self, to: Option<&str>, first: u32) -> Result<Vec<OutboxEmail>, StorageError>;
}

/// The dispatcher's side of the outbox (R42): claims, outcomes. Every
/// method is one statement of its own (no transaction is held while an
/// email is on its way).
#[async_trait]
pub trait DeliveryQueue: Send + Sync {
    /// Claims up to `limit` `QUEUED` emails that are due at `now` and not
    /// claimed by a live claim, for `token` until `until`, oldest first;
    /// two dispatchers never claim the same email at once (PostgreSQL:
    /// `FOR UPDATE SKIP LOCKED`; SQLite: one writer). Errors: `Other`,
    /// `Unavailable`.
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        token: &str,
        limit: u32,
    ) -> Result<Vec<OutboxEmail>, StorageError>;
    /// The SMTP server took the email: `SENT` (when the claim is still
    /// ours). Errors: `Other`, `Unavailable`.
    async fn mark_sent(&self, id: i64, token: &str, at: DateTime<Utc>) -> Result<bool, StorageError>;
    /// An attempt failed: records it, and either the next attempt's time
    /// (`QUEUED`) or `FAILED` (`next` is `None`). Errors: `Other`, `Unavailable`.
    async fn mark_failed_attempt(
        &self,
        id: i64,
        token: &str,
        error: &str,
        failing_since: DateTime<Utc>,
        next: Option<DateTime<Utc>>,
    ) -> Result<bool, StorageError>;
    /// Gives claimed emails back untried (due at once for the next round,
    /// here or on another server) while the claim is still `token`'s.
    /// Errors: `Other`, `Unavailable`.
    async fn release(&self, ids: &[i64], token: &str) -> Result<(), StorageError>;
    /// When the oldest `QUEUED` email was queued, if any (the operator's
    /// gauge of a stalled outbox). Errors: `Other`, `Unavailable`.
    async fn oldest_queued(&self) -> Result<Option<DateTime<Utc>>, StorageError>;
    /// How many emails have this status. Errors: `Other`, `Unavailable`.
    async fn count_status(&self, status: EmailStatus) -> Result<u64, StorageError>;
}

/// Why an email was not delivered: the transport's error with its causes
/// (`crate::chain` prints them; never a token or link URL, since it is
/// stored and logged), and what it means for the next attempt.
#[derive(Debug, thiserror::Error)]
#[error("the email was not delivered")]
pub struct MailError {
    pub failure: MailFailure,
    #[source]
    pub cause: crate::common::error::Cause,
}

/// What kind of failure a delivery met (R42, R57).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailFailure {
    /// The server refused this email for good (SMTP 5xx, or an address
    /// that cannot be used): retrying cannot help.
    Permanent,
    /// The server deferred this email (SMTP 4xx): try it again later.
    Deferred,
    /// The server could not be reached or did not answer in time: try
    /// again later, and the other emails of the round too.
    Unreachable,
}

impl MailError {
    pub fn new(failure: MailFailure, cause: impl Into<crate::common::error::Cause>) -> Self {
        Self { failure, cause: cause.into() }
    }
}

/// Delivers one email.
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, email: &OutboxEmail) -> Result<(), MailError>;
}

/// Writes emails in their recipients' languages (R55), with a link to where
/// the recipient acts when the app's URL is known (R56).
pub trait EmailWriter: Send + Sync {
    /// The subject and plain text of `message` to a person called `name`,
    /// in `locale`. Never fails: a message missing in a language (which a
    /// test rules out) is written in English.
    fn write(&self, locale: Locale, name: &str, message: &Message) -> Written;
}
