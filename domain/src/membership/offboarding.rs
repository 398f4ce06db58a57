//! Offboarding (R23–R28): deactivate and reactivate partner users, review
//! their assets, remove them. Super admins are never removed, and a client
//! always keeps an active one (R26, R31).

use std::collections::{BTreeSet, HashMap};

use serde_json::json;

use super::model::{MemberStatus, Membership, PartnerUserSelection, Role};
use super::partner_users::check_batch;
use crate::account::model::{Account, AccountKind};
use crate::app::{is_cam_user, Cam, WRITE_CHUNK};
use crate::asset::model::Asset;
use crate::common::error::{Code, Error, Refusal, Result, StorageError};
use crate::common::ids::{AccountId, MembershipId, UserId};
use crate::common::principal::Principal;
use crate::relationship::model::Relationship;
use crate::schedule::notices::Offboarding;
use crate::store::Repository;
use crate::user::model::User;

pub struct RemovalPreviewItem {
    pub relationship: Relationship,
    pub membership: Membership,
    pub assets: Vec<Asset>,
}

pub struct Removed {
    pub memberships: u64,
    pub reassigned: u64,
    pub unassigned: u64,
}

/// A set-based change touched other rows than the ones read (and audited)
/// under the locks: a concurrent change slipped in where no lock was held.
/// The transaction rolls back and the use case runs again (`Transient`).
fn same_rows(changed: u64, read: u64, what: &str) -> Result<()> {
    if changed == read {
        Ok(())
    } else {
        Err(StorageError::Transient(format!("{what}: {changed} changed, {read} read").into()).into())
    }
}

/// What `remove_all_partner_users` did (R28, R49).
pub struct RemovedAll {
    pub removed: Removed,
    /// Partner users left in place because they are super admins there (R26).
    pub skipped_super_admins: Vec<Membership>,
    pub relationship: Relationship,
}

pub struct DeactivatedWorker {
    pub worker: Membership,
    pub memberships: Vec<Membership>,
}

impl Cam {
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

    /// Memberships by id, their accounts locked (in id order) and the rows
    /// read again under the locks.
    async fn locked_memberships(
        &self,
        repo: &dyn Repository,
        ids: &[MembershipId],
    ) -> Result<HashMap<MembershipId, Membership>> {
        let found = repo.find_memberships(ids).await?;
        self.lock_all(repo, found.values().map(|m| m.account_id)).await?;
        Ok(repo.find_memberships(ids).await?)
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

    /// R23, R24, R26: deactivates partner users; a CAM user of their partner
    /// may, or a super admin of the client. All or nothing.
    #[tracing::instrument(skip(self, p, ids), err(level = "debug"))]
    pub async fn deactivate_memberships(&self, p: &Principal, ids: &[MembershipId]) -> Result<Vec<Membership>> {
        self.retrying(|| self.deactivate_memberships_once(p, ids)).await
    }

    async fn deactivate_memberships_once(&self, p: &Principal, ids: &[MembershipId]) -> Result<Vec<Membership>> {
        let user = self.user(p)?;
        check_batch(ids, "membershipIds")?;
        let tx = self.store.begin().await?;
        let found = self.locked_memberships(tx.as_ref(), ids).await?;
        let mut refusals = Vec::new();
        let mut targets = Vec::new();
        // R38: which of them the partner deactivates (not the client itself).
        let mut by_partner = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let Some(m) = found.get(id).filter(|m| m.worker_kind.is_none()) else {
                refusals.push(Refusal::new(Code::NotFound, "membership not found").at_item("membershipIds", i));
                continue;
            };
            let in_client = self.active_membership(tx.as_ref(), m.account_id, user.id).await?;
            let in_partner = match m.partner_id {
                Some(partner) => self.active_membership(tx.as_ref(), partner, user.id).await?,
                None => None,
            };
            let allowed = in_partner.as_ref().is_some_and(is_cam_user)
                || in_client.as_ref().is_some_and(Membership::is_active_super_admin);
            if !allowed {
                if in_client.is_none() && in_partner.is_none() {
                    refusals.push(Refusal::new(Code::NotFound, "membership not found").at_item("membershipIds", i));
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
        self.keep_a_super_admin(tx.as_ref(), &leaving, &["membershipIds"]).await?;
        let mut out = Vec::new();
        for m in targets {
            if m.is_active() {
                let after = Membership { status: MemberStatus::Deactivated, ..m.clone() };
                tx.update_membership(&after, self.now()).await?;
                tx.record(self.membership_event(Some(user), "membership.deactivated", Some(&m), &after)).await?;
                out.push(after);
            } else {
                out.push(m);
            }
        }
        self.notify_offboarded(tx.as_ref(), &by_partner, Offboarding::Deactivated, None).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// R23, R12: only an active partner admin of the client, for their own
    /// partner's users, reactivates. Counts as qualifying activity (R27).
    #[tracing::instrument(skip(self, p, ids), err(level = "debug"))]
    pub async fn reactivate_memberships(&self, p: &Principal, ids: &[MembershipId]) -> Result<Vec<Membership>> {
        self.retrying(|| self.reactivate_memberships_once(p, ids)).await
    }

    async fn reactivate_memberships_once(&self, p: &Principal, ids: &[MembershipId]) -> Result<Vec<Membership>> {
        let user = self.user(p)?;
        check_batch(ids, "membershipIds")?;
        let tx = self.store.begin().await?;
        let found = self.locked_memberships(tx.as_ref(), ids).await?;
        let mut refusals = Vec::new();
        let mut targets = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let Some(m) = found.get(id).filter(|m| m.worker_kind.is_none()) else {
                refusals.push(Refusal::new(Code::NotFound, "membership not found").at_item("membershipIds", i));
                continue;
            };
            let (_, me) = match self
                .partner_admin_in(tx.as_ref(), user, m.account_id, &["membershipIds", &i.to_string()])
                .await
            {
                Ok(x) => x,
                Err(e) => {
                    let not_found = Error::Refused(vec![
                        Refusal::new(Code::NotFound, "membership not found").at_item("membershipIds", i)
                    ]);
                    let why = "only an active partner admin of this client account may reactivate (R12, R23)";
                    match self.refused_over(tx.as_ref(), user, m, e, not_found, why).await? {
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
                return Err(Error::forbidden("a partner admin reactivates only their own partner's users (R12, R23)"));
            }
            if m.is_active() {
                refusals.push(Refusal::new(Code::NotDeactivated, "the member is active").at_item("membershipIds", i));
                continue;
            }
            targets.push(m.clone());
        }
        if !refusals.is_empty() {
            return Err(Error::Refused(refusals));
        }
        let now = self.now();
        let mut out = Vec::new();
        for m in targets {
            let after = Membership { status: MemberStatus::Active, ..m.clone() };
            if let Some(partner) = after.partner_id {
                self.record_activity(tx.as_ref(), partner, after.account_id, now).await?;
            }
            tx.update_membership(&after, now).await?;
            tx.record(self.membership_event(Some(user), "membership.reactivated", Some(&m), &after)).await?;
            out.push(after);
        }
        tx.commit().await?;
        Ok(out)
    }

    /// The worker and the partner it belongs to, for a CAM user (R1, R24).
    async fn cam_worker(
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
        let (partner, _) = self.cam_access_to(repo, user, w.account_id, &["workerId"], "worker").await?;
        Ok((partner, w))
    }

    /// The worker's memberships that represent the partner, optionally in
    /// some clients only. Errors: a named client where the worker is not a
    /// partner user (`NOT_FOUND` at `clientAccountIds.i`).
    async fn partner_memberships(
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
        self.retrying(|| self.deactivate_worker_once(p, worker)).await
    }

    async fn deactivate_worker_once(&self, p: &Principal, worker: MembershipId) -> Result<DeactivatedWorker> {
        let user = self.user(p)?;
        let tx = self.store.begin().await?;
        let (partner, w) = self.cam_worker(tx.as_ref(), user, worker).await?;
        // Lock the partner and the clients (in id order, one statement),
        // then read what is written below again under the locks.
        let sel = PartnerUserSelection { partner: partner.id, user: Some(w.user_id), clients: None };
        tx.lock_accounts_of(&sel, Some(partner.id)).await?;
        let w = tx.find_membership(worker).await?.ok_or_else(|| Error::not_found(&["workerId"], "worker"))?;
        let targets = self.partner_memberships(tx.as_ref(), partner.id, w.user_id, None).await?;
        let leaving: Vec<&Membership> = targets.iter().filter(|m| m.is_active()).collect();
        self.keep_a_super_admin(tx.as_ref(), &leaving, &["workerId"]).await?;
        // Set-based: one UPDATE for every client; the events one INSERT per
        // chunk of clients (`WRITE_CHUNK`), each dropped once written.
        // Each membership becomes its state after, in place, once its
        // event is made: one copy of them at a time.
        let mut out: Vec<Membership> = targets.into_iter().filter(Membership::is_active).collect();
        let changed = tx.deactivate_selected(&sel, self.now()).await?;
        same_rows(changed, out.len() as u64, "deactivated memberships")?;
        for chunk in out.chunks_mut(WRITE_CHUNK) {
            let mut events = Vec::with_capacity(chunk.len());
            for m in chunk {
                let after = Membership { status: MemberStatus::Deactivated, ..m.clone() };
                events.push(self.membership_event(Some(user), "membership.deactivated", Some(m), &after));
                *m = after;
            }
            tx.record_many(events).await?;
        }
        let worker_after = Membership { status: MemberStatus::Deactivated, ..w.clone() };
        if w.is_active() {
            tx.update_membership(&worker_after, self.now()).await?;
            tx.record(self.membership_event(Some(user), "worker.deactivated", Some(&w), &worker_after)).await?;
        }
        self.notify_offboarded(tx.as_ref(), &out, Offboarding::Deactivated, None).await?;
        tx.commit().await?;
        Ok(DeactivatedWorker { worker: worker_after, memberships: out })
    }

    /// R25: for each client, the worker's membership and what they own there.
    pub async fn removal_preview(
        &self,
        p: &Principal,
        worker: MembershipId,
        clients: Option<&[AccountId]>,
    ) -> Result<Vec<RemovalPreviewItem>> {
        let user = self.user(p)?;
        let repo = self.store.as_ref();
        let (partner, w) = self.cam_worker(repo, user, worker).await?;
        let targets = self.partner_memberships(repo, partner.id, w.user_id, clients).await?;
        let pairs: Vec<_> = targets.iter().map(|m| (m.account_id, m.user_id)).collect();
        let assets = repo.assets_owned_by(&pairs).await?;
        let rel_keys: Vec<_> = targets.iter().map(|m| (partner.id, m.account_id)).collect();
        let rels = repo.find_relationships_by_pair(&rel_keys).await?;
        Ok(targets
            .into_iter()
            .filter_map(|m| {
                let relationship = rels.get(&(partner.id, m.account_id))?.clone();
                let assets = assets.iter().filter(|a| a.client_id == m.account_id).cloned().collect();
                Some(RemovalPreviewItem { relationship, membership: m, assets })
            })
            .collect())
    }

    /// Removes memberships (`targets`, which `sel` selects), giving each
    /// one's assets to a chosen member of that client or to nobody (R25).
    /// Never a super admin (R26). Set-based: the changes are one statement
    /// each, whatever the number of memberships, plus one `UPDATE` per
    /// receiver the caller named; the audit events one per `WRITE_CHUNK`.
    async fn remove_memberships(
        &self,
        repo: &dyn Repository,
        actor: &User,
        targets: &[Membership],
        sel: &PartnerUserSelection,
        reassign: &HashMap<AccountId, UserId>,
    ) -> Result<Removed> {
        if targets.iter().any(|m| m.role == Role::SuperAdmin) {
            return Err(Error::refused(
                Code::CannotRemoveSuperAdmin,
                "a super admin can never be removed from a client account (R26)",
            ));
        }
        let owned = repo.asset_counts_of_selected(sel).await?;
        let mut removed = Removed { memberships: 0, reassigned: 0, unassigned: 0 };
        // One statement per receiver the caller named (R25, R49).
        let mut to_receivers = 0;
        for (client, to) in reassign {
            let one = PartnerUserSelection { clients: Some(vec![*client]), ..sel.clone() };
            removed.reassigned += repo.reassign_assets_of_selected(&one, *to).await?;
        }
        // One INSERT of events per chunk of clients (`WRITE_CHUNK`).
        for chunk in targets.chunks(WRITE_CHUNK) {
            let mut events = Vec::with_capacity(chunk.len());
            for m in chunk {
                let to = reassign.get(&m.account_id).copied();
                let moved = owned.get(&(m.account_id, m.user_id)).copied().unwrap_or(0);
                match to {
                    Some(_) => to_receivers += moved,
                    None => removed.unassigned += moved,
                }
                let mut ev = self.membership_event(Some(actor), "membership.removed", Some(m), m);
                ev.after = Some(json!({"removed": true, "assetsTo": to.map(|u| u.get()), "assets": moved}));
                events.push(ev);
                removed.memberships += 1;
            }
            repo.record_many(events).await?;
        }
        same_rows(removed.reassigned, to_receivers, "reassigned assets")?;
        // What no receiver took is left without an owner; nothing is deleted.
        let unassigned = repo.unassign_assets_of_selected(sel).await?;
        same_rows(unassigned, removed.unassigned, "unassigned assets")?;
        let deleted = repo.delete_selected(sel).await?;
        same_rows(deleted, removed.memberships, "removed memberships")?;
        Ok(removed)
    }

    /// R24, R25: removes a worker from one, several or all of the partner's
    /// clients; all or nothing.
    #[tracing::instrument(skip(self, p, clients, reassign), err(level = "debug"))]
    pub async fn remove_worker_from_clients(
        &self,
        p: &Principal,
        worker: MembershipId,
        clients: Option<&[AccountId]>,
        reassign: &[(AccountId, UserId)],
    ) -> Result<Removed> {
        self.retrying(|| self.remove_worker_from_clients_once(p, worker, clients, reassign)).await
    }

    async fn remove_worker_from_clients_once(
        &self,
        p: &Principal,
        worker: MembershipId,
        clients: Option<&[AccountId]>,
        reassign: &[(AccountId, UserId)],
    ) -> Result<Removed> {
        let user = self.user(p)?;
        if let Some(named) = clients {
            check_batch(named, "clientAccountIds")?;
        }
        let tx = self.store.begin().await?;
        let (partner, w) = self.cam_worker(tx.as_ref(), user, worker).await?;
        // Lock first (in id order), then read: the named clients, or every
        // client where the worker is a partner user.
        let sel =
            PartnerUserSelection { partner: partner.id, user: Some(w.user_id), clients: clients.map(<[_]>::to_vec) };
        match clients {
            Some(named) => self.lock_all(tx.as_ref(), named.iter().copied()).await?,
            None => tx.lock_accounts_of(&sel, None).await?,
        }
        let targets = self.partner_memberships(tx.as_ref(), partner.id, w.user_id, clients).await?;
        let mut refusals = Vec::new();
        let mut map = HashMap::new();
        for (i, (client, to)) in reassign.iter().enumerate() {
            let at = ["reassignTo".to_string(), i.to_string()];
            if !targets.iter().any(|m| m.account_id == *client) {
                refusals.push(
                    Refusal::new(Code::InvalidInput, "the worker is not being removed from this client").at(&[
                        &at[0],
                        &at[1],
                        "clientAccountId",
                    ]),
                );
                continue;
            }
            let receiver = tx.membership_of(*client, *to).await?;
            if *to == w.user_id || !receiver.as_ref().is_some_and(Membership::is_active) {
                refusals.push(
                    Refusal::new(Code::NotAMember, "assets go to an active member of that client who stays")
                        .at(&[&at[0], &at[1], "userId"]),
                );
                continue;
            }
            if map.insert(*client, *to).is_some() {
                refusals.push(Refusal::new(Code::InvalidInput, "one receiver per client").at(&[
                    &at[0],
                    &at[1],
                    "clientAccountId",
                ]));
            }
        }
        if !refusals.is_empty() {
            return Err(Error::Refused(refusals));
        }
        let owned = tx.asset_counts_of_selected(&sel).await?;
        let removed = self.remove_memberships(tx.as_ref(), user, &targets, &sel, &map).await?;
        self.notify_offboarded(tx.as_ref(), &targets, Offboarding::Removed, Some((&owned, &map))).await?;
        tx.commit().await?;
        Ok(removed)
    }

    /// R28, R49: a CAM user of the partner, or a partner admin of that
    /// client for that partner, removes every one of the partner's users
    /// from a client, even when all of them are deactivated. Partner users
    /// who are super admins there stay and are listed (R26); every removed
    /// user's assets go to `reassign_to`, an active member of that client
    /// who stays, or are left without an owner (R25).
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn remove_all_partner_users(
        &self,
        p: &Principal,
        partner: AccountId,
        client: AccountId,
        reassign_to: Option<UserId>,
    ) -> Result<RemovedAll> {
        self.retrying(|| self.remove_all_partner_users_once(p, partner, client, reassign_to)).await
    }

    async fn remove_all_partner_users_once(
        &self,
        p: &Principal,
        partner: AccountId,
        client: AccountId,
        reassign_to: Option<UserId>,
    ) -> Result<RemovedAll> {
        let user = self.user(p)?;
        let tx = self.store.begin().await?;
        if let Err(e) = self.cam_access(tx.as_ref(), user, partner, &["partnerAccountId"]).await {
            // R49: also open to a partner admin of that client for that partner.
            match self.acting_in(tx.as_ref(), user, client, AccountKind::Client, &["clientAccountId"]).await {
                Ok((_, me)) if me.is_active_partner_admin_of(partner) => {}
                _ => return Err(e),
            }
        }
        let Some(rel) = tx.find_relationship(partner, client).await? else {
            return Err(Error::not_found(&["clientAccountId"], "client of this partner"));
        };
        tx.lock_account(client).await?;
        let filter =
            super::model::MemberFilter { partner_id: Some(partner), partner_users_only: true, ..Default::default() };
        let (skipped, targets): (Vec<Membership>, Vec<Membership>) =
            tx.members_of_accounts(&[client], &filter).await?.into_iter().partition(|m| m.role == Role::SuperAdmin);
        let mut reassign = HashMap::new();
        if let Some(to) = reassign_to {
            let receiver = tx.membership_of(client, to).await?;
            let leaving = targets.iter().any(|m| m.user_id == to);
            if leaving || !receiver.as_ref().is_some_and(Membership::is_active) {
                return Err(Error::refused_at(
                    Code::NotAMember,
                    &["reassignToUserId"],
                    "assets go to an active member of that client who stays",
                ));
            }
            reassign.insert(client, to);
        }
        let sel = PartnerUserSelection { partner, user: None, clients: Some(vec![client]) };
        let owned = tx.asset_counts_of_selected(&sel).await?;
        let removed = self.remove_memberships(tx.as_ref(), user, &targets, &sel, &reassign).await?;
        self.notify_offboarded(tx.as_ref(), &targets, Offboarding::Removed, Some((&owned, &reassign))).await?;
        tx.commit().await?;
        Ok(RemovedAll { removed, skipped_super_admins: skipped, relationship: rel })
    }
}
