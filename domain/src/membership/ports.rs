//! Storage of memberships (workers and client members).

use chrono::{DateTime, Utc};
use std::collections::HashMap;

use async_trait::async_trait;

use super::model::{MemberFilter, Membership, NewMembership, PartnerUserSelection, WorkerFilter, WorkerKind};
use crate::account::model::Account;
use crate::common::error::StorageError;
use crate::common::ids::{AccountId, MembershipId, UserId};
use crate::common::page::{Page, PageRequest};
use crate::permission::model::PermissionSet;
use crate::user::model::User;

/// Pages of memberships per parent, and the users, permission sets and
/// accounts their rows refer to, read by the same statement: a nested list
/// and what its rows show cost one statement.
#[derive(Debug, Clone)]
pub struct MemberPages<K> {
    /// A page for every parent asked for, maybe empty.
    pub pages: HashMap<K, Page<Membership>>,
    pub users: Vec<User>,
    pub sets: Vec<PermissionSet>,
    pub accounts: Vec<Account>,
}

#[async_trait]
pub trait MembershipRepository: Send + Sync {
    /// Errors: `Conflict` when the user is already a member of the account.
    async fn insert_membership(&self, new: NewMembership) -> Result<Membership, StorageError>;
    /// Writes role, seat, status, permissions, set, partner and credit: the
    /// whole row, as read. So every read-modify-write of a membership reads
    /// it after `lock_account` of its account in the same transaction;
    /// otherwise a concurrent change (say, of its permissions) would be
    /// silently undone. Errors: `Other`.
    async fn update_membership(&self, m: &Membership, at: DateTime<Utc>) -> Result<(), StorageError>;
    /// Errors: `Other`.
    async fn delete_membership(&self, id: MembershipId) -> Result<(), StorageError>;
    /// Errors: `Other`.
    async fn find_membership(&self, id: MembershipId) -> Result<Option<Membership>, StorageError>;
    /// Errors: `Other`.
    async fn find_memberships(&self, ids: &[MembershipId]) -> Result<HashMap<MembershipId, Membership>, StorageError>;
    /// The membership of `user` in `account`. Errors: `Other`.
    async fn membership_of(&self, account: AccountId, user: UserId) -> Result<Option<Membership>, StorageError>;
    /// Every membership of a user, in id order. Errors: `Other`.
    async fn memberships_of_user(&self, user: UserId) -> Result<Vec<Membership>, StorageError>;
    /// Memberships of these users in these accounts. Errors: `Other`.
    async fn memberships_of_users_in(
        &self,
        accounts: &[AccountId],
        users: &[UserId],
    ) -> Result<Vec<Membership>, StorageError>;
    /// A page of an account's members; the total (one more statement) only
    /// when `with_total`, else 0. Errors: `Other`.
    async fn list_members(
        &self,
        account: AccountId,
        filter: &MemberFilter,
        page: PageRequest,
        with_total: bool,
    ) -> Result<Page<Membership>, StorageError>;
    /// Every member of these accounts matching the filter, in id order, for
    /// batch loading. Errors: `Other`.
    async fn members_of_accounts(
        &self,
        accounts: &[AccountId],
        filter: &MemberFilter,
    ) -> Result<Vec<Membership>, StorageError>;
    /// Active super admins of an account. Errors: `Other`.
    async fn count_active_super_admins(&self, account: AccountId) -> Result<u64, StorageError>;
    /// Batch form of `count_active_super_admins`. Errors: `Other`.
    async fn count_active_super_admins_in(
        &self,
        accounts: &[AccountId],
    ) -> Result<HashMap<AccountId, u64>, StorageError>;
    /// A page of a partner's workers of one kind; the search looks at name
    /// and email. The total only when `with_total`, else 0.
    /// Errors: `Other`.
    async fn list_workers(
        &self,
        partner: AccountId,
        kind: WorkerKind,
        filter: &WorkerFilter,
        page: PageRequest,
        with_total: bool,
    ) -> Result<Page<Membership>, StorageError>;
    /// The first page of members of each of these accounts matching the
    /// filter, in id order, for batch loading of nested lists: one statement
    /// that reads at most `page.first + 1` rows per account, with their
    /// users, sets and accounts, and each account's total when `with_total`
    /// (else 0). Every account asked for has a page, maybe empty.
    /// Errors: `Other`.
    async fn members_page_per_account(
        &self,
        accounts: &[AccountId],
        filter: &MemberFilter,
        page: PageRequest,
        with_total: bool,
    ) -> Result<MemberPages<AccountId>, StorageError>;
    /// The first page, in id order, of each user's memberships in the client
    /// accounts `partner` has a managed relationship with (a worker's
    /// `clientMemberships`): one statement that reads at most `page.first +
    /// 1` rows per user, with their users, sets and accounts, and each
    /// user's total when `with_total`. Errors: `Other`.
    async fn client_memberships_page_per_user(
        &self,
        partner: AccountId,
        users: &[UserId],
        page: PageRequest,
        with_total: bool,
    ) -> Result<MemberPages<UserId>, StorageError>;
    /// Locks, in one statement and in ascending id order, the client
    /// accounts of the selected memberships and `also` (PostgreSQL: `FOR NO
    /// KEY UPDATE`; SQLite holds its write lock from `begin`), as
    /// `AccountRepository::lock_account` does one at a time. Errors: `Other`.
    async fn lock_accounts_of(&self, sel: &PartnerUserSelection, also: Option<AccountId>) -> Result<(), StorageError>;
    /// Deactivates every active selected membership in one statement;
    /// returns how many changed. Call with their accounts locked.
    /// Errors: `Other`.
    async fn deactivate_selected(&self, sel: &PartnerUserSelection, at: DateTime<Utc>) -> Result<u64, StorageError>;
    /// Deletes every selected membership in one statement, never a super
    /// admin (R26); returns how many. Call with their accounts locked.
    /// Errors: `Other`.
    async fn delete_selected(&self, sel: &PartnerUserSelection) -> Result<u64, StorageError>;
}

#[async_trait]
pub trait MemberAccountRepository: Send + Sync {
    /// An account and `user`'s membership in it (active or not), read by one
    /// statement: what every "may this user act here" check needs.
    /// Errors: `StorageError::Other`.
    async fn account_with_membership(
        &self,
        id: AccountId,
        user: UserId,
    ) -> Result<Option<(Account, Option<Membership>)>, StorageError>;
}
