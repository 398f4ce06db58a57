//! Permission changes of one member: applying a set and its preview (R15,
//! R16, R41, R45, R46), and individual permissions (R47). The preview and
//! the change share `plan_set_change`, so that they cannot disagree.

use crate::store::body;

use super::MembershipService;

use super::partner_users::{check_batch, ChangedPermissions};
use crate::account::model::{Account, AccountKind};
use crate::membership::model::{Membership, Role};

use crate::common::error::{Code, Error, Result};
use crate::common::ids::{AccountId, MembershipId, PermissionSetId};
use crate::membership::change::{plan_individual_change, plan_set_application, PlannedChange, SeatStanding};
use crate::permission::{Permission, Permissions};
use crate::store::Repository;
use crate::user::model::User;
use crate::user::principal::Principal;

const PARTNER_ADMIN_ONLY: &str = "only an active partner admin of this client account may do this (R12)";

impl MembershipService {
    /// R12: the caller's partner-admin membership over `target`, one of
    /// their own partner's users who is not a super admin. A caller who
    /// cannot see `target` gets what an unknown id gets (R33).
    async fn partner_admin_over(&self, repo: &dyn Repository, user: &User, target: &Membership) -> Result<Membership> {
        let me = match self.partner_admin_in(repo, user, target.account_id, &["membershipId"]).await {
            Ok((_, me)) => me,
            Err(e) => {
                let not_found = Error::not_found(&["membershipId"], "membership");
                return Err(self.refused_over(repo, user, target, e, not_found, PARTNER_ADMIN_ONLY).await?);
            }
        };
        if target.partner_id.is_none() || target.partner_id != me.partner_id {
            return Err(Error::forbidden("a partner admin changes only their own partner's users (R12)"));
        }
        if target.role == Role::SuperAdmin {
            return Err(Error::forbidden("a super admin's permissions are not a partner admin's to change (R21)"));
        }
        Ok(me)
    }

    /// R2 and R5 for a client member who may be a worker of `partner`.
    async fn seat_standing(
        &self,
        repo: &dyn Repository,
        partner: &Account,
        target: &Membership,
    ) -> Result<SeatStanding> {
        let worker = repo.membership_of(partner.id, target.user_id).await?.filter(|w| w.worker_kind.is_some());
        let eligible = match worker {
            Some(w) => match repo.find_user(w.user_id).await? {
                Some(u) => self.policy.seat_eligible(repo, partner, &w, &u.email).await?,
                None => false,
            },
            None => false,
        };
        Ok(SeatStanding { tier_allows: partner.allows_partner_admins(), eligible })
    }

    /// What applying `set` to `target` does, for the caller (R12, R15, R16,
    /// R45, R46). Reads through `repo`; changes nothing.
    pub(crate) async fn plan_set_change(
        &self,
        repo: &dyn Repository,
        user: &User,
        target: &Membership,
        set: PermissionSetId,
    ) -> Result<PlannedChange> {
        let me = self.partner_admin_over(repo, user, target).await?;
        let partner_id = me.partner_id.ok_or_else(|| Error::forbidden(PARTNER_ADMIN_ONLY))?;
        let set = repo
            .find_set(set)
            .await?
            .filter(|s| s.account_id == partner_id)
            .ok_or_else(|| Error::not_found(&["permissionSetId"], "permission set"))?;
        let partner =
            repo.find_account(partner_id).await?.ok_or_else(|| Error::not_found(&["membershipId"], "membership"))?;
        let standing = self.seat_standing(repo, &partner, target).await?;
        plan_set_application(target, &set, me.grantable(), standing)
            .map_err(|(code, why)| Error::refused_at(code, &["membershipId"], why))
    }

    /// R41: what `change_permission_set` would do to each member: added,
    /// removed, withheld and the result. Changes nothing. Refusals are those
    /// of the change itself, for the first member refused.
    pub async fn preview_permission_change(
        &self,
        p: &Principal,
        ids: &[MembershipId],
        set: PermissionSetId,
    ) -> Result<Vec<PlannedChange>> {
        let user = self.policy.user(p)?;
        check_batch(ids, "membershipIds")?;
        let repo = self.store.as_ref();
        let found = repo.find_memberships(ids).await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let target = found
                .get(id)
                .filter(|m| m.worker_kind.is_none())
                .ok_or_else(|| Error::not_found(&["membershipIds"], "membership"))?;
            out.push(self.plan_set_change(repo, user, target, set).await?);
        }
        Ok(out)
    }

    /// R47: grants and revokes individual permissions of one member.
    /// - A partner admin of the client, for their own partner's users:
    ///   under their ceiling, never the seven of R20 (R15); an eligible
    ///   member moves to the partner seat (R45); qualifying activity (R27).
    /// - A super admin of the client, for any member who is not a super
    ///   admin: any permission (billing for a partner admin included).
    /// - A member holding `USERS_ADD_EDIT` and `BILLING_EDIT`: what they
    ///   hold, except the seven of R20.
    ///
    /// What is asked for but not changed is reported as withheld (R16).
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn change_member_permissions(
        &self,
        p: &Principal,
        membership: MembershipId,
        grant: Permissions,
        revoke: Permissions,
    ) -> Result<ChangedPermissions> {
        let user = self.policy.user(p)?;
        if grant.is_empty() && revoke.is_empty() {
            return Err(Error::refused_at(Code::InvalidInput, &["grant"], "grant or revoke at least one permission"));
        }
        if !grant.intersect(revoke).is_empty() {
            return Err(Error::refused_at(
                Code::InvalidInput,
                &["revoke"],
                "a permission cannot be granted and revoked at once",
            ));
        }
        self.store
            .transaction(|tx| {
                body(async move {
                    let target = self.locked_client_membership(tx.repo(), membership).await?;
                    let why =
                        "changing permissions needs a partner admin of this client for their partner's users, a super \
                       admin, or both USERS_ADD_EDIT and BILLING_EDIT (R47)";
                    let me = match self
                        .policy
                        .acting_in(tx.repo(), user, target.account_id, AccountKind::Client, &["membershipId"])
                        .await
                    {
                        Ok((_, me)) => me,
                        Err(e) => {
                            let not_found = Error::not_found(&["membershipId"], "membership");
                            return Err(self.refused_over(tx.repo(), user, &target, e, not_found, why).await?);
                        }
                    };
                    if target.role == Role::SuperAdmin {
                        return Err(Error::forbidden("a super admin's permissions cannot be changed one by one (R47)"));
                    }
                    let held = me.effective_permissions();
                    let partner_side = me.role == Role::PartnerAdmin
                        && target.partner_id.is_some()
                        && target.partner_id == me.partner_id;
                    let (plan, partner) = if partner_side {
                        let partner = match me.partner_id {
                            Some(id) => tx.find_account(id).await?,
                            None => None,
                        }
                        .ok_or_else(|| Error::forbidden(PARTNER_ADMIN_ONLY))?;
                        let standing = self.seat_standing(tx.repo(), &partner, &target).await?;
                        (
                            plan_individual_change(&target, grant, revoke, me.grantable(), Some(standing)),
                            Some(partner.id),
                        )
                    } else if me.is_active_super_admin() {
                        (plan_individual_change(&target, grant, revoke, Permissions::all(), None), None)
                    } else if held.contains(Permission::UsersAddEdit) && held.contains(Permission::BillingEdit) {
                        (plan_individual_change(&target, grant, revoke, me.grantable(), None), None)
                    } else {
                        return Err(Error::forbidden(why));
                    };
                    // R27: a partner admin's permission change is qualifying activity.
                    self.write_permission_change(tx.repo(), user, &target, plan, partner).await
                })
            })
            .await
    }

    /// A planned permission change of `target` written with its audit event
    /// (`membership.permissions_changed`), after the qualifying activity of
    /// `activity` in the client when there is one (R27).
    pub(super) async fn write_permission_change(
        &self,
        repo: &dyn Repository,
        user: &User,
        target: &Membership,
        plan: PlannedChange,
        activity: Option<AccountId>,
    ) -> Result<ChangedPermissions> {
        let now = self.policy.now();
        if let Some(partner) = activity {
            self.policy.record_activity(repo, partner, target.account_id, now).await?;
        }
        repo.update_membership(&plan.after, now).await?;
        repo.record(self.policy.membership_event(
            Some(user),
            "membership.permissions_changed",
            Some(target),
            &plan.after,
        ))
        .await?;
        Ok(ChangedPermissions { membership: plan.after, withheld: plan.withheld })
    }
}
