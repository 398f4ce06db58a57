//! Account object types.

use async_graphql::{Context, InputObject, Object, Result, ID};
use cam_domain::account::model::Account;
use cam_domain::audit::model::AuditScope;
use cam_domain::membership::model::{
    MemberFilter as DomainMemberFilter, WorkerFilter as DomainWorkerFilter, WorkerKind as DomainWorkerKind,
};
use cam_domain::relationship::model::ClientFilter as DomainClientFilter;
use cam_domain::user::model::User as DomainUser;

use crate::graphql::audit::AuditEvent;
use crate::graphql::connection::{connection, page_request, Conn};
use crate::graphql::enums::{AccessType, MemberStatus, PartnerTier, RelationshipStatus, Role};
use crate::graphql::error::failure;
use crate::graphql::error::query;
use crate::graphql::ids::{encode, Kind};
use crate::graphql::loaders::{load, prefetch_memberships, DomainsOf, Loaders, SuperAdminCount};
use crate::graphql::membership::{Membership, Worker};
use crate::graphql::permission::PermissionSet;
use crate::graphql::relationship::{partner_users_keys, PartnerClient};
use crate::graphql::user::User;
use crate::graphql::{cam, principal};

pub struct Viewer {
    pub user: DomainUser,
    pub partners: Vec<Account>,
    pub clients: Vec<Account>,
}

#[Object]
impl Viewer {
    async fn user(&self) -> User {
        User(self.user.clone())
    }
    async fn partner_accounts(&self) -> Vec<PartnerAccount> {
        self.partners.iter().cloned().map(PartnerAccount).collect()
    }
    async fn client_accounts(&self) -> Vec<ClientAccount> {
        self.clients.iter().cloned().map(ClientAccount).collect()
    }
}

#[derive(InputObject, Default)]
pub struct ClientFilter {
    /// Keep clients whose access types intersect these.
    pub access_types: Option<Vec<AccessType>>,
    pub relationship_status: Option<Vec<RelationshipStatus>>,
    /// Case-insensitive substring of the display name.
    pub search: Option<String>,
}

#[derive(InputObject, Default)]
pub struct WorkerFilter {
    pub search: Option<String>,
    pub status: Option<Vec<MemberStatus>>,
}

impl From<WorkerFilter> for DomainWorkerFilter {
    fn from(f: WorkerFilter) -> Self {
        Self { search: f.search, statuses: f.status.map(|s| s.into_iter().map(Into::into).collect()) }
    }
}

#[derive(InputObject, Default)]
pub struct MemberFilter {
    pub roles: Option<Vec<Role>>,
    pub status: Option<Vec<MemberStatus>>,
    /// Only members that represent a partner.
    pub partner_users_only: Option<bool>,
}

/// A page of an account's audit log (R32).
async fn audit_log(
    ctx: &Context<'_>,
    scope: AuditScope,
    first: Option<i32>,
    after: Option<String>,
) -> Result<Conn<AuditEvent>> {
    let page = page_request(first, after)?;
    let p = principal(ctx)?;
    let with_total = ctx.look_ahead().field("totalCount").exists();
    let rows = query(ctx, cam(ctx)?.audit_log(p, scope, page, with_total).await)?;
    Ok(connection(rows, |e| e.id.get(), AuditEvent))
}

/// A search string longer than this is refused.
const MAX_SEARCH: usize = 200;

fn check_search(s: &Option<String>) -> Result<()> {
    match s {
        Some(s) if s.chars().count() > MAX_SEARCH => {
            Err(crate::graphql::error::invalid_input(format!("search may be at most {MAX_SEARCH} characters")))
        }
        _ => Ok(()),
    }
}

pub struct PartnerAccount(pub Account);

impl PartnerAccount {
    async fn workers(
        &self,
        ctx: &Context<'_>,
        kind: DomainWorkerKind,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<WorkerFilter>,
    ) -> Result<Conn<Worker>> {
        let page = page_request(first, after)?;
        let filter = filter.unwrap_or_default();
        check_search(&filter.search)?;
        let p = principal(ctx)?;
        let with_total = ctx.look_ahead().field("totalCount").exists();
        let rows = query(ctx, cam(ctx)?.workers(p, self.0.id, kind, &filter.into(), page, with_total).await)?;
        prefetch_memberships(ctx, &rows.items.iter().collect::<Vec<_>>()).await?;
        Ok(connection(rows, |m| m.id.get(), Worker))
    }
}

#[Object]
impl PartnerAccount {
    pub async fn id(&self) -> ID {
        encode(Kind::PartnerAccount, self.0.id.get())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn tier(&self) -> PartnerTier {
        self.0.tier.unwrap_or(cam_domain::account::model::PartnerTier::AppPartner).into()
    }
    async fn verified_domains(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(load(ctx, DomainsOf(self.0.id)).await?.unwrap_or_default())
    }
    /// True when the viewer may use the Client Access Manager here (R1).
    async fn can_manage_access(&self, ctx: &Context<'_>) -> Result<bool> {
        let p = principal(ctx)?;
        query(ctx, cam(ctx)?.can_manage_access(p, self.0.id).await)
    }
    /// Clients tab.
    #[graphql(complexity = "crate::graphql::connection::page_cost(first, child_complexity)")]
    async fn clients(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<ClientFilter>,
    ) -> Result<Conn<PartnerClient>> {
        let page = page_request(first, after)?;
        let f = filter.unwrap_or_default();
        check_search(&f.search)?;
        let f = DomainClientFilter {
            access_types: f.access_types.map(|v| v.into_iter().map(Into::into).collect()),
            statuses: f.relationship_status.map(|v| v.into_iter().map(Into::into).collect()),
            search: f.search,
        };
        let p = principal(ctx)?;
        let with_total = ctx.look_ahead().field("totalCount").exists();
        let rows = query(ctx, cam(ctx)?.partner_clients(p, self.0.id, &f, page, with_total).await)?;
        // No N+1: when the page shows partner users, load them for every row
        // in one batch, then their users and sets in one batch each.
        let rels: Vec<_> = rows.items.iter().map(|r| &r.relationship).collect();
        for field in ctx.look_ahead().field("edges").field("node").field("partnerUsers").selection_fields() {
            // Invalid arguments are the nested field's to report, at its path.
            let Ok(keys) = partner_users_keys(&field, &rels) else { continue };
            let users = ctx.data::<Loaders>()?.load_many(keys).await.map_err(|e| failure(ctx, &e))?;
            prefetch_memberships(ctx, &users.values().flat_map(|p| p.items.iter()).collect::<Vec<_>>()).await?;
        }
        Ok(connection(rows, |r| r.relationship.id.get(), PartnerClient::from_row))
    }
    /// Employees tab.
    #[graphql(complexity = "crate::graphql::connection::page_cost(first, child_complexity)")]
    async fn employees(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<WorkerFilter>,
    ) -> Result<Conn<Worker>> {
        self.workers(ctx, DomainWorkerKind::Employee, first, after, filter).await
    }
    /// Contractors tab.
    #[graphql(complexity = "crate::graphql::connection::page_cost(first, child_complexity)")]
    async fn contractors(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<WorkerFilter>,
    ) -> Result<Conn<Worker>> {
        self.workers(ctx, DomainWorkerKind::Contractor, first, after, filter).await
    }
    async fn permission_sets(&self, ctx: &Context<'_>) -> Result<Vec<PermissionSet>> {
        let p = principal(ctx)?;
        Ok(query(ctx, cam(ctx)?.permission_sets(p, self.0.id).await)?.into_iter().map(PermissionSet).collect())
    }
    #[graphql(complexity = "crate::graphql::connection::page_cost(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<AuditEvent>> {
        audit_log(ctx, AuditScope::Partner(self.0.id), first, after).await
    }
}

pub struct ClientAccount(pub Account);

#[Object]
impl ClientAccount {
    pub async fn id(&self) -> ID {
        encode(Kind::ClientAccount, self.0.id.get())
    }
    /// Official name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn data_center(&self) -> &str {
        &self.0.data_center
    }
    async fn super_admin_count(&self, ctx: &Context<'_>) -> Result<i32> {
        let n = load(ctx, SuperAdminCount(self.0.id)).await?.unwrap_or(0);
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    }
    #[graphql(complexity = "crate::graphql::connection::page_cost(first, child_complexity)")]
    async fn members(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<MemberFilter>,
    ) -> Result<Conn<Membership>> {
        let page = page_request(first, after)?;
        let f = filter.unwrap_or_default();
        let f = DomainMemberFilter {
            roles: f.roles.map(|v| v.into_iter().map(Into::into).collect()),
            statuses: f.status.map(|v| v.into_iter().map(Into::into).collect()),
            partner_users_only: f.partner_users_only.unwrap_or(false),
            partner_id: None,
        };
        let p = principal(ctx)?;
        let with_total = ctx.look_ahead().field("totalCount").exists();
        let rows = query(ctx, cam(ctx)?.client_members(p, self.0.id, &f, page, with_total).await)?;
        prefetch_memberships(ctx, &rows.items.iter().collect::<Vec<_>>()).await?;
        Ok(connection(rows, |m| m.id.get(), Membership))
    }
    #[graphql(complexity = "crate::graphql::connection::page_cost(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<AuditEvent>> {
        audit_log(ctx, AuditScope::Client(self.0.id), first, after).await
    }
    /// v1.1, R44: this account's SCIM tokens (active super admins only), without their secrets.
    async fn scim_tokens(&self, ctx: &Context<'_>) -> Result<Vec<crate::graphql::scim::ScimToken>> {
        let tokens = query(ctx, cam(ctx)?.scim_tokens(principal(ctx)?, self.0.id).await)?;
        Ok(tokens.into_iter().map(crate::graphql::scim::ScimToken).collect())
    }
}
