//! Access links (R8–R11).
mod mutation;
mod query;

pub use mutation::AccessLinkMutation;
pub use query::AccessLinkQuery;

use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};

use super::enums::{PartnerTier, Permission, Role, Seat, UserErrorCode};
use cam_domain::access_link::model::{LinkPreview, LinkProblem};

use super::enums::permissions_out;
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
        let approvals = query(ctx, super::cam(ctx)?.access_links.approvals_of(&self.0).await)?;
        // One batch for every approval, not a query each.
        let keys: Vec<_> = approvals.iter().map(|a| PairKey(self.0.partner_id, a.client_id)).collect();
        let loader = ctx.data::<Loaders>()?;
        let found = loader.load_many(keys.iter().copied()).await.map_err(|e| failure(ctx, &e))?;
        Ok(keys.iter().filter_map(|k| found.get(k).cloned()).map(PartnerClient::new).collect())
    }
}

/// v1.2, R53: the state of a link as the page shows it.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum AccessLinkState {
    Active,
    Expired,
    Revoked,
}

impl From<Option<LinkProblem>> for AccessLinkState {
    fn from(p: Option<LinkProblem>) -> Self {
        match p {
            None => Self::Active,
            Some(LinkProblem::Expired) => Self::Expired,
            Some(LinkProblem::Revoked) => Self::Revoked,
        }
    }
}

/// What a client sees when opening an access link (R9), and what approving
/// grants (R53).
#[derive(SimpleObject)]
pub struct AccessLinkPreview {
    pub partner_name: String,
    pub partner_tier: PartnerTier,
    pub worker_name: String,
    pub worker_email: String,
    pub expires_at: crate::graphql::scalars::DateTime,
    /// Null when the link can be approved; otherwise LINK_EXPIRED or LINK_REVOKED.
    pub problem: Option<UserErrorCode>,
    /// v1.2, R53.
    pub state: AccessLinkState,
    /// v1.2, R53: what approving grants.
    pub role: Role,
    pub seat: Seat,
    pub grants: Vec<Permission>,
}

impl From<LinkPreview> for AccessLinkPreview {
    fn from(p: LinkPreview) -> Self {
        Self {
            partner_name: p.partner_name,
            partner_tier: p.partner_tier.into(),
            worker_name: p.worker_name,
            worker_email: p.worker_email,
            expires_at: p.expires_at.into(),
            problem: p.problem.map(|x| x.code().into()),
            state: p.problem.into(),
            role: p.role.into(),
            seat: p.seat.into(),
            grants: permissions_out(p.grants),
        }
    }
}
