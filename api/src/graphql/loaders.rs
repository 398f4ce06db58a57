//! One DataLoader per request, one `Loader` impl per relation, each backed
//! by a batch port method, so that a list never costs a query per row.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::Context;
use cam_domain::access_link::model::AccessLink;
use cam_domain::account::model::Account;
use cam_domain::audit::model::{AuditEvent, AuditScope};
use cam_domain::membership::model::{MemberFilter, MemberStatus, Membership};
use cam_domain::membership::ports::MemberPages;
use cam_domain::permission::PermissionSet;
use cam_domain::relationship::model::{PartnerUserStats, Relationship};
use cam_domain::user::model::{Email, User};
use cam_domain::*;

pub type LoadError = Arc<StorageError>;

pub struct StoreLoader {
    cam: Cam,
    /// Users, sets and accounts that a nested page read along with its
    /// rows (`MemberPages`): the by-id loaders of the same request answer
    /// them without another statement.
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    users: HashMap<UserId, User>,
    sets: HashMap<PermissionSetId, PermissionSet>,
    accounts: HashMap<AccountId, Account>,
}

impl StoreLoader {
    fn remember<K>(&self, found: &MemberPages<K>) {
        let Ok(mut seen) = self.seen.lock() else { return };
        seen.users.extend(found.users.iter().map(|u| (u.id, u.clone())));
        seen.sets.extend(found.sets.iter().map(|s| (s.id, s.clone())));
        seen.accounts.extend(found.accounts.iter().map(|a| (a.id, a.clone())));
    }
}

pub type Loaders = DataLoader<StoreLoader, HashMapCache>;

pub fn loaders(cam: &Cam) -> Loaders {
    DataLoader::with_cache(
        StoreLoader { cam: cam.clone(), seen: Mutex::default() },
        tokio::spawn,
        HashMapCache::default(),
    )
}

/// Loads one value through the request's loader. Errors: `INTERNAL`.
pub async fn load<K, V>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Option<V>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    StoreLoader: Loader<K, Value = V, Error = LoadError>,
    V: Send + Sync + Clone + 'static,
{
    // A subscription's events are resolved without the request's cache, so
    // that a long-lived one neither grows it nor reads stale values.
    let Some(loader) = ctx.data_opt::<Loaders>() else {
        let fresh = loaders(super::cam(ctx)?);
        return fresh.load_one(key).await.map_err(|e| super::error::failure(ctx, &e));
    };
    loader.load_one(key).await.map_err(|e| super::error::failure(ctx, &e))
}

fn map<K: Eq + std::hash::Hash, V>(r: Result<HashMap<K, V>, StorageError>) -> Result<HashMap<K, V>, LoadError> {
    r.map_err(Arc::new)
}

macro_rules! by_id {
    ($key:ty, $value:ty, $method:ident) => {
        impl Loader<$key> for StoreLoader {
            type Value = $value;
            type Error = LoadError;
            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $value>, LoadError> {
                map(self.cam.$method(keys).await)
            }
        }
    };
}

/// By id, first from what the request's nested pages already read.
macro_rules! by_id_seen {
    ($key:ty, $value:ty, $method:ident, $seen:ident) => {
        impl Loader<$key> for StoreLoader {
            type Value = $value;
            type Error = LoadError;
            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $value>, LoadError> {
                let mut out = HashMap::new();
                let mut rest = Vec::new();
                {
                    let seen = self
                        .seen
                        .lock()
                        .map_err(|_| Arc::new(StorageError::Other("the loader cache lock was poisoned".into())))?;
                    for k in keys {
                        match seen.$seen.get(k) {
                            Some(v) => {
                                out.insert(*k, v.clone());
                            }
                            None => rest.push(*k),
                        }
                    }
                }
                if !rest.is_empty() {
                    out.extend(map(self.cam.$method(&rest).await)?);
                }
                Ok(out)
            }
        }
    };
}

by_id_seen!(UserId, User, find_users, users);
by_id_seen!(AccountId, Account, find_accounts, accounts);
by_id!(MembershipId, Membership, find_memberships);
by_id_seen!(PermissionSetId, PermissionSet, find_sets, sets);
by_id!(RelationshipId, Relationship, find_relationships);

/// The partner's active users in a client, by role (R27, access types).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct StatsKey(pub AccountId, pub AccountId);

impl Loader<StatsKey> for StoreLoader {
    type Value = PartnerUserStats;
    type Error = LoadError;
    async fn load(&self, keys: &[StatsKey]) -> Result<HashMap<StatsKey, PartnerUserStats>, LoadError> {
        let pairs: Vec<_> = keys.iter().map(|k| (k.0, k.1)).collect();
        let stats = self.cam.partner_user_stats(&pairs).await.map_err(Arc::new)?;
        Ok(keys.iter().map(|k| (*k, stats.get(&(k.0, k.1)).copied().unwrap_or_default())).collect())
    }
}

/// The relationship of a (partner, client) pair.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct PairKey(pub AccountId, pub AccountId);

impl Loader<PairKey> for StoreLoader {
    type Value = Relationship;
    type Error = LoadError;
    async fn load(&self, keys: &[PairKey]) -> Result<HashMap<PairKey, Relationship>, LoadError> {
        let pairs: Vec<_> = keys.iter().map(|k| (k.0, k.1)).collect();
        let found = self.cam.find_relationships_by_pair(&pairs).await.map_err(Arc::new)?;
        Ok(keys.iter().filter_map(|k| found.get(&(k.0, k.1)).cloned().map(|r| (*k, r))).collect())
    }
}

/// Active super admins of a client account.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct SuperAdminCount(pub AccountId);

impl Loader<SuperAdminCount> for StoreLoader {
    type Value = u64;
    type Error = LoadError;
    async fn load(&self, keys: &[SuperAdminCount]) -> Result<HashMap<SuperAdminCount, u64>, LoadError> {
        let ids: Vec<_> = keys.iter().map(|k| k.0).collect();
        let n = self.cam.count_active_super_admins_in(&ids).await.map_err(Arc::new)?;
        Ok(keys.iter().map(|k| (*k, n.get(&k.0).copied().unwrap_or(0))).collect())
    }
}

/// A partner's verified domains.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct DomainsOf(pub AccountId);

impl Loader<DomainsOf> for StoreLoader {
    type Value = Vec<String>;
    type Error = LoadError;
    async fn load(&self, keys: &[DomainsOf]) -> Result<HashMap<DomainsOf, Vec<String>>, LoadError> {
        let ids: Vec<_> = keys.iter().map(|k| k.0).collect();
        let d = self.cam.domains_of(&ids).await.map_err(Arc::new)?;
        Ok(keys.iter().map(|k| (*k, d.get(&k.0).cloned().unwrap_or_default())).collect())
    }
}

/// R4: is this email verified for this partner? Asked through the identity
/// adapter, grouped per partner.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct VerifiedKey(pub AccountId, pub Email);

impl Loader<VerifiedKey> for StoreLoader {
    type Value = bool;
    type Error = LoadError;
    async fn load(&self, keys: &[VerifiedKey]) -> Result<HashMap<VerifiedKey, bool>, LoadError> {
        let mut by_partner: HashMap<AccountId, Vec<Email>> = HashMap::new();
        for k in keys {
            by_partner.entry(k.0).or_default().push(k.1.clone());
        }
        let mut out = HashMap::new();
        for (partner, emails) in by_partner {
            let ok = self.cam.verified_emails(partner, &emails).await.map_err(Arc::new)?;
            for e in emails {
                let v = ok.contains(&e.key());
                out.insert(VerifiedKey(partner, e), v);
            }
        }
        Ok(out)
    }
}

/// A worker's newest access link.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct CurrentLink(pub MembershipId);

impl Loader<CurrentLink> for StoreLoader {
    type Value = AccessLink;
    type Error = LoadError;
    async fn load(&self, keys: &[CurrentLink]) -> Result<HashMap<CurrentLink, AccessLink>, LoadError> {
        let ids: Vec<_> = keys.iter().map(|k| k.0).collect();
        let found = self.cam.current_links(&ids).await.map_err(Arc::new)?;
        Ok(found.into_iter().map(|(k, v)| (CurrentLink(k), v)).collect())
    }
}

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
        let mut groups: HashMap<PartnerUsersOf, Vec<AccountId>> = HashMap::new();
        for k in keys {
            groups.entry(PartnerUsersOf { client: AccountId::new(0), ..k.clone() }).or_default().push(k.client);
        }
        let mut out = HashMap::new();
        for (group, clients) in groups {
            let filter = MemberFilter {
                statuses: group.statuses.clone(),
                partner_users_only: true,
                partner_id: Some(group.partner),
                roles: None,
            };
            let found = self
                .cam
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

/// Loads a complete set of keys now and keeps the values in the request's
/// cache. For a prefetch that already knows every key of its batch: the
/// DataLoader would wait its batching delay (1 ms) first, once per level of
/// the page, for keys that cannot come. Later `load` calls of these keys
/// are answered from the cache. Keys may repeat; each is loaded once.
pub async fn load_now<K, V>(loader: &Loaders, keys: impl IntoIterator<Item = K>) -> Result<HashMap<K, V>, LoadError>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    StoreLoader: Loader<K, Value = V, Error = LoadError>,
    V: Send + Sync + Clone + 'static,
{
    let mut seen = std::collections::HashSet::new();
    let keys: Vec<K> = keys.into_iter().filter(|k| seen.insert(k.clone())).collect();
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let found = loader.loader().load(&keys).await?;
    loader.feed_many(found.iter().map(|(k, v)| (k.clone(), v.clone()))).await;
    Ok(found)
}

/// Warms the request's loaders for a page of memberships: their users and
/// permission sets in one batch each, whatever the page size and however
/// the executor schedules the rows' resolvers.
pub async fn prefetch_memberships(
    ctx: &Context<'_>,
    ms: &[&Membership],
) -> async_graphql::Result<HashMap<UserId, User>> {
    let loader = ctx.data::<Loaders>()?;
    let users = ms.iter().map(|m| m.user_id);
    let sets = ms.iter().filter_map(|m| m.permission_set_id);
    let (u, s) = futures::join!(load_now(loader, users), load_now::<PermissionSetId, _>(loader, sets));
    s.map_err(|e| super::error::failure(ctx, &e))?;
    u.map_err(|e| super::error::failure(ctx, &e))
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
        let mut groups: HashMap<(AccountId, PageRequest, bool), Vec<UserId>> = HashMap::new();
        for k in keys {
            groups.entry((k.partner, k.page, k.with_total)).or_default().push(k.user);
        }
        let mut out = HashMap::new();
        for ((partner, page, with_total), users) in groups {
            let found =
                self.cam.client_memberships_page_per_user(partner, &users, page, with_total).await.map_err(Arc::new)?;
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
        let mut groups: HashMap<(PageRequest, bool), Vec<(AccountId, UserId)>> = HashMap::new();
        for k in keys {
            groups.entry((k.page, k.with_total)).or_default().push((k.client, k.owner));
        }
        let mut out = HashMap::new();
        for ((page, with_total), pairs) in groups {
            let found = self.cam.assets_page_per_owner(&pairs, page, with_total).await.map_err(Arc::new)?;
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
        let mut groups: HashMap<MembersOf, Vec<AccountId>> = HashMap::new();
        for k in keys {
            groups.entry(MembersOf { client: AccountId::new(0), ..k.clone() }).or_default().push(k.client);
        }
        let mut out = HashMap::new();
        for (group, clients) in groups {
            let found = self
                .cam
                .client_members_of(&group.asker.0, &clients, &group.filter, group.page, group.with_total)
                .await
                .map_err(|e| match e {
                    cam_domain::Error::Storage(e) => Arc::new(e),
                    other => Arc::new(StorageError::Other(Box::new(other))),
                })?;
            self.remember(&found.pages);
            for (client, p) in found.pages.pages {
                out.insert(MembersOf { client, ..group.clone() }, Ok(p));
            }
            for (client, e) in found.refused {
                out.insert(MembersOf { client, ..group.clone() }, Err(refusal(e)?));
            }
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
        let mut groups: HashMap<(Asker, PageRequest, bool), Vec<AuditScope>> = HashMap::new();
        for k in keys {
            groups.entry((k.asker.clone(), k.page, k.with_total)).or_default().push(k.scope);
        }
        let mut out = HashMap::new();
        for ((asker, page, with_total), scopes) in groups {
            let found = self.cam.audit_logs_of(&asker.0, &scopes, page, with_total).await.map_err(|e| match e {
                cam_domain::Error::Storage(e) => Arc::new(e),
                other => Arc::new(StorageError::Other(Box::new(other))),
            })?;
            let key = |scope| AuditOf { asker: asker.clone(), scope, page, with_total };
            for (scope, p) in found.pages {
                out.insert(key(scope), Ok(p));
            }
            for (scope, e) in found.refused {
                out.insert(key(scope), Err(refusal(e)?));
            }
        }
        Ok(out)
    }
}
