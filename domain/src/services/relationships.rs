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

/// A partner account's Clients tab read at once (issue 29): the page and,
/// when asked, each row's partner users.
#[derive(Debug, Clone)]
pub struct ClientsTabPage {
    pub rows: crate::Page<ClientRow>,
    pub partner_users: Option<crate::membership::ports::MemberPages<AccountId>>,
}

/// The partner account as `AccountService::visible_partner` finds it, with
/// its Clients tab or the reason it may not be read.
pub type PartnerWithClients = (crate::account::model::Account, Option<CamReader>, Result<ClientsTabPage>);

impl RelationshipService {
    /// `partnerAccount { clients { … partnerUsers } }` as one read model
    /// (issue 29): what `AccountService::visible_partner` and then
    /// `partner_clients` answer (R33, R1), from one storage read that is
    /// asked to read the rows only for a viewer the rule lets see them. The
    /// rule is checked again here on the membership read back; `None`: the
    /// account is not visible (no such partner account, or no active
    /// membership there).
    pub async fn partner_with_clients(
        &self,
        p: &Principal,
        partner: AccountId,
        filter: &crate::relationship::model::ClientFilter,
        page: crate::PageRequest,
        with_total: bool,
        partner_users: Option<crate::relationship::tab::PartnerUsersQuery>,
    ) -> Result<Option<PartnerWithClients>> {
        let viewer = p.user().map(|u| u.id);
        let q = crate::relationship::tab::ClientsTabQuery {
            partner,
            viewer,
            filter,
            page,
            now: self.policy.now(),
            with_total,
            partner_users,
        };
        let Some(read) = self.store.clients_tab(&q).await? else { return Ok(None) };
        // What `visible_partner` finds, on the rows read here.
        let Some(reader) = CamReader::of_partner(viewer, &read.account, read.membership.as_ref()) else {
            return Ok(None);
        };
        let tab = match (reader, read.rows) {
            (Some(_), Some(rows)) => Ok(ClientsTabPage { rows, partner_users: read.partner_users }),
            // Refused: the policy's own check says why (R1).
            (None, _) => Err(self
                .policy
                .cam_reader(p, partner, None)
                .await
                .err()
                .unwrap_or_else(|| Error::forbidden("not a member of this partner account"))),
            // The storage's compiled rule disagreed with the domain's: the
            // page is read the usual way.
            (Some(found), None) => {
                tracing::warn!(%partner, "the Clients tab's compiled visibility rule refused a CAM user");
                self.partner_clients(p, Some(found), partner, filter, page, with_total)
                    .await
                    .map(|rows| ClientsTabPage { rows, partner_users: None })
            }
        };
        Ok(Some((read.account, reader, tab)))
    }
}
