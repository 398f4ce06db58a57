//! Offboarding (R23, R24, R26, R31): deactivate and reactivate partner
//! users; a client always keeps an active super admin. Removal is in
//! `removal`.

use crate::store::body;

use super::MembershipService;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use super::partner_users::check_batch;
use crate::account::model::Account;
use crate::common::error::{Code, Error, Refusal, Result, StorageError};
use crate::common::ids::{AccountId, MembershipId, UserId};
use crate::membership::model::{MemberStatus, Membership, PartnerUserSelection, Role};
use crate::policy::{is_cam_user, WRITE_CHUNK};
use crate::services::memberships::notices::Offboarding;
use crate::store::Repository;
use crate::user::model::User;
use crate::user::principal::Principal;

/// A set-based change touched other rows than the ones read (and audited)
/// under the locks: a concurrent change slipped in where no lock was held.
/// The transaction rolls back and the use case runs again (`Transient`).
pub(super) fn same_rows(changed: u64, read: u64, what: &str) -> Result<()> {
    if changed == read {
        Ok(())
    } else {
        Err(StorageError::Transient(format!("{what}: {changed} changed, {read} read").into()).into())
    }
}
pub struct DeactivatedWorker {
    pub worker: Membership,
    pub memberships: Vec<Membership>,
}
impl MembershipService {
    /// Locks accounts in id order (no deadlocks between requests), in one
    /// statement.
    pub(crate) async fn lock_all(
        &self,
        repo: &dyn Repository,
        accounts: impl IntoIterator<Item = AccountId>,
    ) -> Result<()> {
        let sorted: BTreeSet<AccountId> = accounts.into_iter().collect();
        let sorted: Vec<AccountId> = sorted.into_iter().collect();
        Ok(repo.lock_accounts(&sorted).await?)
    }

    /// A client-account membership by id, with its account locked until the
    /// transaction ends. Errors: `NOT_FOUND` at `membershipId`.
    pub(crate) async fn locked_client_membership(&self, repo: &dyn Repository, id: MembershipId) -> Result<Membership> {
        let found = repo.find_membership(id).await?.filter(|m| m.worker_kind.is_none());
        let m = found.ok_or_else(|| Error::not_found(&["membershipId"], "membership"))?;
        repo.lock_account(m.account_id).await?;
        // Read again under the lock: what a concurrent change left is what counts.
        repo.find_membership(id).await?.ok_or_else(|| Error::not_found(&["membershipId"], "membership"))
    }

    /// The client memberships that `ids` name, with their index, their
    /// accounts locked (in id order) and the rows read again under the
    /// locks; an unknown id or a partner's worker is a `NOT_FOUND` refusal
    /// at its index in the second list.
    async fn locked_client_members(
        &self,
        repo: &dyn Repository,
        ids: &[MembershipId],
    ) -> Result<(Vec<(usize, Membership)>, Vec<Refusal>)> {
        let found = repo.find_memberships(ids).await?;
        self.lock_all(repo, found.values().map(|m| m.account_id)).await?;
        let mut found = repo.find_memberships(ids).await?;
        let mut named = Vec::new();
        let mut refusals = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            match found.remove(id).filter(|m| m.worker_kind.is_none()) {
                Some(m) => named.push((i, m)),
                None => refusals.push(Refusal::new(Code::NotFound, "membership not found").at_item("membershipIds", i)),
            }
        }
        Ok((named, refusals))
    }

    /// R26, R31: refuses when deactivating these super admins would leave a
    /// client without an active one. Call with the accounts locked.
    pub(crate) async fn keep_a_super_admin(
        &self,
        repo: &dyn Repository,
        leaving: &[&Membership],
        path: &[&str],
    ) -> Result<()> {
        let mut per_account: HashMap<AccountId, u64> = HashMap::new();
        for m in leaving.iter().filter(|m| m.is_active_super_admin()) {
            *per_account.entry(m.account_id).or_default() += 1;
        }
        if per_account.is_empty() {
            return Ok(());
        }
        // One statement for every account, however many (issue 9).
        let accounts: Vec<AccountId> = per_account.keys().copied().collect();
        let counted = repo.count_active_super_admins_in(&accounts).await?;
        for (account, n) in per_account {
            if counted.get(&account).copied().unwrap_or(0) <= n {
                return Err(Error::refused_at(
                    Code::LastSuperAdmin,
                    path,
                    "a client account always keeps at least one active super admin (R31)",
                ));
            }
        }
        Ok(())
    }

    /// `m` with `status` (deactivated or active again), written with its
    /// audit event (`membership.deactivated`, `membership.reactivated`).
    async fn write_status(
        &self,
        repo: &dyn Repository,
        user: &User,
        m: &Membership,
        status: MemberStatus,
        now: DateTime<Utc>,
    ) -> Result<Membership> {
        let after = Membership { status, ..m.clone() };
        repo.update_membership(&after, now).await?;
        let action = match status {
            MemberStatus::Active => "membership.reactivated",
            MemberStatus::Deactivated => "membership.deactivated",
        };
        repo.record(self.policy.membership_event(Some(user), action, Some(m), &after)).await?;
        Ok(after)
    }

    /// R23, R24, R26: deactivates partner users; a CAM user of their partner
    /// may, or a super admin of the client. All or nothing.
    #[tracing::instrument(skip(self, p, ids), err(level = "debug"))]
    pub async fn deactivate_memberships(&self, p: &Principal, ids: &[MembershipId]) -> Result<Vec<Membership>> {
        let user = self.policy.user(p)?;
        check_batch(ids, "membershipIds")?;
        self.store
            .transaction(|tx| {
                body(async move {
                    let (named, mut refusals) = self.locked_client_members(tx.repo(), ids).await?;
                    let mut targets = Vec::new();
                    // R38: which of them the partner deactivates (not the client itself).
                    let mut by_partner = Vec::new();
                    for (i, m) in named.iter().map(|(i, m)| (*i, m)) {
                        let in_client = self.policy.active_membership(tx.repo(), m.account_id, user.id).await?;
                        let in_partner = match m.partner_id {
                            Some(partner) => self.policy.active_membership(tx.repo(), partner, user.id).await?,
                            None => None,
                        };
                        let allowed = in_partner.as_ref().is_some_and(is_cam_user)
                            || in_client.as_ref().is_some_and(Membership::is_active_super_admin);
                        if !allowed {
                            if in_client.is_none() && in_partner.is_none() {
                                refusals.push(
                                    Refusal::new(Code::NotFound, "membership not found").at_item("membershipIds", i),
                                );
                                continue;
                            }
                            return Err(Error::forbidden(
                                "deactivating needs a CAM user of the member's partner or a client super admin (R24)",
                            ));
                        }
                        if in_partner.as_ref().is_some_and(is_cam_user) && m.is_active() {
                            by_partner.push(m.clone());
                        }
                        targets.push(m.clone());
                    }
                    if !refusals.is_empty() {
                        return Err(Error::Refused(refusals));
                    }
                    let leaving: Vec<&Membership> = targets.iter().filter(|m| m.is_active()).collect();
                    self.keep_a_super_admin(tx.repo(), &leaving, &["membershipIds"]).await?;
                    let mut out = Vec::new();
                    let now = self.policy.now();
                    for m in targets {
                        out.push(if m.is_active() {
                            self.write_status(tx.repo(), user, &m, MemberStatus::Deactivated, now).await?
                        } else {
                            m
                        });
                    }
                    self.notify_offboarded(tx.repo(), &by_partner, Offboarding::Deactivated, None).await?;
                    Ok(out)
                })
            })
            .await
    }

    /// R23, R12: only an active partner admin of the client, for their own
    /// partner's users, reactivates. Counts as qualifying activity (R27).
    #[tracing::instrument(skip(self, p, ids), err(level = "debug"))]
    pub async fn reactivate_memberships(&self, p: &Principal, ids: &[MembershipId]) -> Result<Vec<Membership>> {
        let user = self.policy.user(p)?;
        check_batch(ids, "membershipIds")?;
        self.store
            .transaction(|tx| {
                body(async move {
                    let (named, mut refusals) = self.locked_client_members(tx.repo(), ids).await?;
                    let mut targets = Vec::new();
                    for (i, m) in named.iter().map(|(i, m)| (*i, m)) {
                        let (_, me) = match self
                            .partner_admin_in(tx.repo(), user, m.account_id, &["membershipIds", &i.to_string()])
                            .await
                        {
                            Ok(x) => x,
                            Err(e) => {
                                let not_found =
                                    Error::Refused(vec![Refusal::new(Code::NotFound, "membership not found")
                                        .at_item("membershipIds", i)]);
                                let why =
                                    "only an active partner admin of this client account may reactivate (R12, R23)";
                                match self.refused_over(tx.repo(), user, m, e, not_found, why).await? {
                                    // R33: the caller cannot see it: as for an unknown id.
                                    Error::Refused(mut r) => {
                                        refusals.append(&mut r);
                                        continue;
                                    }
                                    e => return Err(e),
                                }
                            }
                        };
                        if m.partner_id.is_none() || m.partner_id != me.partner_id {
                            return Err(Error::forbidden(
                                "a partner admin reactivates only their own partner's users (R12, R23)",
                            ));
                        }
                        if m.is_active() {
                            refusals.push(
                                Refusal::new(Code::NotDeactivated, "the member is active").at_item("membershipIds", i),
                            );
                            continue;
                        }
                        targets.push(m.clone());
                    }
                    if !refusals.is_empty() {
                        return Err(Error::Refused(refusals));
                    }
                    let now = self.policy.now();
                    let mut out = Vec::new();
                    for m in targets {
                        if let Some(partner) = m.partner_id {
                            self.policy.record_activity(tx.repo(), partner, m.account_id, now).await?;
                        }
                        out.push(self.write_status(tx.repo(), user, &m, MemberStatus::Active, now).await?);
                    }
                    Ok(out)
                })
            })
            .await
    }

    /// The worker and the partner it belongs to, for a CAM user (R1, R24).
    pub(super) async fn cam_worker(
        &self,
        repo: &dyn Repository,
        user: &User,
        worker: MembershipId,
    ) -> Result<(Account, Membership)> {
        let w = repo
            .find_membership(worker)
            .await?
            .filter(|w| w.worker_kind.is_some())
            .ok_or_else(|| Error::not_found(&["workerId"], "worker"))?;
        // R33: an unknown id and another tenant's worker answer alike.
        let (partner, _) = self.policy.cam_access_to(repo, user, w.account_id, &["workerId"], "worker").await?;
        Ok((partner, w))
    }

    /// The worker's memberships that represent the partner, optionally in
    /// some clients only. Errors: a named client where the worker is not a
    /// partner user (`NOT_FOUND` at `clientAccountIds.i`).
    pub(super) async fn partner_memberships(
        &self,
        repo: &dyn Repository,
        partner: AccountId,
        user: UserId,
        clients: Option<&[AccountId]>,
    ) -> Result<Vec<Membership>> {
        let mine = repo.memberships_of_user(user).await?;
        let of_partner = |m: &Membership| m.partner_id == Some(partner) && m.worker_kind.is_none();
        let Some(clients) = clients else { return Ok(mine.into_iter().filter(of_partner).collect()) };
        check_batch(clients, "clientAccountIds")?;
        let mut refusals = Vec::new();
        let mut out = Vec::new();
        for (i, c) in clients.iter().enumerate() {
            match mine.iter().find(|m| m.account_id == *c && of_partner(m)) {
                Some(m) => out.push(m.clone()),
                // R26: a super admin there is never removed, partner user or not.
                None if mine.iter().any(|m| m.account_id == *c && m.role == Role::SuperAdmin) => refusals.push(
                    Refusal::new(Code::CannotRemoveSuperAdmin, "the worker is a super admin of this client (R26)")
                        .at_item("clientAccountIds", i),
                ),
                None => refusals.push(
                    Refusal::new(Code::NotFound, "the worker is not a partner user of this client")
                        .at_item("clientAccountIds", i),
                ),
            }
        }
        if refusals.is_empty() {
            Ok(out)
        } else {
            Err(Error::Refused(refusals))
        }
    }

    /// R24: deactivates a worker in the partner account and in every client
    /// account where they represent the partner.
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn deactivate_worker(&self, p: &Principal, worker: MembershipId) -> Result<DeactivatedWorker> {
        let user = self.policy.user(p)?;
        self.store
            .transaction(|tx| {
                body(async move {
                    let (partner, w) = self.cam_worker(tx.repo(), user, worker).await?;
                    // Lock the partner and the clients (in id order, one statement),
                    // then read what is written below again under the locks.
                    let sel = PartnerUserSelection { partner: partner.id, user: Some(w.user_id), clients: None };
                    tx.lock_accounts_of(&sel, Some(partner.id)).await?;
                    let w =
                        tx.find_membership(worker).await?.ok_or_else(|| Error::not_found(&["workerId"], "worker"))?;
                    let targets = self.partner_memberships(tx.repo(), partner.id, w.user_id, None).await?;
                    let leaving: Vec<&Membership> = targets.iter().filter(|m| m.is_active()).collect();
                    self.keep_a_super_admin(tx.repo(), &leaving, &["workerId"]).await?;
                    // Set-based: one UPDATE for every client; the events one INSERT per
                    // chunk of clients (`WRITE_CHUNK`), each dropped once written.
                    // Each membership becomes its state after, in place, once its
                    // event is made: one copy of them at a time.
                    let mut out: Vec<Membership> = targets.into_iter().filter(Membership::is_active).collect();
                    let changed = tx.deactivate_selected(&sel, self.policy.now()).await?;
                    same_rows(changed, out.len() as u64, "deactivated memberships")?;
                    for chunk in out.chunks_mut(WRITE_CHUNK) {
                        let mut events = Vec::with_capacity(chunk.len());
                        for m in chunk {
                            let after = Membership { status: MemberStatus::Deactivated, ..m.clone() };
                            events.push(self.policy.membership_event(
                                Some(user),
                                "membership.deactivated",
                                Some(m),
                                &after,
                            ));
                            *m = after;
                        }
                        tx.record_many(events).await?;
                    }
                    let worker_after = Membership { status: MemberStatus::Deactivated, ..w.clone() };
                    if w.is_active() {
                        tx.update_membership(&worker_after, self.policy.now()).await?;
                        tx.record(self.policy.membership_event(
                            Some(user),
                            "worker.deactivated",
                            Some(&w),
                            &worker_after,
                        ))
                        .await?;
                    }
                    self.notify_offboarded(tx.repo(), &out, Offboarding::Deactivated, None).await?;
                    Ok(DeactivatedWorker { worker: worker_after, memberships: out })
                })
            })
            .await
    }
}
