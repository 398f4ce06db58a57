//! Storage of users.

use chrono::{DateTime, Utc};
use std::collections::HashMap;

use async_trait::async_trait;

use super::model::{Email, Locale, User};
use crate::common::error::StorageError;
use crate::common::ids::UserId;

#[async_trait]
pub trait UserRepository: Send + Sync {
    /// Errors: `Conflict` when the email (case-insensitively) is taken.
    async fn insert_user(&self, email: &Email, name: &str, at: DateTime<Utc>) -> Result<User, StorageError>;
    /// Errors: `Other`.
    async fn find_user(&self, id: UserId) -> Result<Option<User>, StorageError>;
    /// Errors: `Other`.
    async fn find_users(&self, ids: &[UserId]) -> Result<HashMap<UserId, User>, StorageError>;
    /// Case-insensitive. Errors: `Other`.
    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StorageError>;
    /// Case-insensitive, keyed by the lower-cased address. Errors: `Other`.
    async fn find_users_by_emails(&self, emails: &[Email]) -> Result<HashMap<String, User>, StorageError>;
    /// R55: sets a user's locale. Errors: `Other`.
    async fn set_user_locale(&self, id: UserId, locale: Locale) -> Result<(), StorageError>;
}
