//! What the scheduled work needs from storage. Every `claim_*` method is a
//! conditional write that answers whether this transaction won the work:
//! a concurrent sweep that comes second changes nothing and sends nothing.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::common::error::StorageError;
use crate::common::ids::{AccountId, MembershipId, RelationshipId, UserId};
use crate::membership::model::Membership;
use crate::relationship::model::Relationship;
use crate::user::model::User;

/// R37: the notices of one ending period, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EndingStage {
    /// 30 days before the end.
    ThirtyDays = 1,
    /// 7 days before.
    SevenDays = 2,
    /// 1 day before.
    OneDay = 3,
    /// Ended.
    Ended = 4,
}

impl EndingStage {
    pub const ALL: [EndingStage; 4] = [Self::ThirtyDays, Self::SevenDays, Self::OneDay, Self::Ended];

    /// Days before the end at which this stage is due.
    pub fn days_before_end(self) -> i64 {
        match self {
            Self::ThirtyDays => 30,
            Self::SevenDays => 7,
            Self::OneDay => 1,
            Self::Ended => 0,
        }
    }

    pub fn number(self) -> i32 {
        self as i32
    }

    pub fn from_number(n: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.number() as i64 == n)
    }
}

/// A relationship with no active partner user whose next notice is due.
#[derive(Debug, Clone)]
pub struct DueRelationship {
    pub relationship: Relationship,
    /// The latest stage due now (only that one is sent, R37).
    pub stage: EndingStage,
}

#[async_trait]
pub trait LifecycleRepository: Send + Sync {
    /// R39: sets or clears the expiry of these memberships (the request's
    /// own list, at most 500) and forgets the warning sent for the old one.
    /// Errors: `Other`.
    async fn set_membership_expiry(
        &self,
        ids: &[MembershipId],
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<(), StorageError>;

    /// R39: active partner users (never super admins) whose expiry lies in
    /// `(now, until]` and who were not warned for it, oldest expiry first,
    /// at most `limit`. Errors: `Other`.
    async fn memberships_to_warn(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Membership>, StorageError>;
    /// Claims the seven-day warning of this membership's current expiry.
    /// Errors: `Other`.
    async fn claim_expiry_warning(&self, id: MembershipId) -> Result<bool, StorageError>;

    /// R39: active partner users (never super admins) whose expiry is at
    /// or before `now`, at most `limit`. Errors: `Other`.
    async fn memberships_expired(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<Membership>, StorageError>;
    /// Claims an expiry: deactivates the membership and clears its expiry,
    /// if it is still active and expired at `now`. Errors: `Other`.
    async fn claim_expiry(&self, id: MembershipId, now: DateTime<Utc>) -> Result<bool, StorageError>;

    /// R37: relationships without an active partner user whose latest due
    /// stage (the end being 60 days after the last qualifying activity) is
    /// past the last notice of this ending period, at most `limit`.
    /// Errors: `Other`.
    async fn relationships_due(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<DueRelationship>, StorageError>;
    /// Claims a stage of a relationship's current ending period, if it is
    /// still due at `now` and not yet done. Errors: `Other`.
    async fn claim_ending_stage(
        &self,
        id: RelationshipId,
        stage: EndingStage,
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError>;

    /// R38: each of these client accounts' name and its active super
    /// admins' users (one statement, one bound value, whatever the number
    /// of clients); clients without one are left out. Errors: `Other`.
    async fn active_super_admins_of(
        &self,
        clients: &[AccountId],
    ) -> Result<HashMap<AccountId, (String, Vec<User>)>, StorageError>;
    /// Active members of a partner account with their users, for R1 to
    /// pick its CAM users. Errors: `Other`.
    async fn active_members_with_users(&self, account: AccountId) -> Result<Vec<(Membership, User)>, StorageError>;
    /// Users by id (one statement, one bound value). Errors: `Other`.
    async fn users_by_ids(&self, ids: &[UserId]) -> Result<HashMap<UserId, User>, StorageError>;
}
