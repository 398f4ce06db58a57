//! `PartnerClient`: a client as its partner sees it (R27).

use async_graphql::{Context, Object, Result, ID};
use cam_domain::relationship::model::{PartnerUserStats, Relationship};
use cam_domain::services::relationships::ClientRow;

use super::account::plan::partner_users_key;
use super::account::{ClientAccount, PartnerAccount};
use super::cam;
use super::connection::{connection, empty_page, Asked, Conn};
use super::enums::{AccessType, MemberStatus, RelationshipStatus};
use super::error::internal;
use super::ids::{encode, Kind};
use super::loaders::{load, load_read_along, StatsKey};
use super::membership::Membership;

pub struct PartnerClient {
    pub rel: Relationship,
    /// Preloaded by the Clients tab; otherwise loaded on demand.
    pub stats: Option<PartnerUserStats>,
    pub client: Option<cam_domain::account::model::Account>,
}

impl PartnerClient {
    pub fn new(rel: Relationship) -> Self {
        Self { rel, stats: None, client: None }
    }
    pub fn from_row(row: ClientRow) -> Self {
        Self { rel: row.relationship, stats: Some(row.stats), client: Some(row.client) }
    }
    async fn stats(&self, ctx: &Context<'_>) -> Result<PartnerUserStats> {
        match self.stats {
            Some(s) => Ok(s),
            None => Ok(load(ctx, StatsKey(self.rel.partner_id, self.rel.client_id)).await?.unwrap_or_default()),
        }
    }
    async fn client_account(&self, ctx: &Context<'_>) -> Result<cam_domain::account::model::Account> {
        match &self.client {
            Some(c) => Ok(c.clone()),
            None => load(ctx, self.rel.client_id)
                .await?
                .ok_or_else(|| internal(ctx, &crate::graphql::error::Inconsistent("relationship without its client"))),
        }
    }
}

#[Object(serial)]
impl PartnerClient {
    pub async fn id(&self) -> ID {
        encode(Kind::PartnerClient, self.rel.id.get())
    }
    async fn partner(&self, ctx: &Context<'_>) -> Result<PartnerAccount> {
        let a = load(ctx, self.rel.partner_id)
            .await?
            .ok_or_else(|| internal(ctx, &crate::graphql::error::Inconsistent("relationship without its partner")))?;
        Ok(PartnerAccount::new(a))
    }
    async fn client(&self, ctx: &Context<'_>) -> Result<ClientAccount> {
        Ok(ClientAccount(self.client_account(ctx).await?))
    }
    /// The company record's name in the partner's CRM; may differ from client.name.
    async fn display_name(&self, ctx: &Context<'_>) -> Result<String> {
        match &self.rel.crm_name {
            Some(n) => Ok(n.clone()),
            None => Ok(self.client_account(ctx).await?.name),
        }
    }
    async fn access_types(&self, ctx: &Context<'_>) -> Result<Vec<AccessType>> {
        Ok(self.stats(ctx).await?.access_types().into_iter().map(Into::into).collect())
    }
    async fn status(&self, ctx: &Context<'_>) -> Result<RelationshipStatus> {
        let now = cam(ctx)?.now();
        Ok(self.rel.status(&self.stats(ctx).await?, now).into())
    }
    async fn started_at(&self) -> crate::graphql::scalars::DateTime {
        self.rel.started_at.into()
    }
    async fn last_qualifying_activity_at(&self) -> crate::graphql::scalars::DateTime {
        self.rel.last_activity_at.into()
    }
    /// Set while ENDING or ENDED (R27).
    async fn ends_at(&self, ctx: &Context<'_>) -> Result<Option<crate::graphql::scalars::DateTime>> {
        Ok(self.rel.visible_ends_at(&self.stats(ctx).await?).map(Into::into))
    }
    async fn active_partner_user_count(&self, ctx: &Context<'_>) -> Result<i32> {
        Ok(self.stats(ctx).await?.active() as i32)
    }
    /// This partner's users in the client account.
    #[graphql(complexity = "crate::graphql::connection::page_cost(first, child_complexity)")]
    async fn partner_users(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        status: Option<Vec<MemberStatus>>,
    ) -> Result<Conn<Membership>> {
        let key = partner_users_key(&self.rel, first, after, status, Asked::of(&ctx.look_ahead()))?;
        let page = key.page;
        let page = load_read_along(ctx, key).await?.unwrap_or_else(|| empty_page(page));
        Ok(connection(page, |m| m.id.get(), Membership))
    }
}
