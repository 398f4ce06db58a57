//! R29–R31: a super admin who works for a partner becomes that partner's
//! partner admin, keeping one super admin in the client, also under races.

use crate::store::body;

use super::MembershipService;

use crate::account::model::AccountKind;
use crate::membership::model::{Membership, Role, Seat};

use crate::common::error::{Code, Error, Result};
use crate::common::ids::{AccountId, MembershipId};
use crate::permission::Permissions;
use crate::user::principal::Principal;

impl MembershipService {
    /// R29 (oneself) and R30 (another super admin of the same partner, by a
    /// partner admin there). With `keep_billing` the billing permissions
    /// stay. Refused when no other active super admin would remain (R31).
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn change_to_partner_admin(
        &self,
        p: &Principal,
        client: AccountId,
        membership: Option<MembershipId>,
        keep_billing: bool,
    ) -> Result<Membership> {
        let user = self.policy.user(p)?;
        self.store
            .transaction(|tx| {
                body(async move {
                    // Lock first: the count below must stay true until commit (R31).
                    tx.lock_account(client).await?;
                    let (_, me) = self
                        .policy
                        .acting_in(tx.repo(), user, client, AccountKind::Client, &["clientAccountId"])
                        .await?;
                    let target = match membership {
                        None => me.clone(),
                        Some(id) if id == me.id => me.clone(),
                        Some(id) => {
                            let t = tx
                                .find_membership(id)
                                .await?
                                .filter(|m| m.account_id == client)
                                .ok_or_else(|| Error::not_found(&["membershipId"], "membership"))?;
                            if me.role != Role::PartnerAdmin || !me.is_active() || me.partner_id.is_none() {
                                return Err(Error::forbidden(
                                    "only a partner admin of this client migrates other super admins (R30)",
                                ));
                            }
                            t
                        }
                    };
                    if !target.is_active_super_admin() {
                        return Err(Error::refused_at(
                            Code::NotSuperAdmin,
                            &["membershipId"],
                            "the member is not an active super admin",
                        ));
                    }
                    let target_user = tx
                        .find_user(target.user_id)
                        .await?
                        .ok_or_else(|| Error::not_found(&["membershipId"], "membership"))?;
                    // R29, R30: the partner is the actor's (for others) or the one the
                    // migrating worker is eligible through (for oneself).
                    let partner = match me.partner_id.filter(|_| target.id != me.id) {
                        Some(pid) => {
                            let partner = tx
                                .find_account(pid)
                                .await?
                                .ok_or_else(|| Error::not_found(&["membershipId"], "partner"))?;
                            let worker =
                                tx.membership_of(pid, target.user_id).await?.filter(|w| w.worker_kind.is_some());
                            match worker {
                                Some(w)
                                    if self
                                        .policy
                                        .seat_eligible(tx.repo(), &partner, &w, &target_user.email)
                                        .await? =>
                                {
                                    partner
                                }
                                _ => {
                                    return Err(Error::refused_at(
                                        Code::NotEligibleForPartnerSeat,
                                        &["membershipId"],
                                        "the super admin is not an eligible worker of your partner (R5, R30)",
                                    ))
                                }
                            }
                        }
                        None => self.policy.eligible_partner_of(tx.repo(), &target_user).await?.ok_or_else(|| {
                            Error::refused_at(
                                Code::NotEligibleForPartnerSeat,
                                &["clientAccountId"],
                                "only an eligible worker of a partner can become a partner admin (R5, R29)",
                            )
                        })?,
                    };
                    if tx.count_active_super_admins(client).await? <= 1 {
                        return Err(Error::refused_at(
                            Code::LastSuperAdmin,
                            &["membershipId"],
                            "a client account always keeps at least one active super admin (R31)",
                        ));
                    }
                    let sets = tx.sets_of(partner.id).await?;
                    let built_in = sets.iter().find(|s| s.built_in);
                    let base = built_in.map(|s| s.permissions).unwrap_or_else(Permissions::partner_admin_set);
                    let permissions = if keep_billing { base.union(Permissions::billing()) } else { base };
                    let after = Membership {
                        role: Role::PartnerAdmin,
                        seat: Seat::Partner,
                        permissions,
                        permission_set_id: built_in.map(|s| s.id),
                        partner_id: Some(partner.id),
                        managed_credit: true,
                        ..target.clone()
                    };
                    // R29: qualifying activity, recorded before the change (see R27).
                    self.policy.record_activity(tx.repo(), partner.id, client, self.policy.now()).await?;
                    tx.update_membership(&after, self.policy.now()).await?;
                    tx.record(self.policy.membership_event(
                        Some(user),
                        "membership.migrated_to_partner_admin",
                        Some(&target),
                        &after,
                    ))
                    .await?;
                    Ok(after)
                })
            })
            .await
    }
}
