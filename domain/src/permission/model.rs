//! The fixed permission catalogue and the sets built from it.

use chrono::{DateTime, Utc};

use crate::common::ids::{AccountId, PermissionSetId};

macro_rules! permissions {
    ($($v:ident = $s:literal),* $(,)?) => {
        /// One capability from the fixed catalogue.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Permission { $($v),* }
        impl Permission {
            pub const ALL: &'static [Permission] = &[$(Permission::$v),*];
            pub fn as_str(self) -> &'static str {
                match self { $(Permission::$v => $s),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(Permission::$v),)* _ => None }
            }
        }
    };
}

permissions! {
    ContactsView = "CONTACTS_VIEW",
    ContactsEdit = "CONTACTS_EDIT",
    CompaniesView = "COMPANIES_VIEW",
    CompaniesEdit = "COMPANIES_EDIT",
    DealsView = "DEALS_VIEW",
    DealsEdit = "DEALS_EDIT",
    TicketsView = "TICKETS_VIEW",
    TicketsEdit = "TICKETS_EDIT",
    MarketingAccess = "MARKETING_ACCESS",
    ContentPublish = "CONTENT_PUBLISH",
    WorkflowsEdit = "WORKFLOWS_EDIT",
    ReportsAccess = "REPORTS_ACCESS",
    UsersAddEdit = "USERS_ADD_EDIT",
    TeamsEdit = "TEAMS_EDIT",
    AccountSettingsEdit = "ACCOUNT_SETTINGS_EDIT",
    PaymentConnectionCreate = "PAYMENT_CONNECTION_CREATE",
    PaymentToolsAccess = "PAYMENT_TOOLS_ACCESS",
    BillingView = "BILLING_VIEW",
    BillingEdit = "BILLING_EDIT",
    ScimProvisioning = "SCIM_PROVISIONING",
    DataCenterMigration = "DATA_CENTER_MIGRATION",
    SuperAdminManage = "SUPER_ADMIN_MANAGE",
    SensitiveDataManage = "SENSITIVE_DATA_MANAGE",
    PartnerEmployeeManagementView = "PARTNER_EMPLOYEE_MANAGEMENT_VIEW",
    PartnerEmployeeManagementEdit = "PARTNER_EMPLOYEE_MANAGEMENT_EDIT",
}

impl Permission {
    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// A set of permissions (a bit set over the catalogue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Permissions(u32);

impl Permissions {
    pub const fn empty() -> Self {
        Self(0)
    }
    pub fn all() -> Self {
        Permission::ALL.iter().copied().collect()
    }
    /// R20: seven permissions a partner admin never gets from the Partner
    /// Admin set and that only a client super admin can grant.
    pub fn super_admin_only() -> Self {
        [
            Permission::ScimProvisioning,
            Permission::DataCenterMigration,
            Permission::PaymentToolsAccess,
            Permission::BillingView,
            Permission::BillingEdit,
            Permission::SuperAdminManage,
            Permission::SensitiveDataManage,
        ]
        .into_iter()
        .collect()
    }
    /// R20: every permission except the super-admin-only ones.
    pub fn partner_admin_set() -> Self {
        Self::all().minus(Self::super_admin_only())
    }
    /// R21: what a partner admin can never do, whatever they were granted.
    pub fn never_for_partner_admins() -> Self {
        [
            Permission::ScimProvisioning,
            Permission::DataCenterMigration,
            Permission::SuperAdminManage,
            Permission::PaymentToolsAccess,
        ]
        .into_iter()
        .collect()
    }
    pub fn billing() -> Self {
        [Permission::BillingView, Permission::BillingEdit].into_iter().collect()
    }
    pub fn contains(self, p: Permission) -> bool {
        self.0 & p.bit() != 0
    }
    #[cfg(test)]
    pub fn contains_all(self, other: Permissions) -> bool {
        self.0 & other.0 == other.0
    }
    pub fn union(self, o: Permissions) -> Self {
        Self(self.0 | o.0)
    }
    pub fn intersect(self, o: Permissions) -> Self {
        Self(self.0 & o.0)
    }
    pub fn minus(self, o: Permissions) -> Self {
        Self(self.0 & !o.0)
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL.iter().copied().filter(move |p| self.contains(p.to_owned()))
    }
    pub fn to_vec(self) -> Vec<Permission> {
        self.iter().collect()
    }
    /// Storage form: names joined by commas, in catalogue order.
    pub fn to_storage(self) -> String {
        self.iter().map(Permission::as_str).collect::<Vec<_>>().join(",")
    }
    /// Reads the storage form; unknown names are skipped (a removed permission
    /// grants nothing).
    pub fn from_storage(s: &str) -> Self {
        s.split(',').filter_map(|p| Permission::parse(p.trim())).collect()
    }
}

impl FromIterator<Permission> for Permissions {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        Self(iter.into_iter().fold(0, |acc, p| acc | p.bit()))
    }
}

/// A permission-set name: trimmed, not empty, at most 100 characters (R17).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionSetName(String);

pub const BUILT_IN_SET_NAME: &str = "Partner Admin";

/// Why a text is not a permission-set name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSetName {
    #[error("name must not be empty")]
    Empty,
    #[error("name may be at most 100 characters")]
    TooLong,
    #[error("name must not contain control characters")]
    Control,
}

impl PermissionSetName {
    pub fn new(raw: &str) -> Result<Self, InvalidSetName> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(InvalidSetName::Empty);
        }
        if name.chars().count() > 100 {
            return Err(InvalidSetName::TooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(InvalidSetName::Control);
        }
        Ok(Self(name.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The key that makes names unique per account, case-insensitively.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A named set of permissions owned by an account, applied at the moment of
/// use (R18): a partner's permission set (R17) or a client's permission
/// template (R58). Each account has one built-in, read-only Partner Admin
/// set or template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionSet {
    pub id: PermissionSetId,
    /// The partner account (a set) or client account (a template) that owns it.
    pub account_id: AccountId,
    pub name: String,
    pub permissions: Permissions,
    pub built_in: bool,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_admin_set_lacks_exactly_the_seven_super_admin_permissions() {
        // R20
        let set = Permissions::partner_admin_set();
        assert_eq!(set.iter().count(), Permission::ALL.len() - 7);
        assert!(!set.contains(Permission::BillingEdit));
        assert!(!set.contains(Permission::ScimProvisioning));
        assert!(set.contains(Permission::UsersAddEdit));
    }

    #[test]
    fn storage_form_round_trips() {
        let p: Permissions = [Permission::ReportsAccess, Permission::ContactsView].into_iter().collect();
        assert_eq!(p.to_storage(), "CONTACTS_VIEW,REPORTS_ACCESS");
        assert_eq!(Permissions::from_storage(&p.to_storage()), p);
        assert_eq!(Permissions::from_storage(""), Permissions::empty());
    }

    #[test]
    fn set_names_are_trimmed_bounded_and_compared_case_insensitively() {
        // R17
        assert!(PermissionSetName::new("   ").is_err());
        assert!(PermissionSetName::new(&"x".repeat(101)).is_err());
        assert!(PermissionSetName::new(&"é".repeat(100)).is_ok());
        assert_eq!(PermissionSetName::new(" Sales ").map(|n| n.key()), Ok("sales".to_string()));
    }
}
