//! What a client's own admins do (R22): add users by email with a seat and
//! permissions or one of the client's templates, change seats, with a
//! template in the same step (R58). The partner seat keeps its rules (R5–R7).

use crate::permission::ports::template_of;
use crate::store::body;

use super::MembershipService;

use std::collections::HashSet;

use crate::account::model::AccountKind;
use crate::membership::model::{Membership, NewMembership, Role, Seat};

use crate::audit::model::NewAuditEvent;
use crate::common::error::{Code, Error, Refusal, Result, StorageError};
use crate::common::ids::{AccountId, MembershipId, PermissionSetId};
use crate::notify::model::Message;
use crate::permission::{apply_ceiling, Permission, PermissionSet, Permissions};
use crate::user::model::Email;
use crate::user::principal::Principal;

use super::partner_users::{ChangedPermissions, MAX_BATCH};

/// R22: may add users (super admin or `USERS_ADD_EDIT`).
fn may_add_users(m: &Membership) -> bool {
    m.is_active_super_admin() || m.effective_permissions().contains(Permission::UsersAddEdit)
}

/// R22: may pick permissions for partner-seat users and change seats
/// (super admin, or both `USERS_ADD_EDIT` and `BILLING_EDIT`).
fn may_manage_seats(m: &Membership) -> bool {
    let p = m.effective_permissions();
    m.is_active_super_admin() || (p.contains(Permission::UsersAddEdit) && p.contains(Permission::BillingEdit))
}

/// What the users a client's admins add get (R22, R48, R58): a permission
/// list, the Partner Admin template (`partner_admin`), or one of the
/// client's own templates instead of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NewUsersGrant {
    pub permissions: Permissions,
    pub partner_admin: bool,
    pub template: Option<PermissionSetId>,
}

/// R58: a template comes instead of a permission list or `partnerAdmin`,
/// never with them.
fn check_grant(grant: &NewUsersGrant) -> Result<()> {
    if grant.template.is_some() && (!grant.permissions.is_empty() || grant.partner_admin) {
        return Err(Error::refused_at(
            Code::InvalidInput,
            &["templateId"],
            "give a permission template or permissions (or partnerAdmin), not both (R58)",
        ));
    }
    Ok(())
}

/// R58: a template's audit trace: which template was applied.
fn with_template(mut ev: NewAuditEvent, t: Option<&PermissionSet>) -> NewAuditEvent {
    if let (Some(t), Some(serde_json::Value::Object(after))) = (t, ev.after.as_mut()) {
        after.insert("permissionTemplateId".into(), t.id.get().into());
    }
    ev
}

impl MembershipService {
    /// R22, R7: adds users to a client account by email; unknown emails
    /// become users; everyone added gets an email. All or nothing. With
    /// `partner_admin` (R48, super admins only) the partner-seat users get
    /// the Partner Admin template of the partner whose verified domain
    /// their email has: they become its partner admins, and the managed
    /// relationship is created or revived; `permissions` is then ignored.
    /// A template of the client (R58) gives its permissions as if they had
    /// been listed; its built-in Partner Admin template is `partner_admin`.
    #[tracing::instrument(skip(self, p, emails), err(level = "debug"))]
    pub async fn add_client_users(
        &self,
        p: &Principal,
        client: AccountId,
        emails: &[String],
        seat: Seat,
        grant: NewUsersGrant,
    ) -> Result<Vec<Membership>> {
        let user = self.policy.user(p)?;
        check_grant(&grant)?;
        if grant.partner_admin && seat != Seat::Partner {
            return Err(Error::refused_at(
                Code::InvalidInput,
                &["partnerAdmin"],
                "the Partner Admin template is for partner-seat users (R6, R48)",
            ));
        }
        if emails.is_empty() || emails.len() > MAX_BATCH {
            return Err(Error::refused_at(Code::InvalidInput, &["emails"], format!("give 1 to {MAX_BATCH} addresses")));
        }
        let mut refusals = Vec::new();
        let mut parsed: Vec<(usize, Email)> = Vec::new();
        let mut seen = HashSet::new();
        for (i, raw) in emails.iter().enumerate() {
            match Email::parse(raw) {
                Ok(e) if !seen.insert(e.key()) => {
                    refusals.push(Refusal::new(Code::InvalidInput, "named twice").at_item("emails", i))
                }
                Ok(e) => parsed.push((i, e)),
                Err(why) => refusals.push(Refusal::new(Code::InvalidInput, why).at_item("emails", i)),
            }
        }
        if !refusals.is_empty() {
            return Err(Error::Refused(refusals));
        }
        let parsed = &parsed;
        self.store.transaction(|tx| body(async move {
            let mut refusals = Vec::new();
            tx.lock_account(client).await?;
            let (account, me) = self.policy.acting_in(tx.repo(), user, client, AccountKind::Client, &["clientAccountId"]).await?;
            if !may_add_users(&me) {
                return Err(Error::forbidden("adding users needs a super admin or USERS_ADD_EDIT (R22)"));
            }
            // R58: a template names the permissions; the built-in one is the
            // Partner Admin template of R48.
            let template = match grant.template {
                Some(id) => Some(template_of(tx.repo(), client, id).await?),
                None => None,
            };
            let (permissions, partner_admin) = match &template {
                Some(t) if t.built_in && seat != Seat::Partner => {
                    return Err(Error::refused_at(
                        Code::InvalidInput,
                        &["templateId"],
                        "the Partner Admin template is for partner-seat users (R6, R48)",
                    ))
                }
                Some(t) => (t.permissions, t.built_in),
                None => (grant.permissions, grant.partner_admin),
            };
            if partner_admin && !me.is_active_super_admin() {
                return Err(Error::forbidden("only a client super admin gives the Partner Admin template (R48)"));
            }
            if seat == Seat::Partner && !partner_admin && !permissions.is_empty() && !may_manage_seats(&me) {
                return Err(Error::forbidden(
                    "choosing permissions for a partner-seat user needs a super admin or USERS_ADD_EDIT with BILLING_EDIT (R22)",
                ));
            }
            let keys: Vec<Email> = parsed.iter().map(|(_, e)| e.clone()).collect();
            let known = tx.find_users_by_emails(&keys).await?;
            let known_ids: Vec<_> = known.values().map(|u| u.id).collect();
            let members = tx.memberships_of_users_in(&[client], &known_ids).await?;
            let mut partner_of = Vec::new();
            for (i, e) in parsed {
                let existing = known.get(&e.key());
                if existing.is_some_and(|u| members.iter().any(|m| m.user_id == u.id)) {
                    refusals.push(
                        Refusal::new(Code::AlreadyMember, "already a member of this client account").at_item("emails", *i),
                    );
                    continue;
                }
                if seat == Seat::Partner {
                    // R5, R7: every one of them must be eligible.
                    let eligible = match existing {
                        Some(u) => self.policy.eligible_partner_of(tx.repo(), u).await?,
                        None => None,
                    };
                    match eligible {
                        Some(p) => partner_of.push(Some(p.id)),
                        None => refusals.push(
                            Refusal::new(Code::NotEligibleForPartnerSeat, "not eligible for the partner seat (R5)")
                                .at_item("emails", *i),
                        ),
                    }
                } else {
                    partner_of.push(None);
                }
            }
            if !refusals.is_empty() {
                return Err(Error::Refused(refusals));
            }
            let granted = apply_ceiling(Permissions::empty(), permissions, me.grantable()).permissions;
            let now = self.policy.now();
            let mut added = Vec::new();
            for ((_, email), partner) in parsed.iter().zip(partner_of) {
                let u = match known.get(&email.key()) {
                    Some(u) => u.clone(),
                    None => {
                        let name = email.as_str().split('@').next().unwrap_or("user").to_string();
                        let u = match tx.insert_user(email, &name, now).await {
                            Err(StorageError::Conflict(_)) => {
                                return Err(Error::refused_at(
                                    Code::AlreadyExists,
                                    &["emails"],
                                    "a user was created meanwhile; try again",
                                ))
                            }
                            r => r?,
                        };
                        let mut ev = self.policy.event(Some(user), "user.created");
                        ev.subject_id = Some(u.id);
                        ev.account_id = Some(client);
                        tx.record(ev).await?;
                        u
                    }
                };
                let (role, given, set_id) = match partner {
                    Some(partner) => {
                        self.policy.record_activity(tx.repo(), partner, client, now).await?;
                        if partner_admin {
                            // R48: the partner's built-in Partner Admin set (R20).
                            let built_in = tx.sets_of(partner).await?.into_iter().find(|s| s.built_in);
                            let perms = built_in.as_ref().map_or_else(Permissions::partner_admin_set, |s| s.permissions);
                            (Role::PartnerAdmin, perms, built_in.map(|s| s.id))
                        } else {
                            (Role::Standard, granted, None)
                        }
                    }
                    None => (Role::Standard, granted, None),
                };
                let m = tx
                    .insert_membership(NewMembership {
                        account_id: client,
                        user_id: u.id,
                        role,
                        seat,
                        permissions: given,
                        permission_set_id: set_id,
                        partner_id: partner,
                        managed_credit: partner.is_some(),
                        worker_kind: None,
                        created_at: self.policy.now(),
                    })
                    .await?;
                tx.record(with_template(
                    self.policy.membership_event(Some(user), "membership.added", None, &m),
                    template.as_ref(),
                ))
                .await?;
                let message = Message::ClientUserAdded { adder: user.name.clone(), client: account.name.clone() };
                tx.enqueue(self.policy.email(&u, message), now).await?;
                added.push(m);
            }
            Ok(added)
        }))
        .await
    }

    /// R22, R5, R6: changes a member's seat. With a template of the client
    /// (R58) the permissions switch in the same step, as if they had been
    /// listed: the actor gives only what they may (R20: the seven only a
    /// super admin), the rest is withheld and reported; the built-in
    /// Partner Admin template makes a partner-seat member a partner admin
    /// (R48, super admins only). One transaction, one audit event.
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn change_seat(
        &self,
        p: &Principal,
        membership: MembershipId,
        seat: Seat,
        template: Option<PermissionSetId>,
    ) -> Result<ChangedPermissions> {
        let user = self.policy.user(p)?;
        self.store
            .transaction(|tx| {
                body(async move {
                    let target = self.locked_client_membership(tx.repo(), membership).await?;
                    let (_, me) = match self
                        .policy
                        .acting_in(tx.repo(), user, target.account_id, AccountKind::Client, &["membershipId"])
                        .await
                    {
                        Ok(x) => x,
                        Err(e) => {
                            let not_found = Error::not_found(&["membershipId"], "membership");
                            let why = "changing a seat needs a super admin or USERS_ADD_EDIT with BILLING_EDIT (R22)";
                            return Err(self.refused_over(tx.repo(), user, &target, e, not_found, why).await?);
                        }
                    };
                    if !may_manage_seats(&me) {
                        return Err(Error::forbidden(
                            "changing a seat needs a super admin or USERS_ADD_EDIT with BILLING_EDIT (R22)",
                        ));
                    }
                    let template = match template {
                        Some(id) => Some(template_of(tx.repo(), target.account_id, id).await?),
                        None => None,
                    };
                    let makes_partner_admin = template.as_ref().is_some_and(|t| t.built_in);
                    if let Some(t) = &template {
                        if target.role == Role::SuperAdmin {
                            return Err(Error::forbidden(
                                "a super admin holds every permission; no template applies (R58)",
                            ));
                        }
                        if t.built_in && !me.is_active_super_admin() {
                            return Err(Error::forbidden(
                                "only a client super admin gives the Partner Admin template (R48)",
                            ));
                        }
                        if t.built_in && seat != Seat::Partner {
                            return Err(Error::refused_at(
                                Code::InvalidInput,
                                &["templateId"],
                                "the Partner Admin template is for partner-seat users (R6, R48)",
                            ));
                        }
                    }
                    if target.role == Role::PartnerAdmin && seat != Seat::Partner {
                        return Err(Error::refused_at(
                            Code::InvalidInput,
                            &["seat"],
                            "a partner admin must hold the partner seat (R6)",
                        ));
                    }
                    let mut partner_id = target.partner_id;
                    // R5: a new partner seat, or a partner admin made (R48), needs an
                    // eligible member.
                    if seat == Seat::Partner && (target.seat != Seat::Partner || makes_partner_admin) {
                        let u = tx
                            .find_user(target.user_id)
                            .await?
                            .ok_or_else(|| Error::not_found(&["membershipId"], "membership"))?;
                        let Some(eligible) = self.policy.eligible_partner_of(tx.repo(), &u).await? else {
                            return Err(Error::refused_at(
                                Code::NotEligibleForPartnerSeat,
                                &["seat"],
                                "not eligible for the partner seat (R5)",
                            ));
                        };
                        if target.partner_id.is_some_and(|p| p != eligible.id) {
                            return Err(Error::refused_at(
                                Code::NotEligibleForPartnerSeat,
                                &["seat"],
                                "not eligible for the partner seat (R5)",
                            ));
                        }
                        partner_id = Some(eligible.id);
                    }
                    let mut after = Membership { seat, partner_id, ..target.clone() };
                    let mut withheld = Permissions::empty();
                    if let Some(t) = &template {
                        // R15, R20, R22: as for a list, only what the actor may give.
                        let outcome = apply_ceiling(target.permissions, t.permissions, me.grantable());
                        after.permissions = outcome.permissions;
                        after.permission_set_id = None;
                        withheld = outcome.withheld;
                    }
                    if makes_partner_admin {
                        // R48: a partner admin of the partner they represent, with its
                        // built-in Partner Admin set; the relationship is revived (R27).
                        let Some(partner) = after.partner_id else {
                            return Err(Error::refused_at(
                                Code::NotEligibleForPartnerSeat,
                                &["seat"],
                                "not eligible for the partner seat (R5)",
                            ));
                        };
                        after.role = Role::PartnerAdmin;
                        after.permission_set_id =
                            tx.sets_of(partner).await?.into_iter().find(|s| s.built_in).map(|s| s.id);
                        self.policy.record_activity(tx.repo(), partner, after.account_id, self.policy.now()).await?;
                    } else if let (None, Some(partner)) = (target.partner_id, after.partner_id) {
                        // The member now represents the partner: the relationship exists.
                        self.policy.record_activity(tx.repo(), partner, after.account_id, self.policy.now()).await?;
                    }
                    tx.update_membership(&after, self.policy.now()).await?;
                    let ev = self.policy.membership_event(Some(user), "membership.seat_changed", Some(&target), &after);
                    tx.record(with_template(ev, template.as_ref())).await?;
                    Ok(ChangedPermissions { membership: after, withheld })
                })
            })
            .await
    }
}
