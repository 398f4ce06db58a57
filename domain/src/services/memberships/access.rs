//! Who may see which member or worker (R33).

use super::MembershipService;

use crate::common::error::{Error, Result};
use crate::common::ids::MembershipId;
use crate::membership::model::Membership;
use crate::policy::is_cam_user;
use crate::store::Repository;
use crate::user::model::User;
use crate::user::principal::Principal;

impl MembershipService {
    /// A client-account membership is visible to active members of that
    /// account and to CAM users of the partner it represents.
    pub async fn can_see_membership(&self, p: &Principal, m: &Membership) -> Result<bool> {
        let Principal::User(u) = p else { return Ok(true) };
        self.sees_membership(self.store.as_ref(), u, m).await
    }

    /// `can_see_membership` for a user, read through `repo`.
    pub(crate) async fn sees_membership(&self, repo: &dyn Repository, u: &User, m: &Membership) -> Result<bool> {
        if self.policy.active_membership(repo, m.account_id, u.id).await?.is_some() {
            return Ok(true);
        }
        match m.partner_id {
            Some(partner) => {
                Ok(self.policy.active_membership(repo, partner, u.id).await?.as_ref().is_some_and(is_cam_user))
            }
            None => Ok(false),
        }
    }

    /// R33 then R12/R22 for a use case acting on membership `m` that was
    /// refused as not found in `m`'s client account: a caller who can see
    /// `m` (a CAM user of the partner it represents) is `FORBIDDEN`; anyone
    /// else gets the refusal an unknown membership id gets.
    pub(crate) async fn refused_over(
        &self,
        repo: &dyn Repository,
        u: &User,
        m: &Membership,
        e: Error,
        not_found: Error,
        forbidden: &str,
    ) -> Result<Error> {
        match e {
            Error::Refused(_) if self.sees_membership(repo, u, m).await? => Ok(Error::forbidden(forbidden)),
            Error::Refused(_) => Ok(not_found),
            other => Ok(other),
        }
    }

    /// The member with this id, if `p` may see it (R33): a client-account
    /// membership (`worker = false`) or a worker (`worker = true`).
    pub async fn visible_member(&self, p: &Principal, id: MembershipId, worker: bool) -> Result<Option<Membership>> {
        let Some(m) = self.store.find_membership(id).await? else { return Ok(None) };
        let seen = match (worker, m.worker_kind.is_some()) {
            (true, true) => self.can_see_worker(p, &m).await?,
            (false, false) => self.can_see_membership(p, &m).await?,
            _ => false,
        };
        Ok(seen.then_some(m))
    }

    /// A worker is visible to themselves and to CAM users of their partner.
    pub async fn can_see_worker(&self, p: &Principal, w: &Membership) -> Result<bool> {
        let Principal::User(u) = p else { return Ok(true) };
        if w.user_id == u.id {
            return Ok(true);
        }
        Ok(self
            .policy
            .active_membership(self.store.as_ref(), w.account_id, u.id)
            .await?
            .as_ref()
            .is_some_and(is_cam_user))
    }
}
