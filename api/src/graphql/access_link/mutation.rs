//! `createAccessLink`, `revokeAccessLink`, `approveAccessLink`.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use cam_domain::{AccessLinkId, AccountId, MembershipId};

use super::AccessLink;
use crate::graphql::error::{payload, payloads, UserError};
use crate::graphql::ids::{decode, Kind};
use crate::graphql::membership::Membership;
use crate::graphql::relationship::PartnerClient;
use crate::graphql::{cam, principal};

#[derive(InputObject)]
pub struct CreateAccessLinkInput {
    pub partner_account_id: ID,
    /// Default: the viewer's own worker.
    pub worker_id: Option<ID>,
}

#[derive(SimpleObject, Default)]
pub struct CreateAccessLinkPayload {
    pub access_link: Option<AccessLink>,
    /// Shown once (R8).
    pub token: Option<String>,
    /// A link the worker can send: the configured public base URL with the token.
    pub url: Option<String>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct RevokeAccessLinkInput {
    pub access_link_id: ID,
}

#[derive(SimpleObject, Default)]
pub struct RevokeAccessLinkPayload {
    pub access_link: Option<AccessLink>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct ApproveAccessLinkInput {
    pub token: String,
    pub client_account_id: ID,
}

#[derive(SimpleObject, Default)]
pub struct ApproveAccessLinkPayload {
    pub membership: Option<Membership>,
    pub partner_client: Option<PartnerClient>,
    pub user_errors: Vec<UserError>,
}

payloads!(CreateAccessLinkPayload, RevokeAccessLinkPayload, ApproveAccessLinkPayload);

#[derive(Default)]
pub struct AccessLinkMutation;

#[Object]
impl AccessLinkMutation {
    async fn create_access_link(
        &self,
        ctx: &Context<'_>,
        input: CreateAccessLinkInput,
    ) -> Result<CreateAccessLinkPayload> {
        let p = principal(ctx)?;
        let partner = AccountId::new(decode(Kind::PartnerAccount, &input.partner_account_id).unwrap_or(0));
        let worker = input.worker_id.as_ref().map(|w| MembershipId::new(decode(Kind::Worker, w).unwrap_or(0)));
        payload(ctx, cam(ctx)?.create_access_link(p, partner, worker).await, |c| CreateAccessLinkPayload {
            access_link: Some(AccessLink(c.link)),
            token: Some(c.token),
            url: Some(c.url),
            ..Default::default()
        })
    }

    async fn revoke_access_link(
        &self,
        ctx: &Context<'_>,
        input: RevokeAccessLinkInput,
    ) -> Result<RevokeAccessLinkPayload> {
        let p = principal(ctx)?;
        let id = AccessLinkId::new(decode(Kind::AccessLink, &input.access_link_id).unwrap_or(0));
        payload(ctx, cam(ctx)?.revoke_access_link(p, id).await, |l| RevokeAccessLinkPayload {
            access_link: Some(AccessLink(l)),
            ..Default::default()
        })
    }

    async fn approve_access_link(
        &self,
        ctx: &Context<'_>,
        input: ApproveAccessLinkInput,
    ) -> Result<ApproveAccessLinkPayload> {
        let p = principal(ctx)?;
        let client = AccountId::new(decode(Kind::ClientAccount, &input.client_account_id).unwrap_or(0));
        payload(ctx, cam(ctx)?.approve_access_link(p, &input.token, client).await, |a| ApproveAccessLinkPayload {
            membership: Some(Membership(a.membership)),
            partner_client: Some(PartnerClient::new(a.relationship)),
            ..Default::default()
        })
    }
}
