//! The contract's enums, mirroring the domain's one to one.

use async_graphql::Enum;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "cam_domain::account::model::PartnerTier")]
pub enum PartnerTier {
    SolutionsPartner,
    Provider,
    AppPartner,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "cam_domain::account::model::AccountKind")]
pub enum AccountKind {
    Partner,
    Client,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "cam_domain::membership::model::Role")]
pub enum Role {
    SuperAdmin,
    PartnerAdmin,
    Standard,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "cam_domain::membership::model::Seat")]
pub enum Seat {
    Partner,
    Core,
    Sales,
    Service,
    ViewOnly,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "cam_domain::membership::model::MemberStatus")]
pub enum MemberStatus {
    Active,
    Deactivated,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "cam_domain::membership::model::WorkerKind")]
pub enum WorkerKind {
    Employee,
    Contractor,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "cam_domain::relationship::model::RelationshipStatus")]
pub enum RelationshipStatus {
    Active,
    Ending,
    Ended,
}

/// How the partner's people reach a client: the Clients tab's access-type filter.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "cam_domain::relationship::model::AccessType")]
pub enum AccessType {
    /// at least one active partner user is a partner admin
    PartnerAdmin,
    /// at least one active partner user is a super admin
    SuperAdmin,
    /// at least one active partner user is a standard member
    Standard,
    /// no active partner user (relationship ENDING or ENDED)
    None,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "cam_domain::permission::model::Permission")]
pub enum Permission {
    ContactsView,
    ContactsEdit,
    CompaniesView,
    CompaniesEdit,
    DealsView,
    DealsEdit,
    TicketsView,
    TicketsEdit,
    MarketingAccess,
    ContentPublish,
    WorkflowsEdit,
    ReportsAccess,
    UsersAddEdit,
    TeamsEdit,
    AccountSettingsEdit,
    PaymentConnectionCreate,
    PaymentToolsAccess,
    BillingView,
    BillingEdit,
    ScimProvisioning,
    DataCenterMigration,
    SuperAdminManage,
    SensitiveDataManage,
    PartnerEmployeeManagementView,
    PartnerEmployeeManagementEdit,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "cam_domain::asset::model::AssetKind")]
pub enum AssetKind {
    Contact,
    Company,
    Deal,
    Ticket,
    Workflow,
    Report,
    Dashboard,
    List,
    Email,
    Form,
}

macro_rules! define_user_error_code {
    ($($(#[$doc:meta])* $code:ident,)+) => {
        #[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
        #[graphql(remote = "cam_domain::Code")]
        pub enum UserErrorCode {
            $($(#[$doc])* $code,)+
        }
    };
}
// The domain's list of refusal codes, not a copy of it.
cam_domain::with_refusal_codes!(define_user_error_code);

impl UserErrorCode {
    /// The wire name, e.g. `LINK_EXPIRED`.
    pub fn as_str(self) -> String {
        match async_graphql::InputType::to_value(&self) {
            async_graphql::Value::Enum(name) => name.to_string(),
            _ => "INVALID_INPUT".to_string(),
        }
    }
}

/// Domain permissions as the contract's list, in catalogue order.
pub fn permissions_out(p: cam_domain::permission::Permissions) -> Vec<Permission> {
    p.iter().map(Permission::from).collect()
}

/// The contract's list as a domain set (duplicates fold).
pub fn permissions_in(p: &[Permission]) -> cam_domain::permission::Permissions {
    p.iter().map(|x| cam_domain::permission::Permission::from(*x)).collect()
}
