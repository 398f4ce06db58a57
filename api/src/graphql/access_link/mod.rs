//! Access links (R8–R11).
mod mutation;
mod query;

pub use mutation::AccessLinkMutation;
pub use query::AccessLinkQuery;

use async_graphql::{Context, Object, Result, SimpleObject, ID};

use super::enums::{PartnerTier, UserErrorCode};
use super::error::{failure, internal, query};
use super::ids::{encode, Kind};
use super::loaders::{load, Loaders, PairKey};
use super::membership::Worker;
use super::relationship::PartnerClient;

pub struct AccessLink(pub cam_domain::access_link::model::AccessLink);

#[Object]
impl AccessLink {
    pub async fn id(&self) -> ID {
        encode(Kind::AccessLink, self.0.id.get())
    }
    async fn worker(&self, ctx: &Context<'_>) -> Result<Worker> {
        let w = load(ctx, self.0.worker_id)
            .await?
            .ok_or_else(|| internal(ctx, &crate::graphql::error::Inconsistent("link without its worker")))?;
        Ok(Worker(w))
    }
    async fn created_at(&self) -> crate::graphql::scalars::DateTime {
        self.0.created_at.into()
    }
    async fn expires_at(&self) -> crate::graphql::scalars::DateTime {
        self.0.expires_at.into()
    }
    async fn revoked_at(&self) -> Option<crate::graphql::scalars::DateTime> {
        self.0.revoked_at.map(Into::into)
    }
    async fn approvals(&self, ctx: &Context<'_>) -> Result<Vec<PartnerClient>> {
        let approvals = query(ctx, super::cam(ctx)?.approvals_of(&self.0).await)?;
        // One batch for every approval, not a query each.
        let keys: Vec<_> = approvals.iter().map(|a| PairKey(self.0.partner_id, a.client_id)).collect();
        let loader = ctx.data::<Loaders>()?;
        let found = loader.load_many(keys.iter().copied()).await.map_err(|e| failure(ctx, &e))?;
        Ok(keys.iter().filter_map(|k| found.get(k).cloned()).map(PartnerClient::new).collect())
    }
}

/// What a client sees when opening an access link (R9).
#[derive(SimpleObject)]
pub struct AccessLinkPreview {
    pub partner_name: String,
    pub partner_tier: PartnerTier,
    pub worker_name: String,
    pub worker_email: String,
    pub expires_at: crate::graphql::scalars::DateTime,
    /// Null when the link can be approved; otherwise LINK_EXPIRED or LINK_REVOKED.
    pub problem: Option<UserErrorCode>,
}
