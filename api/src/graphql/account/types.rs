//! Account object types.

use async_graphql::{Context, InputObject, InputType, Object, Pos, Result, SelectionField, ID};
use cam_domain::account::model::Account;
use cam_domain::account::service::CamReader;
use cam_domain::audit::model::AuditScope;
use cam_domain::membership::model::{
    MemberFilter as DomainMemberFilter, WorkerFilter as DomainWorkerFilter, WorkerKind as DomainWorkerKind,
};
use cam_domain::relationship::model::ClientFilter as DomainClientFilter;
use cam_domain::user::model::User as DomainUser;

use crate::graphql::audit::AuditEvent;
use crate::graphql::connection::{connection, page_request, Asked, Conn};
use crate::graphql::enums::{AccessType, MemberStatus, PartnerTier, RelationshipStatus, Role};
use crate::graphql::error::query;
use crate::graphql::error::{failure, forbidden};
use crate::graphql::ids::{encode, Kind};
use crate::graphql::loaders::{
    load, load_now, prefetch_memberships, Asker, AuditOf, ClientMembershipsOf, DomainsOf, Loaders, MembersOf,
    SuperAdminCount, VerifiedKey,
};
use crate::graphql::membership::{Membership, Worker};
use crate::graphql::permission::{PermissionSet, PermissionTemplate};
use crate::graphql::relationship::{partner_users_keys, PartnerClient};
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

/// The loader key of an account's `auditLog(first, after)` (R32); the
/// Clients tab builds the same keys to load every row's log in one batch.
fn audit_key(
    ctx: &Context<'_>,
    scope: AuditScope,
    first: Option<i32>,
    after: Option<String>,
    asked: Asked,
) -> Result<AuditOf> {
    Ok(AuditOf {
        asker: Asker(principal(ctx)?.clone()),
        scope,
        page: asked.page(page_request(first, after)?),
        with_total: asked.total,
    })
}

/// A page of an account's audit log (R32).
async fn audit_log(
    ctx: &Context<'_>,
    scope: AuditScope,
    first: Option<i32>,
    after: Option<String>,
) -> Result<Conn<AuditEvent>> {
    let key = audit_key(ctx, scope, first, after, Asked::of(&ctx.look_ahead()))?;
    let page = key.page;
    // Batched: the logs of every account of a list cost one check and one
    // statement per kind of scope.
    let rows = load(ctx, key).await?.unwrap_or(Ok(empty(page)));
    Ok(connection(rows.map_err(forbidden)?, |e| e.id.get(), AuditEvent))
}

/// The loader key of a client account's `members(first, after, filter)`.
fn members_key(
    ctx: &Context<'_>,
    client: cam_domain::AccountId,
    first: Option<i32>,
    after: Option<String>,
    filter: Option<MemberFilter>,
    asked: Asked,
) -> Result<MembersOf> {
    let f = filter.unwrap_or_default();
    let filter = DomainMemberFilter {
        roles: f.roles.map(|v| v.into_iter().map(Into::into).collect()),
        statuses: f.status.map(|v| v.into_iter().map(Into::into).collect()),
        partner_users_only: f.partner_users_only.unwrap_or(false),
        partner_id: None,
    };
    Ok(MembersOf {
        asker: Asker(principal(ctx)?.clone()),
        client,
        filter,
        page: asked.page(page_request(first, after)?),
        with_total: asked.total,
    })
}

/// An argument of a selected field, read as its resolver reads it.
fn argument<T: InputType>(field: &SelectionField<'_>, name: &str) -> Result<Option<T>> {
    for (n, value) in field.arguments()? {
        if n.as_str() == name {
            return <Option<T> as InputType>::parse(Some(value))
                .map_err(|e| e.into_server_error(Pos::default()).into());
        }
    }
    Ok(None)
}

/// Warms the loaders of `members` and `auditLog` selected under the
/// Clients tab's `client`, for every row at once: one batch each, however
/// the executor schedules the rows (a list of more than 32 rows is polled
/// in slices, and a batch may close between them).
async fn prefetch_client_lists(ctx: &Context<'_>, clients: &[cam_domain::AccountId]) -> Result<()> {
    let loader = ctx.data::<Loaders>()?;
    for client in ctx.look_ahead().field("edges").field("node").field("client").selection_fields() {
        for field in client.selection_set() {
            let asked = Asked::of_field(&field);
            // Invalid arguments are the nested field's to report, at its path.
            let (Ok(first), Ok(after)) = (argument::<i32>(&field, "first"), argument::<String>(&field, "after")) else {
                continue;
            };
            match field.name() {
                "members" => {
                    let Ok(filter) = argument::<MemberFilter>(&field, "filter") else { continue };
                    let keys: Result<Vec<_>> = clients
                        .iter()
                        .map(|c| members_key(ctx, *c, first, after.clone(), filter.clone(), asked))
                        .collect();
                    let Ok(keys) = keys else { continue };
                    load_now(loader, keys).await.map_err(|e| failure(ctx, &e))?;
                }
                "auditLog" => {
                    let keys: Result<Vec<_>> = clients
                        .iter()
                        .map(|c| audit_key(ctx, AuditScope::Client(*c), first, after.clone(), asked))
                        .collect();
                    let Ok(keys) = keys else { continue };
                    load_now(loader, keys).await.map_err(|e| failure(ctx, &e))?;
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// A page without rows (a loader answers one for every key; this is only
/// the fallback).
fn empty<T>(page: cam_domain::PageRequest) -> cam_domain::Page<T> {
    cam_domain::Page { items: Vec::new(), has_next: false, has_previous: page.after.is_some(), total: 0 }
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
/// (`visible_partner`), so that its tabs do not read the membership again.
pub struct PartnerAccount(pub Account, pub Option<CamReader>);

impl PartnerAccount {
    /// An account reached some other way (a relationship, a payload): its
    /// tabs check the caller themselves.
    pub fn new(a: Account) -> Self {
        Self(a, None)
    }
}

impl PartnerAccount {
    async fn workers(
        &self,
        ctx: &Context<'_>,
        kind: DomainWorkerKind,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<WorkerFilter>,
    ) -> Result<Conn<Worker>> {
        let asked = Asked::of(&ctx.look_ahead());
        let page = asked.page(page_request(first, after)?);
        let filter = filter.unwrap_or_default();
        check_search(&filter.search)?;
        let p = principal(ctx)?;
        let rows = query(ctx, cam(ctx)?.workers(p, self.1, self.0.id, kind, &filter.into(), page, asked.total).await)?;
        let users = prefetch_memberships(ctx, &rows.items.iter().collect::<Vec<_>>()).await?;
        self.prefetch_worker_fields(ctx, &rows.items, &users).await?;
        Ok(connection(rows, |m| m.id.get(), Worker))
    }

    /// Warms, for every row of a Workers tab at once, what its fields read:
    /// the partner (this account), the check marks and the selected
    /// `clientMemberships` pages (whose resolver takes their accounts from
    /// what the pages read along). One batch each,
    /// without the loaders' batching delay, however the executor schedules
    /// the rows.
    async fn prefetch_worker_fields(
        &self,
        ctx: &Context<'_>,
        rows: &[cam_domain::membership::model::Membership],
        users: &std::collections::HashMap<cam_domain::UserId, DomainUser>,
    ) -> Result<()> {
        let loader = ctx.data::<Loaders>()?;
        loader.feed_one(self.0.id, self.0.clone()).await;
        let node = ctx.look_ahead().field("edges").field("node");
        if node.field("emailDomainVerified").exists() || node.field("partnerSeatEligible").exists() {
            let keys =
                rows.iter().filter_map(|m| users.get(&m.user_id)).map(|u| VerifiedKey(self.0.id, u.email.clone()));
            load_now(loader, keys).await.map_err(|e| failure(ctx, &e))?;
        }
        for field in node.field("clientMemberships").selection_fields() {
            // Invalid arguments are the nested field's to report, at its path.
            let (Ok(first), Ok(after)) = (argument::<i32>(&field, "first"), argument::<String>(&field, "after")) else {
                continue;
            };
            let Ok(page) = page_request(first, after) else { continue };
            let asked = Asked::of_field(&field);
            let page = asked.page(page);
            let keys = rows.iter().map(|m| ClientMembershipsOf {
                partner: m.account_id,
                user: m.user_id,
                page,
                with_total: asked.total,
            });
            load_now(loader, keys).await.map_err(|e| failure(ctx, &e))?;
        }
        Ok(())
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
        let asked = Asked::of(&ctx.look_ahead());
        let page = asked.page(page_request(first, after)?);
        let f = filter.unwrap_or_default();
        check_search(&f.search)?;
        let f = DomainClientFilter {
            access_types: f.access_types.map(|v| v.into_iter().map(Into::into).collect()),
            statuses: f.relationship_status.map(|v| v.into_iter().map(Into::into).collect()),
            search: f.search,
        };
        let p = principal(ctx)?;
        let rows = query(ctx, cam(ctx)?.partner_clients(p, self.1, self.0.id, &f, page, asked.total).await)?;
        // No N+1: when the page shows partner users, load them for every row
        // in one batch, then their users and sets in one batch each.
        let rels: Vec<_> = rows.items.iter().map(|r| &r.relationship).collect();
        for field in ctx.look_ahead().field("edges").field("node").field("partnerUsers").selection_fields() {
            // Invalid arguments are the nested field's to report, at its path.
            let Ok(keys) = partner_users_keys(&field, &rels) else { continue };
            let users = load_now(ctx.data::<Loaders>()?, keys).await.map_err(|e| failure(ctx, &e))?;
            prefetch_memberships(ctx, &users.values().flat_map(|p| p.items.iter()).collect::<Vec<_>>()).await?;
        }
        let clients: Vec<_> = rows.items.iter().map(|r| r.relationship.client_id).collect();
        prefetch_client_lists(ctx, &clients).await?;
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
        // Batched: the members of every client account of a list cost one
        // check and one statement, with their users and sets.
        let key = members_key(ctx, self.0.id, first, after, filter, Asked::of(&ctx.look_ahead()))?;
        let page = key.page;
        let rows = load(ctx, key).await?.unwrap_or(Ok(empty(page))).map_err(forbidden)?;
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
    /// v1.2, R58: the built-in Partner Admin template first.
    async fn permission_templates(&self, ctx: &Context<'_>) -> Result<Vec<PermissionTemplate>> {
        let p = principal(ctx)?;
        let templates = query(ctx, cam(ctx)?.permission_templates(p, self.0.id).await)?;
        Ok(templates.into_iter().map(PermissionTemplate).collect())
    }
    /// v1.1, R44: this account's SCIM tokens (active super admins only), without their secrets.
    async fn scim_tokens(&self, ctx: &Context<'_>) -> Result<Vec<crate::graphql::scim::ScimToken>> {
        let tokens = query(ctx, cam(ctx)?.scim_tokens(principal(ctx)?, self.0.id).await)?;
        Ok(tokens.into_iter().map(crate::graphql::scim::ScimToken).collect())
    }
}
