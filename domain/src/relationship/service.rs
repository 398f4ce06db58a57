//! Managed relationships: qualifying activity (R27) and the operator's
//! activity report.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::model::{Relationship, RelationshipStatus};
use crate::account::service::CamReader;
use crate::app::{is_cam_user, Cam};
use crate::common::error::{Error, Result};
use crate::common::ids::{AccountId, RelationshipId};
use crate::common::principal::Principal;
use crate::store::Repository;

impl Cam {
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

    /// Operator: the platform reports the partner's activity in a client
    /// (R27).
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn record_partner_activity(
        &self,
        p: &Principal,
        partner: AccountId,
        client: AccountId,
    ) -> Result<Relationship> {
        self.retrying(|| self.record_partner_activity_once(p, partner, client)).await
    }

    async fn record_partner_activity_once(
        &self,
        p: &Principal,
        partner: AccountId,
        client: AccountId,
    ) -> Result<Relationship> {
        self.operator(p)?;
        let tx = self.store.begin().await?;
        let Some(before) = tx.find_relationship(partner, client).await? else {
            return Err(Error::not_found(&["clientAccountId"], "managed relationship"));
        };
        let now = self.now();
        let rel = self.record_activity(tx.as_ref(), partner, client, now).await?;
        let mut ev = self.event(None, "relationship.activity_recorded");
        ev.account_id = Some(client);
        ev.partner_id = Some(partner);
        ev.before = Some(json!({"lastQualifyingActivityAt": before.last_activity_at}));
        ev.after = Some(json!({"lastQualifyingActivityAt": rel.last_activity_at}));
        tx.record(ev).await?;
        tx.commit().await?;
        Ok(rel)
    }

    /// A relationship is visible to CAM users of its partner.
    pub async fn visible_relationship(&self, p: &Principal, id: RelationshipId) -> Result<Option<Relationship>> {
        let found = self.store.find_relationships(&[id]).await?;
        let Some(rel) = found.get(&id).cloned() else { return Ok(None) };
        let Principal::User(u) = p else { return Ok(Some(rel)) };
        let me = self.active_membership(self.store.as_ref(), rel.partner_id, u.id).await?;
        Ok(me.as_ref().is_some_and(is_cam_user).then_some(rel))
    }
}

pub use super::model::ClientRow;

impl Cam {
    /// The Clients tab (R1): the partner's relationships, filtered by access
    /// type, status (R27, against the clock's `now`) and a case-insensitive
    /// search on the display name, in a stable order (oldest relationship
    /// first). Storage reads only the page's rows; the total is counted only
    /// when `with_total` asks for it (otherwise it is 0). `known`: the
    /// caller's finding from `visible_partner`, if it has one.
    pub async fn partner_clients(
        &self,
        p: &Principal,
        known: Option<CamReader>,
        partner: AccountId,
        filter: &super::model::ClientFilter,
        page: crate::PageRequest,
        with_total: bool,
    ) -> Result<crate::Page<ClientRow>> {
        self.cam_reader(p, partner, known).await?;
        Ok(self.store.clients_of_partner(partner, filter, page, self.now(), with_total).await?)
    }
}
