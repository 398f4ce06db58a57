//! Storage of permission sets (R17) and client templates (R58): named sets
//! of permissions, each owned by one account.

use chrono::{DateTime, Utc};
use std::collections::HashMap;

use async_trait::async_trait;

use super::model::{PermissionSet, Permissions};
use crate::common::error::StorageError;
use crate::common::ids::{AccountId, PermissionSetId};

#[async_trait]
pub trait PermissionSetRepository: Send + Sync {
    /// Errors: `Conflict` when the account has a set of that name
    /// (case-insensitively).
    async fn insert_set(
        &self,
        account: AccountId,
        name: &str,
        permissions: Permissions,
        built_in: bool,
        at: DateTime<Utc>,
    ) -> Result<PermissionSet, StorageError>;
    /// Errors: `Conflict` on a name clash, `Other`.
    async fn update_set(&self, set: &PermissionSet, at: DateTime<Utc>) -> Result<(), StorageError>;
    /// Clears the reference from memberships (R19) and deletes. Errors: `Other`.
    async fn delete_set(&self, id: PermissionSetId) -> Result<(), StorageError>;
    /// Errors: `Other`.
    async fn find_set(&self, id: PermissionSetId) -> Result<Option<PermissionSet>, StorageError>;
    /// Errors: `Other`.
    async fn find_sets(&self, ids: &[PermissionSetId])
        -> Result<HashMap<PermissionSetId, PermissionSet>, StorageError>;
    /// An account's sets, the built-in one first, then by name. Errors: `Other`.
    async fn sets_of(&self, account: AccountId) -> Result<Vec<PermissionSet>, StorageError>;
}

/// The template `id` of client account `client`, for use there (R58):
/// another account's template, a partner's set and an unknown id all
/// answer `NOT_FOUND` at `templateId` (R33).
pub async fn template_of(
    repo: &dyn PermissionSetRepository,
    client: AccountId,
    id: PermissionSetId,
) -> crate::Result<PermissionSet> {
    repo.find_set(id)
        .await?
        .filter(|t| t.account_id == client)
        .ok_or_else(|| crate::Error::not_found(&["templateId"], "permission template"))
}
