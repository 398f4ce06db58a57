//! Storage of SCIM tokens and SCIM records (R44).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::model::{NewScimToken, ScimFilter, ScimProfile, ScimToken, ScimTokenId, ScimUser};
use crate::common::error::StorageError;
use crate::common::ids::{AccountId, MembershipId};

#[async_trait]
pub trait ScimRepository: Send + Sync {
    /// Errors: `Conflict` on a hash clash, `Other`.
    async fn insert_scim_token(&self, new: NewScimToken) -> Result<ScimToken, StorageError>;
    /// Errors: `Other`.
    async fn find_scim_token(&self, id: ScimTokenId) -> Result<Option<ScimToken>, StorageError>;
    /// The token whose secret hashes to `hash`, revoked or not. Errors: `Other`.
    async fn find_scim_token_by_hash(&self, hash: &str) -> Result<Option<ScimToken>, StorageError>;
    /// An account's tokens, oldest first. Errors: `Other`.
    async fn scim_tokens_of(&self, account: AccountId) -> Result<Vec<ScimToken>, StorageError>;
    /// Marks a token revoked at `at` (if it is not already). Errors: `Other`.
    async fn revoke_scim_token(&self, id: ScimTokenId, at: DateTime<Utc>) -> Result<(), StorageError>;
    /// A page of the account's SCIM users (members who do not represent a
    /// partner, R44) matching the filter, in membership id order: `count`
    /// rows from the `offset`-th (0-based), and the number of matches. One
    /// statement for the page and one for the total. Errors: `Other`.
    async fn scim_users(
        &self,
        account: AccountId,
        filter: &ScimFilter,
        offset: u64,
        count: u32,
    ) -> Result<(Vec<ScimUser>, u64), StorageError>;
    /// One SCIM user of the account; `None` for an unknown id, a member of
    /// another account or a partner user. Errors: `Other`.
    async fn scim_user(&self, account: AccountId, id: MembershipId) -> Result<Option<ScimUser>, StorageError>;
    /// Whether another SCIM user of the account than `except` has this
    /// `userName` (compared lower-cased). Errors: `Other`.
    async fn scim_user_name_taken(
        &self,
        account: AccountId,
        user_name_key: &str,
        except: Option<MembershipId>,
    ) -> Result<bool, StorageError>;
    /// Stores (inserts or replaces) the SCIM record of a membership.
    /// Errors: `Conflict` when another member of the account has its
    /// `userName`, `Other`.
    async fn save_scim_profile(
        &self,
        account: AccountId,
        membership: MembershipId,
        profile: &ScimProfile,
    ) -> Result<(), StorageError>;
}
