//! Account object types.

use async_graphql::{Context, InputObject, Object, Result, ID};
use cam_domain::account::model::Account;
use cam_domain::audit::model::AuditScope;
use cam_domain::membership::model::{WorkerFilter as DomainWorkerFilter, WorkerKind as DomainWorkerKind};
use cam_domain::relationship::model::ClientFilter as DomainClientFilter;
use cam_domain::services::accounts::CamReader;
use cam_domain::user::model::User as DomainUser;

use super::plan;
use super::tab::Prefetched;
use crate::graphql::audit::AuditEvent;
use crate::graphql::connection::{asked_page, connection, empty_page, Asked, Conn};
use crate::graphql::enums::{AccessType, MemberStatus, PartnerTier, RelationshipStatus, Role};
use crate::graphql::error::forbidden;
use crate::graphql::error::query;
use crate::graphql::ids::{encode, Kind};
use crate::graphql::loaders::{load, DomainsOf, SuperAdminCount};
use crate::graphql::membership::{Membership, Worker};
use crate::graphql::permission::{PermissionSet, PermissionTemplate};
use crate::graphql::relationship::PartnerClient;
use crate::graphql::user::User;
use crate::graphql::{cam, principal};

pub struct Viewer {
    pub user: DomainUser,
    pub partners: Vec<Account>,
    pub clients: Vec<Account>,
    pub approves_for: Vec<Account>,
}

#[Object]
impl Viewer {
    async fn user(&self) -> User {
        User(self.user.clone())
    }
    async fn partner_accounts(&self) -> Vec<PartnerAccount> {
        self.partners.iter().cloned().map(PartnerAccount::new).collect()
    }
    async fn client_accounts(&self) -> Vec<ClientAccount> {
        self.clients.iter().cloned().map(ClientAccount).collect()
    }
    /// v1.1: the client accounts where the viewer may approve an access
    /// link (R10: an active super admin, or `USERS_ADD_EDIT`).
    async fn approvable_client_accounts(&self) -> Vec<ClientAccount> {
        self.approves_for.iter().cloned().map(ClientAccount).collect()
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

#[derive(InputObject, Default, Clone)]
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
    let key = plan::audit_key(ctx, scope, first, after, Asked::of(&ctx.look_ahead()))?;
    let page = key.page;
    // Batched: the logs of every account of a list cost one check and one
    // statement per kind of scope.
    let rows = load(ctx, key).await?.unwrap_or(Ok(empty_page(page)));
    Ok(connection(rows.map_err(forbidden)?, |e| e.id.get(), AuditEvent))
}

/// The Clients tab's filter as the domain takes it. Errors: a search
/// longer than `MAX_SEARCH`.
pub(crate) fn domain_client_filter(filter: Option<ClientFilter>) -> Result<DomainClientFilter> {
    let f = filter.unwrap_or_default();
    check_search(&f.search)?;
    Ok(DomainClientFilter {
        access_types: f.access_types.map(|v| v.into_iter().map(Into::into).collect()),
        statuses: f.relationship_status.map(|v| v.into_iter().map(Into::into).collect()),
        search: f.search,
    })
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

/// A partner account; `1`: the domain's finding that the caller may read
/// its CAM data, when the account was found for this caller
/// (`visible_partner`), so that its tabs do not read the membership again;
/// `2`: its Clients tab, when it was read along with it (`tab.rs`).
pub struct PartnerAccount(pub Account, pub Option<CamReader>, pub Prefetched);

impl PartnerAccount {
    /// An account reached some other way (a relationship, a payload): its
    /// tabs check the caller themselves.
    pub fn new(a: Account) -> Self {
        Self(a, None, Prefetched::default())
    }

    /// An account found for the caller (`visible_partner`).
    pub fn found(a: Account, reader: Option<CamReader>) -> Self {
        Self(a, reader, Prefetched::default())
    }

    async fn workers(
        &self,
        ctx: &Context<'_>,
        kind: DomainWorkerKind,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<WorkerFilter>,
    ) -> Result<Conn<Worker>> {
        let (asked, page) = asked_page(ctx, first, after)?;
        let filter = filter.unwrap_or_default();
        check_search(&filter.search)?;
        let p = principal(ctx)?;
        let rows = query(
            ctx,
            cam(ctx)?.memberships.workers(p, self.1, self.0.id, kind, &filter.into(), page, asked.total).await,
        )?;
        plan::workers_tab(ctx, &self.0, &rows.items).await?;
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
    /// v1.2, R52: every domain with its proof state (verifiedDomains stays: the VERIFIED and FAILING ones).
    async fn domains(&self, ctx: &Context<'_>) -> Result<Vec<super::domains::PartnerDomain>> {
        super::domains::domains_of(ctx, self.0.id).await
    }
    /// True when the viewer may use the Client Access Manager here (R1).
    async fn can_manage_access(&self, ctx: &Context<'_>) -> Result<bool> {
        let p = principal(ctx)?;
        query(ctx, cam(ctx)?.accounts.can_manage_access(p, self.0.id).await)
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
        let (asked, page) = asked_page(ctx, first, after)?;
        let f = domain_client_filter(filter)?;
        let p = principal(ctx)?;
        let (rows, read) = match self.2.take(page, asked.total, &f) {
            Some(tab) => query(ctx, tab.map(|t| (t.rows, t.partner_users)))?,
            None => {
                let tab = cam(ctx)?.relationships.partner_clients(p, self.1, self.0.id, &f, page, asked.total).await;
                (query(ctx, tab)?, None)
            }
        };
        // No N+1: what the page shows of its rows' lists is loaded for every
        // row at once.
        plan::clients_tab(ctx, &rows.items, read).await?;
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
        Ok(query(ctx, cam(ctx)?.permissions.sets().of(p, self.0.id).await)?.into_iter().map(PermissionSet).collect())
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
        // Batched: the members of every client account of a list cost one
        // check and one statement, with their users and sets.
        let key = plan::members_key(ctx, self.0.id, first, after, filter, Asked::of(&ctx.look_ahead()))?;
        let page = key.page;
        let rows = load(ctx, key).await?.unwrap_or(Ok(empty_page(page))).map_err(forbidden)?;
        plan::prefetch_memberships(ctx, &rows.items.iter().collect::<Vec<_>>()).await?;
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
    /// v1.2, R58: the built-in Partner Admin template first.
    async fn permission_templates(&self, ctx: &Context<'_>) -> Result<Vec<PermissionTemplate>> {
        let p = principal(ctx)?;
        let templates = query(ctx, cam(ctx)?.permissions.templates().of(p, self.0.id).await)?;
        Ok(templates.into_iter().map(PermissionTemplate).collect())
    }
    /// v1.1, R44: this account's SCIM tokens (active super admins only), without their secrets.
    async fn scim_tokens(&self, ctx: &Context<'_>) -> Result<Vec<crate::graphql::scim::ScimToken>> {
        let tokens = query(ctx, cam(ctx)?.scim.scim_tokens(principal(ctx)?, self.0.id).await)?;
        Ok(tokens.into_iter().map(crate::graphql::scim::ScimToken).collect())
    }
}
