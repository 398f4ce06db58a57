//! Use cases on memberships: the operator's `add_member`, and what partner
//! admins and client admins do to members.

use super::model::{Membership, NewMembership, Role, Seat, WorkerKind};
use crate::account::model::Account;
use crate::account::service::CamReader;
use crate::app::{snapshot, Cam};
use crate::common::error::{Code, Error, Result, StorageError};
use crate::common::ids::{AccountId, UserId};
use crate::common::principal::Principal;
use crate::permission::model::Permissions;
use crate::store::Repository;
use crate::user::model::User;

#[derive(Clone)]
pub struct AddMember {
    pub account_id: AccountId,
    pub user_id: UserId,
    pub role: Role,
    pub seat: Option<Seat>,
    pub permissions: Option<Permissions>,
    pub worker_kind: Option<WorkerKind>,
}

impl Cam {
    /// Operator: makes a user a member of an account: a worker of a partner
    /// account, or a member of a client account.
    #[tracing::instrument(skip(self, p, input), err(level = "debug"))]
    pub async fn add_member(&self, p: &Principal, input: AddMember) -> Result<(Account, Membership)> {
        self.retrying(|| self.add_member_once(p, input.clone())).await
    }

    async fn add_member_once(&self, p: &Principal, input: AddMember) -> Result<(Account, Membership)> {
        self.operator(p)?;
        let tx = self.store.begin().await?;
        let account =
            tx.find_account(input.account_id).await?.ok_or_else(|| Error::not_found(&["accountId"], "account"))?;
        let user = tx.find_user(input.user_id).await?.ok_or_else(|| Error::not_found(&["userId"], "user"))?;
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
            if seat == Seat::Partner && self.eligible_partner_of(tx.as_ref(), &user).await?.is_none() {
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
            created_at: self.now(),
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
        let mut ev = self.event(None, "membership.added");
        ev.account_id = Some(account.id);
        ev.partner_id = account.is_partner().then_some(account.id);
        ev.subject_id = Some(user.id);
        ev.after = Some(snapshot(&m));
        tx.record(ev).await?;
        tx.commit().await?;
        Ok((account, m))
    }

    /// R5 for a user: the first partner they are an active, domain-verified
    /// worker of, in an allowed tier.
    pub(crate) async fn eligible_partner_of(&self, repo: &dyn Repository, user: &User) -> Result<Option<Account>> {
        let workers: Vec<Membership> = repo
            .memberships_of_user(user.id)
            .await?
            .into_iter()
            .filter(|m| m.worker_kind.is_some() && m.is_active())
            .collect();
        let ids: Vec<AccountId> = workers.iter().map(|m| m.account_id).collect();
        let accounts = repo.find_accounts(&ids).await?;
        for w in &workers {
            if let Some(partner) = accounts.get(&w.account_id) {
                if self.seat_eligible(repo, partner, w, &user.email).await? {
                    return Ok(Some(partner.clone()));
                }
            }
        }
        Ok(None)
    }

    /// Records a membership change in the audit log.
    pub(crate) fn membership_event(
        &self,
        actor: Option<&User>,
        action: &'static str,
        before: Option<&Membership>,
        after: &Membership,
    ) -> crate::audit::model::NewAuditEvent {
        let mut ev = self.event(actor, action);
        ev.account_id = Some(after.account_id);
        ev.partner_id = after.partner_id.or(before.and_then(|b| b.partner_id));
        ev.subject_id = Some(after.user_id);
        ev.before = before.map(snapshot);
        ev.after = Some(snapshot(after));
        ev
    }
}

impl Cam {
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
        filter: &super::model::WorkerFilter,
        page: crate::PageRequest,
        with_total: bool,
    ) -> Result<crate::Page<Membership>> {
        self.cam_reader(p, partner, known).await?;
        Ok(self.store.list_workers(partner, kind, filter, page, with_total).await?)
    }

    /// A client account's members, for its active members and the operator;
    /// the total only when `with_total`.
    pub async fn client_members(
        &self,
        p: &Principal,
        client: AccountId,
        filter: &super::model::MemberFilter,
        page: crate::PageRequest,
        with_total: bool,
    ) -> Result<crate::Page<Membership>> {
        self.require_client_member(p, client).await?;
        Ok(self.store.list_members(client, filter, page, with_total).await?)
    }

    /// Passes for the operator and active members of the client account;
    /// otherwise `FORBIDDEN`.
    pub async fn require_client_member(&self, p: &Principal, client: AccountId) -> Result<Option<Membership>> {
        match p {
            Principal::Operator => Ok(None),
            Principal::User(u) => match self.active_membership(self.store.as_ref(), client, u.id).await? {
                Some(m) => Ok(Some(m)),
                None => Err(Error::forbidden("only members of this client account may see this")),
            },
        }
    }

    /// Operator: the outbox, newest first.
    pub async fn outbox(
        &self,
        p: &Principal,
        to: Option<&str>,
        first: u32,
    ) -> Result<Vec<crate::notify::model::OutboxEmail>> {
        self.operator(p)?;
        Ok(self.store.list_outbox(to, first).await?)
    }
}
