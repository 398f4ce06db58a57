//! The storage port as a whole: every repository, readable outside a
//! transaction and writable inside one (`UnitOfWork`).

use std::future::Future;
use std::marker::PhantomData;
use std::ops::Deref;
use std::pin::Pin;

use async_trait::async_trait;

use crate::access_link::ports::AccessLinkRepository;
use crate::account::ports::{AccountRepository, DomainRepository};
use crate::account::proof::DomainProofRepository;
use crate::asset::ports::AssetRepository;
use crate::audit::ports::AuditRepository;
use crate::common::error::{Result, StorageError};
use crate::common::retry::Attempts;
use crate::membership::bulk_ports::BulkRepository;
use crate::membership::ports::{MemberAccountRepository, MembershipRepository};
use crate::notify::ports::OutboxRepository;
use crate::permission::ports::PermissionSetRepository;
use crate::relationship::ports::RelationshipRepository;
use crate::schedule::ports::LifecycleRepository;
use crate::scim::ports::ScimRepository;
use crate::session::ports::SessionRepository;
use crate::user::ports::UserRepository;

/// `Repository`: every port of storage together, and every type that
/// implements them all is one (the adapter's connection and transaction).
macro_rules! all_repositories {
    ($($port:ident),+ $(,)?) => {
        /// All repositories together.
        pub trait Repository: $($port +)+ {}

        impl<T: ?Sized + $($port +)+> Repository for T {}
    };
}

all_repositories!(
    AccountRepository,
    DomainRepository,
    DomainProofRepository,
    UserRepository,
    MembershipRepository,
    MemberAccountRepository,
    PermissionSetRepository,
    AccessLinkRepository,
    RelationshipRepository,
    AssetRepository,
    AuditRepository,
    OutboxRepository,
    BulkRepository,
    ScimRepository,
    LifecycleRepository,
    SessionRepository,
);

/// One transaction. Dropped without `commit`, it rolls back.
#[async_trait]
pub trait UnitOfWork: Repository {
    /// Errors: `Other` (the transaction is rolled back).
    async fn commit(self: Box<Self>) -> std::result::Result<(), StorageError>;
}

#[async_trait]
pub trait Store: Repository {
    /// Starts a write transaction. Errors: `Other`.
    async fn begin(&self) -> std::result::Result<Box<dyn UnitOfWork>, StorageError>;
    /// Whether the database answers (for `/healthz`).
    async fn ping(&self) -> bool;
}

/// A use case's transaction, as its body sees it: the repositories, read
/// and written in that one transaction. `'env` is what the body borrows
/// from the use case (its caller, its arguments), which outlives `'t`.
#[derive(Clone, Copy)]
pub struct Tx<'t, 'env> {
    uow: &'t dyn UnitOfWork,
    _env: PhantomData<&'t &'env ()>,
}

impl<'t> Tx<'t, '_> {
    /// The repositories, for a function that takes `&dyn Repository`.
    pub fn repo(&self) -> &'t dyn UnitOfWork {
        self.uow
    }
}

impl<'t> Deref for Tx<'t, '_> {
    type Target = dyn UnitOfWork + 't;

    fn deref(&self) -> &Self::Target {
        self.uow
    }
}

/// The body of a use case's transaction (`transaction`), boxed so that it
/// may borrow both the transaction and the use case's arguments.
pub type TxBody<'t, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 't>>;

/// Boxes a transaction's body: `store.transaction(|tx| body(async move { … }))`.
pub fn body<'t, T, F>(f: F) -> TxBody<'t, T>
where
    F: Future<Output = Result<T>> + Send + 't,
{
    Box::pin(f)
}

impl dyn Store + '_ {
    /// Runs a state-changing use case in one transaction: begins it, runs
    /// `body`, and commits when the body succeeds; a refusal or failure
    /// rolls it back, so a refused request changes nothing. A deadlock or a
    /// serialization failure rolls the transaction back and runs the whole
    /// body again in a new one (fresh reads, fresh locks), at most
    /// `retry::ATTEMPTS` times in all, so that such a conflict is never
    /// answered as an internal error.
    pub async fn transaction<'env, T>(&self, mut body: impl for<'t> FnMut(Tx<'t, 'env>) -> TxBody<'t, T>) -> Result<T> {
        let mut attempts = Attempts::default();
        loop {
            let outcome = async {
                let uow = self.begin().await?;
                let value = body(Tx { uow: uow.as_ref(), _env: PhantomData }).await?;
                uow.commit().await?;
                Ok(value)
            }
            .await;
            match outcome {
                Err(e) if attempts.again(&e) => continue,
                outcome => return outcome,
            }
        }
    }
}
