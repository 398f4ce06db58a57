//! SCIM tokens (R44): `createScimToken`, `revokeScimToken` and
//! `ClientAccount.scimTokens`. The SCIM protocol itself is served by
//! `crate::scim` at `/scim/v2`.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use cam_domain::scim::model::ScimTokenId;
use cam_domain::AccountId;

use super::error::{payload, payloads, UserError};
use super::ids::{encode, input_id, Kind};
use super::loaders::load;
use super::user::User;
use super::{cam, principal};

pub struct ScimToken(pub cam_domain::scim::model::ScimToken);

#[Object]
impl ScimToken {
    pub async fn id(&self) -> ID {
        encode(Kind::ScimToken, self.0.id.get())
    }
    async fn created_at(&self) -> crate::graphql::scalars::DateTime {
        self.0.created_at.into()
    }
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(id) = self.0.created_by else { return Ok(None) };
        Ok(load(ctx, id).await?.map(User))
    }
    async fn revoked_at(&self) -> Option<crate::graphql::scalars::DateTime> {
        self.0.revoked_at.map(Into::into)
    }
}

/// v1.1, R44: active super admins of the client account only.
#[derive(InputObject)]
pub struct CreateScimTokenInput {
    pub client_account_id: ID,
}

#[derive(SimpleObject, Default)]
pub struct CreateScimTokenPayload {
    pub scim_token: Option<ScimToken>,
    /// Shown once.
    pub token: Option<String>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct RevokeScimTokenInput {
    pub scim_token_id: ID,
}

#[derive(SimpleObject, Default)]
pub struct RevokeScimTokenPayload {
    pub scim_token: Option<ScimToken>,
    pub user_errors: Vec<UserError>,
}

payloads!(CreateScimTokenPayload, RevokeScimTokenPayload);

#[derive(Default)]
pub struct ScimMutation;

#[Object]
impl ScimMutation {
    async fn create_scim_token(
        &self,
        ctx: &Context<'_>,
        input: CreateScimTokenInput,
    ) -> Result<CreateScimTokenPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let client = AccountId::new(input_id(Kind::ClientAccount, &input.client_account_id, &["clientAccountId"])?);
            cam.scim.create_scim_token(p, client).await
        }
        .await;
        payload(ctx, r, |c| CreateScimTokenPayload {
            scim_token: Some(ScimToken(c.token)),
            token: Some(c.secret),
            ..Default::default()
        })
    }

    async fn revoke_scim_token(
        &self,
        ctx: &Context<'_>,
        input: RevokeScimTokenInput,
    ) -> Result<RevokeScimTokenPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let id = ScimTokenId::new(input_id(Kind::ScimToken, &input.scim_token_id, &["scimTokenId"])?);
            cam.scim.revoke_scim_token(p, id).await
        }
        .await;
        payload(ctx, r, |t| RevokeScimTokenPayload { scim_token: Some(ScimToken(t)), ..Default::default() })
    }
}
