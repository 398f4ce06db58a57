//! The outbox (in the transaction) and the mailer (after it).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::model::{NewEmail, OutboxEmail};
use crate::common::error::StorageError;

#[async_trait]
pub trait OutboxRepository: Send + Sync {
    /// Queues an email. Errors: `Other`.
    async fn enqueue(&self, email: NewEmail, at: DateTime<Utc>) -> Result<(), StorageError>;
    /// Newest first, optionally to one address (case-insensitive). Errors: `Other`.
    async fn list_outbox(&self, to: Option<&str>, first: u32) -> Result<Vec<OutboxEmail>, StorageError>;
    /// Unsent emails, oldest first. Errors: `Other`.
    async fn unsent(&self, limit: u32) -> Result<Vec<OutboxEmail>, StorageError>;
    /// Errors: `Other`.
    async fn mark_sent(&self, id: i64, at: DateTime<Utc>) -> Result<(), StorageError>;
}

/// Delivers one email. Errors: a message saying why delivery failed.
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, email: &OutboxEmail) -> Result<(), String>;
}
