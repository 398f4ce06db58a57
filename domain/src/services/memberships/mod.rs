//! Use cases on memberships: the operator's `add_member`, and what partner
//! admins and client admins do to members.

pub mod access;
pub mod client_users;
pub mod cross_client;
pub mod expiry;
pub mod individual;
pub mod migration;
pub mod notices;
pub mod offboarding;
pub mod pages;
pub mod partner_users;
pub mod removal;

use std::sync::Arc;

use crate::policy::Policy;
use crate::store::{body, Store};

use crate::account::model::Account;
use crate::common::error::{Code, Error, Result, StorageError};
use crate::common::ids::{AccountId, UserId};
use crate::membership::model::{Membership, NewMembership, Role, Seat, WorkerKind};
use crate::permission::model::Permissions;
use crate::policy::snapshot;
use crate::policy::CamReader;
use crate::user::principal::Principal;

#[derive(Clone)]
pub struct AddMember {
    pub account_id: AccountId,
    pub user_id: UserId,
    pub role: Role,
    pub seat: Option<Seat>,
    pub permissions: Option<Permissions>,
    pub worker_kind: Option<WorkerKind>,
}

/// What partner admins, client admins and the operator do to members and workers.
#[derive(Clone)]
pub struct MembershipService {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) policy: Policy,
}

impl MembershipService {
    /// Operator: makes a user a member of an account: a worker of a partner
    /// account, or a member of a client account.
    #[tracing::instrument(skip(self, p, input), err(level = "debug"))]
    pub async fn add_member(&self, p: &Principal, input: AddMember) -> Result<(Account, Membership)> {
        self.policy.operator(p)?;
        let input = &input;
        self.store
            .transaction(|tx| {
                body(async move {
                    let account = tx
                        .find_account(input.account_id)
                        .await?
                        .ok_or_else(|| Error::not_found(&["accountId"], "account"))?;
                    let user =
                        tx.find_user(input.user_id).await?.ok_or_else(|| Error::not_found(&["userId"], "user"))?;
                    if input.role == Role::PartnerAdmin {
                        return Err(Error::refused_at(
                    Code::InvalidInput,
                    &["role"],
                    "partner admins are made by approving an access link (R10) or by migrating a super admin (R29)",
                ));
                    }
                    let seat = input.seat.unwrap_or(Seat::Core);
                    let worker_kind = if account.is_partner() {
                        if seat == Seat::Partner {
                            return Err(Error::refused_at(
                                Code::InvalidInput,
                                &["seat"],
                                "the partner seat is a seat in client accounts",
                            ));
                        }
                        Some(input.worker_kind.unwrap_or(WorkerKind::Employee))
                    } else {
                        if input.worker_kind.is_some() {
                            return Err(Error::refused_at(
                                Code::InvalidInput,
                                &["workerKind"],
                                "only partner accounts have workers",
                            ));
                        }
                        if seat == Seat::Partner && self.policy.eligible_partner_of(tx.repo(), &user).await?.is_none() {
                            return Err(Error::refused_at(
                                Code::NotEligibleForPartnerSeat,
                                &["seat"],
                                "the user is not eligible for the partner seat (R5)",
                            ));
                        }
                        None
                    };
                    tx.lock_account(account.id).await?;
                    let permissions = match input.role {
                        Role::SuperAdmin => Permissions::all(),
                        _ => input.permissions.unwrap_or_default(),
                    };
                    let new = NewMembership {
                        account_id: account.id,
                        user_id: user.id,
                        role: input.role,
                        seat,
                        permissions,
                        permission_set_id: None,
                        partner_id: None,
                        managed_credit: false,
                        worker_kind,
                        created_at: self.policy.now(),
                    };
                    let m = match tx.insert_membership(new).await {
                        Err(StorageError::Conflict(_)) => {
                            return Err(Error::refused_at(
                                Code::AlreadyMember,
                                &["userId"],
                                "the user is a member of this account already",
                            ))
                        }
                        r => r?,
                    };
                    let mut ev = self.policy.event(None, "membership.added");
                    ev.account_id = Some(account.id);
                    ev.partner_id = account.is_partner().then_some(account.id);
                    ev.subject_id = Some(user.id);
                    ev.after = Some(snapshot(&m));
                    tx.record(ev).await?;
                    Ok((account, m))
                })
            })
            .await
    }
}

impl MembershipService {
    /// The Employees or Contractors tab (R1); the total is counted only when
    /// `with_total` asks for it (otherwise it is 0). `known`: the caller's
    /// finding from `visible_partner`, if it has one.
    #[allow(clippy::too_many_arguments)] // the tab's arguments, as the API receives them
    pub async fn workers(
        &self,
        p: &Principal,
        known: Option<CamReader>,
        partner: AccountId,
        kind: WorkerKind,
        filter: &crate::membership::model::WorkerFilter,
        page: crate::PageRequest,
        with_total: bool,
    ) -> Result<crate::Page<Membership>> {
        self.policy.cam_reader(p, partner, known).await?;
        Ok(self.store.list_workers(partner, kind, filter, page, with_total).await?)
    }

    /// A client account's members, for its active members and the operator;
    /// the total only when `with_total`.
    pub async fn client_members(
        &self,
        p: &Principal,
        client: AccountId,
        filter: &crate::membership::model::MemberFilter,
        page: crate::PageRequest,
        with_total: bool,
    ) -> Result<crate::Page<Membership>> {
        self.policy.require_client_member(p, client).await?;
        Ok(self.store.list_members(client, filter, page, with_total).await?)
    }

    /// Operator: the outbox, newest first.
    pub async fn outbox(
        &self,
        p: &Principal,
        to: Option<&str>,
        first: u32,
    ) -> Result<Vec<crate::notify::model::OutboxEmail>> {
        self.policy.operator(p)?;
        Ok(self.store.list_outbox(to, first).await?)
    }
}
