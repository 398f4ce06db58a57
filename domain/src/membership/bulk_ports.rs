//! Set-based writes for the requests that span many clients (R40, R49):
//! each method is one or two statements whatever the number of rows.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::model::{Membership, NewMembership, PartnerUserSelection};
use crate::common::error::StorageError;
use crate::common::ids::{AccountId, UserId};

#[async_trait]
pub trait BulkRepository: Send + Sync {
    /// Inserts every membership in one statement (the rows travel as one
    /// parameter) and returns them as stored, in the given order.
    /// Errors: `Conflict` when a user is already a member of one of the
    /// accounts (nothing is inserted), `Other`.
    async fn insert_memberships(&self, new: &[NewMembership]) -> Result<Vec<Membership>, StorageError>;
    /// R27 for many clients at once: qualifying activity of `partner` in
    /// each of `clients` at `at`. A relationship that exists gets `at` as
    /// its last activity, and starts anew when it had ended (no active
    /// partner user, and its 60 days passed before `at`); a missing one is
    /// created. Call with the clients locked. Errors: `Other`.
    async fn record_activity_in(
        &self,
        partner: AccountId,
        clients: &[AccountId],
        at: DateTime<Utc>,
    ) -> Result<(), StorageError>;
    /// Gives every asset that the selected memberships' users own in their
    /// clients to `to`, in one statement; returns how many moved. Super
    /// admins are never selected for removal (R26), so their assets stay.
    /// Errors: `Other`.
    async fn reassign_assets_of_selected(&self, sel: &PartnerUserSelection, to: UserId) -> Result<u64, StorageError>;
}
