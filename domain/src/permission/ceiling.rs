//! The grant ceiling (R15, R16): the one function through which every
//! permission change passes.

use super::model::Permissions;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CeilingOutcome {
    /// The member's permissions after the change.
    pub permissions: Permissions,
    /// Asked for, but not held by the actor: reported as `withheldPermissions`.
    pub withheld: Permissions,
}

/// `new = (old − held) ∪ (requested ∩ held)`: an actor adds or removes only
/// what they hold themselves; what lies outside their reach stays as it was.
pub fn apply_ceiling(old: Permissions, requested: Permissions, held: Permissions) -> CeilingOutcome {
    CeilingOutcome { permissions: old.minus(held).union(requested.intersect(held)), withheld: requested.minus(held) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permission::model::Permission;
    use proptest::prelude::*;

    fn perms() -> impl Strategy<Value = Permissions> {
        proptest::collection::vec(proptest::sample::select(Permission::ALL.to_vec()), 0..12)
            .prop_map(|v| v.into_iter().collect())
    }

    #[test]
    fn an_admin_without_reports_neither_grants_nor_strips_it() {
        // R15
        let reports: Permissions = [Permission::ReportsAccess].into_iter().collect();
        let contacts: Permissions = [Permission::ContactsView].into_iter().collect();
        let held = contacts;
        let fresh = apply_ceiling(Permissions::empty(), reports.union(contacts), held);
        assert_eq!(fresh.permissions, contacts);
        assert_eq!(fresh.withheld, reports); // R16
        let veteran = apply_ceiling(reports, contacts, held);
        assert_eq!(veteran.permissions, reports.union(contacts));
    }

    proptest! {
        // R15: nothing outside held(actor) is ever added or removed.
        #[test]
        fn nothing_outside_the_actors_permissions_changes(old in perms(), set in perms(), held in perms()) {
            let out = apply_ceiling(old, set, held);
            prop_assert_eq!(out.permissions.minus(held), old.minus(held));
            prop_assert_eq!(out.permissions.intersect(held), set.intersect(held));
            prop_assert!(out.withheld.intersect(held).is_empty());
        }

        // R15: applying the same set twice changes nothing the second time.
        #[test]
        fn applying_a_set_twice_is_idempotent(old in perms(), set in perms(), held in perms()) {
            let once = apply_ceiling(old, set, held);
            let twice = apply_ceiling(once.permissions, set, held);
            prop_assert_eq!(once.permissions, twice.permissions);
        }
    }
}
