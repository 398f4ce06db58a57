//! Batch reads for a request's DataLoaders: objects by id, and what hangs
//! off objects, many at once. A loader asks for these only for objects a
//! use case already let the caller see (R33: the parent resolver came
//! through `visible_*`, a tab or a log), so they add no visibility rule of
//! their own; each is one statement whatever the number of keys.

use std::sync::Arc;

use crate::policy::Policy;
use crate::store::Store;

use std::collections::{HashMap, HashSet};

use crate::access_link::model::AccessLink;
use crate::account::model::Account;

use crate::asset::model::Asset;
use crate::common::error::StorageError;
use crate::common::ids::{AccountId, MembershipId, PermissionSetId, RelationshipId, UserId};
use crate::common::page::{Page, PageRequest};
use crate::membership::model::{MemberFilter, Membership};
use crate::membership::ports::MemberPages;
use crate::permission::model::PermissionSet;
use crate::relationship::model::{PartnerUserStats, Relationship};
use crate::user::model::{Email, User};

type Found<K, V> = Result<HashMap<K, V>, StorageError>;

/// Batch reads for a request's DataLoaders.
#[derive(Clone)]
pub struct Batch {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) policy: Policy,
}

impl Batch {
    pub async fn find_users(&self, ids: &[UserId]) -> Found<UserId, User> {
        self.store.find_users(ids).await
    }
    pub async fn find_accounts(&self, ids: &[AccountId]) -> Found<AccountId, Account> {
        self.store.find_accounts(ids).await
    }
    pub async fn find_memberships(&self, ids: &[MembershipId]) -> Found<MembershipId, Membership> {
        self.store.find_memberships(ids).await
    }
    pub async fn find_sets(&self, ids: &[PermissionSetId]) -> Found<PermissionSetId, PermissionSet> {
        self.store.find_sets(ids).await
    }
    pub async fn find_relationships(&self, ids: &[RelationshipId]) -> Found<RelationshipId, Relationship> {
        self.store.find_relationships(ids).await
    }
    /// The relationship of each (partner, client) pair that has one.
    pub async fn find_relationships_by_pair(
        &self,
        pairs: &[(AccountId, AccountId)],
    ) -> Found<(AccountId, AccountId), Relationship> {
        self.store.find_relationships_by_pair(pairs).await
    }
    /// Each pair's active partner users by role (R27, access types).
    pub async fn partner_user_stats(
        &self,
        pairs: &[(AccountId, AccountId)],
    ) -> Found<(AccountId, AccountId), PartnerUserStats> {
        self.store.partner_user_stats(pairs).await
    }
    /// Active super admins per account.
    pub async fn count_active_super_admins_in(&self, accounts: &[AccountId]) -> Found<AccountId, u64> {
        self.store.count_active_super_admins_in(accounts).await
    }
    /// Verified domains per partner (R4).
    pub async fn domains_of(&self, partners: &[AccountId]) -> Found<AccountId, Vec<String>> {
        self.store.domains_of(partners).await
    }
    /// Which of `emails` are verified for `partner` (R4), through the
    /// identity adapter's verifier: their lower-cased keys.
    pub async fn verified_emails(&self, partner: AccountId, emails: &[Email]) -> Result<HashSet<String>, StorageError> {
        self.policy.verifier.verified_emails(self.store.as_ref(), partner, emails).await
    }
    /// Each worker's newest access link.
    pub async fn current_links(&self, workers: &[MembershipId]) -> Found<MembershipId, AccessLink> {
        self.store.current_links(workers).await
    }
    /// A page of each account's members matching `filter` (a client's
    /// partner users in the Clients tab), with their users, sets and
    /// accounts.
    pub async fn members_page_per_account(
        &self,
        accounts: &[AccountId],
        filter: &MemberFilter,
        page: PageRequest,
        with_total: bool,
    ) -> Result<MemberPages<AccountId>, StorageError> {
        self.store.members_page_per_account(accounts, filter, page, with_total).await
    }
    /// A page of each user's memberships in the clients `partner` manages
    /// (a worker's `clientMemberships`).
    pub async fn client_memberships_page_per_user(
        &self,
        partner: AccountId,
        users: &[UserId],
        page: PageRequest,
        with_total: bool,
    ) -> Result<MemberPages<UserId>, StorageError> {
        self.store.client_memberships_page_per_user(partner, users, page, with_total).await
    }
    /// A page of what each (client, owner) pair owns, `page.first + 1` rows
    /// at most per pair.
    pub async fn assets_page_per_owner(
        &self,
        pairs: &[(AccountId, UserId)],
        page: PageRequest,
        with_total: bool,
    ) -> Found<(AccountId, UserId), Page<Asset>> {
        self.store.assets_page_per_owner(pairs, page, with_total).await
    }
}
