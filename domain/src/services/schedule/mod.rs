//! The sweep (R36): runs every piece of time-driven work that is due at the
//! clock's `now`. Each piece is read outside a transaction, then claimed in
//! the transaction that records its effects (audit, emails), so that a
//! second server sweeping at the same time does nothing twice.

use crate::store::body;

use std::sync::Arc;

use crate::policy::Policy;
use crate::services::accounts::AccountService;
use crate::services::memberships::MembershipService;
use crate::services::proofs::ProofService;
use crate::store::Store;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::schedule::ports::{DueRelationship, EndingStage};
use crate::services::memberships::notices::{group_by, ClientOffboarding, Offboarding};

use crate::common::error::{Error, Result};
use crate::common::ids::AccountId;
use crate::membership::model::{MemberStatus, Membership};
use crate::notify::model::Message;
use crate::user::principal::Principal;

/// R39: the worker is told this long before their access ends.
pub const EXPIRY_WARNING_DAYS: i64 = 7;
/// Items read per batch.
const BATCH: u32 = 100;

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub expired: u64,
    pub expiry_warnings: u64,
    pub ending_warnings: u64,
    pub ended: u64,
    /// R52: daily domain checks that changed a domain's state.
    pub domain_checks: u64,
}

impl SweepReport {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Time-driven work (R36): the sweep.
#[derive(Clone)]
pub struct ScheduleService {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) policy: Policy,
    /// R38, R39: expiries and offboarding notices.
    pub(crate) memberships: MembershipService,
    /// R52: the daily recheck of proven domains.
    pub(crate) proofs: ProofService,
    /// R35: the test clock.
    pub(crate) accounts: AccountService,
}

impl ScheduleService {
    /// R35, R36: the operator sets the test clock; every piece of work that
    /// has become due runs before the answer.
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn set_test_clock_and_sweep(&self, p: &Principal, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
        let now = self.accounts.set_test_clock(p, now)?;
        self.sweep().await?;
        Ok(now)
    }

    /// R36: runs all work due at the clock's `now`: expiries (R39) first,
    /// since they can start a relationship's end, then the expiry warnings,
    /// then the relationships' warnings and ends (R37).
    #[tracing::instrument(skip(self), err(level = "warn"))]
    pub async fn sweep(&self) -> Result<SweepReport> {
        let mut report = SweepReport::default();
        let now = self.policy.now();
        loop {
            let due = self.store.memberships_expired(now, BATCH).await?;
            if due.is_empty() {
                break;
            }
            let mut won = 0;
            for (client, members) in group_by(due.into_iter().map(|m| (m.account_id, m))) {
                won += self.expire_in_client(client, &members, now).await?;
            }
            report.expired += won;
            if won == 0 {
                break;
            }
        }
        loop {
            let due = self.store.memberships_to_warn(now, now + Duration::days(EXPIRY_WARNING_DAYS), BATCH).await?;
            if due.is_empty() {
                break;
            }
            let mut won = 0;
            for m in &due {
                if self.warn_of_expiry(m).await? {
                    won += 1;
                }
            }
            report.expiry_warnings += won;
            if won == 0 {
                break;
            }
        }
        loop {
            let due = self.store.relationships_due(now, BATCH).await?;
            if due.is_empty() {
                break;
            }
            let mut won = 0;
            for d in &due {
                if self.relationship_stage(d, now).await? {
                    won += 1;
                    if d.stage == EndingStage::Ended {
                        report.ended += 1;
                    } else {
                        report.ending_warnings += 1;
                    }
                }
            }
            if won == 0 {
                break;
            }
        }
        report.domain_checks = self.proofs.recheck_domains(now).await?;
        // R51: sessions and sign-ins that ended are of no more use.
        self.store.prune_sessions(now).await?;
        if !report.is_empty() {
            tracing::info!(
                domain_checks = report.domain_checks,
                expired = report.expired,
                expiry_warnings = report.expiry_warnings,
                ending_warnings = report.ending_warnings,
                ended = report.ended,
                "scheduled work done"
            );
        }
        Ok(report)
    }

    /// R39: deactivates the expired partner users of one client, by the
    /// system (`membership.expired`, no actor), then tells the client's
    /// super admins (R38), one email per partner.
    async fn expire_in_client(&self, client: AccountId, members: &[Membership], now: DateTime<Utc>) -> Result<u64> {
        self.store
            .transaction(|tx| {
                body(async move {
                    // The account's lock first, as every use case that changes its
                    // memberships takes it: none of them can write back a stale status.
                    tx.lock_account(client).await?;
                    let mut won = Vec::new();
                    for m in members {
                        if tx.claim_expiry(m.id, now).await? {
                            let after = Membership { status: MemberStatus::Deactivated, expires_at: None, ..m.clone() };
                            let mut ev = self.policy.membership_event(None, "membership.expired", Some(m), &after);
                            ev.before = ev.before.map(|mut b| {
                                b["expiresAt"] = json!(m.expires_at);
                                b
                            });
                            tx.record(ev).await?;
                            won.push(after);
                        }
                    }
                    let per_partner = group_by(won.iter().filter_map(|m| m.partner_id.map(|p| (p, m.user_id))));
                    for (partner, users) in per_partner {
                        let Some(partner) = tx.find_account(partner).await? else { continue };
                        let item = ClientOffboarding {
                            client,
                            users,
                            what: Offboarding::Expired,
                            reassigned: 0,
                            unassigned: 0,
                        };
                        self.memberships.queue_offboarding_notices(tx.repo(), &partner, vec![item]).await?;
                    }
                    Ok(won.len() as u64)
                })
            })
            .await
    }

    /// R39: the seven-day email to the worker, once per expiry.
    async fn warn_of_expiry(&self, m: &Membership) -> Result<bool> {
        let (Some(expires), Some(partner_id)) = (m.expires_at, m.partner_id) else {
            return Ok(false);
        };
        self.store
            .transaction(|tx| {
                body(async move {
                    if !tx.claim_expiry_warning(m.id).await? {
                        return Ok(false);
                    }
                    let accounts = tx.find_accounts(&[m.account_id, partner_id]).await?;
                    let users = tx.find_users(&[m.user_id]).await?;
                    let (Some(client), Some(partner), Some(user)) =
                        (accounts.get(&m.account_id), accounts.get(&partner_id), users.get(&m.user_id))
                    else {
                        return Err(Error::Storage(crate::StorageError::Other(
                            "an expiring membership lost its account".into(),
                        )));
                    };
                    let message = Message::MembershipExpiring {
                        client: client.name.clone(),
                        client_id: client.id,
                        partner: partner.name.clone(),
                        expires_at: expires,
                        days: EXPIRY_WARNING_DAYS,
                    };
                    tx.enqueue(self.policy.email(user, message), self.policy.now()).await?;
                    Ok(true)
                })
            })
            .await
    }

    /// R37: a warning to the partner's CAM users, or the end: notices to
    /// both sides and `relationship.ended` in both audit logs.
    async fn relationship_stage(&self, d: &DueRelationship, now: DateTime<Utc>) -> Result<bool> {
        let rel = &d.relationship;
        self.store
            .transaction(|tx| {
                body(async move {
                    tx.lock_account(rel.client_id).await?;
                    if !tx.claim_ending_stage(rel.id, d.stage, now).await? {
                        return Ok(false);
                    }
                    let accounts = tx.find_accounts(&[rel.partner_id, rel.client_id]).await?;
                    let (Some(partner), Some(client)) = (accounts.get(&rel.partner_id), accounts.get(&rel.client_id))
                    else {
                        return Ok(false);
                    };
                    let display = rel.crm_name.clone().unwrap_or_else(|| client.name.clone());
                    let ends = rel.ends_at();
                    let cam_users = self.memberships.cam_users_of(tx.repo(), rel.partner_id).await?;
                    let mut emails = Vec::new();
                    if d.stage == EndingStage::Ended {
                        let to_partner = Message::RelationshipEndedForPartner {
                            partner: partner.name.clone(),
                            client: client.name.clone(),
                            client_id: client.id,
                            client_display: display.clone(),
                            ended_at: ends,
                            last_activity_at: rel.last_activity_at,
                        };
                        emails.extend(cam_users.iter().map(|u| self.policy.email(u, to_partner.clone())));
                        if let Some((_, admins)) = self.memberships.super_admins_of(tx.repo(), rel.client_id).await? {
                            let to_client = Message::RelationshipEndedForClient {
                                partner: partner.name.clone(),
                                client: client.name.clone(),
                                client_id: client.id,
                                ended_at: ends,
                            };
                            emails.extend(admins.iter().map(|u| self.policy.email(u, to_client.clone())));
                        }
                        let mut ev = self.policy.event(None, "relationship.ended");
                        ev.account_id = Some(rel.client_id);
                        ev.partner_id = Some(rel.partner_id);
                        ev.before = Some(json!({"status": "ENDING", "endsAt": ends}));
                        ev.after = Some(json!({"status": "ENDED", "endsAt": ends}));
                        tx.record(ev).await?;
                    } else {
                        let warning = Message::RelationshipEndingWarning {
                            partner: partner.name.clone(),
                            client: client.name.clone(),
                            client_id: client.id,
                            client_display: display.clone(),
                            days: d.stage.days_before_end(),
                            ends_at: ends,
                            last_activity_at: rel.last_activity_at,
                        };
                        emails.extend(cam_users.iter().map(|u| self.policy.email(u, warning.clone())));
                    }
                    tx.enqueue_many(emails, self.policy.now()).await?;
                    Ok(true)
                })
            })
            .await
    }
}
