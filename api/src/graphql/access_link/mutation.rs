//! `createAccessLink`, `revokeAccessLink`, `approveAccessLink`,
//! `declineAccessLink`.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use cam_domain::{AccessLinkId, AccountId, MembershipId};

use super::AccessLink;
use crate::graphql::error::{payload, payloads, UserError};
use crate::graphql::ids::{input_id, Kind};
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

#[derive(InputObject)]
pub struct DeclineAccessLinkInput {
    pub token: String,
    pub client_account_id: ID,
    /// At most 500 characters; sent to the worker.
    pub note: Option<String>,
}

#[derive(SimpleObject, Default)]
pub struct DeclineAccessLinkPayload {
    /// True when this call declined the link for that client account.
    pub declined: bool,
    pub user_errors: Vec<UserError>,
}

payloads!(CreateAccessLinkPayload, RevokeAccessLinkPayload, ApproveAccessLinkPayload, DeclineAccessLinkPayload);

#[derive(Default)]
pub struct AccessLinkMutation;

#[Object]
impl AccessLinkMutation {
    async fn create_access_link(
        &self,
        ctx: &Context<'_>,
        input: CreateAccessLinkInput,
    ) -> Result<CreateAccessLinkPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let partner =
                AccountId::new(input_id(Kind::PartnerAccount, &input.partner_account_id, &["partnerAccountId"])?);
            let worker = match &input.worker_id {
                Some(w) => Some(MembershipId::new(input_id(Kind::Worker, w, &["workerId"])?)),
                None => None,
            };
            cam.access_links.create_access_link(p, partner, worker).await
        }
        .await;
        payload(ctx, r, |c| CreateAccessLinkPayload {
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
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let id = AccessLinkId::new(input_id(Kind::AccessLink, &input.access_link_id, &["accessLinkId"])?);
            cam.access_links.revoke_access_link(p, id).await
        }
        .await;
        payload(ctx, r, |l| RevokeAccessLinkPayload { access_link: Some(AccessLink(l)), ..Default::default() })
    }

    async fn approve_access_link(
        &self,
        ctx: &Context<'_>,
        input: ApproveAccessLinkInput,
    ) -> Result<ApproveAccessLinkPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let client = AccountId::new(input_id(Kind::ClientAccount, &input.client_account_id, &["clientAccountId"])?);
            cam.access_links.approve_access_link(p, &input.token, client).await
        }
        .await;
        payload(ctx, r, |a| ApproveAccessLinkPayload {
            membership: Some(Membership(a.membership)),
            partner_client: Some(PartnerClient::new(a.relationship)),
            ..Default::default()
        })
    }

    /// v1.2, R54.
    async fn decline_access_link(
        &self,
        ctx: &Context<'_>,
        input: DeclineAccessLinkInput,
    ) -> Result<DeclineAccessLinkPayload> {
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let r = async {
            let client = AccountId::new(input_id(Kind::ClientAccount, &input.client_account_id, &["clientAccountId"])?);
            cam.access_links.decline_access_link(p, &input.token, client, input.note.as_deref()).await
        }
        .await;
        payload(ctx, r, |_| DeclineAccessLinkPayload { declined: true, ..Default::default() })
    }
}
