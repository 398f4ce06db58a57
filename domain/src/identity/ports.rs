//! Identity ports.

use std::collections::HashSet;

use async_trait::async_trait;

use crate::account::model::EmailDomain;
use crate::account::ports::DomainRepository;
use crate::common::error::StorageError;
use crate::common::ids::AccountId;
use crate::user::model::Email;

/// Whom a valid bearer token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    Operator,
    /// A user token of this server (HS256): a caller that is no user is
    /// refused.
    User(Email),
    /// R50: a person an OpenID Connect issuer vouches for (an `email` in
    /// one of the issuer's domains). When no user has that email, the
    /// caller is signed in but has no access.
    Federated(Email),
}

/// A bearer token the provider accepted: whom it names, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated {
    pub identity: Identity,
    /// The instant after which the token is refused (real time, R35; its
    /// `exp` and the tolerated skew). `None`: it does not expire (the
    /// operator's static token). A connection it signed in ends then (R43).
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the token is malformed, wrongly signed or of another algorithm")]
    Invalid,
    #[error("the token has expired")]
    Expired,
    #[error("tokens cannot be issued: no signing secret is configured")]
    NoSecret,
}

#[async_trait]
pub trait IdentityProvider: Send + Sync {
    /// Authenticates a bearer token; may fetch an issuer's published keys
    /// (R50), within a bounded time. Errors: `Invalid` (malformed, wrongly
    /// signed, of another algorithm or issuer, or signed with a key that
    /// cannot be found), `Expired`.
    async fn authenticate(&self, bearer: &str) -> Result<Authenticated, TokenError>;
    /// Issues a user token valid for `ttl_seconds`. Errors: `NoSecret`.
    fn issue(&self, email: &Email, ttl_seconds: i64) -> Result<String, TokenError>;
}

#[async_trait]
pub trait DomainVerifier: Send + Sync {
    /// R3: a shared public mail domain can never be a partner domain.
    fn is_public_mail_domain(&self, domain: &EmailDomain) -> bool;
    /// R4: which of these emails have a domain the partner verified (exact,
    /// case-insensitive match). Returns their lower-cased keys. A verifier
    /// that reads stored domains reads them through `domains`, the caller's
    /// repository (inside a use case: its transaction), never a connection
    /// of its own: a use case holds one connection and never waits for a
    /// second (that deadlocks a busy pool).
    /// Errors: `StorageError` from a database-backed verifier.
    async fn verified_emails(
        &self,
        domains: &dyn DomainRepository,
        partner: AccountId,
        emails: &[Email],
    ) -> Result<HashSet<String>, StorageError>;
}
