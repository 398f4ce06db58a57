//! Who may read a partner's CAM data (R1) or a client's members.

use std::collections::HashMap;

use super::Policy;
use crate::account::model::Account;
use crate::common::error::{Error, Result};
use crate::common::ids::{AccountId, UserId};
use crate::membership::model::Membership;
use crate::user::principal::Principal;

/// The domain's finding that a principal may read a partner's CAM data
/// (R1), made only by `visible_partner` from the row that showed the
/// account: a list under that account shown in the same request takes it
/// instead of reading the caller's membership again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CamReader {
    partner: AccountId,
    user: Option<UserId>,
}

impl CamReader {
    /// The finding that `user` (none: the operator) may read `partner`'s
    /// CAM data; only the account areas' visibility check makes it.
    pub(crate) fn found(partner: AccountId, user: Option<UserId>) -> Self {
        Self { partner, user }
    }

    /// R33, then R1, on a partner account and the viewer's membership there
    /// (`viewer` none: the operator) as they were read: `None` when the
    /// viewer may not see the account (not a partner account, or no active
    /// membership there); else the finding that they may read its CAM data,
    /// when they may (`is_cam_user`).
    pub(crate) fn of_partner(
        viewer: Option<UserId>,
        account: &Account,
        m: Option<&Membership>,
    ) -> Option<Option<Self>> {
        if account.kind != crate::account::model::AccountKind::Partner {
            return None;
        }
        match (viewer, m) {
            (None, _) => Some(Some(Self::found(account.id, None))),
            (Some(u), Some(m)) if m.is_active() => {
                Some(super::is_cam_user(m).then_some(Self::found(account.id, Some(u))))
            }
            (Some(_), _) => None,
        }
    }

    fn holds(&self, p: &Principal, partner: AccountId) -> bool {
        self.partner == partner && self.user == p.user().map(|u| u.id)
    }
}

impl Policy {
    /// `require_cam_reader`, unless `known` already found it for this
    /// principal and partner.
    pub(crate) async fn cam_reader(&self, p: &Principal, partner: AccountId, known: Option<CamReader>) -> Result<()> {
        match known {
            Some(r) if r.holds(p, partner) => Ok(()),
            _ => self.require_cam_reader(p, partner).await.map(|_| ()),
        }
    }

    /// Passes when the principal may read the partner's CAM data (R1): the
    /// operator, or a CAM user. Otherwise `FORBIDDEN`.
    pub async fn require_cam_reader(&self, p: &Principal, partner: AccountId) -> Result<Option<Membership>> {
        match p {
            Principal::Operator => Ok(None),
            Principal::User(u) => self
                .cam_access(self.store.as_ref(), u, partner, &["partnerAccountId"])
                .await
                .map(|(_, m)| Some(m))
                .map_err(|e| match e {
                    Error::Refused(_) => Error::forbidden("not a member of this partner account"),
                    other => other,
                }),
        }
    }

    /// Passes for the operator and active members of the client account;
    /// otherwise `FORBIDDEN`.
    pub async fn require_client_member(&self, p: &Principal, client: AccountId) -> Result<Option<Membership>> {
        match p {
            Principal::Operator => Ok(None),
            Principal::User(u) => match self.active_membership(self.store.as_ref(), client, u.id).await? {
                Some(m) => Ok(Some(m)),
                None => Err(Error::forbidden("only members of this client account may see this")),
            },
        }
    }

    /// The viewer's active memberships with their accounts.
    pub async fn viewer_accounts(&self, p: &Principal) -> Result<Vec<(Account, Membership)>> {
        let Some(u) = p.user() else { return Ok(Vec::new()) };
        let ms: Vec<Membership> =
            self.store.memberships_of_user(u.id).await?.into_iter().filter(Membership::is_active).collect();
        let ids: Vec<AccountId> = ms.iter().map(|m| m.account_id).collect();
        let accounts = self.store.find_accounts(&ids).await?;
        Ok(ms.into_iter().filter_map(|m| accounts.get(&m.account_id).cloned().map(|a| (a, m))).collect())
    }

    /// The caller's memberships in these accounts (none for the operator),
    /// in one statement.
    pub(crate) async fn own_memberships(
        &self,
        p: &Principal,
        accounts: &[AccountId],
    ) -> Result<HashMap<AccountId, Membership>> {
        let Principal::User(u) = p else { return Ok(HashMap::new()) };
        let found = self.store.memberships_of_users_in(accounts, &[u.id]).await?;
        Ok(found.into_iter().map(|m| (m.account_id, m)).collect())
    }
}

/// What a list of parents may read: the pages of the readable ones, and why
/// each other one is refused.
pub struct Readable<K, P> {
    pub pages: P,
    pub refused: HashMap<K, Error>,
}
