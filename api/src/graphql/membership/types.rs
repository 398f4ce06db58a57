//! `Worker` (a membership of a partner account) and `Membership` (of a
//! client account).

use async_graphql::{Context, Object, Result, ID};
use cam_domain::account::model::Account;
use cam_domain::membership::model::Membership as DomainMembership;
use cam_domain::UserId;

use crate::graphql::access_link::AccessLink;
use crate::graphql::account::plan;
use crate::graphql::account::{ClientAccount, PartnerAccount};
use crate::graphql::asset::Asset;
use crate::graphql::connection::{asked_page, connection, empty_page, page_request, Asked, Conn};
use crate::graphql::enums::{permissions_out, MemberStatus, Permission, Role, Seat, WorkerKind};
use crate::graphql::error::internal;
use crate::graphql::ids::{encode, Kind};
use crate::graphql::loaders::{load, load_read_along, CurrentLink, OwnedAssets, VerifiedKey};
use crate::graphql::permission::PermissionSet;
use crate::graphql::user::User;

async fn user_of(ctx: &Context<'_>, id: UserId) -> Result<cam_domain::user::model::User> {
    load_read_along(ctx, id)
        .await?
        .ok_or_else(|| internal(ctx, &crate::graphql::error::Inconsistent("membership without its user")))
}

async fn account_of(ctx: &Context<'_>, id: cam_domain::AccountId) -> Result<Account> {
    load_read_along(ctx, id)
        .await?
        .ok_or_else(|| internal(ctx, &crate::graphql::error::Inconsistent("membership without its account")))
}

pub struct Worker(pub DomainMembership);

impl Worker {
    async fn verified(&self, ctx: &Context<'_>) -> Result<bool> {
        let user = user_of(ctx, self.0.user_id).await?;
        Ok(load(ctx, VerifiedKey(self.0.account_id, user.email)).await?.unwrap_or(false))
    }
}

#[Object]
impl Worker {
    pub async fn id(&self) -> ID {
        encode(Kind::Worker, self.0.id.get())
    }
    async fn partner(&self, ctx: &Context<'_>) -> Result<PartnerAccount> {
        Ok(PartnerAccount::new(account_of(ctx, self.0.account_id).await?))
    }
    async fn user(&self, ctx: &Context<'_>) -> Result<User> {
        Ok(User(user_of(ctx, self.0.user_id).await?))
    }
    async fn kind(&self) -> WorkerKind {
        self.0.worker_kind.unwrap_or(cam_domain::membership::model::WorkerKind::Employee).into()
    }
    /// Role in the partner account.
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    async fn status(&self) -> MemberStatus {
        self.0.status.into()
    }
    async fn permissions(&self) -> Vec<Permission> {
        permissions_out(self.0.permissions)
    }
    /// The check mark (R4).
    async fn email_domain_verified(&self, ctx: &Context<'_>) -> Result<bool> {
        self.verified(ctx).await
    }
    /// R5: active, in a partner tier that allows partner admins, verified.
    async fn partner_seat_eligible(&self, ctx: &Context<'_>) -> Result<bool> {
        if !self.0.is_active() || !account_of(ctx, self.0.account_id).await?.allows_partner_admins() {
            return Ok(false);
        }
        self.verified(ctx).await
    }
    /// Client accounts of this partner where the worker is a member.
    #[graphql(complexity = "crate::graphql::connection::page_cost(first, child_complexity)")]
    async fn client_memberships(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<Membership>> {
        let asked = Asked::of(&ctx.look_ahead());
        let key = plan::client_memberships_key(&self.0, page_request(first, after)?, asked);
        let page = key.page;
        let rows = load(ctx, key).await?.unwrap_or_else(|| empty_page(page));
        plan::accounts_read_along(ctx, &rows.items).await?;
        Ok(connection(rows, |m| m.id.get(), Membership))
    }
    /// The worker's current access link, without its token.
    async fn access_link(&self, ctx: &Context<'_>) -> Result<Option<AccessLink>> {
        Ok(load(ctx, CurrentLink(self.0.id)).await?.map(AccessLink))
    }
}

pub struct Membership(pub DomainMembership);

#[Object(serial)]
impl Membership {
    pub async fn id(&self) -> ID {
        encode(Kind::Membership, self.0.id.get())
    }
    async fn user(&self, ctx: &Context<'_>) -> Result<User> {
        Ok(User(user_of(ctx, self.0.user_id).await?))
    }
    async fn account(&self, ctx: &Context<'_>) -> Result<ClientAccount> {
        Ok(ClientAccount(account_of(ctx, self.0.account_id).await?))
    }
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    async fn seat(&self) -> Seat {
        self.0.seat.into()
    }
    async fn status(&self) -> MemberStatus {
        self.0.status.into()
    }
    async fn permissions(&self) -> Vec<Permission> {
        permissions_out(self.0.permissions)
    }
    /// The set last applied, if any (R18, R19).
    async fn permission_set(&self, ctx: &Context<'_>) -> Result<Option<PermissionSet>> {
        match self.0.permission_set_id {
            Some(id) => Ok(load_read_along(ctx, id).await?.map(PermissionSet)),
            None => Ok(None),
        }
    }
    /// The partner this member represents, if any.
    async fn partner(&self, ctx: &Context<'_>) -> Result<Option<PartnerAccount>> {
        match self.0.partner_id {
            Some(id) => Ok(load_read_along(ctx, id).await?.map(PartnerAccount::new)),
            None => Ok(None),
        }
    }
    async fn managed_credit(&self) -> bool {
        self.0.managed_credit
    }
    async fn created_at(&self) -> crate::graphql::scalars::DateTime {
        self.0.created_at.into()
    }
    /// v1.1, R39: when this partner user's access ends by itself; null = never.
    async fn expires_at(&self) -> Option<crate::graphql::scalars::DateTime> {
        self.0.expires_at.map(Into::into)
    }
    #[graphql(complexity = "crate::graphql::connection::page_cost(first, child_complexity)")]
    async fn owned_assets(&self, ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> Result<Conn<Asset>> {
        let (asked, page) = asked_page(ctx, first, after)?;
        let key = OwnedAssets { client: self.0.account_id, owner: self.0.user_id, page, with_total: asked.total };
        let rows = load(ctx, key).await?.unwrap_or_else(|| empty_page(page));
        Ok(connection(rows, |a| a.id.get(), Asset))
    }
}
