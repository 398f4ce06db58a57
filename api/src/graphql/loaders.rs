//! One DataLoader per request, one `Loader` impl per relation, each backed
//! by a batch port method, so that a list never costs a query per row.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::Context;
use cam_domain::access_link::model::AccessLink;
use cam_domain::account::model::Account;
use cam_domain::identity::DomainVerifier;
use cam_domain::membership::model::{MemberFilter, Membership};
use cam_domain::permission::PermissionSet;
use cam_domain::relationship::model::{PartnerUserStats, Relationship};
use cam_domain::store::Store;
use cam_domain::user::model::{Email, User};
use cam_domain::*;

pub type LoadError = Arc<StorageError>;

pub struct StoreLoader {
    store: Arc<dyn Store>,
    verifier: Arc<dyn DomainVerifier>,
}

pub type Loaders = DataLoader<StoreLoader, HashMapCache>;

pub fn loaders(cam: &Cam) -> Loaders {
    DataLoader::with_cache(
        StoreLoader { store: cam.store.clone(), verifier: cam.verifier.clone() },
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
    let loader = ctx.data::<Loaders>()?;
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
                map(self.store.$method(keys).await)
            }
        }
    };
}

by_id!(UserId, User, find_users);
by_id!(AccountId, Account, find_accounts);
by_id!(MembershipId, Membership, find_memberships);
by_id!(PermissionSetId, PermissionSet, find_sets);
by_id!(RelationshipId, Relationship, find_relationships);

/// The partner's active users in a client, by role (R27, access types).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct StatsKey(pub AccountId, pub AccountId);

impl Loader<StatsKey> for StoreLoader {
    type Value = PartnerUserStats;
    type Error = LoadError;
    async fn load(&self, keys: &[StatsKey]) -> Result<HashMap<StatsKey, PartnerUserStats>, LoadError> {
        let pairs: Vec<_> = keys.iter().map(|k| (k.0, k.1)).collect();
        let stats = self.store.partner_user_stats(&pairs).await.map_err(Arc::new)?;
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
        let found = self.store.find_relationships_by_pair(&pairs).await.map_err(Arc::new)?;
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
        let n = self.store.count_active_super_admins_in(&ids).await.map_err(Arc::new)?;
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
        let d = self.store.domains_of(&ids).await.map_err(Arc::new)?;
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
            let ok =
                self.verifier.verified_emails(self.store.as_domains(), partner, &emails).await.map_err(Arc::new)?;
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
        let found = self.store.current_links(&ids).await.map_err(Arc::new)?;
        Ok(found.into_iter().map(|(k, v)| (CurrentLink(k), v)).collect())
    }
}

/// A partner's users in a client account, every status, in id order;
/// loaded for many clients at once (the Clients tab's `partnerUsers`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct PartnerUsersOf {
    pub partner: AccountId,
    pub client: AccountId,
}

impl Loader<PartnerUsersOf> for StoreLoader {
    type Value = Vec<Membership>;
    type Error = LoadError;
    async fn load(&self, keys: &[PartnerUsersOf]) -> Result<HashMap<PartnerUsersOf, Vec<Membership>>, LoadError> {
        let clients: Vec<AccountId> = keys.iter().map(|k| k.client).collect();
        let filter = MemberFilter { partner_users_only: true, ..Default::default() };
        let rows = self.store.members_of_accounts(&clients, &filter).await.map_err(Arc::new)?;
        Ok(keys
            .iter()
            .map(|k| {
                let mine = rows
                    .iter()
                    .filter(|m| m.account_id == k.client && m.partner_id == Some(k.partner))
                    .cloned()
                    .collect();
                (*k, mine)
            })
            .collect())
    }
}

/// Warms the request's loaders for a page of memberships: their users and
/// permission sets in one batch each, whatever the page size and however
/// the executor schedules the rows' resolvers.
pub async fn prefetch_memberships(ctx: &Context<'_>, ms: &[&Membership]) -> async_graphql::Result<()> {
    let loader = ctx.data::<Loaders>()?;
    let users: Vec<UserId> = ms.iter().map(|m| m.user_id).collect();
    let sets: Vec<PermissionSetId> = ms.iter().filter_map(|m| m.permission_set_id).collect();
    let (u, s) = futures::join!(loader.load_many(users), loader.load_many(sets));
    u.map_err(|e| super::error::failure(ctx, &e))?;
    s.map_err(|e| super::error::failure(ctx, &e))?;
    Ok(())
}

/// A worker's memberships in the partner's client accounts.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ClientMembershipsOf {
    pub partner: AccountId,
    pub user: UserId,
}

impl Loader<ClientMembershipsOf> for StoreLoader {
    type Value = Vec<Membership>;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[ClientMembershipsOf],
    ) -> Result<HashMap<ClientMembershipsOf, Vec<Membership>>, LoadError> {
        let mut partners: Vec<AccountId> = keys.iter().map(|k| k.partner).collect();
        partners.sort();
        partners.dedup();
        let mut clients = Vec::new();
        for p in &partners {
            clients.extend(
                self.store
                    .relationships_of_partner(*p)
                    .await
                    .map_err(Arc::new)?
                    .into_iter()
                    .map(|r| (r.partner_id, r.client_id)),
            );
        }
        let users: Vec<UserId> = keys.iter().map(|k| k.user).collect();
        let client_ids: Vec<AccountId> = clients.iter().map(|c| c.1).collect();
        let rows = self.store.memberships_of_users_in(&client_ids, &users).await.map_err(Arc::new)?;
        Ok(keys
            .iter()
            .map(|k| {
                let mine = rows
                    .iter()
                    .filter(|m| m.user_id == k.user && clients.contains(&(k.partner, m.account_id)))
                    .cloned()
                    .collect();
                (*k, mine)
            })
            .collect())
    }
}

/// What a user owns in a client account.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct OwnedAssets(pub AccountId, pub UserId);

impl Loader<OwnedAssets> for StoreLoader {
    type Value = Vec<cam_domain::asset::model::Asset>;
    type Error = LoadError;
    async fn load(&self, keys: &[OwnedAssets]) -> Result<HashMap<OwnedAssets, Self::Value>, LoadError> {
        let pairs: Vec<_> = keys.iter().map(|k| (k.0, k.1)).collect();
        let rows = self.store.assets_owned_by(&pairs).await.map_err(Arc::new)?;
        Ok(keys
            .iter()
            .map(|k| (*k, rows.iter().filter(|a| a.client_id == k.0 && a.owner_id == Some(k.1)).cloned().collect()))
            .collect())
    }
}
