//! `removalPreview` (R25).

use async_graphql::{Context, Object, Result, SimpleObject, ID};
use cam_domain::{AccountId, MembershipId};

use super::Membership;
use crate::graphql::asset::Asset;
use crate::graphql::error::query;
use crate::graphql::ids::{decode, Kind};
use crate::graphql::relationship::PartnerClient;
use crate::graphql::{cam, principal};

#[derive(SimpleObject)]
pub struct RemovalPreview {
    pub items: Vec<RemovalPreviewItem>,
}

#[derive(SimpleObject)]
pub struct RemovalPreviewItem {
    pub client: PartnerClient,
    pub membership: Membership,
    pub assets: Vec<Asset>,
}

#[derive(Default)]
pub struct MembershipQuery;

#[Object]
impl MembershipQuery {
    /// R25. Default: every client of the worker's partner.
    async fn removal_preview(
        &self,
        ctx: &Context<'_>,
        worker_id: ID,
        client_account_ids: Option<Vec<ID>>,
    ) -> Result<RemovalPreview> {
        let p = principal(ctx)?;
        let worker = MembershipId::new(decode(Kind::Worker, &worker_id).unwrap_or(0));
        let clients: Option<Vec<AccountId>> = client_account_ids
            .map(|ids| ids.iter().map(|id| AccountId::new(decode(Kind::ClientAccount, id).unwrap_or(0))).collect());
        let items = query(ctx, cam(ctx)?.removal_preview(p, worker, clients.as_deref()).await)?;
        Ok(RemovalPreview {
            items: items
                .into_iter()
                .map(|i| RemovalPreviewItem {
                    client: PartnerClient::new(i.relationship),
                    membership: Membership(i.membership),
                    assets: i.assets.into_iter().map(Asset).collect(),
                })
                .collect(),
        })
    }
}
