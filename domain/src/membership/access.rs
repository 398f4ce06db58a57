//! Who may see which member or worker (R33).

use super::model::Membership;
use crate::app::{is_cam_user, Cam};
use crate::common::error::Result;
use crate::common::principal::Principal;

impl Cam {
    /// A client-account membership is visible to active members of that
    /// account and to CAM users of the partner it represents.
    pub async fn can_see_membership(&self, p: &Principal, m: &Membership) -> Result<bool> {
        let Principal::User(u) = p else { return Ok(true) };
        if self.active_membership(self.store.as_ref(), m.account_id, u.id).await?.is_some() {
            return Ok(true);
        }
        match m.partner_id {
            Some(partner) => {
                Ok(self.active_membership(self.store.as_ref(), partner, u.id).await?.as_ref().is_some_and(is_cam_user))
            }
            None => Ok(false),
        }
    }

    /// A worker is visible to themselves and to CAM users of their partner.
    pub async fn can_see_worker(&self, p: &Principal, w: &Membership) -> Result<bool> {
        let Principal::User(u) = p else { return Ok(true) };
        if w.user_id == u.id {
            return Ok(true);
        }
        Ok(self.active_membership(self.store.as_ref(), w.account_id, u.id).await?.as_ref().is_some_and(is_cam_user))
    }
}
