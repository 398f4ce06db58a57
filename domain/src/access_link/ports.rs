//! Storage of access links and approvals.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::model::{AccessLink, Approval, Decline, NewAccessLink};
use crate::common::error::StorageError;
use crate::common::ids::{AccessLinkId, AccountId, MembershipId};

#[async_trait]
pub trait AccessLinkRepository: Send + Sync {
    /// Errors: `Conflict` on a token-hash clash or when the worker has a
    /// live (unrevoked) link already (R8), `Other`.
    async fn insert_link(&self, new: NewAccessLink) -> Result<AccessLink, StorageError>;
    /// Errors: `Other`.
    async fn find_link(&self, id: AccessLinkId) -> Result<Option<AccessLink>, StorageError>;
    /// Only the hash is stored (R8). Errors: `Other`.
    async fn find_link_by_token_hash(&self, hash: &str) -> Result<Option<AccessLink>, StorageError>;
    /// The newest link of each worker. Errors: `Other`.
    async fn current_links(&self, workers: &[MembershipId]) -> Result<HashMap<MembershipId, AccessLink>, StorageError>;
    /// Revokes every unrevoked link of a worker; returns how many. Errors: `Other`.
    async fn revoke_links_of(&self, worker: MembershipId, at: DateTime<Utc>) -> Result<u64, StorageError>;
    /// Errors: `Conflict` when this client already approved the link.
    async fn insert_approval(&self, approval: &Approval) -> Result<(), StorageError>;
    /// Errors: `Other`.
    async fn approvals_of(&self, link: AccessLinkId) -> Result<Vec<Approval>, StorageError>;
    /// Errors: `Other`.
    async fn find_approval(&self, link: AccessLinkId, client: AccountId) -> Result<Option<Approval>, StorageError>;
    /// R54. Errors: `Conflict` when this client declined the link already.
    async fn insert_decline(&self, decline: &Decline) -> Result<(), StorageError>;
    /// Errors: `Other`.
    async fn find_decline(&self, link: AccessLinkId, client: AccountId) -> Result<Option<Decline>, StorageError>;
    /// Errors: `Other`.
    async fn declines_of(&self, link: AccessLinkId) -> Result<Vec<Decline>, StorageError>;
}

/// Makes and hashes the secret tokens of access links (R8).
pub trait LinkTokens: Send + Sync {
    /// A fresh URL-safe token of at least 128 random bits.
    fn generate(&self) -> String;
    /// The one-way hash stored in place of the token.
    fn hash(&self, token: &str) -> String;
}
