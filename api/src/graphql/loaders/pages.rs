//! The loaders of pages: a nested list (partner users, client memberships,
//! owned assets, members, audit log) for every row of a page at once, one
//! windowed statement per group of keys that share their page and filter.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use cam_domain::audit::model::{AuditEvent, AuditScope};
use cam_domain::membership::model::{MemberFilter, MemberStatus, Membership};
use cam_domain::*;

use super::{grouped, LoadError, StoreLoader};

/// A page of a partner's users in a client account, in id order; loaded
/// for many clients at once (the Clients tab's `partnerUsers`) with one
/// windowed statement that reads at most `first + 1` rows per client.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct PartnerUsersOf {
    pub partner: AccountId,
    pub client: AccountId,
    pub page: PageRequest,
    pub statuses: Option<Vec<MemberStatus>>,
    /// Whether the query asks for `totalCount`.
    pub with_total: bool,
}

impl Loader<PartnerUsersOf> for StoreLoader {
    type Value = Page<Membership>;
    type Error = LoadError;
    async fn load(&self, keys: &[PartnerUsersOf]) -> Result<HashMap<PartnerUsersOf, Page<Membership>>, LoadError> {
        // Keys of one request share their page and filter; each group (the
        // key without its client) is one statement, two with totals.
        let groups = grouped(keys, |k| (PartnerUsersOf { client: AccountId::new(0), ..k.clone() }, k.client));
        let mut out = HashMap::new();
        for (group, clients) in groups {
            let filter = MemberFilter {
                statuses: group.statuses.clone(),
                partner_users_only: true,
                partner_id: Some(group.partner),
                roles: None,
            };
            let found = self
                .batch
                .members_page_per_account(&clients, &filter, group.page, group.with_total)
                .await
                .map_err(Arc::new)?;
            self.remember(&found);
            for (client, p) in found.pages {
                out.insert(PartnerUsersOf { client, ..group.clone() }, p);
            }
        }
        Ok(out)
    }
}

/// A page of a worker's memberships in the partner's client accounts; one
/// windowed statement for all the workers of a page.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ClientMembershipsOf {
    pub partner: AccountId,
    pub user: UserId,
    pub page: PageRequest,
    /// Whether the query asks for `totalCount`.
    pub with_total: bool,
}

impl Loader<ClientMembershipsOf> for StoreLoader {
    type Value = Page<Membership>;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[ClientMembershipsOf],
    ) -> Result<HashMap<ClientMembershipsOf, Page<Membership>>, LoadError> {
        let groups = grouped(keys, |k| ((k.partner, k.page, k.with_total), k.user));
        let mut out = HashMap::new();
        for ((partner, page, with_total), users) in groups {
            let found = self
                .batch
                .client_memberships_page_per_user(partner, &users, page, with_total)
                .await
                .map_err(Arc::new)?;
            self.remember(&found);
            for (user, p) in found.pages {
                out.insert(ClientMembershipsOf { partner, user, page, with_total }, p);
            }
        }
        Ok(out)
    }
}

/// A page of what a user owns in a client account.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct OwnedAssets {
    pub client: AccountId,
    pub owner: UserId,
    pub page: PageRequest,
    /// Whether the query asks for `totalCount`.
    pub with_total: bool,
}

impl Loader<OwnedAssets> for StoreLoader {
    type Value = Page<cam_domain::asset::model::Asset>;
    type Error = LoadError;
    async fn load(&self, keys: &[OwnedAssets]) -> Result<HashMap<OwnedAssets, Self::Value>, LoadError> {
        let groups = grouped(keys, |k| ((k.page, k.with_total), (k.client, k.owner)));
        let mut out = HashMap::new();
        for ((page, with_total), pairs) in groups {
            let found = self.batch.assets_page_per_owner(&pairs, page, with_total).await.map_err(Arc::new)?;
            for ((client, owner), p) in found {
                out.insert(OwnedAssets { client, owner, page, with_total }, p);
            }
        }
        Ok(out)
    }
}

/// Who asks, in a loader key: keys of one request share it, so they form
/// one batch. Equal when they are the same user, or both the operator.
#[derive(Clone, Debug)]
pub struct Asker(pub Principal);

impl PartialEq for Asker {
    fn eq(&self, o: &Self) -> bool {
        self.0.user().map(|u| u.id) == o.0.user().map(|u| u.id)
    }
}
impl Eq for Asker {}
impl std::hash::Hash for Asker {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.user().map(|u| u.id).hash(h)
    }
}

/// A refusal of one parent of a batch (`FORBIDDEN`, with its message).
pub type Refused = String;

fn refusal(e: cam_domain::Error) -> Result<Refused, LoadError> {
    match e {
        cam_domain::Error::Forbidden(m) => Ok(m),
        cam_domain::Error::Refused(r) => Ok(r.into_iter().map(|r| r.message).collect::<Vec<_>>().join("; ")),
        cam_domain::Error::Storage(e) => Err(Arc::new(e)),
    }
}

/// The pages of the parents the asker may read and the refusals of the
/// others, each under its key. Errors: a failure that is no refusal.
fn pages_or_refusals<P, T, K: Eq + std::hash::Hash>(
    out: &mut HashMap<K, Result<Page<T>, Refused>>,
    pages: impl IntoIterator<Item = (P, Page<T>)>,
    refused: impl IntoIterator<Item = (P, cam_domain::Error)>,
    key: impl Fn(P) -> K,
) -> Result<(), LoadError> {
    for (parent, p) in pages {
        out.insert(key(parent), Ok(p));
    }
    for (parent, e) in refused {
        out.insert(key(parent), Err(refusal(e)?));
    }
    Ok(())
}

/// A use case's error that is no refusal of one parent, as a load error.
fn load_error(e: cam_domain::Error) -> LoadError {
    match e {
        cam_domain::Error::Storage(e) => Arc::new(e),
        other => Arc::new(StorageError::Other(Box::new(other))),
    }
}

/// A page of a client account's members (`ClientAccount.members`), for
/// every client account of a list at once: who may read each is checked
/// in one statement, the pages are read in one more.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct MembersOf {
    pub asker: Asker,
    pub client: AccountId,
    pub filter: MemberFilter,
    pub page: PageRequest,
    pub with_total: bool,
}

impl Loader<MembersOf> for StoreLoader {
    type Value = Result<Page<Membership>, Refused>;
    type Error = LoadError;
    async fn load(&self, keys: &[MembersOf]) -> Result<HashMap<MembersOf, Self::Value>, LoadError> {
        let groups = grouped(keys, |k| (MembersOf { client: AccountId::new(0), ..k.clone() }, k.client));
        let mut out = HashMap::new();
        for (group, clients) in groups {
            let found = self
                .memberships
                .client_members_of(&group.asker.0, &clients, &group.filter, group.page, group.with_total)
                .await
                .map_err(load_error)?;
            self.remember(&found.pages);
            let key = |client| MembersOf { client, ..group.clone() };
            pages_or_refusals(&mut out, found.pages.pages, found.refused, key)?;
        }
        Ok(out)
    }
}

/// A page of an account's audit log (R32), for every account of a list at
/// once.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct AuditOf {
    pub asker: Asker,
    pub scope: AuditScope,
    pub page: PageRequest,
    pub with_total: bool,
}

impl Loader<AuditOf> for StoreLoader {
    type Value = Result<Page<AuditEvent>, Refused>;
    type Error = LoadError;
    async fn load(&self, keys: &[AuditOf]) -> Result<HashMap<AuditOf, Self::Value>, LoadError> {
        let groups = grouped(keys, |k| ((k.asker.clone(), k.page, k.with_total), k.scope));
        let mut out = HashMap::new();
        for ((asker, page, with_total), scopes) in groups {
            let found = self.audit.audit_logs_of(&asker.0, &scopes, page, with_total).await.map_err(load_error)?;
            let key = |scope| AuditOf { asker: asker.clone(), scope, page, with_total };
            pages_or_refusals(&mut out, found.pages, found.refused, key)?;
        }
        Ok(out)
    }
}
