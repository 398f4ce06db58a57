//! v1.2, R58: `createPermissionTemplate`, `updatePermissionTemplate`,
//! `deletePermissionTemplate`, for a client account's super admins.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use cam_domain::{AccountId, PermissionSetId};

use super::PermissionTemplate;
use crate::graphql::enums::{permissions_in, Permission};
use crate::graphql::error::{payload, payloads, UserError};
use crate::graphql::ids::{encode, input_id, Kind};
use crate::graphql::{cam, principal};

#[derive(InputObject)]
pub struct CreatePermissionTemplateInput {
    pub client_account_id: ID,
    pub name: String,
    pub permissions: Vec<Permission>,
}

#[derive(InputObject)]
pub struct UpdatePermissionTemplateInput {
    pub template_id: ID,
    pub name: Option<String>,
    pub permissions: Option<Vec<Permission>>,
}

#[derive(InputObject)]
pub struct DeletePermissionTemplateInput {
    pub template_id: ID,
}

#[derive(SimpleObject, Default)]
pub struct PermissionTemplatePayload {
    pub permission_template: Option<PermissionTemplate>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject, Default)]
pub struct DeletePermissionTemplatePayload {
    pub deleted_template_id: Option<ID>,
    pub user_errors: Vec<UserError>,
}

payloads!(PermissionTemplatePayload, DeletePermissionTemplatePayload);

fn template_payload(t: cam_domain::permission::PermissionSet) -> PermissionTemplatePayload {
    PermissionTemplatePayload { permission_template: Some(PermissionTemplate(t)), ..Default::default() }
}

fn template_id(id: &ID) -> cam_domain::Result<PermissionSetId> {
    input_id(Kind::PermissionTemplate, id, &["templateId"]).map(PermissionSetId::new)
}

#[derive(Default)]
pub struct TemplateMutation;

#[Object]
impl TemplateMutation {
    /// v1.2, R58: client super admins.
    async fn create_permission_template(
        &self,
        ctx: &Context<'_>,
        input: CreatePermissionTemplateInput,
    ) -> Result<PermissionTemplatePayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let client = AccountId::new(input_id(Kind::ClientAccount, &input.client_account_id, &["clientAccountId"])?);
            cam.permissions.templates().create(p, client, &input.name, permissions_in(&input.permissions)).await
        }
        .await;
        payload(ctx, r, template_payload)
    }

    async fn update_permission_template(
        &self,
        ctx: &Context<'_>,
        input: UpdatePermissionTemplateInput,
    ) -> Result<PermissionTemplatePayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let perms = input.permissions.as_deref().map(permissions_in);
        let r = async {
            cam.permissions.templates().update(p, template_id(&input.template_id)?, input.name.as_deref(), perms).await
        }
        .await;
        payload(ctx, r, template_payload)
    }

    async fn delete_permission_template(
        &self,
        ctx: &Context<'_>,
        input: DeletePermissionTemplateInput,
    ) -> Result<DeletePermissionTemplatePayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async { cam.permissions.templates().delete(p, template_id(&input.template_id)?).await }.await;
        payload(ctx, r, |id| DeletePermissionTemplatePayload {
            deleted_template_id: Some(encode(Kind::PermissionTemplate, id.get())),
            ..Default::default()
        })
    }
}
