//! R21: partner users and partner admins are never SCIM-provisionable.

use cam_domain::identity::ScimPolicy;
use cam_domain::membership::model::Role;

pub struct PartnerAwareScimPolicy;

impl ScimPolicy for PartnerAwareScimPolicy {
    fn is_scim_provisionable(&self, role: Role, represents_partner: bool) -> bool {
        !represents_partner && role != Role::PartnerAdmin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_admins_and_partner_users_are_never_scim_provisionable() {
        // R21
        let p = PartnerAwareScimPolicy;
        assert!(!p.is_scim_provisionable(Role::PartnerAdmin, true));
        assert!(!p.is_scim_provisionable(Role::PartnerAdmin, false));
        assert!(!p.is_scim_provisionable(Role::Standard, true));
        assert!(p.is_scim_provisionable(Role::Standard, false));
    }
}
