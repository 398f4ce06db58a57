//! The emails of R37, R38 and R39: who gets them and what they say. Each
//! names the people and accounts involved; none carries a token, and a link
//! only to the app (R56).

use super::MembershipService;

use std::collections::{BTreeMap, HashMap};

use crate::account::model::Account;
use crate::common::error::Result;
use crate::common::ids::{AccountId, UserId};
use crate::membership::model::Membership;
use crate::notify::model::{Message, OffboardingKind};
use crate::policy::{is_cam_user, WRITE_CHUNK};
use crate::store::Repository;
use crate::user::model::User;

/// For a removal (R25): the assets each user owned per client, and who
/// receives each client's assets (unlisted clients: nobody).
pub type RemovedAssets<'a> = (&'a HashMap<(AccountId, UserId), u64>, &'a HashMap<AccountId, UserId>);

/// What happened to a partner's users in one client (R38).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offboarding {
    Deactivated,
    Removed,
    Expired,
}

/// R38: one client's part of a partner's request.
#[derive(Debug, Clone)]
pub struct ClientOffboarding {
    pub client: AccountId,
    pub users: Vec<UserId>,
    pub what: Offboarding,
    /// Assets given to another member of the client.
    pub reassigned: u64,
    /// Assets left without an owner.
    pub unassigned: u64,
}

fn who(u: &User) -> String {
    format!("{} <{}>", u.name, u.email.as_str())
}

impl MembershipService {
    /// R38: queues one email per client to each of its active super admins:
    /// which partner, which users, what happened to their assets. Three
    /// statements per chunk of `WRITE_CHUNK` clients; their parameters do
    /// not grow.
    pub(crate) async fn queue_offboarding_notices(
        &self,
        repo: &dyn Repository,
        partner: &Account,
        items: Vec<ClientOffboarding>,
    ) -> Result<()> {
        let items: Vec<ClientOffboarding> = items.into_iter().filter(|i| !i.users.is_empty()).collect();
        // The recipients, the names and the emails of one chunk of clients
        // at a time (`WRITE_CHUNK`): three statements per chunk.
        for chunk in items.chunks(WRITE_CHUNK) {
            self.queue_offboarding_chunk(repo, partner, chunk).await?;
        }
        Ok(())
    }

    async fn queue_offboarding_chunk(
        &self,
        repo: &dyn Repository,
        partner: &Account,
        items: &[ClientOffboarding],
    ) -> Result<()> {
        let clients: Vec<AccountId> = items.iter().map(|i| i.client).collect();
        let recipients = repo.active_super_admins_of(&clients).await?;
        let mut user_ids: Vec<UserId> = items.iter().flat_map(|i| i.users.iter().copied()).collect();
        user_ids.sort();
        user_ids.dedup();
        let users = repo.users_by_ids(&user_ids).await?;
        let mut emails = Vec::new();
        for item in items {
            let Some((client_name, admins)) = recipients.get(&item.client) else { continue };
            let message = Message::Offboarding {
                what: match item.what {
                    Offboarding::Deactivated => OffboardingKind::Deactivated,
                    Offboarding::Removed => OffboardingKind::Removed,
                    Offboarding::Expired => OffboardingKind::Expired,
                },
                partner: partner.name.clone(),
                client: client_name.clone(),
                client_id: item.client,
                people: item.users.iter().filter_map(|u| users.get(u)).map(who).collect(),
                reassigned: item.reassigned,
                unassigned: item.unassigned,
            };
            emails.extend(admins.iter().map(|admin| self.policy.email(admin, message.clone())));
        }
        repo.enqueue_many(emails, self.policy.now()).await?;
        Ok(())
    }

    /// R38: the notices of a partner's request that deactivated or removed
    /// these memberships (`assets`: for a removal, what each user owned per
    /// client and who receives each client's assets). Grouped per partner
    /// and client; one statement per partner, then per chunk of clients.
    pub(crate) async fn notify_offboarded(
        &self,
        repo: &dyn Repository,
        memberships: &[Membership],
        what: Offboarding,
        assets: Option<RemovedAssets<'_>>,
    ) -> Result<()> {
        let per_partner = group_by(memberships.iter().filter_map(|m| m.partner_id.map(|p| (p, m))));
        for (partner, ms) in per_partner {
            let Some(partner) = repo.find_account(partner).await? else { continue };
            let mut items: BTreeMap<AccountId, ClientOffboarding> = BTreeMap::new();
            for m in ms {
                let item = items.entry(m.account_id).or_insert_with(|| ClientOffboarding {
                    client: m.account_id,
                    users: Vec::new(),
                    what,
                    reassigned: 0,
                    unassigned: 0,
                });
                item.users.push(m.user_id);
                if let Some((owned, to)) = assets {
                    let n = owned.get(&(m.account_id, m.user_id)).copied().unwrap_or(0);
                    if to.contains_key(&m.account_id) {
                        item.reassigned += n;
                    } else {
                        item.unassigned += n;
                    }
                }
            }
            self.queue_offboarding_notices(repo, &partner, items.into_values().collect()).await?;
        }
        Ok(())
    }

    /// R1: the partner's active CAM users.
    pub(crate) async fn cam_users_of(&self, repo: &dyn Repository, partner: AccountId) -> Result<Vec<User>> {
        let members = repo.active_members_with_users(partner).await?;
        Ok(members.into_iter().filter(|(m, _)| is_cam_user(m)).map(|(_, u)| u).collect())
    }

    /// Active super admins of one client, with its name.
    pub(crate) async fn super_admins_of(
        &self,
        repo: &dyn Repository,
        client: AccountId,
    ) -> Result<Option<(String, Vec<User>)>> {
        Ok(repo.active_super_admins_of(&[client]).await?.remove(&client))
    }
}

/// Groups values by a key, keeping the keys in order.
pub(crate) fn group_by<K: Ord, V>(items: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, Vec<V>> {
    let mut out: BTreeMap<K, Vec<V>> = BTreeMap::new();
    for (k, v) in items {
        out.entry(k).or_default().push(v);
    }
    out
}
