//! The query plan of the heavy reads: a partner account's tabs (Clients,
//! Employees, Contractors) and the lists nested in their rows. What the
//! page's selection asks of each nested list is read from the look-ahead,
//! and loaded for every row at once, so that a tab costs a fixed number of
//! statements whatever its page size (`tests/it/page_cost.rs` counts them),
//! without the loaders' batching delay and however the executor schedules
//! the rows (a list of more than 32 rows is polled in slices, and a batch
//! may close between them).
//!
//! Each nested list has one key builder here (`*_key`), used both by its
//! resolver and by the tab's prefetch: the resolver then finds its page in
//! the request's loader cache. Invalid arguments are not reported here but
//! by the nested field's resolver, at its path: a prefetch skips them.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, InputType, Pos, Result, SelectionField};
use cam_domain::account::model::Account;
use cam_domain::audit::model::AuditScope;
use cam_domain::membership::model::{MemberFilter as DomainMemberFilter, Membership};
use cam_domain::membership::ports::MemberPages;
use cam_domain::relationship::model::Relationship;
use cam_domain::services::relationships::ClientRow;
use cam_domain::user::model::User;
use cam_domain::{AccountId, PageRequest, PermissionSetId, UserId};

use super::types::MemberFilter;
use crate::graphql::connection::{page_request, Asked};
use crate::graphql::enums::MemberStatus;
use crate::graphql::error::failure;
use crate::graphql::loaders::{
    keep_partner_users, load_now, Asker, AuditOf, ClientMembershipsOf, LoadError, Loaders, MembersOf, PartnerUsersOf,
    StoreLoader, VerifiedKey,
};
use crate::graphql::principal;

/// An argument of a selected field, read as its resolver reads it.
pub(crate) fn argument<T: InputType>(field: &SelectionField<'_>, name: &str) -> Result<Option<T>> {
    for (n, value) in field.arguments()? {
        if n.as_str() == name {
            return <Option<T> as InputType>::parse(Some(value))
                .map_err(|e| e.into_server_error(Pos::default()).into());
        }
    }
    Ok(None)
}

/// `first` and `after` of a selected connection field.
pub(crate) fn page_arguments(field: &SelectionField<'_>) -> Result<(Option<i32>, Option<String>)> {
    Ok((argument(field, "first")?, argument(field, "after")?))
}

/// The loader key of an account's `auditLog(first, after)` (R32).
pub(crate) fn audit_key(
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

/// The loader key of a client account's `members(first, after, filter)`.
pub(crate) fn members_key(
    ctx: &Context<'_>,
    client: AccountId,
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

/// The loader key of a client's `partnerUsers(first, after, status)`.
pub(crate) fn partner_users_key(
    rel: &Relationship,
    first: Option<i32>,
    after: Option<String>,
    status: Option<Vec<MemberStatus>>,
    asked: Asked,
) -> Result<PartnerUsersOf> {
    Ok(PartnerUsersOf {
        partner: rel.partner_id,
        client: rel.client_id,
        page: asked.page(page_request(first, after)?),
        statuses: status.map(|s| s.into_iter().map(Into::into).collect()),
        with_total: asked.total,
    })
}

/// The loader key of a worker's `clientMemberships(first, after)`.
pub(crate) fn client_memberships_key(worker: &Membership, page: PageRequest, asked: Asked) -> ClientMembershipsOf {
    ClientMembershipsOf {
        partner: worker.account_id,
        user: worker.user_id,
        page: asked.page(page),
        with_total: asked.total,
    }
}

/// Loads a complete set of keys now (`load_now`). Errors: `INTERNAL`.
async fn load_all<K, V>(ctx: &Context<'_>, loader: &Loaders, keys: impl IntoIterator<Item = K>) -> Result<HashMap<K, V>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    StoreLoader: Loader<K, Value = V, Error = LoadError>,
    V: Send + Sync + Clone + 'static,
{
    load_now(loader, keys).await.map_err(|e| failure(ctx, &e))
}

/// Warms the request's loaders for a page of memberships: their users and
/// permission sets in one batch each.
pub(crate) async fn prefetch_memberships(ctx: &Context<'_>, ms: &[&Membership]) -> Result<HashMap<UserId, User>> {
    let loader = ctx.data::<Loaders>()?;
    let users = ms.iter().map(|m| m.user_id);
    let sets = ms.iter().filter_map(|m| m.permission_set_id);
    let (u, s) = futures::join!(load_now(loader, users), load_now::<PermissionSetId, _>(loader, sets));
    s.map_err(|e| failure(ctx, &e))?;
    u.map_err(|e| failure(ctx, &e))
}

/// The Clients tab (`PartnerAccount.clients`): the `partnerUsers` of every
/// row with their users and sets, then its `client`'s `members` and
/// `auditLog`, one batch each.
///
/// `read`: the rows' partner users when they were read with the page (the
/// one `partnerUsers` selected, see `tab.rs`), with their users and sets:
/// they are kept for the request under the keys the resolvers will ask,
/// and cost no statement.
pub(crate) async fn clients_tab(
    ctx: &Context<'_>,
    rows: &[ClientRow],
    read: Option<MemberPages<AccountId>>,
) -> Result<()> {
    let loader = ctx.data::<Loaders>()?;
    let node = ctx.look_ahead().field("edges").field("node");
    let rels: Vec<_> = rows.iter().map(|r| &r.relationship).collect();
    for field in node.field("partnerUsers").selection_fields() {
        let Ok(keys) = partner_users_keys(&field, &rels) else { continue };
        match &read {
            Some(read) => keep_partner_users(loader, &keys, read),
            None => {
                let users = load_all(ctx, loader, keys).await?;
                prefetch_memberships(ctx, &users.values().flat_map(|p| p.items.iter()).collect::<Vec<_>>()).await?;
            }
        }
    }
    let clients: Vec<_> = rows.iter().map(|r| r.relationship.client_id).collect();
    for client in node.field("client").selection_fields() {
        for field in client.selection_set() {
            client_list(ctx, loader, &clients, &field).await?;
        }
    }
    Ok(())
}

/// The `members` or `auditLog` selected under the Clients tab's `client`,
/// for every row.
async fn client_list(
    ctx: &Context<'_>,
    loader: &Loaders,
    clients: &[AccountId],
    field: &SelectionField<'_>,
) -> Result<()> {
    let asked = Asked::of_field(field);
    let Ok((first, after)) = page_arguments(field) else { return Ok(()) };
    match field.name() {
        "members" => {
            let Ok(filter) = argument::<MemberFilter>(field, "filter") else { return Ok(()) };
            let keys: Result<Vec<_>> =
                clients.iter().map(|c| members_key(ctx, *c, first, after.clone(), filter.clone(), asked)).collect();
            if let Ok(keys) = keys {
                load_all(ctx, loader, keys).await?;
            }
        }
        "auditLog" => {
            let keys: Result<Vec<_>> =
                clients.iter().map(|c| audit_key(ctx, AuditScope::Client(*c), first, after.clone(), asked)).collect();
            if let Ok(keys) = keys {
                load_all(ctx, loader, keys).await?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The keys that a `partnerUsers` selection will ask for, one per row of
/// the page, read from its arguments as the resolver will read them.
fn partner_users_keys(field: &SelectionField<'_>, rels: &[&Relationship]) -> Result<Vec<PartnerUsersOf>> {
    let (first, after) = page_arguments(field)?;
    let status = argument::<Vec<MemberStatus>>(field, "status")?;
    let asked = Asked::of_field(field);
    rels.iter().map(|r| partner_users_key(r, first, after.clone(), status.clone(), asked)).collect()
}

/// A Workers tab (Employees, Contractors) of `partner`: every row's user
/// and set, the partner (this account), the check marks and the selected
/// `clientMemberships` pages (whose resolver takes their accounts from
/// what the pages read along), one batch each.
pub(crate) async fn workers_tab(ctx: &Context<'_>, partner: &Account, rows: &[Membership]) -> Result<()> {
    let users = prefetch_memberships(ctx, &rows.iter().collect::<Vec<_>>()).await?;
    let loader = ctx.data::<Loaders>()?;
    loader.feed_one(partner.id, partner.clone()).await;
    let node = ctx.look_ahead().field("edges").field("node");
    if node.field("emailDomainVerified").exists() || node.field("partnerSeatEligible").exists() {
        let keys = rows.iter().filter_map(|m| users.get(&m.user_id)).map(|u| VerifiedKey(partner.id, u.email.clone()));
        load_all(ctx, loader, keys).await?;
    }
    for field in node.field("clientMemberships").selection_fields() {
        let Ok((first, after)) = page_arguments(&field) else { continue };
        let Ok(page) = page_request(first, after) else { continue };
        let asked = Asked::of_field(&field);
        load_all(ctx, loader, rows.iter().map(|m| client_memberships_key(m, page, asked))).await?;
    }
    Ok(())
}

/// A worker's `clientMemberships` page read its accounts along (the
/// loader keeps them): when the selection shows them, take them now rather
/// than through one batching delay more.
pub(crate) async fn accounts_read_along(ctx: &Context<'_>, rows: &[Membership]) -> Result<()> {
    let loader = ctx.data_opt::<Loaders>();
    if let Some(loader) = loader.filter(|_| ctx.look_ahead().field("edges").field("node").field("account").exists()) {
        let accounts = rows.iter().map(|m| m.account_id);
        load_now::<_, Account>(loader, accounts).await.map_err(|e| failure(ctx, &e))?;
    }
    Ok(())
}
