//! `createPermissionSet`, `updatePermissionSet`, `deletePermissionSet`.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use cam_domain::{AccountId, PermissionSetId};

use super::PermissionSet;
use crate::graphql::enums::{permissions_in, Permission};
use crate::graphql::error::{payload, payloads, UserError};
use crate::graphql::ids::{encode, input_id, Kind};
use crate::graphql::{cam, principal};

#[derive(InputObject)]
pub struct CreatePermissionSetInput {
    pub partner_account_id: ID,
    pub name: String,
    pub permissions: Vec<Permission>,
}

#[derive(InputObject)]
pub struct UpdatePermissionSetInput {
    pub permission_set_id: ID,
    pub name: Option<String>,
    pub permissions: Option<Vec<Permission>>,
}

#[derive(InputObject)]
pub struct DeletePermissionSetInput {
    pub permission_set_id: ID,
}

#[derive(SimpleObject, Default)]
pub struct PermissionSetPayload {
    pub permission_set: Option<PermissionSet>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject, Default)]
pub struct DeletePermissionSetPayload {
    pub deleted_id: Option<ID>,
    pub user_errors: Vec<UserError>,
}

payloads!(PermissionSetPayload, DeletePermissionSetPayload);

fn set_payload(s: cam_domain::permission::PermissionSet) -> PermissionSetPayload {
    PermissionSetPayload { permission_set: Some(PermissionSet(s)), ..Default::default() }
}

fn set_id(id: &ID) -> cam_domain::Result<PermissionSetId> {
    input_id(Kind::PermissionSet, id, &["permissionSetId"]).map(PermissionSetId::new)
}

#[derive(Default)]
pub struct PermissionMutation;

#[Object]
impl PermissionMutation {
    async fn create_permission_set(
        &self,
        ctx: &Context<'_>,
        input: CreatePermissionSetInput,
    ) -> Result<PermissionSetPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let partner =
                AccountId::new(input_id(Kind::PartnerAccount, &input.partner_account_id, &["partnerAccountId"])?);
            cam.permissions.sets().create(p, partner, &input.name, permissions_in(&input.permissions)).await
        }
        .await;
        payload(ctx, r, set_payload)
    }

    async fn update_permission_set(
        &self,
        ctx: &Context<'_>,
        input: UpdatePermissionSetInput,
    ) -> Result<PermissionSetPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let perms = input.permissions.as_deref().map(permissions_in);
        let r = async {
            cam.permissions.sets().update(p, set_id(&input.permission_set_id)?, input.name.as_deref(), perms).await
        }
        .await;
        payload(ctx, r, set_payload)
    }

    async fn delete_permission_set(
        &self,
        ctx: &Context<'_>,
        input: DeletePermissionSetInput,
    ) -> Result<DeletePermissionSetPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async { cam.permissions.sets().delete(p, set_id(&input.permission_set_id)?).await }.await;
        payload(ctx, r, |id| DeletePermissionSetPayload {
            deleted_id: Some(encode(Kind::PermissionSet, id.get())),
            ..Default::default()
        })
    }
}
