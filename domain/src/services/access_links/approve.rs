//! R10, R11: a client approves an access link; the worker becomes its
//! partner admin with the partner seat.

use super::{checked_token, partner_admin_permissions, AccessLinkService};
use crate::store::body;

use crate::access_link::model::Approval;
use crate::account::model::Account;
use crate::common::error::{Code, Error, Result, StorageError};
use crate::common::ids::AccountId;
use crate::membership::model::{MemberStatus, Membership, NewMembership, Role, Seat};
use crate::notify::model::Message;
use crate::permission::model::Permissions;
use crate::relationship::model::Relationship;
use crate::user::principal::Principal;

pub struct ApprovedLink {
    pub membership: Membership,
    pub relationship: Relationship,
    /// The client account it was approved for.
    pub client: Account,
}

impl AccessLinkService {
    /// R10, R11: a client super admin or user manager approves a link for
    /// their client account; the worker becomes its partner admin.
    #[tracing::instrument(skip(self, p, token), err(level = "debug"))]
    pub async fn approve_access_link(&self, p: &Principal, token: &str, client: AccountId) -> Result<ApprovedLink> {
        let approver = self.policy.user(p)?;
        let token = checked_token(token)?;
        self.store
            .transaction(|tx| {
                body(async move {
                    let (account, link, now) =
                        self.open_decision(tx.repo(), approver, token, client, "approving").await?;
                    if tx.find_decline(link.id, client).await?.is_some() {
                        return Err(Error::refused_at(
                            Code::LinkDeclined,
                            &["token"],
                            "this client declined the link (R54)",
                        ));
                    }
                    let partner = tx
                        .find_account(link.partner_id)
                        .await?
                        .ok_or_else(|| Error::not_found(&["token"], "access link"))?;
                    if !partner.allows_partner_admins() {
                        return Err(Error::refused_at(
                            Code::PartnerTierNotAllowed,
                            &["token"],
                            "app partners cannot have partner admins (R2)",
                        ));
                    }
                    let worker = tx
                        .find_membership(link.worker_id)
                        .await?
                        .ok_or_else(|| Error::not_found(&["token"], "access link"))?;
                    let worker_user = tx
                        .find_user(worker.user_id)
                        .await?
                        .ok_or_else(|| Error::not_found(&["token"], "access link"))?;
                    if !self.policy.seat_eligible(tx.repo(), &partner, &worker, &worker_user.email).await? {
                        return Err(Error::refused_at(
                            Code::NotEligibleForPartnerSeat,
                            &["token"],
                            "the worker is no longer eligible for the partner seat (R5)",
                        ));
                    }
                    let (pa_permissions, built_in) = partner_admin_permissions(&tx.sets_of(partner.id).await?);
                    // R27: qualifying activity, recorded before the membership changes so
                    // that an ENDED relationship is seen as ended and starts anew.
                    let relationship = self.policy.record_activity(tx.repo(), partner.id, client, now).await?;
                    let existing = tx.membership_of(client, worker.user_id).await?;
                    let (membership, before) =
                        match existing {
                            Some(m) if m.role == Role::SuperAdmin => return Err(Error::refused_at(
                                Code::AlreadySuperAdmin,
                                &["token"],
                                "the worker is a super admin of this client; use the migration to partner admin (R31)",
                            )),
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
                                    created_at: self.policy.now(),
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
                    tx.enqueue(self.policy.email(&worker_user, message), now).await?;
                    tx.record(self.policy.membership_event(
                        Some(approver),
                        "access_link.approved",
                        before.as_ref(),
                        &membership,
                    ))
                    .await?;
                    Ok(ApprovedLink { membership, relationship, client: account })
                })
            })
            .await
    }
}
