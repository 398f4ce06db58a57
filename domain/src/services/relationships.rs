//! Managed relationships: qualifying activity (R27) and the operator's
//! activity report.

use std::sync::Arc;

use crate::policy::Policy;
use crate::store::{body, Store};

use serde_json::json;

use crate::common::error::{Error, Result};
use crate::common::ids::{AccountId, RelationshipId};
use crate::policy::is_cam_user;
use crate::policy::CamReader;
use crate::relationship::model::Relationship;
use crate::user::principal::Principal;

/// Managed relationships (R27) and the Clients tab.
#[derive(Clone)]
pub struct RelationshipService {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) policy: Policy,
}

impl RelationshipService {
    /// Operator: the platform reports the partner's activity in a client
    /// (R27).
    #[tracing::instrument(skip(self, p), err(level = "debug"))]
    pub async fn record_partner_activity(
        &self,
        p: &Principal,
        partner: AccountId,
        client: AccountId,
    ) -> Result<Relationship> {
        self.policy.operator(p)?;
        self.store
            .transaction(|tx| {
                body(async move {
                    let Some(before) = tx.find_relationship(partner, client).await? else {
                        return Err(Error::not_found(&["clientAccountId"], "managed relationship"));
                    };
                    let now = self.policy.now();
                    let rel = self.policy.record_activity(tx.repo(), partner, client, now).await?;
                    let mut ev = self.policy.event(None, "relationship.activity_recorded");
                    ev.account_id = Some(client);
                    ev.partner_id = Some(partner);
                    ev.before = Some(json!({"lastQualifyingActivityAt": before.last_activity_at}));
                    ev.after = Some(json!({"lastQualifyingActivityAt": rel.last_activity_at}));
                    tx.record(ev).await?;
                    Ok(rel)
                })
            })
            .await
    }

    /// A relationship is visible to CAM users of its partner.
    pub async fn visible_relationship(&self, p: &Principal, id: RelationshipId) -> Result<Option<Relationship>> {
        let found = self.store.find_relationships(&[id]).await?;
        let Some(rel) = found.get(&id).cloned() else { return Ok(None) };
        let Principal::User(u) = p else { return Ok(Some(rel)) };
        let me = self.policy.active_membership(self.store.as_ref(), rel.partner_id, u.id).await?;
        Ok(me.as_ref().is_some_and(is_cam_user).then_some(rel))
    }
}

pub use crate::relationship::model::ClientRow;

impl RelationshipService {
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
        filter: &crate::relationship::model::ClientFilter,
        page: crate::PageRequest,
        with_total: bool,
    ) -> Result<crate::Page<ClientRow>> {
        self.policy.cam_reader(p, partner, known).await?;
        Ok(self.store.clients_of_partner(partner, filter, page, self.policy.now(), with_total).await?)
    }
}
