//! Storage of managed relationships.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::model::{ClientFilter, ClientRow, PartnerUserStats, Relationship};
use super::tab::{ClientsTabQuery, ClientsTabRead};
use crate::common::error::StorageError;
use crate::common::ids::{AccountId, RelationshipId};
use crate::common::page::{Page, PageRequest};

#[async_trait]
pub trait RelationshipRepository: Send + Sync {
    /// Creates the relationship or, if it exists, records the activity
    /// (R27). Errors: `Other`.
    async fn upsert_relationship(
        &self,
        partner: AccountId,
        client: AccountId,
        at: DateTime<Utc>,
        restart: bool,
    ) -> Result<Relationship, StorageError>;
    /// Errors: `Other`.
    async fn set_crm_name(&self, partner: AccountId, client: AccountId, name: &str) -> Result<(), StorageError>;
    /// Errors: `Other`.
    async fn find_relationship(
        &self,
        partner: AccountId,
        client: AccountId,
    ) -> Result<Option<Relationship>, StorageError>;
    /// Errors: `Other`.
    async fn find_relationships(
        &self,
        ids: &[RelationshipId],
    ) -> Result<HashMap<RelationshipId, Relationship>, StorageError>;
    /// Errors: `Other`.
    async fn find_relationships_by_pair(
        &self,
        pairs: &[(AccountId, AccountId)],
    ) -> Result<HashMap<(AccountId, AccountId), Relationship>, StorageError>;
    /// The partner's active users per client, by role. Errors: `Other`.
    async fn partner_user_stats(
        &self,
        pairs: &[(AccountId, AccountId)],
    ) -> Result<HashMap<(AccountId, AccountId), PartnerUserStats>, StorageError>;
    /// A page of the Clients tab: the partner's relationships matching the
    /// filter, oldest first, each with its client and its active partner
    /// users by role. The status filter compares with `now` (R27). Reads
    /// about `page.first + 1` rows whatever the number of clients; `total`
    /// is counted (one more statement) only when `with_total`, else 0.
    /// Errors: `Other`.
    async fn clients_of_partner(
        &self,
        partner: AccountId,
        filter: &ClientFilter,
        page: PageRequest,
        now: DateTime<Utc>,
        with_total: bool,
    ) -> Result<Page<ClientRow>, StorageError>;
    /// The Clients tab as one read model: the partner account, the viewer's
    /// membership there and, when `q`'s rule lets the viewer see them, the
    /// page of `clients_of_partner` with each row's partner users (as
    /// `members_page_per_account` reads them). `None`: no such account.
    /// Errors: `Other`.
    async fn clients_tab(&self, q: &ClientsTabQuery<'_>) -> Result<Option<ClientsTabRead>, StorageError>;
}
