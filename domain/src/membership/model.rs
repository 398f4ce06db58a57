//! Roles, seats, statuses and the membership itself.

use chrono::{DateTime, Utc};

use crate::common::ids::{AccountId, MembershipId, PermissionSetId, UserId};
use crate::permission::model::Permissions;

crate::string_enum! {
    pub enum Role { SuperAdmin = "SUPER_ADMIN", PartnerAdmin = "PARTNER_ADMIN", Standard = "STANDARD" }
}

crate::string_enum! {
    pub enum Seat { Partner = "PARTNER", Core = "CORE", Sales = "SALES", Service = "SERVICE", ViewOnly = "VIEW_ONLY" }
}

crate::string_enum! {
    pub enum MemberStatus { Active = "ACTIVE", Deactivated = "DEACTIVATED" }
}

crate::string_enum! {
    pub enum WorkerKind { Employee = "EMPLOYEE", Contractor = "CONTRACTOR" }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub id: MembershipId,
    pub account_id: AccountId,
    pub user_id: UserId,
    pub role: Role,
    pub seat: Seat,
    pub status: MemberStatus,
    /// Stored permissions; see [`Membership::effective_permissions`].
    pub permissions: Permissions,
    /// The set last applied (R18, R19).
    pub permission_set_id: Option<PermissionSetId>,
    /// In a client account: the partner this member represents.
    pub partner_id: Option<AccountId>,
    pub managed_credit: bool,
    /// In a partner account: employee or contractor.
    pub worker_kind: Option<WorkerKind>,
    pub created_at: DateTime<Utc>,
    /// R39: when this partner user's access ends by itself.
    pub expires_at: Option<DateTime<Utc>>,
}

impl Membership {
    pub fn is_active(&self) -> bool {
        self.status == MemberStatus::Active
    }
    pub fn is_active_super_admin(&self) -> bool {
        self.is_active() && self.role == Role::SuperAdmin
    }
    /// What the member may do: a super admin holds every permission; a
    /// deactivated member holds nothing (R23); a partner admin is never a
    /// full administrator, whatever they were granted (R21).
    pub fn effective_permissions(&self) -> Permissions {
        match (self.status, self.role) {
            (MemberStatus::Deactivated, _) => Permissions::empty(),
            (MemberStatus::Active, Role::SuperAdmin) => Permissions::all(),
            (MemberStatus::Active, Role::PartnerAdmin) => {
                self.permissions.minus(Permissions::never_for_partner_admins())
            }
            (MemberStatus::Active, Role::Standard) => self.permissions,
        }
    }

    /// What this member may grant or take away (R15, R20): a super admin
    /// anything; anyone else only what they hold, never the seven
    /// super-admin-only permissions.
    pub fn grantable(&self) -> Permissions {
        if self.is_active_super_admin() {
            Permissions::all()
        } else {
            self.effective_permissions().minus(Permissions::super_admin_only())
        }
    }

    pub fn is_active_partner_admin_of(&self, partner: crate::common::ids::AccountId) -> bool {
        self.is_active() && self.role == Role::PartnerAdmin && self.partner_id == Some(partner)
    }
}

pub struct NewMembership {
    pub account_id: AccountId,
    pub user_id: UserId,
    pub role: Role,
    pub seat: Seat,
    pub permissions: Permissions,
    pub permission_set_id: Option<PermissionSetId>,
    pub partner_id: Option<AccountId>,
    pub managed_credit: bool,
    pub worker_kind: Option<WorkerKind>,
    /// From the clock port (R35), not the database's clock.
    pub created_at: DateTime<Utc>,
}

/// Filter of a member list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct MemberFilter {
    pub roles: Option<Vec<Role>>,
    pub statuses: Option<Vec<MemberStatus>>,
    pub partner_users_only: bool,
    /// Only members representing this partner.
    pub partner_id: Option<AccountId>,
}

impl MemberFilter {
    pub fn matches(&self, m: &Membership) -> bool {
        self.roles.as_ref().is_none_or(|r| r.contains(&m.role))
            && self.statuses.as_ref().is_none_or(|s| s.contains(&m.status))
            && (!self.partner_users_only || m.partner_id.is_some())
            && self.partner_id.is_none_or(|p| m.partner_id == Some(p))
    }
}

/// Partner users chosen for a set-based change (R24, R25, R28): the
/// memberships in client accounts that represent `partner`, of one user or
/// of all, in the named clients or in every client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerUserSelection {
    pub partner: AccountId,
    pub user: Option<UserId>,
    pub clients: Option<Vec<AccountId>>,
}

/// Filter of the Employees and Contractors tabs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct WorkerFilter {
    /// Case-insensitive substring of name or email.
    pub search: Option<String>,
    pub statuses: Option<Vec<MemberStatus>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permission::model::Permission;

    fn member(role: Role, status: MemberStatus, permissions: Permissions) -> Membership {
        Membership {
            id: MembershipId::new(1),
            account_id: AccountId::new(1),
            user_id: UserId::new(1),
            role,
            seat: Seat::Partner,
            status,
            permissions,
            permission_set_id: None,
            partner_id: Some(AccountId::new(2)),
            managed_credit: true,
            worker_kind: None,
            created_at: chrono::DateTime::<chrono::Utc>::default(),
            expires_at: None,
        }
    }

    #[test]
    fn a_partner_admin_is_never_a_full_administrator() {
        // R21
        let pa = member(Role::PartnerAdmin, MemberStatus::Active, Permissions::all());
        let p = pa.effective_permissions();
        for never in [
            Permission::ScimProvisioning,
            Permission::DataCenterMigration,
            Permission::SuperAdminManage,
            Permission::PaymentToolsAccess,
        ] {
            assert!(!p.contains(never), "{never:?}");
        }
        assert!(p.contains(Permission::BillingView));
    }

    #[test]
    fn a_deactivated_member_holds_nothing_and_grants_nothing() {
        // R23
        let m = member(Role::PartnerAdmin, MemberStatus::Deactivated, Permissions::all());
        assert!(m.effective_permissions().is_empty());
        assert!(m.grantable().is_empty());
    }

    #[test]
    fn only_a_super_admin_grants_the_super_admin_only_permissions() {
        // R20
        let pa = member(Role::PartnerAdmin, MemberStatus::Active, Permissions::all());
        assert!(pa.grantable().intersect(Permissions::super_admin_only()).is_empty());
        let sa = member(Role::SuperAdmin, MemberStatus::Active, Permissions::empty());
        assert_eq!(sa.grantable(), Permissions::all());
    }
}
