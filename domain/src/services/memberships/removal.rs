//! Removal (R25, R26, R28): review a worker's assets per client, then
//! remove partner users, giving their assets to a chosen member or to
//! nobody. Super admins are never removed (R26).

use crate::store::body;

use super::MembershipService;

use std::collections::HashMap;

use serde_json::json;

use super::offboarding::same_rows;
use super::partner_users::check_batch;
use crate::account::model::AccountKind;
use crate::asset::model::Asset;
use crate::common::error::{Code, Error, Refusal, Result};
use crate::common::ids::{AccountId, MembershipId, UserId};
use crate::membership::model::{Membership, PartnerUserSelection, Role};
use crate::policy::WRITE_CHUNK;
use crate::relationship::model::Relationship;
use crate::services::memberships::notices::Offboarding;
use crate::store::Repository;
use crate::user::model::User;
use crate::user::principal::Principal;

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

/// What `remove_all_partner_users` did (R28, R49).
pub struct RemovedAll {
    pub removed: Removed,
    /// Partner users left in place because they are super admins there (R26).
    pub skipped_super_admins: Vec<Membership>,
    pub relationship: Relationship,
}

impl MembershipService {
    /// R25: for each client, the worker's membership and what they own there.
    pub async fn removal_preview(
        &self,
        p: &Principal,
        worker: MembershipId,
        clients: Option<&[AccountId]>,
    ) -> Result<Vec<RemovalPreviewItem>> {
        let user = self.policy.user(p)?;
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
                let mut ev = self.policy.membership_event(Some(actor), "membership.removed", Some(m), m);
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
        let user = self.policy.user(p)?;
        if let Some(named) = clients {
            check_batch(named, "clientAccountIds")?;
        }
        self.store
            .transaction(|tx| {
                body(async move {
                    let (partner, w) = self.cam_worker(tx.repo(), user, worker).await?;
                    // Lock first (in id order), then read: the named clients, or every
                    // client where the worker is a partner user.
                    let sel = PartnerUserSelection {
                        partner: partner.id,
                        user: Some(w.user_id),
                        clients: clients.map(<[_]>::to_vec),
                    };
                    match clients {
                        Some(named) => self.lock_all(tx.repo(), named.iter().copied()).await?,
                        None => tx.lock_accounts_of(&sel, None).await?,
                    }
                    let targets = self.partner_memberships(tx.repo(), partner.id, w.user_id, clients).await?;
                    let mut refusals = Vec::new();
                    let mut map = HashMap::new();
                    for (i, (client, to)) in reassign.iter().enumerate() {
                        let at = ["reassignTo".to_string(), i.to_string()];
                        if !targets.iter().any(|m| m.account_id == *client) {
                            refusals.push(
                                Refusal::new(Code::InvalidInput, "the worker is not being removed from this client")
                                    .at(&[&at[0], &at[1], "clientAccountId"]),
                            );
                            continue;
                        }
                        let receiver = tx.membership_of(*client, *to).await?;
                        if *to == w.user_id || !receiver.as_ref().is_some_and(Membership::is_active) {
                            refusals.push(
                                Refusal::new(
                                    Code::NotAMember,
                                    "assets go to an active member of that client who stays",
                                )
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
                    let removed = self.remove_memberships(tx.repo(), user, &targets, &sel, &map).await?;
                    self.notify_offboarded(tx.repo(), &targets, Offboarding::Removed, Some((&owned, &map))).await?;
                    Ok(removed)
                })
            })
            .await
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
        let user = self.policy.user(p)?;
        self.store
            .transaction(|tx| {
                body(async move {
                    if let Err(e) = self.policy.cam_access(tx.repo(), user, partner, &["partnerAccountId"]).await {
                        // R49: also open to a partner admin of that client for that partner.
                        match self
                            .policy
                            .acting_in(tx.repo(), user, client, AccountKind::Client, &["clientAccountId"])
                            .await
                        {
                            Ok((_, me)) if me.is_active_partner_admin_of(partner) => {}
                            _ => return Err(e),
                        }
                    }
                    let Some(rel) = tx.find_relationship(partner, client).await? else {
                        return Err(Error::not_found(&["clientAccountId"], "client of this partner"));
                    };
                    tx.lock_account(client).await?;
                    let filter = crate::membership::model::MemberFilter {
                        partner_id: Some(partner),
                        partner_users_only: true,
                        ..Default::default()
                    };
                    let (skipped, targets): (Vec<Membership>, Vec<Membership>) = tx
                        .members_of_accounts(&[client], &filter)
                        .await?
                        .into_iter()
                        .partition(|m| m.role == Role::SuperAdmin);
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
                    let removed = self.remove_memberships(tx.repo(), user, &targets, &sel, &reassign).await?;
                    self.notify_offboarded(tx.repo(), &targets, Offboarding::Removed, Some((&owned, &reassign)))
                        .await?;
                    Ok(RemovedAll { removed, skipped_super_admins: skipped, relationship: rel })
                })
            })
            .await
    }
}
