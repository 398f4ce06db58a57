//! `previewPermissionChange` (R41) and `changeMemberPermissions` (R47).

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use cam_domain::{MembershipId, PermissionSetId};

use super::Membership;
use crate::graphql::enums::{permissions_in, permissions_out, Permission};
use crate::graphql::error::{payload, payloads, query, UserError};
use crate::graphql::ids::{input_id, input_ids, Kind};
use crate::graphql::{cam, principal};

/// v1.1, R41: what changePermissionSet would do to one member.
#[derive(SimpleObject)]
pub struct PermissionChangePreview {
    /// The member as they are now.
    pub membership: Membership,
    pub added: Vec<Permission>,
    pub removed: Vec<Permission>,
    /// In the set but not given: the caller lacks them (R15) or only a super admin may grant them (R20).
    pub withheld: Vec<Permission>,
    /// The member's permissions afterwards.
    pub result: Vec<Permission>,
}

/// v1.1, R47.
#[derive(InputObject)]
pub struct ChangeMemberPermissionsInput {
    pub membership_id: ID,
    #[graphql(default)]
    pub grant: Vec<Permission>,
    #[graphql(default)]
    pub revoke: Vec<Permission>,
}

#[derive(SimpleObject, Default)]
pub struct ChangeMemberPermissionsPayload {
    pub membership: Option<Membership>,
    pub withheld_permissions: Vec<Permission>,
    pub user_errors: Vec<UserError>,
}

payloads!(ChangeMemberPermissionsPayload);

#[derive(Default)]
pub struct PermissionChangeQuery;

#[Object]
impl PermissionChangeQuery {
    /// v1.1, R41: changes nothing. Top-level NOT_FOUND / FORBIDDEN as for reads.
    async fn preview_permission_change(
        &self,
        ctx: &Context<'_>,
        membership_ids: Vec<ID>,
        permission_set_id: ID,
    ) -> Result<Vec<PermissionChangePreview>> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let plans = async {
            let ids = input_ids(Kind::Membership, &membership_ids, "membershipIds", MembershipId::new)?;
            let set = PermissionSetId::new(input_id(Kind::PermissionSet, &permission_set_id, &["permissionSetId"])?);
            cam.memberships.preview_permission_change(p, &ids, set).await
        }
        .await;
        let plans = query(ctx, plans)?;
        Ok(plans
            .into_iter()
            .map(|c| PermissionChangePreview {
                added: permissions_out(c.added),
                removed: permissions_out(c.removed),
                withheld: permissions_out(c.withheld),
                result: permissions_out(c.after.permissions),
                membership: Membership(c.before),
            })
            .collect())
    }
}

#[derive(Default)]
pub struct PermissionChangeMutation;

#[Object]
impl PermissionChangeMutation {
    /// R47: grants and revokes individual permissions of one member.
    async fn change_member_permissions(
        &self,
        ctx: &Context<'_>,
        input: ChangeMemberPermissionsInput,
    ) -> Result<ChangeMemberPermissionsPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let member = MembershipId::new(input_id(Kind::Membership, &input.membership_id, &["membershipId"])?);
            cam.memberships
                .change_member_permissions(p, member, permissions_in(&input.grant), permissions_in(&input.revoke))
                .await
        }
        .await;
        payload(ctx, r, |c| ChangeMemberPermissionsPayload {
            membership: Some(Membership(c.membership)),
            withheld_permissions: permissions_out(c.withheld),
            ..Default::default()
        })
    }
}
