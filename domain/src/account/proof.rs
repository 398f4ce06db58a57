//! R52: a partner proves an email domain by publishing a DNS TXT record.
//!
//! An active super admin starts the proof and gets the record to publish
//! (`_cam-verification.<domain>`, `cam-verification=<256 random bits>`, one
//! per partner and domain); checking looks it up through the `DnsTxtLookup`
//! port and verifies the domain when one TXT value matches exactly (R3
//! still applies). The daily sweep (R36) checks every proven domain again:
//! the record missing is a failure, a resolver error is not; the first
//! failure emails the partner's super admins, seven days of failures lapse
//! the domain (it leaves the verified domains, so R5 refuses new partner
//! seats through it; seats held are kept) and email them again. Every step
//! is audited in the partner account.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use super::model::EmailDomain;
use crate::common::error::{Result, StorageError};
use crate::common::ids::AccountId;

/// Where the TXT record of a domain's proof lives, under the domain.
pub const RECORD_PREFIX: &str = "_cam-verification.";
/// What the TXT value starts with.
pub const VALUE_PREFIX: &str = "cam-verification=";
/// R52: a proven domain is looked up again this often.
pub const CHECK_EVERY: Duration = Duration::days(1);
/// R52: this long of failed checks lapses a domain.
pub const LAPSE_AFTER: Duration = Duration::days(7);
/// Proofs read per batch by the sweep.
pub(crate) const BATCH: u32 = 100;

crate::string_enum! {
    /// The state of a domain's proof (`DomainStatus`).
    pub enum DomainStatus { Pending = "PENDING", Verified = "VERIFIED", Failing = "FAILING", Lapsed = "LAPSED" }
}

/// A partner's proof of one domain, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainProof {
    pub id: i64,
    pub partner: AccountId,
    pub domain: EmailDomain,
    /// The whole TXT value to publish, `cam-verification=…`.
    pub record_value: String,
    pub status: DomainStatus,
    pub verified_at: Option<DateTime<Utc>>,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub failing_since: Option<DateTime<Utc>>,
}

/// A domain of a partner as `PartnerAccount.domains` shows it: with its
/// proof, or verified by the operator (`addVerifiedDomain`) without one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerDomain {
    pub domain: String,
    pub status: DomainStatus,
    /// `None` for a domain the operator verified without a proof.
    pub record_value: Option<String>,
    pub verified_at: Option<DateTime<Utc>>,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub failing_since: Option<DateTime<Utc>>,
}

impl PartnerDomain {
    /// `_cam-verification.<domain>`.
    pub fn record_name(&self) -> String {
        format!("{RECORD_PREFIX}{}", self.domain)
    }

    pub(crate) fn of(p: DomainProof) -> Self {
        Self {
            domain: p.domain.as_str().to_string(),
            status: p.status,
            record_value: Some(p.record_value),
            verified_at: p.verified_at,
            last_checked_at: p.last_checked_at,
            failing_since: p.failing_since,
        }
    }
}

/// Why a DNS lookup gave no answer (a timeout, SERVFAIL, a refused or
/// unreachable server): never counts as the record missing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the DNS lookup failed: {0}")]
pub struct DnsError(pub String);

/// The DNS, for TXT records (R52).
#[async_trait]
pub trait DnsTxtLookup: Send + Sync {
    /// The TXT values at `name` (each record's strings joined). Empty when
    /// the name or its TXT records do not exist (NXDOMAIN, no data).
    /// Errors: `DnsError` for a timeout, SERVFAIL or an unreachable server.
    async fn txt(&self, name: &str) -> std::result::Result<Vec<String>, DnsError>;
}

/// A DNS that never answers: the stand-in until the wiring gives one.
pub struct NoDns;

#[async_trait]
impl DnsTxtLookup for NoDns {
    async fn txt(&self, _: &str) -> std::result::Result<Vec<String>, DnsError> {
        Err(DnsError("no DNS resolver is configured".into()))
    }
}

/// Storage of domain proofs, beside the verified domains.
#[async_trait]
pub trait DomainProofRepository: Send + Sync {
    /// The proof of `domain` by `partner`. Errors: `Other`.
    async fn proof(&self, partner: AccountId, domain: &EmailDomain) -> Result<Option<DomainProof>, StorageError>;
    /// Stores a new pending proof. Errors: `Conflict` when the partner has
    /// one for this domain already.
    async fn insert_proof(
        &self,
        partner: AccountId,
        domain: &EmailDomain,
        record_value: &str,
        at: DateTime<Utc>,
    ) -> Result<DomainProof, StorageError>;
    /// Writes a proof's state (status and times). Errors: `Other`.
    async fn save_proof(&self, proof: &DomainProof) -> Result<(), StorageError>;
    /// Every proof of these partners, by domain. Errors: `Other`.
    async fn proofs_of(&self, partner: AccountId) -> Result<Vec<DomainProof>, StorageError>;
    /// Verified and failing proofs last checked at or before `checked_before`
    /// (or never), oldest first. Errors: `Other`.
    async fn proofs_due(&self, checked_before: DateTime<Utc>, limit: u32) -> Result<Vec<DomainProof>, StorageError>;
    /// Claims the daily check of a proof: sets its `last_checked_at` to
    /// `now` if it is still verified or failing and was last checked at or
    /// before `checked_before`. False when another check took it.
    /// Errors: `Other`.
    async fn claim_proof_check(
        &self,
        id: i64,
        now: DateTime<Utc>,
        checked_before: DateTime<Utc>,
    ) -> Result<bool, StorageError>;
    /// Removes a domain from the partner's verified domains (a lapse).
    /// Errors: `Other`.
    async fn remove_domain(&self, partner: AccountId, domain: &EmailDomain) -> Result<(), StorageError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_lives_under_the_domain() {
        // R52
        let d = PartnerDomain {
            domain: "agency.com".into(),
            status: DomainStatus::Pending,
            record_value: Some("cam-verification=x".into()),
            verified_at: None,
            last_checked_at: None,
            failing_since: None,
        };
        assert_eq!(d.record_name(), "_cam-verification.agency.com");
        assert_eq!(DomainStatus::parse("LAPSED"), Some(DomainStatus::Lapsed));
    }
}
