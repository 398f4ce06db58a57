//! R27: qualifying activity.

use chrono::{DateTime, Utc};

use super::Policy;
use crate::common::error::Result;
use crate::common::ids::AccountId;
use crate::relationship::model::{Relationship, RelationshipStatus};
use crate::store::Repository;

impl Policy {
    /// R27: qualifying activity creates the relationship, or resets its clock;
    /// an `ENDED` one starts anew.
    pub(crate) async fn record_activity(
        &self,
        repo: &dyn Repository,
        partner: AccountId,
        client: AccountId,
        now: DateTime<Utc>,
    ) -> Result<Relationship> {
        let restart = match repo.find_relationship(partner, client).await? {
            Some(r) => {
                let stats = repo.partner_user_stats(&[(partner, client)]).await?;
                let stats = stats.get(&(partner, client)).copied().unwrap_or_default();
                r.status(&stats, now) == RelationshipStatus::Ended
            }
            None => false,
        };
        Ok(repo.upsert_relationship(partner, client, now, restart).await?)
    }
}
