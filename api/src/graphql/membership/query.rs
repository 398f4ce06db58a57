//! `removalPreview` (R25).

use async_graphql::{Context, Object, Result, SimpleObject, ID};
use cam_domain::{AccountId, MembershipId};

use super::Membership;
use crate::graphql::asset::Asset;
use crate::graphql::error::query;
use crate::graphql::ids::{input_id, input_ids, Kind};
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
        let (p, cam) = (principal(ctx)?, cam(ctx)?);
        let items = async {
            let worker = MembershipId::new(input_id(Kind::Worker, &worker_id, &["workerId"])?);
            let clients: Option<Vec<AccountId>> = match &client_account_ids {
                Some(ids) => Some(input_ids(Kind::ClientAccount, ids, "clientAccountIds", AccountId::new)?),
                None => None,
            };
            cam.memberships.removal_preview(p, worker, clients.as_deref()).await
        }
        .await;
        let items = query(ctx, items)?;
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
