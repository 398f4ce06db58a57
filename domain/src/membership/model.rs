//! Roles, seats, statuses and the membership itself.

use chrono::{DateTime, Utc};

use crate::common::ids::{AccountId, MembershipId, PermissionSetId, UserId};
use crate::permission::model::Permissions;

crate::string_enum! {
    pub enum Role {
        SuperAdmin = "SUPER_ADMIN",
        PartnerAdmin = "PARTNER_ADMIN",
        Standard = "STANDARD",
    }
}

crate::string_enum! {
    pub enum Seat {
        Partner = "PARTNER",
        Core = "CORE",
        Sales = "SALES",
        Service = "SERVICE",
        ViewOnly = "VIEW_ONLY",
    }
}

crate::string_enum! {
    pub enum MemberStatus {
        Active = "ACTIVE",
        Deactivated = "DEACTIVATED",
    }
}

crate::string_enum! {
    pub enum WorkerKind {
        Employee = "EMPLOYEE",
        Contractor = "CONTRACTOR",
    }
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
}

impl Membership {
    pub fn is_active(&self) -> bool {
        self.status == MemberStatus::Active
    }
    pub fn is_active_super_admin(&self) -> bool {
        self.is_active() && self.role == Role::SuperAdmin
    }
    /// What the member may do: a super admin holds every permission; a
    /// deactivated member holds nothing (R23).
    pub fn effective_permissions(&self) -> Permissions {
        match (self.status, self.role) {
            (MemberStatus::Deactivated, _) => Permissions::empty(),
            (MemberStatus::Active, Role::SuperAdmin) => Permissions::all(),
            (MemberStatus::Active, _) => self.permissions,
        }
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

/// Filter of the Employees and Contractors tabs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct WorkerFilter {
    /// Case-insensitive substring of name or email.
    pub search: Option<String>,
    pub statuses: Option<Vec<MemberStatus>>,
}
