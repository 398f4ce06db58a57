//! What a partner admin does in a client account (R12–R16): add workers
//! with a permission set, link existing members, change permissions.

use crate::store::body;

use super::MembershipService;

use std::collections::HashSet;

use crate::account::model::{Account, AccountKind};
use crate::membership::model::{Membership, NewMembership, Role};

use crate::common::error::{Code, Error, Refusal, Result};
use crate::common::ids::{AccountId, MembershipId, PermissionSetId};
use crate::membership::change::{plan_new_member, SeatStanding};
use crate::notify::model::Message;
use crate::permission::{apply_ceiling, Permissions};
use crate::store::Repository;
use crate::user::model::User;
use crate::user::principal::Principal;

/// Most workers or clients one request may name.
pub const MAX_BATCH: usize = 100;

pub struct AddedWorkers {
    pub memberships: Vec<Membership>,
    pub withheld: Permissions,
}

pub struct ChangedPermissions {
    pub membership: Membership,
    pub withheld: Permissions,
}

/// Refuses an empty, oversized or repetitive list of ids.
pub(crate) fn check_batch<T: Eq + std::hash::Hash + Copy>(ids: &[T], field: &str) -> Result<()> {
    if ids.is_empty() {
        return Err(Error::refused_at(Code::InvalidInput, &[field], format!("{field} must not be empty")));
    }
    if ids.len() > MAX_BATCH {
        return Err(Error::refused_at(Code::InvalidInput, &[field], format!("at most {MAX_BATCH} at once")));
    }
    refuse_repeats(ids, field)
}

/// R34: an id named twice is refused at each index where it is repeated.
pub(crate) fn refuse_repeats<T: Eq + std::hash::Hash + Copy>(ids: &[T], field: &str) -> Result<()> {
    let mut seen = HashSet::new();
    let dups: Vec<Refusal> = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !seen.insert(**id))
        .map(|(i, _)| Refusal::new(Code::InvalidInput, "named twice").at_item(field, i))
        .collect();
    if dups.is_empty() {
        Ok(())
    } else {
        Err(Error::Refused(dups))
    }
}

impl MembershipService {
    /// R12: the caller's active partner-admin membership in a client account,
    /// for their partner. Invisible client: `NOT_FOUND`; not an active
    /// partner admin: `FORBIDDEN`.
    pub(crate) async fn partner_admin_in(
        &self,
        repo: &dyn Repository,
        user: &User,
        client: AccountId,
        path: &[&str],
    ) -> Result<(Account, Membership)> {
        let (a, m) = self.policy.acting_in(repo, user, client, AccountKind::Client, path).await?;
        if m.role != Role::PartnerAdmin || m.partner_id.is_none() {
            return Err(Error::forbidden("only an active partner admin of this client account may do this (R12)"));
        }
        Ok((a, m))
    }

    /// R12, R13, R15, R16: adds workers of the caller's partner to a client
    /// with one permission set; all or nothing. The built-in Partner Admin
    /// set makes them partner admins, if each is eligible (R46).
    #[tracing::instrument(skip(self, p, workers), err(level = "debug"))]
    pub async fn add_workers_to_client(
        &self,
        p: &Principal,
        partner: AccountId,
        client: AccountId,
        workers: &[MembershipId],
        set: PermissionSetId,
        expires_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<AddedWorkers> {
        let user = self.policy.user(p)?;
        check_batch(workers, "workerIds")?;
        super::expiry::check_expiry(expires_at, self.policy.now(), &["expiresAt"])?;
        self.store
            .transaction(|tx| {
                body(async move {
                    // As R40: the client locked first, then everything read under the lock.
                    self.lock_all(tx.repo(), [client]).await?;
                    let (client_account, me) =
                        self.partner_admin_in(tx.repo(), user, client, &["clientAccountId"]).await?;
                    if me.partner_id != Some(partner) {
                        return Err(Error::forbidden("you are a partner admin here for another partner (R12)"));
                    }
                    let partner_account = tx
                        .find_account(partner)
                        .await?
                        .filter(Account::is_partner)
                        .ok_or_else(|| Error::not_found(&["partnerAccountId"], "partner account"))?;
                    let set = tx
                        .find_set(set)
                        .await?
                        .filter(|s| s.account_id == partner)
                        .ok_or_else(|| Error::not_found(&["permissionSetId"], "permission set"))?;
                    let found = tx.find_memberships(workers).await?;
                    let mut refusals = Vec::new();
                    let mut chosen = Vec::new();
                    for (i, id) in workers.iter().enumerate() {
                        match found.get(id).filter(|w| w.account_id == partner && w.worker_kind.is_some()) {
                            None => refusals.push(
                                Refusal::new(Code::NotFound, "no such worker of this partner").at_item("workerIds", i),
                            ),
                            Some(w) if !w.is_active() => refusals.push(
                                Refusal::new(Code::InvalidInput, "the worker is deactivated in the partner account")
                                    .at_item("workerIds", i),
                            ),
                            Some(w) => chosen.push((i, w.clone())),
                        }
                    }
                    let user_ids: Vec<_> = chosen.iter().map(|(_, w)| w.user_id).collect();
                    let existing = tx.memberships_of_users_in(&[client], &user_ids).await?;
                    for (i, w) in &chosen {
                        if existing.iter().any(|m| m.user_id == w.user_id) {
                            refusals.push(
                                Refusal::new(
                                    Code::AlreadyMember,
                                    "already a member of this client; link them instead (R14)",
                                )
                                .at_item("workerIds", *i),
                            );
                        }
                    }
                    let users = tx.find_users(&user_ids).await?;
                    let tier_allows = partner_account.allows_partner_admins();
                    let mut plans = Vec::new();
                    for (i, w) in &chosen {
                        let Some(worker_user) = users.get(&w.user_id) else {
                            refusals.push(
                                Refusal::new(Code::NotFound, "no such worker of this partner").at_item("workerIds", *i),
                            );
                            continue;
                        };
                        let eligible =
                            self.policy.seat_eligible(tx.repo(), &partner_account, w, &worker_user.email).await?;
                        // R13, R15, R46: the Partner Admin set makes partner admins of eligible workers only.
                        match plan_new_member(&set, me.grantable(), SeatStanding { tier_allows, eligible }) {
                            Ok(plan) => plans.push((w, worker_user, plan)),
                            Err((code, why)) => refusals.push(Refusal::new(code, why).at_item("workerIds", *i)),
                        }
                    }
                    if !refusals.is_empty() {
                        return Err(Error::Refused(refusals));
                    }
                    let outcome = apply_ceiling(Permissions::empty(), set.permissions, me.grantable());
                    let now = self.policy.now();
                    let (news, workers): (Vec<NewMembership>, Vec<&User>) = plans
                        .into_iter()
                        .map(|(w, worker_user, plan)| {
                            let new = NewMembership {
                                account_id: client,
                                user_id: w.user_id,
                                role: plan.role,
                                seat: plan.seat,
                                permissions: plan.permissions,
                                permission_set_id: Some(set.id),
                                partner_id: Some(partner),
                                managed_credit: plan.managed_credit,
                                worker_kind: None,
                                created_at: now,
                            };
                            (new, worker_user)
                        })
                        .unzip();
                    let added = self
                        .add_partner_users(tx.repo(), user, partner, &[client], news, expires_at, "workerIds")
                        .await?;
                    let message = Message::MembershipAdded {
                        adder: user.name.clone(),
                        client: client_account.name.clone(),
                        client_id: client,
                        partner: partner_account.name.clone(),
                    };
                    let emails = workers.into_iter().map(|w| self.policy.email(w, message.clone())).collect();
                    tx.enqueue_many(emails, now).await?;
                    Ok(AddedWorkers { memberships: added, withheld: outcome.withheld })
                })
            })
            .await
    }

    /// R14: attaches a worker's existing memberships in client accounts to
    /// the partner ("link clients"), earning managed credit.
    #[tracing::instrument(skip(self, p, clients), err(level = "debug"))]
    pub async fn link_worker_to_clients(
        &self,
        p: &Principal,
        worker: MembershipId,
        clients: &[AccountId],
    ) -> Result<Vec<Membership>> {
        let user = self.policy.user(p)?;
        check_batch(clients, "clientAccountIds")?;
        self.store
            .transaction(|tx| {
                body(async move {
                    let w = tx
                        .find_membership(worker)
                        .await?
                        .filter(|w| w.worker_kind.is_some())
                        .ok_or_else(|| Error::not_found(&["workerId"], "worker"))?;
                    self.policy.cam_access_to(tx.repo(), user, w.account_id, &["workerId"], "worker").await?;
                    let partner = w.account_id;
                    // Lock the clients first (ascending ids: no deadlock with other
                    // requests), then read: the memberships written below are read under
                    // their accounts' locks, so a concurrent change is not undone.
                    self.lock_all(tx.repo(), clients.iter().copied()).await?;
                    let existing = tx.memberships_of_users_in(clients, &[w.user_id]).await?;
                    let accounts = tx.find_accounts(clients).await?;
                    let mut refusals = Vec::new();
                    let mut targets = Vec::new();
                    for (i, c) in clients.iter().enumerate() {
                        let is_client = accounts.get(c).is_some_and(Account::is_client);
                        match existing.iter().find(|m| m.account_id == *c) {
                            Some(m) if is_client => match m.partner_id {
                                Some(other) if other != partner => refusals.push(
                                    Refusal::new(Code::AlreadyMember, "the member represents another partner there")
                                        .at_item("clientAccountIds", i),
                                ),
                                _ => targets.push(m.clone()),
                            },
                            _ => refusals.push(
                                Refusal::new(Code::NotAMember, "the worker is not a member of this client account")
                                    .at_item("clientAccountIds", i),
                            ),
                        }
                    }
                    if !refusals.is_empty() {
                        return Err(Error::Refused(refusals));
                    }
                    let now = self.policy.now();
                    let mut linked = Vec::new();
                    for m in targets {
                        let after = Membership { partner_id: Some(partner), managed_credit: true, ..m.clone() };
                        if after != m {
                            // The partner now manages this client: the relationship exists
                            // from here on (R14, R27), even for a deactivated member.
                            self.policy.record_activity(tx.repo(), partner, after.account_id, now).await?;
                            tx.update_membership(&after, now).await?;
                            tx.record(self.policy.membership_event(Some(user), "membership.linked", Some(&m), &after))
                                .await?;
                        }
                        linked.push(after);
                    }
                    Ok(linked)
                })
            })
            .await
    }

    /// R12, R15, R16, R18: applies a permission set to a partner user; the
    /// grant ceiling decides; an eligible member moves to the partner seat
    /// (R45); only the built-in Partner Admin set changes the role (R46).
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn change_permission_set(
        &self,
        p: &Principal,
        membership: MembershipId,
        set: PermissionSetId,
    ) -> Result<ChangedPermissions> {
        let user = self.policy.user(p)?;
        self.store
            .transaction(|tx| {
                body(async move {
                    let target = self.locked_client_membership(tx.repo(), membership).await?;
                    // The same plan as the preview (R41): ceiling, seat (R45), role (R46).
                    let plan = self.plan_set_change(tx.repo(), user, &target, set).await?;
                    let partner = plan.after.partner_id.unwrap_or(AccountId::new(0));
                    // R27: a permission change is qualifying activity, whoever it concerns.
                    self.write_permission_change(tx.repo(), user, &target, plan, Some(partner)).await
                })
            })
            .await
    }
}
