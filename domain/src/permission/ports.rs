//! Storage of permission sets.

use std::collections::HashMap;

use async_trait::async_trait;

use super::model::{PermissionSet, Permissions};
use crate::common::error::StorageError;
use crate::common::ids::{AccountId, PermissionSetId};

#[async_trait]
pub trait PermissionSetRepository: Send + Sync {
    /// Errors: `Conflict` when the partner has a set of that name
    /// (case-insensitively).
    async fn insert_set(
        &self,
        partner: AccountId,
        name: &str,
        permissions: Permissions,
        built_in: bool,
    ) -> Result<PermissionSet, StorageError>;
    /// Errors: `Conflict` on a name clash, `Other`.
    async fn update_set(&self, set: &PermissionSet) -> Result<(), StorageError>;
    /// Clears the reference from memberships (R19) and deletes. Errors: `Other`.
    async fn delete_set(&self, id: PermissionSetId) -> Result<(), StorageError>;
    /// Errors: `Other`.
    async fn find_set(&self, id: PermissionSetId) -> Result<Option<PermissionSet>, StorageError>;
    /// Errors: `Other`.
    async fn find_sets(&self, ids: &[PermissionSetId])
        -> Result<HashMap<PermissionSetId, PermissionSet>, StorageError>;
    /// A partner's sets, the built-in one first. Errors: `Other`.
    async fn sets_of(&self, partner: AccountId) -> Result<Vec<PermissionSet>, StorageError>;
}
