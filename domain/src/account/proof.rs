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
use serde_json::json;

use super::model::{Account, AccountKind, EmailDomain};
use crate::app::Cam;
use crate::common::error::{Code, Error, Result, StorageError};
use crate::common::ids::AccountId;
use crate::common::principal::Principal;
use crate::notify::model::Message;
use crate::store::Repository;
use crate::user::model::User;

/// Where the TXT record of a domain's proof lives, under the domain.
pub const RECORD_PREFIX: &str = "_cam-verification.";
/// What the TXT value starts with.
pub const VALUE_PREFIX: &str = "cam-verification=";
/// R52: a proven domain is looked up again this often.
pub const CHECK_EVERY: Duration = Duration::days(1);
/// R52: this long of failed checks lapses a domain.
pub const LAPSE_AFTER: Duration = Duration::days(7);
/// Proofs read per batch by the sweep.
const BATCH: u32 = 100;

crate::string_enum! {
    /// The state of a domain's proof (`DomainStatus`).
    pub enum DomainStatus {
        Pending = "PENDING",
        Verified = "VERIFIED",
        Failing = "FAILING",
        Lapsed = "LAPSED",
    }
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

    fn of(p: DomainProof) -> Self {
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

/// What a lookup found for a proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Match,
    Missing,
    ResolverError,
}

/// A fresh TXT value: 256 random bits.
fn new_record_value(cam: &Cam) -> String {
    format!("{VALUE_PREFIX}{}", cam.tokens.generate())
}

impl Cam {
    /// R52: the TXT record that proves `domain` for the partner; started
    /// once per partner and domain (starting again shows the same record).
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn start_domain_verification(
        &self,
        p: &Principal,
        partner: AccountId,
        raw: &str,
    ) -> Result<PartnerDomain> {
        self.retrying(|| self.start_domain_verification_once(p, partner, raw)).await
    }

    async fn start_domain_verification_once(
        &self,
        p: &Principal,
        partner: AccountId,
        raw: &str,
    ) -> Result<PartnerDomain> {
        let tx = self.store.begin().await?;
        let (user, _) = self.domain_admin_of(tx.as_ref(), p, partner).await?;
        let domain = self.provable(tx.as_ref(), partner, raw).await?;
        if let Some(existing) = tx.proof(partner, &domain).await? {
            return Ok(PartnerDomain::of(existing));
        }
        let proof = tx.insert_proof(partner, &domain, &new_record_value(self), self.now()).await?;
        let mut ev = self.event(Some(&user), "partner.domain_verification_started");
        ev.account_id = Some(partner);
        ev.partner_id = Some(partner);
        ev.after = Some(json!({"domain": domain.as_str()}));
        tx.record(ev).await?;
        tx.commit().await?;
        Ok(PartnerDomain::of(proof))
    }

    /// R52: looks the TXT record up now; verifies the domain when one value
    /// matches exactly. Not found or not matching: `DOMAIN_NOT_PROVEN`
    /// (nothing changes); R3 as when the operator adds a domain.
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn check_domain_verification(
        &self,
        p: &Principal,
        partner: AccountId,
        raw: &str,
    ) -> Result<PartnerDomain> {
        // Who and what are checked first, the lookup outside any transaction.
        let proof = {
            let repo = self.store.as_ref();
            self.domain_admin_of(repo, p, partner).await?;
            let domain = self.provable(repo, partner, raw).await?;
            repo.proof(partner, &domain).await?.ok_or_else(|| {
                Error::refused_at(
                    Code::DomainNotProven,
                    &["domain"],
                    "start the verification of this domain first (startDomainVerification)",
                )
            })?
        };
        let found = self.look_up(&proof).await;
        match found {
            Found::Match => {}
            Found::Missing => {
                return Err(Error::refused_at(
                    Code::DomainNotProven,
                    &["domain"],
                    format!("no TXT record {RECORD_PREFIX}{} has the value to publish", proof.domain.as_str()),
                ))
            }
            Found::ResolverError => {
                return Err(Error::refused_at(
                    Code::DomainNotProven,
                    &["domain"],
                    "the DNS could not be asked just now; try again in a moment",
                ))
            }
        }
        self.retrying(|| self.verify_proof_once(p, partner, &proof.domain)).await
    }

    async fn verify_proof_once(
        &self,
        p: &Principal,
        partner: AccountId,
        domain: &EmailDomain,
    ) -> Result<PartnerDomain> {
        let tx = self.store.begin().await?;
        let (user, _) = self.domain_admin_of(tx.as_ref(), p, partner).await?;
        let domain = self.provable(tx.as_ref(), partner, domain.as_str()).await?;
        let Some(mut proof) = tx.proof(partner, &domain).await? else {
            return Err(Error::refused_at(Code::DomainNotProven, &["domain"], "start the verification first"));
        };
        let now = self.now();
        let before = proof.status;
        if tx.domain_owner(&domain).await?.is_none() {
            match tx.insert_domain(partner, &domain, now).await {
                Err(StorageError::Conflict(_)) => return Err(taken()),
                r => r?,
            }
        }
        proof.status = DomainStatus::Verified;
        proof.verified_at = if before == DomainStatus::Verified { proof.verified_at.or(Some(now)) } else { Some(now) };
        proof.last_checked_at = Some(now);
        proof.failing_since = None;
        tx.save_proof(&proof).await?;
        if before != DomainStatus::Verified {
            let mut ev = self.event(Some(&user), "partner.domain_verified");
            ev.account_id = Some(partner);
            ev.partner_id = Some(partner);
            ev.before = Some(json!({"status": before.as_str()}));
            ev.after = Some(json!({"domain": domain.as_str(), "status": "VERIFIED", "by": "dns"}));
            tx.record(ev).await?;
        }
        tx.commit().await?;
        Ok(PartnerDomain::of(proof))
    }

    /// R52: every domain of a partner with its proof's state; those the
    /// operator verified without a proof are `VERIFIED` with no record.
    #[tracing::instrument(skip(self), err(level = "debug"))]
    pub async fn partner_domains(&self, partner: AccountId) -> Result<Vec<PartnerDomain>> {
        let repo = self.store.as_ref();
        let proofs = repo.proofs_of(partner).await?;
        let verified = repo.domains_of(&[partner]).await?.remove(&partner).unwrap_or_default();
        let mut out: Vec<PartnerDomain> = proofs.into_iter().map(PartnerDomain::of).collect();
        for d in verified {
            if !out.iter().any(|p| p.domain == d) {
                out.push(PartnerDomain {
                    domain: d,
                    status: DomainStatus::Verified,
                    record_value: None,
                    verified_at: None,
                    last_checked_at: None,
                    failing_since: None,
                });
            }
        }
        out.sort_by(|a, b| a.domain.cmp(&b.domain));
        Ok(out)
    }

    /// R52: whether `p` may read the TXT values of a partner's domains (its
    /// active super admins).
    pub async fn may_see_domain_records(&self, p: &Principal, partner: AccountId) -> Result<bool> {
        let Some(user) = p.user() else { return Ok(false) };
        Ok(self
            .active_membership(self.store.as_ref(), partner, user.id)
            .await?
            .is_some_and(|m| m.is_active_super_admin()))
    }

    /// R52, R36: the daily check of every proven domain due at `now`.
    /// Returns how many checks changed something.
    pub(crate) async fn recheck_domains(&self, now: DateTime<Utc>) -> Result<u64> {
        let mut changed = 0;
        let mut seen = std::collections::HashSet::new();
        loop {
            let due = self.store.proofs_due(now - CHECK_EVERY, BATCH).await?;
            let due: Vec<DomainProof> = due.into_iter().filter(|d| seen.insert(d.id)).collect();
            if due.is_empty() {
                break;
            }
            for proof in &due {
                let found = self.look_up(proof).await;
                if found == Found::ResolverError {
                    // Not a failure: the next sweep asks again.
                    continue;
                }
                if self.retrying(|| self.record_check(proof, found, now)).await? {
                    changed += 1;
                }
            }
        }
        Ok(changed)
    }

    /// The outcome of one daily check, claimed so that it is recorded once.
    async fn record_check(&self, proof: &DomainProof, found: Found, now: DateTime<Utc>) -> Result<bool> {
        let tx = self.store.begin().await?;
        if !tx.claim_proof_check(proof.id, now, now - CHECK_EVERY).await? {
            return Ok(false);
        }
        let Some(mut p) = tx.proof(proof.partner, &proof.domain).await? else { return Ok(false) };
        let before = p.status;
        let action = match found {
            Found::Match if before == DomainStatus::Failing => {
                p.status = DomainStatus::Verified;
                p.failing_since = None;
                Some("partner.domain_check_recovered")
            }
            Found::Match => None,
            Found::Missing => match p.failing_since {
                None => {
                    p.status = DomainStatus::Failing;
                    p.failing_since = Some(now);
                    Some("partner.domain_check_failing")
                }
                Some(since) if now - since >= LAPSE_AFTER => {
                    p.status = DomainStatus::Lapsed;
                    p.verified_at = None;
                    tx.remove_domain(p.partner, &p.domain).await?;
                    Some("partner.domain_lapsed")
                }
                Some(_) => None,
            },
            Found::ResolverError => None,
        };
        p.last_checked_at = Some(now);
        tx.save_proof(&p).await?;
        if let Some(action) = action {
            let mut ev = self.event(None, action);
            ev.account_id = Some(p.partner);
            ev.partner_id = Some(p.partner);
            ev.before = Some(json!({"status": before.as_str()}));
            ev.after = Some(json!({"domain": p.domain.as_str(), "status": p.status.as_str()}));
            tx.record(ev).await?;
            let lapsed = match p.status {
                DomainStatus::Failing => Some(false),
                DomainStatus::Lapsed => Some(true),
                _ => None,
            };
            if let Some(lapsed) = lapsed {
                if let Some((name, admins)) = tx.active_super_admins_of(&[p.partner]).await?.remove(&p.partner) {
                    let (partner_id, domain) = (p.partner, p.domain.as_str().to_string());
                    let emails = admins
                        .iter()
                        .map(|u| {
                            let (partner, domain) = (name.clone(), domain.clone());
                            let message = if lapsed {
                                Message::DomainLapsed { partner, partner_id, domain }
                            } else {
                                Message::DomainCheckFailing { partner, partner_id, domain }
                            };
                            self.email(u, message)
                        })
                        .collect();
                    tx.enqueue_many(emails, now).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(action.is_some())
    }

    async fn look_up(&self, proof: &DomainProof) -> Found {
        let name = format!("{RECORD_PREFIX}{}", proof.domain.as_str());
        match self.dns.txt(&name).await {
            Ok(values) if values.iter().any(|v| v == &proof.record_value) => Found::Match,
            Ok(_) => Found::Missing,
            Err(e) => {
                tracing::warn!(domain = %proof.domain.as_str(), error = %e, "could not look up a domain's proof");
                Found::ResolverError
            }
        }
    }

    /// R52: an active super admin of the partner account. Not a member:
    /// `NOT_FOUND` (R33); another member: `FORBIDDEN`.
    async fn domain_admin_of(
        &self,
        repo: &dyn Repository,
        p: &Principal,
        partner: AccountId,
    ) -> Result<(User, Account)> {
        let user = self.user(p)?.clone();
        let (account, me) = self.acting_in(repo, &user, partner, AccountKind::Partner, &["partnerAccountId"]).await?;
        if !me.is_active_super_admin() {
            return Err(Error::forbidden("only an active super admin of the partner account proves its domains (R52)"));
        }
        Ok((user, account))
    }

    /// R3: a domain a partner may hold: no public mail domain, none that
    /// another partner holds.
    async fn provable(&self, repo: &dyn Repository, partner: AccountId, raw: &str) -> Result<EmailDomain> {
        let domain = EmailDomain::parse(raw).map_err(|e| Error::refused_at(Code::InvalidDomain, &["domain"], e))?;
        if self.verifier.is_public_mail_domain(&domain) {
            return Err(Error::refused_at(
                Code::InvalidDomain,
                &["domain"],
                format!("{} is a public mail domain and can never be a partner domain", domain.as_str()),
            ));
        }
        match repo.domain_owner(&domain).await? {
            Some(owner) if owner != partner => Err(taken()),
            _ => Ok(domain),
        }
    }
}

fn taken() -> Error {
    Error::refused_at(Code::DomainTaken, &["domain"], "another partner has verified this domain")
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
