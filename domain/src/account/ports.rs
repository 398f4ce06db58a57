//! Storage of accounts and verified domains.

use chrono::{DateTime, Utc};
use std::collections::HashMap;

use async_trait::async_trait;

use super::model::{Account, EmailDomain, NewAccount};
use crate::common::error::StorageError;
use crate::common::ids::AccountId;

#[async_trait]
pub trait AccountRepository: Send + Sync {
    /// Stores a new account. Errors: `StorageError::Other`.
    async fn insert_account(&self, new: NewAccount, at: DateTime<Utc>) -> Result<Account, StorageError>;
    /// Errors: `StorageError::Other`.
    async fn find_account(&self, id: AccountId) -> Result<Option<Account>, StorageError>;
    /// Batch lookup for loaders. Errors: `StorageError::Other`.
    async fn find_accounts(&self, ids: &[AccountId]) -> Result<HashMap<AccountId, Account>, StorageError>;
    /// Takes the write lock of an account until the transaction ends, so that
    /// counts read afterwards stay true until commit (R31). Errors: `Other`.
    async fn lock_account(&self, id: AccountId) -> Result<(), StorageError>;
    /// `lock_account` for several accounts, in one statement and in
    /// ascending id order (no deadlocks between requests). Errors: `Other`.
    async fn lock_accounts(&self, ids: &[AccountId]) -> Result<(), StorageError>;
}

#[async_trait]
pub trait DomainRepository: Send + Sync {
    /// Errors: `Conflict` when another partner (or this one) has the domain.
    async fn insert_domain(
        &self,
        partner: AccountId,
        domain: &EmailDomain,
        at: DateTime<Utc>,
    ) -> Result<(), StorageError>;
    /// The partner that verified this domain, if any. Errors: `Other`.
    async fn domain_owner(&self, domain: &EmailDomain) -> Result<Option<AccountId>, StorageError>;
    /// A partner's domains, sorted. Errors: `Other`.
    async fn domains_of(&self, partners: &[AccountId]) -> Result<HashMap<AccountId, Vec<String>>, StorageError>;
}
