//! One DataLoader per request, one `Loader` impl per relation, each backed
//! by a batch port method, so that a list never costs a query per row.
//! The loaders of pages (a nested list for every row of a page) are in
//! `pages`.

mod pages;

pub use pages::*;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::Context;
use cam_domain::access_link::model::AccessLink;
use cam_domain::account::model::Account;
use cam_domain::membership::model::Membership;
use cam_domain::membership::ports::MemberPages;
use cam_domain::permission::PermissionSet;
use cam_domain::relationship::model::{PartnerUserStats, Relationship};
use cam_domain::services::audit::AuditService;
use cam_domain::services::batch::Batch;
use cam_domain::services::memberships::MembershipService;
use cam_domain::user::model::{Email, User};
use cam_domain::*;

pub type LoadError = Arc<StorageError>;

pub struct StoreLoader {
    /// The services the loaders read through: a request clones these
    /// rather than the whole `Cam` (each clone of an `Arc` is an atomic
    /// write on a counter that every request's thread shares).
    batch: Batch,
    audit: AuditService,
    memberships: MembershipService,
    /// What nested pages read along with their rows (`MemberPages`): the
    /// by-id loaders and `load_read_along` answer it without a statement.
    seen: Mutex<Seen>,
}

#[derive(Default)]
pub(crate) struct Seen {
    users: HashMap<UserId, User>,
    sets: HashMap<PermissionSetId, PermissionSet>,
    accounts: HashMap<AccountId, Account>,
    /// The Clients tab's rows' partner users, read with the page.
    partner_users: HashMap<PartnerUsersOf, Page<Membership>>,
}

/// A value of `Seen` by its key.
pub(crate) trait ReadAlong<K, V> {
    fn read_along(&self, key: &K) -> Option<V>;
}

macro_rules! read_along {
    ($key:ty, $value:ty, $field:ident) => {
        impl ReadAlong<$key, $value> for Seen {
            fn read_along(&self, key: &$key) -> Option<$value> {
                self.$field.get(key).cloned()
            }
        }
    };
}

read_along!(UserId, User, users);
read_along!(PermissionSetId, PermissionSet, sets);
read_along!(AccountId, Account, accounts);
read_along!(PartnerUsersOf, Page<Membership>, partner_users);

impl StoreLoader {
    pub(crate) fn remember<K>(&self, found: &MemberPages<K>) {
        let Ok(mut seen) = self.seen.lock() else { return };
        seen.users.extend(found.users.iter().map(|u| (u.id, u.clone())));
        seen.sets.extend(found.sets.iter().map(|s| (s.id, s.clone())));
        seen.accounts.extend(found.accounts.iter().map(|a| (a.id, a.clone())));
    }
}

pub type Loaders = DataLoader<StoreLoader, HashMapCache>;

/// Pages of partner users read along with the Clients tab (`read`), kept
/// for the request under `keys` (one per row) with the users, sets and
/// accounts they read along: their resolvers then read nothing.
pub fn keep_partner_users(loader: &Loaders, keys: &[PartnerUsersOf], read: &MemberPages<AccountId>) {
    let loader = loader.loader();
    loader.remember(read);
    let Ok(mut seen) = loader.seen.lock() else { return };
    for k in keys {
        if let Some(p) = read.pages.get(&k.client) {
            seen.partner_users.insert(k.clone(), p.clone());
        }
    }
}

pub fn loaders(cam: &Cam) -> Loaders {
    DataLoader::with_cache(
        StoreLoader {
            batch: cam.batch.clone(),
            audit: cam.audit.clone(),
            memberships: cam.memberships.clone(),
            seen: Mutex::default(),
        },
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

/// As `load`, but first from what the request's nested pages read along
/// with their rows (`Seen`), without the DataLoader's round of channels,
/// maps and clones: the Clients tab asks for 350 such values (each row's
/// partner users, each of those's user and set), all read along.
pub(crate) async fn load_read_along<K, V>(ctx: &Context<'_>, key: K) -> async_graphql::Result<Option<V>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    StoreLoader: Loader<K, Value = V, Error = LoadError>,
    Seen: ReadAlong<K, V>,
    V: Send + Sync + Clone + 'static,
{
    if let Some(loader) = ctx.data_opt::<Loaders>() {
        if let Some(v) = loader.loader().seen.lock().ok().and_then(|seen| seen.read_along(&key)) {
            return Ok(Some(v));
        }
    }
    load(ctx, key).await
}

/// Keys grouped by what they share (`split` gives the group and the
/// member of a key): each group is one statement.
fn grouped<K, G: Eq + std::hash::Hash, M>(keys: &[K], split: impl Fn(&K) -> (G, M)) -> HashMap<G, Vec<M>> {
    let mut groups: HashMap<G, Vec<M>> = HashMap::new();
    for k in keys {
        let (group, member) = split(k);
        groups.entry(group).or_default().push(member);
    }
    groups
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
                map(self.batch.$method(keys).await)
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
                    out.extend(map(self.batch.$method(&rest).await)?);
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
        let stats = self.batch.partner_user_stats(&pairs).await.map_err(Arc::new)?;
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
        let found = self.batch.find_relationships_by_pair(&pairs).await.map_err(Arc::new)?;
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
        let n = self.batch.count_active_super_admins_in(&ids).await.map_err(Arc::new)?;
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
        let d = self.batch.domains_of(&ids).await.map_err(Arc::new)?;
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
        let mut out = HashMap::new();
        for (partner, emails) in grouped(keys, |k| (k.0, k.1.clone())) {
            let ok = self.batch.verified_emails(partner, &emails).await.map_err(Arc::new)?;
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
        let found = self.batch.current_links(&ids).await.map_err(Arc::new)?;
        Ok(found.into_iter().map(|(k, v)| (CurrentLink(k), v)).collect())
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
