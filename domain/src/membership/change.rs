//! What a permission change does to one member (R15, R16, R45, R46, R47):
//! pure functions, so that the preview (R41) and the change itself compute
//! the result in exactly the same way.

use crate::common::error::Code;
use crate::membership::model::{Membership, Role, Seat};
use crate::permission::ceiling::apply_ceiling;
use crate::permission::model::{PermissionSet, Permissions};

/// The member's partner-seat standing, looked up by the use case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatStanding {
    /// R2: the partner's tier allows partner admins and partner seats.
    pub tier_allows: bool,
    /// R5: the member is eligible for the partner seat (implies `tier_allows`).
    pub eligible: bool,
}

/// A planned change: the member before and after, and what moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedChange {
    pub before: Membership,
    pub after: Membership,
    /// Permissions the member gains.
    pub added: Permissions,
    /// Permissions the member loses.
    pub removed: Permissions,
    /// Asked for but not given: the actor may not change them (R15, R20).
    pub withheld: Permissions,
}

impl PlannedChange {
    fn new(before: &Membership, after: Membership, withheld: Permissions) -> Self {
        Self {
            added: after.permissions.minus(before.permissions),
            removed: before.permissions.minus(after.permissions),
            before: before.clone(),
            after,
            withheld,
        }
    }
}

/// R45: a member eligible for the partner seat who holds another seat is
/// moved to it (and, domain-verified, earns managed credit, R14); anyone
/// else keeps their seat.
fn with_seat_upgrade(m: Membership, standing: SeatStanding) -> Membership {
    if standing.eligible && m.seat != Seat::Partner {
        Membership { seat: Seat::Partner, managed_credit: true, ..m }
    } else {
        m
    }
}

/// R2, R5, R46: only a member of a partner whose tier allows partner
/// admins, eligible for the partner seat, receives the built-in Partner
/// Admin set; any other set anyone may receive. `who` names them in the
/// refusal ("member", "worker").
fn may_receive(set: &PermissionSet, standing: SeatStanding, who: &str) -> Result<(), (Code, String)> {
    if !set.built_in {
        return Ok(());
    }
    if !standing.tier_allows {
        return Err((Code::PartnerTierNotAllowed, "app partners cannot have partner admins (R2)".into()));
    }
    if !standing.eligible {
        return Err((
            Code::NotEligibleForPartnerSeat,
            format!("the Partner Admin set needs a {who} eligible for the partner seat (R5, R46)"),
        ));
    }
    Ok(())
}

/// A partner admin applies permission set `set` to `target` from the
/// partner account, able to change only `grantable` (R15, R20).
///
/// - Any set: `new = (old − grantable) ∪ (set ∩ grantable)`, the rest is
///   withheld (R15, R16); an eligible member moves to the partner seat (R45).
/// - The built-in Partner Admin set also makes the member a `PARTNER_ADMIN`
///   with the partner seat (R46); refused with `PARTNER_TIER_NOT_ALLOWED`
///   (R2) or `NOT_ELIGIBLE_FOR_PARTNER_SEAT` (R5) when that cannot be.
///   Any other set never changes the role.
pub fn plan_set_application(
    target: &Membership,
    set: &PermissionSet,
    grantable: Permissions,
    standing: SeatStanding,
) -> Result<PlannedChange, (Code, String)> {
    may_receive(set, standing, "member")?;
    let outcome = apply_ceiling(target.permissions, set.permissions, grantable);
    let mut after = with_seat_upgrade(
        Membership { permissions: outcome.permissions, permission_set_id: Some(set.id), ..target.clone() },
        standing,
    );
    if set.built_in {
        after.role = Role::PartnerAdmin;
    }
    Ok(PlannedChange::new(target, after, outcome.withheld))
}

/// What a worker added to a client with permission set `set` gets (R13,
/// R15, R46): the role, the seat, managed credit, the permissions under
/// the ceiling and what was withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewMemberPlan {
    pub role: Role,
    pub seat: Seat,
    pub managed_credit: bool,
    pub permissions: Permissions,
    pub withheld: Permissions,
}

/// R13: a `STANDARD` member on the partner seat when eligible (R5, with
/// managed credit, R14), else on a `CORE` seat; the built-in Partner Admin
/// set makes a `PARTNER_ADMIN` and needs R2 and R5 (R46).
pub fn plan_new_member(
    set: &PermissionSet,
    grantable: Permissions,
    standing: SeatStanding,
) -> Result<NewMemberPlan, (Code, String)> {
    may_receive(set, standing, "worker")?;
    let outcome = apply_ceiling(Permissions::empty(), set.permissions, grantable);
    Ok(NewMemberPlan {
        role: if set.built_in { Role::PartnerAdmin } else { Role::Standard },
        seat: if standing.eligible { Seat::Partner } else { Seat::Core },
        managed_credit: standing.eligible,
        permissions: outcome.permissions,
        withheld: outcome.withheld,
    })
}

/// R47: grants and revokes individual permissions of `target`; only what
/// lies in `allowed` changes, the rest of the request is withheld (R16).
/// `seat` is the standing for R45 when a partner admin acts from the
/// partner account, `None` when the client's own admins act (the seat then
/// stays). The role never changes.
pub fn plan_individual_change(
    target: &Membership,
    grant: Permissions,
    revoke: Permissions,
    allowed: Permissions,
    seat: Option<SeatStanding>,
) -> PlannedChange {
    let permissions = target.permissions.minus(revoke.intersect(allowed)).union(grant.intersect(allowed));
    let withheld = grant.union(revoke).minus(allowed);
    let after = Membership { permissions, ..target.clone() };
    let after = match seat {
        Some(standing) => with_seat_upgrade(after, standing),
        None => after,
    };
    PlannedChange::new(target, after, withheld)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::ids::{AccountId, MembershipId, PermissionSetId, UserId};
    use crate::membership::model::MemberStatus;
    use crate::permission::model::Permission;
    use proptest::prelude::*;

    fn perms() -> impl Strategy<Value = Permissions> {
        proptest::collection::vec(proptest::sample::select(Permission::ALL.to_vec()), 0..14)
            .prop_map(|v| v.into_iter().collect())
    }

    fn member(role: Role, seat: Seat, permissions: Permissions) -> Membership {
        Membership {
            id: MembershipId::new(7),
            account_id: AccountId::new(2),
            user_id: UserId::new(3),
            role,
            seat,
            status: MemberStatus::Active,
            permissions,
            permission_set_id: None,
            partner_id: Some(AccountId::new(1)),
            managed_credit: false,
            worker_kind: None,
            expires_at: None,
            created_at: chrono::DateTime::<chrono::Utc>::default(),
        }
    }

    fn set(permissions: Permissions, built_in: bool) -> PermissionSet {
        PermissionSet {
            id: PermissionSetId::new(9),
            account_id: AccountId::new(1),
            name: "S".into(),
            permissions,
            built_in,
            created_at: chrono::DateTime::<chrono::Utc>::default(),
        }
    }

    const ELIGIBLE: SeatStanding = SeatStanding { tier_allows: true, eligible: true };
    const INELIGIBLE: SeatStanding = SeatStanding { tier_allows: true, eligible: false };

    #[test]
    fn an_eligible_member_on_another_seat_moves_to_the_partner_seat() {
        // R45
        let m = member(Role::Standard, Seat::ViewOnly, Permissions::empty());
        let p = plan_set_application(&m, &set(Permissions::empty(), false), Permissions::all(), ELIGIBLE);
        assert_eq!(p.map(|p| p.after.seat), Ok(Seat::Partner));
        let p = plan_set_application(&m, &set(Permissions::empty(), false), Permissions::all(), INELIGIBLE);
        assert_eq!(p.map(|p| p.after.seat), Ok(Seat::ViewOnly));
    }

    #[test]
    fn the_partner_admin_set_makes_a_partner_admin_only_of_an_eligible_member() {
        // R46
        let m = member(Role::Standard, Seat::Core, Permissions::empty());
        let pa = set(Permissions::partner_admin_set(), true);
        let p = plan_set_application(&m, &pa, Permissions::partner_admin_set(), ELIGIBLE).map(|p| p.after);
        assert_eq!(p.as_ref().map(|a| (a.role, a.seat)), Ok((Role::PartnerAdmin, Seat::Partner)));
        let refused = plan_set_application(&m, &pa, Permissions::all(), INELIGIBLE).map(|_| ());
        assert_eq!(refused.map_err(|e| e.0), Err(Code::NotEligibleForPartnerSeat));
        let app = SeatStanding { tier_allows: false, eligible: false };
        let refused = plan_set_application(&m, &pa, Permissions::all(), app).map(|_| ());
        assert_eq!(refused.map_err(|e| e.0), Err(Code::PartnerTierNotAllowed));
    }

    #[test]
    fn individual_changes_never_touch_the_role_and_keep_the_seat_on_the_client_side() {
        // R47
        let m = member(Role::PartnerAdmin, Seat::Core, Permissions::empty());
        let billing = Permissions::billing();
        let p = plan_individual_change(&m, billing, Permissions::empty(), Permissions::all(), None);
        assert_eq!((p.after.role, p.after.seat, p.added), (Role::PartnerAdmin, Seat::Core, billing));
        assert!(p.withheld.is_empty());
    }

    proptest! {
        // R15, R16, R46: the plan agrees with the grant ceiling, reports
        // exactly the difference, and only the Partner Admin set changes the role.
        #[test]
        fn a_set_application_is_the_ceiling_and_its_difference(
            old in perms(), s in perms(), held in perms(), built_in in any::<bool>(), eligible in any::<bool>(),
        ) {
            let m = member(Role::Standard, Seat::Core, old);
            let standing = SeatStanding { tier_allows: true, eligible };
            match plan_set_application(&m, &set(s, built_in), held, standing) {
                Ok(p) => {
                    let c = apply_ceiling(old, s, held);
                    prop_assert_eq!(p.after.permissions, c.permissions);
                    prop_assert_eq!(p.withheld, c.withheld);
                    prop_assert_eq!(p.added, c.permissions.minus(old));
                    prop_assert_eq!(p.removed, old.minus(c.permissions));
                    prop_assert_eq!(p.after.role == Role::PartnerAdmin, built_in);
                    prop_assert_eq!(p.after.seat == Seat::Partner, eligible);
                }
                Err(_) => prop_assert!(built_in && !eligible),
            }
        }

        // R47: nothing outside `allowed` changes; grants win inside it.
        #[test]
        fn an_individual_change_stays_inside_what_is_allowed(
            old in perms(), grant in perms(), revoke in perms(), allowed in perms(),
        ) {
            let m = member(Role::Standard, Seat::Core, old);
            let p = plan_individual_change(&m, grant, revoke, allowed, None);
            prop_assert_eq!(p.after.permissions.minus(allowed), old.minus(allowed));
            prop_assert!(p.after.permissions.contains_all(grant.intersect(allowed)));
            prop_assert!(p.after.permissions.intersect(revoke.minus(grant)).intersect(allowed).is_empty());
            prop_assert!(p.withheld.intersect(allowed).is_empty());
        }
    }
}
