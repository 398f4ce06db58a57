//! Storage of assets.

use chrono::{DateTime, Utc};
use std::collections::HashMap;

use async_trait::async_trait;

use super::model::{Asset, AssetKind};
use crate::common::error::StorageError;
use crate::common::ids::{AccountId, AssetId, UserId};
use crate::common::page::{Page, PageRequest};
use crate::membership::model::PartnerUserSelection;

#[async_trait]
pub trait AssetRepository: Send + Sync {
    /// Errors: `Other`.
    async fn insert_asset(
        &self,
        client: AccountId,
        owner: UserId,
        kind: AssetKind,
        name: &str,
        at: DateTime<Utc>,
    ) -> Result<Asset, StorageError>;
    /// Errors: `Other`.
    async fn find_assets(&self, ids: &[AssetId]) -> Result<HashMap<AssetId, Asset>, StorageError>;
    /// A page of what a user owns in a client. Errors: `Other`.
    async fn assets_owned(
        &self,
        client: AccountId,
        owner: UserId,
        page: PageRequest,
    ) -> Result<Page<Asset>, StorageError>;
    /// Everything these users own in these clients. Errors: `Other`.
    async fn assets_owned_by(&self, pairs: &[(AccountId, UserId)]) -> Result<Vec<Asset>, StorageError>;
    /// The first page, in id order, of what each user owns in each client:
    /// at most `page.first + 1` rows per pair, totals only when
    /// `with_total`. Errors: `Other`.
    async fn assets_page_per_owner(
        &self,
        pairs: &[(AccountId, UserId)],
        page: PageRequest,
        with_total: bool,
    ) -> Result<HashMap<(AccountId, UserId), Page<Asset>>, StorageError>;
    /// What each selected membership's user owns in its client, counted in
    /// one statement (pairs that own nothing are absent). Super admins are
    /// never selected (R26). Errors: `Other`.
    async fn asset_counts_of_selected(
        &self,
        sel: &PartnerUserSelection,
    ) -> Result<HashMap<(AccountId, UserId), u64>, StorageError>;
    /// Leaves every asset of the selected memberships' users in their
    /// clients without an owner, in one statement; returns how many. Never
    /// deletes (R25); super admins are never selected (R26). Errors: `Other`.
    async fn unassign_assets_of_selected(&self, sel: &PartnerUserSelection) -> Result<u64, StorageError>;
    /// Gives a user's assets in a client to another user, or to nobody;
    /// returns how many moved. Never deletes (R25). Errors: `Other`.
    async fn reassign_assets(&self, client: AccountId, from: UserId, to: Option<UserId>) -> Result<u64, StorageError>;
}
