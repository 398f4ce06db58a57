//! R52's use cases: starting, checking and rechecking a domain proof.

use std::sync::Arc;

use crate::policy::Policy;
use crate::store::{body, Store};

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::access_link::ports::LinkTokens;
use crate::account::model::{Account, AccountKind, EmailDomain};
use crate::account::proof::DnsTxtLookup;
use crate::account::proof::*;
use crate::common::error::{Code, Error, Result, StorageError};
use crate::common::ids::AccountId;
use crate::notify::model::Message;
use crate::store::Repository;
use crate::user::model::User;
use crate::user::principal::Principal;

/// What a lookup found for a proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Match,
    Missing,
    ResolverError,
}

/// A fresh TXT value: 256 random bits.
fn new_record_value(tokens: &dyn LinkTokens) -> String {
    format!("{VALUE_PREFIX}{}", tokens.generate())
}

/// R52: domain proofs by DNS TXT records.
#[derive(Clone)]
pub struct ProofService {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) policy: Policy,
    /// Random record values.
    pub(crate) tokens: Arc<dyn LinkTokens>,
    /// The DNS that proofs are looked up in.
    pub(crate) dns: Arc<dyn DnsTxtLookup>,
}

impl ProofService {
    /// R52: the TXT record that proves `domain` for the partner; started
    /// once per partner and domain (starting again shows the same record).
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn start_domain_verification(
        &self,
        p: &Principal,
        partner: AccountId,
        raw: &str,
    ) -> Result<PartnerDomain> {
        self.store
            .transaction(|tx| {
                body(async move {
                    let (user, _) = self.domain_admin_of(tx.repo(), p, partner).await?;
                    let domain = self.provable(tx.repo(), partner, raw).await?;
                    if let Some(existing) = tx.proof(partner, &domain).await? {
                        return Ok(PartnerDomain::of(existing));
                    }
                    let proof = tx
                        .insert_proof(partner, &domain, &new_record_value(self.tokens.as_ref()), self.policy.now())
                        .await?;
                    let mut ev = self.policy.event(Some(&user), "partner.domain_verification_started");
                    ev.account_id = Some(partner);
                    ev.partner_id = Some(partner);
                    ev.after = Some(json!({"domain": domain.as_str()}));
                    tx.record(ev).await?;
                    Ok(PartnerDomain::of(proof))
                })
            })
            .await
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
        let domain = &proof.domain;
        self.store
            .transaction(|tx| {
                body(async move {
                    let (user, _) = self.domain_admin_of(tx.repo(), p, partner).await?;
                    let domain = self.provable(tx.repo(), partner, domain.as_str()).await?;
                    let Some(mut proof) = tx.proof(partner, &domain).await? else {
                        return Err(Error::refused_at(
                            Code::DomainNotProven,
                            &["domain"],
                            "start the verification first",
                        ));
                    };
                    let now = self.policy.now();
                    let before = proof.status;
                    if tx.domain_owner(&domain).await?.is_none() {
                        match tx.insert_domain(partner, &domain, now).await {
                            Err(StorageError::Conflict(_)) => return Err(taken()),
                            r => r?,
                        }
                    }
                    proof.status = DomainStatus::Verified;
                    proof.verified_at =
                        if before == DomainStatus::Verified { proof.verified_at.or(Some(now)) } else { Some(now) };
                    proof.last_checked_at = Some(now);
                    proof.failing_since = None;
                    tx.save_proof(&proof).await?;
                    if before != DomainStatus::Verified {
                        let mut ev = self.policy.event(Some(&user), "partner.domain_verified");
                        ev.account_id = Some(partner);
                        ev.partner_id = Some(partner);
                        ev.before = Some(json!({"status": before.as_str()}));
                        ev.after = Some(json!({"domain": domain.as_str(), "status": "VERIFIED", "by": "dns"}));
                        tx.record(ev).await?;
                    }
                    Ok(PartnerDomain::of(proof))
                })
            })
            .await
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
            .policy
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
                if self.record_check(proof, found, now).await? {
                    changed += 1;
                }
            }
        }
        Ok(changed)
    }

    /// The outcome of one daily check, claimed so that it is recorded once.
    async fn record_check(&self, proof: &DomainProof, found: Found, now: DateTime<Utc>) -> Result<bool> {
        self.store
            .transaction(|tx| {
                body(async move {
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
                        let mut ev = self.policy.event(None, action);
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
                            if let Some((name, admins)) =
                                tx.active_super_admins_of(&[p.partner]).await?.remove(&p.partner)
                            {
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
                                        self.policy.email(u, message)
                                    })
                                    .collect();
                                tx.enqueue_many(emails, now).await?;
                            }
                        }
                    }
                    Ok(action.is_some())
                })
            })
            .await
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
        let user = self.policy.user(p)?.clone();
        let (account, me) =
            self.policy.acting_in(repo, &user, partner, AccountKind::Partner, &["partnerAccountId"]).await?;
        if !me.is_active_super_admin() {
            return Err(Error::forbidden("only an active super admin of the partner account proves its domains (R52)"));
        }
        Ok((user, account))
    }

    /// R3: a domain a partner may hold: no public mail domain, none that
    /// another partner holds.
    async fn provable(&self, repo: &dyn Repository, partner: AccountId, raw: &str) -> Result<EmailDomain> {
        let domain = self.policy.partner_domain(raw)?;
        match repo.domain_owner(&domain).await? {
            Some(owner) if owner != partner => Err(taken()),
            _ => Ok(domain),
        }
    }
}

fn taken() -> Error {
    Error::refused_at(Code::DomainTaken, &["domain"], "another partner has verified this domain")
}
