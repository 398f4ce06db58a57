//! The storage port as a whole: every repository, readable outside a
//! transaction and writable inside one (`UnitOfWork`).

use async_trait::async_trait;

use crate::access_link::ports::AccessLinkRepository;
use crate::account::ports::{AccountRepository, DomainRepository};
use crate::account::proof::DomainProofRepository;
use crate::asset::ports::AssetRepository;
use crate::audit::ports::AuditRepository;
use crate::common::error::StorageError;
use crate::membership::bulk_ports::BulkRepository;
use crate::membership::ports::MembershipRepository;
use crate::notify::ports::OutboxRepository;
use crate::permission::ports::PermissionSetRepository;
use crate::relationship::ports::RelationshipRepository;
use crate::schedule::ports::LifecycleRepository;
use crate::scim::ports::ScimRepository;
use crate::session::ports::SessionRepository;
use crate::user::ports::UserRepository;

/// All repositories together.
pub trait Repository:
    AccountRepository
    + DomainRepository
    + DomainProofRepository
    + UserRepository
    + MembershipRepository
    + PermissionSetRepository
    + AccessLinkRepository
    + RelationshipRepository
    + AssetRepository
    + AuditRepository
    + OutboxRepository
    + BulkRepository
    + ScimRepository
    + LifecycleRepository
    + SessionRepository
{
    /// This repository as the verified-domain port, for the identity
    /// adapter (R4) to read through the caller's transaction.
    fn as_domains(&self) -> &dyn DomainRepository;
}

impl<T> Repository for T
where
    T: AccountRepository
        + DomainRepository
        + DomainProofRepository
        + UserRepository
        + MembershipRepository
        + PermissionSetRepository
        + AccessLinkRepository
        + RelationshipRepository
        + AssetRepository
        + AuditRepository
        + OutboxRepository
        + BulkRepository
        + ScimRepository
        + LifecycleRepository
        + SessionRepository,
{
    fn as_domains(&self) -> &dyn DomainRepository {
        self
    }
}

/// One transaction. Dropped without `commit`, it rolls back.
#[async_trait]
pub trait UnitOfWork: Repository {
    /// Errors: `Other` (the transaction is rolled back).
    async fn commit(self: Box<Self>) -> Result<(), StorageError>;
}

#[async_trait]
pub trait Store: Repository {
    /// Starts a write transaction. Errors: `Other`.
    async fn begin(&self) -> Result<Box<dyn UnitOfWork>, StorageError>;
    /// Whether the database answers (for `/healthz`).
    async fn ping(&self) -> bool;
}
