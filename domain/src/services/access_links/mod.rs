//! The access-link journey: create (R8), preview (R9), approve (R10, R11),
//! revoke.

pub mod approve;
pub mod decline;

use std::sync::Arc;

use crate::access_link::ports::LinkTokens;
use crate::policy::Policy;
use crate::store::{body, Store};

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::access_link::model::{AccessLink, Approval, LinkPreview, LinkProblem, NewAccessLink};
use crate::account::model::{Account, AccountKind};
use crate::common::error::{Code, Error, Result, StorageError};
use crate::common::ids::{AccessLinkId, AccountId, MembershipId, PermissionSetId};
use crate::membership::model::{Membership, Role, Seat};
use crate::permission::model::{Permission, PermissionSet, Permissions};
use crate::policy::is_cam_user;
use crate::store::Repository;
use crate::user::model::User;
use crate::user::principal::Principal;

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

/// Access links (R8–R11, R54): created by CAM users, approved or declined by clients.
#[derive(Clone)]
pub struct AccessLinkService {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) policy: Policy,
    /// Random link tokens and their hashes.
    pub(crate) tokens: Arc<dyn LinkTokens>,
    /// R8: how long an access link lives.
    pub(crate) link_ttl_days: i64,
    /// Base of access-link URLs, without a trailing slash.
    pub(crate) public_url: String,
}

impl AccessLinkService {
    /// R8: a CAM user creates a link for themselves or another worker of the
    /// partner; the worker's previous link is revoked.
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn create_access_link(
        &self,
        p: &Principal,
        partner: AccountId,
        worker: Option<MembershipId>,
    ) -> Result<CreatedLink> {
        let user = self.policy.user(p)?;
        self.store.transaction(|tx| body(async move {
            // R8: one creator at a time per partner, so that the revocation below
            // sees the link a concurrent creator made (one live link per worker;
            // the database's unique index is the backstop).
            tx.lock_account(partner).await?;
            let (account, me) = self.policy.cam_access(tx.repo(), user, partner, &["partnerAccountId"]).await?;
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
            if !self.policy.seat_eligible(tx.repo(), &account, &worker, &worker_user.email).await? {
                return Err(Error::refused_at(
                    Code::NotEligibleForPartnerSeat,
                    &["workerId"],
                    "the worker is not eligible for the partner seat: inactive, or the email domain is not verified (R5)",
                ));
            }
            let now = self.policy.now();
            let revoked = tx.revoke_links_of(worker.id, now).await?;
            let token = self.tokens.generate();
            let new = NewAccessLink {
                partner_id: partner,
                worker_id: worker.id,
                created_by: Some(user.id),
                token_hash: self.tokens.hash(&token),
                created_at: now,
                expires_at: now + Duration::days(self.link_ttl_days),
            };
            let link = match tx.insert_link(new).await {
                // Another live link of this worker committed after our revocation:
                // run again, revoking it (R8: the newest link wins).
                Err(StorageError::Conflict(what)) => return Err(StorageError::Transient(what.into()).into()),
                r => r?,
            };
            let mut ev = self.policy.event(Some(user), "access_link.created");
            ev.account_id = Some(partner);
            ev.partner_id = Some(partner);
            ev.subject_id = Some(worker.user_id);
            ev.after =
                Some(json!({"accessLinkId": link.id.get(), "expiresAt": link.expires_at, "revokedPrevious": revoked}));
            tx.record(ev).await?;
            let url = format!("{}/access/{}", self.public_url, token);
            Ok(CreatedLink { link, token, url })
        }))
        .await
    }

    /// Revokes a link; a CAM user of the link's partner may.
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn revoke_access_link(&self, p: &Principal, id: AccessLinkId) -> Result<AccessLink> {
        let user = self.policy.user(p)?;
        self.store
            .transaction(|tx| {
                body(async move {
                    // R33: an unknown id and another tenant's link answer alike.
                    let not_found = || Error::not_found(&["accessLinkId"], "access link");
                    let found = tx.find_link(id).await?.ok_or_else(not_found)?;
                    // Access first, so that nobody can make us lock another tenant.
                    self.policy
                        .cam_access_to(tx.repo(), user, found.partner_id, &["accessLinkId"], "access link")
                        .await?;
                    // Lock as creating does, and read again: a link created meanwhile
                    // has revoked this one, and must not be revoked with it.
                    tx.lock_account(found.partner_id).await?;
                    let link = tx.find_link(id).await?.ok_or_else(not_found)?;
                    if link.revoked_at.is_some() {
                        return Err(Error::refused_at(
                            Code::LinkRevoked,
                            &["accessLinkId"],
                            "the link is revoked already",
                        ));
                    }
                    let now = self.policy.now();
                    tx.revoke_links_of(link.worker_id, now).await?;
                    let worker = tx.find_membership(link.worker_id).await?;
                    let mut ev = self.policy.event(Some(user), "access_link.revoked");
                    ev.account_id = Some(link.partner_id);
                    ev.partner_id = Some(link.partner_id);
                    ev.subject_id = worker.map(|w| w.user_id);
                    ev.before = Some(json!({"accessLinkId": link.id.get(), "revokedAt": null}));
                    ev.after = Some(json!({"accessLinkId": link.id.get(), "revokedAt": now}));
                    tx.record(ev).await?;
                    Ok(AccessLink { revoked_at: Some(now), ..link })
                })
            })
            .await
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
            problem: link.problem(self.policy.now()),
            role: Role::PartnerAdmin,
            seat: Seat::Partner,
            grants,
        }))
    }

    /// The approvals of a link the caller sees (`visible_link`).
    pub async fn approvals_of(&self, link: &AccessLink) -> Result<Vec<Approval>> {
        Ok(self.store.approvals_of(link.id).await?)
    }

    /// A link is visible to CAM users of its partner and to its worker.
    pub async fn visible_link(&self, p: &Principal, id: AccessLinkId) -> Result<Option<AccessLink>> {
        let Some(link) = self.store.find_link(id).await? else { return Ok(None) };
        let Principal::User(u) = p else { return Ok(Some(link)) };
        let me = self.policy.active_membership(self.store.as_ref(), link.partner_id, u.id).await?;
        let mine = match self.store.find_membership(link.worker_id).await? {
            Some(w) => w.user_id == u.id,
            None => false,
        };
        Ok((mine || me.as_ref().is_some_and(is_cam_user)).then_some(link))
    }
}

impl AccessLinkService {
    /// R10, R54: a decision on a link for `client` begins alike, approving
    /// or declining (`verb`): one decision at a time per client account
    /// (its lock), by a member who may decide (R10), on a link that is
    /// live and not approved there yet. Returns the client, the link and the
    /// time of the decision.
    pub(super) async fn open_decision(
        &self,
        repo: &dyn Repository,
        decider: &User,
        token: &str,
        client: AccountId,
        verb: &str,
    ) -> Result<(Account, AccessLink, DateTime<Utc>)> {
        repo.lock_account(client).await?;
        let (account, me) =
            self.policy.acting_in(repo, decider, client, AccountKind::Client, &["clientAccountId"]).await?;
        if !may_approve_links(&me) {
            return Err(Error::forbidden(format!("{verb} needs a super admin or the USERS_ADD_EDIT permission (R10)")));
        }
        let link = repo
            .find_link_by_token_hash(&self.tokens.hash(token))
            .await?
            .ok_or_else(|| Error::not_found(&["token"], "access link"))?;
        let now = self.policy.now();
        if let Some(problem) = link.problem(now) {
            return Err(problem.refusal());
        }
        if repo.find_approval(link.id, client).await?.is_some() {
            return Err(Error::refused_at(Code::AlreadyApproved, &["token"], "this client approved the link already"));
        }
        Ok((account, link, now))
    }
}
