//! Accounts and email domains.

use chrono::{DateTime, Utc};

use crate::common::ids::AccountId;

crate::string_enum! {
    pub enum AccountKind { Partner = "PARTNER", Client = "CLIENT" }
}

crate::string_enum! {
    pub enum PartnerTier { SolutionsPartner = "SOLUTIONS_PARTNER", Provider = "PROVIDER", AppPartner = "APP_PARTNER" }
}

impl PartnerTier {
    /// R2: only these tiers can have partner admins, links and partner seats.
    pub fn allows_partner_admins(self) -> bool {
        matches!(self, PartnerTier::SolutionsPartner | PartnerTier::Provider)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub kind: AccountKind,
    pub name: String,
    /// Set for partner accounts only.
    pub tier: Option<PartnerTier>,
    pub data_center: String,
    pub created_at: DateTime<Utc>,
}

impl Account {
    pub fn is_partner(&self) -> bool {
        self.kind == AccountKind::Partner
    }
    pub fn is_client(&self) -> bool {
        self.kind == AccountKind::Client
    }
    pub fn allows_partner_admins(&self) -> bool {
        self.tier.is_some_and(PartnerTier::allows_partner_admins)
    }
}

pub struct NewAccount {
    pub kind: AccountKind,
    pub name: String,
    pub tier: Option<PartnerTier>,
    pub data_center: String,
}

pub use crate::user::email_domain::{EmailDomain, InvalidDomain};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_solutions_partners_and_providers_may_have_partner_admins() {
        // R2
        assert!(PartnerTier::SolutionsPartner.allows_partner_admins());
        assert!(PartnerTier::Provider.allows_partner_admins());
        assert!(!PartnerTier::AppPartner.allows_partner_admins());
    }
}
