//! The access-link journey: create (R8), preview (R9), approve (R10, R11),
//! revoke.

use chrono::Duration;
use serde_json::json;

use super::model::{AccessLink, Approval, LinkPreview, LinkProblem, NewAccessLink};
use crate::account::model::{Account, AccountKind};
use crate::app::{is_cam_user, Cam};
use crate::common::error::{Code, Error, Result, StorageError};
use crate::common::ids::{AccessLinkId, AccountId, MembershipId, PermissionSetId};
use crate::common::principal::Principal;
use crate::membership::model::{MemberStatus, Membership, NewMembership, Role, Seat};
use crate::notify::model::Message;
use crate::permission::model::{Permission, PermissionSet, Permissions};
use crate::relationship::model::Relationship;

/// R10: may this client-account member approve access links for it (an
/// active super admin, or `USERS_ADD_EDIT`)?
pub fn may_approve_links(m: &Membership) -> bool {
    m.is_active() && (m.is_active_super_admin() || m.effective_permissions().contains(Permission::UsersAddEdit))
}

/// R20, R53: what approving grants, the permissions of the partner's
/// built-in Partner Admin set (the catalogue's when it has none), and that
/// set's id.
pub(crate) fn partner_admin_permissions(sets: &[PermissionSet]) -> (Permissions, Option<PermissionSetId>) {
    let built_in = sets.iter().find(|s| s.built_in);
    (built_in.map(|s| s.permissions).unwrap_or_else(Permissions::partner_admin_set), built_in.map(|s| s.id))
}

/// A new link and its token, which is shown this once (R8).
pub struct CreatedLink {
    pub link: AccessLink,
    pub token: String,
    pub url: String,
}

pub struct ApprovedLink {
    pub membership: Membership,
    pub relationship: Relationship,
    /// The client account it was approved for.
    pub client: Account,
}

impl LinkProblem {
    pub fn code(self) -> Code {
        match self {
            LinkProblem::Expired => Code::LinkExpired,
            LinkProblem::Revoked => Code::LinkRevoked,
        }
    }

    /// The refusal of acting on a link with this problem.
    pub(crate) fn refusal(self) -> Error {
        let msg = match self {
            LinkProblem::Expired => "the link has expired",
            LinkProblem::Revoked => "the link was revoked",
        };
        Error::refused_at(self.code(), &["token"], msg)
    }
}

/// A token as typed: trimmed; empty or longer than any token we make is
/// `INVALID_INPUT`.
pub(crate) fn checked_token(token: &str) -> Result<&str> {
    let token = token.trim();
    if token.is_empty() || token.len() > 512 {
        return Err(Error::refused_at(Code::InvalidInput, &["token"], "the token is empty or too long"));
    }
    Ok(token)
}

impl Cam {
    /// R8: a CAM user creates a link for themselves or another worker of the
    /// partner; the worker's previous link is revoked.
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn create_access_link(
        &self,
        p: &Principal,
        partner: AccountId,
        worker: Option<MembershipId>,
    ) -> Result<CreatedLink> {
        self.retrying(|| self.create_access_link_once(p, partner, worker)).await
    }

    async fn create_access_link_once(
        &self,
        p: &Principal,
        partner: AccountId,
        worker: Option<MembershipId>,
    ) -> Result<CreatedLink> {
        let user = self.user(p)?;
        let tx = self.store.begin().await?;
        // R8: one creator at a time per partner, so that the revocation below
        // sees the link a concurrent creator made (one live link per worker;
        // the database's unique index is the backstop).
        tx.lock_account(partner).await?;
        let (account, me) = self.cam_access(tx.as_ref(), user, partner, &["partnerAccountId"]).await?;
        if !account.allows_partner_admins() {
            return Err(Error::refused_at(
                Code::PartnerTierNotAllowed,
                &["partnerAccountId"],
                "app partners cannot have partner admins (R2)",
            ));
        }
        let worker = match worker {
            None => me,
            Some(id) => tx
                .find_membership(id)
                .await?
                .filter(|w| w.account_id == partner && w.worker_kind.is_some())
                .ok_or_else(|| Error::not_found(&["workerId"], "worker"))?,
        };
        let worker_user =
            tx.find_user(worker.user_id).await?.ok_or_else(|| Error::not_found(&["workerId"], "worker"))?;
        if !self.seat_eligible(tx.as_ref(), &account, &worker, &worker_user.email).await? {
            return Err(Error::refused_at(
                Code::NotEligibleForPartnerSeat,
                &["workerId"],
                "the worker is not eligible for the partner seat: inactive, or the email domain is not verified (R5)",
            ));
        }
        let now = self.now();
        let revoked = tx.revoke_links_of(worker.id, now).await?;
        let token = self.tokens.generate();
        let new = NewAccessLink {
            partner_id: partner,
            worker_id: worker.id,
            created_by: Some(user.id),
            token_hash: self.tokens.hash(&token),
            created_at: now,
            expires_at: now + Duration::days(self.config.link_ttl_days),
        };
        let link = match tx.insert_link(new).await {
            // Another live link of this worker committed after our revocation:
            // run again, revoking it (R8: the newest link wins).
            Err(StorageError::Conflict(what)) => return Err(StorageError::Transient(what.into()).into()),
            r => r?,
        };
        let mut ev = self.event(Some(user), "access_link.created");
        ev.account_id = Some(partner);
        ev.partner_id = Some(partner);
        ev.subject_id = Some(worker.user_id);
        ev.after =
            Some(json!({"accessLinkId": link.id.get(), "expiresAt": link.expires_at, "revokedPrevious": revoked}));
        tx.record(ev).await?;
        tx.commit().await?;
        let url = format!("{}/access/{}", self.config.public_url, token);
        Ok(CreatedLink { link, token, url })
    }

    /// Revokes a link; a CAM user of the link's partner may.
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn revoke_access_link(&self, p: &Principal, id: AccessLinkId) -> Result<AccessLink> {
        self.retrying(|| self.revoke_access_link_once(p, id)).await
    }

    async fn revoke_access_link_once(&self, p: &Principal, id: AccessLinkId) -> Result<AccessLink> {
        let user = self.user(p)?;
        let tx = self.store.begin().await?;
        // R33: an unknown id and another tenant's link answer alike.
        let not_found = || Error::not_found(&["accessLinkId"], "access link");
        let found = tx.find_link(id).await?.ok_or_else(not_found)?;
        // Access first, so that nobody can make us lock another tenant.
        self.cam_access_to(tx.as_ref(), user, found.partner_id, &["accessLinkId"], "access link").await?;
        // Lock as creating does, and read again: a link created meanwhile
        // has revoked this one, and must not be revoked with it.
        tx.lock_account(found.partner_id).await?;
        let link = tx.find_link(id).await?.ok_or_else(not_found)?;
        if link.revoked_at.is_some() {
            return Err(Error::refused_at(Code::LinkRevoked, &["accessLinkId"], "the link is revoked already"));
        }
        let now = self.now();
        tx.revoke_links_of(link.worker_id, now).await?;
        let worker = tx.find_membership(link.worker_id).await?;
        let mut ev = self.event(Some(user), "access_link.revoked");
        ev.account_id = Some(link.partner_id);
        ev.partner_id = Some(link.partner_id);
        ev.subject_id = worker.map(|w| w.user_id);
        ev.before = Some(json!({"accessLinkId": link.id.get(), "revokedAt": null}));
        ev.after = Some(json!({"accessLinkId": link.id.get(), "revokedAt": now}));
        tx.record(ev).await?;
        tx.commit().await?;
        Ok(AccessLink { revoked_at: Some(now), ..link })
    }

    /// R9: what anyone holding the token may see; `None` for an unknown token.
    pub async fn preview_access_link(&self, token: &str) -> Result<Option<LinkPreview>> {
        let Some(link) = self.store.find_link_by_token_hash(&self.tokens.hash(token)).await? else {
            return Ok(None);
        };
        let (Some(partner), Some(worker)) =
            (self.store.find_account(link.partner_id).await?, self.store.find_membership(link.worker_id).await?)
        else {
            return Ok(None);
        };
        let Some(user) = self.store.find_user(worker.user_id).await? else { return Ok(None) };
        let grants = partner_admin_permissions(&self.store.sets_of(partner.id).await?).0;
        Ok(Some(LinkPreview {
            partner_name: partner.name,
            partner_tier: partner.tier.unwrap_or(crate::account::model::PartnerTier::AppPartner),
            worker_name: user.name,
            worker_email: user.email.as_str().to_string(),
            expires_at: link.expires_at,
            problem: link.problem(self.now()),
            role: Role::PartnerAdmin,
            seat: Seat::Partner,
            grants,
        }))
    }

    /// R10, R11: a client super admin or user manager approves a link for
    /// their client account; the worker becomes its partner admin.
    #[tracing::instrument(skip(self, p, token), err(level = "debug"))]
    pub async fn approve_access_link(&self, p: &Principal, token: &str, client: AccountId) -> Result<ApprovedLink> {
        self.retrying(|| self.approve_access_link_once(p, token, client)).await
    }

    async fn approve_access_link_once(&self, p: &Principal, token: &str, client: AccountId) -> Result<ApprovedLink> {
        let approver = self.user(p)?;
        let token = checked_token(token)?;
        let tx = self.store.begin().await?;
        tx.lock_account(client).await?;
        let (account, me) =
            self.acting_in(tx.as_ref(), approver, client, AccountKind::Client, &["clientAccountId"]).await?;
        if !may_approve_links(&me) {
            return Err(Error::forbidden("approving needs a super admin or the USERS_ADD_EDIT permission (R10)"));
        }
        let link = tx
            .find_link_by_token_hash(&self.tokens.hash(token))
            .await?
            .ok_or_else(|| Error::not_found(&["token"], "access link"))?;
        let now = self.now();
        if let Some(problem) = link.problem(now) {
            return Err(problem.refusal());
        }
        if tx.find_approval(link.id, client).await?.is_some() {
            return Err(Error::refused_at(Code::AlreadyApproved, &["token"], "this client approved the link already"));
        }
        if tx.find_decline(link.id, client).await?.is_some() {
            return Err(Error::refused_at(Code::LinkDeclined, &["token"], "this client declined the link (R54)"));
        }
        let partner =
            tx.find_account(link.partner_id).await?.ok_or_else(|| Error::not_found(&["token"], "access link"))?;
        if !partner.allows_partner_admins() {
            return Err(Error::refused_at(
                Code::PartnerTierNotAllowed,
                &["token"],
                "app partners cannot have partner admins (R2)",
            ));
        }
        let worker =
            tx.find_membership(link.worker_id).await?.ok_or_else(|| Error::not_found(&["token"], "access link"))?;
        let worker_user =
            tx.find_user(worker.user_id).await?.ok_or_else(|| Error::not_found(&["token"], "access link"))?;
        if !self.seat_eligible(tx.as_ref(), &partner, &worker, &worker_user.email).await? {
            return Err(Error::refused_at(
                Code::NotEligibleForPartnerSeat,
                &["token"],
                "the worker is no longer eligible for the partner seat (R5)",
            ));
        }
        let (pa_permissions, built_in) = partner_admin_permissions(&tx.sets_of(partner.id).await?);
        // R27: qualifying activity, recorded before the membership changes so
        // that an ENDED relationship is seen as ended and starts anew.
        let relationship = self.record_activity(tx.as_ref(), partner.id, client, now).await?;
        let existing = tx.membership_of(client, worker.user_id).await?;
        let (membership, before) = match existing {
            Some(m) if m.role == Role::SuperAdmin => {
                return Err(Error::refused_at(
                    Code::AlreadySuperAdmin,
                    &["token"],
                    "the worker is a super admin of this client; use the migration to partner admin (R31)",
                ))
            }
            Some(m) => {
                // R11: upgraded in place; what only a super admin grants stays.
                let kept = m.permissions.intersect(Permissions::super_admin_only());
                let upgraded = Membership {
                    role: Role::PartnerAdmin,
                    seat: Seat::Partner,
                    status: MemberStatus::Active,
                    permissions: pa_permissions.union(kept),
                    permission_set_id: built_in,
                    partner_id: Some(partner.id),
                    managed_credit: true,
                    ..m.clone()
                };
                tx.update_membership(&upgraded, now).await?;
                (upgraded, Some(m))
            }
            None => {
                let new = NewMembership {
                    account_id: client,
                    user_id: worker.user_id,
                    role: Role::PartnerAdmin,
                    seat: Seat::Partner,
                    permissions: pa_permissions,
                    permission_set_id: built_in,
                    partner_id: Some(partner.id),
                    managed_credit: true,
                    worker_kind: None,
                    created_at: self.now(),
                };
                match tx.insert_membership(new).await {
                    Err(StorageError::Conflict(_)) => {
                        return Err(Error::refused_at(
                            Code::AlreadyMember,
                            &["token"],
                            "the worker joined meanwhile; try again",
                        ))
                    }
                    r => (r?, None),
                }
            }
        };
        match tx
            .insert_approval(&Approval {
                link_id: link.id,
                client_id: client,
                approved_by: Some(approver.id),
                membership_id: membership.id,
                approved_at: now,
            })
            .await
        {
            Err(StorageError::Conflict(_)) => {
                return Err(Error::refused_at(
                    Code::AlreadyApproved,
                    &["token"],
                    "this client approved the link already",
                ))
            }
            r => r?,
        }
        let message = Message::AccessLinkApproved {
            approver: approver.name.clone(),
            client: account.name.clone(),
            client_id: client,
            partner: partner.name.clone(),
            permissions: membership.permissions,
        };
        tx.enqueue(self.email(&worker_user, message), now).await?;
        tx.record(self.membership_event(Some(approver), "access_link.approved", before.as_ref(), &membership)).await?;
        tx.commit().await?;
        Ok(ApprovedLink { membership, relationship, client: account })
    }

    /// The approvals of a link the caller sees (`visible_link`).
    pub async fn approvals_of(&self, link: &AccessLink) -> Result<Vec<Approval>> {
        Ok(self.store.approvals_of(link.id).await?)
    }

    /// A link is visible to CAM users of its partner and to its worker.
    pub async fn visible_link(&self, p: &Principal, id: AccessLinkId) -> Result<Option<AccessLink>> {
        let Some(link) = self.store.find_link(id).await? else { return Ok(None) };
        let Principal::User(u) = p else { return Ok(Some(link)) };
        let me = self.active_membership(self.store.as_ref(), link.partner_id, u.id).await?;
        let mine = match self.store.find_membership(link.worker_id).await? {
            Some(w) => w.user_id == u.id,
            None => false,
        };
        Ok((mine || me.as_ref().is_some_and(is_cam_user)).then_some(link))
    }
}
