//! Session ports: where sessions and pending sign-ins are kept, and the
//! identity provider that signs people in.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::model::{Authorization, NewPendingSignIn, NewSession, PendingSignIn, Session, SessionId, SignInRefused};
use crate::common::error::StorageError;
use crate::user::model::Email;

/// Storage of sessions and of sign-ins under way.
#[async_trait]
pub trait SessionRepository: Send + Sync {
    /// Stores a session. Errors: `StorageError`.
    async fn insert_session(&self, new: NewSession) -> Result<Session, StorageError>;
    /// The session whose secret has this hash, live or not.
    /// Errors: `StorageError`.
    async fn find_session_by_hash(&self, secret_hash: &str) -> Result<Option<Session>, StorageError>;
    /// Revokes a session at `at`; false when it was revoked already.
    /// Errors: `StorageError`.
    async fn revoke_session(&self, id: SessionId, at: DateTime<Utc>) -> Result<bool, StorageError>;
    /// Deletes the sessions that expired or were revoked before `before`,
    /// and the sign-ins that expired before it; how many rows went.
    /// Errors: `StorageError`.
    async fn prune_sessions(&self, before: DateTime<Utc>) -> Result<u64, StorageError>;
    /// Stores a sign-in under way. Errors: `StorageError` (also when its
    /// key is taken, which 256 random bits make impossible in practice).
    async fn insert_pending_sign_in(&self, new: NewPendingSignIn) -> Result<(), StorageError>;
    /// Removes and returns the sign-in whose key has this hash: whoever
    /// takes it first gets it, once. Errors: `StorageError`.
    async fn take_pending_sign_in(&self, key_hash: &str) -> Result<Option<PendingSignIn>, StorageError>;
}

/// R51: the organisation's identity provider, for browser sign-in.
#[async_trait]
pub trait SignInProvider: Send + Sync {
    /// A fresh authorization request (authorization code flow, PKCE S256,
    /// a random `state` and `nonce`). Errors: `Unavailable` when the
    /// provider's discovery document cannot be read.
    async fn authorization(&self) -> Result<Authorization, SignInRefused>;
    /// Exchanges the provider's `code` with the sign-in's PKCE verifier and
    /// checks the ID token: R50's checks and this sign-in's `nonce`.
    /// The email it vouches for. Errors: `CodeRefused`, `WrongNonce`,
    /// `InvalidIdToken`, `Unavailable`.
    async fn finish(&self, code: &str, pkce_verifier: &str, nonce: &str) -> Result<Email, SignInRefused>;
}
